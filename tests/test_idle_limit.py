"""The idle limit: the hotel's timeout, and what "I need more time" adds to it (WCAG 2.2.1)."""

from __future__ import annotations

from kiosk.idle_limit import MORE_TIME_SECONDS, MOST_EXTENSIONS, IdleLimit


def test_a_guest_starts_with_the_hotels_timeout() -> None:
    limit = IdleLimit(60)
    assert limit.seconds == 60 and not limit.extended and limit.can_extend


def test_each_press_adds_two_minutes() -> None:
    limit = IdleLimit(60)
    assert limit.extend() and limit.seconds == 60 + MORE_TIME_SECONDS == 180
    assert limit.extend() and limit.seconds == 300 and limit.extended


def test_at_least_ten_presses_count_and_no_more_than_the_limit() -> None:
    limit = IdleLimit(60)
    assert MOST_EXTENSIONS >= 10  # WCAG 2.2.1: the guest may extend at least ten times
    assert all(limit.extend() for _ in range(MOST_EXTENSIONS))
    longest = limit.seconds
    assert not limit.can_extend and not limit.extend() and limit.seconds == longest


def test_the_next_guest_starts_afresh() -> None:
    limit = IdleLimit(60)
    limit.extend()
    limit.reset()
    assert limit.seconds == 60 and not limit.extended
