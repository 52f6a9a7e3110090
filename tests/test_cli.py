"""The `kiosk` command line (issue 2, items 5, 8 and 9): help texts, looking at the data,
staff accounts, the audit trail and the demo seeding rules."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from helpers import data_files
from kiosk import datadir
from kiosk.cli import cli
from kiosk.datadir import DataDir
from kiosk.hotel import Hotel, open_hotel


def invoke(*args: str, input: str | None = None, env: dict | None = None):
    return CliRunner().invoke(cli, list(args), input=input, env=env)


def command_paths(group: click.Group = cli, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    paths = []
    for name, command in sorted(group.commands.items()):
        paths.append((*prefix, name))
        if isinstance(command, click.Group):
            paths += command_paths(command, (*prefix, name))
    return paths


def command_at(path: tuple[str, ...]) -> click.Command:
    command: click.Command = cli
    for name in path:
        command = command.commands[name]  # type: ignore[attr-defined]
    return command


def words(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def demo_dir(tmp_path: Path) -> Path:
    """`kiosk demo --no-app` on a fresh folder: the demo on today's real date."""
    root = tmp_path / "demo"
    outcome = invoke("demo", "--no-app", "--data-dir", str(root))
    assert outcome.exit_code == 0, outcome.output
    return root


def house(root: Path) -> Hotel:
    return open_hotel(DataDir(root), kiosk_id="test")


# -- help -----------------------------------------------------------------------------------


def test_top_level_help_lists_every_command() -> None:
    outcome = invoke("--help")
    assert outcome.exit_code == 0
    assert "self-service hotel check-in" in outcome.output
    for name in cli.commands:
        assert f"  {name} " in outcome.output
    for option in ("--data-dir", "--kiosk-id", "KIOSK_DATA_DIR"):
        assert option in outcome.output


EXPECTED_COMMANDS = {
    ("run",),
    ("demo",),
    ("serve",),
    ("import",),
    ("import", "bookings"),
    ("import", "rooms"),
    ("bookings",),
    ("rooms",),
    ("audit",),
    ("key",),
    ("key", "verify"),
    ("staff",),
    ("staff", "add"),
    ("staff", "list"),
    ("staff", "remove"),
    ("staff", "reset-pin"),
}


def test_every_command_of_the_issue_exists() -> None:
    assert set(command_paths()) >= EXPECTED_COMMANDS


@pytest.mark.parametrize("path", command_paths(), ids=" ".join)
def test_every_subcommand_describes_itself(path: tuple[str, ...]) -> None:
    command = command_at(path)
    assert command.help and command.help.strip(), f"kiosk {' '.join(path)} has no help text"
    outcome = invoke(*path, "--help")
    assert outcome.exit_code == 0, outcome.output
    assert (
        f"Usage: cli {' '.join(path)}" in outcome.output
        or f"Usage: kiosk {' '.join(path)}" in outcome.output
    )
    first_paragraph = command.help.strip().split("\n\n")[0]
    assert words(first_paragraph) in words(outcome.output)
    for parameter in command.params:
        if isinstance(parameter, click.Option):
            assert parameter.help, f"kiosk {' '.join(path)} {parameter.opts[0]} has no help text"
            assert parameter.opts[0] in outcome.output


def test_console_script_and_module_entry_points() -> None:
    script = Path(sys.executable).parent / "kiosk"
    for command in ([str(script), "--help"], [sys.executable, "-m", "kiosk", "import", "--help"]):
        done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith("Usage: kiosk")


def test_unknown_command_exits_non_zero() -> None:
    outcome = invoke("chek-in")
    assert outcome.exit_code == 2 and "No such command" in outcome.output


# -- demo -----------------------------------------------------------------------------------


