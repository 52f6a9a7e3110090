"""Printing a card with CUPS `lp`, here a stand-in script on PATH that records how it was
called: the document arrives on standard input, never as a file; a failure is a PrintError;
and the handwritten route leaves the card to sign, printed or not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import fake_lp, polish_card
from kiosk import printing
from kiosk.printing import PrintError, send
from kiosk.registration import CardStatus
from kiosk.signing import Handwritten

PDF = b"%PDF-1.4 the card, with EA1234567\n"


@pytest.fixture
def bin_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder that alone is PATH: no real `lp` answers."""
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", str(folder))
    return folder


def test_the_pdf_goes_to_the_named_printer_on_standard_input(bin_dir: Path) -> None:
    record = fake_lp(bin_dir)
    send("desk-printer", PDF, title="Registration card")
    called = json.loads(record.read_text())
    assert called["stdin"].encode("latin-1") == PDF
    assert called["argv"] == ["-d", "desk-printer", "-t", "Registration card", "-"]


def test_a_printer_that_refuses_the_job_gives_its_reason(bin_dir: Path) -> None:
    fake_lp(bin_dir, exit_status=1, stderr="lp: The printer or class does not exist.\n")
    with pytest.raises(PrintError, match=r"desk-printer.*printer or class does not exist"):
        send("desk-printer", PDF, title="Registration card")


def test_without_lp_printing_says_what_to_install(bin_dir: Path) -> None:
    with pytest.raises(PrintError, match="`lp` is not installed"):
        send("desk-printer", PDF, title="Registration card")


def test_an_lp_that_hangs_is_given_up(bin_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    script = bin_dir / "lp"
    script.write_text("#!/bin/sh\nexec /bin/sleep 30\n", encoding="utf-8")
    script.chmod(0o700)
    monkeypatch.setattr(printing, "LP_TIMEOUT_SECONDS", 0.2)
    with pytest.raises(PrintError, match="no answer"):
        send("desk-printer", PDF, title="Registration card")


def test_with_a_printer_the_card_is_printed_and_still_to_sign(bin_dir: Path) -> None:
    record = fake_lp(bin_dir)
    card = polish_card()
    started = Handwritten("desk-printer").start(card, lambda: PDF)
    assert started.printed and started.problem is None
    assert started.card.status is CardStatus.TO_SIGN
    assert json.loads(record.read_text())["argv"][-3:] == ["-t", printing.CARD_JOB_TITLE, "-"]
    assert "Kowalski" not in printing.CARD_JOB_TITLE


def test_a_failed_print_leaves_the_card_to_sign_with_the_reason(bin_dir: Path) -> None:
    fake_lp(bin_dir, exit_status=1, stderr="lp: paper jam\n")
    started = Handwritten("desk-printer").start(polish_card(), lambda: PDF)
    assert not started.printed
    assert started.problem is not None and "paper jam" in started.problem
    assert started.card.status is CardStatus.TO_SIGN


def test_without_a_printer_the_card_waits_for_staff_unrendered(bin_dir: Path) -> None:
    record = fake_lp(bin_dir)

    def no_pdf_needed() -> bytes:
        raise AssertionError("no printer: nothing to render")

    started = Handwritten("").start(polish_card(), no_pdf_needed)
    assert (started.printed, started.problem) == (False, None)
    assert started.card.status is CardStatus.TO_SIGN
    assert not record.exists()
