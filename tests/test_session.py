"""The check-in session (ARCHITECTURE.md, The flow: a state machine in the core): every
typed outcome of issue 2, item 6, and the staff overrides."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta

import pytest

from helpers import (
    AGENT,
    MANAGER,
    TODAY,
    at_identify,
    booking,
    check_in,
    data_files,
    events,
    found,
    furnish,
    ready,
    reopen,
    set_profile,
    zone,
)
from kiosk import demo, lobby
from kiosk.audit import Actor
from kiosk.clock import FixedClock
from kiosk.datadir import DataDir
from kiosk.hotel import Hotel, open_hotel
from kiosk.models import BookingStatus, Room, RoomStatus
from kiosk.session import CheckedIn, CheckInSession, Failure, Found, Rejected, Step, Verified
from kiosk.staff import StaffError

# -- lookup ---------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["LH4821", "lh4821", "lh 48-21", "  LH-4821 ", "Lh 4 8 2 1"])
def test_find_by_code_ignores_case_spaces_and_dashes(demo_hotel: Hotel, typed: str) -> None:
    session = CheckInSession(demo_hotel)
    outcome = session.find(typed, "Eriksson")
    assert isinstance(outcome, Found)
    assert outcome.booking.code == "LH4821" and outcome.booking.last_name == "Eriksson"
    assert session.step is Step.CONFIRM


@pytest.mark.parametrize(
    ("code", "typed"),
    [
        ("LH6144", "Mueller"),
        ("LH6144", "Muller"),
        ("LH6144", "müller"),
        ("LH6144", "MÜLLER"),
        ("LH7015", "OBrien"),
        ("LH7015", "o'brien"),
        ("LH7015", "O’Brien"),
        ("LH7388", "Weiss"),
        ("LH7388", "weiß"),
        ("LH7423", "Nguyen"),
        ("LH7423", "Nguyễn"),
        ("LH7262", "Schmidt-Weber"),
        ("LH7262", "schmidt weber"),
        ("LH7262", "Schmidt"),
        ("LH7262", "weber"),
        ("LH8845", "Garcia Lorca"),
        ("LH8845", "García"),
        ("LH8845", "Lorca"),
    ],
)
def test_the_last_name_matches_as_guests_type_it(demo_hotel: Hotel, code: str, typed: str) -> None:
    outcome = CheckInSession(demo_hotel).find(code, typed)
    assert isinstance(outcome, Found), outcome
    assert outcome.booking.code == code


@pytest.mark.parametrize(
    ("code", "typed"),
    [("LH7262", "Schmid"), ("LH7262", "Weberin"), ("LH8845", "Lor"), ("LH6144", "Müll")],
)
def test_a_piece_of_a_name_is_not_a_part_of_it(demo_hotel: Hotel, code: str, typed: str) -> None:
    assert CheckInSession(demo_hotel).find(code, typed).failure is Failure.NOT_FOUND


def test_code_and_name_may_come_in_either_order(demo_hotel: Hotel) -> None:
    outcome = CheckInSession(demo_hotel).find("Eriksson", "lh4821")
    assert isinstance(outcome, Found) and outcome.booking.code == "LH4821"


def test_neither_a_code_nor_a_name_finds_a_booking_alone(demo_hotel: Hotel) -> None:
    session = CheckInSession(demo_hotel)
    for code, name in [
        ("LH4821", "Smith"),
        ("Eriksson", "Eriksson"),
        ("LH4821", "LH4821"),
        ("LH4821", "Weiß"),
    ]:
        outcome = session.find(code, name)
        assert isinstance(outcome, Rejected) and outcome.failure is Failure.NOT_FOUND, (code, name)
    assert session.booking is None and session.step is Step.FIND


def test_two_guests_of_one_name_are_told_apart_by_their_code(demo_hotel: Hotel) -> None:
    furnish(demo_hotel, bookings=[booking("ZZ1001", "Eriksson")])
    assert CheckInSession(demo_hotel).find("ZZ1001", "Eriksson").booking.code == "ZZ1001"
    assert CheckInSession(demo_hotel).find("LH4821", "Eriksson").booking.code == "LH4821"


def test_until_code_and_name_match_every_answer_is_the_same_and_counts(demo_hotel: Hotel) -> None:
    """Another guest's real code, whatever its state, tells nothing without their name."""
    limit = demo_hotel.profile.lookup_attempts
    session = CheckInSession(demo_hotel)
    tries = [
        ("ZZ9999", "Dubois"),  # a made-up code
        ("LH8356", "Smith"),  # cancelled
        ("LH8471", "Smith"),  # already checked in
        ("LH8533", "Smith"),
    ]  # arrives tomorrow
    outcomes = [session.find(code, name) for code, name in tries]
    assert outcomes == [
        Rejected(Failure.NOT_FOUND, attempts_left=limit - n) for n in range(1, len(tries) + 1)
    ]
    mine = [e for e in events(demo_hotel, "lookup") if e["actor"] == f"guest:{session.id}"]
    assert [(e["outcome"], e["booking"]) for e in mine] == [("not_found", None)] * len(tries)


def test_once_code_and_name_match_the_guest_hears_what_is_the_matter(demo_hotel: Hotel) -> None:
    session = CheckInSession(demo_hotel)
    for _ in range(demo_hotel.profile.lookup_attempts + 1):  # none of these counts
        assert session.find("LH8356", "Dubois") == Rejected(Failure.CANCELLED)
        assert session.find("lh8471", "Tanaka") == Rejected(Failure.ALREADY_CHECKED_IN)
        assert session.find("LH8533", "Andersen") == Rejected(
            Failure.WRONG_DAY, arrival=TODAY + timedelta(days=1)
        )
    assert session.step is Step.FIND
    assert isinstance(session.find("LH4821", "Eriksson"), Found)


