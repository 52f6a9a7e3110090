"""The check-out pages in both languages at 100×30, as SVG snapshots under __snapshots__/
(deterministic as the guest snapshots are: see tests/test_guest_snapshots.py). Update after a
deliberate change with `pytest tests/test_check_out_snapshots.py --snapshot-update` and look
at the pictures before committing them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from decimal import Decimal

import pytest

from helpers import GUEST_NOW, Guest, check_in, guest_snapshot
from kiosk.models import Charge, ChargeKind
from kiosk.session import RoomKey


def staying(guest: Guest) -> RoomKey:
    """Anna Eriksson checked in, with a stay the property system priced, a breakfast and a
    voided upgrade on her folio."""
    hotel = guest.app.hotel
    with hotel.transaction() as db:
        stay = db.booking("LH4821")
        db.save_booking(replace(stay, balance_due=Decimal("158.00"), paid=Decimal("100.00")))
    (key,) = check_in(hotel, "LH4821")[1].keys
    with hotel.transaction() as db:
        for kind, amount, voided in (
            (ChargeKind.BREAKFAST, "36.00", False),
            (ChargeKind.UPGRADE, "80.00", True),
        ):
            db.add_charge(
                Charge(
                    id=f"{kind}-1",
                    booking="LH4821",
                    kind=kind,
                    description=str(kind),
                    amount=Decimal(amount),
                    currency="EUR",
                    charged_at=GUEST_NOW,
                    charged_by="guest:snap",
                    voided_at=GUEST_NOW if voided else None,
                    void_reason="changed their mind" if voided else None,
                )
            )
    return key


async def identify(guest: Guest) -> None:
    await guest.click("#check-out")


async def not_recognised(guest: Guest) -> None:
    key = staying(guest)
    await guest.click("#check-out")
    await guest.reader(f"{key.room.number}\n")
    await guest.reader("000000\n")


async def folio(guest: Guest) -> None:
    key = staying(guest)
    await guest.click("#check-out")
    await guest.reader(f"{key.room.number}\n")
    await guest.reader(f"{key.pin}\n")


async def checked_out(guest: Guest) -> None:
    await folio(guest)
    await guest.click("#confirm-check-out")


PAGES: list[Callable[[Guest], Awaitable[None]]] = [identify, not_recognised, folio, checked_out]


@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize("reach", PAGES, ids=[page.__name__ for page in PAGES])
def test_check_out_page(snap_compare, app, idle_clock, language: str, reach) -> None:
    assert guest_snapshot(snap_compare, app, idle_clock, language, reach)
