"""A fork server for kill tests: the caller has imported what a life needs once, so each
life costs a fork, not a Python start, and hundreds of SIGKILLs take seconds.

serve(live) takes commands on stdin:
    life SEED  fork a child that runs live(SEED) and ends
    kill       SIGKILL the life (dead or alive), reap it and answer "gone STATUS"
and ends at the end of stdin, killing a life still under way. A life writes what it has
to say to stdout with one os.write a line (see say), never through Python's buffers.
"""

from __future__ import annotations

import os
import signal
import sys
import traceback
from collections.abc import Callable


def say(*words: object) -> None:
    os.write(1, (" ".join(map(str, words)) + "\n").encode())


def end(child: int) -> int:
    # Reaped only here: until then a life that ended by itself stays a zombie, so this
    # SIGKILL can never reach another process that took over its pid.
    os.kill(child, signal.SIGKILL)
    return os.waitpid(child, 0)[1]


def serve(live: Callable[[int], None]) -> None:
    child = None
    for line in sys.stdin:
        command, *args = line.split()
        if command == "life":
            child = os.fork()
            if child == 0:
                status = 1
                try:
                    live(int(args[0]))
                    status = 0
                except BaseException:  # noqa: BLE001  (any failure, a kill too, is reported)
                    traceback.print_exc()
                finally:
                    os._exit(status)
        elif command == "kill":
            say("gone", end(child))
            child = None
    if child is not None:
        end(child)
