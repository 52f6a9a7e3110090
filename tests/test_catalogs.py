"""The message catalogs: German and English say the same things, and every text a screen
asks for is there."""

from __future__ import annotations

import re
import string
from datetime import date
from pathlib import Path

import pytest

from kiosk import demo
from kiosk.i18n import LANGUAGES, Catalog, MissingMessage
from kiosk.identity import IdentityProblem
from kiosk.session import Failure

SCREENS = Path(__file__).resolve().parent.parent / "screens"
# What the find screen can be told (LOCKED and TOO_MANY_TRIES get pages of their own), what
# the identity pages can, and why a refused document sends the guest to staff.
FIND_FAILURES = [
    Failure.NOT_FOUND,
    Failure.CANCELLED,
    Failure.ALREADY_CHECKED_IN,
    Failure.WRONG_DAY,
    Failure.INVALID_INPUT,
]
REFUSALS = [
    IdentityProblem.EXPIRED,
    IdentityProblem.NAME_MISMATCH,
    IdentityProblem.TOO_YOUNG,
    IdentityProblem.BIRTH_DATE_MISMATCH,
]
# A date of birth typed by hand that is not the one on file may be a typo: told there too.
IDENTITY_FAILURES = [
    Failure(str(problem))
    for problem in IdentityProblem
    if problem not in REFUSALS or problem is IdentityProblem.BIRTH_DATE_MISMATCH
]


def placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field}


@pytest.fixture(params=LANGUAGES)
def catalog(request) -> Catalog:
    return Catalog.load(request.param)


def test_all_languages_have_the_same_keys_and_placeholders() -> None:
    english, *others = (Catalog.load(language) for language in LANGUAGES)
    for other in others:
        assert set(other.messages) == set(english.messages), other.language
        for key, text in english.messages.items():
            assert placeholders(other.messages[key]) == placeholders(text), (other.language, key)


def test_every_key_the_screens_name_exists(catalog: Catalog) -> None:
    source = "\n".join(
        path.read_text() for path in SCREENS.rglob("*.py") if "staff" not in path.parts
    )
    binding_ids = set(re.findall(r'id="([\w.]+)"', source))
    named = set(re.findall(r'"([a-z_]+(?:\.[a-z_0-9]+)+)"', source)) - binding_ids
    named = {key for key in named if not key.endswith(".tcss")}
    assert len(named) > 50
    for key in named:
        assert catalog.has(key) or (catalog.has(f"{key}.one") and catalog.has(f"{key}.other")), key


def test_every_failure_and_computed_key_has_a_text(catalog: Catalog) -> None:
    keys = [f"find.failure.{failure}" for failure in FIND_FAILURES]
    keys += [f"identity.failure.{failure}" for failure in IDENTITY_FAILURES]
    keys += [f"locked.because.{problem}" for problem in REFUSALS]
    keys += [f"step.{step}" for step in range(1, 5)] + [
        f"no_room.next.{item}" for item in (1, 2, 3)
    ]
    keys += [f"demo.shows.{guest.shows}" for guest in demo.GUESTS]
    for key in keys:
        assert catalog.has(key), key
    for day in range(1, 8):  # a week of dates: every weekday and the format itself
        assert catalog.date(date(2026, 6, day))
    for month in range(1, 13):
        assert catalog.date(date(2026, month, 1))


def test_a_missing_key_or_field_fails_loudly() -> None:
    english = Catalog.load("en")
    with pytest.raises(MissingMessage, match=r"no\.such\.key"):
        english.t("no.such.key")
    with pytest.raises(KeyError):
        english.t("welcome.title")  # needs {hotel}
    with pytest.raises(MissingMessage):
        Catalog.load("fr")


def test_formats_follow_the_language() -> None:
    english, german = Catalog.load("en"), Catalog.load("de")
    day = date(2026, 6, 12)
    assert english.date(day) == "Friday 12 June 2026"
    assert german.date(day) == "Freitag, 12. Juni 2026"
    assert english.plural("nights", 1) == "1 night" and german.plural("nights", 3) == "3 Nächte"
    assert german.floor(0) == "Erdgeschoss" and german.floor(2) == "2. Etage"
    assert english.room_type("junior_suite") == "Junior Suite"
    assert english.room_type("family_loft") == "Family Loft"  # a type the catalogs do not know yet