def test_a_stay_that_is_over_is_the_wrong_day(hotel: Hotel) -> None:
    furnish(hotel, bookings=[booking("OLD123", arrival=TODAY - timedelta(days=3), nights=3)])
    wrong_day = Rejected(Failure.WRONG_DAY, arrival=TODAY - timedelta(days=3))
    assert CheckInSession(hotel).find("OLD123", "Meyer") == wrong_day


def test_empty_or_junk_input_is_invalid_and_not_counted(demo_hotel: Hotel) -> None:
    session = CheckInSession(demo_hotel)
    for junk in ("", "   ", "x" * 81, "LH\x004821"):
        assert session.find(junk, "Eriksson") == Rejected(Failure.INVALID_INPUT)
        assert session.find("LH4821", junk) == Rejected(Failure.INVALID_INPUT)
    assert session.find("ZZ9999", "Nobody").attempts_left == demo_hotel.profile.lookup_attempts - 1


def fail_lookups(hotel: Hotel, count: int) -> list[Rejected]:
    session = CheckInSession(hotel)
    return [session.find(f"ZZ{n:04d}", "Nobody") for n in range(count)]


def test_past_the_limit_the_kiosk_waits_longer_each_time_and_calls_staff_once(
    demo_hotel: Hotel, clock: FixedClock
) -> None:
    limit = demo_hotel.profile.lookup_attempts
    outcomes = fail_lookups(demo_hotel, limit)
    assert [o.failure for o in outcomes] == [Failure.NOT_FOUND] * (limit - 1) + [
        Failure.TOO_MANY_TRIES
    ]
    assert outcomes[-1].wait_until == clock.current + timedelta(seconds=30)
    assert [r.reason for r in demo_hotel.help.requests()] == ["lookup_locked"]

    # During the wait even the right answers wait, on a new session and after a restart, and
    # do not count; nothing says whether they were right.
    for session in (CheckInSession(demo_hotel), CheckInSession(reopen(demo_hotel))):
        assert session.waiting_until() == clock.current + timedelta(seconds=30)
        waits = Rejected(Failure.TOO_MANY_TRIES, wait_until=outcomes[-1].wait_until)
        assert session.find("LH4821", "Eriksson") == waits
        assert session.step is Step.FIND

    waits = []
    for _ in range(5):
        clock.current = CheckInSession(demo_hotel).waiting_until()
        assert CheckInSession(demo_hotel).waiting_until() is None  # the kiosk is open again
        (failed,) = fail_lookups(demo_hotel, 1)
        waits.append(failed.wait_until - clock.current)
    assert waits == [timedelta(seconds=s) for s in (60, 120, 240, 300, 300)]
    assert [r.reason for r in demo_hotel.help.requests()] == ["lookup_locked"]  # staff called once

    # The next guest, after the wait, finds their booking.
    clock.current = CheckInSession(demo_hotel).waiting_until()
    assert isinstance(CheckInSession(demo_hotel).find("LH4821", "Eriksson"), Found)


def test_failed_lookups_an_hour_old_no_longer_count(demo_hotel: Hotel, clock: FixedClock) -> None:
    limit = demo_hotel.profile.lookup_attempts
    fail_lookups(demo_hotel, limit - 1)
    clock.advance(hours=1)
    assert fail_lookups(demo_hotel, 1)[0].attempts_left == limit - 1


def test_staff_unlock_ends_the_wait(demo_hotel: Hotel) -> None:
    fail_lookups(demo_hotel, demo_hotel.profile.lookup_attempts)
    session = CheckInSession(demo_hotel)
    session.unlock(AGENT, "guest showed the booking e-mail")
    assert session.waiting_until() is None and session.step is Step.FIND
    assert isinstance(session.find("LH4821", "Eriksson"), Found)
    unlocked = events(demo_hotel, "session_unlocked")
    assert [(e["actor"], e["detail"]["reason"]) for e in unlocked] == [
        (f"staff:{AGENT.name}", "guest showed the booking e-mail")
    ]


def test_a_found_booking_clears_earlier_typos(demo_hotel: Hotel) -> None:
    limit = demo_hotel.profile.lookup_attempts
    fail_lookups(demo_hotel, limit - 1)
    assert isinstance(CheckInSession(demo_hotel).find("LH4821", "Eriksson"), Found)
    assert fail_lookups(demo_hotel, 1)[0].attempts_left == limit - 1


def test_one_known_code_cannot_reset_the_lookup_count_for_ever(demo_hotel: Hotel) -> None:
    """Whoever knows one code must not be able to alternate it with guesses without end."""
    limit = demo_hotel.profile.lookup_attempts
    outcomes = []
    for n in range(limit * 3):
        session = CheckInSession(demo_hotel)
        outcomes.append(session.find(f"ZZ{n:04d}", "Eriksson"))
        if outcomes[-1].failure is Failure.TOO_MANY_TRIES:
            break
        session.find("LH4821", "Eriksson")
    assert outcomes[-1].failure is Failure.TOO_MANY_TRIES
    assert len(outcomes) < limit * 2


