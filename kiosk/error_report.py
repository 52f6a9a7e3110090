"""What the kiosk keeps of an error nobody expected: enough to find the bug, nothing of the
people it happened to.

An exception's message and a traceback's locals can hold anything the code was working on
(a guest's name in a KeyError, a typed date in a ValueError, a booking in a local
variable), so neither is ever written. What is kept: the exception's type, and for it and
every exception it was raised from, each frame's file, line and function. That goes to
`errors.log` in the data directory, one JSON line per error; the audit trail gets the type
and the innermost frame, and staff get a help request.
"""

from __future__ import annotations

import os
import secrets
import traceback
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

from kiosk.audit import SYSTEM
from kiosk.hotel import Hotel
from kiosk.models import HelpReason

LOG_NAME = "errors.log"


def _chain(error: BaseException) -> Iterator[BaseException]:
    """The error, then each one it was raised from or while handling, each once."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _type_name(error: BaseException) -> str:
    kind = type(error)
    return (
        kind.__qualname__
        if kind.__module__ == "builtins"
        else f"{kind.__module__}.{kind.__qualname__}"
    )


def describe(error: BaseException) -> list[dict[str, Any]]:
    """The error as the log keeps it: per exception in the chain, its type and its frames
    (file, line, function), never a message or a local variable."""
    return [
        {
            "type": _type_name(link),
            "frames": [
                {"file": frame.filename, "line": frame.lineno, "function": frame.name}
                for frame in traceback.extract_tb(link.__traceback__)
            ],
        }
        for link in _chain(error)
    ]


def where_raised(error: BaseException) -> str:
    """File, line and function of the frame that raised `error`; "" when it has none."""
    frames = traceback.extract_tb(error.__traceback__)
    if not frames:
        return ""
    frame = frames[-1]
    return f"{Path(frame.filename).name}:{frame.lineno} in {frame.name}"


def summary(error: BaseException) -> str:
    """One line that says what failed where, and nothing of the data it failed on."""
    where = where_raised(error)
    return f"{_type_name(error)} at {where}" if where else _type_name(error)


def log_path(hotel: Hotel) -> Path:
    return hotel.data_dir.root / LOG_NAME


def write_log(path: Path, error: BaseException, *, at: datetime, kiosk: str) -> str:
    """Append the error to the log; returns its id, which the audit event carries too."""
    error_id = secrets.token_hex(4)
    line = orjson.dumps(
        {
            "id": error_id,
            "at": at.isoformat(timespec="seconds"),
            "kiosk": kiosk,
            "error": describe(error),
        }
    )
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(descriptor, line + b"\n")
    finally:
        os.close(descriptor)
    return error_id


def report(hotel: Hotel, error: BaseException, *, call_staff: bool) -> None:
    """Log the error, audit it (with its id in the log) and, with `call_staff`, file a help
    request: the guest at this kiosk needs a person. Raises OSError when the log cannot be
    written and StorageError when the data file cannot: the caller goes on without them."""
    error_id = write_log(log_path(hotel), error, at=hotel.now(), kiosk=hotel.kiosk_id)
    with hotel.transaction() as db:
        db.audit(
            SYSTEM,
            "unexpected_error",
            outcome="error",
            error=_type_name(error),
            where=where_raised(error),
            log_id=error_id,
        )
        if call_staff:
            hotel.help.file(db, SYSTEM, HelpReason.UNEXPECTED_ERROR, None)
