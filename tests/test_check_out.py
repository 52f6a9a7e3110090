"""Check-out at the kiosk (kiosk/check_out.py): who may check out, the one answer for every
wrong room, PIN or key and its growing wait, and what checking out does to the keys, the
booking, the rooms, the folio and the desk."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from helpers import NOW, booking, check_in, events, furnish, reopen, set_profile
from kiosk.check_out import (
    CheckedOut,
    CheckOutFailure,
    CheckOutRejected,
    CheckOutSession,
    CheckOutStep,
    Settlement,
    StayFound,
)
from kiosk.clock import FixedClock
from kiosk.door import limit_key
from kiosk.hotel import Hotel
from kiosk.models import BookingStatus, ChargeKind, HelpReason, Room, RoomStatus
from kiosk.session import RoomKey

ROOMS = [Room("201", 2, "double"), Room("202", 2, "double")]


def guests(hotel: Hotel, **fields) -> tuple[RoomKey, RoomKey]:
    """Two guests checked in: AB123 (with `fields`) and CD456, one room each."""
    furnish(hotel, ROOMS, [booking("AB123", **fields), booking("CD456", "Schulz")])
    (mine,) = check_in(hotel, "AB123")[1].keys
    (theirs,) = check_in(hotel, "CD456")[1].keys
    return mine, theirs


def test_a_guest_checks_out_with_room_and_pin(hotel: Hotel) -> None:
    key, other = guests(hotel, email="kim@example.org")
    session = CheckOutSession(hotel)
    found = session.identify(f" {key.room.number.lower()} ", key.pin)
    assert isinstance(found, StayFound) and found.booking.code == "AB123"
    assert session.step is CheckOutStep.CONFIRM

    done = session.confirm()
    assert isinstance(done, CheckedOut)
    assert (done.rooms, done.settlement, done.invoice_by_email) == (
        (key.room.number,),
        Settlement.NOTHING_DUE,
        True,
    )
    again = reopen(hotel)
    stay = again.gateway.booking("AB123")
    assert (stay.status, stay.checked_out_at) == (BookingStatus.CHECKED_OUT, NOW)
    assert again.gateway.room(key.room.number).status is RoomStatus.DIRTY
    assert again.turnover.occupant(key.room.number) is None
    # The keys stop at once, the PIN and the QR alike; the other guest's still opens.
    assert again.door.verify(key.room.number, key.pin).reason == "revoked"
    assert again.door.verify(key.room.number, key.token).reason == "revoked"
    assert again.door.verify(other.room.number, other.pin).opens
    (event,) = events(hotel, "checked_out")
    assert (event["actor"], event["booking"], event["detail"]["rooms"]) == (
        f"guest:{session.id}",
        "AB123",
        [key.room.number],
    )
    assert event["detail"]["balance"] == "0.00"


def test_a_guest_checks_out_with_the_keys_qr(hotel: Hotel) -> None:
    key, _ = guests(hotel)
    session = CheckOutSession(hotel)
    assert isinstance(session.identify_by_key(key.token.lower()), StayFound)
    assert isinstance(session.confirm(), CheckedOut)
    assert hotel.gateway.booking("AB123").status is BookingStatus.CHECKED_OUT


def test_a_key_that_ran_out_at_check_out_time_still_checks_its_guest_out(
    hotel: Hotel, clock: FixedClock
) -> None:
    key, _ = guests(hotel)
    clock.current = key.valid_until.replace(hour=11, minute=40)
    assert isinstance(CheckOutSession(hotel).identify(key.room.number, key.pin), StayFound)


def wrong_answers(mine: RoomKey, theirs: RoomKey) -> list[tuple[str, str]]:
    return [
        (mine.room.number, "000000" if mine.pin != "000000" else "111111"),  # a made-up PIN
        ("999", mine.pin),  # a room there is not
        (theirs.room.number, mine.pin),  # my PIN at another guest's room
    ]


def test_every_wrong_answer_gets_the_same_reply_and_counts(hotel: Hotel) -> None:
    mine, theirs = guests(hotel)
    session = CheckOutSession(hotel)
    replies = [session.identify(room, pin) for room, pin in wrong_answers(mine, theirs)]
    replies.append(session.identify_by_key(theirs.token[:-3] + "AAA"))  # a forged key
    assert {reply.failure for reply in replies} == {CheckOutFailure.NOT_RECOGNISED}
    assert [reply.attempts_left for reply in replies] == [4, 3, 2, 1]
    assert session.step is CheckOutStep.IDENTIFY and session.booking is None
    # The door's keypad lock-out is the door's: nothing typed at the kiosk counts there.
    assert hotel.gateway.counter(limit_key(mine.room.number)).failed_at == ()
    assert hotel.gateway.counter(limit_key(theirs.room.number)).failed_at == ()


def test_too_many_wrong_answers_make_the_kiosk_wait_and_call_staff(hotel: Hotel) -> None:
    mine, _ = guests(hotel)
    session = CheckOutSession(hotel)
    for _ in range(hotel.profile.lookup_attempts):
        session.identify(mine.room.number, "000001")
    refused = session.identify(mine.room.number, mine.pin)  # now even the right PIN waits
    assert isinstance(refused, CheckOutRejected)
    assert refused.failure is CheckOutFailure.TOO_MANY_TRIES and refused.wait_until > NOW
    assert session.waiting_until() == refused.wait_until
    assert [request.reason for request in hotel.help.requests()] == [HelpReason.LOOKUP_LOCKED]
    # Check-ins on this kiosk are not held up by it.
    assert hotel.gateway.counter("lookup:k1").failures == 0


def test_a_guesser_at_the_kiosk_gets_no_more_tries_than_at_a_door(
    hotel: Hotel, clock: FixedClock
) -> None:
    """A right guess ends a stranger's stay and shows their folio: the kiosk takes no more
    than the 366 guesses a month a door's keypad takes (README, Door PINs), however the
    guesser paces them (here: one every 10 s whenever the kiosk takes one)."""
    mine, _ = guests(hotel)
    session = CheckOutSession(hotel)
    month_end = clock.current + timedelta(days=30)
    tries = 0
    while clock.current < month_end:
        waiting = session.waiting_until()
        if waiting is not None:
            clock.current = waiting
            continue
        guess = f"{tries:06d}"
        reply = session.identify(mine.room.number, guess if guess != mine.pin else "999999")
        assert reply.failure in (CheckOutFailure.NOT_RECOGNISED, CheckOutFailure.TOO_MANY_TRIES)
        tries += 1
        clock.advance(seconds=10)
    assert tries <= 366


def test_blank_answers_are_not_tries(hotel: Hotel) -> None:
    guests(hotel)
    session = CheckOutSession(hotel)
    for room, pin in [("", "123456"), ("201", "  "), ("201", "1" * 200)]:
        assert session.identify(room, pin).failure is CheckOutFailure.INVALID_INPUT
    assert hotel.gateway.counter("check_out:k1").failures == 0


def test_a_stay_not_checked_in_cannot_be_checked_out(hotel: Hotel) -> None:
    key, _ = guests(hotel)
    first = CheckOutSession(hotel)
    first.identify(key.room.number, key.pin)
    assert isinstance(first.confirm(), CheckedOut)
    # The same key again: revoked, so not recognised (and no second check-out).
    assert CheckOutSession(hotel).identify(key.room.number, key.pin).failure is (
        CheckOutFailure.NOT_RECOGNISED
    )


def test_checked_out_meanwhile_elsewhere(hotel: Hotel) -> None:
    key, _ = guests(hotel)
    here, there = CheckOutSession(hotel), CheckOutSession(reopen(hotel, "k2"))
    here.identify(key.room.number, key.pin)
    there.identify(key.room.number, key.pin)
    assert isinstance(there.confirm(), CheckedOut)
    late = here.confirm()
    assert late.failure is CheckOutFailure.ALREADY_CHECKED_OUT and here.step is CheckOutStep.ENDED
    assert len(events(hotel, "checked_out")) == 2
    assert [e["outcome"] for e in events(hotel, "checked_out")] == ["ok", "already_checked_out"]


def test_a_balance_due_sends_the_guest_to_the_desk(hotel: Hotel) -> None:
    key, _ = guests(hotel, balance_due=Decimal("120.50"), paid=Decimal("100"))
    session = CheckOutSession(hotel)
    found = session.identify(key.room.number, key.pin)
    assert found.folio.balance == Decimal("120.50")
    done = session.confirm()
    assert done.settlement is Settlement.DESK
    (request,) = hotel.help.requests()
    assert (request.reason, request.booking, request.note) == (
        HelpReason.BALANCE_DUE,
        "AB123",
        "€120.50 to pay",
    )
    assert hotel.gateway.booking("AB123").status is BookingStatus.CHECKED_OUT


def test_or_the_property_charges_the_card_on_file(root: Path, hotel: Hotel) -> None:
    set_profile(root, "balance_at_check_out", '"card_on_file"')
    hotel = reopen(hotel)
    key, _ = guests(hotel, balance_due=Decimal("80"))
    session = CheckOutSession(hotel)
    session.identify(key.room.number, key.pin)
    assert session.confirm().settlement is Settlement.CARD_ON_FILE
    assert hotel.help.requests() == []


def test_the_city_tax_goes_on_the_folio_at_check_out_once(root: Path, hotel: Hotel) -> None:
    set_profile(root, "city_tax_per_adult_night", '"3.00"')
    hotel = reopen(hotel)
    key, _ = guests(hotel, adults=2)
    session = CheckOutSession(hotel)
    assert session.identify(key.room.number, key.pin).folio.balance == Decimal("12.00")
    done = session.confirm()
    assert done.folio.balance == Decimal("12.00")
    (tax,) = hotel.gateway.charges_of_booking("AB123")
    assert (tax.kind, tax.amount, tax.charged_by) == (
        ChargeKind.CITY_TAX,
        Decimal("12.00"),
        f"guest:{session.id}",
    )


def test_a_failed_write_leaves_the_session_as_it_was(
    hotel: Hotel, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kiosk.storage import StorageError

    key, _ = guests(hotel)
    session = CheckOutSession(hotel)
    session.identify(key.room.number, key.pin)

    def full_disk(*_: object, **__: object) -> None:
        raise StorageError("disk full")

    monkeypatch.setattr(hotel.grants, "revoke", full_disk)
    with pytest.raises(StorageError):
        session.confirm()
    assert session.step is CheckOutStep.CONFIRM
    assert hotel.gateway.booking("AB123").status is BookingStatus.CHECKED_IN
    monkeypatch.undo()
    assert isinstance(session.confirm(), CheckedOut)


def test_forget_drops_the_stay(hotel: Hotel) -> None:
    key, _ = guests(hotel)
    session = CheckOutSession(hotel)
    session.identify(key.room.number, key.pin)
    session.forget()
    assert (session.booking, session.folio, session.step) == (None, None, CheckOutStep.ENDED)
    assert session.confirm().failure is CheckOutFailure.WRONG_STEP
    assert hotel.gateway.booking("AB123").status is BookingStatus.CHECKED_IN
