"""Tests for kiosk.storage: each storage promise of ARCHITECTURE.md "Storage" is checked here."""

from __future__ import annotations

import datetime
import errno
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tinydb import TinyDB
from tinydb.storages import JSONStorage

from helpers import file_of
from kiosk import storage
from kiosk.archive import JsonlArchive
from kiosk.storage import SCHEMA_VERSION, CorruptDataError, StorageError, Store

WORKERS = Path(__file__).parent / "storage_workers"
NAMES = ["Müller", "Weiß", "O'Brien", "Nguyễn"]


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "kiosk.json"


def temp_files(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


def count_calls(monkeypatch, obj, name: str) -> list:
    """Wrap obj.name so each call is recorded in the returned list."""
    calls: list = []
    real = getattr(obj, name)

    def wrapper(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(obj, name, wrapper)
    return calls


# ------------------------------------------------------------ creation, round trip


def test_new_file_is_created_with_schema(path: Path) -> None:
    Store(path)
    assert json.loads(path.read_bytes()) == {
        "meta": {"1": {"schema": SCHEMA_VERSION, "changes": 2}}
    }


def test_round_trip_unicode_names(path: Path) -> None:
    with Store(path).transaction() as db:
        for name in NAMES:
            db.table("guests").insert({"last_name": name, "rooms": ["101"]})

    other = Store(path)  # a fresh instance reads only the file
    assert [d["last_name"] for d in other.snapshot().table("guests").all()] == NAMES
    # still TinyDB's own format, readable by plain TinyDB
    plain = TinyDB(path, storage=JSONStorage, encoding="utf-8")
    assert [d["last_name"] for d in plain.table("guests").all()] == NAMES
    plain.close()


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.text()
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=10,
)


@settings(max_examples=50, deadline=None)
@given(docs=st.lists(st.dictionaries(st.text(), json_values, max_size=5), max_size=5))
def test_round_trip_any_json_documents(tmp_path_factory, docs) -> None:
    path = tmp_path_factory.mktemp("rt") / "kiosk.json"
    with Store(path).transaction() as db:
        ids = db.table("t").insert_multiple(docs)
    table = Store(path).snapshot().table("t")
    assert [table.get(doc_id=i) for i in ids] == docs


def test_non_json_value_is_refused_and_nothing_written(path: Path) -> None:
    store = Store(path)
    before = path.read_bytes()
    with pytest.raises(StorageError, match=str(path)), store.transaction() as db:
        db.table("guests").insert({"arrival": datetime.date(2025, 1, 1)})
    assert path.read_bytes() == before
    assert store.snapshot().table("guests").all() == []


# ------------------------------------------------------------ crash safety


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "fork"), reason="the writer forks its lives")
def test_kill_at_random_moments_never_breaks_the_file(path: Path) -> None:
    Store(path)
    rng = random.Random()
    writer = subprocess.Popen(
        [sys.executable, str(WORKERS / "crash_writer.py"), str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    printed: list[int] = []
    temp_files_found = 0
    try:
        for kill in range(200):
            writer.stdin.write(f"life {kill}\n")
            writer.stdin.flush()
            printed.append(int(writer.stdout.readline()))  # a first commit: now it is at work
            time.sleep(rng.uniform(0, 0.030))
            writer.stdin.write("kill\n")
            writer.stdin.flush()
            while not (line := writer.stdout.readline()).startswith("gone"):
                printed.append(int(line))  # committed before the kill landed
            status = int(line.split()[1])
            assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, status
            temp_files_found += bool(temp_files(path.parent))

            store = Store(path)  # must open: old or new file, never a broken one
            assert temp_files(path.parent) == []
            in_file = {d["n"] for d in store.snapshot().table("records")}
            missing = set(printed) - in_file
            assert not missing, f"committed but lost after kill {kill + 1}: {sorted(missing)[:5]}"
    finally:
        writer.stdin.close()  # it kills a life still under way and ends
        writer.wait(timeout=30)
    print(
        f"200 kills, {len(printed)} commits confirmed, temp file left by {temp_files_found} kills"
    )


def record_fsyncs_and_replaces(monkeypatch) -> list[tuple[str, ...]]:
    """Each os.fsync (with the path its descriptor has) and os.replace, in order."""
    calls: list[tuple[str, ...]] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd):
        calls.append(("fsync", file_of(fd)))
        return real_fsync(fd)

    def replace(source, target, **kwargs):
        calls.append(("replace", str(source), str(target)))
        return real_replace(source, target, **kwargs)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    return calls


needs_proc_fd = pytest.mark.skipif(
    not Path("/proc/self/fd").is_dir(), reason="names a descriptor's file through /proc"
)


@needs_proc_fd
def test_a_write_fsyncs_the_new_file_then_replaces_then_fsyncs_the_folder(
    path: Path, monkeypatch
) -> None:
    # A kill test cannot tell: without these fsyncs only a power cut loses the write.
    store = Store(path)
    calls = record_fsyncs_and_replaces(monkeypatch)
    with store.transaction() as db:
        db.table("guests").insert({"name": "Müller"})
    assert [call[0] for call in calls] == ["fsync", "replace", "fsync"], calls
    synced = Path(calls[0][1])
    assert synced.parent == path.parent and synced.name.endswith(".tmp")
    assert calls[1] == ("replace", str(synced), str(path))
    assert calls[2] == ("fsync", str(path.parent))


@needs_proc_fd
def test_an_archive_fsyncs_its_folder_when_it_creates_the_file(tmp_path: Path, monkeypatch) -> None:
    archive = JsonlArchive(tmp_path / "history.jsonl", key=lambda record: record["code"])
    calls = record_fsyncs_and_replaces(monkeypatch)
    archive.append([{"code": "LH4821"}])
    assert calls == [("fsync", str(archive.path)), ("fsync", str(tmp_path))]
    calls.clear()
    archive.append([{"code": "LH6144"}])  # the file exists: its entry is durable already
    assert calls == [("fsync", str(archive.path))]
    assert [r["code"] for r in archive.records()] == ["LH4821", "LH6144"]


def test_stale_temp_files_are_removed_on_open(path: Path) -> None:
    Store(path)
    stale = path.parent / f".{path.name}.0123456789abcdef.tmp"
    stale.write_bytes(b'{"half": ')
    unrelated = [
        path.parent / ".other.json.0123456789abcdef.tmp",
        path.parent / f".{path.name}.backup.tmp",
        path.parent / "notes.tmp",
    ]
    for p in unrelated:
        p.write_bytes(b"keep")
    Store(path)
    assert not stale.exists()
    assert all(p.read_bytes() == b"keep" for p in unrelated)


def test_temp_files_are_left_alone_while_another_process_holds_the_lock(path: Path) -> None:
    Store(path)
    live = path.parent / f".{path.name}.0123456789abcdef.tmp"
    live.write_bytes(b"being written")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            (
                "import sys, filelock; l = filelock.FileLock(sys.argv[1]); l.acquire();"
                "print('locked', flush=True); sys.stdin.readline()"
            ),
            f"{path}.lock",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline() == "locked\n"
        with pytest.raises(StorageError, match=str(path)):
            Store(path, lock_timeout=0.2)
    finally:
        holder.communicate("done\n")
    assert live.exists()


# ------------------------------------------------------------ several processes


def test_lock_timeout_raises_storage_error(path: Path) -> None:
    store = Store(path, lock_timeout=0.2)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            (
                "import sys, filelock; l = filelock.FileLock(sys.argv[1]); l.acquire();"
                "print('locked', flush=True); sys.stdin.readline()"
            ),
            f"{path}.lock",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline() == "locked\n"
        with pytest.raises(StorageError, match=str(path)), store.transaction():
            pytest.fail("transaction body ran without the lock")
    finally:
        holder.communicate("done\n")
    with store.transaction() as db:  # usable again once the lock is free
        db.table("t").insert({"ok": True})


@pytest.mark.slow
@pytest.mark.parametrize("workers", [2, 4])
def test_concurrent_read_modify_write_loses_nothing(path: Path, workers: int) -> None:
    per_worker = 60
    with Store(path).transaction() as db:
        db.table("counter").insert({"value": 0})
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                str(WORKERS / "counter_worker.py"),
                str(path),
                f"w{w}",
                str(per_worker),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for w in range(workers)
    ]
    for p in procs:
        assert p.stdout.readline() == "ready\n"
    for p in procs:  # release them together
        p.stdin.write("go\n")
        p.stdin.flush()
    reported: list[int] = []
    for p in procs:
        out, _ = p.communicate(timeout=60)
        assert p.returncode == 0
        reported += [int(x) for x in out.split()]

    total = workers * per_worker
    db = Store(path).snapshot()
    assert db.table("counter").get(doc_id=1)["value"] == total
    docs = db.table("docs").all()
    assert sorted((d["worker"], d["seq"]) for d in docs) == sorted(
        (f"w{w}", i) for w in range(workers) for i in range(per_worker)
    )
    assert len(reported) == len(set(reported)) == total  # no doc id handed out twice
    assert set(reported) == {d.doc_id for d in docs}


