"""The offers page in both languages at 100×30, as SVG snapshots under __snapshots__/: as
the guest first sees it (nothing chosen), and with one offer added and one declined, the
total in sight. Deterministic as the guest snapshots are (see conftest)."""

from __future__ import annotations

import pytest

from helpers import Guest, guest_snapshot


async def offers_shown(guest: Guest) -> None:
    await guest.confirm("LH4821")
    await guest.by_hand("12.08.1974")


async def offers_answered(guest: Guest) -> None:
    await offers_shown(guest)
    await guest.click("#add-breakfast")
    await guest.click("#skip-late_check_out")


@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize("reach", [offers_shown, offers_answered], ids=lambda step: step.__name__)
def test_offers_page(snap_compare, app, idle_clock, language: str, reach) -> None:
    assert guest_snapshot(snap_compare, app, idle_clock, language, reach)
