"""Idle time, and the warning a guest sees before an abandoned check-in is forgotten."""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.reactive import reactive
from textual.screen import ModalScreen
from textual.widgets import Button, Digits, Static

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
    click is spent on that, so it cannot press something on the screen underneath."""

    seconds_left: reactive[int] = reactive(0)

    def __init__(self, seconds_left: int) -> None:
        super().__init__()
        self.set_reactive(IdleWarning.seconds_left, seconds_left)

    def compose(self) -> ComposeResult:
        catalog = cast(GuestApp, self.app).catalog
        with Vertical(id="idle-dialog"):
            yield Static(catalog.t("idle.title"), markup=False, classes="title")
            yield Digits(str(self.seconds_left), id="idle-countdown")
            yield Static(self._body(), markup=False, id="idle-body")
            yield Button(catalog.t("idle.continue"), id="idle-continue", variant="primary")

    def _body(self) -> str:
        return cast(GuestApp, self.app).catalog.t("idle.body", seconds=self.seconds_left)

    def watch_seconds_left(self) -> None:
        self.query_one("#idle-countdown", Digits).update(str(self.seconds_left))
        self.query_one("#idle-body", Static).update(self._body())

    def on_key(self, event: events.Key) -> None:
        event.stop()
        self.resume()

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.resume()

    @on(Button.Pressed, "#idle-continue")
    def resume(self) -> None:
        """Back to the guest's screen; safe to call more than once."""
        if self.is_current:
            self.dismiss()
