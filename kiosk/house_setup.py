"""A house of its own: what `kiosk setup` asks about the hotel, whether each answer will do,
the hotel.toml it writes from the template, and whether a hotel.toml still holds the
template's details (which guests would read as this hotel's)."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import time
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kiosk.assets import asset_path
from kiosk.i18n import LANGUAGES
from kiosk.profile import HotelProfile, load_profile, read_profile
from kiosk.storage import replace_durably

LONGEST_ANSWER = 100


class SetupError(Exception):
    """hotel.toml cannot be written; nothing was."""


def _text(answer: str) -> str:
    """A line of text a guest may read: printable, not blank, not too long."""
    answer = answer.strip()
    if not answer:
        raise ValueError("please type something")
    if not answer.isprintable():
        raise ValueError("only printable characters, please (no tabs or control characters)")
    if len(answer) > LONGEST_ANSWER:
        raise ValueError(f"at most {LONGEST_ANSWER} characters, please")
    return answer


def _phone(answer: str) -> str:
    answer = _text(answer)
    if not re.fullmatch(r"\+?[0-9][0-9 ()/.-]{3,30}", answer):
        raise ValueError(f"a phone number like +49 30 1234567, not {answer!r}")
    return answer


def _timezone(answer: str) -> str:
    answer = _text(answer)
    try:
        ZoneInfo(answer)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"a time zone like Europe/Berlin, not {answer!r}") from None
    return answer


def _clock_time(answer: str) -> str:
    answer = answer.strip()
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", answer)
    try:
        if match is None:
            raise ValueError
        moment = time(int(match[1]), int(match[2]))
    except ValueError:
        raise ValueError(f"a time like 15:00, not {answer!r}") from None
    return f"{moment:%H:%M}"


def _language(answer: str) -> str:
    answer = answer.strip().lower()
    if answer not in LANGUAGES:
        raise ValueError(f"one of {', '.join(LANGUAGES)}, not {answer!r}")
    return answer


@dataclass(frozen=True)
class Question:
    section: str
    key: str
    prompt: str
    check: Callable[[str], str]
    """The answer as it goes into hotel.toml; raises ValueError saying what would do."""
    default: str | None = None
    """What Enter alone answers; None: the hotel has to say (the template's would be wrong)."""


QUESTIONS = (
    Question("hotel", "name", "Hotel name", _text),
    Question("hotel", "address", "Address (one line)", _text),
    Question("hotel", "phone", "Phone", _phone),
    Question("hotel", "timezone", "Time zone", _timezone, "Europe/Berlin"),
    Question("stay", "check_in_time", "Check-in from", _clock_time, "15:00"),
    Question("stay", "check_out_time", "Check-out by", _clock_time, "11:00"),
    Question("house", "wifi_name", "Wi-Fi name", _text),
    Question("house", "wifi_password", "Wi-Fi password", _text),
    Question("house", "language", f"House language ({', '.join(LANGUAGES)})", _language, "de"),
)


def filled_template(answers: Mapping[str, str]) -> str:
    """The template's text with each answer (by key, checked) on its key's line, every
    comment kept."""
    text = asset_path("hotel.toml").read_text(encoding="utf-8")
    for question in QUESTIONS:
        text = _set(text, question.section, question.key, answers[question.key])
    return text


def _set(text: str, section: str, key: str, value: str) -> str:
    lines, current = text.splitlines(keepends=True), ""
    for number, line in enumerate(lines):
        header = re.fullmatch(r"\[\s*([\w.]+)\s*\]\s*(#.*)?", line.strip())
        if header:
            current = header[1]
        elif current == section and re.match(rf"{re.escape(key)}\s*=", line):
            # A JSON string of printable text is a TOML basic string.
            lines[number] = f"{key} = {json.dumps(value, ensure_ascii=False)}\n"
            return "".join(lines)
    raise AssertionError(f"the template has no [{section}] {key}")


def refuse_existing(path: Path, *, force: bool) -> None:
    """Asked before the questions too, so that nobody answers them for nothing."""
    if path.exists() and not force:
        raise SetupError(
            f"{path}: there is a hotel profile already; `kiosk setup --force` replaces it "
            "(whatever it holds is lost)"
        )


def write_profile(path: Path, answers: Mapping[str, str], *, force: bool) -> HotelProfile:
    """hotel.toml at `path` from the template and the answers, all at once (a kill leaves
    no half-written file), readable by everyone (0644: it holds no secret a guest is not
    shown). Refuses an existing file unless `force`; the new one loads, or nothing is
    written."""
    refuse_existing(path, force=force)
    text = filled_template(answers)
    profile = read_profile(path, text)  # raises ProfileError: then nothing is written
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # as a first start makes it
        replace_durably(path, text.encode("utf-8"), 0o644)
        os.chmod(path, 0o644)  # whatever the umask took away
    except OSError as error:
        raise SetupError(f"{path}: cannot write: {error.strerror}") from None
    return profile


# What no other house shares with the template: while one of these is the template's,
# guests read another hotel's details. (Its name is not among them: a house may be called
# Lindenhof.)
_OWN_DETAILS = {"address": "address", "phone": "phone", "wifi_password": "Wi-Fi password"}


@cache
def _template_profile() -> HotelProfile:
    return load_profile(asset_path("hotel.toml"))


def template_warning(profile: HotelProfile, path: Path) -> str | None:
    """What staff are told while the profile still holds the template's own details; None
    once it holds none of them."""
    template = _template_profile()
    left = [
        words
        for key, words in _OWN_DETAILS.items()
        if getattr(profile, key) == getattr(template, key)
    ]
    if not left:
        return None
    listed = ", ".join(left[:-1]) + (" and " if len(left) > 1 else "") + left[-1]
    return (
        f"{path} still has the template's {listed}, which guests are shown as this "
        "hotel's: `kiosk setup --force` asks for the hotel's own, or edit the file."
    )
