"""`kiosk setup` and the template's warning (issue 15, "First start and the demo"). Found: a
fresh data folder for another hotel greeted "Welcome to Hotel Lindenhof" and showed
Lindenhof's Wi-Fi password, and nothing told staff."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpers import MANAGER, PINS, IdleClock, kiosk_app, shown, type_pin
from kiosk.assets import asset_path
from kiosk.cli import cli
from kiosk.clock import FixedClock
from kiosk.datadir import DataDir
from kiosk.hotel import Hotel, open_hotel
from kiosk.staff import Role
from screens.app import make_app

TEMPLATE = asset_path("hotel.toml").read_text(encoding="utf-8")
# One answer a line, as a person types them; a bad answer is followed by a good one.
ANSWERS = [
    "Pension Sonnenblick",
    "Bergweg 3, 87561 Oberstdorf",
    "call us",  # not a phone number
    "+49 8322 4455",
    "Mars/Olympus",  # not a time zone
    "",  # Enter: Europe/Berlin
    "3pm",  # not a time
    "14:30",
    "",  # Enter: 11:00
    "",  # nothing: asked again
    "Sonnenblick-Gast",
    "berg-und-tal-7",
    "sv",  # no such catalog
    "en",
]
PIN = "864202"


def setup(folder: Path, answers: list[str], *options: str):
    return CliRunner().invoke(
        cli, ["setup", "--data-dir", str(folder), *options], input="\n".join(answers) + "\n"
    )


def test_setup_asks_re_asks_bad_answers_and_writes_a_profile_that_loads(
    tmp_path: Path, clock: FixedClock
) -> None:
    folder = tmp_path / "sonnenblick"
    outcome = setup(folder, ANSWERS)
    assert outcome.exit_code == 0, outcome.output
    said = outcome.output
    for complaint in (
        "a phone number like +49 30 1234567, not 'call us'",
        "a time zone like Europe/Berlin, not 'Mars/Olympus'",
        "a time like 15:00, not '3pm'",
        "one of en, de, fr, es, it, nl, pl, tr, uk, zh_Hans, not 'sv'",
    ):
        assert f"Error: {complaint}" in said, said
    assert said.count("Phone:") == 2 and said.count("Wi-Fi name:") == 2
    path = DataDir(folder).profile
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    written = path.read_text(encoding="utf-8")
    comments = [line for line in TEMPLATE.splitlines() if line.lstrip().startswith("#")]
    assert comments and all(line in written.splitlines() for line in comments)

    profile = open_hotel(DataDir(folder), clock=clock).profile
    assert (profile.name, profile.address, profile.phone) == (
        "Pension Sonnenblick",
        "Bergweg 3, 87561 Oberstdorf",
        "+49 8322 4455",
    )
    assert profile.timezone == "Europe/Berlin" and profile.language == "en"
    assert (f"{profile.check_in_time:%H:%M}", f"{profile.check_out_time:%H:%M}") == (
        "14:30",
        "11:00",
    )
    assert (profile.wifi_name, profile.wifi_password) == ("Sonnenblick-Gast", "berg-und-tal-7")


async def test_the_kiosk_greets_the_house_that_was_set_up(tmp_path: Path, clock) -> None:
    folder = tmp_path / "sonnenblick"
    assert setup(folder, ANSWERS).exit_code == 0
    hotel = open_hotel(DataDir(folder), clock=clock)
    app = make_app(hotel, demo=False, clock=IdleClock())
    async with app.run_test(size=(100, 30)):
        assert shown(app, "Welcome to Pension Sonnenblick")
        assert not shown(app, "Lindenhof")


def test_setup_refuses_an_existing_profile_before_asking(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    DataDir(folder).prepare()
    path = DataDir(folder).profile
    path.write_text(TEMPLATE.replace("Hotel Lindenhof", "Haus am See"), encoding="utf-8")
    before = path.read_bytes()
    outcome = setup(folder, ANSWERS)
    assert outcome.exit_code == 1
    assert "there is a hotel profile already" in outcome.output and "--force" in outcome.output
    assert "Hotel name" not in outcome.output  # nobody answers for nothing
    assert path.read_bytes() == before

    forced = setup(folder, ANSWERS, "--force")
    assert forced.exit_code == 0, forced.output
    assert 'name = "Pension Sonnenblick"' in path.read_text(encoding="utf-8")


@pytest.mark.parametrize("answered", [0, 5, len(ANSWERS) - 1])
def test_the_end_of_input_stops_setup_writing_nothing(tmp_path: Path, answered: int) -> None:
    folder = tmp_path / "data"
    outcome = CliRunner().invoke(
        cli,
        ["setup", "--data-dir", str(folder)],
        input="".join(a + "\n" for a in ANSWERS[:answered]),
    )
    assert outcome.exit_code == 1 and "Aborted" in outcome.output
    assert not folder.exists()


# -- the template's warning -------------------------------------------------------------------


def run_kiosk(folder: Path, monkeypatch, *command: str):
    """`kiosk run` (or the default command) up to where the app would take the screen."""
    import screens.app

    monkeypatch.setattr(screens.app, "start", lambda hotel, *, demo, speaker: 0)
    return CliRunner().invoke(cli, ["--data-dir", str(folder), *command])


def test_run_warns_staff_while_the_profile_is_the_templates(tmp_path: Path, monkeypatch) -> None:
    folder = tmp_path / "data"
    for command in (["run"], []):
        started = run_kiosk(folder, monkeypatch, *command)
        assert started.exit_code == 0, started.output
        assert started.stderr.startswith(f"Warning: {DataDir(folder).profile} still has the")
        assert "address, phone and Wi-Fi password" in started.stderr
        assert "kiosk setup --force" in started.stderr


def test_run_names_what_is_left_and_is_quiet_once_set_up(tmp_path: Path, monkeypatch) -> None:
    folder = tmp_path / "data"
    DataDir(folder).prepare()
    path = DataDir(folder).profile
    path.write_text(TEMPLATE.replace("+49 30 1234567", "+49 341 555000"), encoding="utf-8")
    started = run_kiosk(folder, monkeypatch, "run")
    assert "the template's address and Wi-Fi password" in started.stderr
    assert setup(folder, ANSWERS, "--force").exit_code == 0
    assert run_kiosk(folder, monkeypatch, "run").stderr == ""


def test_the_demo_does_not_warn(tmp_path: Path, monkeypatch) -> None:
    started = run_kiosk(tmp_path / "demo", monkeypatch, "demo")
    assert started.exit_code == 0, started.output
    assert "Warning" not in started.stderr


@pytest.fixture
def template_house(hotel: Hotel) -> Hotel:
    """The template's house with a manager."""
    hotel.staff.add("Marta", Role.MANAGER, PIN)
    return hotel


