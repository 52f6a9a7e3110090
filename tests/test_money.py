"""Money: prices as each language writes them, and charges kept exactly (decimals as text)."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from helpers import reopen
from kiosk.hotel import Hotel
from kiosk.models import Charge, ChargeKind
from kiosk.money import rounded, shown
from kiosk.storage import CorruptDataError

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize(
    ("amount", "currency", "language", "text"),
    [
        ("18", "EUR", "de", "18,00\xa0€"),
        ("18", "EUR", "en", "€18.00"),
        ("1234.565", "EUR", "de", "1.234,57\xa0€"),
        ("2.5", "CHF", "de", "2,50\xa0CHF"),
        ("1200", "JPY", "en", "¥1,200"),
    ],
)
def test_a_price_reads_as_its_language_writes_prices(amount, currency, language, text) -> None:
    assert shown(Decimal(amount), currency, language) == text


def test_amounts_round_half_up_to_the_currencys_minor_unit() -> None:
    assert rounded(Decimal("0.125"), "EUR") == Decimal("0.13")
    assert rounded(Decimal("1199.5"), "JPY") == Decimal("1200")


def breakfast(code: str) -> Charge:
    return Charge(
        id="C1",
        booking=code,
        kind=ChargeKind.BREAKFAST,
        description="Frühstück, 2 Nächte, 2 Gäste",
        amount=Decimal("72.00"),
        currency="EUR",
        charged_at=datetime(2026, 3, 14, 16, 30, tzinfo=BERLIN),
        charged_by="guest:ab12",
    )


def test_a_charge_comes_back_from_the_file_to_the_cent(hotel: Hotel) -> None:
    with hotel.transaction() as db:
        db.add_charge(breakfast("LH4821"))

    (charge,) = reopen(hotel).gateway.charges_of_booking("LH4821")
    assert charge == breakfast("LH4821")
    assert charge.amount == Decimal("72.00") and not charge.voided


def test_a_charge_with_a_float_amount_stops_the_start_naming_the_field(hotel: Hotel) -> None:
    with hotel.transaction() as db:
        db.add_charge(breakfast("LH4821"))
    path = hotel.data_dir.database
    data = json.loads(path.read_text(encoding="utf-8"))
    (doc,) = data["charges"].values()
    doc["amount"] = 72.0
    path.write_text(json.dumps(data), encoding="utf-8")

    with pytest.raises(CorruptDataError, match="'amount' must be a decimal number as text"):
        reopen(hotel)
