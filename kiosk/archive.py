"""Append-only JSON-lines files for what no longer belongs in the file every check-in rewrites.

Records are appended and fsynced *before* the main file drops them, so a crash between the
two steps leaves a record in both places, never in neither; readers keep the last copy of
each key.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson


class JsonlArchive:
    def __init__(self, path: Path, key: Callable[[dict[str, Any]], str]) -> None:
        self.path = path
        self.key = key

    def append(self, records: Iterable[dict[str, Any]]) -> None:
        payload = b"".join(orjson.dumps(record) + b"\n" for record in records)
        if not payload:
            return
        with open(self.path, "ab") as file:
            file.write(payload)
            file.flush()
            os.fsync(file.fileno())

    def records(self) -> Iterator[dict[str, Any]]:
        """Each record once (the last copy of its key), in the order first written."""
        if not self.path.exists():
            return iter(())
        latest: dict[str, dict[str, Any]] = {}
        with open(self.path, "rb") as file:
            for line in file:
                try:
                    record = orjson.loads(line)
                except orjson.JSONDecodeError:
                    continue  # a torn last line from a killed writer; everything before it is whole
                latest[self.key(record)] = record
        return iter(latest.values())
