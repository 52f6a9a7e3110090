"""What the daily archive may move to history: stays that are clearly over, and only while
the host clock agrees with the data.

A clock that jumps ahead makes stays look over that are not (issue 9: five days ahead, the
day's arrivals went to history). Two guards, each enough on its own against jumps up to the
margin: a stay waits `archive_after_days` past its departure day, and the clock must not be
further than that margin ahead of the last record written, nor behind it. So a clock that is
wrong by more than the margin is noticed before it moves anything, and one that is wrong by
less cannot move a stay that is not over.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from kiosk.models import BookingStatus
from kiosk.storage import StorageError

# The help request staff close once they have checked the host clock; while one is open,
# nothing is archived (a record written meanwhile may carry the wrong time itself).
CLOCK_HELP_REASON = "clock_jump"
# One record: the time of the last write, which the next write compares its clock with.
LAST_WRITE_TABLE = "last_write"
# Every kiosk of a house runs on its one host, so records come from one clock; a few
# minutes absorb a time-sync step without calling a small correction a jump.
CLOCK_BEHIND_TOLERANCE = timedelta(minutes=5)


class ArchivePaused(StorageError):
    """The archive moved nothing because the clock is out of line with the data."""


class RestoreError(Exception):
    """`kiosk history restore` cannot bring this stay back; the message says why."""


def stay_is_over(booking: dict[str, Any], today: date, after_days: int) -> bool:
    if booking.get("status") == BookingStatus.CHECKED_OUT:
        return True
    return date.fromisoformat(booking["departure"]) < today - timedelta(days=after_days)


def clock_out_of_line(now: datetime, last_written: datetime | None, after_days: int) -> str | None:
    """Why `now` cannot be trusted to archive, or None. `last_written`: the time of the
    last record written (None in a house with no records yet)."""
    if last_written is None:
        return None
    if now < last_written - CLOCK_BEHIND_TOLERANCE:
        return (f"the clock ({now:%Y-%m-%d %H:%M}) is {_span(last_written - now)} behind the last "
                f"record written ({last_written:%Y-%m-%d %H:%M})")
    if now - last_written > timedelta(days=after_days):
        return (f"the clock ({now:%Y-%m-%d %H:%M}) is {_span(now - last_written)} ahead of the last "
                f"record written ({last_written:%Y-%m-%d %H:%M})")
    return None


def _span(delta: timedelta) -> str:
    minutes = round(delta.total_seconds() / 60)
    if minutes < 60:
        return f"{minutes} minutes"
    hours = minutes // 60
    return f"{hours // 24} days {hours % 24} hours" if hours >= 24 else f"{hours} hours"
