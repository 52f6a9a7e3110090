"""What the printed registration card shows (the hotel, the fields its law asks for, labelled in
the house's and the guest's language, and a line to sign) and the privacy receipt's page: one
A4 PDF, made in memory.

The card holds the fields of `RegistrationCard.shown()` and nothing else: no booking code, no
status, no internal id (BMG §30(2) names the fields a card may hold). Guest text is drawn as
plain strings, never read as markup, in Roboto (the `font-roboto` package), whose glyphs cover
Latin Extended, Greek and Cyrillic names. A language written in other letters (Chinese) is
printed in English: see `printed_language`.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from kiosk.i18n import Catalog
from kiosk.profile import HotelProfile
from kiosk.registration import RegistrationCard, country_name

REGULAR = "Roboto"
BOLD = "Roboto-Bold"

_PAGE_WIDTH, _PAGE_HEIGHT = A4
_MARGIN = 20 * mm
_TEXT_WIDTH = _PAGE_WIDTH - 2 * _MARGIN
_LEFT_COLUMN = 70 * mm
_GUTTER = 6 * mm
_RIGHT_COLUMN = _TEXT_WIDTH - _LEFT_COLUMN - _GUTTER
_LABEL_SIZE = 9
_VALUE_SIZE = 11
_LEADING = 1.3  # line height, as a multiple of the font size
_GREY = 0.35


@cache
def _fonts() -> None:
    """Registered once per process: reportlab keeps its fonts in a global registry."""
    files = resources.files("font_roboto") / "files"
    for name, file in ((REGULAR, "Roboto-Regular.ttf"), (BOLD, "Roboto-Bold.ttf")):
        with resources.as_file(files / file) as path:
            pdfmetrics.registerFont(TTFont(name, str(path)))


@cache
def printed_language(language: str) -> str:
    """`language` where Roboto has every letter of its catalog, else English: a page of empty
    boxes tells the guest nothing."""
    _fonts()
    font = pdfmetrics.getFont(REGULAR)
    assert isinstance(font, TTFont)
    glyphs = font.face.charToGlyph
    letters = {char for text in Catalog.load(language).messages.values() for char in text}
    drawn = all(ord(char) in glyphs for char in letters if char.isalpha())
    return language if drawn else "en"


def render(
    profile: HotelProfile,
    *,
    language: str,
    card: RegistrationCard | None = None,
    receipt: list[tuple[str, str]] | None = None,
    receipt_title: str = "",
) -> bytes:
    """The card on its own page(s) where there is one, then the receipt's page where there is
    one: each receipt line is (what is kept, until when), worded by the caller. `language` is
    the guest's, the document's language; the card's labels are in the house's language and
    the card's."""
    _fonts()
    buffer = io.BytesIO()
    # invariant: no creation time or random id in the file, so the same card makes the same bytes.
    canvas = Canvas(buffer, pagesize=A4, invariant=True, lang=printed_language(language))
    canvas.setTitle(receipt_title or (_card_title(profile, card) if card else ""))
    canvas.setAuthor(profile.name)
    page = _Page(canvas)
    if card is not None:
        _draw_card(page, profile, card)
    if receipt is not None:
        if card is not None:
            page.new_page()
        page.heading(profile, receipt_title, with_address=False)
        for what, until in receipt:
            page.row(what, until)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


# -- the card -------------------------------------------------------------------------------


def _languages(profile: HotelProfile, card: RegistrationCard) -> tuple[str, ...]:
    return tuple(dict.fromkeys((profile.language, printed_language(card.language))))


def _both(texts: Iterator[str]) -> str:
    """Both languages' texts, as in "Familienname / Surname"; one where they say the same."""
    return " / ".join(dict.fromkeys(texts))


def _said(key: str, languages: tuple[str, ...]) -> str:
    return _both(Catalog.load(language).t(key) for language in languages)


def _card_title(profile: HotelProfile, card: RegistrationCard) -> str:
    return _said(f"card.title.{card.law}", _languages(profile, card))


def _value(name: str, value: Any, languages: tuple[str, ...]) -> str:
    if name == "country":
        return _both(country_name(value, language) or value for language in languages)
    if isinstance(value, date):
        return f"{value:%d.%m.%Y}"
    if isinstance(value, tuple):
        return ", ".join(value)
    return "" if value is None else str(value)


