"""How failed attempts slow down the next one: a kiosk's booking lookups and check-outs, a
kiosk's staff PINs and a door's PINs, each counted in the data file so that a restart
clears nothing.

One mechanism for all four: a few failures are free; from the `first_at`-th on, the next
try waits, twice as long after each further failure, up to a longest wait. Nobody is
locked out for good and the next guest meets a working kiosk. The four differ only in
their figures and in what makes old failures stop counting:

* lookups (kiosk/lookup.py): 30 s doubling to 5 min from the profile's `lookup_attempts`-th
  failure; an hour without a failure starts the count again, and a booking found clears
  it, once per booking;
* staff PINs (issue 10): the profile's free tries, window and longest wait, counted per
  kiosk over a window that a right PIN does not reset (so a guesser at one kiosk slows
  down that kiosk only);
* check-outs (kiosk/check_out.py): a room and its door PIN, or a scanned key, counted per
  kiosk like lookups but with the door's figures, forgotten after the door's window;
* door PINs (kiosk/door.py): from `door_pin_attempts` in `door_pin_window_hours`, the
  keypad locks for `door_lockout_minutes`, doubling up to `door_lockout_max_minutes`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from kiosk.gateway import Reads, Writer
from kiosk.profile import HotelProfile

LOOKUP_FIRST_WAIT = timedelta(seconds=30)
"""The wait after the limit's last failed lookup."""
LOOKUP_LONGEST_WAIT = timedelta(minutes=5)
"""Long enough to make guessing slow (12 tries an hour), short enough for the next guest."""
LOOKUP_QUIET_RESET = timedelta(hours=1)
"""Failed lookups this long ago no longer count: the next guest meets a kiosk as new."""
FORGIVEN_KEPT = 200
# Doublings beyond which the longest wait applies anyway (2**64 microseconds are 584,000
# years): a long run of failures must not make a number timedelta refuses.
_MAX_DOUBLINGS = 64


@dataclass(frozen=True)
class GrowingWait:
    first_at: int
    """The failure after which the first wait comes; the ones before it are free."""
    first: timedelta
    longest: timedelta

    def after(self, failures: int) -> timedelta | None:
        """How long the next try waits after `failures` counted ones, or None."""
        beyond = failures - self.first_at
        if beyond < 0:
            return None
        factor = 1 << min(beyond, _MAX_DOUBLINGS)
        if self.first.total_seconds() * factor >= self.longest.total_seconds():
            return self.longest
        return self.first * factor


@dataclass(frozen=True)
class FailureWindow:
    """Failures that count for `span` after they happened (staff PINs, door PINs)."""

    wait: GrowingWait
    span: timedelta

    @classmethod
    def for_staff_pins(cls, profile: HotelProfile) -> FailureWindow:
        return cls(
            GrowingWait(
                first_at=profile.staff_pin_attempts,
                first=timedelta(seconds=1),
                longest=timedelta(seconds=profile.staff_pin_longest_wait),
            ),
            span=timedelta(minutes=profile.staff_pin_window_minutes),
        )

    @classmethod
    def for_door_pins(cls, profile: HotelProfile) -> FailureWindow:
        return cls(
            GrowingWait(
                first_at=profile.door_pin_attempts,
                first=timedelta(minutes=profile.door_lockout_minutes),
                longest=timedelta(minutes=profile.door_lockout_max_minutes),
            ),
            span=timedelta(hours=profile.door_pin_window_hours),
        )

    def counted(self, failed_at: Iterable[datetime], now: datetime) -> list[datetime]:
        """The failures that still count at `now`, oldest first. One "from the future" was
        counted on a clock that ran ahead, and does not count."""
        return sorted(moment for moment in failed_at if now - self.span < moment <= now)

    def next_try_at(self, failed_at: Iterable[datetime], now: datetime) -> datetime | None:
        """When the next try is taken, or None when it may be taken now."""
        counted = self.counted(failed_at, now)
        wait = self.wait.after(len(counted))
        if wait is None:
            return None
        next_try = counted[-1] + wait
        return next_try if next_try > now else None

    def tries_left(self, failed_at: Iterable[datetime], now: datetime) -> int:
        """Failures still free before the next try waits."""
        return max(0, self.wait.first_at - len(self.counted(failed_at, now)))


@dataclass(frozen=True)
class FailedLookup:
    failures: int
    wait_until: datetime | None


@dataclass(frozen=True)
class LookupLimit:
    """The failed lookups of one kiosk."""

    key: str
    wait: GrowingWait
    quiet_reset: timedelta
    """Failures this long after the last one no longer count."""

    @classmethod
    def for_kiosk(cls, profile: HotelProfile, kiosk_id: str) -> LookupLimit:
        return cls(
            f"lookup:{kiosk_id}",
            GrowingWait(profile.lookup_attempts, LOOKUP_FIRST_WAIT, LOOKUP_LONGEST_WAIT),
            LOOKUP_QUIET_RESET,
        )

    @classmethod
    def for_check_out(cls, profile: HotelProfile, kiosk_id: str) -> LookupLimit:
        """A kiosk's tries at a room and its door PIN (kiosk/check_out.py), counted apart
        from its booking lookups. A right guess opens no door but ends a stranger's stay and
        shows their folio, so the kiosk takes no more guesses than a door's keypad does:
        the door's figures, and a quiet spell as long as the door's window before they are
        forgotten."""
        return cls(
            f"check_out:{kiosk_id}",
            GrowingWait(
                first_at=profile.door_pin_attempts,
                first=timedelta(minutes=profile.door_lockout_minutes),
                longest=timedelta(minutes=profile.door_lockout_max_minutes),
            ),
            timedelta(hours=profile.door_pin_window_hours),
        )

    def wait_until(self, db: Reads, now: datetime) -> datetime | None:
        until = db.counter(self.key).locked_until
        return until if until and until > now else None

    def fail(self, db: Writer, now: datetime) -> FailedLookup:
        counter = db.counter(self.key)
        failures = counter.failures
        if counter.last_failure and now - counter.last_failure >= self.quiet_reset:
            failures = 0
        failures += 1
        wait = self.wait.after(failures)
        until = now + wait if wait else None
        db.save_counter(replace(counter, failures=failures, last_failure=now, locked_until=until))
        return FailedLookup(failures, until)

    def forgive(self, db: Writer, code: str) -> None:
        """A found booking clears the kiosk's failed lookups, but each booking only once:
        else whoever knows one code could alternate it with guesses for ever."""
        counter = db.counter(self.key)
        if not counter.failures or code in counter.forgiven:
            return
        db.save_counter(
            replace(counter, failures=0, forgiven=(*counter.forgiven, code)[-FORGIVEN_KEPT:])
        )

    def clear(self, db: Writer) -> None:
        """Staff unlock the kiosk: the next lookup is taken at once."""
        db.remove_counter(self.key)
