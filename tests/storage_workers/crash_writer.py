"""Insert numbered records forever; print each number only after its transaction returned.

Usage: crash_writer.py DATA_FILE FIRST_NUMBER. The parent SIGKILLs us at a random moment.
"""

import sys
from pathlib import Path

from kiosk.storage import Store

store = Store(Path(sys.argv[1]))
n = int(sys.argv[2])
print("ready", flush=True)
while True:
    with store.transaction() as db:
        # padding makes each write long enough for kills to land inside it
        db.table("records").insert({"n": n, "pad": "x" * 300})
    print(n, flush=True)
    n += 1
