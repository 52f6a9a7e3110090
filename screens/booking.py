"""Step 1: find the booking (its code, typed or scanned, and the guest's last name), then
confirm it is theirs. Nothing of a booking is shown before both match it (kiosk/lookup.py)."""

from __future__ import annotations

from datetime import datetime
from math import ceil

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Input, Static

from kiosk.models import Booking
from kiosk.session import CheckInSession, Failure, Found, Rejected
from screens.base import GuestPage, PageButton, plain
from screens.identity import IdentityChoicePage
from screens.recovery import LockedPage, StaffCalledPage
from screens.widgets.facts import Facts
from screens.widgets.fields import GuestInput


def is_typed(event: events.Key) -> bool:
    """A character a guest or a scanner typed, as opposed to a key that moves or acts."""
    character = event.character
    return character is not None and character.isprintable() and not character.isspace()


class FindBookingPage(GuestPage):
    """The booking code and the last name, on one page: a scanner types the code and Enter,
    which moves on to the name."""

    STEP = 1
    CAN_GO_BACK = True
    AUTO_FOCUS = "#find-text"

    def __init__(self, session: CheckInSession) -> None:
        super().__init__()
        self.session = session
        self._typed_early = ""  # typed before the field was there to take it
        self._submitted_early = False

    def any_key(self, event: events.Key) -> None:
        if self.is_mounted:  # shown: keys go where the focus is
            return
        # A scanner types faster than the page is built: keep its keys for the field.
        if is_typed(event):
            self._typed_early += event.character or ""
        elif event.key == "backspace":  # a correction within the burst
            self._typed_early = self._typed_early[:-1]
        elif event.key == "enter":
            self._submitted_early = True
        else:
            return
        event.stop()
        event.prevent_default()

    def take_focus(self) -> None:
        super().take_focus()
        typed, self._typed_early = self._typed_early, ""
        if typed:
            field = self.query_one("#find-text", Input)
            field.insert_text_at_cursor(typed)
        if self._submitted_early:
            self._submitted_early = False
            self.next_field()

    def compose_body(self) -> ComposeResult:
        yield plain(self.t("find.title"), classes="title")
        yield plain(self.t("find.hint"), classes="hint")
        yield plain(self.t("find.code"), classes="field-label")
        # Not selected on focus: what a guest typed on Welcome is kept, not replaced.
        yield GuestInput(
            placeholder=self.t("find.code_placeholder"), id="find-text", select_on_focus=False
        )
        yield plain(self.t("find.last_name"), classes="field-label")
        with Horizontal(classes="field-row"):
            yield GuestInput(placeholder=self.t("find.last_name_placeholder"), id="find-name")
            yield PageButton(self.t("find.submit"), id="find", variant="primary")
        yield plain(self.t("find.no_code"), classes="hint", id="no-code")
        yield self.problem_line()

    @on(Input.Submitted, "#find-text")
    def next_field(self) -> None:
        if self.query_one("#find-name", Input).value.strip():
            self.find()
        else:
            self.query_one("#find-name").focus()

    @on(Input.Submitted, "#find-name")
    @on(Button.Pressed, "#find")
    def find(self) -> None:
        code = self.query_one("#find-text", Input)
        name = self.query_one("#find-name", Input)
        match self.session.find(code.value, name.value):
            case Found(booking=booking):
                code.value = name.value = ""
                self.rejected = None
                self.query_one("#problem").display = False
                self.screen.set_focus(code)  # where a guest who comes back starts again
                self.kiosk.show(ConfirmPage(self.session, booking))
            case Rejected(failure=Failure.LOCKED):
                self.kiosk.show(LockedPage(), forget_earlier=True)
            case Rejected(failure=Failure.TOO_MANY_TRIES, wait_until=wait_until):
                assert wait_until is not None
                self.kiosk.show(WaitPage(self.session, wait_until), forget_earlier=True)
            case Rejected() as rejected:
                self.show_rejection(rejected)
                # Back to the code, selected, so that the next scan or typing replaces it
                # (arrows still edit it); the name is typed again after it.
                name.value = ""
                code.focus()
                code.select_all()

    def describe(self, rejected: Rejected) -> str:
        fields = {"date": self.catalog.date(rejected.arrival)} if rejected.arrival else {}
        return self.t(f"find.failure.{rejected.failure}", **fields) + self.attempts_note(
            "find.attempts_left", rejected
        )

    def go_back(self) -> None:
        self.kiosk.return_to_welcome()


class ConfirmPage(GuestPage):
    STEP = 1
    CAN_GO_BACK = True
    AUTO_FOCUS = "#yes"

    def __init__(self, session: CheckInSession, booking: Booking) -> None:
        super().__init__()
        self.session = session
        self.booking = booking

    def compose_body(self) -> ComposeResult:
        booking, catalog = self.booking, self.catalog
        stay = self.t(
            "confirm.stay_value",
            nights=catalog.plural("nights", booking.nights),
            arrival=catalog.date(booking.arrival),
            departure=catalog.date(booking.departure),
        )
        rooms = catalog.plural(
            "confirm.rooms_value", booking.rooms, room_type=catalog.room_type(booking.room_type)
        )
        yield plain(self.t("confirm.title"), classes="title")
        yield Facts(
            [
                (self.t("confirm.guest"), booking.guest_name),
                (self.t("confirm.stay"), stay),
                (self.t("confirm.rooms"), rooms),
            ],
            id="booking-facts",
        )
        with Horizontal(classes="choices"):
            yield PageButton(
                self.t("confirm.yes"), id="yes", variant="primary", classes="main-action"
            )
            yield PageButton(self.t("confirm.no"), id="no", classes="main-action")

    @on(Button.Pressed, "#yes")
    def this_is_me(self) -> None:
        self.session.confirm()
        self.guest_screen.replace_page(IdentityChoicePage(self.session))

    @on(Button.Pressed, "#no")
    def go_back(self) -> None:
        self.session.not_mine()
        self.close()


class WaitPage(StaffCalledPage):
    """Too many failed lookups on this kiosk: the next one waits (kiosk/lookup.py). The
    page counts down by the hotel's clock, then lets whoever stands here try again."""

    def __init__(self, session: CheckInSession, wait_until: datetime) -> None:
        super().__init__()
        self.session = session
        self.wait_until = wait_until

    def compose_body(self) -> ComposeResult:
        yield plain(self.t("wait.title"), classes="title")
        yield plain(self.t("wait.body"), classes="hint")
        yield plain(id="wait-left")
        with Horizontal(classes="choices"):
            yield PageButton(
                self.t("wait.try_again"), id="try-again", variant="primary", classes="main-action",
                disabled=True,
            )
            yield PageButton(self.t("action.start_over"), id="start-over", classes="main-action")

    def on_mount(self) -> None:
        # No super(): Textual calls the on_mount of each class in the hierarchy itself.
        self.count_down()
        self.set_interval(1.0, self.count_down)

    def count_down(self) -> None:
        """Once a second: the time left, and the way on once it is over."""
        left = max(0, ceil((self.wait_until - self.kiosk.hotel.now()).total_seconds()))
        minutes, seconds = divmod(left, 60)
        text = self.t("wait.left", time=f"{minutes}:{seconds:02d}") if left else self.t("wait.over")
        self.query_one("#wait-left", Static).update(text)
        try_again = self.query_one("#try-again", Button)
        if not left and try_again.disabled:
            try_again.disabled = False
            try_again.focus()

    @on(Button.Pressed, "#try-again")
    def try_again(self) -> None:
        self.guest_screen.replace_page(FindBookingPage(self.session))
