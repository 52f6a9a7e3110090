"""Increment a shared counter N times, inserting one own document per increment.

Usage: counter_worker.py DATA_FILE WORKER_ID N. Prints "ready", waits for a line on
stdin so all workers start together, then prints each inserted doc id after commit.
"""

import sys
from pathlib import Path

from kiosk.storage import Store

store = Store(Path(sys.argv[1]))
worker, count = sys.argv[2], int(sys.argv[3])
print("ready", flush=True)
sys.stdin.readline()
for i in range(count):
    # a lock-free read between transactions, as the kiosk screens do, loads other
    # processes' writes into this process's cache
    store.snapshot().table("docs").all()
    with store.transaction() as db:
        counter = db.table("counter")
        value = counter.get(doc_id=1)["value"]
        counter.update({"value": value + 1}, doc_ids=[1])
        doc_id = db.table("docs").insert({"worker": worker, "seq": i})
    print(doc_id, flush=True)
