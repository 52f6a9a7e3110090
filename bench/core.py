"""Core measurements. Houses are built in a child process and measured in a fresh one,
as a kiosk that starts on them would be (building leaves a fragmented heap behind that
slows every later serialisation by half).

    python bench/core.py scale N SAMPLES       kiosk and sqlite3 with N bookings on file
    python bench/core.py budget OPEN DEPARTED SAMPLES
                                               the write budget of ARCHITECTURE.md, departed archived
    python bench/core.py lookups SAMPLES      a failed lookup on the demo house, by what the
                                               code belongs to (kiosk/lookup.py: all the same)
    python bench/core.py build DIR OPEN [DEPARTED [sqlite|archive]]
                                               (the child) build a house, and its sqlite3
                                               twin or archive its departed stays

Each prints one JSON object: lists of seconds per sample (the caller takes medians).
"""

from __future__ import annotations

import json
import os
import random
import secrets
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import orjson

from bench import dataset
from kiosk import demo, keys
from kiosk.audit import SYSTEM
from kiosk.datadir import DataDir
from kiosk.hotel import Hotel, open_hotel
from kiosk.models import Booking
from kiosk.session import CheckedIn, CheckInSession, Failure, Verified
from kiosk.storage import journal_path

clock = time.perf_counter


def timed(action: Callable[[], object]) -> float:
    start = clock()
    action()
    return clock() - start


def rss_mb() -> float:
    """Resident memory now (Linux); elsewhere the peak, which is what we can get."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024 if sys.platform == "darwin" else 1024)


# ---------------------------------------------------------------- the kiosk side


def ready_sessions(hotel: Hotel, codes: list[str]) -> list[CheckInSession]:
    """Sessions that found, confirmed and identified their booking: check_in() is next."""
    sessions = []
    for code in codes:
        session = CheckInSession(hotel)
        session.find(code, hotel.gateway.booking(code).last_name)
        session.confirm()
        assert isinstance(session.identify_by_hand("1985-02-03", "T047"), Verified)
        sessions.append(session)
    return sessions


def kiosk_ops(house: dataset.House, samples: int, rng: random.Random) -> dict[str, list[float]]:
    hotel = dataset.open_house(house)
    out: dict[str, list[float]] = {"lookup": [], "check_in": [], "verify": [], "reload": []}

    # Check-ins first, so that the lookups below run on indexes kept up to date by writes.
    for session in ready_sessions(hotel, house.arrival_codes[:samples]):
        start = clock()
        result = session.check_in()
        out["check_in"].append(clock() - start)
        assert isinstance(result, CheckedIn), result

    for _code, room, pin in rng.sample(house.checked_in, samples):
        start = clock()
        verdict = hotel.door.verify(room, pin)
        out["verify"].append(clock() - start)
        assert verdict.opens, verdict

    codes = [dataset.code_of(rng.randint(1, house.open_bookings)) for _ in range(max(200, samples))]
    for code in codes:
        start = clock()
        found = hotel.gateway.booking(code)
        out["lookup"].append(clock() - start)
        assert found is not None

    # Another kiosk writes; this one's next lookup reads what it appended to the journal.
    other = dataset.open_house(house, kiosk_id="other")
    for code in codes[: max(3, samples // 3)]:
        other.help.request(SYSTEM, "bench")
        out["reload"].append(timed(lambda code=code: hotel.gateway.booking(code)))
    # The journal all of the above left, then its compaction into a new snapshot.
    journal = journal_path(house.root / "kiosk.json")
    out["journal_bytes"] = [journal.stat().st_size if journal.exists() else 0]
    out["compact"] = [timed(hotel.gateway.store.compact)]
    return out


def rss(side: str, root: str, n: str) -> dict:
    """(The child) the resident memory of a process that opened the house (`kiosk`) or its
    sqlite3 twin (`sqlite`) and looked one booking up."""
    code = dataset.code_of(int(n))
    if side == "kiosk":
        hotel = dataset.open_house(dataset.describe(Path(root), int(n)))
        assert hotel.gateway.booking(code) is not None
    else:
        db = dataset.connect(Path(root).parent / "reference.sqlite3")
        assert sqlite_lookup(db, code) is not None
    return {"rss_mb": rss_mb()}


# ---------------------------------------------------------------- the sqlite3 reference


def sqlite_lookup(db: sqlite3.Connection, code: str) -> Booking | None:
    row = db.execute("SELECT doc FROM bookings WHERE code = ?", (code,)).fetchone()
    return Booking.from_doc(orjson.loads(row[0])) if row else None


def sqlite_audit(
    db: sqlite3.Connection,
    now: str,
    actor: str,
    action: str,
    booking: str | None,
    room: str | None,
    **detail: object,
) -> None:
    db.execute(
        "INSERT INTO audit (at, kiosk, actor, action, outcome, booking, room, detail) "
        "VALUES (?, 'bench', ?, ?, 'ok', ?, ?, ?)",
        (now, actor, action, booking, room, orjson.dumps(detail)),
    )


def sqlite_check_in(db: sqlite3.Connection, secret: bytes, code: str) -> str:
    """The same logical write as CheckInSession.check_in: pick a free ready room of the type,
    a PIN unique among the room's active grants, insert the grant, update the booking, audit."""
    now = dataset.NOW.isoformat()
    db.execute("BEGIN IMMEDIATE")
    try:
        doc = orjson.loads(
            db.execute("SELECT doc FROM bookings WHERE code = ?", (code,)).fetchone()[0]
        )
        assert doc["status"] == "reserved"
        booking = Booking.from_doc(doc)
        room = db.execute(
            "SELECT number FROM rooms WHERE type = ? AND status IN ('clean', 'inspected') "
            "AND number NOT IN (SELECT room FROM booking_rooms) ORDER BY floor, number LIMIT 1",
            (booking.room_type,),
        ).fetchone()[0]
        active = {
            row[0]
            for row in db.execute(
                "SELECT pin_hash FROM grants WHERE room = ? AND revoked_at IS NULL AND valid_until > ?",
                (room, now),
            )
        }
        while True:
            pin = keys.draw_pin(6)
            hashed = keys.pin_hash(secret, room, pin)
            if hashed not in active:
                break
        grant_id = keys.new_grant_id()
        until = f"{booking.departure.isoformat()}T11:00:00+01:00"
        grant = {
            "id": grant_id,
            "booking": code,
            "room": room,
            "pin_hash": hashed,
            "valid_from": now,
            "valid_until": until,
            "issued_at": now,
            "issued_by": "guest:bench",
            "revoked_at": None,
        }
        sqlite_audit(db, now, "guest:bench", "rooms_assigned", code, None, rooms=[room])
        db.execute(
            "INSERT INTO grants VALUES (?, ?, ?, ?, ?, ?, NULL, ?)",
            (grant_id, code, room, hashed, now, until, orjson.dumps(grant)),
        )
        sqlite_audit(db, now, "guest:bench", "key_issued", code, room, grant=grant_id)
        doc.update(status="checked_in", assigned_rooms=[room], checked_in_at=now)
        db.execute(
            "UPDATE bookings SET status = 'checked_in', doc = ? WHERE code = ?",
            (orjson.dumps(doc), code),
        )
        db.execute("INSERT INTO booking_rooms VALUES (?, ?)", (code, room))
        sqlite_audit(db, now, "guest:bench", "checked_in", code, None, rooms=[room])
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    return pin


