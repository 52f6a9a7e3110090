"""Erasing one guest at once (issue 13, GDPR Art. 17): what goes, what the law keeps, who is
refused, and that the audit trail says why without naming the guest."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpers import (
    AGENT,
    BIRTH,
    EMAIL,
    FIRST_NAME,
    SURNAME,
    TODAY,
    check_in,
    data_files,
    events,
    foreign_guest,
    furnish,
    registration_card,
    reopen,
)
from kiosk.audit import Actor
from kiosk.cli import cli
from kiosk.clock import FixedClock
from kiosk.datadir import DataDir
from kiosk.erasure import ErasureError, erase_guest
from kiosk.hotel import Hotel, open_hotel
from kiosk.models import BookingStatus, HelpReason, Room
from kiosk.session import CheckInSession, Rejected

STAFF = Actor("staff", AGENT.name)
REASON = "guest asked by e-mail, ticket 4412"

# A card is kept as German law asks.
pytestmark = pytest.mark.usefixtures("german_law")


def personal(text: str) -> list[str]:
    return [
        word
        for word in (SURNAME, FIRST_NAME, EMAIL, BIRTH.isoformat(), "NGA")
        if word.lower() in text.lower()
    ]


def test_an_open_booking_is_erased_and_no_lookup_finds_it(hotel: Hotel) -> None:
    furnish(hotel, [Room("101", 1, "double")], [foreign_guest()])
    with hotel.transaction() as db:
        hotel.help.file(db, Actor("guest"), HelpReason.GUEST, "RT4711", note="at the door")

    done = erase_guest(hotel, "rt 4711", STAFF, REASON)

    assert done.open and done.cancelled and done.help_notes == 1 and done.card_id is None
    assert done.stay_kept_until == TODAY + timedelta(days=2 + hotel.profile.stays_days)
    again = reopen(hotel)  # the store's record checks take the erased booking
    stay = again.gateway.booking("RT4711")
    assert stay is not None
    assert (stay.last_name, stay.first_name, stay.email, stay.nationality) == ("", "", "", "")
    assert stay.date_of_birth is None and stay.identity is None
    assert stay.status is BookingStatus.CANCELLED
    assert (stay.arrival, stay.departure) == (TODAY, TODAY + timedelta(days=2))
    assert isinstance(CheckInSession(again).find("RT4711", SURNAME), Rejected)
    assert [request.note for request in again.gateway.help_requests()] == [None]
    assert personal((again.data_dir.database).read_text(encoding="utf-8")) == []


def departed_with_a_card(hotel: Hotel, clock: FixedClock) -> None:
    """The guest checked in, filled in a card, left; the stay went to history."""
    furnish(hotel, [Room("101", 1, "double")], [foreign_guest()])
    check_in(hotel, "RT4711")
    hotel.registrations.save(registration_card(hotel, "RT4711"))
    for _ in range(5):
        clock.advance(days=1)
        hotel.retention.housekeeping(once_a_day=True)
    assert hotel.gateway.booking("RT4711") is None


def test_a_stay_in_history_is_erased_and_the_card_is_kept(hotel: Hotel, clock: FixedClock) -> None:
    departed_with_a_card(hotel, clock)
    card = hotel.registrations.of_booking("RT4711")
    assert card is not None

    done = erase_guest(hotel, "RT4711", STAFF, REASON)

    assert not done.open and done.history_copies == 1 and not done.cancelled
    assert (done.card_id, done.card_destroyed_on) == (card.id, TODAY + timedelta(days=365))
    history = hotel.data_dir.history.read_text(encoding="utf-8")
    assert personal(history) == [] and "RT4711" in history  # the books stay
    (record,) = hotel.archive.history.records()
    assert record["booking"]["assigned_rooms"] == ["101"] and record["grants"]
    assert hotel.registrations.card(card.id) == card  # BMG §30(4) keeps it


def test_the_audit_says_who_and_why_and_no_name(hotel: Hotel, clock: FixedClock) -> None:
    departed_with_a_card(hotel, clock)
    erase_guest(hotel, "RT4711", STAFF, REASON)

    (erased,) = events(hotel, "guest_erased")
    assert erased["actor"] == f"staff:{AGENT.name}" and erased["booking"] == "RT4711"
    assert erased["detail"] == {
        "reason": REASON,
        "history_copies": 1,
        "help_notes": 0,
        "card_kept": True,
    }
    assert personal(json.dumps(events(hotel))) == []


def test_a_checked_in_guest_is_refused_and_nothing_changes(hotel: Hotel) -> None:
    furnish(hotel, [Room("101", 1, "double")], [foreign_guest()])
    check_in(hotel, "RT4711")
    before = data_files(hotel.data_dir.root)

    with pytest.raises(ErasureError, match="check the guest out first"):
        erase_guest(hotel, "RT4711", STAFF, REASON)
    assert data_files(hotel.data_dir.root) == before


@pytest.mark.parametrize(
    ("code", "reason", "message"),
    [
        ("NOPE99", REASON, "There is no booking NOPE99, open or in history. Nothing erased."),
        ("RT4711", "  ", "Give a reason for the erasure (it goes to the audit trail)."),
    ],
)
def test_a_bad_code_or_no_reason_erases_nothing(
    hotel: Hotel, code: str, reason: str, message: str
) -> None:
    furnish(hotel, [Room("101", 1, "double")], [foreign_guest()])
    before = data_files(hotel.data_dir.root)

    with pytest.raises(ErasureError) as refused:
        erase_guest(hotel, code, STAFF, reason)
    assert str(refused.value) == message
    assert data_files(hotel.data_dir.root) == before


def test_kiosk_erase_says_what_went_and_what_stays_until_when(root: Path) -> None:
    hotel = open_hotel(DataDir(root), kiosk_id="test")  # the command line's clock
    furnish(hotel, [Room("101", 1, "double")], [foreign_guest(arrival=hotel.today())])
    card = registration_card(hotel, "RT4711")
    hotel.registrations.save(card)

    outcome = CliRunner().invoke(
        cli, ["--data-dir", str(root), "erase", "RT4711", "--reason", REASON, "--by", AGENT.name]
    )

    assert outcome.exit_code == 0, outcome.output
    said = " ".join(outcome.output.split())
    assert "names, date of birth, e-mail, nationality" in said
    kept_until = hotel.today() + timedelta(days=2 + hotel.profile.stays_days)
    assert f"Kept until {kept_until}: the stay's code, dates, rooms" in said
    assert f"registration card {card.id}, destroyed on {card.destroy_on()}" in said
    assert personal(outcome.output) == []

    outcome = CliRunner().invoke(
        cli, ["--data-dir", str(root), "erase", "NOPE99", "--reason", REASON, "--by", "x"]
    )
    assert outcome.exit_code == 1 and "There is no booking NOPE99" in outcome.output
