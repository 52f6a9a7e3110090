"""The goodbye: the guest's room, the way there and the house's essentials."""

from __future__ import annotations

from textual.app import ComposeResult

from kiosk.session import CheckInSession
from screens.base import GoodbyePage, plain
from screens.widgets.facts import Facts


class DonePage(GoodbyePage):
    def __init__(self, session: CheckInSession) -> None:
        super().__init__()
        self.session = session

    def compose_body(self) -> ComposeResult:
        booking, profile, catalog = self.session.booking, self.kiosk_app.hotel.profile, self.catalog
        assert booking is not None
        check_out = self.t(
            "done.check_out_value",
            date=catalog.date(booking.departure),
            time=profile.check_out_time.strftime("%H:%M"),
        )
        yield plain(
            self.t("done.title", name=booking.first_name or booking.guest_name), classes="title"
        )
        yield plain(
            "\n".join(
                self.t("done.room", room=key.room.number, floor=catalog.floor(key.room.floor))
                for key in self.session.keys
            ),
            classes="room-line",
        )
        wifi = self.t("done.wifi_value", name=profile.wifi_name, password=profile.wifi_password)
        yield Facts(
            [
                (self.t("done.directions"), profile.directions),
                (self.t("done.wifi"), wifi),
                (self.t("done.breakfast"), profile.breakfast),
                (self.t("done.check_out"), check_out),
            ],
            id="house-facts",
        )
        yield plain(self.t("done.closing"), classes="hint")
        yield from self.compose_finish(self.t("done.finish"))
