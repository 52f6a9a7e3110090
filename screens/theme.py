"""The kiosk's one theme: calm, dark, high contrast, with a warm accent for focus."""

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
