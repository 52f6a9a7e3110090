"""Step 3: the rooms the core assigned, an upgrade told as good news."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.widgets import Button

from kiosk.session import CheckedIn, CheckInSession
from screens.base import GuestScreen, plain
from screens.door_code import DoorCodeScreen


class RoomScreen(GuestScreen):
    STEP = 3
    AUTO_FOCUS = "#show-key"

    def __init__(self, session: CheckInSession, checked_in: CheckedIn) -> None:
        super().__init__()
        self.session = session
        self.checked_in = checked_in

    def compose_body(self) -> ComposeResult:
        catalog, keys = self.catalog, self.checked_in.keys
        yield plain(catalog.plural("room.title", len(keys)), classes="title")
        if self.checked_in.upgraded_to:
            upgrade = catalog.room_type(self.checked_in.upgraded_to)
            yield plain(self.t("room.upgrade", room_type=upgrade), id="upgrade")
        for key in keys:
            room = key.room
            yield plain(
                self.t(
                    "room.line",
                    room=room.number,
                    floor=catalog.floor(room.floor),
                    room_type=catalog.room_type(room.type),
                ),
                classes="room-line",
            )
        yield Button(
            self.t("room.show_key"), id="show-key", variant="primary", classes="main-action"
        )

    @on(Button.Pressed, "#show-key")
    def show_key(self) -> None:
        self.app.switch_screen(DoorCodeScreen(self.session, self.checked_in))
