"""Staff accounts as records: roles, and PINs kept only as slow salted hashes."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
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


@dataclass(frozen=True)
class StaffAccount:
    """One document of the staff table."""

    name: str
    role: Role
    pin_hash: str
    created_at: datetime | None = None

    @property
    def member(self) -> StaffMember:
        return StaffMember(self.name, self.role)

    def to_doc(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "role": str(self.role),
            "pin": self.pin_hash,
            "created_at": self.created_at.isoformat() if self.created_at else None,
        }

    @classmethod
    def from_doc(cls, doc: Mapping[str, Any]) -> StaffAccount:
        created_at = doc.get("created_at")
        return cls(
            doc["name"],
            Role(doc["role"]),
            doc["pin"],
            datetime.fromisoformat(created_at) if created_at else None,
        )


def staff_with_pin(accounts: Sequence[StaffAccount], pin: str) -> StaffAccount | None:
    """The account whose PIN this is: an scrypt hash per account, some 45 ms each."""
    return next((account for account in accounts if pin_matches(pin, account.pin_hash)), None)


@dataclass
class StaffPinCheck:
    """A staff PIN on its way through the login. `run` is the slow part and touches no data
    file, so a screen may run it on a thread of its own; the staff accounts read before and
    decide after (`StaffAccounts.prepare_login`, `StaffAccounts.finish_login`)."""

    pin: str
    accounts: list[StaffAccount] | None
    """The accounts the PIN is checked against; None when the kiosk must wait first
    (then nothing is checked)."""
    matched: StaffAccount | None = None

    def run(self) -> StaffPinCheck:
        if self.accounts is not None:
            self.matched = staff_with_pin(self.accounts, self.pin)
        return self
