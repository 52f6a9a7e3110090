"""TinyDB behind our own durable, multi-process-safe store: a snapshot and a journal.

TinyDB's JSONStorage rewrites the file in place (a kill mid-write breaks it), has no
locking, and parses the whole file on every operation. Here TinyDB only ever sees an
in-memory dict; this module owns the files:

* ``kiosk.json`` is the snapshot, plain TinyDB JSON, replaced whole (temp file, fsync,
  rename, fsync of the folder) and never edited in place;
* ``kiosk.json.journal`` holds, after it, one record per transaction: the documents the
  transaction changed and the ids it deleted, framed by a length and a CRC32 and written
  with one fsync. Each record names the snapshot it follows by that snapshot's change
  counter (its generation), so a journal left behind by a kill during a compaction, or a
  record of another generation, is never applied to a snapshot that already holds it;
* the data is the snapshot plus every whole record of its generation; a torn or corrupt
  tail (a writer killed mid-append) ends the journal there, and the next writer cuts it off
  under the lock;
* a compaction writes the whole data as a new snapshot when the journal would pass
  ``journal_limit`` or the snapshot's own size;
* reads come from memory. Every commit bumps a change counter, kept in the data and in a
  small sidecar (``kiosk.json.changes``) that is read under the lock before every
  read-modify-write, so another writer is seen whatever the timestamps say. A process that
  sees it move reads only the journal's new tail from the offset it had reached; a new
  snapshot (a changed size, mtime or inode of kiosk.json, or a record of another
  generation) makes it read everything again;
* the counter is safe against a kill at any instant: the sidecar is bumped (to an odd
  number) before the files are written and again (to the even number the data holds)
  after, so a writer killed in between costs the others a re-read, never a missed write;
* every read-modify-write runs in ``transaction()`` under an inter-process file lock;
* a file we cannot understand stops us with CorruptDataError and is never touched.

The snapshot stays plain TinyDB JSON, the counter beside the schema version:
{"table": {"1": {...}}, "meta": {"1": {"schema": 1, "changes": 42}}}.
"""

from __future__ import annotations

import contextlib
import gc
import os
import re
import secrets
import struct
import weakref
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping
from pathlib import Path
from typing import Any, NamedTuple, TypeVar, cast

import orjson
from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Document, Table

from kiosk.file_lock import FileLock, LockTimeout

SCHEMA_VERSION = 1
META_TABLE = "meta"
DEFAULT_LOCK_TIMEOUT = 10.0  # seconds a writer waits for another process's transaction
# In the document that holds the schema: the change counter of the commit that wrote it.
CHANGES_FIELD = "changes"
# A journal that would grow past this (or past the snapshot's own size) is compacted into a
# new snapshot: a start or a full re-read then parses at most twice the snapshot, and a
# compaction rewrites no more than the journal has grown since the last one.
JOURNAL_LIMIT = 4 * 1024 * 1024
# Each journal record: the payload's length and CRC32, then the payload (JSON).
_FRAME = struct.Struct("<II")

# datetime/dataclass would silently become strings on disk but stay objects in memory,
# so this process and the next reload would disagree; reject them instead.
_DUMP_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS

Doc = dict[str, Any]  # one document as stored: field -> JSON value
Tables = dict[str, dict[str, Doc]]  # the whole file: table -> document id (a string) -> document
# What TinyDB hands a table write: the table by integer id (here a `_Rows` view instead).
TableUpdater = Callable[[dict[int, Mapping[str, Any]]], None]
KeyFunc = Callable[[Doc], "str | Iterable[str] | None"]
# value -> ids of the documents holding it (a dict as an ordered set)
Index = dict[str, dict[str, None]]
Record = dict[str, Any]  # one journal record, as parsed and checked by _parse_journal
T = TypeVar("T")


def _fingerprint(st: os.stat_result) -> tuple[int, int, int]:
    """What a stat says about the file's identity: another process's write changes it."""
    return (st.st_size, st.st_mtime_ns, st.st_ino)


def fsync_folder(folder: Path) -> None:
    """Make the folder's entries (a file created or renamed in it) durable."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def temp_path(path: Path) -> Path:
    """Where a new version of `path` is written before it replaces it."""
    return path.parent / f".{path.name}.{secrets.token_hex(8)}.tmp"


def write_synced(path: Path, payload: bytes, mode: int) -> None:
    """A new file with `payload`, flushed to the disk before this returns."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        view = memoryview(payload)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)


