"""The hotel profile (`hotel.toml`): everything a house configures, checked on load."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import time
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kiosk.assets import asset_path
from kiosk.i18n import LANGUAGES
from kiosk.localized import Localized
from kiosk.models import ChargeKind

# What only the hotel can say. Every other setting a hotel.toml leaves out takes the
# template's value, so that a kiosk upgraded to a version with new settings still starts.
OWN_SECTIONS = ("hotel",)
Value = TypeVar("Value", str, int, float, bool)  # what a hotel.toml key may hold


BALANCE_CHOICES = ("desk", "card_on_file")
"""A balance due at check-out sends the guest to the desk, or the property charges the card
it holds (the kiosk takes no card data)."""
REGISTRATION_COUNTRIES = ("DE", "AT", "none")
"""Whose registration law the kiosk follows (kiosk/registration.py)."""
SHORTEST_IDLE_WARNING = 20
"""Seconds of warning before an idle guest's session ends, at the least (WCAG 2.2.1)."""


class ProfileError(Exception):
    """A bad hotel.toml; the message names the file, the key and the line."""


OFFER_KINDS = (
    ChargeKind.BREAKFAST,
    ChargeKind.LATE_CHECK_OUT,
    ChargeKind.UPGRADE,
    ChargeKind.EARLY_CHECK_IN,
)
# Codes hotel.toml files had before the kiosk sold anything.
_OLD_OFFER_CODES = {"late_checkout": ChargeKind.LATE_CHECK_OUT}


@dataclass(frozen=True)
class Offer:
    """What the house sells at check-in. What one price buys is the kind's
    (kiosk/offers.py): breakfast for each guest and night, an upgrade for each room and
    night, a late check-out or an early check-in once for the stay."""

    kind: ChargeKind
    price: Decimal
    """A final price including VAT, in the hotel's currency."""
    name: Localized
    """None given: the kiosk's own name for the kind (kiosk/offers.py)."""
    description: Localized


@dataclass(frozen=True)
class HotelProfile:
    name: str
    address: str
    timezone: str
    currency: str
    phone: str
    check_in_time: time
    check_out_time: time
    minimum_age: int
    archive_after_days: int
    wifi_name: str
    wifi_password: str
    breakfast: Localized
    directions: Localized
    idle_timeout: int
    idle_warning: int
    lookup_attempts: int
    identity_attempts: int
    staff_pin_attempts: int
    staff_pin_window_minutes: int
    staff_pin_longest_wait: int
    staff_idle_timeout: int
    door_pin_attempts: int
    door_lockout_minutes: int
    door_lockout_max_minutes: int
    door_pin_window_hours: int
    pin_length: int
    import_max_rows: int
    import_max_bytes: int
    upgrades_allowed: bool
    upgrade_ladder: tuple[str, ...]
    offers: tuple[Offer, ...]
    city_tax_per_adult_night: Decimal
    """Gross, in `currency`; 0: the house charges no city tax (kiosk/folio.py)."""
    balance_at_check_out: str
    """What a balance due does at a kiosk check-out: one of BALANCE_CHOICES."""
    language: str
    """The house's own language: the hotel's texts fall back to it; charges are described in it."""
    late_check_out_time: time
    early_check_in_free_minutes: int
    registration_country: str
    """Whose registration law the kiosk follows (kiosk/registration.py)."""
    card_printer: str
    """The CUPS printer for registration cards; "": the cards wait for staff."""
    stays_days: int
    audit_days: int
    help_days: int
    """How long a stay in history, an audit event and a help request are kept
    (kiosk/retention.py)."""

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def _line_of(text: str, section: str, key: str) -> int | None:
    current = ""
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        header = re.fullmatch(
            r"\[\[?\s*([\w.]+)\s*\]\]?\s*(#.*)?", stripped
        )  # a comment may follow
        if header:
            current = header.group(1)
        elif current == section and re.match(
            rf"([\"']?){re.escape(key)}\1\s*(\.[^=]*)?=", stripped
        ):  # `breakfast.de = ...` too
            return number
    return None


