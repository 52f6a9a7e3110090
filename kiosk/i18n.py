"""The guest's words: message catalogs in `assets/messages/{language}.json`.

A catalog is a flat JSON object of dotted keys to texts with `{field}` placeholders. A key
that is missing, or a placeholder left unfilled, raises: a kiosk that shows a raw key to a
guest is broken, and the catalog tests are there to find it before a guest does.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import cache
from types import MappingProxyType
from typing import Any

from kiosk.assets import asset_path

LANGUAGES = ("en", "de")
DEFAULT_LANGUAGE = "en"


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
        """`key.one` for one, `key.other` for any other count (enough for English and German)."""
        return self.t(f"{key}.{'one' if count == 1 else 'other'}", count=count, **fields)

    def date(self, day: date) -> str:
        return self.t(
            "format.date",
            weekday=self.t(f"weekday.{day.weekday()}"),
            day=day.day,
            month=self.t(f"month.{day.month}"),
            year=day.year,
        )

    def floor(self, floor: int) -> str:
        return self.t("format.ground_floor") if floor == 0 else self.t("format.floor", floor=floor)

    def room_type(self, room_type: str) -> str:
        """Room types come from the property system; an unknown one shows its own code."""
        key = f"room_type.{room_type}"
        return self.t(key) if self.has(key) else room_type.replace("_", " ").title()
