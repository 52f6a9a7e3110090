"""The hotel profile (hotel.toml): the template loads, and a bad file stops the start with a
message naming the file, the key and the line (issue 2, item 3)."""

from __future__ import annotations

import re
from datetime import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from kiosk.assets import asset_path
from kiosk.cli import cli
from kiosk.clock import FixedClock
from kiosk.datadir import DataDir
from kiosk.hotel import open_hotel
from kiosk.profile import ProfileError, load_profile

TEMPLATE = asset_path("hotel.toml").read_text(encoding="utf-8")


def line_of(text: str, pattern: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if re.match(pattern, line):
            return number
    raise AssertionError(f"{pattern} not in the profile")


def write_profile(root: Path, text: str) -> Path:
    DataDir(root).prepare()
    path = DataDir(root).profile
    path.write_text(text, encoding="utf-8")
    return path


def replaced(key: str, value: str, text: str = TEMPLATE) -> str:
    new, count = re.subn(rf"(?m)^{key}\s*=.*$", f"{key} = {value}", text)
    assert count == 1
    return new


def test_the_template_loads() -> None:
    profile = load_profile(asset_path("hotel.toml"))
    assert profile.name and profile.address and profile.wifi_name
    assert str(profile.zone) == profile.timezone
    assert isinstance(profile.check_in_time, time) and isinstance(profile.check_out_time, time)
    assert 4 <= profile.pin_length <= 8
    assert profile.identity_attempts == 3  # three wrong dates of birth: staff
    assert profile.idle_timeout == 60 and profile.idle_warning == 20
    assert profile.upgrade_ladder and all(isinstance(step, str) for step in profile.upgrade_ladder)
    assert profile.offers and all(offer.price > 0 for offer in profile.offers)


def test_first_start_writes_the_template_and_keeps_an_edited_profile(
    tmp_path: Path, clock: FixedClock
) -> None:
    root = tmp_path / "first-start"  # not the `root` fixture, which has a profile already
    hotel = open_hotel(DataDir(root), clock=clock)
    assert DataDir(root).profile.read_text(encoding="utf-8") == TEMPLATE
    edited = replaced("name", '"Pension Sonnenblick"')
    write_profile(root, edited)
    hotel = open_hotel(DataDir(root), clock=clock)
    assert hotel.profile.name == "Pension Sonnenblick"
    assert DataDir(root).profile.read_text(encoding="utf-8") == edited


BAD = [
    # (what, key, edit of the template, words the message must contain)
    (
        "pin too long",
        "pin_length",
        lambda t: replaced("pin_length", "12", t),
        ["between 4 and 8", "12"],
    ),
    ("pin too short", "pin_length", lambda t: replaced("pin_length", "3", t), ["between 4 and 8"]),
    (
        "unknown zone",
        "timezone",
        lambda t: replaced("timezone", '"Mars/Olympus"', t),
        ["Mars/Olympus"],
    ),
    ("age as text", "minimum_age", lambda t: replaced("minimum_age", '"18"', t), ["int"]),
    ("bad time", "check_out_time", lambda t: replaced("check_out_time", '"11am"', t), ["11am"]),
    ("bool as text", "allowed", lambda t: replaced("allowed", '"yes"', t), ["bool"]),
    ("warning after timeout", "idle_warning", lambda t: replaced("idle_warning", "90", t), ["90"]),
    (
        "warning under 20 s (WCAG 2.2.1)",
        "idle_warning",
        lambda t: replaced("idle_warning", "15", t),
        ["at least 20 seconds", "15"],
    ),
    (
        "zero attempts",
        "lookup_attempts",
        lambda t: replaced("lookup_attempts", "0", t),
        ["between"],
    ),
]


@pytest.mark.parametrize(("what", "key", "change", "words"), BAD, ids=[case[0] for case in BAD])
def test_bad_value_names_key_and_line(
    root: Path, clock: FixedClock, what, key, change, words
) -> None:
    text = change(TEMPLATE)
    path = write_profile(root, text)
    with pytest.raises(ProfileError) as raised:
        open_hotel(DataDir(root), clock=clock)
    message = str(raised.value)
    assert str(path) in message and key in message, message
    line = line_of(text, key + r"\s*=")
    assert f"line {line}" in message, message
    for word in words:
        assert word in message, message
    assert path.read_text(encoding="utf-8") == text  # never "repaired" behind the operator's back


def test_syntax_error_names_the_line(root: Path, clock: FixedClock) -> None:
    text = TEMPLATE.replace("pin_length = 6", "pin_length = = 6")
    path = write_profile(root, text)
    with pytest.raises(ProfileError) as raised:
        open_hotel(DataDir(root), clock=clock)
    assert str(path) in str(raised.value)
    assert f"line {line_of(text, 'pin_length')}" in str(raised.value)


@pytest.mark.parametrize("key", ["name", "timezone", "currency"])
def test_missing_key_is_named(root: Path, clock: FixedClock, key: str) -> None:
    text = re.sub(rf"(?m)^{key}\s*=.*\n", "", TEMPLATE)
    write_profile(root, text)
    with pytest.raises(ProfileError) as raised:
        open_hotel(DataDir(root), clock=clock)
    message = str(raised.value)
    assert key in message and "missing" in message and "required" in message, message


def test_offer_without_price_is_named(root: Path, clock: FixedClock) -> None:
    text = TEMPLATE.replace('price = "25.00"\n', "")
    write_profile(root, text)
    with pytest.raises(ProfileError, match="offers"):
        open_hotel(DataDir(root), clock=clock)


@pytest.mark.parametrize("style", ["commented header", "quoted key"])
def test_line_is_found_however_the_toml_is_written(
    root: Path, clock: FixedClock, style: str
) -> None:
    text = replaced("pin_length", "12")
    if style == "commented header":
        text = text.replace("[security]", "[security]  # limits and lock-outs")
    else:
        text = text.replace("pin_length = 12", '"pin_length" = 12')
    write_profile(root, text)
    with pytest.raises(ProfileError) as raised:
        open_hotel(DataDir(root), clock=clock)
    line = line_of(text, '"?pin_length')
    assert f"line {line}" in str(raised.value), str(raised.value)


def test_profile_values_are_used(root: Path, clock: FixedClock) -> None:
    text = replaced(
        "check_out_time",
        '"12:30"',
        replaced("lookup_attempts", "7", replaced("timezone", '"Asia/Tokyo"')),
    )
    write_profile(root, text)
    hotel = open_hotel(DataDir(root), clock=clock)
    assert hotel.profile.lookup_attempts == 7
    assert hotel.profile.check_out_time == time(12, 30)
    assert hotel.now().utcoffset().total_seconds() == 9 * 3600  # the hotel's own time zone


def test_cli_shows_the_profile_error_and_exits_non_zero(root: Path) -> None:
    text = replaced("pin_length", "12")
    write_profile(root, text)
    for command in (["bookings"], ["rooms", "--json"], ["audit"], ["staff", "list"]):
        outcome = CliRunner().invoke(cli, ["--data-dir", str(root), *command])
        assert outcome.exit_code != 0, command
        assert (
            "pin_length" in outcome.output
            and f"line {line_of(text, 'pin_length')}" in outcome.output
        )
        assert "Traceback" not in outcome.output


@pytest.mark.parametrize(
    ("section", "key"),
    [("security", "lookup_attempts"), ("stay", "check_in_time"), ("import", "max_rows")],
)
def test_a_setting_left_out_takes_the_templates_value(
    root: Path, clock: FixedClock, section: str, key: str
) -> None:
    """A hotel.toml written by an older version lacks the newer settings: the kiosk starts."""
    text = re.sub(rf"(?m)^{key}\s*=.*\n", "", TEMPLATE)
    write_profile(root, text)
    hotel = open_hotel(DataDir(root), clock=clock)
    template = load_profile(asset_path("hotel.toml"))
    field = {"max_rows": "import_max_rows"}.get(key, key)
    assert getattr(hotel.profile, field) == getattr(template, field)