def replace_durably(path: Path, payload: bytes, mode: int = 0o644) -> None:
    """Replace (or create) the file at `path` with `payload`: a kill at any instant leaves
    the old file or the new one, and once this returns the new one survives a power cut.
    Raises OSError; a temporary file it made is gone."""
    tmp = temp_path(path)
    try:
        write_synced(tmp, payload, mode)
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    fsync_folder(path.parent)


class StorageError(Exception):
    """Any storage failure; the message always names the data file."""


class CorruptDataError(StorageError):
    """The data file is unreadable, not our JSON shape, or from a newer schema."""


def journal_path(path: Path) -> Path:
    """The journal beside the snapshot at `path`."""
    return Path(f"{path}.journal")


def _frame(payload: bytes) -> bytes:
    return _FRAME.pack(len(payload), zlib.crc32(payload)) + payload


def _parse_journal(journal: Path, raw: bytes, base: int) -> tuple[list[Record], int]:
    """The whole records of generation `base` at the start of `raw`, and the offset where
    they end. The first frame cut short, failing its CRC or of another generation ends the
    journal (a writer killed mid-append, or a journal a new snapshot has made stale); a
    whole record that is not ours raises CorruptDataError, and so does a damaged record with
    whole records after it: a kill leaves only its last append torn, so that is a damaged
    disk, and ignoring what follows would lose commits."""
    records: list[Record] = []
    offset, view = 0, memoryview(raw)
    while len(raw) - offset >= _FRAME.size:
        payload, whole = _frame_at(view, offset)
        end = offset + _FRAME.size + len(payload)
        if not whole:
            if end < len(raw) and _frame_at(view, end)[1]:
                raise CorruptDataError(
                    f"{journal}: record at byte {offset} is damaged and commits follow it: "
                    "restore the data folder from a backup"
                )
            break
        try:
            record = orjson.loads(payload)
        except orjson.JSONDecodeError as e:
            raise CorruptDataError(f"{journal}: record at byte {offset} is not JSON: {e}") from e
        if not isinstance(record, dict) or record.get("base") != base:
            break
        _check_record(journal, offset, record)
        records.append(record)
        offset = end
    return records, offset


def _frame_at(view: memoryview, offset: int) -> tuple[memoryview, bool]:
    """The payload of the frame at `offset` (as much of it as there is), and whether it is
    whole and its CRC holds."""
    if len(view) - offset < _FRAME.size:
        return view[offset:offset], False
    length, crc = _FRAME.unpack_from(view, offset)
    start = offset + _FRAME.size
    payload = view[start : start + length]
    return payload, len(payload) == length and zlib.crc32(payload) == crc


def _check_record(journal: Path, offset: int, record: Record) -> None:
    def bad(why: str) -> CorruptDataError:
        return CorruptDataError(f"{journal}: record at byte {offset} is not ours: {why}")

    if not isinstance(record.get("changes"), int):
        raise bad("no change counter")
    put, gone = record.get("put"), record.get("gone")
    if not isinstance(put, dict) or not isinstance(gone, dict):
        raise bad("no documents")
    for name, docs in put.items():
        if not isinstance(docs, dict):
            raise bad(f"table {name!r} is not an object")
        for doc_id, doc in docs.items():
            if not (doc_id.isascii() and doc_id.isdigit()) or not isinstance(doc, dict):
                raise bad(f"table {name!r} document {doc_id!r} is not a numbered object")
    for name, ids in gone.items():
        if not isinstance(ids, list) or not all(isinstance(doc_id, str) for doc_id in ids):
            raise bad(f"table {name!r} has no list of deleted ids")


def _apply(data: Tables, record: Record) -> None:
    for name, docs in record["put"].items():
        data.setdefault(name, {}).update(docs)
    for name, ids in record["gone"].items():
        table = data.get(name, {})
        for doc_id in ids:
            table.pop(doc_id, None)
    _schema_doc(data)[CHANGES_FIELD] = record["changes"]


def _schema_doc(data: Tables) -> Doc:
    """The meta document holding the schema version, or {} when there is none."""
    for doc in data.get(META_TABLE, {}).values():
        schema = doc.get("schema")
        if isinstance(schema, int) and not isinstance(schema, bool):
            return doc
    return {}


