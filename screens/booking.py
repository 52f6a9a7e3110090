"""Step 1: find the booking (its code, typed or scanned, and the guest's last name), then
confirm it is theirs. Nothing of a booking is shown before both match it (kiosk/lookup.py)."""

from __future__ import annotations

from datetime import date
from math import ceil

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Input, Static

from kiosk.session import CheckInSession, Failure, Rejected
from screens.base import GuestPage, PageButton, StaffCalledPage, plain
from screens.widgets.facts import Facts
from screens.widgets.fields import GuestInput

# Keys other than characters that a burst typed before the page was shown may hold.
EARLY_KEYS = ("backspace", "enter", "tab", "shift+tab")


class FindBookingPage(GuestPage):
    """The booking code and the last name, on one page: a scanner types the code and Enter,
    which moves on to the name."""

    STEP = 1
    CAN_GO_BACK = True
    AUTO_FOCUS = "#find-text"

    def __init__(self, session: CheckInSession) -> None:
        super().__init__()
        self.session = session
        # Keys typed before the field was there to take them, to be typed into it in order.
        self._typed_early: list[events.Key] = []

    def any_key(self, event: events.Key) -> None:
        if self.is_mounted:  # shown: keys go where the focus is
            return
        # A scanner types faster than the page is built: keep its keys for the field, the
        # corrections, Tab to the name and Enter among them.
        if not (event.is_printable or event.key in EARLY_KEYS):
            return
        self._typed_early.append(events.Key(event.key, event.character))
        event.stop()
        event.prevent_default()

    def take_focus(self) -> None:
        super().take_focus()
        typed, self._typed_early = self._typed_early, []
        field = self.query_one("#find-text", Input)
        for key in typed:  # in order: the field runs each as it comes (KeysInOrder)
            field.post_message(key)

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
        outcome = self.session.find(code.value, name.value)
        self.kiosk_app.show_step(outcome)
        if not isinstance(outcome, Rejected) or not self.is_current:
            return  # on to the booking found, or the locked one
        if outcome.failure is Failure.TOO_MANY_TRIES:
            self.guest_screen.replace_page(WaitPage(self.session))
            return
        self.show_rejection(outcome)
        # Back to the code, selected, so that the next scan or typing replaces it (arrows
        # still edit it); the name is typed again after it.
        name.value = ""
        code.focus()
        code.select_all()

    def describe(self, rejected: Rejected) -> str:
        fields = {"date": self.catalog.date(rejected.arrival)} if rejected.arrival else {}
        return self.t(f"find.failure.{rejected.failure}", **fields) + self.attempts_note(
            "find.attempts_left", rejected
        )

    def go_back(self) -> None:
        self.kiosk_app.welcome_next_guest()


class ConfirmPage(GuestPage):
    STEP = 1
    CAN_GO_BACK = True
    AUTO_FOCUS = "#yes"

    def __init__(self, session: CheckInSession) -> None:
        super().__init__()
        self.session = session

    def compose_body(self) -> ComposeResult:
        booking, catalog = self.session.booking, self.catalog
        assert booking is not None  # found, or the session would not stand here
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
                (self.t("find.code"), booking.code_as_imported),
                (self.t("confirm.guest"), booking.guest_name),
                (self.t("confirm.stay"), stay),
                (self.catalog.plural("confirm.rooms", booking.rooms), rooms),
            ],
            id="booking-facts",
        )
        if began := self._stay_began(booking.arrival):
            yield plain(began, classes="hint", id="stay-began")
        with Horizontal(classes="choices"):
            yield PageButton(
                self.t("confirm.yes"), id="yes", variant="primary", classes="main-action"
            )
            yield PageButton(self.t("confirm.no"), id="no", classes="main-action")

    def _stay_began(self, arrival: date) -> str:
        """For a late arrival (the stay began on an earlier day), that it did: the guest
        sees fewer nights ahead than they booked."""
        days_ago = (self.kiosk_app.hotel.today() - arrival).days
        if days_ago <= 0:
            return ""
        key = "turnover.confirm.began_yesterday" if days_ago == 1 else "turnover.confirm.began_on"
        return self.t(key, date=self.catalog.date(arrival))

    @on(Button.Pressed, "#yes")
    def this_is_me(self) -> None:
        self.session.confirm()
        self.kiosk_app.show_step()

    @on(Button.Pressed, "#no")
    def go_back(self) -> None:
        self.session.not_mine()
        self.kiosk_app.show_step()


class WaitPage(StaffCalledPage):
    """Too many failed lookups on this kiosk: the next one waits (kiosk/lookup.py). The
    page counts down by the hotel's clock, then lets whoever stands here try again."""

    def __init__(self, session: CheckInSession) -> None:
        super().__init__()
        self.session = session

    def compose_body(self) -> ComposeResult:
        yield plain(self.t("wait.title"), classes="title")
        yield plain(self.t("wait.body"), classes="hint")
        yield plain(id="wait-left")
        with Horizontal(classes="choices"):
            yield PageButton(
                self.t("wait.try_again"),
                id="try-again",
                variant="primary",
                classes="main-action",
                disabled=True,
            )
            yield PageButton(self.t("action.start_over"), id="start-over", classes="main-action")

    def on_mount(self) -> None:
        # No super(): Textual calls the on_mount of each class in the hierarchy itself.
        self.count_down()
        self.set_interval(1.0, self.count_down)

    def count_down(self) -> None:
        """Once a second: the time left, and the way on once it is over."""
        wait_until = self.session.waiting_until()
        now = self.kiosk_app.hotel.now()
        left = max(0, ceil((wait_until - now).total_seconds())) if wait_until else 0
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
