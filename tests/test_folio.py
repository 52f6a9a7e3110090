"""The folio's arithmetic (kiosk/folio.py): the property system's part, the kiosk's charges
without the voided ones, the city tax, rounding to the cent; the import columns that carry
what is due; and charges that go to history with their stay and come back with it."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from helpers import NOW, booking, furnish, reopen, set_profile
from kiosk import importer
from kiosk.folio import STAY, charged_total, city_tax, folio_of
from kiosk.hotel import Hotel
from kiosk.models import Charge, ChargeKind, Room

ROOM = Room("201", 2, "double")


def charge(kind: ChargeKind, amount: str, *, voided: bool = False, code: str = "AB123") -> Charge:
    return Charge(
        id=f"{kind}-{amount}",
        booking=code,
        kind=kind,
        description=str(kind),
        amount=Decimal(amount),
        currency="EUR",
        charged_at=NOW,
        charged_by="guest:test",
        voided_at=NOW + timedelta(minutes=5) if voided else None,
        void_reason="guest changed their mind" if voided else None,
    )


def house(hotel: Hotel, *charges: Charge, **fields) -> Hotel:
    furnish(hotel, [ROOM], [booking("AB123", **fields)])
    with hotel.transaction() as db:
        for each in charges:
            db.add_charge(each)
    return hotel


def folio(hotel: Hotel):
    stay = hotel.gateway.booking("AB123")
    return folio_of(hotel.gateway, stay, hotel.profile)


def test_the_folio_adds_what_the_property_system_and_the_kiosk_charged(hotel: Hotel) -> None:
    house(
        hotel,
        charge(ChargeKind.BREAKFAST, "36.00"),
        charge(ChargeKind.LATE_CHECK_OUT, "25.00"),
        balance_due=Decimal("200.00"),
        paid=Decimal("50.00"),
    )
    found = folio(hotel)
    assert [(line.kind, line.amount) for line in found.lines] == [
        (STAY, Decimal("250.00")),  # what the property system charged: still due plus paid
        ("breakfast", Decimal("36.00")),
        ("late_check_out", Decimal("25.00")),
    ]
    assert (found.total, found.paid, found.balance) == (
        Decimal("311.00"),
        Decimal("50.00"),
        Decimal("261.00"),
    )
    assert found.stay_known and found.currency == "EUR"


def test_a_voided_charge_counts_for_nothing(hotel: Hotel) -> None:
    charges = [charge(ChargeKind.BREAKFAST, "36.00"), charge(ChargeKind.UPGRADE, "80", voided=True)]
    house(hotel, *charges)
    found = folio(hotel)
    assert [line.kind for line in found.lines] == ["breakfast"]
    assert found.balance == Decimal("36.00") == charged_total(charges, "EUR")
    assert not found.stay_known  # no balance_due imported: the kiosk knows no room price


def test_each_line_is_rounded_to_the_cent_half_up_and_the_sums_add_lines(hotel: Hotel) -> None:
    house(hotel, charge(ChargeKind.BREAKFAST, "10.005"), charge(ChargeKind.UPGRADE, "10.004"))
    found = folio(hotel)
    assert [line.amount for line in found.lines] == [Decimal("10.01"), Decimal("10.00")]
    assert found.total == Decimal("20.01")
    assert str(found.total) == "20.01"  # a Decimal with cents, never a float


def test_a_credit_from_the_property_system_makes_the_balance_negative(hotel: Hotel) -> None:
    house(hotel, balance_due=Decimal("-20"), paid=Decimal("300"))
    found = folio(hotel)
    assert (found.total, found.paid, found.balance) == (
        Decimal("280.00"),
        Decimal("300.00"),
        Decimal("-20.00"),
    )


def city_tax_house(root: Path, hotel: Hotel, per_night: str) -> Hotel:
    set_profile(root, "city_tax_per_adult_night", f'"{per_night}"')
    return house(reopen(hotel), adults=2, children=1, nights=3)


def test_the_city_tax_is_per_adult_and_night(root: Path, hotel: Hotel) -> None:
    taxed = city_tax_house(root, hotel, "2.50")
    assert city_tax(taxed.gateway.booking("AB123"), taxed.profile) == Decimal("15.00")
    (line,) = folio(taxed).lines
    assert (line.kind, line.amount) == ("city_tax", Decimal("15.00"))


def test_a_city_tax_charged_or_voided_already_stands_instead(root: Path, hotel: Hotel) -> None:
    taxed = city_tax_house(root, hotel, "2.50")
    with taxed.transaction() as db:
        db.add_charge(charge(ChargeKind.CITY_TAX, "15.00", voided=True))  # an exempt guest
    assert folio(taxed).lines == ()


def test_no_city_tax_by_default(hotel: Hotel) -> None:
    house(hotel, nights=5)
    assert hotel.profile.city_tax_per_adult_night == 0
    assert folio(hotel).lines == ()


@pytest.mark.parametrize("value", ['"-1"', '"two"', '"NaN"', "2.5"])
def test_a_city_tax_that_is_no_amount_stops_the_start(root: Path, hotel: Hotel, value: str) -> None:
    from kiosk.profile import ProfileError

    set_profile(root, "city_tax_per_adult_night", value)
    with pytest.raises(ProfileError, match=r"\[folio\] city_tax_per_adult_night \(line \d+\)"):
        reopen(hotel)


# -- what the property system says is due --------------------------------------------------

HEADER = "code,last_name,first_name,arrival,departure,room_type"


def imported(hotel: Hotel, tmp_path: Path, columns: str, values: str) -> None:
    path = tmp_path / "bookings.csv"
    path.write_text(f"{HEADER},{columns}\nAB123,Meyer,Kim,2026-03-14,2026-03-16,double,{values}\n")
    importer.import_bookings(hotel, path)


def test_the_import_carries_balance_due_and_paid_as_decimals(hotel: Hotel, tmp_path) -> None:
    imported(hotel, tmp_path, "balance_due,paid", "189.50,100")
    stay = hotel.gateway.booking("AB123")
    assert (stay.balance_due, stay.paid) == (Decimal("189.50"), Decimal("100"))
    assert reopen(hotel).gateway.booking("AB123").balance_due == Decimal("189.50")


def test_a_json_import_takes_amounts_as_numbers_or_text(hotel: Hotel, tmp_path: Path) -> None:
    path = tmp_path / "bookings.json"
    path.write_text(
        '[{"code": "AB123", "last_name": "Meyer", "first_name": "Kim", "arrival": "2026-03-14",'
        ' "departure": "2026-03-16", "room_type": "double", "balance_due": 0.1, "paid": "12"}]'
    )
    importer.import_bookings(hotel, path)
    stay = hotel.gateway.booking("AB123")
    assert (stay.balance_due, stay.paid) == (Decimal("0.1"), Decimal("12"))


@pytest.mark.parametrize(
    ("columns", "values", "message"),
    [
        ("paid", "100", r"line 2, column paid: needs balance_due beside it"),
        ("balance_due", '"12,50"', r"column balance_due: an amount like 289.50 .*, not '12,50'"),
        ("balance_due", "€12", r"column balance_due: an amount like 289.50"),
        ("balance_due", "1e3", r"column balance_due: an amount like 289.50"),
        ("balance_due,paid", "10,-5", r"column paid: an amount like 289.50, not '-5'"),
    ],
)
def test_an_amount_that_is_no_amount_imports_nothing(
    hotel: Hotel, tmp_path: Path, columns: str, values: str, message: str
) -> None:
    with pytest.raises(importer.ImportFileError, match=message):
        imported(hotel, tmp_path, columns, values)
    assert hotel.gateway.booking("AB123") is None


# -- history ----------------------------------------------------------------------------------


def test_charges_go_to_history_with_their_stay_and_come_back(hotel: Hotel) -> None:
    from kiosk.models import BookingStatus

    house(
        hotel, charge(ChargeKind.BREAKFAST, "36.00"), charge(ChargeKind.UPGRADE, "40", voided=True)
    )
    with hotel.transaction() as db:
        stay = db.booking("AB123")
        db.save_booking(replace(stay, status=BookingStatus.CHECKED_OUT, checked_out_at=NOW))
    before = hotel.gateway.charges_of_booking("AB123")

    assert hotel.archive.departed() == 1
    again = reopen(hotel)
    assert again.gateway.charges() == []
    assert sorted(c.id for c in again.archive.archived_charges()) == sorted(c.id for c in before)

    again.archive.restore("AB123")
    assert reopen(hotel).gateway.charges_of_booking("AB123") == before
