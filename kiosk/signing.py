"""How a registration card gets its handwritten signature (BMG §29(2)): printed for the guest
if the house names a printer, else left for staff to print, and marked signed by staff who saw
the guest sign. The card is "to sign" until then, whatever the printer did."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kiosk import printing
from kiosk.audit import Actor
from kiosk.registration import CardStatus, RegistrationCard
from kiosk.registrations import Started

if TYPE_CHECKING:
    from kiosk.hotel import Hotel


@dataclass(frozen=True)
class Handwritten:
    """The signature route of a kiosk without an electronic one (kiosk/registrations.py)."""

    printer: str
    """The CUPS destination (`[registration] printer`); "": the card waits for staff."""

    def start(self, card: RegistrationCard, pdf: Callable[[], bytes]) -> Started:
        if not self.printer:
            return Started(card, printed=False)
        try:
            printing.send(self.printer, pdf(), title=printing.CARD_JOB_TITLE)
        except printing.PrintError as error:
            return Started(card, printed=False, problem=str(error))
        return Started(card, printed=True)


def print_card(
    hotel: Hotel,
    card: RegistrationCard | None,
    *,
    language: str,
    receipt: list[tuple[str, str]] | None = None,
    receipt_title: str = "",
) -> None:
    """The card (and, where given, the guest's privacy receipt) on the house's card printer,
    for staff at the desk or for the guest; PrintError says why not."""
    from kiosk import card_pdf

    printer = hotel.profile.card_printer
    if not printer:
        raise printing.PrintError("No card printer is set ([registration] printer in hotel.toml).")
    pdf = card_pdf.render(
        hotel.profile, language=language, card=card, receipt=receipt, receipt_title=receipt_title
    )
    printing.send(printer, pdf, title=printing.CARD_JOB_TITLE)


def mark_signed(hotel: Hotel, staff_name: str, card_id: str) -> RegistrationCard | None:
    """Staff saw the guest sign the printed card: the card says so, and the audit trail has
    `card_signed` with the card's id only. None when the card was signed already (nothing is
    changed); CardNotFound when there is no such card."""
    card = hotel.registrations.card(card_id)
    if card.status is CardStatus.SIGNED:
        return None
    with hotel.transaction() as db:
        # Inside the write: a card that cannot be saved leaves no audit event behind.
        signed = hotel.registrations.mark_signed(card, staff_name)
        db.audit(Actor("staff", staff_name), "card_signed", card=signed.id)
    return signed
