"""Check bookings in through the real session flow until killed.

Each line of LOG is written (with one os.write) only after the call it reports returned:
    checked_in CODE ROOM[,ROOM]
    reissued CODE ROOM
A kill can land anywhere: in the lookup, the identity step, the check-in write, a staff
re-issue, or an audit rotation (or, after CHECK_INS_PER_LIFE check-ins, in the wait for
it). With STALL_AT = n > 0 the loop stops for good inside its n-th write, just before it
lands in the journal or a new snapshot replaces the old one, after writing
    stalled SEED
so that the test can kill it there for certain.
"""

from __future__ import annotations

import itertools
import os
import random
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from kiosk.clock import FixedClock
from kiosk.datadir import DataDir
from kiosk.hotel import open_hotel
from kiosk.models import BookingStatus
from kiosk.session import CheckedIn, CheckInSession, Found, Verified
from kiosk.staff import Role, StaffMember

DESK = StaffMember("Night Desk", Role.MANAGER)
# A life checks in at most this many guests, then waits for its kill: how many a life gets
# through before the kill depends on the machine, and the house must last 200 kills.
CHECK_INS_PER_LIFE = 3


def stall_inside_write(nth: int, say: Callable[[], object]) -> None:
    """The store's nth write (a fork child's own os module) never lands: the kill comes just
    before its record is appended to the journal (the change counter already odd), or
    before a new snapshot, written whole and fsynced, replaces the old one."""
    real_replace, real_pwrite, calls = os.replace, os.pwrite, itertools.count(1)

    def stall_at_the_nth() -> None:
        if next(calls) == nth:
            say()
            time.sleep(3600)

    def replace(*args: object, **kwargs: object) -> None:
        stall_at_the_nth()
        real_replace(*args, **kwargs)  # type: ignore[arg-type]

    def pwrite(fd: int, data: bytes, offset: int) -> int:
        if os.readlink(f"/proc/self/fd/{fd}").endswith(".journal"):
            stall_at_the_nth()
        return real_pwrite(fd, data, offset)

    os.replace = replace  # type: ignore[assignment]
    os.pwrite = pwrite  # type: ignore[assignment]


def run(data_dir: str, now: str, log: str, seed: int, stall_at: int = 0) -> None:
    rng = random.Random(seed)
    hotel = open_hotel(
        DataDir(Path(data_dir)), clock=FixedClock(datetime.fromisoformat(now)), kiosk_id="crash"
    )
    out = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    if stall_at:
        stall_inside_write(stall_at, lambda: os.write(out, f"stalled {seed}\n".encode()))
    codes = [b.code for b in hotel.gateway.bookings(status="reserved")]
    done = 0
    for number, code in enumerate(codes):
        if done == CHECK_INS_PER_LIFE:
            time.sleep(3600)
        if hotel.gateway.booking(code).status is not BookingStatus.RESERVED:
            continue  # checked in by an earlier life (whose line may never have been written)
        session = CheckInSession(hotel)
        assert isinstance(session.find(code, hotel.gateway.booking(code).last_name), Found)
        session.confirm()
        if number % 2:
            session.approve_identity(DESK, "passport seen at the desk")
        else:
            assert isinstance(
                session.identify_by_hand("1985-02-03", f"{number % 10000:04d}"), Verified
            )
        result = session.check_in()
        if not isinstance(result, CheckedIn):
            os.write(out, f"no_room {code}\n".encode())
            return
        rooms = ",".join(key.room.number for key in result.keys)
        os.write(out, f"checked_in {code} {rooms}\n".encode())
        done += 1
        if rng.random() < 0.2:
            room = result.keys[0].room.number
            session.reissue_key(DESK, room, "guest lost the code")
            os.write(out, f"reissued {code} {room}\n".encode())
        session.put_away_keys()
    os.write(out, b"exhausted\n")
