"""ICAO 9303 machine-readable zones (TD1, TD2, TD3) and surname matching.

Written in-house because the PyPI ``mrz`` package is GPLv3. Standard library only.
The raw zone and the full document number are never logged or kept by this module;
callers keep only what ARCHITECTURE.md ("Identity") allows.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

__all__ = ["MrzDocument", "MrzError", "parse_mrz", "surname_matches", "transliterate"]

# Real zones are at most 92 characters plus separators; anything far longer is not a
# zone, and refusing it early keeps fuzzed or pasted junk cheap.
_MAX_INPUT = 1000
# Single-line input (no separators) is only unambiguous at these exact lengths.
_ONE_LINE = {88: (44, 2), 72: (36, 2), 90: (30, 3)}
_SHAPES = {(2, 44): "TD3", (2, 36): "TD2", (3, 30): "TD1"}
# Explicit ASCII classes: validating before .upper() matters, because str.upper()
# turns some non-ASCII letters into ASCII ones ("ß" -> "SS", "ı" -> "I").
_ZONE_LINE = re.compile(r"[A-Za-z0-9<]+")
# Expiry dates more than this many years ahead are read as last century.
_EXPIRY_HORIZON_YEARS = 50
# Name fields are short (TD1 has 30 characters for surname and given names together),
# so a surname this long is presumed to have been cut at the field's end.
_TRUNCATION_MIN = 25


class MrzError(ValueError):
    """Zone rejected. ``reason`` is "format", "check_digit" or "date"."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class MrzDocument:
    format: str
    document_type: str
    issuing_state: str
    surname: str
    given_names: str
    # Kept out of repr so the whole number never reaches logs or tracebacks.
    document_number: str = field(repr=False)
    nationality: str
    date_of_birth: date
    sex: str
    expiry: date

    @property
    def number_last4(self) -> str:
        return self.document_number[-4:]


def _char_value(c: str) -> int:
    if c == "<":
        return 0
    if c.isdigit():
        return int(c)
    return ord(c) - ord("A") + 10


def check_digit(data: str) -> int:
    return sum(_char_value(c) * (7, 3, 1)[i % 3] for i, c in enumerate(data)) % 10


def _verify(data: str, digit: str, what: str) -> None:
    if digit != str(check_digit(data)):
        raise MrzError("check_digit", f"check digit for {what} does not hold")


def _lines(text: str) -> list[str]:
    if len(text) > _MAX_INPUT:
        raise MrzError("format", "input too long for a machine-readable zone")
    lines = [ln.strip() for ln in re.split(r"\r\n|\r|\n", text)]
    lines = [ln for ln in lines if ln]
    if len(lines) == 1 and len(lines[0]) in _ONE_LINE:
        width, count = _ONE_LINE[len(lines[0])]
        lines = [lines[0][i * width : (i + 1) * width] for i in range(count)]
    for ln in lines:
        if not _ZONE_LINE.fullmatch(ln):
            raise MrzError("format", "zone may contain only A-Z, 0-9 and '<'")
    return [ln.upper() for ln in lines]


def _date_parts(yymmdd: str, what: str) -> tuple[int, int, int]:
    if not yymmdd.isdigit():
        raise MrzError("format", f"{what} is not a YYMMDD date")
    return int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:])


