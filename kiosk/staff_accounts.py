"""Who may work the staff mode: the staff accounts, and the login that slows down guessing
(wrong PINs wait per kiosk, kiosk/attempts.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from kiosk.attempts import FailureWindow
from kiosk.audit import SYSTEM, Actor
from kiosk.gateway import Reads
from kiosk.models import AttemptCounter
from kiosk.staff import (
    Role,
    StaffAccount,
    StaffError,
    StaffMember,
    StaffPinCheck,
    check_pin_format,
    hash_pin,
    pin_matches,
    staff_with_pin,
)

if TYPE_CHECKING:
    from kiosk.hotel import Hotel


@dataclass(frozen=True)
class StaffLogin:
    member: StaffMember | None
    wait_until: datetime | None = None
    """When this kiosk checks the next PIN, after too many wrong ones; None: at once."""
    attempts_left: int = 0
    """Wrong PINs left before this kiosk starts to wait."""
    pin_checked: bool = True
    """False when the PIN came before the wait was over: it was not looked at."""


class StaffAccounts:
    def __init__(self, hotel: Hotel) -> None:
        self.hotel = hotel
        self.wrong_pins = FailureWindow.for_staff_pins(hotel.profile)
        self._wrong_pins_key = f"staff_login:{hotel.kiosk_id}"

    def members(self) -> list[StaffMember]:
        """By name."""
        return [account.member for account in self.hotel.gateway.staff_accounts()]

    def add(self, name: str, role: Role, pin: str) -> None:
        name = name.strip()
        if not name:
            raise StaffError("A staff member needs a name.")
        check_pin_format(pin)
        hashed = hash_pin(pin)
        with self.hotel.transaction() as db:
            accounts = db.staff_accounts()
            if any(account.name == name for account in accounts):
                raise StaffError(f"There is already a staff member called {name}.")
            if staff_with_pin(accounts, pin) is not None:
                raise StaffError("That PIN is taken; choose another.")
            db.add_staff_account(StaffAccount(name, role, hashed, self.hotel.now()))
            db.audit(SYSTEM, "staff_added", staff=name, role=str(role))

    def remove(self, name: str) -> None:
        with self.hotel.transaction() as db:
            if not db.remove_staff_account(name):
                raise StaffError(f"There is no staff member called {name}.")
            db.audit(SYSTEM, "staff_removed", staff=name)

    def reset_pin(self, name: str, pin: str) -> None:
        check_pin_format(pin)
        hashed = hash_pin(pin)
        with self.hotel.transaction() as db:
            account = db.staff_account(name)
            if account is None:
                raise StaffError(f"There is no staff member called {name}.")
            others = [other for other in db.staff_accounts() if other.name != name]
            if any(pin_matches(pin, other.pin_hash) for other in others):
                raise StaffError("That PIN is taken; choose another.")
            db.save_staff_account(StaffAccount(name, account.role, hashed, account.created_at))
            db.audit(SYSTEM, "staff_pin_reset", staff=name)

    def login(self, pin: str) -> StaffLogin:
        """Check a staff PIN here and now (the command line; tests). A screen does the slow
        part on a thread: prepare_login, StaffPinCheck.run, finish_login."""
        return self.finish_login(self.prepare_login(pin).run())

    def prepare_login(self, pin: str) -> StaffPinCheck:
        """The accounts to check `pin` against, read without the data lock: the check (an
        scrypt hash per account) must not hold up other kiosks' writes. While this kiosk
        waits after wrong PINs, nothing is checked."""
        gateway = self.hotel.gateway
        waiting = self.wrong_pins.next_try_at(self._wrong_at(gateway), self.hotel.now())
        return StaffPinCheck(pin, None if waiting else gateway.staff_accounts())

    def finish_login(self, check: StaffPinCheck) -> StaffLogin:
        """Decide on a checked PIN: wrong PINs count towards this kiosk's wait, a right one
        after the wait logs in."""
        now = self.hotel.now()
        with self.hotel.transaction() as db:
            wrong_at = self.wrong_pins.counted(self._wrong_at(db), now)
            wait_until = self.wrong_pins.next_try_at(wrong_at, now)
            if wait_until:
                db.audit(SYSTEM, "staff_login", outcome="too_soon", until=wait_until.isoformat())
                return StaffLogin(None, wait_until, pin_checked=False)
            accounts = db.staff_accounts()
            matched = check.matched
            if accounts != check.accounts:  # an account added, removed or changed meanwhile
                matched = staff_with_pin(accounts, check.pin)
            if matched is not None:
                db.audit(Actor("staff", matched.name), "staff_login")
                return StaffLogin(matched.member)
            wrong_at.append(now)
            db.save_counter(AttemptCounter(self._wrong_pins_key, failed_at=tuple(wrong_at)))
            wait_until = self.wrong_pins.next_try_at(wrong_at, now)
            db.audit(
                SYSTEM,
                "staff_login",
                outcome="wrong_pin",
                until=wait_until.isoformat() if wait_until else None,
            )
            return StaffLogin(None, wait_until, self.wrong_pins.tries_left(wrong_at, now))

    def logout(self, member: StaffMember, reason: str) -> None:
        with self.hotel.transaction() as db:
            db.audit(Actor("staff", member.name), "staff_logout", reason=reason)

    def _wrong_at(self, db: Reads) -> tuple[datetime, ...]:
        return db.counter(self._wrong_pins_key).failed_at
