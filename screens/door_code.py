"""Step 4: each room's door PIN in large digits and its QR key, one room at a time.

The plain PIN and the token are shown only here. In a browser, "Save my key" sends the QR
code as a picture to the guest's own device (Textual's delivery to the browser: nothing is
written on the kiosk). "I have my code" on the last room is the guest putting the keys away:
the session forgets them (`session.put_away_keys()`). Closed any way (that, the idle
timeout, staff), the page empties its widgets.
"""

from __future__ import annotations

import io

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Digits

from kiosk.session import CheckInSession, RoomKey
from kiosk.speech import digit_by_digit
from screens.base import GuestPage, PageButton, plain
from screens.widgets.qr import Matrix, QRCode, png_picture, qr_matrix


class DoorCodePage(GuestPage):
    STEP = 4
    AUTO_FOCUS = "#next"

    def __init__(self, session: CheckInSession) -> None:
        """Made while the guest reads the room page (RoomPage prepares it): the QR codes
        take a few milliseconds each."""
        super().__init__()
        self.session = session
        self.matrices: dict[str, Matrix] = {
            key.room.number: qr_matrix(key.token) for key in session.keys if key.token
        }
        self.shown = 0  # index into the session's keys of the room on screen

    @property
    def keys(self) -> tuple[RoomKey, ...]:
        return self.session.keys

    def compose_body(self) -> ComposeResult:
        keys = self.keys
        if not keys:
            return
        key, catalog = keys[self.shown], self.catalog
        valid_until = key.valid_until
        last_room = self.shown == len(keys) - 1
        with Horizontal(id="door-code"):
            with Vertical(id="pin-column"):
                if len(keys) > 1:
                    yield plain(
                        self.t("key.room_of", index=self.shown + 1, count=len(keys)),
                        classes="hint",
                    )
                yield plain(
                    self.t("key.room", room=key.room.number, floor=catalog.floor(key.room.floor)),
                    classes="title",
                )
                yield plain(self.t("key.pin_label"), classes="field-label")
                yield Digits(key.pin, id="pin")
                if self.kiosk_app.can_speak:
                    yield PageButton(self.t("key.read_pin"), id="read-pin")
                valid = self.t(
                    "key.valid_until",
                    date=catalog.date(valid_until.date()),
                    time=valid_until.strftime("%H:%M"),
                )
                if key.opens_at is not None:  # too early for a free check-in
                    valid = (
                        f"{self.t('offers.key_opens_at', time=f'{key.opens_at:%H:%M}')}\n{valid}"
                    )
                yield plain(f"{self.t('key.note')}\n\n{valid}", classes="hint")
                next_room = PageButton(
                    self.t("key.done" if last_room else "key.next_room"),
                    id="next",
                    variant="primary",
                )
                if self.shown == 0:
                    yield next_room
                else:
                    with Horizontal(classes="choices"):
                        yield next_room
                        earlier = keys[self.shown - 1].room.number
                        yield PageButton(self.t("key.previous_room", room=earlier), id="previous")
            with Vertical(id="qr-column"):
                yield QRCode(self.matrices[key.room.number], id="qr")
                yield plain(self.t("key.qr_caption"), id="qr-caption")
                if self.app.is_web:
                    yield PageButton(self.t("key.save"), id="save-key")

    @on(Button.Pressed, "#next")
    async def next_room(self) -> None:
        if self.shown < len(self.keys) - 1:
            self.shown += 1
            await self.recompose()
            self.query_one("#next").focus()
        else:
            self.session.put_away_keys()
            self.kiosk_app.show_step()

    @on(Button.Pressed, "#previous")
    async def previous_room(self) -> None:
        """Back to the room before: its PIN, not yet noted, is still the guest's to see."""
        if self.shown > 0:
            self.shown -= 1
            await self.recompose()
            self.query_one("#next").focus()

    @on(Button.Pressed, "#read-pin")
    def read_pin(self) -> None:
        """Only when asked, whether or not the guest has "Read aloud" on: whoever stands near
        hears it too."""
        self.kiosk_app.speak(digit_by_digit(self.keys[self.shown].pin))

    @on(Button.Pressed, "#save-key")
    def save_key(self) -> None:
        room = self.keys[self.shown].room.number
        self.app.deliver_binary(
            io.BytesIO(png_picture(self.matrices[room])),
            save_filename=f"room-{room}-key.png",
            mime_type="image/png",
        )

    def closed(self) -> None:
        """The codes leave this page and its widgets."""
        self.matrices.clear()
        for pin in self.query(Digits):
            pin.update("")
        for code in self.query(QRCode):
            code.forget()