def test_demo_seeds_an_empty_folder_and_prints_the_codes(demo_dir: Path) -> None:
    hotel = house(demo_dir)
    assert (
        len(hotel.gateway.rooms()) == 40
        and len({room.floor for room in hotel.gateway.rooms()}) == 4
    )
    assert 3 <= len({room.type for room in hotel.gateway.rooms()}) <= 4
    assert len(hotel.gateway.bookings()) == 15
    assert len(hotel.gateway.bookings(arrival=hotel.today())) >= 13
    assert [b.code for b in hotel.gateway.bookings(status="checked_in")] == ["LH8471"]
    assert [b.code for b in hotel.gateway.bookings(status="cancelled")] == ["LH8356"]
    assert [b.code for b in hotel.gateway.bookings(arrival=hotel.today() + timedelta(days=1))] == [
        "LH8533"
    ]
    outcome = invoke("demo", "--no-app", "--data-dir", str(demo_dir))
    assert outcome.exit_code == 0
    assert "LH4821" in outcome.output and "LH8290" in outcome.output


def test_demo_on_a_seeded_folder_does_not_seed_twice(demo_dir: Path) -> None:
    before = house(demo_dir)
    outcome = invoke("demo", "--no-app", "--data-dir", str(demo_dir))
    assert outcome.exit_code == 0, outcome.output
    after = house(demo_dir)
    assert len(after.gateway.bookings()) == len(before.gateway.bookings()) == 15
    assert len(after.gateway.rooms()) == 40


def test_demo_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    folder = tmp_path / "my-documents"
    folder.mkdir()
    (folder / "notes.txt").write_text("do not touch", encoding="utf-8")
    before = data_files(folder)
    outcome = invoke("demo", "--no-app", "--data-dir", str(folder))
    assert outcome.exit_code != 0
    assert "empty" in outcome.output
    assert data_files(folder) == before  # nothing written into somebody else's folder


def test_demo_seeds_an_existing_empty_folder(tmp_path: Path) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    assert invoke("demo", "--no-app", "--data-dir", str(folder)).exit_code == 0
    assert len(house(folder).gateway.bookings()) == 15


def test_demo_without_a_folder_uses_a_fresh_temporary_one(tmp_path: Path, monkeypatch) -> None:
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.delenv(datadir.ENV_VAR, raising=False)
    outcome = invoke("demo", "--no-app")
    assert outcome.exit_code == 0, outcome.output
    (created,) = [p for p in tmp_path.iterdir() if p.name.startswith("kiosk-demo-")]
    assert str(created) in outcome.output
    assert len(house(created).gateway.bookings()) == 15


# -- looking at the data --------------------------------------------------------------------


def test_bookings_json_with_filters(demo_dir: Path) -> None:
    today = house(demo_dir).today()
    every = json.loads(invoke("--data-dir", str(demo_dir), "bookings", "--json").output)
    assert len(every) == 15
    assert {
        "code",
        "last_name",
        "first_name",
        "arrival",
        "departure",
        "room_type",
        "status",
        "assigned_rooms",
    } <= set(every[0])
    mueller = next(b for b in every if b["code"] == "LH6144")
    assert (mueller["last_name"], mueller["first_name"]) == ("Müller", "Jürgen")

    tomorrow = json.loads(
        invoke(
            "--data-dir",
            str(demo_dir),
            "bookings",
            "--json",
            "--arrival",
            str(today + timedelta(days=1)),
        ).output
    )
    assert [b["code"] for b in tomorrow] == ["LH8533"]
    arriving = json.loads(
        invoke("--data-dir", str(demo_dir), "bookings", "--json", "--arrival", str(today)).output
    )
    assert len(arriving) == 14 and all(b["arrival"] == str(today) for b in arriving)
    cancelled = json.loads(
        invoke("--data-dir", str(demo_dir), "bookings", "--json", "--status", "cancelled").output
    )
    assert [b["code"] for b in cancelled] == ["LH8356"]
    both = json.loads(
        invoke(
            "--data-dir",
            str(demo_dir),
            "bookings",
            "--json",
            "--status",
            "checked_in",
            "--arrival",
            str(today),
        ).output
    )
    assert [(b["code"], b["status"]) for b in both] == [("LH8471", "checked_in")]
    assert len(both[0]["assigned_rooms"]) == 1
    assert invoke("--data-dir", str(demo_dir), "bookings", "--status", "lost").exit_code == 2
    assert invoke("--data-dir", str(demo_dir), "bookings", "--arrival", "14.03.2026").exit_code == 2


