"""What the offers sold: a day's figures per offer (shown, taken, voided, revenue), and a sale
undone by staff (a void, with a reason).

The figures come from the audit trail, which keeps every sale and void however long ago
(charges leave the main file with their stay): "shown" counts check-ins at which the offer
was on the page, "taken" the sales of that day, "voided" those of them voided since, and
revenue is what the day's sales still bring. The dashboard and `kiosk report sales` both
call `day_figures`, so they never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from kiosk import audit, money
from kiosk.audit import Actor
from kiosk.models import Charge, ChargeKind, normalise_code
from kiosk.profile import OFFER_KINDS
from kiosk.staff import StaffError, StaffMember

if TYPE_CHECKING:
    from kiosk.hotel import Hotel


@dataclass(frozen=True)
class OfferFigures:
    kind: ChargeKind
    shown: int = 0
    taken: int = 0
    voided: int = 0
    revenue: Decimal = Decimal(0)


@dataclass(frozen=True)
class SalesDay:
    day: date
    currency: str
    offers: tuple[OfferFigures, ...]
    """Every offer the profile sells, then any other sold that day, in that order."""

    @property
    def revenue(self) -> Decimal:
        return sum((figures.revenue for figures in self.offers), Decimal(0))

    @property
    def taken(self) -> int:
        return sum(figures.taken for figures in self.offers)

    @property
    def voided(self) -> int:
        return sum(figures.voided for figures in self.offers)


def day_figures(hotel: Hotel, day: date) -> SalesDay:
    """The offers shown, taken and voided at the check-ins of `day` (the hotel's local date)."""
    counts: dict[ChargeKind, OfferFigures] = {}

    def count(kind: ChargeKind, **more: int | Decimal) -> None:
        figures = counts.setdefault(kind, OfferFigures(kind))
        counts[kind] = replace(
            figures, **{name: getattr(figures, name) + value for name, value in more.items()}
        )

    for offer in hotel.profile.offers:
        count(offer.kind)
    sold: dict[str, tuple[ChargeKind, Decimal]] = {}
    voided: list[str] = []
    zone = hotel.profile.zone
    for event in audit.events(hotel.gateway, hotel.audit_archive):
        action, detail = event["action"], event.get("detail", {})
        if action == "offer_voided":
            voided.append(detail.get("charge", ""))
        if datetime.fromisoformat(event["at"]).astimezone(zone).date() != day:
            continue
        if action == "offers_shown" and event["outcome"] == "ok":
            for code in detail.get("offers", ()):
                if code in OFFER_KINDS:  # a code of another version of the kiosk is left out
                    count(ChargeKind(code), shown=1)
        elif action == "offer_taken" and detail.get("offer") in OFFER_KINDS:
            kind, amount = ChargeKind(detail["offer"]), Decimal(detail["amount"])
            sold[detail["charge"]] = (kind, amount)
            count(kind, taken=1, revenue=amount)
    for charge_id in voided:
        if charge_id in sold:
            kind, amount = sold.pop(charge_id)  # a charge is voided once
            count(kind, voided=1, revenue=-amount)
    currency = hotel.profile.currency
    return SalesDay(
        day,
        currency,
        tuple(
            replace(figures, revenue=money.rounded(figures.revenue, currency))
            for figures in counts.values()
        ),
    )


def open_sales(hotel: Hotel) -> list[Charge]:
    """The offers on the folios of open stays that are not voided, newest first."""
    return [
        charge
        for charge in reversed(hotel.gateway.charges())
        if charge.kind in OFFER_KINDS and not charge.voided
    ]


def void(
    hotel: Hotel, staff: StaffMember, booking_code: str, charge_id: str, reason: str
) -> Charge:
    """Staff take back an offer sold: the charge stays on the folio, voided, with the reason
    and who did it in the trail. A late check-out voided ends the stay's keys at the
    check-out time again."""
    reason = " ".join(reason.split())
    if not reason:
        raise StaffError("A void needs a reason.")
    code = normalise_code(booking_code)
    actor = Actor("staff", staff.name)
    with hotel.transaction() as db:
        charge = next(
            (found for found in db.charges_of_booking(code) if found.id == charge_id), None
        )
        if charge is None or charge.kind not in OFFER_KINDS:
            raise StaffError(f"Booking {code} has no such offer on its folio.")
        if charge.voided:
            raise StaffError(f"This {charge.kind} of booking {code} is voided already.")
        voided = replace(charge, voided_at=hotel.now(), void_reason=reason)
        db.save_charge(voided)
        db.audit(
            actor,
            "offer_voided",
            booking=code,
            offer=str(charge.kind),
            charge=charge.id,
            amount=str(charge.amount),
            currency=charge.currency,
            reason=reason,
        )
        booking = db.booking(code)
        if charge.kind is ChargeKind.LATE_CHECK_OUT and booking is not None:
            hotel.grants.move_ends(db, booking, actor, reason)
    return voided
