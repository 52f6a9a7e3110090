"""The guest's words: message catalogs in `assets/messages/{language}.json`.

A catalog is a flat JSON object of dotted keys to texts with `{field}` placeholders. A key
that is missing, or a placeholder left unfilled, raises: a kiosk that shows a raw key to a
guest is broken, and the catalog tests are there to find it before a guest does.

Dates and plural forms come from Babel (CLDR), so that a new language brings its texts only:
a plural key has one text per CLDR category of its language (`nights.one`, `nights.few`,
`nights.many`, `nights.other` in Polish; `nights.other` alone in Chinese).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import cache
from types import MappingProxyType
from typing import Any

from babel import Locale
from babel.dates import format_date

from kiosk.assets import asset_path

# The languages of a German city hotel's guests, in the order the language list shows them.
LANGUAGES = ("en", "de", "fr", "es", "it", "nl", "pl", "tr", "uk", "zh_Hans")
DEFAULT_LANGUAGE = "en"
# Babel's locale for each language where the bare code is not the one meant: British English
# writes "Monday, 14 December 2026", not "Monday, December 14, 2026".
_LOCALES = {"en": "en_GB"}


@cache
def locale(language: str) -> Locale:
    return Locale.parse(_LOCALES.get(language, language))


def plural_categories(language: str) -> frozenset[str]:
    """The CLDR plural categories `language` tells apart, "other" always among them."""
    return frozenset(locale(language).plural_form.tags | {"other"})


class MissingMessage(LookupError):
    """A catalog has no text for this key."""


@dataclass(frozen=True)
class Catalog:
    language: str
    messages: MappingProxyType[str, str]

    @staticmethod
    @cache
    def load(language: str) -> Catalog:
        if language not in LANGUAGES:
            raise MissingMessage(f"no message catalog for language {language!r}")
        path = asset_path("messages", f"{language}.json")
        messages = json.loads(path.read_text(encoding="utf-8"))
        return Catalog(language, MappingProxyType(messages))

    def t(self, key: str, **fields: Any) -> str:
        try:
            text = self.messages[key]
        except KeyError:
            raise MissingMessage(f"{self.language}: no message {key!r}") from None
        return text.format(**fields)

    def has(self, key: str) -> bool:
        return key in self.messages

    def plural(self, key: str, count: int, **fields: Any) -> str:
        """The text of `key` for the plural category `count` falls in, in this language."""
        category = locale(self.language).plural_form(count)
        return self.t(f"{key}.{category}", count=count, **fields)

    def date(self, day: date) -> str:
        """The day as this language writes it in full, weekday included."""
        return format_date(day, "full", locale=locale(self.language))

    def floor(self, floor: int) -> str:
        return self.t("format.ground_floor") if floor == 0 else self.t("format.floor", floor=floor)

    def room_type(self, room_type: str) -> str:
        """Room types come from the property system; an unknown one shows its own code."""
        key = f"room_type.{room_type}"
        return self.t(key) if self.has(key) else room_type.replace("_", " ").title()
