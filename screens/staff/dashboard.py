"""The staff dashboard: the current guest session with its overrides, and the lobby
(arrivals, help requests, rooms, the day's sales, registration cards, audit trail), one tab
each."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.command import CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.screen import Screen
from textual.widgets import Footer, Static, TabbedContent, TabPane, Tabs

from kiosk import lobby
from kiosk.hotel import Hotel
from kiosk.session import CheckInSession
from kiosk.staff import StaffMember
from screens.staff import reasons
from screens.staff.dialogs import STAFF_CSS
from screens.staff.lobby_panels import (
    ArrivalsPanel,
    AuditPanel,
    HelpPanel,
    LobbyPanel,
    RoomBoard,
    SalesPanel,
)
from screens.staff.registrations_panel import RegistrationsPanel
from screens.staff.session_panel import SessionPanel
from screens.trouble import TroubleGuard

# Another kiosk's help request shows up within this many seconds. Each poll costs one
# os.stat of the data file unless the file changed.
HELP_POLL_SECONDS = 2.0

TABS = {
    "session": "Session",
    "arrivals": "Arrivals",
    "help": "Help",
    "rooms": "Rooms",
    "sales": "Sales",
    "cards": "Cards",
    "audit": "Audit",
}


class StaffCommands(Provider):
    """The command palette of staff mode: the overrides, the tabs, log out and quit."""

    def _commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        screen = self.screen
        assert isinstance(screen, StaffScreen)
        return screen.palette_commands()

    async def discover(self) -> Hits:
        for name, help_text, callback in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in self._commands():
            if (score := matcher.match(name)) > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)


class StaffScreen(TroubleGuard, Screen[None]):
    """Shown in place of the guest's screens while a staff member is logged in."""

    CSS_PATH = STAFF_CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        # f2 and ctrl+q are priority keys of the app too, ending in the same StaffMode calls;
        # as priority bindings here as well, these are the ones the footer shows.
        Binding("f2", "log_out", "Log out", priority=True, id="staff.log_out"),
        Binding("ctrl+p", "commands", "Commands", id="staff.commands"),
        Binding("ctrl+q", "quit_kiosk", "Quit kiosk", priority=True, id="staff.quit"),
    ]

    def __init__(
        self,
        hotel: Hotel,
        member: StaffMember,
        session: CheckInSession,
        *,
        log_out: Callable[[], None],
        quit_kiosk: Callable[[], None],
        setup_warning: str | None = None,
    ) -> None:
        """`setup_warning`: shown under the bar for as long as staff are in (hotel.toml
        still holds the template's details)."""
        super().__init__()
        self.setup_warning = setup_warning
        self.hotel = hotel
        self.member = member
        self.session = session
        self._log_out = log_out
        self._quit_kiosk = quit_kiosk
        self._help_requests: list[lobby.WaitingRequest] | None = None  # as last shown

    def compose(self) -> ComposeResult:
        member, hotel = self.member, self.hotel
        yield Static(
            f"Staff mode  ·  {member.name} ({member.role})  ·  {hotel.profile.name}, "
            f"kiosk {hotel.kiosk_id}",
            id="staff-bar",
            markup=False,
        )
        if self.setup_warning:
            # Names a file: plain text.
            yield Static(f"⚠ {self.setup_warning}", id="staff-setup-warning", markup=False)
        with TabbedContent(initial="session"):
            with TabPane(TABS["session"], id="session"):
                yield SessionPanel(self.hotel, self.member, self.session)
            with TabPane(TABS["arrivals"], id="arrivals"):
                yield ArrivalsPanel(self.hotel, self.member)
            with TabPane(TABS["help"], id="help"):
                yield HelpPanel(self.hotel, self.member)
            with TabPane(TABS["rooms"], id="rooms"):
                yield RoomBoard(self.hotel, self.member)
            with TabPane(TABS["sales"], id="sales"):
                yield SalesPanel(self.hotel, self.member)
            with TabPane(TABS["cards"], id="cards"):
                yield RegistrationsPanel(self.hotel, self.member)
            with TabPane(TABS["audit"], id="audit"):
                yield AuditPanel(self.hotel, self.member)
        yield Footer()

    def on_mount(self) -> None:
        self.poll_help_requests()
        self.set_interval(HELP_POLL_SECONDS, self.poll_help_requests)

    def poll_help_requests(self) -> None:
        """Redraw the help requests when they changed, and the arrivals if they are on
        screen (a help request marks its booking as needing help)."""
        requests = lobby.help_requests(self.hotel)
        if requests == self._help_requests:
            return
        self._help_requests = requests
        tabbed = self.query_one(TabbedContent)
        tabbed.get_tab("help").label = f"{TABS['help']} ({len(requests)})"
        self.query_one(HelpPanel).show_latest(requests)
        if tabbed.active == "arrivals":
            self.query_one(ArrivalsPanel).show_latest()

    @on(HelpPanel.Changed)
    @on(SessionPanel.Overridden)
    def _help_changed(self) -> None:
        self.poll_help_requests()

    @on(ArrivalsPanel.AtTheDesk)
    async def serve_at_the_desk(self, event: ArrivalsPanel.AtTheDesk) -> None:
        """The Session tab takes the desk's session; this kiosk's guest session stays as it
        is (staff mode gives it back to the guest, untouched, on log out)."""
        await self.query_one(SessionPanel).remove()
        panel = SessionPanel(self.hotel, self.member, event.session, at_the_desk=True)
        await self.query_one("#session", TabPane).mount(panel)
        self.show_tab("session")

    @on(TabbedContent.TabActivated)
    def _tab_shown(self, event: TabbedContent.TabActivated) -> None:
        """A tab is drawn when it is shown, from the data as it is now: other kiosks may
        have written since, and tabs nobody looks at cost nothing."""
        panel = next(iter(event.pane.children), None)
        if isinstance(panel, LobbyPanel):
            panel.show_latest()
        elif isinstance(panel, SessionPanel):
            panel.show_facts()

    def show_tab(self, tab: str) -> None:
        tabbed = self.query_one(TabbedContent)
        tabbed.active = tab
        # Focus moves to the tab strip: a widget left focused in the old tab would pull it back.
        tabbed.query_one(Tabs).focus()

    def action_commands(self) -> None:
        if not CommandPalette.is_open(self.app):
            self.app.push_screen(
                CommandPalette(providers=[StaffCommands], placeholder="Staff commands…")
            )

    def action_log_out(self) -> None:
        self._log_out()

    def action_quit_kiosk(self) -> None:
        self._quit_kiosk()

    def palette_commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        session_panel = self.query_one(SessionPanel)
        overrides = [
            (override.title, override.effect, partial(session_panel.run_override, override.id))
            for override in reasons.SESSION_OVERRIDES
        ]
        tabs = [
            (f"Show {title.lower()}", f"Open the {title} tab", partial(self.show_tab, tab))
            for tab, title in TABS.items()
        ]
        return [
            *overrides,
            *tabs,
            ("Log out", "Leave staff mode and give the kiosk back to guests", self._log_out),
            ("Quit kiosk", "Close the kiosk app (managers only)", self._quit_kiosk),
        ]
