"""Two kiosk processes on one data directory check guests in at the same moment
(issue 2, "Done when"): nothing is lost, no room is given twice, no PIN is shared."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from helpers import NOW, booking, furnish, reopen
from kiosk.hotel import Hotel
from kiosk.models import BookingStatus, Grant, Room

WORKER = Path(__file__).parent / "core_workers" / "check_in_worker.py"

pytestmark = pytest.mark.slow


def run_kiosks(hotel: Hotel, tmp_path: Path, shares: dict[str, list[str]]) -> dict[str, list[dict]]:
    go = tmp_path / "go"
    processes = {
        kiosk: subprocess.Popen(
            [
                sys.executable,
                str(WORKER),
                str(hotel.data_dir.root),
                kiosk,
                NOW.isoformat(),
                str(go),
                str(tmp_path / "steps"),
                ",".join(shares),
                ",".join(codes),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for kiosk, codes in shares.items()
    }
    try:
        for process in processes.values():
            assert process.stdout.readline().strip() == "ready", process.stderr.read()
        go.touch()
        outputs = {}
        for kiosk, process in processes.items():
            out, err = process.communicate(timeout=50)
            assert process.returncode == 0, err
            outputs[kiosk] = json.loads(out)["results"]
        return outputs
    finally:
        for process in processes.values():
            if process.poll() is None:
                process.kill()
                process.wait()


def check_invariants(hotel: Hotel) -> dict[str, list[str]]:
    """No room held by two bookings; no two active grants of a room share a PIN hash."""
    fresh = reopen(hotel)
    holders: dict[str, list[str]] = defaultdict(list)
    for stay in fresh.gateway.bookings(status=BookingStatus.CHECKED_IN):
        for number in stay.assigned_rooms:
            holders[number].append(stay.code)
    assert {room: codes for room, codes in holders.items() if len(codes) > 1} == {}
    grants = fresh.gateway.store.snapshot().table("grants").all()
    by_room: dict[str, list[str]] = defaultdict(list)
    for grant in grants:
        if Grant.from_doc(grant).is_active(fresh.now()):
            by_room[grant["room"]].append(grant["pin_hash"])
            assert grant["room"] in fresh.gateway.booking(grant["booking"]).assigned_rooms
    for room, hashes in by_room.items():
        assert len(hashes) == len(set(hashes)), f"room {room} has two grants with one PIN"
    return holders


def test_two_kiosks_check_in_different_bookings_at_once(hotel: Hotel, tmp_path: Path) -> None:
    codes = [f"CC{n:03d}" for n in range(40)]
    furnish(
        hotel,
        rooms=[
            Room(f"{floor}{n:02d}", floor, "double") for floor in range(1, 5) for n in range(1, 11)
        ],
        bookings=[booking(code, f"Guest{code}") for code in codes],
    )
    outputs = run_kiosks(hotel, tmp_path, {"east": codes[0::2], "west": codes[1::2]})

    reported = {result["code"]: result for results in outputs.values() for result in results}
    assert sorted(reported) == codes
    assert [r for r in reported.values() if "keys" not in r] == []

    holders = check_invariants(hotel)
    assert len(holders) == 40
    fresh = reopen(hotel)
    for code, result in reported.items():
        stored = fresh.gateway.booking(code)
        assert stored.status is BookingStatus.CHECKED_IN
        assert stored.assigned_rooms == [key["room"] for key in result["keys"]]
        (key,) = result["keys"]
        verdict = fresh.door.verify(key["room"], key["pin"])
        assert (verdict.opens, verdict.booking) == (True, code)
        assert fresh.door.verify(key["room"], key["token"]).opens
    assert len(fresh.gateway.store.snapshot().table("grants")) == 40

    events = fresh.audit_trail.events(limit=10**6)
    checked_in = Counter(e["booking"] for e in events if e["action"] == "checked_in")
    assert checked_in == Counter(dict.fromkeys(codes, 1))
    order = [e["kiosk"] for e in events if e["action"] == "checked_in"]
    assert Counter(order) == Counter({"east": 20, "west": 20})
    # The two really ran at the same time: their check-ins interleave (tests/lockstep.py).
    assert sum(a != b for a, b in itertools.pairwise(order)) >= 4, order
    assert Counter(e["booking"] for e in events if e["action"] == "key_issued") == checked_in


def test_two_kiosks_competing_for_too_few_rooms_never_share_one(
    hotel: Hotel, tmp_path: Path
) -> None:
    codes = [f"RR{n:03d}" for n in range(16)]
    furnish(
        hotel,
        rooms=[Room(f"1{n:02d}", 1, "double") for n in range(1, 9)],
        bookings=[booking(code, f"Guest{code}") for code in codes],
    )
    outputs = run_kiosks(hotel, tmp_path, {"east": codes[0::2], "west": codes[1::2]})

    results = [result for kiosk_results in outputs.values() for result in kiosk_results]
    got = [r for r in results if "keys" in r]
    assert len(got) == 8
    assert sorted(r.get("failure") for r in results if "keys" not in r) == ["no_room_ready"] * 8
    rooms = [key["room"] for r in got for key in r["keys"]]
    assert sorted(rooms) == [f"1{n:02d}" for n in range(1, 9)]
    holders = check_invariants(hotel)
    assert sorted(holders) == sorted(rooms)
