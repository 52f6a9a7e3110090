"""Offers at check-in, in the core: which fit a stay and at what price, what a yes sells (a
charge on the folio, a later key, a better room), and that nothing is sold without one."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from helpers import NOW, TODAY, booking, events, furnish, ready, set_profile, zone
from kiosk import offers
from kiosk.clock import FixedClock
from kiosk.datadir import DataDir
from kiosk.hotel import Hotel, open_hotel
from kiosk.models import BookingStatus, ChargeKind, Room, RoomStatus
from kiosk.profile import ProfileError
from kiosk.session import CheckedIn, CheckInSession, Failure, Rejected, Step, Verified
from kiosk.staff import Role, StaffMember

BREAKFAST, LATE, UPGRADE, EARLY = (
    ChargeKind.BREAKFAST,
    ChargeKind.LATE_CHECK_OUT,
    ChargeKind.UPGRADE,
    ChargeKind.EARLY_CHECK_IN,
)


def at_offers(hotel: Hotel, code: str) -> CheckInSession:
    session = ready(hotel, code)
    assert session.proceed() is None
    assert session.step is Step.OFFERS
    return session


def offered(session: CheckInSession) -> dict[ChargeKind, Decimal]:
    return {quote.kind: quote.amount for quote in session.quotes}


def small_house(hotel: Hotel, *others) -> None:
    """Two doubles and one junior suite; the guest's booking G1 (a double, two nights) and
    `others` on file."""
    furnish(
        hotel,
        rooms=[
            Room("101", 1, "double"),
            Room("102", 1, "double"),
            Room("109", 1, "junior_suite"),
        ],
        bookings=[booking("G1", "Meyer", adults=2), *others],
    )


# -- what fits, at what price --------------------------------------------------------------


def test_a_plain_stay_is_offered_breakfast_late_check_out_and_an_upgrade(demo_hotel) -> None:
    session = at_offers(demo_hotel, "LH4821")  # a double, two adults, two nights, 16:30
    assert offered(session) == {
        BREAKFAST: Decimal("72.00"),  # 18.00 x 2 guests x 2 nights
        LATE: Decimal("25.00"),
        UPGRADE: Decimal("80.00"),  # 40.00 x 2 nights
    }
    (upgrade,) = (quote for quote in session.quotes if quote.kind is UPGRADE)
    assert upgrade.room_type == "junior_suite"


def test_breakfast_counts_children_too(hotel: Hotel) -> None:
    furnish(hotel, [Room("101", 1, "double")], [booking("K1", adults=2, children=1, nights=3)])
    assert offered(at_offers(hotel, "K1"))[BREAKFAST] == Decimal("162.00")  # 18 x 3 x 3


def test_late_check_out_only_when_no_arrival_needs_a_room_of_the_type(hotel: Hotel) -> None:
    departure = TODAY + timedelta(days=2)
    small_house(hotel, booking("A1", "Adler", arrival=departure))
    assert LATE in offered(at_offers(hotel, "G1"))  # one double is left for Adler

    with hotel.transaction() as db:
        db.add_bookings([booking("A2", "Berg", arrival=departure)])
    assert LATE not in offered(at_offers(hotel, "G1"))  # both doubles are needed that day

    with hotel.transaction() as db:
        berg = db.booking("A2")
        db.save_booking(replace(berg, status=BookingStatus.CANCELLED))
    assert LATE in offered(at_offers(hotel, "G1"))  # a cancelled stay holds nothing


def test_late_check_out_with_an_upgrade_on_offer_must_fit_the_better_type_too(
    hotel: Hotel,
) -> None:
    departure = TODAY + timedelta(days=2)
    small_house(hotel, booking("S1", "Sommer", "junior_suite", arrival=departure))
    quotes = offered(at_offers(hotel, "G1"))
    assert UPGRADE in quotes and LATE not in quotes


def test_an_upgrade_only_when_the_better_type_is_free_for_the_whole_stay(hotel: Hotel) -> None:
    tomorrow = TODAY + timedelta(days=1)
    small_house(hotel, booking("S1", "Sommer", "junior_suite", arrival=tomorrow, nights=1))
    assert UPGRADE not in offered(at_offers(hotel, "G1"))  # the suite is gone tomorrow night


def test_no_upgrade_above_the_top_of_the_ladder_nor_to_a_room_not_ready(hotel: Hotel) -> None:
    furnish(
        hotel,
        [Room("101", 1, "double"), Room("109", 1, "junior_suite", RoomStatus.DIRTY)],
        [booking("G1"), booking("S2", "Stein", "suite")],
    )
    assert UPGRADE not in offered(at_offers(hotel, "G1"))


def test_early_check_in_only_before_the_free_window(root: Path) -> None:
    clock = FixedClock(datetime.combine(TODAY, time(13, 59), NOW.tzinfo))
    hotel = open_hotel(DataDir(root), clock=clock, kiosk_id="k1")
    furnish(hotel, [Room("101", 1, "double")], [booking("G1")])
    assert offered(at_offers(hotel, "G1"))[EARLY] == Decimal("20.00")
    clock.advance(minutes=1)  # 14:00: check-in costs nothing from here
    assert EARLY not in offered(at_offers(hotel, "G1"))


def test_no_offers_when_no_room_is_ready(demo_hotel) -> None:
    session = ready(demo_hotel, "LH8290")  # a suite; none is ready
    assert session.proceed() == Rejected(Failure.NO_ROOM_READY)
    assert session.step is Step.NO_ROOM and session.quotes == ()


def test_staff_at_the_desk_check_in_without_offers(demo_hotel) -> None:
    desk = CheckInSession.at_the_desk(demo_hotel, "LH4821", StaffMember("Desk", Role.AGENT))
    desk.step = Step.IDENTIFY
    assert isinstance(desk.identify_by_zone(zone(demo_hotel, "LH4821")), Verified)
    assert isinstance(desk.proceed(), CheckedIn)
    assert demo_hotel.gateway.charges_of_booking("LH4821") == []


# -- what a yes sells ------------------------------------------------------------------------


def test_no_to_every_offer_sells_nothing_and_checks_in(demo_hotel) -> None:
    session = at_offers(demo_hotel, "LH4821")
    assert isinstance(session.take_offers(set()), CheckedIn)
    assert demo_hotel.gateway.charges_of_booking("LH4821") == []
    (shown,) = events(demo_hotel, "offers_shown", "LH4821")
    assert shown["detail"]["offers"] == ["breakfast", "late_check_out", "upgrade"]
    assert events(demo_hotel, "offer_taken") == []
    (key,) = session.keys
    assert key.valid_until == demo_hotel.departure_moment(session.booking.departure)


def test_chosen_offers_are_charged_with_the_check_in(demo_hotel) -> None:
    session = at_offers(demo_hotel, "LH4821")
    result = session.take_offers({BREAKFAST, LATE})
    assert isinstance(result, CheckedIn)
    charges = demo_hotel.gateway.charges_of_booking("LH4821")
    assert {(charge.kind, charge.amount, charge.description) for charge in charges} == {
        (BREAKFAST, Decimal("72.00"), "Frühstück"),  # in the house's language
        (LATE, Decimal("25.00"), "Später Check-out"),
    }
    taken = events(demo_hotel, "offer_taken", "LH4821")
    assert {event["detail"]["offer"] for event in taken} == {"breakfast", "late_check_out"}
    # The key opens until the late check-out time on the departure day.
    (key,) = result.keys
    assert key.valid_until == datetime.combine(session.booking.departure, time(14, 0), NOW.tzinfo)


def test_a_paid_upgrade_gives_the_better_room_and_its_key(demo_hotel) -> None:
    session = at_offers(demo_hotel, "LH4821")
    result = session.take_offers({UPGRADE})
    assert isinstance(result, CheckedIn)
    (key,) = result.keys
    assert key.room.type == "junior_suite"
    assert session.booking.assigned_rooms == [key.room.number]
    assert session.upgraded_to is None  # paid for: not the free upgrade's good news
    assert demo_hotel.door.verify(key.room.number, key.pin).opens
    (charge,) = demo_hotel.gateway.charges_of_booking("LH4821")
    assert charge.amount == Decimal("80.00")


def test_an_offer_not_shown_cannot_be_chosen(demo_hotel) -> None:
    session = at_offers(demo_hotel, "LH4821")
    assert session.take_offers({EARLY}) == Rejected(Failure.INVALID_INPUT)
    assert session.step is Step.OFFERS
    assert demo_hotel.gateway.charges_of_booking("LH4821") == []


def test_an_offer_gone_meanwhile_is_not_sold_and_the_offers_are_shown_again(
    hotel: Hotel,
) -> None:
    small_house(hotel)
    session = at_offers(hotel, "G1")
    assert UPGRADE in offered(session)
    # Housekeeping finds the one junior suite out of order while the guest reads.
    with hotel.transaction() as db:
        db.save_room(Room("109", 1, "junior_suite", RoomStatus.OUT_OF_ORDER))
    assert session.take_offers({UPGRADE, BREAKFAST}) == Rejected(Failure.OFFERS_CHANGED)
    assert session.step is Step.OFFERS and UPGRADE not in offered(session)
    assert hotel.gateway.charges_of_booking("G1") == []
    assert isinstance(session.take_offers({BREAKFAST}), CheckedIn)


def test_early_check_in_declined_the_key_opens_when_check_in_is_free(root: Path) -> None:
    clock = FixedClock(datetime.combine(TODAY, time(10, 0), NOW.tzinfo))
    hotel = open_hotel(DataDir(root), clock=clock, kiosk_id="k1")
    rooms = [Room("101", 1, "double"), Room("102", 1, "double")]
    furnish(hotel, rooms, [booking("G1"), booking("G2", "Graf")])
    declined = at_offers(hotel, "G1").take_offers(set())
    taken = at_offers(hotel, "G2").take_offers({EARLY})
    assert isinstance(declined, CheckedIn) and isinstance(taken, CheckedIn)
    free_from = datetime.combine(TODAY, time(14, 0), NOW.tzinfo)
    assert declined.keys[0].opens_at == free_from
    assert taken.keys[0].opens_at is None
    room = declined.keys[0].room.number
    assert not hotel.door.verify(room, declined.keys[0].pin).opens
    clock.advance(hours=4)
    assert hotel.door.verify(room, declined.keys[0].pin).opens


# -- the profile -----------------------------------------------------------------------------


OLD_OFFERS = """
[[offers]]
code = "breakfast"
price = 18.9
per = "night"

