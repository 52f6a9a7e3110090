"""The offers that fit the stay, after identity and before the room: each with its price for
the stay, an "Add" and a "No thanks"; nothing chosen until the guest chooses, the total of
what they added in sight, and "Continue", which sells only what they added
(`session.take_offers`). Which offers fit, and their prices, are kiosk/offers.py's."""

from __future__ import annotations

from decimal import Decimal

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from kiosk import money, offers
from kiosk.models import ChargeKind
from kiosk.offers import Quote
from kiosk.session import CheckInSession, Rejected
from screens.base import GuestPage, PageButton, plain

_UNIT_PRICED = (ChargeKind.BREAKFAST, ChargeKind.UPGRADE)


class OffersPage(GuestPage):
    STEP = 3
    AUTO_FOCUS = ".offer-add"

    def __init__(self, session: CheckInSession) -> None:
        super().__init__()
        self.session = session
        self.answers: dict[ChargeKind, bool] = {}
        """The guest's yes (True) or no to each offer; none until they say."""

    def compose_body(self) -> ComposeResult:
        yield plain(self.t("offers.title"), classes="title")
        yield plain(self.t("offers.hint"), classes="hint")
        for quote in self.session.quotes:
            with Horizontal(classes="offer", id=f"offer-{quote.kind}"):
                with Vertical(classes="offer-text"):
                    price = self.t("offers.for_stay", amount=self._price(quote.amount))
                    yield plain(f"{self._offer_name(quote)} · {price}", classes="offer-name")
                    yield plain(self._details(quote), classes="offer-details")
                yield plain(self._answer(quote.kind), classes="offer-answer")
                answer = self.answers.get(quote.kind)
                for yes, label, key in (
                    (True, "add", "offers.add"),
                    (False, "skip", "offers.skip"),
                ):
                    yield PageButton(
                        self.t(key),
                        id=f"{label}-{quote.kind}",
                        name=quote.kind,
                        classes=f"offer-{label} -chosen" if answer is yes else f"offer-{label}",
                    )
        yield plain(self._total(), id="offers-total")
        yield self.problem_line()
        yield PageButton(
            self.t("offers.continue"),
            id="offers-continue",
            variant="primary",
            classes="main-action",
        )

    # -- what the guest reads ---------------------------------------------------------------

    @property
    def _currency(self) -> str:
        return self.kiosk_app.hotel.profile.currency

    def _price(self, amount: Decimal) -> str:
        return money.shown(amount, self._currency, self.kiosk_app.language)

    def _offer_name(self, quote: Quote) -> str:
        return offers.name(quote.offer, self.kiosk_app.language)

    def _details(self, quote: Quote) -> str:
        profile, language = self.kiosk_app.hotel.profile, self.kiosk_app.language
        parts = [offers.description(quote.offer, language)]
        if quote.room_type:
            parts.append(
                self.t("offers.upgrade_to", room_type=self.catalog.room_type(quote.room_type))
            )
        if quote.kind is ChargeKind.EARLY_CHECK_IN and self.session.booking is not None:
            opens = offers.early_check_in_from(profile, self.session.booking.arrival)
            parts.append(self.t("offers.early_otherwise", time=f"{opens:%H:%M}"))
        if quote.kind in _UNIT_PRICED:
            parts.append(self.t(f"offers.unit.{quote.kind}", price=self._price(quote.offer.price)))
        return " · ".join(part for part in parts if part)

    def _answer(self, kind: ChargeKind) -> str:
        answer = self.answers.get(kind)
        if answer is None:
            return ""
        return self.t("offers.added" if answer else "offers.skipped")

    def _total(self) -> str:
        added = [quote for quote in self.session.quotes if self.answers.get(quote.kind)]
        if not added:
            return self.t("offers.nothing_added")
        return self.t("offers.total", amount=self._price(offers.total(added, self._currency)))

    # -- what the guest does ----------------------------------------------------------------

    @on(Button.Pressed, ".offer-add")
    def add(self, event: Button.Pressed) -> None:
        self._answered(event.button, yes=True)

    @on(Button.Pressed, ".offer-skip")
    def skip(self, event: Button.Pressed) -> None:
        self._answered(event.button, yes=False)

    def _answered(self, button: Button, *, yes: bool) -> None:
        kind = ChargeKind(button.name)
        self.answers[kind] = yes
        row = self.query_one(f"#offer-{kind}")
        row.query_one(".offer-answer", Static).update(self._answer(kind))
        row.query_one(".offer-add").set_class(yes, "-chosen")
        row.query_one(".offer-skip").set_class(not yes, "-chosen")
        self.query_one("#offers-total", Static).update(self._total())
        # On to the next offer not answered yet, else to Continue.
        following = [quote.kind for quote in self.session.quotes if quote.kind not in self.answers]
        target = f"#add-{following[0]}" if following else "#offers-continue"
        self.query_one(target).focus()

    @on(Button.Pressed, "#offers-continue")
    async def go_on(self) -> None:
        chosen = {kind for kind, yes in self.answers.items() if yes}
        shown = self.session.quotes
        outcome = self.session.take_offers(chosen)
        self.kiosk_app.show_step(outcome)
        if isinstance(outcome, Rejected) and self.is_current:
            # Shown again as they are now: an answer stands only for an offer unchanged.
            unchanged = {quote.kind for quote in self.session.quotes if quote in shown}
            self.answers = {kind: yes for kind, yes in self.answers.items() if kind in unchanged}
            self.rejected = outcome
            await self.recompose()
            self.take_focus()

    def describe(self, rejected: Rejected) -> str:
        return self.t("offers.changed")