def test_a_locked_booking_found_by_code_and_name_calls_staff(demo_hotel: Hotel) -> None:
    session = at_identify(demo_hotel, "LH7388")
    for _ in range(demo_hotel.profile.identity_attempts):
        session.identify_by_hand("1980-05-18", "1234")
    other = CheckInSession(reopen(demo_hotel, kiosk_id="k2"))
    assert other.find("LH7388", "Weiss") == Rejected(Failure.LOCKED)
    assert other.step is Step.LOCKED
    # The wrong name still tells nothing, locked or not.
    assert CheckInSession(demo_hotel).find("LH7388", "Smith").failure is Failure.NOT_FOUND
    assert [r.reason for r in demo_hotel.help.requests()] == ["identity_locked", "locked"]


def test_lookups_are_audited_without_what_was_typed(demo_hotel: Hotel) -> None:
    session = CheckInSession(demo_hotel)
    session.find("LH4821", "Wrongname")
    session.find("lh 48-21", "Eriksson")
    lookups = [e for e in events(demo_hotel, "lookup") if e["actor"] == f"guest:{session.id}"]
    assert [(e["outcome"], e["booking"]) for e in lookups] == [
        ("not_found", None),
        ("ok", "LH4821"),
    ]
    assert all(e["kiosk"] == "k1" and e["at"] == demo_hotel.now().isoformat() for e in lookups)
    assert (
        b"Wrongname".upper() not in b"".join(data_files(demo_hotel.data_dir.root).values()).upper()
    )


def test_not_mine_goes_back_to_find(demo_hotel: Hotel) -> None:
    session = found(demo_hotel, "LH4821")
    assert session.not_mine() is Step.FIND
    assert session.booking is None


# -- identity -------------------------------------------------------------------------------


def test_identity_by_passport_zone(demo_hotel: Hotel) -> None:
    session = at_identify(demo_hotel, "LH4821")
    outcome = session.identify_by_zone(zone(demo_hotel, "LH4821", number="C01X00T47"))
    assert isinstance(outcome, Verified)
    record = outcome.identity
    assert (record.method, record.document_type, record.issuing_state, record.nationality) == (
        "mrz",
        "P",
        "SWE",
        "SWE",
    )
    assert record.number_last4 == "0T47"
    assert record.expiry == TODAY.replace(year=TODAY.year + 5).isoformat()
    assert session.step is Step.READY
    # What is kept is on file; the whole number is not.
    stored = reopen(demo_hotel).gateway.booking("LH4821")
    assert stored.identity == record
    assert b"C01X00T47" not in data_files(demo_hotel.data_dir.root)["kiosk.json"]


@pytest.mark.parametrize(
    ("code", "zone_name"),
    [
        ("LH6144", "Müller"),
        ("LH6144", "Muller"),
        ("LH7015", "O'Brien"),
        ("LH7388", "Weiß"),
        ("LH7262", "Schmidt-Weber"),
        ("LH7423", "Nguyễn"),
    ],
)
def test_zone_surname_matches_under_icao_transliteration(
    demo_hotel: Hotel, code: str, zone_name: str
) -> None:
    session = at_identify(demo_hotel, code)
    outcome = session.identify_by_zone(zone(demo_hotel, code, last_name=zone_name))
    assert isinstance(outcome, Verified), outcome


def test_identity_by_hand_checks_the_birth_date_on_file(demo_hotel: Hotel) -> None:
    session = at_identify(demo_hotel, "LH7388")  # Weiß, born 1980-05-17
    assert session.hand_entry_counts
    assert session.identify_by_hand("1980-05-18", "1234") == Rejected(
        Failure.BIRTH_DATE_MISMATCH, attempts_left=2
    )
    outcome = session.identify_by_hand("1980-05-17", "t047")
    assert isinstance(outcome, Verified)
    assert (outcome.identity.method, outcome.identity.number_last4) == ("hand", "T047")
    assert session.step is Step.READY


def test_hand_entry_does_not_count_without_a_date_of_birth_on_file(demo_hotel: Hotel) -> None:
    """Anyone can type an adult's date of birth: checked against nothing, it proves nothing."""
    session = at_identify(demo_hotel, "LH7015")  # O'Brien: no date of birth on file
    assert not session.hand_entry_counts
    for _ in range(demo_hotel.profile.identity_attempts + 1):
        assert session.identify_by_hand("1985-02-03", "1234") == Rejected(
            Failure.HAND_ENTRY_UNAVAILABLE, attempts_left=3
        )
    assert session.step is Step.IDENTIFY and demo_hotel.gateway.booking("LH7015").identity is None
    assert isinstance(session.identify_by_zone(zone(demo_hotel, "LH7015")), Verified)


@pytest.mark.parametrize(
    ("problem", "document"),
    [
        (Failure.DOCUMENT_EXPIRED, {"expiry": TODAY - timedelta(days=1)}),
        (Failure.NAME_MISMATCH, {"last_name": "Eriksen"}),
        (Failure.BIRTH_DATE_MISMATCH, {"birth": date(1975, 8, 12)}),  # on file: 1974-08-12
    ],
)
def test_a_refused_document_makes_the_booking_wait_for_staff(
    demo_hotel: Hotel, problem: Failure, document
) -> None:
    session = at_identify(demo_hotel, "LH4821")
    assert session.identify_by_zone(zone(demo_hotel, "LH4821", **document)) == Rejected(
        Failure.LOCKED, because=problem
    )
    assert session.step is Step.LOCKED
    assert [(r.reason, r.booking) for r in demo_hotel.help.requests()] == [
        ("document_refused", "LH4821")
    ]
    # Another method, another document, another session, another kiosk: all wait for staff.
    assert session.identify_by_hand("1974-08-12", "1234") == Rejected(Failure.LOCKED)
    assert session.identify_by_zone(zone(demo_hotel, "LH4821")) == Rejected(Failure.LOCKED)
    other = CheckInSession(reopen(demo_hotel, kiosk_id="k2"))
    assert other.find("LH4821", "Eriksson") == Rejected(Failure.LOCKED)
    assert reopen(demo_hotel).gateway.booking("LH4821").identity is None


