"""Append-only JSON-lines files for what no longer belongs in the file every check-in rewrites.

Records are appended and fsynced *before* the main file drops them, so a crash between the
two steps leaves a record in both places, never in neither; readers keep the last copy of
each key.

The folder is fsynced too when the first records go into a new file, so that a power cut
cannot lose the file itself.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson

from kiosk.storage import StorageError, fsync_folder, replace_durably

Change = Callable[[dict[str, Any]], dict[str, Any] | None]
"""What a rewrite makes of one record: the record (as it was, or changed), or None to drop it."""


class JsonlArchive:
    def __init__(self, path: Path, key: Callable[[dict[str, Any]], str]) -> None:
        self.path = path
        self.key = key

    def append(self, records: Iterable[dict[str, Any]]) -> None:
        payload = b"".join(orjson.dumps(record) + b"\n" for record in records)
        if not payload:
            return
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
        except OSError as e:
            raise StorageError(f"{self.path}: cannot open for appending: {e.strerror or e}") from e
        try:
            size = os.fstat(fd).st_size
            if size:
                os.lseek(fd, size - 1, os.SEEK_SET)
                if os.read(fd, 1) != b"\n":
                    # A killed writer's torn line: start on a fresh line, or the first
                    # record appended now would be glued to it and lost with it.
                    payload = b"\n" + payload
            try:
                view = memoryview(payload)
                while view:
                    view = view[os.write(fd, view) :]
                os.fsync(fd)
            except OSError:
                with contextlib.suppress(OSError):
                    os.ftruncate(fd, size)  # a full disk leaves no half record behind
                raise
            if not size:
                # A new file's name is durable only once its folder is, or a power cut
                # could lose the file whose records the main file drops next. Empty
                # rather than just created: a writer killed before this line made it.
                fsync_folder(self.path.parent)
        except OSError as e:
            raise StorageError(f"{self.path}: cannot append: {e.strerror or e}") from e
        finally:
            os.close(fd)

    def rewrite(self, change: Change) -> int:
        """Rewrite the file with each record as `change` makes it (kiosk/retention.py drops
        records past their period, kiosk/erasure.py blanks a guest's). Only under the data
        lock, which every appender holds too, so that no record appended meanwhile is lost;
        the file is replaced whole, so a kill at any instant leaves the old file or the new.
        A torn line, which no reader can read, goes too. Returns how many records were
        changed or dropped; an unchanged file is not written."""
        if not self.path.exists():
            return 0
        try:
            lines = self.path.read_bytes().splitlines()
        except OSError as e:
            raise StorageError(f"{self.path}: cannot read: {e.strerror or e}") from e
        kept: list[bytes] = []
        changed = 0
        for line in lines:
            try:
                record = orjson.loads(line)
            except orjson.JSONDecodeError:
                continue
            new = change(record) if isinstance(record, dict) else None
            if new != record:
                changed += 1
            if new is not None:
                kept.append(orjson.dumps(new) + b"\n")
        if changed or len(kept) != len(lines):
            try:
                replace_durably(self.path, b"".join(kept))
            except OSError as e:
                raise StorageError(f"{self.path}: cannot rewrite: {e.strerror or e}") from e
        return changed

    def records(self) -> Iterator[dict[str, Any]]:
        """Each record once (the last copy of its key), in the order first written."""
        if not self.path.exists():
            return iter(())
        latest: dict[str, dict[str, Any]] = {}
        try:
            with open(self.path, "rb") as file:
                for line in file:
                    try:
                        record = orjson.loads(line)
                    except orjson.JSONDecodeError:
                        continue  # a torn line from a killed writer; every other line is whole
                    if isinstance(record, dict):
                        latest[self.key(record)] = record
        except OSError as e:
            raise StorageError(f"{self.path}: cannot read: {e.strerror or e}") from e
        return iter(latest.values())
