"""The privacy receipt: what the kiosk kept about a guest's stay, and until when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from kiosk import retention
from kiosk.models import Booking
from kiosk.profile import HotelProfile
from kiosk.registration import RegistrationCard


@dataclass(frozen=True)
class Kept:
    what: str
    """The catalog's `privacy.kept.{what}`: what this record holds."""
    until: date
    """The last day it is on file; the daily housekeeping deletes it after."""
    why: str
    """The catalog's `privacy.why.{why}`: the reason, or the law, for keeping it that long."""


def receipt(
    booking: Booking, card: RegistrationCard | None, profile: HotelProfile
) -> tuple[Kept, ...]:
    stay_until = retention.stay_kept_until(booking.departure, profile)
    kept = [Kept("booking", stay_until, "stay")]
    if booking.identity is not None and booking.identity.method != "staff":
        kept.append(Kept(f"identity_{booking.identity.method}", stay_until, "stay"))
    kept.append(Kept("keys", stay_until, "stay"))
    kept.append(Kept("audit", retention.audit_kept_until(booking.departure, profile), "audit"))
    if card is not None:
        # Destroyed the first day it is no longer kept.
        kept.append(
            Kept(f"card_{card.law}", card.destroy_on() - timedelta(days=1), f"law_{card.law}")
        )
    return tuple(kept)
