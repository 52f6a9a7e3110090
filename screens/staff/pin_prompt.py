"""The staff PIN prompt: a modal over whatever the guest sees. The core checks the PIN,
counts wrong ones and locks staff login; this screen only says what the core answered."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from kiosk.hotel import Hotel
from kiosk.staff import StaffMember
from screens.staff.dialogs import STAFF_CSS
from screens.trouble import StorageGuard

NO_STAFF_YET = (
    "No staff account yet. On the kiosk computer, add one with:\n\n"
    "    kiosk staff add NAME --role manager"
)


class StaffPinPrompt(StorageGuard, ModalScreen[StaffMember | None]):
    """Dismisses with the staff member whose PIN was typed, or None when cancelled."""

    CSS_PATH = STAFF_CSS
    BINDINGS = [Binding("escape", "dismiss", "Cancel", id="staff.pin.cancel")]

    def __init__(self, hotel: Hotel) -> None:
        super().__init__()
        self.hotel = hotel

    def compose(self) -> ComposeResult:
        has_staff = bool(self.hotel.staff_members())
        with Vertical(classes="staff-dialog", id="staff-pin-dialog"):
            yield Label("Staff login", classes="staff-dialog-title")
            if has_staff:
                yield Input(
                    placeholder="Staff PIN", password=True, restrict=r"[0-9]*", id="staff-pin"
                )
                yield Static("", id="staff-pin-message", classes="staff-dialog-hint")
            else:
                yield Static(NO_STAFF_YET, id="staff-pin-message")
            with Horizontal(classes="staff-dialog-buttons"):
                if has_staff:
                    yield Button("Log in", id="staff-pin-ok", variant="primary")
                yield Button("Cancel" if has_staff else "Close", id="staff-pin-cancel")

    @on(Input.Submitted, "#staff-pin")
    @on(Button.Pressed, "#staff-pin-ok")
    def log_in(self) -> None:
        field = self.query_one("#staff-pin", Input)
        pin, field.value = field.value, ""
        if not pin:  # an empty Enter is a slip, not a guess worth counting
            return
        login = self.hotel.staff_login(pin)
        if login.member is not None:
            self.dismiss(login.member)
        elif login.locked_until is not None:
            self._say(
                f"Too many wrong PINs. Staff login is locked until {login.locked_until:%H:%M}."
            )
        else:
            tries = "1 try" if login.attempts_left == 1 else f"{login.attempts_left} tries"
            self._say(f"Wrong PIN. {tries} left before staff login locks.")

    def _say(self, text: str) -> None:
        self.query_one("#staff-pin-message", Static).update(text)
        self.query_one("#staff-pin", Input).focus()

    @on(Button.Pressed, "#staff-pin-cancel")
    def cancel(self) -> None:
        self.dismiss(None)
