"""The audit trail (issue 2, item 8): who, which kiosk, what, when; never a secret; old
events rotate out of the main file and are still read back exactly once."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import orjson
import pytest

from helpers import AGENT, NOW, at_identify, reopen, stored, zone
from kiosk import audit
from kiosk.audit import SYSTEM, Actor
from kiosk.clock import FixedClock
from kiosk.hotel import Hotel
from kiosk.session import CheckInSession


def test_events_carry_kiosk_actor_and_time(demo_hotel: Hotel, clock: FixedClock) -> None:
    clock.advance(minutes=5)
    session = at_identify(demo_hotel, "LH4821")
    session.identify_by_zone(zone(demo_hotel, "LH4821"))
    clock.advance(seconds=42)
    (key,) = session.check_in().keys
    demo_hotel.door.verify(key.room.number, key.pin)
    seeded, *_ = demo_hotel.audit_trail.events(limit=1000)
    assert (seeded["action"], seeded["actor"], seeded["kiosk"], seeded["at"]) == (
        "demo_seeded",
        "system",
        "k1",
        NOW.isoformat(),
    )
    mine = demo_hotel.audit_trail.events(booking="LH4821")
    assert [e["action"] for e in mine] == [
        "lookup",
        "identity",
        "rooms_assigned",
        "key_issued",
        "checked_in",
        "key_verified",
    ]
    assert {e["kiosk"] for e in mine} == {"k1"}
    assert [e["actor"] for e in mine] == [f"guest:{session.id}"] * 5 + [f"door:{key.room.number}"]
    later = (NOW + timedelta(minutes=5, seconds=42)).isoformat()
    assert [e["at"] for e in mine] == [(NOW + timedelta(minutes=5)).isoformat()] * 2 + [later] * 4
    assert all(e["outcome"] == "ok" for e in mine[:-1]) and mine[-1]["outcome"] == "open"


def test_each_kiosk_records_its_own_id(demo_hotel: Hotel) -> None:
    second = reopen(demo_hotel, kiosk_id="lobby-east")
    CheckInSession(demo_hotel).find("LH4821", "Eriksson")
    CheckInSession(second).find("LH6144", "Müller")
    lookups = {
        e["booking"]: e["kiosk"]
        for e in demo_hotel.audit_trail.events(limit=1000)
        if e["action"] == "lookup"
    }
    assert lookups["LH4821"] == "k1" and lookups["LH6144"] == "lobby-east"


@pytest.mark.parametrize(
    "key", ["pin", "code", "token", "mrz", "zone", "document_number", "secret"]
)
def test_record_refuses_secret_detail_keys(hotel: Hotel, key: str) -> None:
    before = stored(hotel.data_dir.database)
    with pytest.raises(ValueError, match=key), hotel.transaction() as db:
        db.audit(SYSTEM, "room_status", room="101", reason="fine")
        db.add_audit_event(
            audit.event(at=hotel.now(), kiosk="k1", actor=SYSTEM, action="oops", **{key: "123456"})
        )
    # Nothing of the failed write reached the file, not even the harmless event before it.
    assert stored(hotel.data_dir.database) == before
    assert reopen(hotel).audit_trail.events() == []


def test_filters_by_booking_and_actor(demo_hotel: Hotel) -> None:
    session = at_identify(demo_hotel, "LH4821")
    session.approve_identity(AGENT, "passport at the desk")
    by_agent = demo_hotel.audit_trail.events(actor="arne")
    assert [(e["action"], e["booking"]) for e in by_agent] == [("identity_approved", "LH4821")]
    assert all(e["booking"] == "LH4821" for e in demo_hotel.audit_trail.events(booking="lh 4821"))
    assert len(demo_hotel.audit_trail.events(limit=2)) == 2


def flood(
    hotel: Hotel, clock: FixedClock, count: int, start: int = 0, per_transaction: int = 250
) -> None:
    done = 0
    while done < count:
        with hotel.transaction() as db:
            for n in range(start + done, start + min(count, done + per_transaction)):
                clock.advance(seconds=1)
                db.audit(Actor("staff", "Night Audit"), "room_status", room="101", n=n)
        done = min(count, done + per_transaction)


def numbers(hotel: Hotel) -> list[int]:
    return [
        e["detail"]["n"]
        for e in reopen(hotel).audit_trail.events(limit=10**6)
        if "n" in e["detail"]
    ]


def test_rotation_moves_old_events_out_and_reads_each_once(hotel: Hotel, clock: FixedClock) -> None:
    total = audit.ROTATE_ABOVE * 3
    flood(hotel, clock, total)
    in_main = len(hotel.gateway.store.snapshot().table("audit"))
    assert audit.KEEP_IN_MAIN_FILE <= in_main <= audit.ROTATE_ABOVE
    archived = hotel.data_dir.audit_log.read_bytes().splitlines()
    assert len(archived) + in_main == total
    # Every event once, oldest first, from the archive and the main file together.
    assert numbers(hotel) == list(range(total))
    ids = [e["id"] for e in reopen(hotel).audit_trail.events(limit=10**6)]
    assert len(ids) == len(set(ids)) == total
    # The newest are still readable with a small limit.
    assert [e["detail"]["n"] for e in hotel.audit_trail.events(limit=3)] == [
        total - 3,
        total - 2,
        total - 1,
    ]


def test_an_event_in_both_places_after_a_crash_is_read_once(
    hotel: Hotel, clock: FixedClock
) -> None:
    flood(hotel, clock, audit.ROTATE_ABOVE + 10)
    # A writer killed after appending to the archive, before the main file dropped the
    # events, leaves them in both; a torn last line is what a kill mid-append leaves.
    still_in_main = [dict(event) for event in hotel.gateway.store.snapshot().table("audit").all()]
    with open(hotel.data_dir.audit_log, "ab") as log:
        log.write(b"".join(orjson.dumps(event) + b"\n" for event in still_in_main[:50]))
        log.write(b'{"id": "torn", "at": "2026-')
    assert numbers(hotel) == list(range(audit.ROTATE_ABOVE + 10))


def test_rotation_keeps_the_main_file_small(hotel: Hotel, clock: FixedClock) -> None:
    flood(hotel, clock, audit.ROTATE_ABOVE)
    size_before = hotel.data_dir.database.stat().st_size
    flood(hotel, clock, audit.ROTATE_ABOVE * 3, start=audit.ROTATE_ABOVE)
    assert hotel.data_dir.database.stat().st_size <= size_before * 1.1
    counts = Counter(numbers(hotel))
    assert len(counts) == audit.ROTATE_ABOVE * 4 and set(counts.values()) == {1}
