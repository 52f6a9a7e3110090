"""TinyDB behind our own durable, multi-process-safe store.

TinyDB's JSONStorage rewrites the file in place (a kill mid-write breaks it), has no
locking, and parses the whole file on every operation. Here TinyDB only ever sees an
in-memory dict; this module owns the file:

* reads come from memory and the file is re-parsed only when another process committed:
  every commit bumps a change counter, kept in the file and in a small sidecar
  (``kiosk.json.changes``), and the sidecar is read under the lock before every
  read-modify-write, so another writer is seen whatever the timestamps say; a changed
  (size, mtime, inode) also triggers a re-read, but is never relied on;
* the counter is safe against a kill at any instant: the sidecar is bumped (to an odd
  number) before the file is replaced and again (to the even number the file holds)
  after, so a writer killed in between costs the others a re-read, never a missed write;
* every read-modify-write runs in ``transaction()`` under an inter-process file lock and
  ends in one atomic, durable replace of the whole file;
* a file we cannot understand stops us with CorruptDataError and is never touched.

The file stays plain TinyDB JSON, the counter beside the schema version:
{"table": {"1": {...}}, "meta": {"1": {"schema": 1, "changes": 42}}}.
"""

from __future__ import annotations

import contextlib
import gc
import os
import re
import secrets
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping
from pathlib import Path
from typing import Any, cast

import filelock
import orjson
from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Document, Table

