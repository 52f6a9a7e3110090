"""Step 4: each room's door PIN in large digits and its QR key, one room at a time.

The plain PIN and the token exist only here. Leaving the page, by "I have my code" or
by the idle timeout, tells the session to forget them and empties the widgets.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Digits

from kiosk.session import CheckedIn, CheckInSession, RoomKey
from screens.base import GuestPage, PageButton, plain
from screens.done import DonePage
from screens.widgets.qr import Matrix, QRCode, qr_matrix


class DoorCodePage(GuestPage):
    STEP = 4
    AUTO_FOCUS = "#next"

    def __init__(self, session: CheckInSession, checked_in: CheckedIn) -> None:
        """Made while the guest reads the room page (RoomPage prepares it): the QR codes
        take a few milliseconds each."""
        super().__init__()
        self.session = session
        self.keys: tuple[RoomKey, ...] = checked_in.keys
        self.matrices: dict[str, Matrix] = {
            key.room.number: qr_matrix(key.token) for key in self.keys if key.token
        }
        self.shown = 0  # index into keys of the room on screen

    @property
    def key(self) -> RoomKey:
        return self.keys[self.shown]

    def compose_body(self) -> ComposeResult:
        if not self.keys:
            return
        key, catalog = self.key, self.catalog
        valid_until = key.valid_until
        last_room = self.shown == len(self.keys) - 1
        with Horizontal(id="door-code"):
            with Vertical(id="pin-column"):
                if len(self.keys) > 1:
                    yield plain(
                        self.t("key.room_of", index=self.shown + 1, count=len(self.keys)),
                        classes="hint",
                    )
                yield plain(
                    self.t("key.room", room=key.room.number, floor=catalog.floor(key.room.floor)),
                    classes="title",
                )
                yield plain(self.t("key.pin_label"), classes="field-label")
                yield Digits(key.pin, id="pin")
                valid = self.t(
                    "key.valid_until",
                    date=catalog.date(valid_until.date()),
                    time=valid_until.strftime("%H:%M"),
                )
                yield plain(f"{self.t('key.note')}\n\n{valid}", classes="hint")
                yield PageButton(
                    self.t("key.done" if last_room else "key.next_room"),
                    id="next",
                    variant="primary",
                )
            with Vertical(id="qr-column"):
                yield QRCode(self.matrices[key.room.number], id="qr")
                yield plain(self.t("key.qr_caption"), id="qr-caption")

    @on(Button.Pressed, "#next")
    async def next_room(self) -> None:
        if self.shown < len(self.keys) - 1:
            self.shown += 1
            await self.recompose()
            self.query_one("#next").focus()
        else:
            self.forget_codes()
            self.guest_screen.replace_page(DonePage(self.session))

    def closed(self) -> None:
        self.forget_codes()

    def on_unmount(self) -> None:
        self.forget_codes()

    def forget_codes(self) -> None:
        """The plain PINs and tokens leave the session, this screen and its widgets."""
        self.session.finish()
        self.keys = ()
        self.matrices.clear()
        for pin in self.query(Digits):
            pin.update("")
        for code in self.query(QRCode):
            code.forget()
