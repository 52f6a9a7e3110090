"""How long a guest may leave the kiosk alone before their visit is forgotten, and how much
more time "I need more time" gives (WCAG 2.2.1, Timing Adjustable: a guest who reads,
types or moves slowly can extend the limit with one simple action, at least ten times)."""

from __future__ import annotations

from dataclasses import dataclass

MORE_TIME_SECONDS = 120
"""What one press of "I need more time" adds to the hotel's idle timeout."""
MOST_EXTENSIONS = 10
"""Presses that count in one guest's visit: WCAG asks for at least ten. A kiosk left with a
guest's data on screen is a privacy risk, so the time is not endless: 20 minutes more at most."""


@dataclass
class IdleLimit:
    """One guest's idle limit: the hotel's timeout and what the guest added to it."""

    base: int
    """The hotel's `[security] idle_timeout`, in seconds."""
    extensions: int = 0

    @property
    def seconds(self) -> int:
        """Seconds without a touch before the guest's visit is forgotten."""
        return self.base + self.extensions * MORE_TIME_SECONDS

    @property
    def can_extend(self) -> bool:
        return self.extensions < MOST_EXTENSIONS

    @property
    def extended(self) -> bool:
        return self.extensions > 0

    def extend(self) -> bool:
        """One more press of "I need more time"; False (nothing changed) past the limit."""
        if not self.can_extend:
            return False
        self.extensions += 1
        return True

    def reset(self) -> None:
        """The next guest starts with the hotel's own timeout."""
        self.extensions = 0