COARSE_INCREMENTS = 500


@pytest.mark.slow
def test_another_writer_is_seen_when_size_mtime_and_inode_stay_the_same(path: Path) -> None:
    with Store(path).transaction() as db:
        db.table("counter").insert({"value": f"{0:08d}"})
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                str(WORKERS / "coarse_clock_counter.py"),
                str(path),
                str(COARSE_INCREMENTS),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    for worker in workers:
        assert worker.stdout.readline() == "ready\n"
    for worker in workers:
        worker.stdin.write("go\n")
        worker.stdin.flush()
    for worker in workers:
        out, _ = worker.communicate(timeout=300)
        assert (worker.returncode, out) == (0, "done\n")

    value = int(Store(path).snapshot().table("counter").get(doc_id=1)["value"])
    lost = 2 * COARSE_INCREMENTS - value
    assert lost == 0, f"{lost} of {2 * COARSE_INCREMENTS} increments lost"


def test_insert_ids_do_not_collide_between_instances(path: Path) -> None:
    a, b = Store(path), Store(path)
    with a.transaction() as db:
        first = db.table("guests").insert({"by": "a"})  # a's table now caches its next id
    with b.transaction() as db:
        second = db.table("guests").insert({"by": "b"})
    with a.transaction() as db:
        third = db.table("guests").insert({"by": "a"})
    assert len({first, second, third}) == 3
    assert sorted(d["by"] for d in Store(path).snapshot().table("guests")) == ["a", "a", "b"]