async def staff_warning(app, pin: str = PIN) -> str | None:  # type: ignore[no-untyped-def]
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f2")
        await pilot.pause()
        await type_pin(pilot, pin)
        assert type(app.screen).__name__ == "StaffScreen"
        found = app.screen.query("#staff-setup-warning")
        return str(found.first().render()) if found else None


async def test_staff_mode_warns_while_the_profile_is_the_templates(template_house: Hotel) -> None:
    warning = await staff_warning(kiosk_app(template_house, IdleClock()))
    assert warning is not None
    assert str(template_house.data_dir.profile) in warning and "kiosk setup" in warning


async def test_staff_mode_in_the_demo_does_not(template_house: Hotel) -> None:
    assert await staff_warning(make_app(template_house, demo=True, clock=IdleClock())) is None


async def test_staff_mode_of_a_house_set_up_does_not(desk_hotel: Hotel) -> None:
    assert await staff_warning(kiosk_app(desk_hotel, IdleClock()), PINS[MANAGER]) is None


def test_kiosk_help_tells_a_new_house_about_setup() -> None:
    said = CliRunner().invoke(cli, ["--help"]).output
    assert "kiosk setup" in said and "  setup " in said
    helped = CliRunner().invoke(cli, ["setup", "--help"])
    assert helped.exit_code == 0 and "--force" in helped.output and "--data-dir" in helped.output


def test_answers_with_quotes_backslashes_and_umlauts_come_back_as_typed(
    tmp_path: Path, clock: FixedClock
) -> None:
    answers = list(ANSWERS)
    answers[0] = 'Gasthof "Zur Post" \\ Müßig'
    answers[answers.index("berg-und-tal-7")] = 'p#ss"w\\rd = [x]'
    assert setup(tmp_path / "data", answers).exit_code == 0
    profile = open_hotel(DataDir(tmp_path / "data"), clock=clock).profile
    assert profile.name == 'Gasthof "Zur Post" \\ Müßig'
    assert profile.wifi_password == 'p#ss"w\\rd = [x]'