[[offers]]
code = "late_checkout"
price = 25
per = "stay"
"""


def with_offers(root: Path, offers_text: str) -> Path:
    DataDir(root).prepare()
    path = DataDir(root).profile
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("[[offers]]")] + offers_text, encoding="utf-8")
    return path


def test_a_profile_from_before_offers_had_names_still_loads(root: Path, clock) -> None:
    with_offers(root, OLD_OFFERS)
    profile = open_hotel(DataDir(root), clock=clock).profile
    assert [(offer.kind, offer.price) for offer in profile.offers] == [
        (BREAKFAST, Decimal("18.9")),
        (LATE, Decimal("25")),
    ]
    # No name in hotel.toml: the kiosk's own, in the guest's language.
    assert offers.name(profile.offers[1], "de") == "Später Check-out"
    assert offers.name(profile.offers[1], "en") == "Late check-out"


def test_a_name_in_one_language_serves_the_other(root: Path, clock) -> None:
    with_offers(root, '[[offers]]\ncode = "breakfast"\nprice = "9.50"\nname.de = "Frühstück"\n')
    profile = open_hotel(DataDir(root), clock=clock).profile
    assert offers.name(profile.offers[0], "en") == "Frühstück"


@pytest.mark.parametrize(
    ("entry", "named"),
    [
        ('code = "minibar"\nprice = 5', "minibar"),
        ('code = "breakfast"\nprice = -1', "above 0"),
        ('code = "breakfast"\nprice = "free"', "needs a price"),
        ('code = "breakfast"\nprice = 1\nname = 7', "name must be"),
        ('code = "breakfast"\nprice = 1\nname.sv = "Frukost"', "name must be"),
    ],
)
def test_a_bad_offer_is_named(root: Path, clock, entry: str, named: str) -> None:
    with_offers(root, f"[[offers]]\n{entry}\n")
    with pytest.raises(ProfileError, match="offers") as raised:
        open_hotel(DataDir(root), clock=clock)
    assert named in str(raised.value)


def test_the_free_window_is_a_setting(root: Path, clock) -> None:
    set_profile(root, "early_check_in_free_minutes", "0")
    profile = open_hotel(DataDir(root), clock=clock).profile
    assert offers.early_check_in_from(profile, TODAY).time() == time(15, 0)