def _check_shape(path: Path, data: Any) -> None:
    def bad(why: str) -> CorruptDataError:
        return CorruptDataError(f"{path}: not a kiosk data file: {why}")

    if not isinstance(data, dict):
        raise bad(f"top level is a JSON {type(data).__name__}, expected an object of tables")
    for name, table in data.items():
        if not isinstance(table, dict):
            raise bad(f"table {name!r} is not an object")
        for doc_id, doc in table.items():
            if not (doc_id.isascii() and doc_id.isdigit()):
                raise bad(f"table {name!r} has document id {doc_id!r}, expected a number")
            if not isinstance(doc, dict):
                raise bad(f"table {name!r} document {doc_id} is not an object")
    schema = _schema_doc(data).get("schema")
    if schema is None:
        raise bad(f"no schema version in table {META_TABLE!r}")
    if schema > SCHEMA_VERSION:
        raise CorruptDataError(
            f"{path}: schema version {schema} is newer than this program knows "
            f"({SCHEMA_VERSION}); upgrade the kiosk software"
        )


# A compaction lets a read without the lock begin again; a few in a row mean the snapshot is
# being replaced by something other than a kiosk.
READ_ATTEMPTS = 20


class _Files(NamedTuple):
    """The snapshot and its journal as read together."""

    data: Tables
    stat: os.stat_result  # of the snapshot read
    size: int  # the snapshot's
    base: int  # the snapshot's change counter: the generation its journal records name
    journal_end: int  # where the last whole record of that generation ends
    changes: int  # the change counter of the data: of the last record, else the snapshot's


def _read_files(path: Path) -> _Files:
    """The snapshot at `path` and every whole record of its journal; CorruptDataError for
    anything that is not ours."""
    for _ in range(READ_ATTEMPTS):
        raw, st, logged = _read_snapshot_and_journal(path)
        if raw is not None:
            break
    else:
        raise CorruptDataError(
            f"{path}: replaced {READ_ATTEMPTS} times while being read; is another program "
            "writing it?"
        )
    journal = journal_path(path)
    # A parse makes objects by the hundred thousand and no garbage; the cyclic collector
    # would walk the growing heap again and again meanwhile (2-3x the parse time).
    collecting = gc.isenabled()
    gc.disable()
    try:
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError as e:
            raise CorruptDataError(f"{path}: not valid JSON: {e}") from e
        _check_shape(path, data)
        base = _schema_doc(data).get(CHANGES_FIELD, 0)
        base = base if isinstance(base, int) else -1
        records, end = _parse_journal(journal, logged, base)
    finally:
        if collecting:
            gc.enable()
    for record in records:
        _apply(data, record)
    changes = records[-1]["changes"] if records else base
    return _Files(data, st, len(raw), base, end, changes)


def _read_snapshot_and_journal(path: Path) -> tuple[bytes | None, os.stat_result, bytes]:
    """The snapshot's bytes and stat, and its journal's bytes, as of one moment; None for
    the snapshot when a compaction replaced it meanwhile (read again)."""
    journal = journal_path(path)
    try:
        # Read and stat the same open file: writers only ever replace the snapshot, so this
        # inode's content is final and the recorded stat matches what we parsed.
        with open(path, "rb") as f:
            st = os.fstat(f.fileno())
            raw = f.read()
            try:
                with open(journal, "rb") as g:
                    logged = g.read()
            except FileNotFoundError:
                logged = b""
            except OSError as e:
                raise CorruptDataError(f"{journal}: cannot read the journal: {e.strerror}") from e
            # A compaction replaces the snapshot, then empties the journal. Read before the
            # emptying, the journal is this snapshot's; read after it, it lacks commits the
            # old snapshot lacks too, and the replacing shows here (our inode is still
            # open, so its number cannot have been reused).
            if os.stat(path).st_ino != st.st_ino:
                return None, st, b""
    except OSError as e:
        raise CorruptDataError(f"{path}: cannot read data file: {e.strerror}") from e
    return raw, st, logged


def read_data(path: Path) -> Tables:
    """The data as last committed, read once without the lock (a door that could not open
    the store); CorruptDataError (a StorageError) says why it cannot be read."""
    return _read_files(path).data


class _MemoryStorage(Storage):
    """What TinyDB sees: one generation of the in-memory data, no I/O at all."""

    def __init__(self, store: Store, data: Tables) -> None:
        self.store = store
        self.data = data

    def read(self) -> Tables:
        # No copy: TinyDB copies the documents it hands out, and its write path
        # replaces whole table dicts rather than editing the ones we gave it.
        return self.data

    def write(self, data: Tables) -> None:
        self.store._on_tinydb_write(self, data)