def test_a_document_valid_through_today_is_accepted(demo_hotel: Hotel) -> None:
    session = at_identify(demo_hotel, "LH4821")
    assert isinstance(session.identify_by_zone(zone(demo_hotel, "LH4821", expiry=TODAY)), Verified)


@pytest.mark.parametrize("method", ["zone", "hand"])
def test_too_young_calls_staff_at_once(demo_hotel: Hotel, method: str) -> None:
    age = demo_hotel.profile.minimum_age
    young = TODAY.replace(year=TODAY.year - age) + timedelta(days=1)  # turns `age` tomorrow
    with demo_hotel.transaction() as db:  # a young guest's own date of birth on file
        db.save_booking(replace(db.booking("LH6144"), date_of_birth=young))
    session = at_identify(demo_hotel, "LH6144")
    outcome = (
        session.identify_by_zone(zone(demo_hotel, "LH6144", birth=young))
        if method == "zone"
        else session.identify_by_hand(young.isoformat(), "1234")
    )
    assert outcome == Rejected(Failure.LOCKED, because=Failure.TOO_YOUNG)
    assert [(r.reason, r.booking) for r in demo_hotel.help.requests()] == [("too_young", "LH6144")]


def test_on_the_birthday_the_guest_is_old_enough(demo_hotel: Hotel) -> None:
    age = demo_hotel.profile.minimum_age
    session = at_identify(demo_hotel, "LH7015")
    birthday = TODAY.replace(year=TODAY.year - age)
    assert isinstance(
        session.identify_by_zone(zone(demo_hotel, "LH7015", birth=birthday)), Verified
    )


def test_minimum_age_comes_from_the_profile(root, clock: FixedClock) -> None:
    set_profile(root, "minimum_age", "21")
    hotel = open_hotel(DataDir(root), clock=clock, kiosk_id="k1")
    demo.seed(hotel)
    twenty = TODAY.replace(year=TODAY.year - 20)
    session = at_identify(hotel, "LH7015")
    assert (
        session.identify_by_zone(zone(hotel, "LH7015", birth=twenty)).because is Failure.TOO_YOUNG
    )


def test_unreadable_zone_is_not_counted(demo_hotel: Hotel) -> None:
    session = at_identify(demo_hotel, "LH4821")
    good = zone(demo_hotel, "LH4821")
    line1, line2 = good.splitlines()
    broken = f"{line1}\n{line2[:-1]}{(int(line2[-1]) + 1) % 10}"  # composite check digit off by one
    for _ in range(5):
        assert session.identify_by_zone(broken) == Rejected(
            Failure.DOCUMENT_UNREADABLE, attempts_left=3
        )
    assert isinstance(session.identify_by_zone(good), Verified)


def test_identity_before_confirming_is_the_wrong_step(demo_hotel: Hotel) -> None:
    session = CheckInSession(demo_hotel)
    assert session.identify_by_hand("1975-03-02", "1234") == Rejected(Failure.WRONG_STEP)
    session.find("LH6144", "Müller")
    assert session.identify_by_hand("1975-03-02", "1234") == Rejected(Failure.WRONG_STEP)


def test_three_wrong_dates_of_birth_lock_the_booking(demo_hotel: Hotel) -> None:
    session = at_identify(demo_hotel, "LH4821")  # born 1974-08-12
    outcomes = [session.identify_by_hand(f"1974-08-{day}", "1234") for day in (11, 13, 21)]
    assert outcomes == [
        Rejected(Failure.BIRTH_DATE_MISMATCH, attempts_left=2),
        Rejected(Failure.BIRTH_DATE_MISMATCH, attempts_left=1),
        Rejected(Failure.LOCKED),
    ]
    assert session.step is Step.LOCKED
    # Even the right document no longer helps; staff were called.
    assert session.identify_by_zone(zone(demo_hotel, "LH4821")) == Rejected(Failure.LOCKED)
    assert [(r.reason, r.booking) for r in demo_hotel.help.requests()] == [
        ("identity_locked", "LH4821")
    ]
    # The lock is on the booking: a new session (after a restart, on another kiosk) finds it locked.
    restarted = reopen(demo_hotel, kiosk_id="k2")
    assert restarted.gateway.booking("LH4821").locked
    other = CheckInSession(restarted)
    assert other.find("LH4821", "Eriksson") == Rejected(Failure.LOCKED)
    assert other.step is Step.LOCKED

    # Staff step in on that session and approve the document they saw.
    other.approve_identity(AGENT, "passport checked at the desk")
    assert other.step is Step.READY
    assert isinstance(other.check_in(), CheckedIn)
    approved = events(demo_hotel, "identity_approved", "LH4821")
    assert [(e["actor"], e["kiosk"], e["detail"]["reason"]) for e in approved] == [
        (f"staff:{AGENT.name}", "k2", "passport checked at the desk")
    ]
    assert reopen(demo_hotel).gateway.booking("LH4821").identity.approved_by == AGENT.name