def sqlite_verify(db: sqlite3.Connection, secret: bytes, room: str, pin: str) -> bool:
    now = dataset.NOW.isoformat()
    key = f"door:{room}"
    db.execute("BEGIN IMMEDIATE")
    try:
        db.execute("SELECT failures, locked_until FROM limits WHERE key = ?", (key,)).fetchone()
        hashed = keys.pin_hash(secret, room, pin)
        opens = False
        for pin_hash, valid_from, valid_until, revoked in db.execute(
            "SELECT pin_hash, valid_from, valid_until, revoked_at FROM grants WHERE room = ?",
            (room,),
        ):
            if (
                secrets.compare_digest(pin_hash, hashed)
                and not revoked
                and valid_from <= now < valid_until
            ):
                opens = True
                break
        if opens:
            db.execute("DELETE FROM limits WHERE key = ?", (key,))
        else:
            db.execute(
                "INSERT INTO limits VALUES (?, 1, NULL) ON CONFLICT(key) DO UPDATE SET failures = failures + 1",
                (key,),
            )
        sqlite_audit(db, now, f"door:{room}", "key_verified", None, room, method="pin")
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    return opens


def sqlite_ops(
    path: Path, house: dataset.House, secret: bytes, samples: int, rng: random.Random
) -> dict[str, list[float]]:
    db = dataset.connect(path)
    out: dict[str, list[float]] = {"lookup": [], "check_in": [], "verify": []}
    for code in house.arrival_codes[:samples]:
        out["check_in"].append(timed(lambda code=code: sqlite_check_in(db, secret, code)))
    for _code, room, pin in rng.sample(house.checked_in, samples):
        start = clock()
        opens = sqlite_verify(db, secret, room, pin)
        out["verify"].append(clock() - start)
        assert opens
    for _ in range(max(200, samples)):
        code = dataset.code_of(rng.randint(1, house.open_bookings))
        start = clock()
        found = sqlite_lookup(db, code)
        out["lookup"].append(clock() - start)
        assert found is not None
    db.close()
    return out


