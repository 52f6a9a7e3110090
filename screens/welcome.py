"""The attract page: the hotel's name, "Check in", and in the demo the codes to try."""

from __future__ import annotations

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button

from kiosk import demo
from kiosk.session import Step
from screens.base import GuestPage, PageButton, plain
from screens.booking import FindBookingPage, is_typed
from screens.recovery import LockedPage


def demo_codes() -> list[tuple[str, str]]:
    """One booking code for each thing the demo data shows."""
    first_code: dict[str, str] = {}
    for code, shows in demo.try_list():
        first_code.setdefault(shows, code)
    return [(code, shows) for shows, code in first_code.items()]


class WelcomePage(GuestPage):
    AUTO_FOCUS = "#check-in"

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="welcome"):
            with Vertical(id="welcome-main"):
                yield plain(
                    self.t("welcome.title", hotel=self.kiosk.hotel.profile.name), classes="title"
                )
                yield plain(self.t("welcome.subtitle"), classes="hint")
                yield PageButton(
                    self.t("welcome.check_in"),
                    id="check-in",
                    variant="primary",
                    classes="main-action",
                )
            if self.kiosk.demo:
                with VerticalScroll(id="demo-panel", can_focus=False):
                    yield plain(self.t("demo.title"), classes="panel-title")
                    for code, shows in demo_codes():
                        yield plain(f"{code}  {shows}", classes="demo-code")
                    yield plain(self.t("demo.identity_hint"), classes="panel-hint")

    @on(Button.Pressed, "#check-in")
    def check_in(self) -> None:
        session = self.kiosk.start_check_in()
        # Too many failed lookups on this kiosk lock it until staff step in.
        self.kiosk.show(LockedPage() if session.step is Step.LOCKED else FindBookingPage(session))

    def any_key(self, event: events.Key) -> None:
        # A guest who types, or scans their booking confirmation, straight away is looking
        # for their booking: what they type goes there (FindBookingPage.any_key).
        if is_typed(event):
            event.stop()
            event.prevent_default()
            self.check_in()
            self.guest_screen.page.any_key(event)
