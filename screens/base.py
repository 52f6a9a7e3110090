"""What every guest screen has: the hotel's name and the step, the screen's own body, the
staff-are-coming banner, Help, Back where going back is safe, and the language switch.

A screen composes all its text from the catalog, so a language change recomposes it; what
the guest typed and where focus was survive the change.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Input, Static, TextArea

from kiosk.i18n import LANGUAGES, Catalog
from kiosk.session import Rejected

if TYPE_CHECKING:
    from screens.app import KioskApp

STEPS = 4  # booking, identity, room, door code
FEW_ATTEMPTS = 2  # from here on a rejection also says how many tries are left


def plain(text: str = "", *, id: str | None = None, classes: str = "") -> Static:
    """A line of text that is never read as markup: guest names may contain brackets."""
    return Static(text, markup=False, id=id, classes=classes)


class GuestScreen(Screen[None]):
    STEP: ClassVar[int | None] = None
    """Which of the steps this screen belongs to, for the progress line; None shows none."""
    CAN_GO_BACK: ClassVar[bool] = False
    """Whether this screen offers Back (override `go_back` when it does)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "help", "Help", show=False, id="guest.help"),
        Binding("escape", "back", "Back", show=False, id="guest.back"),
    ]

    rejected: Rejected | None = None
    """The last rejection this screen shows, kept so that it can be shown in another language."""
    _composed_in = ""
    """The language of the text on screen; a different one recomposes it."""

    @property
    def kiosk(self) -> KioskApp:
        return cast("KioskApp", self.app)

    @property
    def catalog(self) -> Catalog:
        return self.kiosk.catalog

    def t(self, key: str, **fields: object) -> str:
        return self.catalog.t(key, **fields)

    # -- layout -----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        self._composed_in = self.kiosk.language
        with Horizontal(id="top-bar"):
            yield plain(self.kiosk.hotel.profile.name, id="hotel-name")
            if self.STEP is not None:
                step_name = self.t(f"step.{self.STEP}")
                yield plain(
                    self.t("progress", step=self.STEP, steps=STEPS, name=step_name), id="progress"
                )
        with VerticalScroll(id="body", can_focus=False):
            yield from self.compose_body()
        yield plain(self.t("help.on_the_way"), id="help-banner")
        with Horizontal(id="actions"):
            yield Button(self.t("action.help"), id="help")
            if self.CAN_GO_BACK:
                yield Button(self.t("action.back"), id="back")
            with Horizontal(id="languages"):
                for language in LANGUAGES:
                    yield self._language_button(language)

    def compose_body(self) -> ComposeResult:
        raise NotImplementedError

    def _language_button(self, language: str) -> Button:
        name = Catalog.load(language).t("language.name")
        current = language == self.kiosk.language
        # The tick says which language is on, for those who cannot tell by the colour.
        return Button(
            f"✓ {name}" if current else name,
            id=f"language-{language}",
            name=language,
            classes="language -current" if current else "language",
        )

    def problem_line(self) -> Static:
        """Where a rejection is shown; empty and hidden until there is one."""
        line = plain(self.describe(self.rejected) if self.rejected else "", id="problem")
        line.display = self.rejected is not None
        return line

    def describe(self, rejected: Rejected) -> str:
        """The guest's words for a rejection; screens that show rejections say them."""
        raise NotImplementedError

    def show_rejection(self, rejected: Rejected) -> None:
        self.rejected = rejected
        line = self.query_one("#problem", Static)
        line.update(self.describe(rejected))
        line.display = True

    def attempts_note(self, key: str, rejected: Rejected) -> str:
        if rejected.attempts_left is None or rejected.attempts_left > FEW_ATTEMPTS:
            return ""
        return " " + self.catalog.plural(key, rejected.attempts_left)

    # -- language and help ------------------------------------------------------------------

    def on_mount(self) -> None:
        # init=True: the language may have changed between compose and mount.
        self.watch(self.kiosk, "language", self._relabel)
        self.watch(self.kiosk, "help_pending", self._show_help_banner)

    async def _relabel(self, language: str) -> None:
        if language == self._composed_in:
            return
        typed = {field.id: field.value for field in self.query(Input) if field.id}
        zones = {area.id: area.text for area in self.query(TextArea) if area.id}
        focused = self.focused.id if self.focused else None
        await self.recompose()
        for field in self.query(Input):
            field.value = typed.get(field.id or "", field.value)
        for area in self.query(TextArea):
            area.load_text(zones.get(area.id or "", area.text))
        if focused:
            for widget in self.query(f"#{focused}"):
                widget.focus()

    def _show_help_banner(self, pending: bool) -> None:
        self.set_class(pending, "-help-pending")

    @on(Button.Pressed, ".language")
    def choose_language(self, event: Button.Pressed) -> None:
        assert event.button.name is not None
        self.kiosk.language = event.button.name

    @on(Button.Pressed, "#help")
    def action_help(self) -> None:
        self.kiosk.call_staff()

    # -- back -------------------------------------------------------------------------------

    @on(Button.Pressed, "#back")
    def action_back(self) -> None:
        if self.CAN_GO_BACK:
            self.go_back()

    def go_back(self) -> None:
        self.dismiss()