# ------------------------------------------------------------ corrupt files

VALID = json.dumps({"meta": {"1": {"schema": 1}}, "guests": {"1": {"name": "Müller"}}})


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"\x00\xff\xfe garbage \x89PNG", id="garbage"),
        pytest.param(VALID.encode()[: len(VALID) // 2], id="truncated"),
        pytest.param(b"", id="empty"),
        pytest.param(b"[1, 2, 3]", id="list"),
        pytest.param(b'{"meta": {"1": {"schema": 999}}}', id="newer-schema"),
        pytest.param(b'{"guests": {"1": {"name": "x"}}}', id="no-schema"),
        pytest.param(b'{"meta": {"1": {"schema": 1}}, "guests": [1]}', id="table-not-object"),
        pytest.param(b'{"meta": {"1": {"schema": 1}}, "guests": {"1": "x"}}', id="doc-not-object"),
        pytest.param(b'{"meta": {"1": {"schema": 1}}, "guests": {"one": {}}}', id="bad-doc-id"),
    ],
)
def test_corrupt_file_stops_start_and_is_left_untouched(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    with pytest.raises(CorruptDataError, match=str(path)) as info:
        Store(path)
    assert path.read_bytes() == content
    assert temp_files(path.parent) == []
    if b"999" in content:
        assert "999" in str(info.value)


def test_file_corrupted_while_open_is_reported_not_repaired(path: Path) -> None:
    store = Store(path)
    garbage = b'{"meta": {"1": {"schema": 1}}, "guests": {'
    path.write_bytes(garbage)
    with pytest.raises(CorruptDataError, match=str(path)):
        store.snapshot()
    with pytest.raises(CorruptDataError, match=str(path)), store.transaction() as db:
        db.table("guests").insert({"name": "x"})
    assert path.read_bytes() == garbage


# ------------------------------------------------------------ change detection


def test_reads_come_from_memory_until_another_instance_writes(path: Path, monkeypatch) -> None:
    a, b = Store(path), Store(path)
    a.register_index("guests", "name", lambda d: d["name"])
    loads = count_calls(monkeypatch, a, "_load")

    for _ in range(5):
        assert a.snapshot().table("guests").all() == []
        assert a.find("guests", "name", "Weiß") == []
    assert loads == []  # unchanged file: not parsed again

    with b.transaction() as db:
        db.table("guests").insert({"name": "Weiß"})
    assert [d["name"] for d in a.snapshot().table("guests")] == ["Weiß"]
    assert len(loads) == 1
    assert [d["name"] for d in a.find("guests", "name", "Weiß")] == ["Weiß"]
    a.snapshot()
    assert len(loads) == 1

    with b.transaction() as db:
        db.table("guests").insert({"name": "Weiß"})
    assert len(a.find("guests", "name", "Weiß")) == 2  # find() alone notices the change
    assert len(loads) == 2


def test_own_commit_does_not_trigger_a_reload(path: Path, monkeypatch) -> None:
    store = Store(path)
    loads = count_calls(monkeypatch, store, "_load")
    with store.transaction() as db:
        db.table("guests").insert({"name": "Nguyễn"})
    assert store.snapshot().table("guests").all() == [{"name": "Nguyễn"}]
    assert loads == []


def test_lock_free_reads_see_another_writer_when_the_stat_cannot_tell(
    path: Path, monkeypatch
) -> None:
    monkeypatch.setattr(storage, "_fingerprint", lambda st: ())  # same size, mtime and inode
    a, b = Store(path), Store(path)
    a.register_index("guests", "name", lambda d: d["name"])
    assert a.snapshot().table("guests").all() == []
    with b.transaction() as db:
        db.table("guests").insert({"name": "Weiß"})
    assert [d["name"] for d in a.snapshot().table("guests")] == ["Weiß"]
    with b.transaction() as db:
        db.table("guests").insert({"name": "Weiß"})
    assert len(a.find("guests", "name", "Weiß")) == 2


def test_a_writer_killed_between_its_two_counter_bumps_costs_one_re_read(
    path: Path, monkeypatch
) -> None:
    store = Store(path)
    with store.transaction() as db:
        db.table("guests").insert({"name": "Müller"})
    counter = Path(f"{path}.changes")
    under_way = int(counter.read_bytes()) + 1
    counter.write_bytes(b"%020d\n" % under_way)  # bumped, then killed before the replace
    # A re-read: of the journal's tail, or of everything.
    tails, loads = (
        count_calls(monkeypatch, store, "_read_tail"),
        count_calls(monkeypatch, store, "_load"),
    )
    for _ in range(5):
        assert store.snapshot().table("guests").all() == [{"name": "Müller"}]
    assert len(tails) + len(loads) == 1  # read once, then from memory again
    for name in ("Weiß", "Nguyễn"):
        with store.transaction() as db:
            db.table("guests").insert({"name": name})
    assert len(tails) + len(loads) == 2  # confirmed under the lock once
    # The next commit moves past the dead writer's number; another instance sees it.
    assert int(counter.read_bytes()) > under_way
    assert len(Store(path).snapshot().table("guests")) == 3


def test_a_change_counter_deleted_while_kiosks_run_loses_no_update(path: Path, monkeypatch) -> None:
    monkeypatch.setattr(storage, "_fingerprint", lambda st: ())  # only the counter can tell
    a, b = Store(path), Store(path)
    assert a.snapshot().table("guests").all() == []
    Path(f"{path}.changes").unlink()  # an operator tidying up the folder
    with b.transaction() as db:
        db.table("guests").insert({"name": "Weiß"})
    with a.transaction() as db:
        db.table("guests").insert({"name": "Müller"})
    assert sorted(d["name"] for d in Store(path).snapshot().table("guests")) == ["Müller", "Weiß"]


def test_a_file_replaced_behind_the_stores_back_is_seen_via_its_inode(path: Path) -> None:
    store = Store(path)
    store.snapshot()
    st_old = path.stat()
    replacement = path.with_name("replacement")  # e.g. a backup restored: no counter bumped
    replacement.write_text('{"meta":{"2":{"schema":1,"changes":2}}}')
    assert replacement.stat().st_size == st_old.st_size
    os.utime(replacement, ns=(st_old.st_atime_ns, st_old.st_mtime_ns))
    os.replace(replacement, path)
    assert store.snapshot().table("meta").get(doc_id=2) == {"schema": 1, "changes": 2}


# ------------------------------------------------------------ transactions


def test_exception_in_transaction_writes_nothing(path: Path) -> None:
    store = Store(path)
    with store.transaction() as db:
        db.table("guests").insert({"name": "Müller"})
    before = path.read_bytes()

    with pytest.raises(RuntimeError), store.transaction() as db:
        db.table("guests").insert({"name": "Weiß"})
        db.table("guests").update({"name": "changed"}, doc_ids=[1])
        raise RuntimeError("card reader failed")
    assert path.read_bytes() == before
    assert store.snapshot().table("guests").all() == [{"name": "Müller"}]
    assert Store(path).snapshot().table("guests").all() == [{"name": "Müller"}]

    # an error raised by TinyDB itself after earlier writes in the same transaction
    with pytest.raises(ValueError, match="already exists"), store.transaction() as db:
        db.table("guests").insert({"name": "Weiß"})
        db.table("guests").insert(db.table("guests").get(doc_id=1))  # id 1 exists
    assert path.read_bytes() == before
    assert store.snapshot().table("guests").all() == [{"name": "Müller"}]


def test_one_file_write_per_transaction(path: Path, monkeypatch) -> None:
    store = Store(path)
    writes = count_calls(monkeypatch, store, "_write_file")
    inode = path.stat().st_ino
    with store.transaction() as db:
        guests = db.table("guests")
        ids = guests.insert_multiple({"name": n} for n in NAMES)
        guests.insert({"name": "extra"})
        guests.update({"checked_in": True}, doc_ids=ids)
        guests.upsert({"name": "Weiß", "vip": True}, lambda d: d["name"] == "Weiß")
        guests.remove(doc_ids=[ids[0]])
        db.table("rooms").insert({"number": "101"})
        assert path.stat().st_ino == inode  # nothing on disk yet
    assert len(writes) == 1
    assert path.stat().st_ino != inode

    inode = path.stat().st_ino
    with store.transaction() as db:  # read-only transaction: no write at all
        db.table("guests").all()
    assert len(writes) == 1
    assert path.stat().st_ino == inode


def test_writes_outside_a_transaction_are_refused(path: Path) -> None:
    store = Store(path)
    with store.transaction() as db:
        db.table("guests").insert({"name": "Müller"})
    before = path.read_bytes()
    with pytest.raises(StorageError, match=str(path)):
        store.snapshot().table("guests").insert({"name": "Weiß"})
    assert path.read_bytes() == before
    assert store.snapshot().table("guests").all() == [{"name": "Müller"}]


def test_nested_transaction_raises(path: Path) -> None:
    store = Store(path)
    with pytest.raises(StorageError), store.transaction(), store.transaction():
        pass
    with store.transaction() as db:  # lock was released
        db.table("t").insert({})


def test_dropping_the_schema_is_refused(path: Path) -> None:
    store = Store(path)
    before = path.read_bytes()
    with pytest.raises(StorageError, match=str(path)), store.transaction() as db:
        db.drop_tables()
    assert path.read_bytes() == before
    Store(path)


# ------------------------------------------------------------ disk errors


def _fail_on_tmp(real, code):
    """Fail calls whose first argument is one of our temp files (leave the lock file alone)."""

    def fake(target, *args, **kwargs):
        if str(target).endswith(".tmp"):
            raise OSError(code, os.strerror(code), str(target))
        return real(target, *args, **kwargs)

    return fake


def _fail_after_partial_write(real):
    state = {"calls": 0}

    def fake(fd, data):
        state["calls"] += 1
        if state["calls"] == 1:
            return real(fd, bytes(data[:10]))
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    return fake


def _always_fail(code):
    def fake(*args, **kwargs):
        raise OSError(code, os.strerror(code))

    return fake


@pytest.mark.parametrize(
    ("name", "make_fake"),
    [
        ("write", _fail_after_partial_write),
        ("fsync", lambda real: _always_fail(errno.ENOSPC)),
        ("replace", lambda real: _fail_on_tmp(real, errno.EROFS)),
        ("open", lambda real: _fail_on_tmp(real, errno.EACCES)),
    ],
)
def test_disk_error_keeps_the_last_good_file(path: Path, monkeypatch, name, make_fake) -> None:
    store = Store(path)
    with store.transaction() as db:
        db.table("guests").insert({"name": "Müller"})
    before = path.read_bytes()

    with pytest.raises(StorageError, match=str(path)), store.transaction() as db:
        db.table("guests").insert({"name": "Weiß"})
        monkeypatch.setattr(os, name, make_fake(getattr(os, name)))
    monkeypatch.undo()

    assert path.read_bytes() == before
    assert temp_files(path.parent) == []
    assert store.snapshot().table("guests").all() == [{"name": "Müller"}]
    with store.transaction() as db:  # works again once the disk does
        db.table("guests").insert({"name": "Weiß"})
    assert len(Store(path).snapshot().table("guests")) == 2


def test_failed_folder_fsync_is_reported_and_memory_follows_the_disk(
    path: Path, monkeypatch
) -> None:
    store = Store(path)
    real_fsync, calls = os.fsync, []

    def fsync(fd):
        calls.append(fd)
        if len(calls) == 2:  # the folder, after the rename
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        return real_fsync(fd)

    with pytest.raises(StorageError, match=str(path)), store.transaction() as db:
        db.table("guests").insert({"name": "Müller"})
        monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.undo()
    on_disk = Store(path).snapshot().table("guests").all()
    assert store.snapshot().table("guests").all() == on_disk


# ------------------------------------------------------------ indexes


def test_index_find_and_maintenance(path: Path) -> None:
    store, other = Store(path), Store(path)
    store.register_index("bookings", "last_name", lambda d: d["last_name"].casefold())
    store.register_index("bookings", "room", lambda d: d.get("rooms"))  # several values / None

    with store.transaction() as db:
        b = db.table("bookings")
        muller = b.insert({"code": "A1", "last_name": "Müller", "rooms": ["101", "102"]})
        b.insert({"code": "B2", "last_name": "Weiß", "rooms": ["201"]})
        b.insert({"code": "C3", "last_name": "O'Brien"})  # no rooms yet: not in that index
        # inside the transaction the index already reflects the inserts
        assert [d["code"] for d in store.find("bookings", "room", "102")] == ["A1"]

    found = store.find("bookings", "last_name", "müller")
    assert [(d.doc_id, d["code"]) for d in found] == [(muller, "A1")]
    assert [d["code"] for d in store.find("bookings", "room", "101")] == ["A1"]
    assert store.find("bookings", "room", "999") == []
    assert store.find("bookings", "last_name", "nobody") == []

    with store.transaction() as db:
        db.table("bookings").update({"rooms": ["301"]}, doc_ids=[muller])
    assert store.find("bookings", "room", "101") == []
    assert [d["code"] for d in store.find("bookings", "room", "301")] == ["A1"]

    with store.transaction() as db:
        db.table("bookings").remove(doc_ids=[muller])
    assert store.find("bookings", "last_name", "müller") == []

    with other.transaction() as db:  # another process's write
        db.table("bookings").insert({"code": "D4", "last_name": "Nguyễn", "rooms": ["301"]})
    assert [d["code"] for d in store.find("bookings", "last_name", "nguyễn")] == ["D4"]
    assert [d["code"] for d in store.find("bookings", "room", "301")] == ["D4"]

    with pytest.raises(KeyError):
        store.find("bookings", "unknown", "x")


def test_index_is_rebuilt_after_a_rolled_back_transaction(path: Path) -> None:
    store = Store(path)
    store.register_index("bookings", "code", lambda d: d["code"])
    with pytest.raises(RuntimeError), store.transaction() as db:
        db.table("bookings").insert({"code": "A1"})
        assert len(store.find("bookings", "code", "A1")) == 1
        raise RuntimeError
    assert store.find("bookings", "code", "A1") == []


def _numbers_in_order(docs) -> list[str]:
    return sorted(doc["number"] for doc in docs.values())


@pytest.mark.parametrize("journal_limit", [1, storage.JOURNAL_LIMIT], ids=["rewritten", "journal"])
def test_a_derived_value_follows_every_change_to_its_table(path: Path, journal_limit: int) -> None:
    """`journal_limit=1`: every commit writes a new snapshot."""
    store, other = (Store(path, journal_limit=journal_limit) for _ in range(2))
    with store.transaction() as db:
        db.table("rooms").insert_multiple([{"number": "101"}, {"number": "102"}])
    first = store.derived("rooms", _numbers_in_order)
    assert first == ["101", "102"]
    with store.transaction() as db:
        db.table("other").insert({"number": "999"})  # another table: the value stays
    assert store.derived("rooms", _numbers_in_order) is first

    with store.transaction() as db:
        db.table("rooms").update({"number": "103"}, doc_ids=[2])
        # inside the transaction it already follows the write
        assert store.derived("rooms", _numbers_in_order) == ["101", "103"]
    with other.transaction() as db:  # another kiosk's write
        db.table("rooms").remove(doc_ids=[1])
    assert store.derived("rooms", _numbers_in_order) == ["103"]

    with pytest.raises(RuntimeError), store.transaction() as db:
        db.table("rooms").insert({"number": "104"})
        raise RuntimeError
    assert store.derived("rooms", _numbers_in_order) == ["103"]  # rolled back