class _Reader:
    """Takes typed values out of the parsed TOML, naming key and line on every mistake."""

    def __init__(
        self, path: Path, text: str, data: dict[str, Any], defaults: dict[str, Any]
    ) -> None:
        self.path, self.text, self.data, self.defaults = path, text, data, defaults

    def fail(self, section: str, key: str, reason: str) -> ProfileError:
        line = _line_of(self.text, section, key)
        where = f"line {line}" if line else "missing"
        return ProfileError(f"{self.path}: [{section}] {key} ({where}): {reason}")

    def raw(self, section: str, key: str) -> Any:
        table = self.data.get(section, {})
        if key not in table and section not in OWN_SECTIONS:
            table = self.defaults.get(section, {})
        if key not in table:
            raise self.fail(section, key, "is required")
        return table[key]

    def get(self, section: str, key: str, kind: type[Value]) -> Value:
        value = self.raw(section, key)
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise self.fail(section, key, f"must be {kind.__name__}, not {value!r}")
        return value

    def number(self, section: str, key: str, low: int, high: int) -> int:
        value = self.get(section, key, int)
        if not low <= value <= high:
            raise self.fail(section, key, f"must be between {low} and {high}, not {value}")
        return value

    def amount(self, section: str, key: str) -> Decimal:
        """Money as text ("2.50"): a TOML float is binary and cannot hold every cent."""
        value = self.get(section, key, str)
        try:
            amount = Decimal(value)
        except InvalidOperation:
            amount = Decimal("NaN")
        if not amount.is_finite() or amount < 0:
            raise self.fail(section, key, f'must be an amount like "2.50", not {value!r}')
        return amount

    def choice(self, section: str, key: str, choices: tuple[str, ...]) -> str:
        value = self.get(section, key, str)
        if value not in choices:
            raise self.fail(section, key, f"must be one of {', '.join(choices)}, not {value!r}")
        return value

    def clock_time(self, section: str, key: str) -> time:
        value = self.get(section, key, str)
        try:
            return time.fromisoformat(value)
        except ValueError:
            raise self.fail(section, key, f"must be a time like 15:00, not {value!r}") from None


def _template() -> dict[str, Any]:
    return tomllib.loads(asset_path("hotel.toml").read_text(encoding="utf-8"))


def load_profile(path: Path) -> HotelProfile:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ProfileError(f"{path}: cannot read: {error.strerror}") from None
    except UnicodeDecodeError:
        raise ProfileError(f"{path}: is not UTF-8 text") from None
    return read_profile(path, text)


def read_profile(path: Path, text: str) -> HotelProfile:
    """The profile `text` holds; `path` names it in a message (`kiosk setup` checks what it
    is about to write)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ProfileError(f"{path}: {error}") from None
    read = _Reader(path, text, data, _template())
    language = read.choice("house", "language", LANGUAGES)

    timezone = read.get("hotel", "timezone", str)
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise read.fail("hotel", "timezone", f"unknown time zone {timezone!r}") from None

    offers = _offers(read, data.get("offers", []), language)
    ladder = data.get("upgrades", {}).get("ladder", [])
    if not isinstance(ladder, list) or not all(isinstance(step, str) for step in ladder):
        raise read.fail("upgrades", "ladder", "must be a list of room types")
    # Room for the shortest warning and a few seconds before it.
    idle_timeout = read.number("security", "idle_timeout", SHORTEST_IDLE_WARNING + 10, 3600)
    door_lockout_minutes = read.number("security", "door_lockout_minutes", 1, 1440)

    return HotelProfile(
        name=read.get("hotel", "name", str),
        address=read.get("hotel", "address", str),
        timezone=timezone,
        currency=read.get("hotel", "currency", str),
        phone=read.get("hotel", "phone", str),
        check_in_time=read.clock_time("stay", "check_in_time"),
        check_out_time=read.clock_time("stay", "check_out_time"),
        minimum_age=read.number("stay", "minimum_age", 0, 99),
        archive_after_days=read.number("stay", "archive_after_days", 1, 60),
        wifi_name=read.get("house", "wifi_name", str),
        wifi_password=read.get("house", "wifi_password", str),
        breakfast=_house_text(read, "breakfast", language),
        directions=_house_text(read, "directions", language),
        idle_timeout=idle_timeout,
        idle_warning=_idle_warning(read, idle_timeout),
        lookup_attempts=read.number("security", "lookup_attempts", 1, 100),
        identity_attempts=read.number("security", "identity_attempts", 1, 100),
        staff_pin_attempts=read.number("security", "staff_pin_attempts", 1, 100),
        staff_pin_window_minutes=read.number("security", "staff_pin_window_minutes", 1, 1440),
        staff_pin_longest_wait=read.number("security", "staff_pin_longest_wait", 1, 3600),
        staff_idle_timeout=read.number("security", "staff_idle_timeout", 10, 3600),
        door_pin_attempts=read.number("security", "door_pin_attempts", 1, 100),
        door_lockout_minutes=door_lockout_minutes,
        door_lockout_max_minutes=read.number(
            "security", "door_lockout_max_minutes", door_lockout_minutes, 1440
        ),
        door_pin_window_hours=read.number("security", "door_pin_window_hours", 1, 720),
        pin_length=read.number("security", "pin_length", 4, 8),
        import_max_rows=read.number("import", "max_rows", 1, 100_000),
        import_max_bytes=read.number("import", "max_bytes", 1_000, 100_000_000),
        upgrades_allowed=read.get("upgrades", "allowed", bool),
        upgrade_ladder=tuple(ladder),
        offers=tuple(offers),
        city_tax_per_adult_night=read.amount("folio", "city_tax_per_adult_night"),
        balance_at_check_out=read.choice("folio", "balance_at_check_out", BALANCE_CHOICES),
        language=language,
        late_check_out_time=read.clock_time("stay", "late_check_out_time"),
        early_check_in_free_minutes=read.number("stay", "early_check_in_free_minutes", 0, 720),
        registration_country=read.choice("registration", "country", REGISTRATION_COUNTRIES),
        card_printer=_printer_name(read),
        stays_days=read.number("retention", "stays_days", 1, 3650),
        audit_days=read.number("retention", "audit_days", 1, 3650),
        help_days=read.number("retention", "help_days", 1, 3650),
    )


def _house_text(read: _Reader, key: str, language: str) -> Localized:
    return _localized(read, "house", key, language, read.raw("house", key))


def _idle_warning(read: _Reader, idle_timeout: int) -> int:
    """WCAG 2.2.1 gives a guest at least 20 seconds to ask for more time before a session
    ends: a shorter warning is refused, not raised to 20 behind the operator's back."""
    warning = read.get("security", "idle_warning", int)
    if warning < SHORTEST_IDLE_WARNING:
        raise read.fail(
            "security",
            "idle_warning",
            f"must be at least {SHORTEST_IDLE_WARNING} seconds, so that a guest has time to "
            f"ask for more (WCAG 2.2.1), not {warning}",
        )
    return read.number("security", "idle_warning", SHORTEST_IDLE_WARNING, idle_timeout - 1)