SCHEMA_VERSION = 1
META_TABLE = "meta"
DEFAULT_LOCK_TIMEOUT = 10.0  # seconds a writer waits for another process's transaction
# In the document that holds the schema: the change counter of the commit that wrote it.
CHANGES_FIELD = "changes"

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
    ) -> None:
        """`check` sees every parsed file before it is used (at start and after another
        process wrote), with the data it last passed (or None), and raises
        CorruptDataError for records it refuses."""
        self.path = Path(path)
        self._check = check
        self._tmp_pattern = re.compile(r"\." + re.escape(self.path.name) + r"\.[0-9a-f]{16}\.tmp")
        self._lock = filelock.FileLock(str(self.path) + ".lock", timeout=lock_timeout)
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
        self._holding_lock = False  # filelock's own is_locked costs more than a pread
        self._in_transaction = False
        self._dirty = False
        self._index_keys: dict[tuple[str, str], KeyFunc] = {}
        # Built on first use after a load, then kept up to date by every write.
        self._indexes: dict[tuple[str, str], Index] = {}

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
        locked = self._holding_lock
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
        try:
            # Read and stat the same open file: writers only ever replace the file, so
            # this inode's content is final and the recorded stat matches what we parsed.
            with open(self.path, "rb") as f:
                st = os.fstat(f.fileno())
                raw = f.read()
        except OSError as e:
            raise CorruptDataError(f"{self.path}: cannot read data file: {e.strerror}") from e
        # A parse makes objects by the hundred thousand and no garbage; the cyclic collector
        # would walk the growing heap again and again meanwhile (2-3x the parse time).
        collecting = gc.isenabled()
        gc.disable()
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError as e:
            raise CorruptDataError(f"{self.path}: not valid JSON: {e}") from e
        finally:
            if collecting:
                gc.enable()
        self._check_shape(data)
        if self._check is not None:
            self._check(self.path, data, self._storage.data if self._storage else None)
        self._set_data(data)
        self._stat = _fingerprint(st)
        changes = self._schema_doc(data).get(CHANGES_FIELD, 0)
        self._changes = changes if isinstance(changes, int) else -1

    def _check_shape(self, data: Any) -> None:
        def bad(why: str) -> CorruptDataError:
            return CorruptDataError(f"{self.path}: not a kiosk data file: {why}")

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
        schema = self._schema_doc(data).get("schema")
        if schema is None:
            raise bad(f"no schema version in table {META_TABLE!r}")
        if schema > SCHEMA_VERSION:
            raise CorruptDataError(
                f"{self.path}: schema version {schema} is newer than this program knows "
                f"({SCHEMA_VERSION}); upgrade the kiosk software"
            )

    @staticmethod
    def _schema_doc(data: Tables) -> Doc:
        """The meta document holding the schema version, or {} when there is none."""
        for doc in data.get(META_TABLE, {}).values():
            schema = doc.get("schema")
            if isinstance(schema, int) and not isinstance(schema, bool):
                return doc
        return {}

    def _set_data(self, data: Tables) -> None:
        # A fresh TinyDB per load: its tables cache the next document id and query
        # results, which are wrong once another process has written.
        storage = _MemoryStorage(self, data)
        self._storage = storage
        self._db = _TinyDB(storage=lambda: storage)
        self._indexes.clear()

    def _drop_cache(self) -> None:
        # Memory may hold changes that never reached the file; forget it all so the
        # next access re-reads the file, which is the truth.
        self._storage = self._db = self._stat = None
        self._indexes.clear()

    # ----------------------------------------------------------------- writing

    @contextlib.contextmanager
    def transaction(self) -> Iterator[TinyDB]:
        if self._in_transaction:
            raise StorageError(f"{self.path}: nested transaction")
        with self._locked():
            self._refresh()
            self._in_transaction, self._dirty = True, False
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
        built = [
            (index, self._index_keys[(table, index)], idx)
            for (table, index), idx in self._indexes.items()
            if table == name
        ]

        def before_change(doc_id: str) -> list[tuple[str, ...]]:
            doc = raw.get(doc_id)
            return [() if doc is None else tuple(self._values(key, doc)) for _, key, _ in built]

        rows = _Rows(raw, id_class, before_change)
        # From here on memory may differ from the file: a failure drops it at the
        # transaction's end, so the file stays the truth.
        self._dirty = True
        try:
            # TinyDB declares a dict; its updaters only get, set and delete documents by id,
            # which the view does.
            updater(cast("dict[int, Mapping[str, Any]]", rows))
        finally:
            if rows.cleared:
                for index, _, _ in built:
                    self._indexes.pop((name, index), None)
            else:
                for doc_id, old in rows.touched.items():
                    doc = raw.get(doc_id)
                    for (_, key, idx), old_values in zip(built, old, strict=True):
                        for v in old_values:
                            bucket = idx.get(v)
                            if bucket is not None:
                                bucket.pop(doc_id, None)
                                if not bucket:
                                    del idx[v]
                        if doc is not None:
                            for v in self._values(key, doc):
                                idx.setdefault(v, {})[doc_id] = None

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
        self._indexes.clear()

    def _commit(self, data: Tables) -> None:
        if not self._schema_doc(data):
            # Every later start would refuse the file, so refuse to write it.
            raise StorageError(f"{self.path}: refusing to write data without a schema version")
        assert self._confirmed is not None  # read under the lock as the transaction began
        self._write_file(data, self._confirmed)

    def _write_file(self, data: Tables, seen: int) -> None:
        """Atomically and durably replace the file. Caller holds the lock and has read the
        change counter `seen` under it."""
        # Above both the sidecar and the file: after a power cut the sidecar, never
        # fsynced, may be behind the file, and a value used twice would hide a write.
        highest = max(seen, self._changes)
        under_way = highest + 1 if highest % 2 == 0 else highest + 2
        self._schema_doc(data)[CHANGES_FIELD] = under_way + 1
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
            # filelock polls; its default 50 ms between polls would be most of a flow
            # step's budget whenever another kiosk holds the lock for a few milliseconds.
            self._lock.acquire(poll_interval=0.002)
        except filelock.Timeout:
            raise StorageError(
                f"{self.path}: another process held the lock {self._lock.lock_file} "
                f"for more than {self._lock.timeout} s"
            ) from None
        except OSError as e:
            raise StorageError(
                f"{self.path}: cannot lock {self._lock.lock_file}: {e.strerror}"
            ) from e
        self._holding_lock = True
        try:
            yield
        finally:
            self._holding_lock = False
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