def _draw_card(page: _Page, profile: HotelProfile, card: RegistrationCard) -> None:
    languages = _languages(profile, card)
    page.heading(profile, _card_title(profile, card), with_address=True)
    for name, value in card.shown():
        page.row(_said(f"card.field.{name}", languages), _value(name, value, languages))
    page.signature_lines(
        date_label=_said("card.signature_date", languages),
        signature_label=_said("card.signature", languages),
    )


# -- layout ---------------------------------------------------------------------------------


def _pieces(word: str, font: str, size: float, width: float) -> Iterator[str]:
    """A word too long for the line, cut where it overflows."""
    while pdfmetrics.stringWidth(word, font, size) > width and len(word) > 1:
        cut = len(word) - 1
        while cut > 1 and pdfmetrics.stringWidth(word[:cut], font, size) > width:
            cut -= 1
        yield word[:cut]
        word = word[cut:]
    yield word


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """The lines `text` takes in a column `width` wide, broken between words."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        for piece in _pieces(word, font, size, width):
            longer = f"{line} {piece}" if line else piece
            if pdfmetrics.stringWidth(longer, font, size) <= width:
                line = longer
            else:
                lines.append(line)
                line = piece
    return [*lines, line] if line else lines


class _Page:
    """A cursor down the page that starts a new page when the next block would not fit."""

    def __init__(self, canvas: Canvas) -> None:
        self.canvas = canvas
        self.y = _PAGE_HEIGHT - _MARGIN

    def new_page(self) -> None:
        self.canvas.showPage()
        self.y = _PAGE_HEIGHT - _MARGIN

    def _make_room(self, height: float) -> None:
        if self.y - height < _MARGIN:
            self.new_page()

    def _lines(
        self, x: float, y: float, lines: list[str], font: str, size: float, grey: float
    ) -> None:
        self.canvas.setFont(font, size)
        self.canvas.setFillGray(grey)
        for number, line in enumerate(lines):
            self.canvas.drawString(x, y - (number + 1) * size * _LEADING, line)

    def text(self, text: str, font: str, size: float, *, after: float = 0) -> None:
        lines = _wrap(text, font, size, _TEXT_WIDTH)
        self._make_room(len(lines) * size * _LEADING)
        self._lines(_MARGIN, self.y, lines, font, size, 0)
        self.y -= len(lines) * size * _LEADING + after

    def heading(self, profile: HotelProfile, title: str, *, with_address: bool) -> None:
        self.text(profile.name, BOLD, 14)
        if with_address:
            self.text(profile.address, REGULAR, 10)
        self.y -= 8 * mm
        self.text(title, BOLD, 16, after=6 * mm)

    def row(self, left: str, right: str) -> None:
        """A label (or what is kept) in grey on the left, its value on the right, a rule below."""
        labels = _wrap(left, REGULAR, _LABEL_SIZE, _LEFT_COLUMN)
        values = _wrap(right, REGULAR, _VALUE_SIZE, _RIGHT_COLUMN)
        height = max(len(labels) * _LABEL_SIZE, len(values) * _VALUE_SIZE) * _LEADING + 2 * mm
        self._make_room(height)
        self._lines(_MARGIN, self.y, labels, REGULAR, _LABEL_SIZE, _GREY)
        self._lines(_MARGIN + _LEFT_COLUMN + _GUTTER, self.y, values, REGULAR, _VALUE_SIZE, 0)
        self.y -= height
        self.canvas.setStrokeGray(0.8)
        self.canvas.line(_MARGIN, self.y, _MARGIN + _TEXT_WIDTH, self.y)

    def signature_lines(self, *, date_label: str, signature_label: str) -> None:
        """Two blank lines to write on by hand: the date, and the guest's signature."""
        self._make_room(30 * mm)
        self.y -= 22 * mm
        date_end = _MARGIN + 45 * mm
        signature_start = date_end + 10 * mm
        self.canvas.setStrokeGray(0)
        self.canvas.line(_MARGIN, self.y, date_end, self.y)
        self.canvas.line(signature_start, self.y, _MARGIN + _TEXT_WIDTH, self.y)
        self._lines(_MARGIN, self.y, [date_label], REGULAR, _LABEL_SIZE, _GREY)
        self._lines(signature_start, self.y, [signature_label], REGULAR, _LABEL_SIZE, _GREY)
        self.y -= _LABEL_SIZE * _LEADING