def _printer_name(read: _Reader) -> str:
    """A CUPS destination name: no spaces, slashes or a leading dash, which `lp` would read
    as something else."""
    name = read.get("registration", "printer", str)
    if name and not re.fullmatch(r"[A-Za-z0-9_.@][A-Za-z0-9_.@-]{0,126}", name):
        raise read.fail("registration", "printer", f"is not a printer name: {name!r}")
    return name


def _offers(read: _Reader, entries: Any, language: str) -> tuple[Offer, ...]:
    """The [[offers]] tables; a bad one is named by its place in the file."""
    if not isinstance(entries, list):
        raise read.fail("offers", "code", "[[offers]] must be tables, one per offer")
    offers: dict[ChargeKind, Offer] = {}
    for number, entry in enumerate(entries, start=1):
        where = f"offer {number}"
        if not isinstance(entry, dict):
            raise read.fail("offers", "code", f"{where} must be a table")
        code = entry.get("code")
        kind = _OLD_OFFER_CODES.get(str(code)) or next(
            (kind for kind in OFFER_KINDS if kind == code), None
        )
        if kind is None:
            known = ", ".join(OFFER_KINDS)
            raise read.fail("offers", "code", f"{where}: code must be one of {known}, not {code!r}")
        if kind in offers:
            raise read.fail("offers", "code", f"{where}: {kind} is offered twice")
        offers[kind] = Offer(
            kind,
            _price(read, where, entry.get("price")),
            _localized(read, "offers", "name", language, entry.get("name", {}), where),
            _localized(
                read, "offers", "description", language, entry.get("description", {}), where
            ),
        )
    return tuple(offers.values())


def _price(read: _Reader, where: str, value: Any) -> Decimal:
    """A price as written: 18.50, "18.50" or 18 (older files wrote floats such as 18.0; a
    float's shortest form is the number as typed)."""
    try:
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise InvalidOperation
        price = Decimal(str(value))
    except InvalidOperation:
        raise read.fail("offers", "price", f"{where} needs a price, not {value!r}") from None
    if not price.is_finite() or price <= 0:
        raise read.fail("offers", "price", f"{where}: the price must be above 0, not {value!r}")
    return price


def _localized(
    read: _Reader, section: str, key: str, house_language: str, value: Any, where: str = ""
) -> Localized:
    """`breakfast = "..."` for every language, or one per language: `breakfast.de = "..."`
    or `breakfast = {de = "...", en = "..."}`. `where` names an [[offers]] table."""
    if isinstance(value, str):
        return Localized(house_language, {house_language: value})
    if not isinstance(value, dict) or not all(
        language in LANGUAGES and isinstance(text, str) for language, text in value.items()
    ):
        prefix = f"{where}: " if where else ""
        languages = ", ".join(LANGUAGES)
        raise read.fail(
            section, key, f"{prefix}{key} must be a text or a table of {languages} texts"
        )
    return Localized(house_language, dict(value))
