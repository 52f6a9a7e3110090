"""How money is counted and shown: amounts as decimals in the hotel's currency, rounded to
its minor unit, and written for the guest's language by Babel (CLDR), as a price tag in that
language writes them ("18,00 €" in German, "€18.00" in English)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import format_currency, get_currency_precision


def rounded(amount: Decimal, currency: str) -> Decimal:
    """`amount` to the currency's minor unit (cents for EUR, none for JPY), half up."""
    step = Decimal(1).scaleb(-get_currency_precision(currency))
    return amount.quantize(step, rounding=ROUND_HALF_UP)


def shown(amount: Decimal, currency: str, language: str) -> str:
    """`amount` written as a guest reading `language` expects a price."""
    return format_currency(rounded(amount, currency), currency, locale=language)


def load_formats(currency: str, languages: tuple[str, ...]) -> None:
    """Read Babel's data for `languages` now: the first price written in a language loads
    it from disk (some 30 ms), which would otherwise land in a guest's step."""
    for language in languages:
        shown(Decimal(0), currency, language)
