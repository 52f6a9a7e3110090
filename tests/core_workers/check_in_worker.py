"""One kiosk process for tests/test_core_concurrency.py: checks in the given bookings on a
shared data directory, as a guest would, and prints what it got as JSON.

usage: check_in_worker.py DATA_DIR KIOSK_ID NOW_ISO GO_FILE STEPS_DIR KIOSK[,KIOSK...]
                          CODE[,CODE...]

It prints "ready" once its Hotel is open, waits until GO_FILE exists (so that every worker
starts at the same moment), then prints one JSON object: {"results": [...]}. The kiosks
keep in step with each other through STEPS_DIR (tests/lockstep.py).
"""

from __future__ import annotations

import json
import random
import sys
import time
from datetime import datetime
from pathlib import Path

from kiosk.clock import FixedClock
from kiosk.datadir import DataDir
from kiosk.hotel import Hotel, open_hotel
from kiosk.session import CheckedIn, CheckInSession, Found, Rejected, Verified

sys.path.insert(0, str(Path(__file__).parents[1]))
from lockstep import Lockstep


def guest_pause() -> None:
    # Guests take a moment between steps; without it one process can take the lock back
    # before the other one's lock poll notices it was free, and run alone.
    time.sleep(random.uniform(0, 0.03))


def check_in(hotel: Hotel, code: str) -> dict:
    session = CheckInSession(hotel)
    guest_pause()
    found = session.find(code, hotel.gateway.booking(code).last_name)
    if not isinstance(found, Found):
        return {"code": code, "error": f"find: {found}"}
    session.confirm()
    guest_pause()
    verified = session.identify_by_hand("1985-02-03", "1234")  # helpers.GUEST_BIRTH
    if not isinstance(verified, Verified):
        return {"code": code, "error": f"identify: {verified}"}
    guest_pause()
    outcome = session.check_in()
    if isinstance(outcome, CheckedIn):
        return {
            "code": code,
            "keys": [
                {"room": key.room.number, "pin": key.pin, "token": key.token}
                for key in outcome.keys
            ],
        }
    assert isinstance(outcome, Rejected)
    return {"code": code, "failure": str(outcome.failure)}


def main() -> None:
    root, kiosk_id, now, go_file, steps, kiosks, codes = sys.argv[1:8]
    lockstep = Lockstep(Path(steps), kiosk_id, kiosks.split(","))
    clock = FixedClock(datetime.fromisoformat(now))
    hotel = open_hotel(DataDir(Path(root)), clock=clock, kiosk_id=kiosk_id)
    print("ready", flush=True)
    deadline = time.monotonic() + 30
    while not Path(go_file).exists():
        if time.monotonic() > deadline:
            sys.exit("never told to go")
        time.sleep(0.002)

    results = []
    for index, code in enumerate(codes.split(",")):
        lockstep.step(index)
        results.append(check_in(hotel, code))
        lockstep.done(index)
    lockstep.finished()
    print(json.dumps({"results": results}), flush=True)


if __name__ == "__main__":
    main()
