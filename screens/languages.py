"""The language list: every language the kiosk speaks, each in its own name, one press away
from every guest page."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from kiosk.i18n import LANGUAGES, Catalog


def language_name(language: str) -> str:
    return Catalog.load(language).t("language.name")


class LanguageList(ModalScreen[str | None]):
    """Dismissed with the language chosen, or None when the guest closes the list."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss_list", "Close", show=False),
        Binding("down,right", "next_language", "Next", show=False),
        Binding("up,left", "previous_language", "Previous", show=False),
    ]

    def __init__(self, current: str) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="language-list"):
            # The title in the language on screen: the names below speak for themselves.
            yield Static(
                Catalog.load(self.current).t("language.choose"), markup=False, classes="title"
            )
            with Grid(id="language-choices"):
                for language in LANGUAGES:
                    chosen = language == self.current
                    # The tick says which language is on, for those who cannot tell by colour.
                    name = language_name(language)
                    yield Button(
                        f"✓ {name}" if chosen else name,
                        id=f"language-{language}",
                        name=language,
                        classes="-current" if chosen else "",
                    )

    def on_mount(self) -> None:
        self.query_one(f"#language-{self.current}", Button).focus()

    @on(Button.Pressed, "#language-choices Button")
    def choose(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.name)

    def action_next_language(self) -> None:
        self.focus_next()

    def action_previous_language(self) -> None:
        self.focus_previous()

    def action_dismiss_list(self) -> None:
        self.dismiss(None)
