"""Textual's private internals the kiosk relies on (screens/textual_seams.py), one test each:
each fails when Textual stops behaving as relied on, so that an upgrade shows what can go."""

from __future__ import annotations

import asyncio
import gc
import weakref

from textual import work
from textual._styles_cache import StylesCache
from textual.app import App, ComposeResult
from textual.color import Color
from textual.message import Message
from textual.widgets import Input, Static

from helpers import until
from screens.base import SETTLE_TURNS
from screens.textual_seams import (
    CatchBackgroundErrors,
    CatchHandlerErrors,
    clear_style_caches,
    lay_out_now,
    stop_watching,
)


class Boom(Message):
    pass


class Guarded(CatchHandlerErrors, Static):
    def __init__(self) -> None:
        super().__init__("guarded")
        self.failed: list[str] = []

    def on_boom(self) -> None:
        raise ValueError("handler")

    def handler_failed(self, message: Message, error: Exception) -> bool:
        self.failed.append(f"{type(message).__name__}: {error}")
        return True


class Host(CatchBackgroundErrors, App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.failed: list[str] = []

    def compose(self) -> ComposeResult:
        yield Guarded()

    def background_failed(self, error: Exception) -> bool:
        self.failed.append(str(getattr(error, "error", error)))
        return True

    def raise_in_timer(self) -> None:
        raise ValueError("timer")

    @work
    async def raise_in_worker(self) -> None:
        raise ValueError("worker")


async def test_a_handlers_error_reaches_handler_failed_and_the_widget_runs_on() -> None:
    """MessagePump._on_message: where Textual runs a widget's handlers."""
    app = Host()
    async with app.run_test() as pilot:
        guarded = app.query_one(Guarded)
        guarded.post_message(Boom())
        guarded.post_message(Boom())
        await pilot.pause()
        assert guarded.failed == ["Boom: handler", "Boom: handler"]
        assert app.is_running and app.return_code is None


async def test_a_timers_and_a_workers_error_reach_background_failed() -> None:
    """App._handle_exception: where Textual sends what timers and workers raise."""
    app = Host()
    async with app.run_test() as pilot:
        app.set_timer(0.01, app.raise_in_timer)
        await until(pilot, lambda: app.failed == ["timer"], "the timer")
        app.raise_in_worker()
        await until(pilot, lambda: app.failed == ["timer", "worker"], "the worker")
        assert app.is_running and app.return_code is None


def test_the_style_cache_keeps_a_styles_cache_alive_until_cleared() -> None:
    """StylesCache.get_inner_outer: an lru_cache on a method, holding each styles cache (and
    so the lines its widget drew) after the widget is gone."""
    styles_cache = StylesCache()
    styles_cache.get_inner_outer(Color(0, 0, 0), Color(255, 255, 255))
    held = weakref.ref(styles_cache)
    del styles_cache
    gc.collect()
    assert held() is not None
    clear_style_caches()
    gc.collect()
    assert held() is None


async def test_lay_out_now_lays_the_screen_out_at_once() -> None:
    """Screen._refresh_layout and Screen._dirty_widgets: a layout now, not at the next frame."""
    app = App[None]()
    async with app.run_test() as pilot:
        widget = Static("tall")
        await app.screen.mount(widget)
        await pilot.pause()
        assert widget.region.height == 1
        with app.batch_update():  # as during a page change: Textual draws no frame
            widget.styles.height = 7
            for _ in range(SETTLE_TURNS):  # the widget's request reaches the screen
                await asyncio.sleep(0)
            assert widget.region.height == 1
            lay_out_now(app.screen, widget)
            assert widget.region.height == 7


async def test_stop_watching_lets_go_of_the_watched() -> None:
    """The "__watchers" attribute: where DOMNode.watch keeps what it calls back, and all
    that Textual drops only when the watched value changes (it has no unwatch)."""
    app = App[None]()
    async with app.run_test() as pilot:
        field = Input()
        await app.screen.mount(field)
        field.watch(app, "theme", lambda: None, init=False)
        watchers = getattr(app, "__watchers")["theme"]
        assert any(node is field for node, _ in watchers)
        stop_watching(app, field)
        assert not any(node is field for node, _ in getattr(app, "__watchers")["theme"])
        await pilot.pause()
