"""Insert numbered records until killed; print each number only after its transaction returned.

Usage: crash_writer.py DATA_FILE. Serves lives (see tests/pressure_workers/lives.py):
the life of seed N numbers its records from N * 100,000. The test SIGKILLs each life at
a random moment after its first number.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1] / "pressure_workers"))

from lives import say, serve

from kiosk.storage import Store

path = Path(sys.argv[1])


def live(seed: int) -> None:
    store = Store(path)
    n = seed * 100_000
    while True:
        with store.transaction() as db:
            # padding makes each write long enough for kills to land inside it
            db.table("records").insert({"n": n, "pad": "x" * 300})
        say(n)
        n += 1


serve(live)