def test_bookings_table_is_readable(demo_dir: Path) -> None:
    outcome = invoke("--data-dir", str(demo_dir), "bookings")
    assert outcome.exit_code == 0
    lines = outcome.output.splitlines()
    assert lines[0].split() == [
        "code",
        "guest",
        "arrival",
        "departure",
        "type",
        "rooms",
        "status",
        "assigned",
    ]
    assert len(lines) == 2 + 15
    assert any("Jürgen Müller" in line and "LH6144" in line for line in lines)
    assert any("Siobhan O'Brien" in line for line in lines)


def test_rooms_json_shows_the_occupant(demo_dir: Path) -> None:
    outcome = invoke("--data-dir", str(demo_dir), "rooms", "--json")
    assert outcome.exit_code == 0
    rooms = json.loads(outcome.output)
    assert len(rooms) == 40
    (occupied,) = [room for room in rooms if room["occupant"]]
    assert occupied["occupant"] == "LH8471"
    assert [occupied["number"]] == house(demo_dir).gateway.booking("LH8471").assigned_rooms
    assert {"number", "floor", "type", "status", "features", "occupant"} <= set(occupied)
    table = invoke("--data-dir", str(demo_dir), "rooms").output.splitlines()
    assert table[0].split() == ["room", "floor", "type", "status", "occupant"]
    assert any(
        line.split()[0] == occupied["number"] and line.split()[-1] == "LH8471" for line in table
    )


def test_kiosk_data_dir_environment_variable(demo_dir: Path) -> None:
    outcome = invoke("bookings", "--json", env={datadir.ENV_VAR: str(demo_dir)})
    assert len(json.loads(outcome.output)) == 15


def test_default_data_dir_is_the_platform_user_data_folder(monkeypatch) -> None:
    monkeypatch.delenv(datadir.ENV_VAR, raising=False)
    assert datadir.resolve(None).name == "lobby-kiosk"
    monkeypatch.setenv(datadir.ENV_VAR, "/srv/kiosk")
    assert datadir.resolve(None) == Path("/srv/kiosk")
    assert datadir.resolve("/elsewhere") == Path("/elsewhere")


def test_a_corrupt_data_file_is_named_and_left_alone(demo_dir: Path) -> None:
    path = demo_dir / "kiosk.json"
    path.write_bytes(path.read_bytes()[:100])
    broken = path.read_bytes()
    outcome = invoke("--data-dir", str(demo_dir), "bookings")
    assert outcome.exit_code != 0 and str(path) in outcome.output
    assert "Traceback" not in outcome.output
    assert path.read_bytes() == broken


# -- commands that only look (issue 9) ---------------------------------------------------------

LOOKING = [("bookings",), ("bookings", "--json"), ("rooms",), ("audit", "--json")]


def folder_state(root: Path) -> dict[str, tuple[int, bytes | None]]:
    """Every entry under `root`, the folder itself included: its mode and, for a file, its bytes."""
    return {
        str(path.relative_to(root)): (
            path.stat().st_mode,
            path.read_bytes() if path.is_file() else None,
        )
        for path in [root, *sorted(root.rglob("*"))]
    }


@pytest.mark.parametrize("command", LOOKING, ids=" ".join)
def test_a_command_that_only_looks_changes_nothing_in_the_data_directory(
    demo_dir: Path, command
) -> None:
    demo_dir.chmod(0o750)  # the operator's choice, e.g. for a backup group
    before = folder_state(demo_dir)
    outcome = invoke("--data-dir", str(demo_dir), *command)
    assert outcome.exit_code == 0, outcome.output
    assert folder_state(demo_dir) == before


