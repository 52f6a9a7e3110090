"""The guest's pages at a phone held upright (43×46 cells, as a browser at 390×844 pixels
gives them) and at a small terminal (80×24), as SVG snapshots under __snapshots__/: every
button labelled, the PIN and the whole QR code in sight. Deterministic as the guest
snapshots are (see conftest). Update after a deliberate change with
`pytest tests/test_size_snapshots.py --snapshot-update` and look at the pictures."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from test_guest_snapshots import (
    confirm,
    done,
    door_code,
    identity_choice,
    language_list,
    room_upgrade,
    welcome,
)
from test_offers_snapshots import offers_shown

from helpers import Guest, guest_snapshot

PHONE, SMALL_TERMINAL = (43, 46), (80, 24)


async def registration_card(guest: Guest) -> None:
    await guest.at_the_card("LH4821")


PAGES: list[Callable[[Guest], Awaitable[None]]] = [
    welcome,
    confirm,
    identity_choice,
    offers_shown,
    room_upgrade,
    door_code,
    done,
    language_list,
]


SIZES = pytest.mark.parametrize("size", [PHONE, SMALL_TERMINAL], ids=["phone", "80x24"])
LANGUAGES = pytest.mark.parametrize("language", ["en", "de"])  # German labels are longer


@LANGUAGES
@SIZES
@pytest.mark.parametrize("reach", PAGES, ids=[page.__name__ for page in PAGES])
def test_guest_page_at_size(snap_compare, app, idle_clock, size, reach, language) -> None:
    assert guest_snapshot(snap_compare, app, idle_clock, language, reach, size)


@LANGUAGES
@SIZES
@pytest.mark.usefixtures("german_law")  # the card is German law's
def test_registration_card_at_size(snap_compare, app, idle_clock, size, language) -> None:
    assert guest_snapshot(snap_compare, app, idle_clock, language, registration_card, size)


# Polish and Ukrainian have the longest words of the catalogs: they too fit a phone.
@pytest.mark.parametrize("language", ["pl", "uk"])
@pytest.mark.parametrize("reach", [welcome, door_code], ids=["welcome", "door_code"])
def test_long_words_fit_a_phone(snap_compare, app, idle_clock, reach, language) -> None:
    assert guest_snapshot(snap_compare, app, idle_clock, language, reach, PHONE)
