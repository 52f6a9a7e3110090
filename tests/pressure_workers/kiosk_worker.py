"""One of several kiosks on one data directory (test_pressure: several kiosks).

Usage: kiosk_worker.py DATA_DIR KIOSK NOW_ISO GO_FILE DONE_DIR KIOSKS CODES

Files a help request, says "ready", waits for GO_FILE, then checks in each booking of
CODES (comma-separated) through the guest flow, in step with the other kiosks
(tests/lockstep.py). The kiosk named k0 then acts as staff: it
takes the help request of the last kiosk and puts a room out of order. Every kiosk then
waits until all KIOSKS have finished, reads help requests and rooms through the Hotel it
has used all along (so it must notice the other processes' writes), and prints JSON.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import datetime
from pathlib import Path

from kiosk import lobby
from kiosk.audit import Actor
from kiosk.clock import FixedClock
from kiosk.datadir import DataDir
from kiosk.hotel import open_hotel
from kiosk.models import HelpStatus, RoomStatus
from kiosk.session import CheckedIn, CheckInSession, Found, Rejected, Verified
from kiosk.staff import Role, StaffMember

sys.path.insert(0, str(Path(__file__).parents[1]))
from lockstep import Lockstep

root, kiosk, now, go, done_dir, kiosks, codes = sys.argv[1:8]
hotel = open_hotel(
    DataDir(Path(root)), clock=FixedClock(datetime.fromisoformat(now)), kiosk_id=kiosk
)
my_request = hotel.help.request(Actor("guest", f"lobby-{kiosk}"), f"help from {kiosk}")
print("ready", flush=True)
while not Path(go).exists():
    time.sleep(0.002)

lockstep = Lockstep(Path(done_dir).parent / "steps", kiosk, [f"k{n}" for n in range(int(kiosks))])
results = []
for index, code in enumerate(codes.split(",")):
    lockstep.step(index)
    session = CheckInSession(hotel)
    entry: dict = {"code": code, "session": session.id}
    found = session.find(code, hotel.gateway.booking(code).last_name)
    entry["find"] = "found" if isinstance(found, Found) else str(found.failure)
    if isinstance(found, Found):
        session.confirm()
        verified = session.identify_by_hand("1985-02-03", "T047")
        entry["identity"] = "ok" if isinstance(verified, Verified) else str(verified.failure)
        if isinstance(verified, Verified):
            outcome = session.check_in()
            if isinstance(outcome, CheckedIn):
                entry["check_in"] = "ok"
                entry["rooms"] = [key.room.number for key in outcome.keys]
            else:
                assert isinstance(outcome, Rejected)
                entry["check_in"] = str(outcome.failure)
    results.append(entry)
    lockstep.done(index)
lockstep.finished()

staff_did = {}
if kiosk == "k0":
    desk = StaffMember("Desk Dana", Role.AGENT)
    wanted = f"help from k{int(kiosks) - 1}"
    (request,) = [r for r in hotel.help.requests() if r.reason == wanted]
    hotel.help.update(desk, request.id, HelpStatus.TAKEN)
    room = hotel.gateway.rooms()[0].number
    lobby.set_room_status(
        hotel, Actor("staff", desk.name), room, RoomStatus.OUT_OF_ORDER, "leaking tap"
    )
    staff_did = {"request": request.id, "room": room}

Path(done_dir, kiosk).touch()
deadline = time.monotonic() + 60
while len(list(Path(done_dir).iterdir())) < int(kiosks) and time.monotonic() < deadline:
    time.sleep(0.005)

seen_requests = {r.reason: [r.status, r.taken_by] for r in hotel.help.requests(open_only=False)}
out_of_order = sorted(
    r.number for r in hotel.gateway.rooms() if r.status is RoomStatus.OUT_OF_ORDER
)
json.dump(
    {
        "kiosk": kiosk,
        "my_request": my_request,
        "results": results,
        "staff_did": staff_did,
        "seen_requests": seen_requests,
        "out_of_order": out_of_order,
    },
    sys.stdout,
)
