"""Which of the hotel's own words (hotel.toml) a guest reads: the text in their language,
else in the house's language, else in any language the hotel wrote it in."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Localized:
    """One text of the hotel's, by language. A text written once, without a language, is
    every language's."""

    house_language: str
    texts: Mapping[str, str] = field(default_factory=dict)

    def in_(self, language: str) -> str:
        """The text for a guest reading `language`; "" where the hotel wrote none."""
        return (
            self.texts.get(language)
            or self.texts.get(self.house_language)
            or next((text for text in self.texts.values() if text), "")
        )
