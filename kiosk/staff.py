"""Staff accounts: roles and slow salted PIN hashes."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

MIN_PIN_LENGTH = 6
# scrypt at n=2**14, r=8 costs ~16 MiB and tens of milliseconds per guess: cheap for one
# login, ruinous for trying a million PINs against a stolen file.
_N, _R, _P = 2**14, 8, 1


class Role(StrEnum):
    AGENT = "agent"
    MANAGER = "manager"


@dataclass(frozen=True)
class StaffMember:
    name: str
    role: Role

    @property
    def is_manager(self) -> bool:
        return self.role is Role.MANAGER


class StaffError(Exception):
    """A staff command that cannot be done; the message says why."""


def check_pin_format(pin: str) -> None:
    if not pin.isdigit() or len(pin) < MIN_PIN_LENGTH:
        raise StaffError(f"A staff PIN has at least {MIN_PIN_LENGTH} digits and nothing else.")


def hash_pin(pin: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=_N, r=_R, p=_P)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def pin_matches(pin: str, stored: str) -> bool:
    scheme, n, r, p, salt, digest = stored.split("$")
    if scheme != "scrypt":
        return False
    candidate = hashlib.scrypt(pin.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p))
    return hmac.compare_digest(candidate.hex(), digest)


def staff_with_pin(accounts: Sequence[Mapping[str, Any]], pin: str) -> Mapping[str, Any] | None:
    """The account whose PIN this is: an scrypt hash per account, some 45 ms each."""
    return next((doc for doc in accounts if pin_matches(pin, doc["pin"])), None)


@dataclass
class StaffPinCheck:
    """A staff PIN on its way through the login. `run` is the slow part and touches no data
    file, so a screen may run it on a thread of its own; the Hotel reads the accounts before
    and decides after (`Hotel.prepare_staff_login`, `Hotel.finish_staff_login`)."""

    pin: str
    accounts: list[Any] | None
    """The staff documents the PIN is checked against; None when the kiosk must wait first
    (then nothing is checked)."""
    matched: Mapping[str, Any] | None = None

    def run(self) -> StaffPinCheck:
        if self.accounts is not None:
            self.matched = staff_with_pin(self.accounts, self.pin)
        return self
