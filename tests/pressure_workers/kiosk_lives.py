"""One kiosk of several whose lives the test ends with SIGKILL (test_pressure_four_kiosks).

Usage: kiosk_lives.py DATA_DIR KIOSK NOW_ISO CODES. Imports the kiosk core once, then
serves lives (see lives.py): each checks in the still reserved bookings of CODES
(comma-separated) in an order drawn from its seed, through the guest flow, and prints
each action, only after the call it reports returned:
    lookup SESSION CODE OUTCOME
    identity SESSION CODE OUTCOME
    approved SESSION CODE
    check_in SESSION CODE OUTCOME ROOM[,ROOM]|-
    reissued SESSION CODE ROOM
"resting" after CHECK_INS_PER_LIFE check-ins, then waits for its kill, and "exhausted" once
it has nothing left to do. Staff actions carry the session in their
reason, so that the test can find each one in the audit trail.
"""

from __future__ import annotations

import random
import sys
import time
from datetime import datetime
from pathlib import Path

from lives import say, serve

from kiosk.clock import FixedClock
from kiosk.datadir import DataDir
from kiosk.hotel import open_hotel
from kiosk.models import BookingStatus
from kiosk.session import CheckedIn, CheckInSession, Found, Verified
from kiosk.staff import Role, StaffMember

DESK = StaffMember("Night Desk", Role.MANAGER)
# How many guests a life checks in before the kill lands depends on the machine's speed; the
# house must last the test's kills however fast it is.
CHECK_INS_PER_LIFE = 2


def live(root: str, kiosk: str, now: str, codes: list[str], seed: int) -> None:
    rng = random.Random(seed)
    hotel = open_hotel(
        DataDir(Path(root)), clock=FixedClock(datetime.fromisoformat(now)), kiosk_id=kiosk
    )
    rng.shuffle(codes)
    done = 0
    for code in codes:
        if done == CHECK_INS_PER_LIFE:
            say("resting")
            time.sleep(3600)
        if hotel.gateway.booking(code).status is not BookingStatus.RESERVED:
            continue  # checked in by an earlier life or by another kiosk
        session = CheckInSession(hotel)
        found = session.find(code, hotel.gateway.booking(code).last_name)
        say("lookup", session.id, code, "ok" if isinstance(found, Found) else str(found.failure))
        if not isinstance(found, Found):
            continue
        session.confirm()
        if rng.random() < 0.3:
            session.approve_identity(DESK, f"passport seen for {session.id}")
            say("approved", session.id, code)
        else:
            verified = session.identify_by_hand("1985-02-03", "T047")
            say(
                "identity",
                session.id,
                code,
                "ok" if isinstance(verified, Verified) else str(verified.failure),
            )
        result = session.check_in()
        if not isinstance(result, CheckedIn):
            say("check_in", session.id, code, str(result.failure), "-")
            continue
        room = result.keys[0].room.number
        say("check_in", session.id, code, "ok", ",".join(key.room.number for key in result.keys))
        done += 1
        if rng.random() < 0.2:
            session.reissue_key(DESK, room, f"lost by the guest of {session.id}")
            say("reissued", session.id, code, room)
        session.put_away_keys()
    say("exhausted")


if __name__ == "__main__":
    root, kiosk, now, codes = sys.argv[1:5]
    serve(lambda seed: live(root, kiosk, now, codes.split(","), seed))