def test_key_verify_creates_nothing_and_changes_no_mode(demo_dir: Path) -> None:
    room = house(demo_dir).gateway.booking("LH8471").assigned_rooms[0]
    demo_dir.chmod(0o750)
    before = {name: mode for name, (mode, _) in folder_state(demo_dir).items()}
    outcome = invoke("--data-dir", str(demo_dir), "key", "verify", "--room", room, "000000")
    assert outcome.exit_code == 1 and "SHUT" in outcome.output, outcome.output
    # Its audit event goes into the existing store; no file or folder is added, no mode changed.
    assert {name: mode for name, (mode, _) in folder_state(demo_dir).items()} == before


LOOKING_AND_DOOR = [*LOOKING, ("key", "verify", "--room", "101", "123456")]


@pytest.mark.parametrize("command", LOOKING_AND_DOOR, ids=" ".join)
def test_a_command_that_only_looks_leaves_a_folder_that_is_no_data_directory_alone(
    tmp_path: Path, command
) -> None:
    folder = tmp_path / "elsewhere"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    (folder / "notes.txt").write_text("not the kiosk's", encoding="utf-8")
    before = folder_state(folder)
    outcome = invoke("--data-dir", str(folder), *command)
    assert outcome.exit_code == 1, outcome.output
    assert "not a kiosk data directory" in outcome.output and str(folder) in outcome.output, (
        outcome.output
    )
    assert "Traceback" not in outcome.output
    assert folder_state(folder) == before


@pytest.mark.parametrize("command", LOOKING_AND_DOOR, ids=" ".join)
def test_a_command_that_only_looks_at_a_missing_folder_says_so_and_creates_none(
    tmp_path: Path, command
) -> None:
    missing = tmp_path / "nowhere"
    outcome = invoke("--data-dir", str(missing), *command)
    assert outcome.exit_code == 1, outcome.output
    assert f"{missing}: no kiosk data directory here" in outcome.output
    assert "Traceback" not in outcome.output and isinstance(outcome.exception, SystemExit)
    assert not missing.exists()


# -- audit ----------------------------------------------------------------------------------


def test_audit_prints_the_latest_events(demo_dir: Path) -> None:
    outcome = invoke("--data-dir", str(demo_dir), "audit")
    assert outcome.exit_code == 0
    lines = outcome.output.splitlines()
    assert lines[0].split() == ["when", "kiosk", "actor", "action", "outcome", "booking", "room"]
    assert any("demo_seeded" in line for line in lines)
    assert any("checked_in" in line and "LH8471" in line for line in lines)

    events = json.loads(
        invoke("--data-dir", str(demo_dir), "audit", "--json", "--limit", "3").output
    )
    assert len(events) == 3
    assert all({"at", "kiosk", "actor", "action", "outcome"} <= set(event) for event in events)
    tanaka = json.loads(
        invoke("--data-dir", str(demo_dir), "audit", "--json", "--booking", "lh-8471").output
    )
    assert tanaka and all(event["booking"] == "LH8471" for event in tanaka)
    assert "checked_in" in [event["action"] for event in tanaka]
    desk = json.loads(
        invoke("--data-dir", str(demo_dir), "audit", "--json", "--actor", "demo").output
    )
    assert desk and all(event["actor"] == "staff:demo" for event in desk)


def test_kiosk_id_is_recorded(tmp_path: Path) -> None:
    root = tmp_path / "demo"
    invoke("--kiosk-id", "lobby-2", "demo", "--no-app", "--data-dir", str(root))
    events = json.loads(
        invoke("--data-dir", str(root), "audit", "--json", "--limit", "1000").output
    )
    assert events and {event["kiosk"] for event in events} == {"lobby-2"}


# -- staff ----------------------------------------------------------------------------------


