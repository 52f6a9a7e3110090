"""How long a kiosk waits before it checks another staff PIN.

Wrong staff PINs count per kiosk, over a window of time that a right PIN does not reset.
The first few in the window are free (a slip of the finger); after that, each further try
waits twice as long as the one before, up to a longest wait. Nobody is ever locked out:
the right PIN works as soon as the wait is over, and someone guessing at one kiosk slows
down that kiosk only, never the desk's or another kiosk's login (issue 10: five wrong PINs
anywhere used to lock every kiosk for five minutes, the right PIN refused).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from kiosk.profile import HotelProfile


@dataclass(frozen=True)
class LoginDelay:
    free_tries: int
    """Wrong PINs in the window before the kiosk starts to wait."""
    window: timedelta
    """How long a wrong PIN counts."""
    longest_wait: timedelta

    @classmethod
    def for_staff(cls, profile: HotelProfile) -> LoginDelay:
        return cls(
            free_tries=profile.staff_pin_attempts,
            window=timedelta(minutes=profile.staff_pin_window_minutes),
            longest_wait=timedelta(seconds=profile.staff_pin_longest_wait),
        )

    def counted(self, wrong_at: Iterable[datetime], now: datetime) -> list[datetime]:
        """The wrong PINs that still count at `now`, oldest first."""
        return sorted(moment for moment in wrong_at if moment > now - self.window)

    def next_try_at(self, wrong_at: Iterable[datetime], now: datetime) -> datetime | None:
        """When the kiosk checks the next PIN, or None when it may check one now."""
        counted = self.counted(wrong_at, now)
        beyond_free = len(counted) - self.free_tries
        if beyond_free < 0:
            return None
        # The exponent is capped: a day of guesses must not make a number timedelta refuses.
        doubling = timedelta(seconds=2.0 ** min(beyond_free, 32))
        next_try = counted[-1] + min(doubling, self.longest_wait)
        return next_try if next_try > now else None

    def tries_left(self, wrong_at: Iterable[datetime], now: datetime) -> int:
        """Wrong PINs still free before the kiosk starts to wait."""
        return max(0, self.free_tries - len(self.counted(wrong_at, now)))
