"""Step 2: the guest proves who they are, by scanning their document or by hand entry.

Once the core accepts them the session proceeds (`session.proceed()`): to the offers that fit
the stay, or to the rooms at once.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Input

from kiosk.session import CheckInSession, Rejected, Verified
from screens.base import GuestPage, PageButton, plain
from screens.widgets.fields import GuestInput, ZoneInput, as_iso_date


class IdentityChoicePage(GuestPage):
    STEP = 2
    CAN_GO_BACK = True
    AUTO_FOCUS = "#scan"

    def __init__(self, session: CheckInSession) -> None:
        super().__init__()
        self.session = session

    def compose_body(self) -> ComposeResult:
        """Only what can work: hand entry where the booking has a date of birth to check it
        against (kiosk/identity.py), else the scan alone and why."""
        hand_entry = self.session.hand_entry_counts
        yield plain(self.t("identity.title"), classes="title")
        yield plain(self.t("identity.hint"), classes="hint")
        if not hand_entry:
            yield plain(self.t("identity.scan_only"), classes="hint", id="scan-only")
        with Horizontal(classes="choices"):
            yield PageButton(
                self.t("identity.scan"), id="scan", variant="primary", classes="main-action"
            )
            if hand_entry:
                yield PageButton(self.t("identity.by_hand"), id="by-hand", classes="main-action")

    @on(Button.Pressed, "#scan")
    def scan(self) -> None:
        self.guest_screen.push_page(ScanPage(self.session))

    @on(Button.Pressed, "#by-hand")
    def by_hand(self) -> None:
        self.guest_screen.push_page(HandEntryPage(self.session))

    def go_back(self) -> None:
        """Back to finding the booking: the guest may have picked someone else's."""
        self.session.not_mine()
        self.kiosk_app.show_step()


class IdentityCheckPage(GuestPage):
    """Shared by both ways of proving identity: what happens with the core's verdict."""

    STEP = 2
    CAN_GO_BACK = True

    def __init__(self, session: CheckInSession) -> None:
        super().__init__()
        self.session = session

    def verify(self, identify: Callable[[], Verified | Rejected]) -> None:
        """The core's verdict on what the guest gave; a rejection that leaves them here is
        explained here."""
        outcome = identify()
        self.kiosk_app.show_step(outcome)
        if isinstance(outcome, Rejected) and self.is_current:
            self.show_rejection(outcome)

    def describe(self, rejected: Rejected) -> str:
        text = self.t(f"identity.failure.{rejected.failure}")
        return text + self.attempts_note("identity.attempts_left", rejected)


class ScanPage(IdentityCheckPage):
    AUTO_FOCUS = "#zone"

    def compose_body(self) -> ComposeResult:
        yield plain(self.t("scan.title"), classes="title")
        yield plain(self.t("scan.hint"), classes="hint")
        yield ZoneInput(id="zone", soft_wrap=False)
        yield PageButton(self.t("scan.submit"), id="check-zone", variant="primary")
        yield self.problem_line()

    @on(ZoneInput.Submitted)
    @on(Button.Pressed, "#check-zone")
    def check_zone(self) -> None:
        zone_input = self.query_one(ZoneInput)
        zone = zone_input.text
        # The raw zone leaves the screen at once, whatever the verdict; a retry is a new scan.
        zone_input.clear()
        zone_input.focus()
        self.verify(lambda: self.session.identify_by_zone(zone))


class HandEntryPage(IdentityCheckPage):
    AUTO_FOCUS = "#birth"

    def compose_body(self) -> ComposeResult:
        yield plain(self.t("hand.title"), classes="title")
        yield plain(self.t("hand.birth"), classes="field-label")
        yield GuestInput(placeholder=self.t("hand.birth_placeholder"), id="birth", max_length=10)
        yield plain(self.t("hand.last4"), classes="field-label")
        yield GuestInput(placeholder=self.t("hand.last4_placeholder"), id="last4", max_length=4)
        yield PageButton(self.t("hand.submit"), id="check-details", variant="primary")
        yield self.problem_line()

    def show_rejection(self, rejected: Rejected) -> None:
        super().show_rejection(rejected)
        # Back to the first field, selected (Input.select_on_focus): typing replaces it.
        self.query_one("#birth").focus()

    @on(Input.Submitted, "#birth")
    def next_field(self) -> None:
        self.query_one("#last4").focus()

    @on(Input.Submitted, "#last4")
    @on(Button.Pressed, "#check-details")
    def check_details(self) -> None:
        birth = self.query_one("#birth", Input).value
        last4 = self.query_one("#last4", Input).value
        self.verify(lambda: self.session.identify_by_hand(as_iso_date(birth), last4))
