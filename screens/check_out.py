"""Check-out at the kiosk: the room and the door PIN (or a scanned key), the folio to confirm,
and the goodbye that says where the invoice comes from. What is allowed, and what checking
out does, is kiosk/check_out.py's; nothing of a stay is shown before it is found."""

from __future__ import annotations

from decimal import Decimal

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Input, Static

from kiosk import keys
from kiosk.check_out import (
    CheckedOut,
    CheckOutFailure,
    CheckOutRejected,
    CheckOutSession,
    Settlement,
    StayFound,
)
from kiosk.folio import Folio
from kiosk.money import shown
from screens.base import FEW_ATTEMPTS, GoodbyePage, GuestPage, PageButton, plain
from screens.widgets.facts import Facts
from screens.widgets.fields import GuestInput


class CheckOutPage(GuestPage):
    """A page of the check-out: it holds the guest's check-out session."""

    def __init__(self, session: CheckOutSession) -> None:
        super().__init__()
        self.session = session

    refused: CheckOutRejected | None = None
    """The last refusal shown, kept to show it again in another language."""

    def problem(self) -> Static:
        line = plain(self.describe_refusal(self.refused) if self.refused else "", id="problem")
        line.display = self.refused is not None
        return line

    def show_refusal(self, refused: CheckOutRejected) -> None:
        self.refused = refused
        line = self.query_one("#problem", Static)
        line.update(self.describe_refusal(refused))
        line.display = True

    def describe_refusal(self, refused: CheckOutRejected) -> str:
        fields = {}
        if refused.wait_until is not None:
            fields["time"] = refused.wait_until.strftime("%H:%M")
        text = self.t(f"checkout.failure.{refused.failure}", **fields)
        left = refused.attempts_left
        if (
            refused.failure is CheckOutFailure.NOT_RECOGNISED
            and left is not None
            and left <= FEW_ATTEMPTS
        ):
            text += " " + self.catalog.plural("checkout.attempts_left", left)
        return text

    def amount(self, value: Decimal, folio: Folio) -> str:
        return shown(value, folio.currency, self.kiosk_app.language)

    def rooms(self) -> str:
        booking = self.session.booking
        return ", ".join(booking.assigned_rooms) if booking else ""


class IdentifyStayPage(CheckOutPage):
    """The room number and the door PIN; a scanner that reads the key's QR types it into
    the first field, with Enter."""

    CAN_GO_BACK = True
    AUTO_FOCUS = "#check-out-room"

    def compose_body(self) -> ComposeResult:
        yield plain(self.t("checkout.identify.title"), classes="title")
        yield plain(self.t("checkout.identify.hint"), classes="hint")
        yield plain(self.t("checkout.identify.room"), classes="field-label")
        yield GuestInput(
            placeholder=self.t("checkout.identify.room_placeholder"), id="check-out-room"
        )
        yield plain(self.t("checkout.identify.pin"), classes="field-label")
        with Horizontal(classes="field-row"):
            yield GuestInput(
                placeholder=self.t("checkout.identify.pin_placeholder"),
                id="check-out-pin",
                password=True,
            )
            yield PageButton(
                self.t("checkout.identify.submit"), id="identify-stay", variant="primary"
            )
        yield self.problem()

    @on(Input.Submitted, "#check-out-room")
    def room_given(self) -> None:
        room = self.query_one("#check-out-room", Input)
        if keys.looks_like_token(room.value):
            self.answer(self.session.identify_by_key(room.value))
        elif self.query_one("#check-out-pin", Input).value:
            self.identify()
        else:
            self.query_one("#check-out-pin").focus()

    @on(Input.Submitted, "#check-out-pin")
    @on(Button.Pressed, "#identify-stay")
    def identify(self) -> None:
        room = self.query_one("#check-out-room", Input).value
        pin = self.query_one("#check-out-pin", Input).value
        self.answer(self.session.identify(room, pin))

    def answer(self, outcome: StayFound | CheckOutRejected) -> None:
        self.kiosk_app.show_check_out_step()
        if not isinstance(outcome, CheckOutRejected) or not self.is_current:
            return
        self.show_refusal(outcome)
        # Both fields again: the reply does not say which one was wrong.
        room, pin = (
            self.query_one("#check-out-room", Input),
            self.query_one("#check-out-pin", Input),
        )
        room.value = pin.value = ""
        room.focus()

    def go_back(self) -> None:
        self.kiosk_app.welcome_next_guest()


class FolioPage(CheckOutPage):
    """What the stay cost and what is still due; the guest checks out from here."""

    CAN_GO_BACK = True
    AUTO_FOCUS = "#confirm-check-out"

    def compose_body(self) -> ComposeResult:
        booking, folio = self.session.booking, self.session.folio
        assert booking is not None and folio is not None  # found, or the page is not shown
        yield plain(self.t("checkout.folio.title", rooms=self.rooms()), classes="title")
        facts = [(self.t("checkout.folio.guest"), booking.guest_name)]
        facts += [
            (self.t(f"checkout.line.{line.kind}"), self.amount(line.amount, folio))
            for line in folio.lines
        ]
        facts += [
            (self.t("checkout.folio.total"), self.amount(folio.total, folio)),
            (self.t("checkout.folio.paid"), self.amount(folio.paid, folio)),
            (self.t("checkout.folio.balance"), self.amount(max(folio.balance, 0), folio)),
        ]
        yield Facts(facts, id="folio-facts")
        if not folio.stay_known:
            yield plain(self.t("checkout.folio.stay_unknown"), classes="hint")
        if folio.balance > 0:
            settlement = self.kiosk_app.hotel.profile.balance_at_check_out
            yield plain(self.t(f"checkout.folio.{settlement}"), classes="hint", id="settlement")
        yield plain(self.t("checkout.folio.keys_note"), classes="hint")
        with Horizontal(classes="choices"):
            yield PageButton(
                self.t("checkout.folio.confirm"),
                id="confirm-check-out",
                variant="primary",
                classes="main-action",
            )
            yield PageButton(self.t("checkout.folio.not_now"), id="not-now", classes="main-action")
        yield self.problem()

    @on(Button.Pressed, "#confirm-check-out")
    def check_out(self) -> None:
        outcome = self.session.confirm()
        if isinstance(outcome, CheckOutRejected):
            # Checked out meanwhile at the desk or another kiosk: said here, and Not now
            # leads back to Welcome.
            self.show_refusal(outcome)
            self.query_one("#confirm-check-out").disabled = True
            return
        self.kiosk_app.show_check_out_step()

    @on(Button.Pressed, "#not-now")
    def go_back(self) -> None:
        self.kiosk_app.welcome_next_guest()


class CheckedOutPage(CheckOutPage, GoodbyePage):
    """The goodbye: the keys have stopped, where the invoice comes from, what is still due."""

    def compose_body(self) -> ComposeResult:
        booking, done = self.session.booking, self.session.checked_out
        assert booking is not None and isinstance(done, CheckedOut)
        name = booking.first_name or booking.guest_name
        yield plain(self.t("checkout.done.title", name=name), classes="title")
        yield plain(self.t("checkout.done.keys", rooms=", ".join(done.rooms)), classes="hint")
        invoice = "invoice_email" if done.invoice_by_email else "invoice_desk"
        yield plain(self.t(f"checkout.done.{invoice}"), classes="hint")
        if done.settlement is not Settlement.NOTHING_DUE:
            owed = self.amount(done.folio.balance, done.folio)
            yield plain(self.t(f"checkout.done.{done.settlement}", amount=owed), id="settlement")
        yield from self.compose_finish(self.t("checkout.done.finish"))
