"""Large text and high contrast on the welcome and door code pages, at the usual size and at
80×24, and the "Aa Display" panel, as SVG snapshots under __snapshots__/ (deterministic as
the guest snapshots are, see conftest). Update after a deliberate change with
`pytest tests/test_access_snapshots.py --snapshot-update` and look at the pictures."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from test_guest_snapshots import door_code, welcome

from helpers import SIZE, Guest, guest_snapshot

SMALL_TERMINAL = (80, 24)


def switched_on(*switches: str) -> Callable[[Guest], Awaitable[None]]:
    """The guest turns `switches` on in the panel, by taps, and closes it."""

    async def switch(guest: Guest) -> None:
        await guest.click("#access")
        for switch in switches:
            await guest.click(f"#{switch}")
        await guest.click("#close-access")

    return switch


def then(*steps: Callable[[Guest], Awaitable[None]]) -> Callable[[Guest], Awaitable[None]]:
    async def reach(guest: Guest) -> None:
        for step in steps:
            await step(guest)

    return reach


MODES = pytest.mark.parametrize("mode", ["large-text", "high-contrast"])
PAGES = pytest.mark.parametrize("page", [welcome, door_code], ids=["welcome", "door_code"])


@MODES
@PAGES
@pytest.mark.parametrize("size", [SIZE, SMALL_TERMINAL], ids=["100x30", "80x24"])
def test_display_mode(snap_compare, app, idle_clock, mode, page, size) -> None:
    reach = then(switched_on(mode), page)
    assert guest_snapshot(snap_compare, app, idle_clock, "en", reach, size)


async def panel_with_more_time(guest: Guest) -> None:
    await guest.click("#access")
    await guest.click("#large-text")
    await guest.click("#more-time")


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_display_panel(snap_compare, app, idle_clock, language) -> None:
    assert guest_snapshot(snap_compare, app, idle_clock, language, panel_with_more_time)
