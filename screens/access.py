"""The "Aa Display" panel: what a guest may change for their own visit (large text, high
contrast, reading aloud where the kiosk has speech, more time before the kiosk forgets
them), by keyboard and by touch. The app keeps the settings and resets them for the next
guest (screens/app.py); the panel shows them and forwards the guest's choice."""

from __future__ import annotations

from typing import ClassVar, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from kiosk.idle_limit import MORE_TIME_SECONDS
from screens.base import GuestApp, PageButton, plain

TOGGLES = {
    "large-text": "access.large_text",
    "high-contrast": "access.high_contrast",
    "read-aloud": "access.read_aloud",
}
"""Each switch's button id (the app's setting of the same name, with underscores) and its
name in the catalog."""


def setting(button_id: str) -> str:
    return button_id.replace("-", "_")


class AccessPanel(ModalScreen[None]):
    """Over the guest's page, which stays as it was; Close or Escape goes back to it."""

    AUTO_FOCUS = "#large-text"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", show=False, id="access.close"),
    ]

    @property
    def kiosk_app(self) -> GuestApp:
        return cast(GuestApp, self.app)

    def t(self, key: str, **fields: object) -> str:
        return self.kiosk_app.catalog.t(key, **fields)

    def compose(self) -> ComposeResult:
        app = self.kiosk_app
        with Vertical(id="access-dialog"):
            yield plain(self.t("access.title"), classes="title")
            yield plain(self.t("access.hint"), classes="hint")
            for button_id in TOGGLES:
                if button_id != "read-aloud" or app.can_speak:
                    yield PageButton(self._toggle_label(button_id), id=button_id, classes="toggle")
            yield PageButton(
                self.t("access.more_time", minutes=MORE_TIME_SECONDS // 60), id="more-time"
            )
            yield plain(self._more_time_note(), id="more-time-note")
            yield PageButton(self.t("access.close"), id="close-access", variant="primary")

    def on_mount(self) -> None:
        self._show_more_time()
        if self.kiosk_app.read_aloud:
            self.kiosk_app.speak(f"{self.t('access.title')}\n{self.t('access.hint')}")

    def _toggle_label(self, button_id: str) -> str:
        """The state in words and by a mark, not by colour alone."""
        on_now = getattr(self.kiosk_app, setting(button_id))
        return self.t("access.on" if on_now else "access.off", name=self.t(TOGGLES[button_id]))

    def _more_time_note(self) -> str:
        limit = self.kiosk_app.idle_limit
        if not limit.can_extend:
            return self.t("access.more_time_max")
        if limit.extended:
            added = limit.extensions * MORE_TIME_SECONDS // 60
            return self.t("access.more_time_given", minutes=added)
        return ""

    def _show_more_time(self) -> None:
        note = self.query_one("#more-time-note", Static)
        note.update(self._more_time_note())
        note.display = self.kiosk_app.idle_limit.extended

    @on(Button.Pressed, ".toggle")
    def toggle(self, event: Button.Pressed) -> None:
        button = event.button
        assert button.id is not None
        name = setting(button.id)
        setattr(self.kiosk_app, name, not getattr(self.kiosk_app, name))
        button.label = self._toggle_label(button.id)
        if self.kiosk_app.read_aloud:
            self.kiosk_app.speak(str(button.label))

    @on(Button.Pressed, "#more-time")
    def more_time(self) -> None:
        self.kiosk_app.more_time()
        self._show_more_time()
        if self.kiosk_app.read_aloud:
            self.kiosk_app.speak(self._more_time_note())

    @on(Button.Pressed, "#close-access")
    def action_close(self) -> None:
        if self.is_current:
            self.dismiss()
