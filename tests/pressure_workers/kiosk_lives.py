"""One kiosk of several whose lives the test ends with SIGKILL (test_pressure_four_kiosks).

Usage: kiosk_lives.py DATA_DIR KIOSK NOW_ISO CODES. Imports the kiosk core once, then
takes commands on stdin:
    life SEED  fork a life: it checks in the still reserved bookings of CODES
               (comma-separated) in an order drawn from SEED, through the guest flow
    kill       SIGKILL the life (dead or alive), reap it and answer "gone STATUS"
and ends at the end of stdin, killing a life still under way.
A life prints each action with one os.write, only after the call it reports returned:
    lookup SESSION CODE OUTCOME
    identity SESSION CODE OUTCOME
    approved SESSION CODE
    check_in SESSION CODE OUTCOME ROOM[,ROOM]|-
    reissued SESSION CODE ROOM
and "exhausted" once it has nothing left to do. Staff actions carry the session in their
reason, so that the test can find each one in the audit trail.
"""

from __future__ import annotations

import os
import random
import signal
import sys
import traceback
from datetime import datetime
from pathlib import Path

from kiosk.clock import FixedClock
from kiosk.datadir import DataDir
from kiosk.hotel import open_hotel
from kiosk.models import BookingStatus
from kiosk.session import CheckedIn, CheckInSession, Found, Verified
from kiosk.staff import Role, StaffMember

DESK = StaffMember("Night Desk", Role.MANAGER)


def say(*words: str) -> None:
    os.write(1, (" ".join(words) + "\n").encode())


def live(root: str, kiosk: str, now: str, codes: list[str], seed: int) -> None:
    rng = random.Random(seed)
    hotel = open_hotel(DataDir(Path(root)), clock=FixedClock(datetime.fromisoformat(now)), kiosk_id=kiosk)
    rng.shuffle(codes)
    for code in codes:
        if hotel.booking(code).status is not BookingStatus.RESERVED:
            continue  # checked in by an earlier life or by another kiosk
        session = CheckInSession(hotel)
        found = session.find(code)
        say("lookup", session.id, code, "ok" if isinstance(found, Found) else str(found.failure))
        if not isinstance(found, Found):
            continue
        session.confirm()
        if rng.random() < 0.3:
            session.approve_identity(DESK, f"passport seen for {session.id}")
            say("approved", session.id, code)
        else:
            verified = session.identify_by_hand("1985-02-03", "T047")
            say("identity", session.id, code, "ok" if isinstance(verified, Verified) else str(verified.failure))
        result = session.check_in()
        if not isinstance(result, CheckedIn):
            say("check_in", session.id, code, str(result.failure), "-")
            continue
        room = result.keys[0].room.number
        say("check_in", session.id, code, "ok", ",".join(key.room.number for key in result.keys))
        if rng.random() < 0.2:
            session.reissue_key(DESK, room, f"lost by the guest of {session.id}")
            say("reissued", session.id, code, room)
        session.finish()
    say("exhausted")


def end(child: int) -> int:
    # Reaped only here: until then a life that ended by itself stays a zombie, so this
    # SIGKILL can never reach another process that took over its pid.
    os.kill(child, signal.SIGKILL)
    return os.waitpid(child, 0)[1]


def serve(root: str, kiosk: str, now: str, codes: list[str]) -> None:
    child = None
    for line in sys.stdin:
        command, *args = line.split()
        if command == "life":
            child = os.fork()
            if child == 0:
                status = 1
                try:
                    live(root, kiosk, now, codes, int(args[0]))
                    status = 0
                except BaseException:
                    traceback.print_exc()
                finally:
                    os._exit(status)
        elif command == "kill":
            say("gone", str(end(child)))
            child = None
    if child is not None:
        end(child)


if __name__ == "__main__":
    serve(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4].split(","))