class _Rows(MutableMapping[Any, Doc]):
    """One table as TinyDB's write path sees it (integer ids), edited in place.

    TinyDB's own `_update_table` copies the whole table twice per write (to integer ids
    and back), so every insert cost O(table size); this view costs O(documents touched)
    and notes which documents those were, with their index values from before the change.
    """

    def __init__(
        self, raw: dict[str, Doc], id_class: type, before_change: Callable[[str], Any]
    ) -> None:
        self.raw = raw
        self.id_class = id_class
        self.before_change = before_change
        self.touched: dict[str, Any] = {}  # doc id -> index values before this write
        self.cleared = False

    def _touch(self, key: str) -> None:
        if key not in self.touched:
            self.touched[key] = self.before_change(key)

    def __getitem__(self, doc_id: Any) -> Doc:
        key = str(doc_id)
        doc = self.raw[key]
        self._touch(key)  # the caller may change it in place
        return doc

    def __setitem__(self, doc_id: Any, doc: Doc) -> None:
        key = str(doc_id)
        self._touch(key)
        self.raw[key] = doc

    def __delitem__(self, doc_id: Any) -> None:
        key = str(doc_id)
        if key not in self.raw:
            raise KeyError(doc_id)
        self._touch(key)
        del self.raw[key]

    def __contains__(self, doc_id: object) -> bool:
        return str(doc_id) in self.raw

    def __iter__(self) -> Iterator[Any]:
        return (self.id_class(key) for key in list(self.raw))

    def __len__(self) -> int:
        return len(self.raw)

    def clear(self) -> None:
        self.cleared = True
        self.raw.clear()


class _Table(Table):
    def _update_table(self, updater: TableUpdater) -> None:
        storage = self._storage
        assert isinstance(storage, _MemoryStorage)
        storage.store._table_write(storage, self.name, self.document_id_class, updater)
        self.clear_cache()


class _TinyDB(TinyDB):
    table_class = _Table


