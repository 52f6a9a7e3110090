"""What a booking owes: its folio, from what the property system says is due, the kiosk's
charges and the house's city tax, in the hotel's currency, every amount gross.

- The property system's part comes with the import (`balance_due`, what was still owed
  after `paid`): its line is what it charged, `balance_due + paid`. Without `balance_due`
  the kiosk knows nothing of the room's price and the folio holds its own charges only
  (`stay_known` is False); the invoice always comes from the property system.
- A voided charge stays on file and counts for nothing.
- The city tax is a fixed amount per adult and night (hotel.toml [folio]): the kiosk knows
  no room prices, so a share of one (Berlin's 7.5 %) cannot be worked out here. It is
  written as a charge at check-out; once written, that charge stands instead.

Each line is rounded to the currency's minor unit (kiosk/money.py); the sums add lines.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from kiosk.gateway import Reads
from kiosk.models import Booking, Charge, ChargeKind
from kiosk.money import rounded
from kiosk.profile import HotelProfile

STAY = "stay"
"""The kind of the property system's line (the others are ChargeKinds)."""


@dataclass(frozen=True)
class FolioLine:
    kind: str
    """STAY or a ChargeKind: what the guest's language calls the line."""
    description: str
    """In the hotel's own language, as the property system shows it."""
    amount: Decimal


@dataclass(frozen=True)
class Folio:
    booking: str
    currency: str
    lines: tuple[FolioLine, ...]
    paid: Decimal
    stay_known: bool
    """Whether the property system said what the stay costs (`balance_due`)."""

    @property
    def total(self) -> Decimal:
        """Everything charged: the property system's part, the kiosk's, the city tax."""
        return sum((line.amount for line in self.lines), Decimal(0))

    @property
    def balance(self) -> Decimal:
        """Still owed; negative: the property owes the guest."""
        return self.total - self.paid


def counted(charges: Iterable[Charge]) -> list[Charge]:
    """The charges that count: voided ones do not."""
    return [charge for charge in charges if not charge.voided]


def charged_total(charges: Iterable[Charge], currency: str) -> Decimal:
    """The sum of the charges that count, each rounded as its folio line is."""
    return sum((rounded(charge.amount, currency) for charge in counted(charges)), Decimal(0))


def city_tax(booking: Booking, profile: HotelProfile) -> Decimal:
    """The city tax the stay owes: per adult and night; children pay none."""
    return rounded(
        profile.city_tax_per_adult_night * booking.adults * booking.nights, profile.currency
    )


def folio_of(db: Reads, booking: Booking, profile: HotelProfile) -> Folio:
    currency = profile.currency
    lines: list[FolioLine] = []
    if booking.balance_due is not None:
        charged_by_system = booking.balance_due + (booking.paid or 0)
        lines.append(FolioLine(STAY, "Stay", rounded(charged_by_system, currency)))
    on_file = db.charges_of_booking(booking.code)
    lines += [
        FolioLine(str(charge.kind), charge.description, rounded(charge.amount, currency))
        for charge in counted(on_file)
    ]
    tax = city_tax(booking, profile)
    # A city tax charged already stands instead, also when staff voided it (an exempt guest).
    if tax and not any(charge.kind is ChargeKind.CITY_TAX for charge in on_file):
        lines.append(FolioLine(str(ChargeKind.CITY_TAX), "City tax", tax))
    return Folio(
        booking=booking.code,
        currency=currency,
        lines=tuple(lines),
        paid=rounded(booking.paid or Decimal(0), currency),
        stay_known=booking.balance_due is not None,
    )
