"""The attract page: the hotel's name, "Check in" and "Check out", and in the demo what to
type."""

from __future__ import annotations

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button

from kiosk import demo
from kiosk.i18n import Catalog
from screens.base import GuestPage, PageButton, is_typed, plain


def demo_hints(catalog: Catalog) -> list[demo.DemoHint]:
    """One guest for each thing the demo data shows, in the catalog's language."""
    first: dict[str, demo.DemoHint] = {}
    for hint in demo.try_list(catalog):
        first.setdefault(hint.shows, hint)
    return list(first.values())


def hint_line(hint: demo.DemoHint) -> str:
    """Code and last name to type, and the date of birth for hand entry where one is on file."""
    birth = f" · {hint.date_of_birth:%d.%m.%Y}" if hint.date_of_birth else ""
    return f"{hint.code} {hint.last_name}{birth}: {hint.what_it_shows}"


class WelcomePage(GuestPage):
    AUTO_FOCUS = "#check-in"

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="welcome"):
            with Vertical(id="welcome-main"):
                hotel = self.kiosk_app.hotel.profile.name
                yield plain(self.t("welcome.title", hotel=hotel), classes="title")
                yield plain(self.t("welcome.subtitle"), classes="hint")
                with Horizontal(classes="choices"):
                    yield PageButton(
                        self.t("welcome.check_in"),
                        id="check-in",
                        variant="primary",
                        classes="main-action",
                    )
                    yield PageButton(
                        self.t("checkout.welcome_button"), id="check-out", classes="main-action"
                    )
            if self.kiosk_app.demo:
                with VerticalScroll(id="demo-panel", can_focus=False):
                    yield plain(self.t("demo.title"), classes="panel-title")
                    for hint in demo_hints(self.catalog):
                        yield plain(hint_line(hint), classes="demo-code")
                    yield plain(self.t("demo.identity_hint"), classes="panel-hint")

    @on(Button.Pressed, "#check-in")
    def check_in(self) -> None:
        self.kiosk_app.start_check_in()

    @on(Button.Pressed, "#check-out")
    def check_out(self) -> None:
        self.kiosk_app.start_check_out()

    def any_key(self, event: events.Key) -> None:
        # A guest who types, or scans their booking confirmation, straight away is looking
        # for their booking: what they type goes there (FindBookingPage.any_key).
        if is_typed(event):
            event.stop()
            event.prevent_default()
            self.check_in()
            self.guest_screen.page.any_key(event)
