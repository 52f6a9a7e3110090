"""A fork server for the crash test: imports the kiosk once, then forks one check-in loop
per request so that hundreds of SIGKILLs cost milliseconds each, not a Python start each.

Usage: forker.py DATA_DIR NOW_ISO. Reads "go LOG SEED STALL_AT" on stdin, forks a child that runs
check_in_loop.run(...) writing to LOG and answers "pid PID"; then reads "reap", waits for
the child (the test kills it meanwhile) and answers "gone STATUS". "quit" ends it.
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import check_in_loop

data_dir, now = sys.argv[1], sys.argv[2]
for line in sys.stdin:
    command, *args = line.split()
    if command == "quit":
        break
    log, seed, stall_at = args[0], int(args[1]), int(args[2])
    pid = os.fork()
    if pid == 0:
        try:
            check_in_loop.run(data_dir, now, log, seed, stall_at)
        finally:
            os._exit(0)
    print(f"pid {pid}", flush=True)
    # Reap only when told: until then a child that ended by itself stays a zombie, so the
    # test's SIGKILL can never reach another process that inherited its pid.
    assert sys.stdin.readline().strip() == "reap"
    _, status = os.waitpid(pid, 0)
    print(f"gone {status}", flush=True)
