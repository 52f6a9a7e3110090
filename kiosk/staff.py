"""Staff accounts: roles and slow salted PIN hashes."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from enum import StrEnum

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