def test_unlock_after_identity_lock_lets_the_guest_try_again(demo_hotel: Hotel) -> None:
    session = at_identify(demo_hotel, "LH6144")  # born 1975-03-02
    for _ in range(3):
        session.identify_by_hand("1957-03-02", "1234")
    assert session.step is Step.LOCKED
    session.unlock(MANAGER, "typo, guest is who they say")
    assert session.step is Step.IDENTIFY
    assert not reopen(demo_hotel).gateway.booking("LH6144").locked
    assert isinstance(session.identify_by_hand("1975-03-02", "1234"), Verified)


def test_identity_results_are_audited(demo_hotel: Hotel) -> None:
    session = at_identify(demo_hotel, "LH4821")
    session.identify_by_hand("1974-08-13", "1234")
    session.identify_by_zone(zone(demo_hotel, "LH4821"))
    found = events(demo_hotel, "identity", "LH4821")
    assert [e["outcome"] for e in found] == ["birth_date_mismatch", "ok"]
    assert found[1]["detail"] == {"method": "mrz"}


# -- rooms ----------------------------------------------------------------------------------


def test_assigns_a_ready_free_room_of_the_booked_type(hotel: Hotel) -> None:
    furnish(
        hotel,
        rooms=[
            Room("101", 1, "double", RoomStatus.DIRTY),
            Room("102", 1, "double", RoomStatus.OUT_OF_ORDER),
            Room("103", 1, "double", RoomStatus.CLEAN),  # taken by OCC001 below
            Room("104", 1, "single", RoomStatus.CLEAN),
            Room("105", 1, "suite", RoomStatus.DIRTY),
            Room("201", 2, "double", RoomStatus.INSPECTED),
        ],
        bookings=[
            booking("OCC001", "Early"),
            booking("NEW001", "Late"),
            booking("NEW002", "Later"),
        ],
    )
    check_in(hotel, "OCC001")
    _, result = check_in(hotel, "NEW001")
    assert [key.room.number for key in result.keys] == ["201"]
    assert result.upgraded_to is None
    # No double is ready and free any more; the ladder goes double -> junior_suite -> suite.
    session = ready(hotel, "NEW002")
    assert session.check_in() == Rejected(Failure.NO_ROOM_READY)
    assert session.step is Step.NO_ROOM
    # Once the suite is cleaned, the same session gets it as a free upgrade.
    lobby.set_room_status(
        hotel, Actor("staff", AGENT.name), "105", RoomStatus.CLEAN, "housekeeping done"
    )
    result = session.check_in()
    assert isinstance(result, CheckedIn) and result.upgraded_to == "suite"
    assert [key.room.number for key in result.keys] == ["105"]


def test_two_room_booking_gets_two_rooms_and_two_keys(demo_hotel: Hotel) -> None:
    _, result = check_in(demo_hotel, "LH5930")
    numbers = [key.room.number for key in result.keys]
    assert len(set(numbers)) == 2
    assert all(key.room.type == "double" for key in result.keys)
    assert len({key.pin for key in result.keys} | {key.token for key in result.keys}) == 4
    assert len({key.room.floor for key in result.keys}) == 1  # one party, one floor
    fresh = reopen(demo_hotel)
    assert sorted(fresh.gateway.booking("LH5930").assigned_rooms) == sorted(numbers)
    assert [fresh.turnover.occupant(n) for n in numbers] == ["LH5930", "LH5930"]
    for key in result.keys:
        assert fresh.door.verify(key.room.number, key.pin).opens


def test_free_upgrade_when_the_booked_type_has_no_ready_room(demo_hotel: Hotel) -> None:
    _, result = check_in(demo_hotel, "LH8107")  # single; every single is dirty or out of order
    assert result.upgraded_to == "double"
    assert [key.room.type for key in result.keys] == ["double"]
    assigned = events(demo_hotel, "rooms_assigned", "LH8107")
    assert assigned[0]["detail"]["upgraded_to"] == "double"


def test_no_upgrade_when_the_profile_forbids_it(root, clock: FixedClock) -> None:
    set_profile(root, "allowed", "false")
    hotel = open_hotel(DataDir(root), clock=clock, kiosk_id="k1")
    demo.seed(hotel)
    assert ready(hotel, "LH8107").check_in() == Rejected(Failure.NO_ROOM_READY)


def test_no_room_ready_calls_staff_who_can_give_another_room(demo_hotel: Hotel) -> None:
    session = ready(demo_hotel, "LH8290")  # suite; every suite is dirty or out of order
    assert session.check_in() == Rejected(Failure.NO_ROOM_READY)
    assert session.step is Step.NO_ROOM
    assert [(r.reason, r.booking) for r in demo_hotel.help.requests()] == [("no_room", "LH8290")]
    fresh = reopen(demo_hotel)
    assert fresh.gateway.booking("LH8290").status is BookingStatus.RESERVED
    assert fresh.gateway.grants_of_booking("LH8290") == []

    # The guest cannot pick a room; staff can.
    assert session.check_in(["409"]) == Rejected(Failure.WRONG_STEP)
    with pytest.raises(StaffError):
        session.check_in(["110"], staff=AGENT, reason="suite is out of order")
    result = session.check_in(["409"], staff=AGENT, reason="junior suite instead, guest agreed")
    assert isinstance(result, CheckedIn)
    assert result.upgraded_to is None  # a junior suite for a suite is no upgrade to announce
    assigned = events(demo_hotel, "rooms_assigned", "LH8290")[-1]
    assert (assigned["actor"], assigned["detail"]["reason"]) == (
        f"staff:{AGENT.name}",
        "junior suite instead, guest agreed",
    )


