"""The kiosk's themes: its own (calm, dark, a warm accent for focus) and the high-contrast one
a guest may switch to (black, white and yellow; every text at least 7:1 on its background,
WCAG 1.4.6, tests/test_access.py)."""

from __future__ import annotations

from textual.theme import Theme

LOBBY_THEME = Theme(
    name="lobby",
    primary="#4F8FBF",
    secondary="#7FB5A8",
    accent="#F2B85B",
    foreground="#EEF2F5",
    background="#14202B",
    surface="#1C2B38",
    panel="#26394A",
    success="#7BC47F",
    warning="#F2B85B",
    error="#E57368",
    dark=True,
)

CONTRAST_THEME = Theme(
    name="lobby-contrast",
    # Main actions white, focus yellow, other buttons dark grey: each stands apart from
    # the black page by its lightness, not by its hue.
    primary="#FFFFFF",
    secondary="#FFFF00",
    accent="#FFFF00",
    foreground="#FFFFFF",
    background="#000000",
    surface="#333333",
    panel="#1F1F1F",
    success="#7CFC7C",
    warning="#FFFF00",
    error="#FF9090",
    dark=True,
    # Muted text would fall below 7:1; in this theme nothing is muted.
    variables={"text-muted": "#FFFFFF", "foreground-muted": "#FFFFFF"},
)
