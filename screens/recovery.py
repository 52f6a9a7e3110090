"""Where the kiosk hands over to a person: a locked check-in, no room ready yet, or the
kiosk's own disk trouble (and too many failed lookups: screens/booking.py).

For the first two the core has already called staff; these pages say so, say what
happens next, and keep Help, the language switch and a way back to the start. Never a
dead end.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button

from kiosk.session import Failure
from screens.base import GuestPage, PageButton, StaffCalledPage, plain


class LockedPage(StaffCalledPage):
    """The booking waits for staff: too many failed tries, or, `because`, a document (or an
    age) was refused just now, which no other way of proving identity may stand in for.
    Also where a guest waits whose booking was checked in meanwhile elsewhere: then the
    core has not called staff (`staff_called`), and the page does."""

    def __init__(self, because: Failure | None = None, *, staff_called: bool = True) -> None:
        super().__init__()
        self.because = because
        self.staff_called = staff_called

    def on_mount(self) -> None:
        # Before StaffCalledPage.on_mount: Textual calls each class's own, this one first.
        if not self.staff_called:
            self.kiosk_app.call_staff()

    def compose_body(self) -> ComposeResult:
        yield plain(self.t("locked.title"), classes="title")
        if self.because is None:
            yield plain(self.t("locked.body"), classes="hint")
        else:
            age = self.kiosk_app.hotel.profile.minimum_age
            yield plain(self.t(f"locked.because.{self.because}", age=age), id="refused")
            yield plain(self.t("locked.refused_body"), classes="hint")
        yield from self.compose_start_over()


class NoRoomPage(StaffCalledPage):
    STEP = 3

    def compose_body(self) -> ComposeResult:
        yield plain(self.t("no_room.title"), classes="title")
        yield plain(self.t("no_room.body"), classes="hint")
        yield plain(self.t("no_room.next_title"), classes="subtitle")
        for item in (1, 2, 3):
            yield plain(self.t(f"no_room.next.{item}"), classes="next-step")
        yield from self.compose_start_over()


class UnexpectedErrorPage(StaffCalledPage):
    """Something failed that nobody expected (KioskApp.unexpected_error): the guest's
    check-in is forgotten, staff are called, and the guest can start over."""

    def compose_body(self) -> ComposeResult:
        yield plain(self.t("error.title"), classes="title")
        yield plain(self.t("error.body"), classes="hint")
        yield from self.compose_start_over()


class StorageTroublePage(GuestPage):
    """A write failed (full disk, read-only data folder; see screens/trouble.py). Nothing
    the guest did is lost: the data file holds the last good state and the session is as
    it was, so "Try again" goes back to their page. Help tries to call staff; if that
    cannot be written either, the page says to go to the desk."""

    AUTO_FOCUS = "#try-again"

    help_unavailable = False
    """Help was pressed here and could not be filed either."""

    def compose_body(self) -> ComposeResult:
        yield plain(self.t("trouble.title"), classes="title")
        yield plain(self.t("trouble.body"), classes="hint")
        line = plain(self.t("trouble.help_failed"), id="problem")
        line.display = self.help_unavailable
        yield line
        with Horizontal(classes="choices"):
            yield PageButton(
                self.t("trouble.try_again"),
                id="try-again",
                variant="primary",
                classes="main-action",
            )
            yield PageButton(self.t("action.start_over"), id="start-over", classes="main-action")

    def help_failed(self) -> None:
        self.help_unavailable = True
        self.query_one("#problem").display = True

    @on(Button.Pressed, "#try-again")
    def try_again(self) -> None:
        self.close()

    @on(Button.Pressed, "#start-over")
    def start_over(self) -> None:
        self.kiosk_app.welcome_next_guest()
