"""Where the kiosk hands over to a person: a locked check-in, or no room ready yet.

The core has already called staff; these screens say so, say what happens next, and
keep Help, the language switch and a way back to the start. Never a dead end.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.widgets import Button

from screens.base import GuestScreen, plain


class StaffCalledScreen(GuestScreen):
    AUTO_FOCUS = "#start-over"

    def on_mount(self) -> None:
        # The core filed the help request; Help now only confirms it.
        self.kiosk.help_pending = True

    def compose_start_over(self) -> ComposeResult:
        yield Button(
            self.t("action.start_over"), id="start-over", variant="primary", classes="main-action"
        )

    @on(Button.Pressed, "#start-over")
    def start_over(self) -> None:
        self.kiosk.return_to_welcome()


class LockedScreen(StaffCalledScreen):
    def compose_body(self) -> ComposeResult:
        yield plain(self.t("locked.title"), classes="title")
        yield plain(self.t("locked.body"), classes="hint")
        yield from self.compose_start_over()


class NoRoomScreen(StaffCalledScreen):
    STEP = 3

    def compose_body(self) -> ComposeResult:
        yield plain(self.t("no_room.title"), classes="title")
        yield plain(self.t("no_room.body"), classes="hint")
        yield plain(self.t("no_room.next_title"), classes="subtitle")
        for item in (1, 2, 3):
            yield plain(self.t(f"no_room.next.{item}"), classes="next-step")
        yield from self.compose_start_over()
