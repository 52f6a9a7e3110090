"""The staff PIN prompt: a modal over whatever the guest sees. The core checks the PIN,
counts wrong ones and makes this kiosk wait after too many; this screen only says what the
core answered."""

from __future__ import annotations

import shlex
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from kiosk.hotel import Hotel
from kiosk.staff import StaffMember, StaffPinCheck
from kiosk.staff_accounts import StaffLogin
from screens.staff.dialogs import STAFF_CSS
from screens.trouble import TroubleGuard


def no_staff_yet(hotel: Hotel) -> str:
    """How to add the first staff member, with this kiosk's own data folder: a demo's is a
    temporary one nobody would guess."""
    folder = shlex.quote(str(hotel.data_dir.root))
    return (
        "No staff account yet. On the kiosk computer, add one with:\n\n"
        f"    kiosk --data-dir {folder} staff add NAME --role manager"
    )


class StaffPinPrompt(TroubleGuard, ModalScreen[StaffMember | None]):
    """Dismisses with the staff member whose PIN was typed, or None when cancelled."""

    CSS_PATH = STAFF_CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "Cancel", id="staff.pin.cancel")
    ]

    def __init__(self, hotel: Hotel) -> None:
        super().__init__()
        self.hotel = hotel

    def compose(self) -> ComposeResult:
        has_staff = bool(self.hotel.staff.members())
        with Vertical(classes="staff-dialog", id="staff-pin-dialog"):
            yield Label("Staff login", classes="staff-dialog-title")
            if has_staff:
                yield Input(
                    placeholder="Staff PIN", password=True, restrict=r"[0-9]*", id="staff-pin"
                )
                yield Static("", id="staff-pin-message", classes="staff-dialog-hint", markup=False)
            else:
                yield Static(no_staff_yet(self.hotel), id="staff-pin-message", markup=False)
            with Horizontal(classes="staff-dialog-buttons"):
                if has_staff:
                    yield Button("Log in", id="staff-pin-ok", variant="primary")
                yield Button("Cancel" if has_staff else "Close", id="staff-pin-cancel")

    @on(Input.Submitted, "#staff-pin")
    @on(Button.Pressed, "#staff-pin-ok")
    def log_in(self) -> None:
        field = self.query_one("#staff-pin", Input)
        if field.disabled:  # the last PIN is still being checked
            return
        pin, field.value = field.value, ""
        if not pin:  # an empty Enter is a slip, not a guess worth counting
            return
        field.disabled = True  # one PIN at a time
        self._check(self.hotel.staff.prepare_login(pin))

    @work(thread=True, group="staff-pin")
    def _check(self, check: StaffPinCheck) -> None:
        """The scrypt hashes (some 45 ms an account) off the app's thread, so the screen
        keeps drawing; the data is read and written on the app's thread only."""
        self.app.call_from_thread(self._answer, check.run())

    def _answer(self, check: StaffPinCheck) -> None:
        if not self.is_attached:  # cancelled meanwhile: the PIN goes unused
            return
        self.query_one("#staff-pin", Input).disabled = False
        login = self.hotel.staff.finish_login(check)
        if login.member is not None:
            self.dismiss(login.member)
        else:
            self._say(_refusal(login))

    def _say(self, text: str) -> None:
        self.query_one("#staff-pin-message", Static).update(text)
        self.query_one("#staff-pin", Input).focus()

    @on(Button.Pressed, "#staff-pin-cancel")
    def cancel(self) -> None:
        self.dismiss(None)


def _refusal(login: StaffLogin) -> str:
    if not login.pin_checked:
        return (
            f"Not checked: after wrong PINs this kiosk waits. Try again from "
            f"{login.wait_until:%H:%M:%S}, or log in on another kiosk."
        )
    if login.wait_until is not None:
        return (
            f"Wrong PIN. Too many on this kiosk: the next PIN is checked from "
            f"{login.wait_until:%H:%M:%S}. Other kiosks are not affected."
        )
    tries = (
        "1 more wrong PIN" if login.attempts_left == 1 else f"{login.attempts_left} more wrong PINs"
    )
    return f"Wrong PIN. After {tries}, each try on this kiosk waits longer."
