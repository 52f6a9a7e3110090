"""Door codes: PINs kept only as keyed hashes, and signed QR tokens a door can check offline.

A token is `K1.GRANT.ROOM.FROM.UNTIL.TAG`: version, grant id, room, validity window as UTC
minutes (YYMMDDHHMM) and a truncated HMAC-SHA256 tag. Every character is in QR's
alphanumeric set, so the 67-character token fits QR version 4 at error correction M.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from kiosk.storage import fsync_folder

TOKEN_VERSION = "K1"
TAG_BYTES = 16  # 128 bits: past the 96 a forged tag must beat (ARCHITECTURE.md, Keys)
SECRET_BYTES = 32
# A key is valid from this long before it was issued: a door controller whose clock runs a
# little behind the kiosk's (or a kiosk whose clock was just stepped back by time sync)
# must not refuse a guest standing at the door with a fresh PIN.
VALID_BEFORE_ISSUE = timedelta(minutes=5)
_STAMP = "%y%m%d%H%M"
_TOKEN_PATTERN = re.compile(
    r"K1\.(?P<grant>[A-Z2-7]{8})\.(?P<room>[A-Z0-9\-]{1,8})\.(?P<start>\d{10})\.(?P<end>\d{10})\.(?P<tag>[A-Z2-7]{26})"
)


class SecretError(Exception):
    """The property secret is missing or unusable; the message says what to do."""


def load_or_create_secret(path: Path, *, grants_exist: bool) -> bytes:
    """The property secret signs every key; inventing a new one would silently void them."""
    if path.exists():
        secret = path.read_bytes()
        if len(secret) != SECRET_BYTES:
            raise SecretError(
                f"{path}: the property secret must be {SECRET_BYTES} bytes, found {len(secret)}"
            )
        return secret
    if grants_exist:
        raise SecretError(
            f"{path}: the property secret is missing but key grants exist. Restore it from a backup; "
            "a new secret would make every issued key invalid."
        )
    return write_new_key(path, SECRET_BYTES)


def write_new_key(path: Path, size: int) -> bytes:
    """A new random key in a new file only its owner may read (never over an existing one)."""
    key = secrets.token_bytes(size)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(key)
        file.flush()
        os.fsync(file.fileno())
    fsync_folder(path.parent)
    return key


def new_grant_id() -> str:
    return base64.b32encode(secrets.token_bytes(5)).decode()


def draw_pin(length: int) -> str:
    return f"{secrets.randbelow(10**length):0{length}d}"


def pin_hash(secret: bytes, room: str, pin: str) -> str:
    return hmac.new(secret, f"pin:{room}:{pin}".encode(), hashlib.sha256).hexdigest()


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(_STAMP)


def _tag(secret: bytes, body: str) -> str:
    digest = hmac.new(secret, body.encode(), hashlib.sha256).digest()[:TAG_BYTES]
    return base64.b32encode(digest).decode().rstrip("=")


def make_token(
    secret: bytes, grant_id: str, room: str, valid_from: datetime, valid_until: datetime
) -> str:
    body = ".".join((TOKEN_VERSION, grant_id, room, _stamp(valid_from), _stamp(valid_until)))
    return f"{body}.{_tag(secret, body)}"


@dataclass(frozen=True)
class TokenClaims:
    grant_id: str
    room: str
    valid_from: datetime
    valid_until: datetime


def read_token(secret: bytes, token: str) -> TokenClaims | None:
    """The token's claims if its signature holds, else None (malformed or forged)."""
    match = _TOKEN_PATTERN.fullmatch(token.strip().upper())
    if not match:
        return None
    body, _, tag = match.group(0).rpartition(".")
    if not hmac.compare_digest(tag, _tag(secret, body)):
        return None
    try:
        start = datetime.strptime(match["start"], _STAMP).replace(tzinfo=UTC)
        end = datetime.strptime(match["end"], _STAMP).replace(tzinfo=UTC)
    except ValueError:
        return None
    return TokenClaims(match["grant"], match["room"], start, end)


def looks_like_token(code: str) -> bool:
    """Whether a scanner typed a key's QR token (signed or not) rather than a person."""
    return code.strip().upper().startswith(f"{TOKEN_VERSION}.")


def looks_like_pin(code: str) -> bool:
    return code.strip().isdigit()