def test_staff_accounts(tmp_path: Path) -> None:
    root = str(tmp_path / "data")
    added = invoke(
        "--data-dir", root, "staff", "add", "Marta", "--role", "manager", input="482913\n"
    )
    assert added.exit_code == 0, added.output
    assert "Added Marta (manager)" in added.output
    assert invoke("--data-dir", root, "staff", "add", "Arne", input="739164\n").exit_code == 0

    listed = invoke("--data-dir", root, "staff", "list").output.splitlines()
    assert [line.split() for line in listed[2:]] == [["Arne", "agent"], ["Marta", "manager"]]

    hotel = house(Path(root))
    login = hotel.staff.login("482913")
    assert login.member is not None and login.member.name == "Marta" and login.member.is_manager

    reset = invoke("--data-dir", root, "staff", "reset-pin", "Marta", input="551177\n")
    assert reset.exit_code == 0 and "Marta" in reset.output
    assert hotel.staff.login("482913").member is None
    assert hotel.staff.login("551177").member.name == "Marta"

    removed = invoke("--data-dir", root, "staff", "remove", "Arne")
    assert removed.exit_code == 0 and "Removed Arne" in removed.output
    assert [m.name for m in house(Path(root)).staff.members()] == ["Marta"]
    audit = json.loads(invoke("--data-dir", root, "audit", "--json").output)
    assert [
        e["action"]
        for e in audit
        if e["action"].startswith("staff_") and e["action"] != "staff_login"
    ] == ["staff_added", "staff_added", "staff_pin_reset", "staff_removed"]


@pytest.mark.parametrize(
    ("pin", "why"), [("12345", "at least 6"), ("12a456", "at least 6"), ("", "at least 6")]
)
def test_staff_pin_must_have_six_digits(tmp_path: Path, pin: str, why: str) -> None:
    root = str(tmp_path / "data")
    outcome = invoke(
        "--data-dir", root, "staff", "add", "Marta", "--role", "manager", input=f"{pin}\n"
    )
    assert outcome.exit_code != 0 and why in outcome.output
    assert house(Path(root)).staff.members() == []


def test_staff_errors_exit_non_zero(tmp_path: Path) -> None:
    root = str(tmp_path / "data")
    invoke("--data-dir", root, "staff", "add", "Marta", input="482913\n")
    twice = invoke("--data-dir", root, "staff", "add", "Marta", input="123987\n")
    assert twice.exit_code != 0 and "already" in twice.output
    same_pin = invoke("--data-dir", root, "staff", "add", "Arne", input="482913\n")
    assert same_pin.exit_code != 0 and "taken" in same_pin.output
    assert invoke("--data-dir", root, "staff", "remove", "Nobody").exit_code != 0
    assert (
        invoke("--data-dir", root, "staff", "reset-pin", "Nobody", input="123987\n").exit_code != 0
    )
    assert (
        invoke(
            "--data-dir", root, "staff", "add", "Arne", "--role", "owner", input="123987\n"
        ).exit_code
        == 2
    )
    assert invoke("--data-dir", root, "staff", "reset-pin", "Marta", input="1234\n").exit_code != 0
    assert house(Path(root)).staff.login("482913").member.name == "Marta"


def test_empty_staff_list_says_how_to_add_one(tmp_path: Path) -> None:
    outcome = invoke("--data-dir", str(tmp_path / "data"), "staff", "list")
    assert outcome.exit_code == 0 and "kiosk staff add" in outcome.output


def test_demo_says_where_its_folder_is_before_the_app_starts(tmp_path: Path, monkeypatch) -> None:
    """So that `kiosk --data-dir ... staff add` and `key verify` can find the demo."""
    import screens.app

    monkeypatch.setattr(screens.app, "start", lambda hotel, *, demo, speaker: 0)
    monkeypatch.delenv(datadir.ENV_VAR, raising=False)
    folder = tmp_path / "demo-house"
    outcome = invoke("demo", "--data-dir", str(folder))
    assert outcome.exit_code == 0, outcome.output
    assert f"Demo data in {folder}" in outcome.output