def test_check_in_commits_booking_rooms_grants_and_audit_together(demo_hotel: Hotel) -> None:
    session, result = check_in(demo_hotel, "LH6144")
    (key,) = result.keys
    assert session.step is Step.KEYS
    fresh = reopen(demo_hotel)
    stored = fresh.gateway.booking("LH6144")
    assert stored.status is BookingStatus.CHECKED_IN
    assert stored.assigned_rooms == [key.room.number]
    assert stored.checked_in_at == demo_hotel.now()
    (grant,) = fresh.gateway.grants_of_booking("LH6144")
    assert grant.room == key.room.number and grant.revoked_at is None
    assert grant.valid_until == key.valid_until
    assert (
        key.valid_until.date() == stored.departure
        and key.valid_until.time() == fresh.profile.check_out_time
    )
    actions = [e["action"] for e in events(demo_hotel, booking_code="LH6144")]
    assert actions[-3:] == ["rooms_assigned", "key_issued", "checked_in"]
    assert fresh.turnover.occupant(key.room.number) == "LH6144"


def test_a_failing_check_in_leaves_nothing_behind(
    demo_hotel: Hotel, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = ready(demo_hotel, "LH5930")  # two rooms: fail while issuing the second key
    before = data_files(demo_hotel.data_dir.root)["kiosk.json"]
    real_issue = demo_hotel.grants.issue
    calls = []

    def failing_issue(*args, **kwargs):
        calls.append(args)
        if len(calls) == 2:
            raise OSError("door system hiccup")
        return real_issue(*args, **kwargs)

    monkeypatch.setattr(demo_hotel.grants, "issue", failing_issue)
    with pytest.raises(OSError, match="door system hiccup"):
        session.check_in()
    assert data_files(demo_hotel.data_dir.root)["kiosk.json"] == before
    for view in (demo_hotel, reopen(demo_hotel)):
        assert view.gateway.booking("LH5930").status is BookingStatus.RESERVED
        assert view.gateway.grants_of_booking("LH5930") == []
        assert [e["action"] for e in view.audit_trail.events(booking="LH5930", limit=100)] == [
            "lookup",
            "identity",
        ]
    monkeypatch.undo()
    # The same booking can still be checked in afterwards.
    assert isinstance(ready(demo_hotel, "LH5930").check_in(), CheckedIn)


def test_the_same_booking_cannot_be_checked_in_twice(demo_hotel: Hotel) -> None:
    first, second = ready(demo_hotel, "LH6144"), ready(reopen(demo_hotel, "k2"), "LH6144")
    assert isinstance(first.check_in(), CheckedIn)
    assert second.check_in() == Rejected(Failure.ALREADY_CHECKED_IN)
    assert len(reopen(demo_hotel).gateway.grants_of_booking("LH6144")) == 1


def test_put_away_keys_and_forget_drop_the_codes(demo_hotel: Hotel) -> None:
    session, result = check_in(demo_hotel, "LH6144")
    assert result.keys[0].pin
    assert session.put_away_keys() is Step.DONE
    assert all(key.pin == "" and key.token == "" for key in session.keys)
    session.forget()
    assert (session.booking, session.keys, session.step) == (None, (), Step.ENDED)


def test_a_proven_identity_proceeds_to_the_rooms_and_is_not_checked_again(
    demo_hotel: Hotel,
) -> None:
    """Proven, then the check-in could not be written (a full disk): the guest tries again
    on the identity page, and the session goes on from the proof on file."""
    session = ready(demo_hotel, "LH6144")
    proof = session.booking.identity
    assert session.identify_by_hand("1900-01-01", "0000") == Verified(proof)
    assert session.proceed() is None and session.step is Step.OFFERS  # the guest's answer
    assert isinstance(session.take_offers(set()), CheckedIn) and session.step is Step.KEYS
    assert session.proceed() is None


# -- staff overrides ------------------------------------------------------------------------


def staff_event(hotel: Hotel, action: str, code: str) -> tuple[str, str]:
    event = events(hotel, action, code)[-1]
    return event["actor"], event["detail"]["reason"]


def test_reassign_room_moves_the_key(demo_hotel: Hotel) -> None:
    session, result = check_in(demo_hotel, "LH6144")
    (old,) = result.keys
    new_room = "308"
    assert demo_hotel.turnover.occupant(new_room) is None
    new = session.reassign_room(AGENT, old.room.number, new_room, "guest wants a quiet room")
    assert new.room.number == new_room
    assert not demo_hotel.door.verify(old.room.number, old.pin).opens
    assert demo_hotel.door.verify(old.room.number, old.token).reason == "revoked"
    assert not demo_hotel.door.verify(old.room.number, new.pin).opens
    assert demo_hotel.door.verify(new_room, new.pin).opens
    assert demo_hotel.door.verify(new_room, new.token).opens
    fresh = reopen(demo_hotel)
    assert fresh.gateway.booking("LH6144").assigned_rooms == [new_room]
    assert (fresh.turnover.occupant(old.room.number), fresh.turnover.occupant(new_room)) == (
        None,
        "LH6144",
    )
    assert [k.room.number for k in session.keys] == [new_room]
    assert staff_event(demo_hotel, "room_reassigned", "LH6144") == (
        f"staff:{AGENT.name}",
        "guest wants a quiet room",
    )
    assert staff_event(demo_hotel, "key_revoked", "LH6144") == (
        f"staff:{AGENT.name}",
        "guest wants a quiet room",
    )


def test_reassign_refuses_a_held_room_or_a_room_not_held(demo_hotel: Hotel) -> None:
    session, result = check_in(demo_hotel, "LH6144")
    (key,) = result.keys
    tanaka_room = demo_hotel.gateway.booking("LH8471").assigned_rooms[0]
    with pytest.raises(StaffError, match="not free"):
        session.reassign_room(AGENT, key.room.number, tanaka_room, "mistake")
    with pytest.raises(StaffError, match="does not hold"):
        session.reassign_room(AGENT, "308", "307", "mistake")
    with pytest.raises(StaffError, match="no room"):
        session.reassign_room(AGENT, key.room.number, "999", "mistake")
    assert demo_hotel.door.verify(key.room.number, key.pin).opens
    assert demo_hotel.gateway.booking("LH6144").assigned_rooms == [key.room.number]


def test_reissue_key_replaces_the_codes(demo_hotel: Hotel) -> None:
    session, result = check_in(demo_hotel, "LH6144")
    (old,) = result.keys
    room = old.room.number
    new = session.reissue_key(AGENT, room, "guest forgot the PIN")
    assert new.room.number == room
    assert demo_hotel.door.verify(room, new.pin).opens
    assert demo_hotel.door.verify(room, new.token).opens
    assert demo_hotel.door.verify(room, old.token).reason == "revoked"
    if old.pin != new.pin:
        assert not demo_hotel.door.verify(room, old.pin).opens
    assert staff_event(demo_hotel, "key_reissued", "LH6144") == (
        f"staff:{AGENT.name}",
        "guest forgot the PIN",
    )
    with pytest.raises(StaffError):
        session.reissue_key(AGENT, "308", "not their room")


def test_revoke_key(demo_hotel: Hotel) -> None:
    session, result = check_in(demo_hotel, "LH5930")
    first, second = result.keys
    assert session.revoke_key(MANAGER, first.room.number, "card reported lost") == 1
    assert demo_hotel.door.verify(first.room.number, first.token).reason == "revoked"
    assert not demo_hotel.door.verify(first.room.number, first.pin).opens
    assert demo_hotel.door.verify(
        second.room.number, second.pin
    ).opens  # the other room still opens
    assert staff_event(demo_hotel, "key_revoked", "LH5930") == (
        f"staff:{MANAGER.name}",
        "card reported lost",
    )


def test_undo_check_in_is_for_managers_only(demo_hotel: Hotel) -> None:
    session, result = check_in(demo_hotel, "LH6144")
    (key,) = result.keys
    before = data_files(demo_hotel.data_dir.root)["kiosk.json"]
    with pytest.raises(StaffError, match="manager"):
        session.undo_check_in(AGENT, "wrong guest")
    assert data_files(demo_hotel.data_dir.root)["kiosk.json"] == before
    assert demo_hotel.door.verify(key.room.number, key.pin).opens

    session.undo_check_in(MANAGER, "wrong guest")
    fresh = reopen(demo_hotel)
    stored = fresh.gateway.booking("LH6144")
    assert (stored.status, stored.assigned_rooms, stored.checked_in_at) == (
        BookingStatus.RESERVED,
        [],
        None,
    )
    assert fresh.turnover.occupant(key.room.number) is None
    assert demo_hotel.door.verify(key.room.number, key.token).reason == "revoked"
    assert not demo_hotel.door.verify(key.room.number, key.pin).opens
    assert staff_event(demo_hotel, "check_in_undone", "LH6144") == (
        f"staff:{MANAGER.name}",
        "wrong guest",
    )
    # Identity was proven, so the guest can be checked in again straight away.
    assert session.step is Step.READY
    assert isinstance(session.check_in(), CheckedIn)


def test_staff_overrides_need_a_booking(demo_hotel: Hotel) -> None:
    session = CheckInSession(demo_hotel)
    with pytest.raises(StaffError):
        session.approve_identity(AGENT, "no booking")
    with pytest.raises(StaffError):
        session.reissue_key(AGENT, "104", "no booking")
    with pytest.raises(StaffError):
        ready(demo_hotel, "LH6144").revoke_key(AGENT, "104", "not checked in yet")


def test_staff_end_a_session(demo_hotel: Hotel) -> None:
    session = at_identify(demo_hotel, "LH6144")
    session.end_session(AGENT, "guest walked away")
    assert (session.step, session.booking) == (Step.ENDED, None)
    assert staff_event(demo_hotel, "session_ended", "LH6144") == (
        f"staff:{AGENT.name}",
        "guest walked away",
    )


def td1_zone(
    surname: str, given: str, *, state: str, number: str, birth: date, expiry: date
) -> str:
    """A German-style identity card (TD1, three lines of 30) with valid check digits."""
    from kiosk.mrz import check_digit

    top = f"ID{state:<<3}{number:<<9}{check_digit(number)}".ljust(30, "<")
    birth_text, expiry_text = birth.strftime("%y%m%d"), expiry.strftime("%y%m%d")
    birth_field = f"{birth_text}{check_digit(birth_text)}"
    expiry_field = f"{expiry_text}{check_digit(expiry_text)}"
    mid = f"{birth_field}F{expiry_field}{state:<<3}".ljust(29, "<")
    composite = top[5:30] + mid[0:7] + mid[8:15] + mid[18:29]
    mid += str(check_digit(composite))
    bottom = f"{surname}<<{given}".ljust(30, "<")
    return "\n".join((top, mid, bottom))


def test_identity_by_german_id_card(demo_hotel: Hotel) -> None:
    card = td1_zone(
        "MUELLER",
        "JUERGEN",
        state="D",
        number="T22000129",
        birth=date(1975, 3, 2),
        expiry=TODAY + timedelta(days=400),
    )
    session = at_identify(demo_hotel, "LH6144")
    outcome = session.identify_by_zone(card)
    assert isinstance(outcome, Verified), outcome
    assert (
        outcome.identity.document_type,
        outcome.identity.issuing_state,
        outcome.identity.nationality,
        outcome.identity.number_last4,
    ) == ("ID", "D", "D", "0129")


def test_guest_help_request_reaches_staff(demo_hotel: Hotel) -> None:
    session = at_identify(demo_hotel, "LH6144")
    request_id = session.request_help()
    (request,) = demo_hotel.help.requests()
    assert (request.id, request.booking, request.kiosk, request.status) == (
        request_id,
        "LH6144",
        "k1",
        "open",
    )
    from kiosk.models import HelpStatus

    demo_hotel.help.update(AGENT, request_id, HelpStatus.TAKEN)
    assert demo_hotel.help.requests()[0].taken_by == AGENT.name
    demo_hotel.help.update(AGENT, request_id, HelpStatus.CLOSED)
    assert demo_hotel.help.requests() == []
    assert len(demo_hotel.help.requests(open_only=False)) == 1


def test_closed_help_requests_leave_the_main_file_for_help_jsonl(demo_hotel: Hotel) -> None:
    from kiosk.models import HelpStatus

    kept = at_identify(demo_hotel, "LH6144").request_help()
    done = at_identify(demo_hotel, "LH4821").request_help()
    demo_hotel.help.update(AGENT, done, HelpStatus.CLOSED)

    demo_hotel.archive.departed()

    assert [request.id for request in demo_hotel.help.requests(open_only=False)] == [kept]
    (archived,) = demo_hotel.archive.help_history.records()
    assert (archived["request"]["booking"], archived["request"]["taken_by"]) == (
        "LH4821",
        AGENT.name,
    )
    on_file = json.loads(demo_hotel.data_dir.database.read_bytes())["help_requests"]
    assert [request["booking"] for request in on_file.values()] == ["LH6144"]
    (event,) = events(demo_hotel, "history_archived")
    assert event["detail"]["help_requests"] == 1


def test_staff_pins_are_checked_without_holding_the_data_lock(
    demo_hotel: Hotel, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each check is an scrypt hash (some 50 ms): other kiosks' writes must not wait."""
    import kiosk.staff
    from kiosk.staff import Role, pin_matches

    demo_hotel.staff.add("Marta", Role.MANAGER, "482913")
    demo_hotel.staff.add("Arne", Role.AGENT, "135791")
    under_lock = []

    def watched(pin: str, hashed: str) -> bool:
        under_lock.append(demo_hotel.gateway.store._lock.is_locked)
        return pin_matches(pin, hashed)

    monkeypatch.setattr(kiosk.staff, "pin_matches", watched)
    assert demo_hotel.staff.login("135791").member.name == "Arne"
    assert demo_hotel.staff.login("000000").member is None
    assert under_lock and not any(under_lock)


def test_a_staff_pin_reset_while_a_login_is_checked_is_honoured(
    demo_hotel: Hotel, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kiosk.staff
    from kiosk.staff import Role, pin_matches

    demo_hotel.staff.add("Arne", Role.AGENT, "135791")

    def reset_meanwhile(pin: str, hashed: str) -> bool:
        monkeypatch.setattr(kiosk.staff, "pin_matches", pin_matches)
        reopen(demo_hotel, "k2").staff.reset_pin("Arne", "246802")
        return pin_matches(pin, hashed)

    monkeypatch.setattr(kiosk.staff, "pin_matches", reset_meanwhile)
    assert demo_hotel.staff.login("135791").member is None  # the old PIN no longer opens
    assert demo_hotel.staff.login("246802").member.name == "Arne"


def test_a_better_room_chosen_by_staff_is_announced_as_an_upgrade(demo_hotel: Hotel) -> None:
    session = ready(demo_hotel, "LH8107")  # single
    result = session.check_in(["109"], staff=AGENT, reason="regular guest")
    assert isinstance(result, CheckedIn) and result.upgraded_to == "junior_suite"


def test_staff_open_a_locked_booking_at_the_desk_and_unlock_it(demo_hotel: Hotel) -> None:
    guest = at_identify(demo_hotel, "LH7388")  # date of birth 1980-05-17 on file
    for _ in range(demo_hotel.profile.identity_attempts):
        guest.identify_by_hand("1980-05-18", "1234")
    assert guest.step is Step.LOCKED  # the guest walks to the desk and the kiosk moves on

    desk = CheckInSession.at_the_desk(reopen(demo_hotel), "lh7388", AGENT)
    assert desk.step is Step.LOCKED
    desk.unlock(AGENT, "guest at the desk, passport seen")
    assert desk.step is Step.IDENTIFY
    assert isinstance(desk.identify_by_hand("1980-05-17", "1234"), Verified)
    assert isinstance(desk.check_in(), CheckedIn)
    opened = events(demo_hotel, "session_opened_at_desk", "LH7388")
    assert opened and opened[0]["actor"] == f"staff:{AGENT.name}"
    with pytest.raises(StaffError):
        CheckInSession.at_the_desk(demo_hotel, "NOPE99", AGENT)
