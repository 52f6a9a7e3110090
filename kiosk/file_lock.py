"""An exclusive lock between processes: flock(2) on a lock file kept open.

The same kernel lock the `filelock` package takes on Unix, so either excludes the other,
without its per-acquire bookkeeping (an open, a close and fork tracking cost some 70 µs, a
fifth of a check-in's durable write). The file is opened once per process: a fork's child
opens its own, since an inherited descriptor shares the parent's lock instead of waiting for
it. A lock file deleted or replaced while we waited is opened again, so that two processes
never hold locks on two different files of the same name.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# Between tries while another process holds the lock: it holds it for a few milliseconds,
# and a guest's step has 50 ms in all.
POLL_SECONDS = 0.002


class LockTimeout(Exception):
    """Another process held the lock for longer than the caller would wait."""


class FileLock:
    """Not reentrant, and not shared between threads (each takes its own)."""

    def __init__(self, path: Path | str, *, timeout: float = 10.0) -> None:
        self.path = Path(path)
        self.timeout = timeout
        self._fd: int | None = None
        self._pid = 0  # the process that opened _fd
        self._held = False

    @property
    def is_locked(self) -> bool:
        """Whether this process holds the lock through this object."""
        return self._held and self._pid == os.getpid()

    def acquire(self) -> None:
        """Raises LockTimeout, or OSError when the lock file cannot be opened."""
        if self.is_locked:
            # flock would grant it again at once, and the inner release would free the outer.
            raise RuntimeError(f"{self.path}: already held here; the lock is not reentrant")
        deadline = time.monotonic() + self.timeout
        while True:
            fd = self._open()
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockTimeout(
                        f"another process held {self.path} for more than {self.timeout} s"
                    ) from None
                time.sleep(POLL_SECONDS)
                continue
            if self._still_the_file(fd):
                self._held = True
                return
            fcntl.flock(fd, fcntl.LOCK_UN)
            self._close()

    def release(self) -> None:
        if self._fd is not None and self.is_locked:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        self._held = False

    @contextmanager
    def held(self) -> Iterator[None]:
        self.acquire()
        try:
            yield
        finally:
            self.release()

    def _open(self) -> int:
        if self._fd is not None and self._pid != os.getpid():
            # A fork's child: closing the inherited descriptor leaves the parent's lock as it
            # is, and kept open it would hold that lock after the parent's death.
            self._close()
        if self._fd is None:
            flags = os.O_RDWR | os.O_CREAT | os.O_CLOEXEC
            try:
                self._fd = os.open(self.path, flags, 0o644)
            except FileNotFoundError:  # a folder still to be made, as filelock makes it
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._fd = os.open(self.path, flags, 0o644)
            self._pid = os.getpid()
        return self._fd

    def _still_the_file(self, fd: int) -> bool:
        try:
            return os.fstat(fd).st_ino == os.stat(self.path).st_ino
        except FileNotFoundError:
            return False

    def _close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __del__(self) -> None:
        if self._fd is not None and self._pid == os.getpid():
            os.close(self._fd)
