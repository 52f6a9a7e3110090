"""The goodbye: the guest's room, the way there and the house's essentials; the
registration card to sign at the desk; and, on request, what the kiosk keeps about the guest
and until when (the privacy receipt)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from kiosk.i18n import Catalog
from kiosk.session import CheckInSession
from screens.base import GoodbyePage, GuestPage, PageButton, plain
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
                (self.t("done.directions"), profile.directions.in_(self.kiosk_app.language)),
                (self.t("done.wifi"), wifi),
                (self.t("done.breakfast"), profile.breakfast.in_(self.kiosk_app.language)),
                (self.t("done.check_out"), check_out),
            ],
            id="house-facts",
        )
        if self.session.card is not None and self.session.card_printed is not None:
            printed = "printed" if self.session.card_printed else "waiting"
            yield plain(self.t(f"done.card.{printed}"), classes="subtitle", id="card-to-sign")
        yield plain(self.t("done.closing"), classes="hint")
        with Horizontal(classes="choices"):
            yield from self.compose_finish(self.t("done.finish"))
            yield PageButton(self.t("done.privacy"), id="privacy", classes="main-action")

    @on(Button.Pressed, "#privacy")
    def show_privacy(self) -> None:
        self.guest_screen.push_page(PrivacyPage(self.session))


class PrivacyPage(GuestPage):
    """What the kiosk keeps about this guest's stay, each with the day it goes and why; on the
    desk's printer too, with the registration card, where the house has one."""

    CAN_GO_BACK = True
    AUTO_FOCUS = "#privacy-back"
    CLOSES_AFTER = 60

    def __init__(self, session: CheckInSession) -> None:
        super().__init__()
        self.session = session

    def _lines(self, catalog: Catalog) -> list[tuple[str, str]]:
        """(what is kept, until when and why), in `catalog`'s language."""
        return [
            (
                catalog.t(f"privacy.kept.{kept.what}"),
                catalog.t(
                    "privacy.until",
                    date=catalog.date(kept.until),
                    why=catalog.t(f"privacy.why.{kept.why}"),
                ),
            )
            for kept in self.session.privacy_receipt()
        ]

    def compose_body(self) -> ComposeResult:
        yield plain(self.t("privacy.title"), classes="title")
        with Vertical(id="privacy-receipt"):
            for what, until in self._lines(self.catalog):
                yield plain(what, classes="kept-what")
                yield plain(until, classes="kept-until")
        yield plain(self.t("privacy.hint"), classes="hint")
        yield plain("", id="privacy-printed", classes="subtitle")
        with Horizontal(classes="choices"):
            yield PageButton(self.t("privacy.back"), id="privacy-back", classes="main-action")
            if self.kiosk_app.hotel.profile.card_printer:
                yield PageButton(self.t("privacy.print"), id="privacy-print", classes="main-action")

    @on(Button.Pressed, "#privacy-back")
    def back(self) -> None:
        self.close()

    @on(Button.Pressed, "#privacy-print")
    def print_receipt(self) -> None:
        """The receipt on the desk's printer, with the card where the guest filled one in."""
        from kiosk.card_pdf import printed_language  # reportlab loads only where one prints

        paper = Catalog.load(printed_language(self.kiosk_app.language))
        printed = self.session.print_privacy_receipt(
            self._lines(paper), paper.t("privacy.title"), paper.language
        )
        self.query_one("#privacy-printed", Static).update(
            self.t("privacy.printed" if printed else "privacy.not_printed")
        )
