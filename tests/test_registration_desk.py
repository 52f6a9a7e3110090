"""The registration card between the kiosk and the desk: a house with a card printer prints
each card as the guest completes it, and the guest's privacy receipt on request; a printer
that fails calls staff and holds no guest up; staff see the cards to sign in the Cards tab,
print one again and mark it signed."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from helpers import (
    AGENT,
    SIZE,
    Guest,
    click,
    events,
    fake_lp,
    kiosk_app,
    log_in,
    reopen,
    set_profile,
    shown,
    until,
)
from kiosk.models import HelpReason
from kiosk.registration import CardStatus

ERIKSSON = "LH4821"


@pytest.fixture
def printed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where the stand-in `lp` on PATH records what it printed (helpers.fake_lp)."""
    folder = tmp_path / "bin"
    record = fake_lp(folder)
    monkeypatch.setenv("PATH", f"{folder}:{Path('/usr/bin')}:{Path('/bin')}")
    return record


@pytest.fixture
def printing_house(desk_hotel, root):
    """The desk house under German law, with a card printer at the desk."""
    set_profile(root, "country", '"DE"')
    set_profile(root, "printer", '"desk"')
    return reopen(desk_hotel, kiosk_id=desk_hotel.kiosk_id)


def _printed_text(record: Path) -> str:
    pdf = json.loads(record.read_text())["stdin"].encode("latin-1")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


async def _register(guest: Guest) -> None:
    await guest.at_the_card(ERIKSSON)
    await guest.card_address()
    await guest.submit_card()
    await guest.past_the_card()


async def _to_goodbye(guest: Guest) -> None:
    await guest.no_thanks()
    await guest.click("#show-key")
    await guest.click("#next")
    await until(guest.pilot, lambda: guest.on("DonePage"), "the goodbye")


async def test_the_card_is_printed_at_the_desk_and_staff_mark_it_signed(
    printing_house, printed, idle_clock
) -> None:
    from textual.widgets import DataTable

    app = kiosk_app(printing_house, idle_clock)
    async with app.run_test(size=SIZE) as pilot:
        guest = Guest(pilot, idle_clock)
        await _register(guest)
        text = _printed_text(printed)
        assert "Storgatan 1" in text and "Eriksson" in text
        await _to_goodbye(guest)
        assert shown(app, "Your registration card is printed at the reception desk")
        await guest.click("#finish")

        printed.unlink()
        await log_in(pilot, AGENT)
        await click(pilot, "#--content-tab-cards")
        await pilot.pause()
        assert shown(app, "Registration cards: 1 to sign; printer desk")
        table = app.screen.query_one("#cards-table", DataTable)
        assert [str(cell) for cell in table.get_row_at(0)][1:4] == [
            "Anna Eriksson",
            "SWE",
            "to sign",
        ]
        await click(pilot, "#card-print")  # the guest lost it: once more
        assert "Storgatan 1" in _printed_text(printed)
        await click(pilot, "#card-sign")
        assert shown(app, "The card of Anna Eriksson is signed.")
        assert shown(app, "0 to sign")
    (card,) = printing_house.registrations.cards()
    assert (card.status, card.signed_by) == (CardStatus.SIGNED, AGENT.name)
    (signed,) = events(printing_house, "card_signed")
    assert signed["actor"] == f"staff:{AGENT.name}" and signed["detail"] == {"card": card.id}


async def test_a_printer_that_fails_calls_staff_and_the_guest_goes_on(
    printing_house, tmp_path, monkeypatch, idle_clock
) -> None:
    folder = tmp_path / "bin"
    fake_lp(folder, exit_status=1, stderr="lp: The printer or class does not exist.\n")
    monkeypatch.setenv("PATH", f"{folder}:/usr/bin:/bin")
    app = kiosk_app(printing_house, idle_clock)
    async with app.run_test(size=SIZE) as pilot:
        guest = Guest(pilot, idle_clock)
        await _register(guest)
        await _to_goodbye(guest)
        assert shown(app, "Your registration card is ready at the reception desk")
    (card,) = printing_house.registrations.cards()
    assert card.status is CardStatus.TO_SIGN
    waiting = [
        request
        for request in printing_house.gateway.help_requests()
        if request.reason == HelpReason.CARD_NOT_PRINTED
    ]
    assert len(waiting) == 1 and "does not exist" in (waiting[0].note or "")


async def test_the_guest_prints_what_is_kept_with_the_card(
    printing_house, printed, idle_clock
) -> None:
    app = kiosk_app(printing_house, idle_clock)
    async with app.run_test(size=SIZE) as pilot:
        guest = Guest(pilot, idle_clock)
        await _register(guest)
        await _to_goodbye(guest)
        await guest.click("#privacy")
        printed.unlink()
        await guest.click("#privacy-print")
        assert shown(app, "Printed at the reception desk")
    text = _printed_text(printed)
    assert "What we keep about you, and until when" in text
    assert "Your registration card, sealed" in text and "Storgatan 1" in text


async def test_staff_step_in_while_a_guest_fills_in_the_card(printing_house, idle_clock) -> None:
    app = kiosk_app(printing_house, idle_clock)
    async with app.run_test(size=SIZE) as pilot:
        guest = Guest(pilot, idle_clock)
        await guest.at_the_card(ERIKSSON)
        await log_in(pilot, AGENT)
        assert shown(app, "identified, filling in the registration card")


def test_every_step_of_a_check_in_has_words_for_staff() -> None:
    from kiosk.session import Step
    from screens.staff.session_panel import STEP_TEXT

    assert set(STEP_TEXT) == set(Step)
