"""Another kiosk on the same data directory: a guest there presses Help.

Usage: file_help_request.py DATA_DIR KIOSK_ID BOOKING NOW   (NOW: ISO time of that kiosk's clock)
Prints the new request's id."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

from kiosk.audit import Actor
from kiosk.clock import FixedClock
from kiosk.datadir import DataDir
from kiosk.hotel import open_hotel

data_dir, kiosk_id, booking, now = sys.argv[1:5]
hotel = open_hotel(
    DataDir(Path(data_dir)), clock=FixedClock(datetime.fromisoformat(now)), kiosk_id=kiosk_id
)
print(hotel.help.request(Actor("guest", "other-kiosk"), "guest", booking))
