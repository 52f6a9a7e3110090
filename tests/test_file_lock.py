"""The lock every read-modify-write of the data file takes (kiosk/file_lock.py): one holder at a
time across forks and a lock file replaced behind its back. (tests/test_storage.py shows it
excludes, and is excluded by, the `filelock` package's lock on the same file.)"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kiosk.file_lock import FileLock, LockTimeout


@pytest.mark.skipif(not hasattr(os, "fork"), reason="forks")
def test_a_forked_child_does_not_share_its_parents_lock(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.json.lock"
    parent = FileLock(path, timeout=0.2)
    with parent.held():  # the descriptor is open when the child is forked
        pass
    held, done = os.pipe(), os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover (the child's own process)
        try:
            parent.acquire()
            os.write(held[1], b"x")
            os.read(done[0], 1)
        finally:
            os._exit(0)
    try:
        assert os.read(held[0], 1) == b"x"
        with pytest.raises(LockTimeout):
            parent.acquire()
        assert not parent.is_locked
    finally:
        os.write(done[1], b"x")
        os.waitpid(child, 0)
    with parent.held():  # the child's end freed it
        assert parent.is_locked


def test_a_lock_file_replaced_while_open_is_opened_again(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.json.lock"
    first = FileLock(path, timeout=0.2)
    with first.held():
        pass
    path.unlink()  # by hand, or a backup restored over the folder
    second = FileLock(path, timeout=0.2)
    second.acquire()
    # `first` still has the old file open: a lock on it would exclude nobody.
    with pytest.raises(LockTimeout):
        first.acquire()
    second.release()
    with first.held():
        assert first.is_locked and path.exists()


def test_a_missing_folder_is_made(tmp_path: Path) -> None:
    lock = FileLock(tmp_path / "new" / "displays.json.lock")
    with lock.held():
        assert lock.is_locked
    assert not lock.is_locked


def test_taking_it_twice_is_refused_not_granted(tmp_path: Path) -> None:
    """flock grants a lock its holder asks for again; the inner release would then free
    the outer holder's too."""
    lock = FileLock(tmp_path / "kiosk.json.lock")
    with lock.held():
        with pytest.raises(RuntimeError, match="not reentrant"):
            lock.acquire()
        assert lock.is_locked