def _make_date(year: int, month: int, day: int, what: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise MrzError("date", f"{what} is not a real date") from None


def _birth_date(yymmdd: str, today: date) -> date:
    yy, mm, dd = _date_parts(yymmdd, "date of birth")
    century = today.year // 100 * 100
    born = _make_date(century + yy, mm, dd, "date of birth")
    if born > today:
        born = _make_date(century - 100 + yy, mm, dd, "date of birth")
    return born


def _expiry_date(yymmdd: str, today: date) -> date:
    yy, mm, dd = _date_parts(yymmdd, "expiry date")
    year = 2000 + yy
    if year > today.year + _EXPIRY_HORIZON_YEARS:
        year -= 100
    return _make_date(year, mm, dd, "expiry date")


def _document_number(number: str, digit: str, optional: str) -> str:
    """Number and check digit; long TD1/TD2 numbers continue in the optional data.

    ICAO 9303 part 5 note j (and the same note for TD2 in part 6): a '<' in the check
    digit position means the rest of the number, then its check digit, open the
    optional data field.
    """
    if digit == "<" and number[-1] != "<":
        extension = optional.split("<", 1)[0]
        if not extension:
            raise MrzError("check_digit", "check digit for document number is missing")
        number, digit = number + extension[:-1], extension[-1]
    _verify(number, digit, "document number")
    return number.rstrip("<")


def _names(name_field: str) -> tuple[str, str]:
    surname, _, given = name_field.partition("<<")
    return _spaced(surname), _spaced(given)


def _spaced(mrz_name: str) -> str:
    return " ".join(part for part in mrz_name.split("<") if part)


def _letters(value: str, what: str) -> None:
    """Codes and names are letters and fillers only: a zone with digits there is junk,
    whatever its check digits say (they protect numbers and dates, not these fields)."""
    if not re.fullmatch(r"[A-Z<]*", value):
        raise MrzError("format", f"{what} may contain only letters and '<'")


def _sex(c: str) -> str:
    if c not in "MFX<":
        raise MrzError("format", "sex must be M, F, X or '<'")
    return "X" if c == "<" else c


def parse_mrz(text: str, *, today: date) -> MrzDocument:
    """Parse and validate a zone as a document reader types it; raise MrzError."""
    lines = _lines(text)
    fmt = _SHAPES.get((len(lines), len(lines[0]) if lines else 0))
    if fmt is None or any(len(ln) != len(lines[0]) for ln in lines):
        raise MrzError("format", "expected 3 lines of 30, or 2 lines of 36 or 44 characters")

    if fmt == "TD1":
        top, mid, bottom = lines
        number = _document_number(top[5:14], top[14], top[15:30])
        birth, birth_cd, sex = mid[0:6], mid[6], mid[7]
        expiry, expiry_cd, nationality = mid[8:14], mid[14], mid[15:18]
        composite = top[5:30] + mid[0:7] + mid[8:15] + mid[18:29]
        composite_cd, name_field = mid[29], bottom
    else:
        # TD2 and TD3 share the lower line up to position 28.
        top, bottom = lines
        optional = bottom[28:35] if fmt == "TD2" else ""
        number = _document_number(bottom[0:9], bottom[9], optional)
        nationality, birth, birth_cd, sex = bottom[10:13], bottom[13:19], bottom[19], bottom[20]
        expiry, expiry_cd = bottom[21:27], bottom[27]
        composite = bottom[0:10] + bottom[13:20] + bottom[21:-1]
        composite_cd, name_field = bottom[-1], top[5:]
        if fmt == "TD3":
            personal, personal_cd = bottom[28:42], bottom[42]
            # A personal number of all filler may carry '<' instead of a digit.
            if not (personal_cd == "<" and personal.strip("<") == ""):
                _verify(personal, personal_cd, "personal number")

    _verify(birth, birth_cd, "date of birth")
    _verify(expiry, expiry_cd, "expiry date")
    _verify(composite, composite_cd, "the whole zone (composite)")
    if not "A" <= top[0] <= "Z":
        raise MrzError("format", "the document code must start with a letter")
    for value, what in (
        (top[0:2], "document code"),
        (top[2:5], "issuing state"),
        (nationality, "nationality"),
        (name_field, "the name field"),
    ):
        _letters(value, what)
    surname, given_names = _names(name_field)
    return MrzDocument(
        format=fmt,
        document_type=top[0:2].strip("<"),
        issuing_state=top[2:5].strip("<"),
        surname=surname,
        given_names=given_names,
        document_number=number,
        nationality=nationality.strip("<"),
        date_of_birth=_birth_date(birth, today),
        sex=_sex(sex),
        expiry=_expiry_date(expiry, today),
    )


# ICAO 9303 part 3 section 6: letters NFKD cannot reduce to one base letter, plus the
# umlauts, whose recommended form is two letters rather than the bare vowel.
_ICAO = {
    "Ä": "AE",
    "Ö": "OE",
    "Ü": "UE",
    "Å": "AA",
    "Æ": "AE",
    "Ø": "OE",
    "Œ": "OE",
    "ẞ": "SS",
    "Þ": "TH",
    "Ð": "D",
    "Đ": "D",
    "Ħ": "H",
    "Ł": "L",
    "Ŧ": "T",
    "Ŋ": "N",
    "Ĳ": "IJ",
    "ı": "I",
}
# Some states print the bare vowel instead (Müller as MULLER).
_SIMPLE = {**_ICAO, "Ä": "A", "Ö": "O", "Ü": "U", "Å": "A", "Ø": "O"}
# Omitted outright rather than turned into a filler: O'Brien is OBRIEN, not O<BRIEN.
_DROPPED = set("'’‘`´ʼʻ.·")


def _transliterate(name: str, table: dict[str, str]) -> str:
    out = []
    # upper() first so "ß" is already "SS" and lowercase umlauts hit the table.
    for ch in name.upper():
        if ch in _DROPPED:
            continue
        if ch in table:
            out.append(table[ch])
            continue
        for base in unicodedata.normalize("NFKD", ch):
            if unicodedata.combining(base) or base in _DROPPED:
                continue
            # Anything that is not a Latin letter separates name parts.
            out.append(base if "A" <= base <= "Z" else "<")
    return re.sub(r"<+", "<", "".join(out)).strip("<")


def transliterate(name: str) -> str:
    """A name in MRZ form by ICAO's recommended transliteration: "Smith-Jones" -> "SMITH<JONES"."""
    return _transliterate(name, _ICAO)


def name_forms(name: str) -> set[str]:
    """The MRZ forms a name may take: ICAO's (MUELLER) and the bare-vowel one (MULLER)."""
    return {_transliterate(name, table) for table in (_ICAO, _SIMPLE)} - {""}


def surname_matches(booking_last_name: str, mrz_surname: str) -> bool:
    """Whether a booking's last name is the surname read from a zone.

    Accepts the ICAO form (MUELLER) and the bare-vowel form (MULLER). A zone surname
    of 25 characters or more is presumed cut at the end of the name field, so it
    matches any booking name that starts with it. The field length is not passed in;
    25 is near the limit of the shortest field (TD1: 30 for all names, so at most 27
    for a surname followed by "<<" and an initial), and shorter surnames must match whole.
    """
    mrz = re.sub(r"<+", "<", mrz_surname.upper().replace(" ", "<")).strip("<")
    if not mrz:
        return False
    return any(
        booked == mrz or (len(mrz) >= _TRUNCATION_MIN and booked.startswith(mrz))
        for booked in name_forms(booking_last_name)
    )
