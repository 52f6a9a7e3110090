"""Step 1: find the booking (code, scanned code or last name), then confirm it is theirs."""

from __future__ import annotations

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Input

from kiosk.models import Booking
from kiosk.session import CheckInSession, Failure, Found, Rejected
from screens.base import GuestPage, PageButton, plain
from screens.identity import IdentityChoicePage
from screens.recovery import LockedPage
from screens.widgets.facts import Facts
from screens.widgets.fields import GuestInput


def is_typed(event: events.Key) -> bool:
    """A character a guest or a scanner typed, as opposed to a key that moves or acts."""
    character = event.character
    return character is not None and character.isprintable() and not character.isspace()


class FindBookingPage(GuestPage):
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
            self.find()

    def compose_body(self) -> ComposeResult:
        yield plain(self.t("find.title"), classes="title")
        yield plain(self.t("find.hint"), classes="hint")
        with Horizontal(classes="field-row"):
            # Not selected on focus: what a guest typed on Welcome is kept, not replaced.
            yield GuestInput(
                placeholder=self.t("find.placeholder"), id="find-text", select_on_focus=False
            )
            yield PageButton(self.t("find.submit"), id="find", variant="primary")
        yield self.problem_line()

    # A scanner types the code and Enter, which submits the field.
    @on(Input.Submitted, "#find-text")
    @on(Button.Pressed, "#find")
    def find(self) -> None:
        field = self.query_one("#find-text", Input)
        match self.session.find(field.value):
            case Found(booking=booking):
                field.value = ""
                self.rejected = None
                self.query_one("#problem").display = False
                self.kiosk.show(ConfirmPage(self.session, booking))
            case Rejected(failure=Failure.LOCKED):
                self.kiosk.show(LockedPage(), forget_earlier=True)
            case Rejected() as rejected:
                self.show_rejection(rejected)
                # Selected, so that the next scan or typing replaces it; arrows still edit it.
                field.select_all()

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