class Store:
    """One data file shared by any number of processes.

    An instance is not thread-safe: give each thread its own Store (they exclude each
    other through the file lock just like processes do). Documents returned by reads
    share nested lists/dicts with the cache; copy before mutating them.
    """

    def __init__(
        self,
        path: Path,
        *,
        lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
        check: Callable[[Path, Tables, Tables | None], None] | None = None,
        journal_limit: int = JOURNAL_LIMIT,
    ) -> None:
        """`check` sees all data read before it is used, with the data it last passed (or
        None), and raises CorruptDataError for records it refuses: the whole data at start
        and after a new snapshot, the documents a journal tail changed after another
        process appended it. `journal_limit`: see the module."""
        self.path = Path(path)
        self._check = check
        self._journal_path = journal_path(self.path)
        self._journal_limit = journal_limit
        self._snapshot_size = 0  # of the snapshot memory is built on
        self._base = 0  # that snapshot's change counter: its generation
        self._journal_end = 0  # where the last journal record in memory ends
        # What the transaction under way changed: table -> ids of documents it touched, or
        # None once it replaced whole tables (a clear, a drop), which only a snapshot says.
        self._touched: dict[str, set[str]] | None = {}
        self._tmp_pattern = re.compile(r"\." + re.escape(self.path.name) + r"\.[0-9a-f]{16}\.tmp")
        self._lock = FileLock(str(self.path) + ".lock", timeout=lock_timeout)
        self._storage: _MemoryStorage | None = None  # None: must (re)load before use
        self._db: TinyDB | None = None
        self._changes_path = Path(str(self.path) + ".changes")
        # Kept open for lock-free reads: one pread instead of an open, a read and a close.
        self._changes_fd: int | None = None
        self._changes_fd_closer: Callable[[], None] = lambda: None
        self._stat: tuple[int, int, int] | None = None
        self._changes = 0  # the change counter of the data in memory
        # The sidecar's value when, under the lock, memory was last found to be the file.
        self._confirmed: int | None = None
        # An odd (write under way) sidecar value seen before a lock-free load: until it
        # moves on, that writer has not finished, or was killed, and memory stays good.
        self._in_flight: int | None = None
        self._in_transaction = False
        self._dirty = False
        self._index_keys: dict[tuple[str, str], KeyFunc] = {}
        # Built on first use after a load, then kept up to date by every write.
        self._indexes: dict[tuple[str, str], Index] = {}
        # Values computed from a whole table (`derived`), kept until that table changes.
        self._derived: dict[tuple[str, Callable[[Mapping[str, Doc]], Any]], Any] = {}

        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise StorageError(f"{self.path}: cannot create data folder: {e.strerror}") from e
        with self._locked():
            # Safe only under the lock: a live writer's temp file exists only while it
            # holds the lock, so anything matching now was left by a killed writer.
            self._remove_stale_temp_files()
            if not self.path.exists():
                new = {META_TABLE: {"1": {"schema": SCHEMA_VERSION}}}
                self._write_file(new, self._read_changes(locked=True))
            self._refresh()

    # ----------------------------------------------------------------- reading

    def snapshot(self) -> TinyDB:
        """A TinyDB over the current data for lock-free reads.

        Call it for each read rather than keeping the result: a reload after another
        process wrote gives a new TinyDB, and writes through it raise StorageError.
        """
        self._refresh()
        assert self._db is not None
        return self._db

    def register_index(self, table: str, name: str, key: KeyFunc) -> None:
        self._index_keys[(table, name)] = key
        self._indexes.pop((table, name), None)

    def find(self, table: str, index: str, value: str) -> list[Document]:
        if (table, index) not in self._index_keys:
            raise KeyError(f"{self.path}: no index {index!r} registered on table {table!r}")
        self._refresh()
        assert self._storage is not None
        docs = self._storage.data.get(table, {})
        idx = self._indexes.get((table, index))
        if idx is None:
            idx = self._indexes[(table, index)] = self._build_index(
                docs, self._index_keys[(table, index)]
            )
        ids = idx.get(value)
        if not ids:
            return []
        ordered = sorted(ids, key=int) if len(ids) > 1 else ids  # in document id order
        return [Document(docs[doc_id], int(doc_id)) for doc_id in ordered]

    def values(self, table: str, index: str) -> set[str]:
        """Every value the index holds now, e.g. the rooms that some booking holds."""
        self.find(table, index, "")  # refresh, and build the index if needed
        return set(self._indexes[(table, index)])

    def derived(self, table: str, compute: Callable[[Mapping[str, Doc]], T]) -> T:
        """`compute` of the table's documents (by id), computed again only once the table
        has changed: for a small table every step reads whole, the rooms at each check-in.
        `compute` is a function defined once (it is the key), and its value is shared by
        every caller: never change it."""
        self._refresh()
        assert self._storage is not None
        key = (table, compute)
        if key not in self._derived:
            self._derived[key] = compute(self._storage.data.get(table, {}))
        return cast(T, self._derived[key])

    def _table_changed(self, name: str) -> None:
        for key in [key for key in self._derived if key[0] == name]:
            del self._derived[key]

    @staticmethod
    def _values(key: KeyFunc, doc: Doc) -> Iterable[str]:
        values = key(doc)
        if values is None:
            return ()
        if isinstance(values, str):
            return (values,)
        return dict.fromkeys(values)  # a doc listed once per value, even if repeated

    @classmethod
    def _build_index(cls, docs: dict[str, Doc], key: KeyFunc) -> Index:
        idx: Index = {}
        for doc_id, doc in docs.items():
            for v in cls._values(key, doc):
                idx.setdefault(v, {})[doc_id] = None
        return idx

    def _refresh(self) -> None:
        # Under our own transaction nobody else can write, and memory may hold our
        # uncommitted changes, so there is nothing to check.
        if self._in_transaction and self._storage is not None:
            return
        locked = self._lock.is_locked
        changes = self._read_changes(locked)  # before the file: a write after it is seen next time
        try:
            st = os.stat(self.path)
        except OSError as e:
            raise StorageError(f"{self.path}: cannot access data file: {e.strerror}") from e
        trusted = (
            (self._changes, self._confirmed)
            if locked
            else (self._changes, self._confirmed, self._in_flight)
        )
        if (
            self._storage is None
            or _fingerprint(st) != self._stat
            or changes < 0
            or changes not in trusted
        ):
            if (
                self._storage is None
                or _fingerprint(st) != self._stat
                or changes < 0
                # Another process committed and kiosk.json is the same: it appended. Read
                # that, unless it cannot be all (a compaction after our stat above, or a
                # counter moved by a commit the journal does not hold).
                or not self._read_tail()
                or (changes % 2 == 0 and self._changes < changes)
            ):
                self._load()
            self._confirmed = None
            self._in_flight = changes if not locked and changes % 2 else None
        if locked:
            # Nobody else writes now, so memory is the file whatever the counter says
            # (a writer killed between its two bumps leaves the counter odd for good).
            self._confirmed = changes

    def _read_changes(self, locked: bool) -> int:
        """The sidecar's change counter; -1 for content that is not ours."""
        try:
            if self._changes_fd is None or locked:
                # Opened by name under the lock, so that a sidecar deleted or restored
                # behind our back is followed from the next transaction on.
                self._changes_fd_closer()
                self._changes_fd = os.open(self._changes_path, os.O_RDONLY)
                self._changes_fd_closer = weakref.finalize(self, os.close, self._changes_fd)
            raw = os.pread(self._changes_fd, 64, 0)
        except FileNotFoundError:
            self._changes_fd = None
            raw = b""
        except OSError as e:
            raise StorageError(
                f"{self.path}: cannot read {self._changes_path.name}: {e.strerror}"
            ) from e
        if not raw:
            # Nothing committed with a counter yet (or a first writer killed before its
            # first bump, so before its replace): the file holds no counter either.
            return 0
        try:
            return int(raw)
        except ValueError:
            return -1

    def _load(self) -> None:
        """Everything again: the snapshot and its journal."""
        files = _read_files(self.path)
        if self._check is not None:
            self._check(self.path, files.data, self._storage.data if self._storage else None)
        self._set_data(files.data)
        self._stat = _fingerprint(files.stat)
        self._snapshot_size, self._base = files.size, files.base
        self._journal_end, self._changes = files.journal_end, files.changes

    def _read_tail(self) -> bool:
        """Apply the records appended to the journal since memory was read; False when the
        journal is not the one memory follows any more (then only a full read will do)."""
        try:
            fd = os.open(self._journal_path, os.O_RDONLY)
        except FileNotFoundError:
            return self._journal_end == 0
        except OSError as e:
            raise StorageError(f"{self._journal_path}: cannot read: {e.strerror}") from e
        try:
            size = os.fstat(fd).st_size
            raw = os.pread(fd, max(size - self._journal_end, 0), self._journal_end)
        except OSError as e:
            raise StorageError(f"{self._journal_path}: cannot read: {e.strerror}") from e
        finally:
            os.close(fd)
        if size < self._journal_end:
            return False  # emptied by a compaction
        records, used = _parse_journal(self._journal_path, raw, self._base)
        if not records:
            return True
        assert self._storage is not None
        data = self._storage.data
        changed: Tables = {}
        for record in records:
            for name, docs in record["put"].items():
                changed.setdefault(name, {}).update(docs)
        if self._check is not None:
            self._check(self.path, changed, data)
        for record in records:
            for name, docs in record["put"].items():
                self._replace_docs(data, name, docs)
            for name, ids in record["gone"].items():
                self._replace_docs(data, name, dict.fromkeys(ids))
            _schema_doc(data)[CHANGES_FIELD] = record["changes"]
        # A new TinyDB, as after a full read: the old one caches next ids and query results.
        storage = _MemoryStorage(self, data)
        self._storage, self._db = storage, _TinyDB(storage=lambda: storage)
        self._journal_end += used
        self._changes = records[-1]["changes"]
        return True

    def _replace_docs(self, data: Tables, name: str, docs: Mapping[str, Doc | None]) -> None:
        """Put these documents into table `name` (None: delete it), indexes kept up to date."""
        table = data.setdefault(name, {})
        built = self._built_indexes(name)
        self._table_changed(name)
        for doc_id, doc in docs.items():
            old = table.get(doc_id)
            old_values = [() if old is None else tuple(self._values(key, old)) for key, _ in built]
            if doc is None:
                table.pop(doc_id, None)
            else:
                table[doc_id] = doc
            self._reindex(built, doc_id, old_values, doc)

    def _built_indexes(self, name: str) -> list[tuple[KeyFunc, Index]]:
        """The indexes of table `name` built so far (the others are built on first use)."""
        return [
            (self._index_keys[(table, index)], idx)
            for (table, index), idx in self._indexes.items()
            if table == name
        ]

    @classmethod
    def _reindex(
        cls,
        built: list[tuple[KeyFunc, Index]],
        doc_id: str,
        old_values: list[tuple[str, ...]],
        doc: Doc | None,
    ) -> None:
        """Move document `doc_id` in each index from its old values to those of `doc` (None:
        out of them)."""
        for (key, idx), values in zip(built, old_values, strict=True):
            for v in values:
                bucket = idx.get(v)
                if bucket is not None:
                    bucket.pop(doc_id, None)
                    if not bucket:
                        del idx[v]
            if doc is not None:
                for v in cls._values(key, doc):
                    idx.setdefault(v, {})[doc_id] = None

    def _set_data(self, data: Tables) -> None:
        # A fresh TinyDB per load: its tables cache the next document id and query
        # results, which are wrong once another process has written.
        storage = _MemoryStorage(self, data)
        self._storage = storage
        self._db = _TinyDB(storage=lambda: storage)
        self._forget_what_data_gave()

    def _drop_cache(self) -> None:
        # Memory may hold changes that never reached the file; forget it all so the
        # next access re-reads the file, which is the truth.
        self._storage = self._db = self._stat = None
        self._forget_what_data_gave()

    def _forget_what_data_gave(self) -> None:
        """The indexes and derived values, once the data they came from is replaced whole."""
        self._indexes.clear()
        self._derived.clear()

    # ----------------------------------------------------------------- writing

    @contextlib.contextmanager
    def transaction(self) -> Iterator[TinyDB]:
        if self._in_transaction:
            raise StorageError(f"{self.path}: nested transaction")
        with self._locked():
            self._refresh()
            self._in_transaction, self._dirty, self._touched = True, False, {}
            try:
                yield self._db  # type: ignore[misc]
                if self._dirty:
                    assert self._storage is not None
                    self._commit(self._storage.data)
            except BaseException:
                if self._dirty:
                    self._drop_cache()
                raise
            finally:
                self._in_transaction = self._dirty = False

    def _table_write(
        self, storage: _MemoryStorage, name: str, id_class: type, updater: TableUpdater
    ) -> None:
        """A TinyDB table write, done in place on our data, indexes kept up to date."""
        if storage is not self._storage or not self._in_transaction:
            raise StorageError(f"{self.path}: writes must happen inside Store.transaction()")
        data = storage.data
        raw = data.get(name)
        if raw is None:
            raw = data[name] = {}
        built = self._built_indexes(name)

        def before_change(doc_id: str) -> list[tuple[str, ...]]:
            doc = raw.get(doc_id)
            return [() if doc is None else tuple(self._values(key, doc)) for key, _ in built]

        rows = _Rows(raw, id_class, before_change)
        # From here on memory may differ from the file: a failure drops it at the
        # transaction's end, so the file stays the truth.
        self._dirty = True
        self._table_changed(name)
        try:
            # TinyDB declares a dict; its updaters only get, set and delete documents by id,
            # which the view does.
            updater(cast("dict[int, Mapping[str, Any]]", rows))
        finally:
            if rows.cleared:
                self._touched = None
                for table, index in list(self._indexes):
                    if table == name:
                        del self._indexes[(table, index)]
            else:
                if self._touched is not None:
                    self._touched.setdefault(name, set()).update(rows.touched)
                for doc_id, old in rows.touched.items():
                    self._reindex(built, doc_id, old, raw.get(doc_id))

    def _on_tinydb_write(self, storage: _MemoryStorage, data: Tables) -> None:
        # Whole-database writes only (drop_table, drop_tables); table writes go through
        # _table_write.
        if storage is not self._storage or not self._in_transaction:
            # TinyDB has already changed the dict in place before calling write().
            if storage is self._storage:
                self._drop_cache()
            raise StorageError(f"{self.path}: writes must happen inside Store.transaction()")
        storage.data = data
        self._dirty = True
        self._touched = None
        self._forget_what_data_gave()

    def _commit(self, data: Tables) -> None:
        if not _schema_doc(data):
            # Every later start would refuse the file, so refuse to write it.
            raise StorageError(f"{self.path}: refusing to write data without a schema version")
        assert self._confirmed is not None  # read under the lock as the transaction began
        if self._touched is None:
            self._write_file(data, self._confirmed)
            return
        under_way = self._under_way(self._confirmed)
        put: Tables = {}
        gone: dict[str, list[str]] = {}
        for name, ids in self._touched.items():
            table = data.get(name, {})
            for doc_id in sorted(ids, key=int):
                doc = table.get(doc_id)
                if doc is None:
                    gone.setdefault(name, []).append(doc_id)
                else:
                    put.setdefault(name, {})[doc_id] = doc
        record = {"base": self._base, "changes": under_way + 1, "put": put, "gone": gone}
        try:
            framed = _frame(orjson.dumps(record, option=_DUMP_OPTIONS))
        except TypeError as e:
            raise StorageError(f"{self.path}: data cannot be stored as JSON: {e}") from e
        if self._journal_end + len(framed) > min(self._journal_limit, self._snapshot_size):
            self._write_file(data, self._confirmed)  # the compaction, with this change in it
        else:
            self._append(framed, under_way)
            _schema_doc(data)[CHANGES_FIELD] = under_way + 1

    def compact(self) -> None:
        """Write the data as a new snapshot now, with an empty journal after it (commits
        compact by themselves; bench/run.py times this)."""
        if self._in_transaction:
            raise StorageError(f"{self.path}: compact() inside a transaction")
        with self._locked():
            self._refresh()
            assert self._storage is not None and self._confirmed is not None
            self._write_file(self._storage.data, self._confirmed)

    def _under_way(self, seen: int) -> int:
        """The odd change counter of the commit about to be written (it ends one above).
        Above both the sidecar's `seen` and the data's: after a power cut the sidecar, never
        fsynced, may be behind the file, and a value used twice would hide a write."""
        highest = max(seen, self._changes)
        return highest + 1 if highest % 2 == 0 else highest + 2

    def _write_file(self, data: Tables, seen: int) -> None:
        """Atomically and durably replace the snapshot with all of `data`, then empty the
        journal it holds. Caller holds the lock and has read the change counter `seen`
        under it."""
        under_way = self._under_way(seen)
        _schema_doc(data)[CHANGES_FIELD] = under_way + 1
        try:
            payload = orjson.dumps(data, option=_DUMP_OPTIONS)
        except TypeError as e:
            raise StorageError(f"{self.path}: data cannot be stored as JSON: {e}") from e
        folder = self.path.parent
        tmp = temp_path(self.path)
        try:
            self._write_changes(under_way)
            write_synced(tmp, payload, 0o644)
            os.replace(tmp, self.path)
        except OSError as e:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise StorageError(f"{self.path}: cannot write data file: {e.strerror or e}") from e
        try:
            self._write_changes(under_way + 1)
            fsync_folder(folder)  # makes the rename itself durable
            st = os.stat(self.path)
        except OSError as e:
            raise StorageError(
                f"{self.path}: written but not confirmed on disk: {e.strerror}"
            ) from e
        self._stat = _fingerprint(st)
        self._changes = self._confirmed = self._base = under_way + 1
        self._snapshot_size, self._journal_end = len(payload), 0
        self._in_flight = None
        # Only now that the new snapshot is durable: the old journal's records are in it.
        # Left behind (a kill, a power cut undoing this), it names the old generation and
        # is never applied; the next append cuts it off.
        with contextlib.suppress(OSError):
            os.truncate(self._journal_path, 0)

    def _append(self, framed: bytes, under_way: int) -> None:
        """Append one record to the journal, durably: one fsync. Caller holds the lock."""
        # Under the lock nobody else creates it: a new journal's folder entry is fsynced too.
        created = not self._journal_path.exists()
        try:
            fd = os.open(self._journal_path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as e:
            raise StorageError(f"{self.path}: cannot write data file: {e.strerror}") from e
        end = self._journal_end
        try:
            self._write_changes(under_way)
            if os.fstat(fd).st_size != end:
                # A torn tail of a writer killed mid-append, or a stale generation.
                os.ftruncate(fd, end)
            view = memoryview(framed)
            while view:
                view = view[os.pwrite(fd, view, end + len(framed) - len(view)) :]
            os.fsync(fd)
            if created:
                fsync_folder(self.path.parent)
        except OSError as e:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, end)  # what may have reached the file is no commit
            # Named as a failed snapshot is: to staff, the data file cannot be written.
            raise StorageError(f"{self.path}: cannot write data file: {e.strerror or e}") from e
        finally:
            os.close(fd)
        try:
            self._write_changes(under_way + 1)
        except OSError as e:
            raise StorageError(
                f"{self.path}: written but not confirmed on disk: {e.strerror}"
            ) from e
        self._journal_end = end + len(framed)
        self._changes = self._confirmed = under_way + 1
        self._in_flight = None

    def _write_changes(self, value: int) -> None:
        # One write in place, which a kill cannot tear; fixed width, so the truncation
        # only ever cuts what is not ours. No fsync: see _write_file.
        line = b"%020d\n" % value
        fd = os.open(self._changes_path, os.O_WRONLY | os.O_CREAT, 0o644)
        try:
            os.pwrite(fd, line, 0)
            os.ftruncate(fd, len(line))
        finally:
            os.close(fd)

    # ----------------------------------------------------------------- helpers

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        try:
            self._lock.acquire()
        except LockTimeout:
            raise StorageError(
                f"{self.path}: another process held the lock {self._lock.path} "
                f"for more than {self._lock.timeout} s"
            ) from None
        except OSError as e:
            raise StorageError(f"{self.path}: cannot lock {self._lock.path}: {e.strerror}") from e
        try:
            yield
        finally:
            self._lock.release()

    def _remove_stale_temp_files(self) -> None:
        try:
            names = os.listdir(self.path.parent)
        except OSError as e:
            raise StorageError(f"{self.path}: cannot list data folder: {e.strerror}") from e
        for name in names:
            if self._tmp_pattern.fullmatch(name):
                try:
                    os.unlink(self.path.parent / name)
                except FileNotFoundError:
                    pass
                except OSError as e:
                    raise StorageError(
                        f"{self.path}: cannot remove stale {name}: {e.strerror}"
                    ) from e
