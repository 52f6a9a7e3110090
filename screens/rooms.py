"""Step 3: the rooms the core assigned, an upgrade told as good news."""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.widgets import Button

from kiosk.session import CheckInSession
from screens.base import GuestPage, PageButton, plain


class RoomPage(GuestPage):
    STEP = 3
    AUTO_FOCUS = "#show-key"

    def __init__(self, session: CheckInSession, *, door_code: Callable[[], GuestPage]) -> None:
        """`door_code` makes the page that follows, with the door codes (screens/routes.py)."""
        super().__init__()
        self.session = session
        self._make_door_code = door_code
        self._door_code: GuestPage | None = None

    def on_mount(self) -> None:
        # The door code page, QR codes and all, is built while the guest reads this one.
        self.call_after_refresh(self._prepare_door_code)

    def _prepare_door_code(self) -> None:
        if self.is_current:
            self._door_code = self._make_door_code()
            self.guest_screen.prepare_page(self._door_code)

    def compose_body(self) -> ComposeResult:
        catalog, keys = self.catalog, self.session.keys
        yield plain(catalog.plural("room.title", len(keys)), classes="title")
        if self.session.upgraded_to:
            upgrade = catalog.room_type(self.session.upgraded_to)
            yield plain(self.t("room.upgrade", room_type=upgrade), id="upgrade")
        yield plain(
            "\n".join(
                self.t(
                    "room.line",
                    room=key.room.number,
                    floor=catalog.floor(key.room.floor),
                    room_type=catalog.room_type(key.room.type),
                )
                for key in keys
            ),
            classes="room-line",
        )
        yield PageButton(
            self.t("room.show_key"), id="show-key", variant="primary", classes="main-action"
        )

    @on(Button.Pressed, "#show-key")
    def show_key(self) -> None:
        self.guest_screen.replace_page(self._door_code or self._make_door_code())