# ---------------------------------------------------------------- commands


def child_json(*args: object) -> dict:
    """Run a command of this script in a fresh interpreter; what it printed."""
    import subprocess

    done = subprocess.run(
        [sys.executable, __file__, *map(str, args)], check=True, capture_output=True, text=True
    )
    return json.loads(done.stdout)


def build_in_child(root: Path, open_bookings: int, departed: int = 0, extra: str = "") -> dict:
    return child_json("build", root, open_bookings, departed, extra)


def scale(n: int, samples: int) -> dict:
    rng = random.Random(n)
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-") as tmp:
        root = Path(tmp) / "data"
        build_in_child(root, n, 0, "sqlite")
        house = dataset.describe(root, n)
        kiosk = kiosk_ops(house, samples, rng)
        secret = dataset.open_house(house).secret
        reference = sqlite_ops(
            root.parent / "reference.sqlite3", house, secret, samples, random.Random(n)
        )
        size = (house.root / "kiosk.json").stat().st_size
        memory = {side: child_json("rss", side, root, n)["rss_mb"] for side in ("kiosk", "sqlite")}
    return {"n": n, "kiosk": kiosk, "sqlite": reference, "file_mb": size / 1e6, "rss_mb": memory}


def budget(open_bookings: int, departed: int, samples: int) -> dict:
    """ARCHITECTURE.md, Performance budgets: a durable check-in write with 10,000 open bookings and 100,000 departed.
    The departed stays start in kiosk.json (a house from before the archive existed) and are
    moved out by Hotel.archive.departed(), as `kiosk run` does at start; then a kiosk starts
    on the house and checks guests in."""
    rng = random.Random(1)
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-") as tmp:
        root = Path(tmp) / "data"
        built = build_in_child(root, open_bookings, departed, "archive")
        house = dataset.describe(root, open_bookings, departed)
        out = kiosk_ops(house, samples, rng)
        hotel = dataset.open_house(house)
        assert (
            hotel.gateway.booking(dataset.code_of(open_bookings + 1)) is None
        )  # a departed stay: archived
        history = (root / "history.jsonl").stat().st_size
        after = (root / "kiosk.json").stat().st_size
    return {
        "open": open_bookings,
        "departed": departed,
        "kiosk": out,
        "archive_s": built["archive_s"],
        "file_mb_before": built["file_mb_before"],
        "file_mb": after / 1e6,
        "history_mb": history / 1e6,
    }


# What a wrong last name is typed with, by what the code belongs to in the demo house.
FAILED_LOOKUPS = {
    "made-up": "ZZ9999",
    "cancelled": "LH8356",
    "checked-in": demo.ALREADY_CHECKED_IN,
    "wrong-day": "LH8533",
}


def lookups(samples: int) -> dict:
    """A lookup with a wrong last name costs the same whatever its code belongs to: an
    attacker must not tell a real code from a made-up one by the time the answer takes. The
    kinds take turns, in a new order each round; the kiosk's count is cleared between rounds
    (outside the timing) so that none of them meets the wait past the limit."""
    rng = random.Random(7)
    out: dict[str, list[float]] = {kind: [] for kind in FAILED_LOOKUPS}
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-") as tmp:
        hotel = open_hotel(DataDir(Path(tmp) / "demo"), kiosk_id="bench")
        demo.seed(hotel)
        for _ in range(samples):
            with hotel.gateway.store.transaction() as db:
                db.table("limits").truncate()
            kinds = list(FAILED_LOOKUPS)
            rng.shuffle(kinds)
            for kind in kinds:
                session = CheckInSession(hotel)
                start = clock()
                outcome = session.find(FAILED_LOOKUPS[kind], "Meier")
                out[kind].append(clock() - start)
                assert outcome.failure is Failure.NOT_FOUND, (kind, outcome)
    return out


def build(root: str, open_bookings: str, departed: str = "0", extra: str = "") -> dict:
    house = dataset.build(Path(root), int(open_bookings), int(departed))
    result: dict = {"file_mb_before": (house.root / "kiosk.json").stat().st_size / 1e6}
    if extra == "sqlite":
        secret = dataset.open_house(house).secret
        dataset.build_sqlite(
            house.root.parent / "reference.sqlite3", secret, house.open_bookings, house.departed
        ).close()
    elif extra == "archive":
        hotel = dataset.open_house(house)
        result["archive_s"] = timed(hotel.archive.departed)
    return result


def main(argv: list[str]) -> None:
    command, *args = argv
    if command == "build":
        result = build(*args)
    elif command == "rss":
        result = rss(*args)
    else:
        result = {"scale": scale, "budget": budget, "lookups": lookups}[command](*map(int, args))
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main(sys.argv[1:])
