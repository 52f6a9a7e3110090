"""Time comes from a clock object so that tests and demos never depend on today's date."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from typing import Protocol
from zoneinfo import ZoneInfo


class Clock(Protocol):
    def now(self) -> datetime:
        """An aware datetime in the hotel's time zone."""
        ...


@dataclass
class SystemClock:
    zone: tzinfo = field(default_factory=lambda: ZoneInfo("UTC"))

    def now(self) -> datetime:
        return datetime.now(self.zone)


@dataclass
class FixedClock:
    """A clock that stands still until a test moves it."""

    current: datetime

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)


def today(clock: Clock) -> date:
    return clock.now().date()
