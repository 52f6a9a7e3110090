"""Keeps worker processes of a concurrency test within one step of each other.

Without it, a busy machine may run one worker to its end before the next one is scheduled,
and a test of "several kiosks at once" would test nothing. A worker calls `step(i)` before
its i-th action and `finished()` at its end; `step(i)` returns once every other worker has
done i - 1 actions or has finished. So the same worker never acts more than twice in a row,
however the machine schedules them, and their writes really meet at the lock.
"""

from __future__ import annotations

import time
from pathlib import Path

HANG = 120.0  # seconds; only turns a dead worker into a failure instead of a hung suite


class Lockstep:
    def __init__(self, folder: Path, me: str, everyone: list[str]) -> None:
        self.folder = folder
        self.me = me
        self.others = [name for name in everyone if name != me]
        folder.mkdir(parents=True, exist_ok=True)

    def step(self, index: int) -> None:
        if index > 0:
            deadline = time.monotonic() + HANG
            while not all(self._reached(other, index - 1) for other in self.others):
                if time.monotonic() > deadline:
                    raise SystemExit(f"{self.me}: the other workers stopped moving")
                time.sleep(0.001)

    def done(self, index: int) -> None:
        (self.folder / f"{self.me}.{index}").touch()

    def finished(self) -> None:
        (self.folder / f"{self.me}.end").touch()

    def _reached(self, other: str, index: int) -> bool:
        return (self.folder / f"{other}.{index}").exists() or (
            self.folder / f"{other}.end"
        ).exists()
