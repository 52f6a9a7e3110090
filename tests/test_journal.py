"""The journal beside kiosk.json (kiosk/storage.py): one record per transaction, a torn tail
ignored, another kiosk reading only the tail, and compaction safe against a kill at any
instant."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
from pathlib import Path

import pytest

from helpers import file_of
from kiosk import storage
from kiosk.storage import CorruptDataError, Store, journal_path, read_data

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="kills forked writers")


@pytest.fixture
def path(tmp_path: Path) -> Path:
    """A house whose snapshot (some 20 KB) holds a journal of fifty-odd commits before it
    is compacted (at the snapshot's size)."""
    path = tmp_path / "kiosk.json"
    with Store(path).transaction() as db:
        db.table("padding").insert({"pad": "y" * 20_000})
    return path


def numbers(store: Store) -> list[int]:
    return sorted(doc["n"] for doc in store.snapshot().table("records"))


def commit(store: Store, n: int) -> None:
    """One transaction: record `n`, the count of records beside it, and a scratch document
    that every other transaction deletes (a stale record applied again would bring it back
    or set the count back)."""
    with store.transaction() as db:
        db.table("records").insert({"n": n, "pad": "x" * 200})
        count = db.table("count")
        if count.get(doc_id=1) is None:
            count.insert({"value": 1})
        else:
            count.update({"value": count.get(doc_id=1)["value"] + 1}, doc_ids=[1])
        scratch = db.table("scratch")
        if n % 2:
            scratch.remove(doc_ids=[doc.doc_id for doc in scratch.all()])
        else:
            scratch.insert({"n": n})


def assert_consistent(store: Store, committed: set[int], attempted: set[int]) -> None:
    found = numbers(store)
    assert len(found) == len(set(found)), "a record applied twice"
    assert committed <= set(found) <= committed | attempted
    assert store.snapshot().table("count").get(doc_id=1)["value"] == len(found)
    last_odd = max((n for n in found if n % 2), default=-1)
    scratch = sorted(doc["n"] for doc in store.snapshot().table("scratch"))
    assert scratch == [n for n in found if n % 2 == 0 and n > last_odd]


def test_a_commit_appends_one_record_with_one_fsync_and_leaves_kiosk_json_alone(
    path: Path, monkeypatch
) -> None:
    store = Store(path)
    commit(store, 0)  # creates the journal
    before = path.read_bytes()
    size = journal_path(path).stat().st_size
    fsyncs: list[str] = []
    real_fsync = os.fsync
    monkeypatch.setattr(
        os,
        "fsync",
        lambda fd: (fsyncs.append(file_of(fd)), real_fsync(fd))[1],
    )
    commit(store, 1)
    assert fsyncs == [str(journal_path(path))]
    assert path.read_bytes() == before
    assert journal_path(path).stat().st_size > size
    monkeypatch.undo()
    assert numbers(Store(path)) == [0, 1]


def test_a_torn_or_corrupt_tail_is_ignored_and_cut_off_by_the_next_writer(path: Path) -> None:
    store = Store(path)
    for n in range(3):
        commit(store, n)
    journal = journal_path(path)
    whole = journal.read_bytes()
    commit(store, 3)
    fourth = journal.read_bytes()[len(whole) :]
    for tail in (fourth[: len(fourth) // 2], fourth[:5], fourth[:-1] + b"?"):
        journal.write_bytes(whole + tail)  # a writer killed mid-append, or a flipped byte
        reopened = Store(path)
        assert numbers(reopened) == [0, 1, 2]
        commit(reopened, 4)  # cuts the tail off under the lock, then appends
        assert numbers(Store(path)) == [0, 1, 2, 4]
        journal.write_bytes(whole)
        store = Store(path)
    assert_consistent(store, {0, 1, 2}, set())


def test_a_damaged_record_with_commits_after_it_is_refused_not_cut_off(path: Path) -> None:
    """Only a kill's last append can be torn: a damaged record with whole ones after it is
    a damaged disk, and reading on as if the journal ended there would lose commits."""
    store = Store(path)
    for n in range(3):
        commit(store, n)
    journal = journal_path(path)
    raw = bytearray(journal.read_bytes())
    raw[20] ^= 0xFF  # inside the first record's payload
    journal.write_bytes(bytes(raw))
    with pytest.raises(CorruptDataError, match="damaged and commits follow it"):
        Store(path).snapshot()
    assert journal.read_bytes() == bytes(raw)  # nothing cut off


def test_another_kiosk_reads_only_the_new_tail(path: Path, monkeypatch) -> None:
    a = Store(path)
    for n in range(20):
        commit(a, n)
    b = Store(path)
    b.register_index("records", "n", lambda doc: str(doc["n"]))
    assert b.find("records", "n", "19")  # index built
    end = journal_path(path).stat().st_size
    commit(a, 20)
    appended = journal_path(path).stat().st_size - end

    preads: list[tuple[str, int, int]] = []
    real_pread = os.pread
    loads: list[object] = []
    monkeypatch.setattr(
        os,
        "pread",
        lambda fd, n, offset: (
            preads.append((file_of(fd), n, offset)),
            real_pread(fd, n, offset),
        )[1],
    )
    monkeypatch.setattr(b, "_load", lambda: loads.append(None))
    assert [doc["n"] for doc in b.find("records", "n", "20")] == [20]
    assert loads == []  # kiosk.json was not read again
    journal_reads = [(n, offset) for name, n, offset in preads if name == str(journal_path(path))]
    assert journal_reads == [(appended, end)]
    assert b.snapshot().table("count").get(doc_id=1)["value"] == 21


def test_a_bad_record_in_the_tail_is_refused_like_a_bad_file(path: Path) -> None:

    def check(_path, data, _before) -> None:
        for doc in data.get("records", {}).values():
            if not isinstance(doc.get("n"), int):
                raise CorruptDataError(f"{_path}: a record without a number")

    a = Store(path)
    commit(a, 0)
    b = Store(path, check=check)
    with a.transaction() as db:
        db.table("records").insert({"n": "one"})
    with pytest.raises(CorruptDataError, match="without a number"):
        b.snapshot()


def test_a_kiosk_json_without_a_journal_opens_and_starts_one(path: Path) -> None:
    old = Store(path, journal_limit=0)  # rewrites whole, as every kiosk before the journal did
    for n in range(3):
        commit(old, n)
    assert not journal_path(path).exists()
    store = Store(path)
    commit(store, 3)
    assert journal_path(path).exists()
    assert_consistent(Store(path), {0, 1, 2, 3}, set())


def arm(kill_at: int | None, chunk: int) -> list[int]:
    """In a forked writer: count each step that changes the disk (a write of at most `chunk`
    bytes, an fsync, a rename, a truncation) and SIGKILL the process before step `kill_at`."""
    steps = [0]

    def step() -> None:
        if steps[0] == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)
        steps[0] += 1

    def wrap(real, splits: bool):
        def fake(*args):
            step()
            if splits:
                fd, data, *rest = args
                return real(fd, bytes(data[:chunk]), *rest)
            return real(*args)

        return fake

    for name, splits in [
        ("write", True),
        ("pwrite", True),
        ("fsync", False),
        ("replace", False),
        ("ftruncate", False),
        ("truncate", False),
    ]:
        setattr(os, name, wrap(getattr(os, name), splits))
    return steps


def run_writer(
    path: Path, limit: int, first: int, kill_at: int | None, chunk: int
) -> tuple[list[int], int]:
    """Fork a writer that commits `first` (a compaction: the journal is at `limit`) and
    `first + 1` (the first record of the new journal); returns what it reported committed
    and, when it was not killed, how many steps it took."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the writer
        code = 1  # anything raised
        try:
            os.close(read)
            store = Store(path, journal_limit=limit)
            steps = arm(kill_at, chunk)
            for n in (first, first + 1):
                commit(store, n)
                os.write(write, b"%d\n" % n)
            os.write(write, b"steps %d\n" % steps[0])
            code = 0
        finally:
            os._exit(code)
    os.close(write)
    with os.fdopen(read) as lines:
        said = lines.read().split("\n")
    _, status = os.waitpid(pid, 0)
    committed = [int(line) for line in said if line and not line.startswith("steps")]
    steps = [int(line.split()[1]) for line in said if line.startswith("steps")]
    if kill_at is None:
        assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, status
    return committed, steps[0] if steps else -1


def test_a_kill_at_any_instant_of_a_compaction_loses_no_commit_and_applies_none_twice(
    path: Path,
) -> None:
    tmp_path = path.parent
    store = Store(path)
    for n in range(40):  # a snapshot of the first 30 and a journal of 10 more
        commit(store, n)
        if n == 29:
            store.compact()
    journal = journal_path(path)
    limit = journal.stat().st_size + 1  # the next commit compacts
    files = [path, journal, Path(f"{path}.changes")]
    golden = tmp_path / "golden"
    golden.mkdir()
    for file in files:
        shutil.copy2(file, golden / file.name)
    committed = set(range(40))
    chunk = 100  # the snapshot (some 30 KB) is written in this many bytes per step

    def restore() -> None:
        for file in files:
            shutil.copy2(golden / file.name, file)

    reported, total = run_writer(path, limit, 40, None, chunk)
    assert reported == [40, 41]
    assert total >= 200, f"only {total} instants to kill at"
    print(f"{total} instants to kill at")
    after = Store(path)
    assert_consistent(after, committed | {40, 41}, set())
    assert journal.stat().st_size < limit  # compacted: the new journal holds one record

    for kill_at in range(total):
        restore()
        reported, _ = run_writer(path, limit, 40, kill_at, chunk)
        reopened = Store(path)  # must open: old snapshot and journal, or the new ones
        assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
        assert_consistent(reopened, committed | set(reported), {40, 41})
        commit(reopened, 42)  # the next writer carries on from whatever the kill left
        assert_consistent(Store(path), committed | set(reported) | {42}, {40, 41})


def test_a_door_reading_without_the_lock_sees_the_journalled_commits(path: Path) -> None:
    store = Store(path)
    for n in range(3):
        commit(store, n)
    assert journal_path(path).stat().st_size > 0  # the snapshot alone lacks them
    assert sorted(doc["n"] for doc in read_data(path)["records"].values()) == [0, 1, 2]


def test_a_compaction_leaves_the_data_in_the_snapshot_and_an_empty_journal(path: Path) -> None:
    """What erasure and the purge call: what they deleted leaves the journal too."""
    store = Store(path)
    for n in range(3):
        commit(store, n)
    with store.transaction() as db:
        db.table("records").remove(lambda doc: doc["n"] == 1)
    store.compact()
    assert journal_path(path).stat().st_size == 0
    assert b'"n":1,' not in path.read_bytes()
    assert numbers(Store(path)) == [0, 2]


def test_a_read_without_the_lock_that_a_compaction_overtakes_misses_no_commit(
    path: Path, monkeypatch
) -> None:
    """The reader has read the old snapshot; the compaction replaces it and empties the
    journal before the reader gets to the journal."""
    store = Store(path)
    for n in range(5):
        commit(store, n)
    compacting = Store(path)
    real_open = open
    overtaken = []

    def open_after_a_compaction(file, *args, **kwargs):
        if Path(file) == journal_path(path) and not overtaken:
            overtaken.append(True)
            compacting.compact()
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(storage, "open", open_after_a_compaction, raising=False)
    assert sorted(doc["n"] for doc in read_data(path)["records"].values()) == [0, 1, 2, 3, 4]
    assert overtaken


def test_doors_reading_without_the_lock_during_compactions_never_go_back_in_time(
    path: Path,
) -> None:
    """A writer commits 300 times, compacting every few commits, while this process reads
    as a door does: the file as a whole (read_data) and through its own store. Every read is
    one committed state, and none lacks a commit an earlier read had."""
    with Store(path).transaction() as db:  # a snapshot that takes a while to read
        db.table("padding").insert({"pad": "z" * 4_000_000})
    # The writer goes on by ten commits for each round of reads at most, so that the reads
    # meet its compactions on a loaded machine too; a faster reader runs ahead freely.
    rounds, read_a_round = os.pipe()
    os.set_blocking(read_a_round, False)
    writer = os.fork()
    if writer == 0:  # pragma: no cover (the writer's own process)
        try:
            os.close(read_a_round)  # so that the reader's end ends the wait
            store = Store(path, journal_limit=4_000)  # some 12 commits a journal
            for n in range(300):
                if n % 10 == 0:
                    os.read(rounds, 1)
                commit(store, n)
        finally:
            os._exit(0)
    os.close(rounds)
    try:
        reads, snapshots = read_while_it_writes(path, writer, read_a_round)
    except BaseException:  # a read failed: the writer is not needed any more
        with contextlib.suppress(ProcessLookupError, ChildProcessError):
            os.kill(writer, signal.SIGKILL)
            os.waitpid(writer, 0)
        raise
    finally:
        os.close(read_a_round)
    assert_consistent(Store(path), set(range(300)), set())
    print(f"{reads} reads over {snapshots} snapshots")
    assert snapshots > 5  # the reads did meet compactions


def read_while_it_writes(path: Path, writer: int, read_a_round: int) -> tuple[int, int]:
    """Read as a door does until the writer has ended; how many reads, over how many
    snapshots."""
    door = Store(path)
    seen: set[int] = set()
    snapshot, snapshots = None, 0  # the snapshot last met, and how many were
    reads = 0
    while True:
        done = os.waitpid(writer, os.WNOHANG)[0] == writer
        for numbers_read in (
            {doc["n"] for doc in read_data(path).get("records", {}).values()},
            set(numbers(door)),
        ):
            assert seen <= numbers_read, f"a read lost commits {sorted(seen - numbers_read)}"
            seen = numbers_read
            reads += 1
        # The writer has rounds enough in hand, or has ended.
        with contextlib.suppress(BlockingIOError, BrokenPipeError):
            os.write(read_a_round, b"x")
        st = path.stat()
        if (st.st_ino, st.st_mtime_ns) != snapshot:
            snapshot, snapshots = (st.st_ino, st.st_mtime_ns), snapshots + 1
        if done:
            return reads, snapshots
