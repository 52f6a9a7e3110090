"""Increment a shared counter N times on a filesystem whose stat cannot tell writes apart.

Usage: coarse_clock_counter.py DATA_FILE N. Every replace of the data file gets its old
mtime back (one-second timestamps make two writes within a second look alike), the value
is stored at a fixed width (same size), and the stat fingerprint ignores the inode (ext4
hands a freed inode to the next file). Prints "ready", waits for a line on stdin so that
both workers start together, and prints "done" at the end.
"""

import os
import sys
from pathlib import Path

from kiosk import storage
from kiosk.storage import Store

path, count = Path(sys.argv[1]), int(sys.argv[2])
frozen_mtime = os.stat(path).st_mtime_ns
real_replace = os.replace


def replace_keeping_the_mtime(source, target, **kwargs):
    real_replace(source, target, **kwargs)
    if Path(target) == path:
        os.utime(path, ns=(frozen_mtime, frozen_mtime))


os.replace = replace_keeping_the_mtime
storage._fingerprint = lambda st: (st.st_size, st.st_mtime_ns)
store = Store(path)
print("ready", flush=True)
sys.stdin.readline()
for _ in range(count):
    store.snapshot().table("counter").get(doc_id=1)  # a lock-free read, as the screens do
    with store.transaction() as db:
        counter = db.table("counter")
        value = int(counter.get(doc_id=1)["value"])
        counter.update({"value": f"{value + 1:08d}"}, doc_ids=[1])
print("done", flush=True)
