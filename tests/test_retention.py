"""Retention (issue 13): what the daily housekeeping and `kiosk purge` delete once its period is
over, that a guest leaves no trace 15 months on, and that nothing goes before its time: not
on a dry run, not on a clock a year ahead, not half of a file on a failed rewrite."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpers import (
    BIRTH,
    DOCUMENT_NUMBER,
    EMAIL,
    FIRST_NAME,
    SURNAME,
    TODAY,
    booking,
    check_in,
    data_files,
    events,
    foreign_guest,
    furnish,
    registration_card,
    reopen,
)
from kiosk import audit
from kiosk.archiving import ArchivePaused
from kiosk.audit import SYSTEM
from kiosk.cli import cli
from kiosk.clock import FixedClock
from kiosk.datadir import DataDir
from kiosk.door import PendingEvents, limit_key
from kiosk.hotel import Hotel, open_hotel
from kiosk.models import AttemptCounter, HelpReason, HelpStatus, Room
from kiosk.storage import StorageError

# A card is kept as German law asks.
pytestmark = pytest.mark.usefixtures("german_law")


def traces(root: Path) -> dict[str, list[str]]:
    """Each file of the data folder holding something of the guest, with what it holds."""
    wanted = [
        SURNAME,
        FIRST_NAME,
        "RT4711",
        EMAIL,
        BIRTH.isoformat(),
        f"{BIRTH:%d.%m.%Y}",
        DOCUMENT_NUMBER,
    ]
    found = {}
    for path in sorted(root.rglob("*")):
        if path.is_file():
            content = path.read_bytes().lower()
            held = [text for text in wanted if text.lower().encode() in content]
            if held:
                found[str(path.relative_to(root))] = held
    return found


def test_fifteen_months_on_no_file_holds_anything_of_the_guest(
    hotel: Hotel, clock: FixedClock, root: Path
) -> None:
    furnish(hotel, [Room("101", 1, "double")], [foreign_guest()])
    check_in(hotel, "RT4711")
    hotel.registrations.save(registration_card(hotel, "RT4711"))
    assert "kiosk.json" in traces(root) and hotel.registrations.of_booking("RT4711")

    # The guest leaves without checking out; the kiosk runs every day for 15 months.
    for _ in range(15 * 31):
        clock.advance(days=1)
        hotel.retention.housekeeping(once_a_day=True)

    assert traces(root) == {}
    assert events(hotel, "records_purged")  # the housekeeping did it, not a lost file


# -- what goes when -------------------------------------------------------------------------


def stay_record(code: str, departure: date) -> dict:
    stay = booking(code, arrival=departure - timedelta(days=2))
    return {"booking": stay.to_doc(), "grants": [], "charges": [], "archived_at": "x"}


def old_event(hotel: Hotel, days_ago: int, action: str = "lookup") -> dict:
    at = hotel.now() - timedelta(days=days_ago)
    return audit.event(at=at, kiosk="k1", actor=SYSTEM, action=action)


def help_record(request_id: int, days_ago: int, hotel: Hotel) -> dict:
    created = (hotel.now() - timedelta(days=days_ago)).isoformat()
    request = {"id": request_id, "kiosk": "k1", "reason": "guest", "booking": None}
    return {"request": {**request, "created_at": created, "status": "closed", "note": None}}


def seed_past(hotel: Hotel) -> None:
    """A record of each kind just within its period and one just past it (the defaults:
    stays 120 days from departure, audit 180, help 90, counters and door events 180)."""
    hotel.archive.history.append(
        [
            stay_record("GONE1", TODAY - timedelta(days=121)),
            stay_record("KEPT1", TODAY - timedelta(days=120)),
        ]
    )
    hotel.audit_archive.append([old_event(hotel, 181, "gone"), old_event(hotel, 179, "kept")])
    hotel.archive.help_history.append([help_record(1, 91, hotel), help_record(2, 89, hotel)])
    long_ago = hotel.now() - timedelta(days=200)
    with hotel.transaction() as db:
        db.add_audit_event(old_event(hotel, 200, "gone_from_main_file"))
        for reason, status in (("open_for_long", HelpStatus.OPEN), ("closed", HelpStatus.CLOSED)):
            number = hotel.help.file(db, SYSTEM, HelpReason.GUEST, None, note=reason)
            request = db.help_request(number)
            assert request is not None
            db.save_help_request(replace(request, created_at=long_ago, status=status))
        db.save_counter(AttemptCounter(limit_key("101"), failed_at=(long_ago,)))
        db.save_counter(AttemptCounter(limit_key("102"), failed_at=(hotel.now(),)))
        db.save_counter(
            AttemptCounter(
                "lookup:k1", failures=1, last_failure=hotel.now(), forgiven=("GONE1", "OPEN1")
            )
        )
        db.add_bookings([booking("OPEN1")])
    # A door's event that could not be written then: the next write folds it into the trail.
    verdict = {"outcome": "open", "method": "pin", "wrong_pin": False, "locked_until": None}
    PendingEvents(hotel.data_dir.root).add(
        {"id": "e1", "at": long_ago.isoformat(), "kiosk": "door", "room": "101", **verdict}
        | {"booking": "GONE1"}
    )


# What seed_past leaves past its period, by kind: audit events in the main file, in
# audit.jsonl and the door's pending one; the closed help request in the main file and the
# one in help.jsonl.
PAST_IN_SEED = {
    "stays": 1,
    "audit_events": 3,
    "help_requests": 2,
    "attempt_counters": 1,
    "forgiven_bookings": 1,
}


def test_the_purge_deletes_what_is_past_its_period_and_nothing_else(hotel: Hotel) -> None:
    seed_past(hotel)

    gone = hotel.retention.purge()

    assert gone.counts() == PAST_IN_SEED
    stays = {record["booking"]["code"] for record in hotel.archive.history.records()}
    assert stays == {"KEPT1"}
    actions = {event["action"] for event in events(hotel)}
    assert {"kept", "records_purged"} <= actions
    assert not {"gone", "gone_from_main_file"} & actions
    assert [r["request"]["id"] for r in hotel.archive.help_history.records()] == [2]
    notes = [request.note for request in hotel.gateway.help_requests(open_only=False)]
    assert notes == ["open_for_long"]  # somebody is still waiting for that one
    assert [c.key for c in hotel.gateway.counters()] == [limit_key("102"), "lookup:k1"]
    assert hotel.gateway.counter("lookup:k1").forgiven == ("OPEN1",)
    assert not list((hotel.data_dir.root / "door-events").iterdir())
    assert "GONE1" not in json.dumps(events(hotel))
    assert not hotel.retention.due()


def test_the_purge_audits_how_many_went_never_which(hotel: Hotel) -> None:
    seed_past(hotel)
    hotel.retention.purge()

    (purged,) = events(hotel, "records_purged")
    assert purged["booking"] is None and purged["room"] is None
    assert purged["detail"] == PAST_IN_SEED
    assert "GONE1" not in json.dumps(purged)


def test_registration_cards_go_the_day_the_law_lets_them(hotel: Hotel, clock: FixedClock) -> None:
    furnish(hotel, [Room("101", 1, "double")], [foreign_guest()])
    card = registration_card(hotel, "RT4711")
    hotel.registrations.save(card)
    assert card.destroy_on() == TODAY + timedelta(days=365)

    for _ in range(365):
        clock.advance(days=1)
        hotel.retention.housekeeping(once_a_day=True)
        assert hotel.registrations.cards() == ([] if hotel.today() >= card.destroy_on() else [card])
    (purged,) = [e for e in events(hotel, "records_purged") if "registration_cards" in e["detail"]]
    assert purged["detail"]["registration_cards"] == 1


def test_the_daily_purge_runs_once_a_day(hotel: Hotel) -> None:
    hotel.retention.purge(once_a_day=True)
    seed_past(hotel)

    assert not hotel.retention.purge(once_a_day=True)
    assert hotel.retention.due()  # still there, until tomorrow's or a forced purge
    assert hotel.retention.purge()


# -- nothing before its time ----------------------------------------------------------------


def beside_the_main_file(files: dict[str, bytes]) -> dict[str, bytes]:
    return {name: content for name, content in files.items() if not name.startswith("kiosk.json")}


def test_a_clock_a_year_ahead_purges_nothing(hotel: Hotel, clock: FixedClock) -> None:
    furnish(hotel, [Room("101", 1, "double")], [foreign_guest()])
    check_in(hotel, "RT4711")
    hotel.registrations.save(registration_card(hotel, "RT4711"))
    for _ in range(4):  # the stay goes to history; nothing is past its period
        clock.advance(days=1)
        hotel.retention.housekeeping(once_a_day=True)
    assert hotel.archive.history.records()
    before = data_files(hotel.data_dir.root)

    clock.advance(days=366)
    assert hotel.retention.due()  # what the wrong clock takes for due
    with pytest.raises(ArchivePaused):
        hotel.retention.housekeeping(once_a_day=True)
    with pytest.raises(ArchivePaused):
        hotel.retention.purge()

    # The main file has the help request for staff; every other file is as it was.
    assert beside_the_main_file(data_files(hotel.data_dir.root)) == beside_the_main_file(before)
    assert reopen(hotel).archive.history.records()
    assert len(hotel.registrations.cards()) == 1
    assert not events(hotel, "records_purged")
    assert events(hotel, "archive_paused")  # staff are called


def test_a_failed_rewrite_leaves_the_old_file_and_the_main_file(
    hotel: Hotel, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed_past(hotel)
    before = data_files(hotel.data_dir.root)

    def disk_full(*_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("kiosk.storage.os.replace", disk_full)
    with pytest.raises(StorageError, match=r"history\.jsonl"):
        hotel.retention.purge()
    monkeypatch.undo()

    assert data_files(hotel.data_dir.root) == before  # no temporary file left either
    assert reopen(hotel).retention.purge().counts()["stays"] == 1


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_a_dry_run_shows_what_would_go_and_changes_nothing(root: Path) -> None:
    hotel = open_hotel(DataDir(root), kiosk_id="test")  # the command line's clock: the system's
    today = hotel.today()
    hotel.archive.history.append(
        [
            stay_record("GONE1", today - timedelta(days=130)),
            stay_record("GONE2", today - timedelta(days=121)),
            stay_record("KEPT1", today - timedelta(days=3)),
        ]
    )
    with hotel.transaction() as db:
        db.audit(SYSTEM, "opened")
    before = data_files(root)

    outcome = invoke("--data-dir", str(root), "purge", "--dry-run", "--json")
    assert outcome.exit_code == 0, outcome.output
    shown = json.loads(outcome.output)
    assert shown["dry_run"] is True
    assert shown["records"] == [
        {
            "kind": "stays",
            "count": 2,
            "oldest": str(today - timedelta(days=130)),
            "newest": str(today - timedelta(days=121)),
        }
    ]
    assert data_files(root) == before

    outcome = invoke("--data-dir", str(root), "purge")
    assert outcome.exit_code == 0, outcome.output
    assert "stays" in outcome.output and "Deleted" in outcome.output
    assert [r["booking"]["code"] for r in hotel.archive.history.records()] == ["KEPT1"]
    outcome = invoke("--data-dir", str(root), "purge", "--dry-run")
    assert "Nothing is past its retention period" in outcome.output


def test_a_lost_registration_key_stops_the_purge_and_says_so(hotel: Hotel) -> None:
    furnish(hotel, [Room("101", 1, "double")], [foreign_guest()])
    hotel.registrations.save(registration_card(hotel, "RT4711"))
    seed_past(hotel)
    hotel.data_dir.registration_key.unlink()
    before = data_files(hotel.data_dir.root)

    with pytest.raises(StorageError, match=r"registration\.key"):
        reopen(hotel).retention.purge()
    assert data_files(hotel.data_dir.root) == before
