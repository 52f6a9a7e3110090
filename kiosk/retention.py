"""How long each kind of personal record is kept: the periods of hotel.toml's [retention]
and, for registration cards, the law of [registration] country (kiosk/registration.py)."""

from __future__ import annotations

from datetime import date, timedelta

from kiosk.profile import HotelProfile


def stay_kept_until(departure: date, profile: HotelProfile) -> date:
    """The last day a stay (its booking, keys and charges) is on file."""
    return departure + timedelta(days=profile.stays_days)


def audit_kept_until(day: date, profile: HotelProfile) -> date:
    """The last day an audit event of `day` is on file."""
    return day + timedelta(days=profile.audit_days)


def help_kept_until(day: date, profile: HotelProfile) -> date:
    """The last day a help request raised on `day` is on file."""
    return day + timedelta(days=profile.help_days)
