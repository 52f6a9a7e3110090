"""The message catalogs: every language says the same things, each plural in every form its
language has, and every text a screen asks for is there."""

from __future__ import annotations

import re
import string
from datetime import date
from pathlib import Path

import pytest

from kiosk import demo
from kiosk.i18n import LANGUAGES, Catalog, MissingMessage, plural_categories
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


def plural_keys(catalog: Catalog) -> set[str]:
    """`nights` for `nights.one` and `nights.other`: the keys that `plural()` is asked for."""
    return {
        key.removesuffix(".other")
        for key in catalog.messages
        if key.endswith(".other") and catalog.has(key.removesuffix(".other") + ".one")
    }


def expected_keys(english: Catalog, language: str) -> set[str]:
    """English's keys, each plural in the forms (CLDR categories) of `language`."""
    plurals = plural_keys(english)
    singles = {key for key in english.messages if key.rpartition(".")[0] not in plurals}
    return singles | {f"{key}.{form}" for key in plurals for form in plural_categories(language)}


@pytest.mark.parametrize("language", LANGUAGES[1:])
def test_every_language_has_every_key_and_placeholder_of_english(language: str) -> None:
    english, other = Catalog.load("en"), Catalog.load(language)
    assert set(other.messages) == expected_keys(english, language)
    plurals = plural_keys(english)
    for key, text in other.messages.items():
        stem = key.rpartition(".")[0]
        if stem in plurals:
            # Any form may name the count or not ("one more try" in English), the rest it must.
            wanted = placeholders(english.messages[f"{stem}.other"]) - {"count"}
            assert placeholders(text) - {"count"} == wanted, key
        else:
            assert placeholders(text) == placeholders(english.messages[key]), key
        assert text.strip() and "[" not in text, key  # plain text: no markup


def test_each_language_names_itself_in_its_own_words() -> None:
    names = [Catalog.load(language).t("language.name") for language in LANGUAGES]
    assert names == [
        "English",
        "Deutsch",
        "Français",
        "Español",
        "Italiano",
        "Nederlands",
        "Polski",
        "Türkçe",
        "Українська",
        "简体中文",
    ]


def test_every_key_the_screens_name_exists(catalog: Catalog) -> None:
    source = "\n".join(
        path.read_text() for path in SCREENS.rglob("*.py") if "staff" not in path.parts
    )
    binding_ids = set(re.findall(r'id="([\w.]+)"', source))
    named = set(re.findall(r'"([a-z_]+(?:\.[a-z_0-9]+)+)"', source)) - binding_ids
    # File names and the project's own modules (imported by name) are not texts.
    named = {key for key in named if not key.endswith(".tcss")}
    named = {key for key in named if not key.startswith(("screens.", "kiosk."))}
    assert len(named) > 50
    for key in named:
        assert catalog.has(key) or catalog.has(f"{key}.other"), key


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


def test_a_missing_key_or_field_fails_loudly() -> None:
    english = Catalog.load("en")
    with pytest.raises(MissingMessage, match=r"no\.such\.key"):
        english.t("no.such.key")
    with pytest.raises(KeyError):
        english.t("welcome.title")  # needs {hotel}
    with pytest.raises(MissingMessage):
        Catalog.load("sv")


def test_formats_follow_the_language() -> None:
    english, german = Catalog.load("en"), Catalog.load("de")
    day = date(2026, 6, 12)
    assert english.date(day) == "Friday, 12 June 2026"
    assert german.date(day) == "Freitag, 12. Juni 2026"
    assert Catalog.load("tr").date(day) == "12 Haziran 2026 Cuma"
    assert Catalog.load("zh_Hans").date(day) == "2026年6月12日星期五"
    assert english.plural("nights", 1) == "1 night" and german.plural("nights", 3) == "3 Nächte"
    assert german.floor(0) == "Erdgeschoss" and german.floor(2) == "2. Etage"
    assert english.room_type("junior_suite") == "Junior Suite"
    assert english.room_type("family_loft") == "Family Loft"  # a type the catalogs do not know yet


def test_plurals_take_the_form_their_language_counts_in() -> None:
    polish, ukrainian, french = (Catalog.load(language) for language in ("pl", "uk", "fr"))
    # Polish and Ukrainian say 1 / 2-4 / 5 and more nights with three different words.
    for slavic in (polish, ukrainian):
        one, few, many = (slavic.plural("nights", count) for count in (1, 3, 5))
        assert len({one.split()[1], few.split()[1], many.split()[1]}) == 3, (one, few, many)
        assert slavic.plural("nights", 22).split()[1] == few.split()[1]  # 22 goes with 2-4
        assert slavic.plural("nights", 12).split()[1] == many.split()[1]  # 12 with 5-20
    # French counts 0 with 1: "0 nuit", as English does not.
    assert french.plural("nights", 0).split()[1] == french.plural("nights", 1).split()[1]
    assert Catalog.load("zh_Hans").plural("nights", 1).startswith("1")
