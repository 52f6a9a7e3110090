"""Idle time, and the warning a guest sees before an abandoned check-in is forgotten."""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.reactive import reactive
from textual.screen import ModalScreen
from textual.widgets import Button, Digits, Static

from kiosk.idle_limit import MORE_TIME_SECONDS
from screens.base import GuestApp


class IdleTimer:
    """Seconds since the guest last touched the kiosk, on a clock that tests can move."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._last_touch = clock()

    def touch(self) -> None:
        self._last_touch = self._clock()

    def idle_for(self) -> float:
        return self._clock() - self._last_touch


class IdleWarning(ModalScreen[None]):
    """A countdown over the guest's screen. Any key or click sends it away; the key or
    click is spent on that, so it cannot press something on the screen underneath. Enter,
    or a tap on "I need more time" (focused from the start, so that it needs no Tab), also
    gives the guest more time (WCAG 2.2.1: at least 20 seconds to ask for it,
    `[security] idle_warning`)."""

    AUTO_FOCUS = "#idle-more-time"
    seconds_left: reactive[int] = reactive(0)

    def __init__(self, seconds_left: int, *, can_extend: bool) -> None:
        """`can_extend`: the guest may still have more time (kiosk/idle_limit.py)."""
        super().__init__()
        self.can_extend = can_extend
        self.set_reactive(IdleWarning.seconds_left, seconds_left)

    @property
    def kiosk_app(self) -> GuestApp:
        return cast(GuestApp, self.app)

    def compose(self) -> ComposeResult:
        catalog = self.kiosk_app.catalog
        with Vertical(id="idle-dialog"):
            yield Static(catalog.t("idle.title"), markup=False, classes="title")
            yield Digits(str(self.seconds_left), id="idle-countdown")
            yield Static(self._body(), markup=False, id="idle-body")
            if self.can_extend:
                minutes = MORE_TIME_SECONDS // 60
                yield Static(
                    catalog.t("idle.more_time_hint", minutes=minutes), markup=False, classes="hint"
                )
            with Horizontal(classes="choices"):
                if self.can_extend:
                    yield Button(catalog.t("idle.more_time"), id="idle-more-time")
                yield Button(catalog.t("idle.continue"), id="idle-continue", variant="primary")

    def on_mount(self) -> None:
        if self.kiosk_app.read_aloud:
            hint = "\n".join(
                str(line.render())
                for line in self.query(".title, #idle-body, .hint").results(Static)
            )
            self.kiosk_app.speak(hint)

    def _body(self) -> str:
        return self.kiosk_app.catalog.t("idle.body", seconds=self.seconds_left)

    def watch_seconds_left(self) -> None:
        self.query_one("#idle-countdown", Digits).update(str(self.seconds_left))
        self.query_one("#idle-body", Static).update(self._body())

    def on_key(self, event: events.Key) -> None:
        event.stop()
        if (
            event.key == "enter"
            and self.focused is not None
            and self.focused.id == "idle-more-time"
        ):
            self.more_time()
        else:
            self.resume()

    def on_click(self, event: events.Click) -> None:
        event.stop()
        if event.widget is None or event.widget.id != "idle-more-time":  # else its Pressed
            self.resume()

    @on(Button.Pressed, "#idle-more-time")
    def more_time(self) -> None:
        self.kiosk_app.more_time()
        self.resume()

    @on(Button.Pressed, "#idle-continue")
    def resume(self) -> None:
        """Back to the guest's screen; safe to call more than once."""
        if self.is_current:
            self.dismiss()
