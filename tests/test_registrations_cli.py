"""`kiosk registrations`: staff at the host list the cards, show one whole, print one, and mark
one signed; the list and the audit trail never show a document number."""

from __future__ import annotations

import io
import json
import os
import stat
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from pypdf import PdfReader

from helpers import events, fake_lp, polish_card, set_profile
from kiosk.cli import cli
from kiosk.hotel import Hotel
from kiosk.registration import CardStatus, Country, RegistrationCard

DOCUMENT_NUMBER = "EA1234567"  # helpers.POLISH_GUEST's


def kiosk(hotel: Hotel, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--data-dir", str(hotel.data_dir.root), *args])


@pytest.fixture
def cards(hotel: Hotel) -> tuple[RegistrationCard, RegistrationCard]:
    """Two cards kept: Kowalski's under DE, to sign; Nowak's under AT, signed."""
    waiting = polish_card(Country.DE, "LH1001")
    signed = replace(
        polish_card(Country.AT, "LH1002", surname="Nowak", first_names="Ewa"),
        status=CardStatus.SIGNED,
        signed_by="Arne Agent",
    )
    hotel.registrations.save(waiting)
    hotel.registrations.save(signed)
    return waiting, signed


def test_the_list_shows_each_card_without_its_document_number(
    hotel: Hotel, cards: tuple[RegistrationCard, RegistrationCard]
) -> None:
    waiting, signed = cards
    outcome = kiosk(hotel, "registrations", "list")
    assert outcome.exit_code == 0, outcome.output
    lines = [" ".join(line.split()) for line in outcome.output.splitlines()]
    assert f"{waiting.id} 2026-03-14 2026-03-16 Kowalski Jan Maria to_sign" in lines
    assert f"{signed.id} 2026-03-14 2026-03-16 Nowak Ewa signed" in lines
    assert DOCUMENT_NUMBER not in outcome.output


def test_the_list_of_cards_to_sign_for_scripts(
    hotel: Hotel, cards: tuple[RegistrationCard, RegistrationCard]
) -> None:
    waiting, _ = cards
    outcome = kiosk(hotel, "registrations", "list", "--to-sign", "--json")
    assert outcome.exit_code == 0, outcome.output
    assert json.loads(outcome.output) == [
        {
            "id": waiting.id,
            "arrival": "2026-03-14",
            "departure": "2026-03-16",
            "surname": "Kowalski",
            "first_names": "Jan Maria",
            "status": "to_sign",
        }
    ]


def test_a_house_without_cards_says_so(hotel: Hotel) -> None:
    outcome = kiosk(hotel, "registrations", "list")
    assert (outcome.exit_code, outcome.output) == (0, "No registration cards.\n")


def test_show_gives_every_field_the_document_number_too(
    hotel: Hotel, cards: tuple[RegistrationCard, RegistrationCard]
) -> None:
    _, signed = cards
    text = kiosk(hotel, "registrations", "show", signed.id)
    assert text.exit_code == 0, text.output
    lines = [" ".join(line.split()) for line in text.output.splitlines()]
    assert f"document_number {DOCUMENT_NUMBER}" in lines
    assert "document_authority Wojewoda Mazowiecki" in lines
    assert "signed_by Arne Agent" in lines
    as_json = kiosk(hotel, "registrations", "show", signed.id, "--json")
    assert json.loads(as_json.output) == json.loads(json.dumps(signed.to_doc()))


@pytest.mark.parametrize(
    "command",
    [("show",), ("print", "--output", "card.pdf"), ("sign", "--by", "Arne Agent")],
)
def test_a_card_that_is_not_kept_is_a_clear_error(
    hotel: Hotel,
    cards: tuple[RegistrationCard, RegistrationCard],
    command: tuple[str, ...],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.chdir(tmp_path)
    name, *options = command
    outcome = kiosk(hotel, "registrations", name, "0123456789abcdef", *options)
    assert outcome.exit_code == 1
    assert "no card '0123456789abcdef'" in outcome.output
    assert not (tmp_path / "card.pdf").exists()


def test_cards_sealed_under_another_key_are_a_clear_error(
    hotel: Hotel, cards: tuple[RegistrationCard, RegistrationCard]
) -> None:
    hotel.data_dir.registration_key.write_bytes(bytes(32))
    outcome = kiosk(hotel, "registrations", "list")
    assert outcome.exit_code == 1
    assert "does not open with" in outcome.output


def test_print_to_a_file_only_its_owner_reads(
    hotel: Hotel, cards: tuple[RegistrationCard, RegistrationCard], tmp_path: Path
) -> None:
    waiting, _ = cards
    target = tmp_path / "card.pdf"
    outcome = kiosk(hotel, "registrations", "print", waiting.id, "--output", str(target))
    assert outcome.exit_code == 0, outcome.output
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    text = PdfReader(io.BytesIO(target.read_bytes())).pages[0].extract_text()
    assert "Kowalski" in text and DOCUMENT_NUMBER in text
    again = kiosk(hotel, "registrations", "print", waiting.id, "--output", str(target))
    assert again.exit_code == 1
    assert "exists already" in again.output


def test_print_without_a_printer_or_a_file_says_what_to_do(
    hotel: Hotel, cards: tuple[RegistrationCard, RegistrationCard]
) -> None:
    outcome = kiosk(hotel, "registrations", "print", cards[0].id)
    assert outcome.exit_code == 1
    assert "[registration] printer" in outcome.output and "--output" in outcome.output


def test_print_sends_the_card_to_the_house_printer(
    hotel: Hotel,
    cards: tuple[RegistrationCard, RegistrationCard],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    set_profile(hotel.data_dir.root, "printer", '"desk-printer"')
    record = fake_lp(tmp_path / "bin")
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    outcome = kiosk(hotel, "registrations", "print", cards[0].id)
    assert outcome.exit_code == 0, outcome.output
    called = json.loads(record.read_text())
    assert called["argv"][:2] == ["-d", "desk-printer"]
    assert called["stdin"].startswith("%PDF")


def test_sign_marks_the_card_signed_and_audits_its_id_only(
    hotel: Hotel, cards: tuple[RegistrationCard, RegistrationCard]
) -> None:
    waiting, _ = cards
    outcome = kiosk(hotel, "registrations", "sign", waiting.id, "--by", "Marta Manager")
    assert outcome.exit_code == 0, outcome.output
    card = hotel.registrations.card(waiting.id)
    assert (card.status, card.signed_by) == (CardStatus.SIGNED, "Marta Manager")
    [event] = events(hotel, "card_signed")
    assert event["actor"] == "staff:Marta Manager"
    assert event["detail"] == {"card": waiting.id}
    assert event["booking"] is None
    for personal in ("Kowalski", DOCUMENT_NUMBER, "1985"):
        assert personal not in json.dumps(event)


def test_a_card_signed_already_stays_as_it_was(
    hotel: Hotel, cards: tuple[RegistrationCard, RegistrationCard]
) -> None:
    _, signed = cards
    outcome = kiosk(hotel, "registrations", "sign", signed.id, "--by", "Marta Manager")
    assert outcome.exit_code == 0, outcome.output
    assert "signed already (seen by Arne Agent)" in outcome.output
    assert hotel.registrations.card(signed.id).signed_by == "Arne Agent"
    assert events(hotel, "card_signed") == []


def test_sign_needs_a_name(hotel: Hotel, cards: tuple[RegistrationCard, RegistrationCard]) -> None:
    outcome = kiosk(hotel, "registrations", "sign", cards[0].id, "--by", "  ")
    assert outcome.exit_code == 1
    assert "--by takes a name" in outcome.output
