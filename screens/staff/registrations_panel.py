"""The registration cards at the desk: the ones waiting for the guest's signature (the
oldest first), and those of today's arrivals. Staff print a card for the guest and mark it
signed once they saw the guest sign it by hand (kiosk/signing.py)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, DataTable, Static

from kiosk import printing, signing
from kiosk.registration import CardStatus, RegistrationCard
from kiosk.registrations import CardNotFound, RegistrationKeyError
from screens.staff.lobby_panels import LobbyPanel, refill, row_table, selected_key


class RegistrationsPanel(LobbyPanel):
    def compose(self) -> ComposeResult:
        yield Static("", id="cards-summary", markup=False)
        yield row_table(
            "Arrival", "Guest", "Nationalities", "Status", "Signed by", id="cards-table"
        )
        with Horizontal(classes="panel-buttons"):
            yield Button("Print card", id="card-print")
            yield Button("Mark signed", id="card-sign", variant="primary")
        yield Static("", classes="panel-outcome", markup=False)

    def _shown_cards(self) -> list[RegistrationCard]:
        today = self.hotel.today()
        return [
            card
            for card in self.hotel.registrations.cards()
            if card.status is CardStatus.TO_SIGN or card.arrival == today
        ]

    def show_latest(self) -> None:
        try:
            cards = self._shown_cards()
        except RegistrationKeyError as error:
            self._say(str(error), refused=True)
            return
        waiting = sum(card.status is CardStatus.TO_SIGN for card in cards)
        printer = self.hotel.profile.card_printer
        where = f"printer {printer}" if printer else "no card printer set ([registration] printer)"
        self.query_one("#cards-summary", Static).update(
            f"Registration cards: {waiting} to sign; {where}"
        )
        refill(
            self.query_one("#cards-table", DataTable),
            (
                (
                    card.id,
                    (
                        f"{card.arrival:%a %d %b}",
                        f"{card.first_names} {card.surname}",
                        ", ".join(card.nationalities),
                        "to sign" if card.status is CardStatus.TO_SIGN else "signed",
                        card.signed_by,
                    ),
                )
                for card in cards
            ),
        )

    def _chosen(self) -> RegistrationCard | None:
        card_id = selected_key(self.query_one("#cards-table", DataTable))
        if card_id is None:
            self._say("Choose a card first.", refused=True)
            return None
        try:
            return self.hotel.registrations.card(card_id)
        except CardNotFound:
            self._say("That card is no longer kept.", refused=True)
            self.show_latest()
            return None

    @on(Button.Pressed, "#card-print")
    def print_card(self) -> None:
        card = self._chosen()
        if card is None:
            return
        try:
            signing.print_card(self.hotel, card, language=card.language)
        except printing.PrintError as error:
            self._say(str(error), refused=True)
            return
        self._say(f"The card of {card.first_names} {card.surname} went to the printer.")

    @on(Button.Pressed, "#card-sign")
    def mark_signed(self) -> None:
        card = self._chosen()
        if card is None:
            return
        signed = signing.mark_signed(self.hotel, self.member.name, card.id)
        name = f"{card.first_names} {card.surname}"
        if signed is None:
            self._say(f"The card of {name} was signed already.", refused=True)
        else:
            self._say(f"The card of {name} is signed.")
        self.show_latest()
