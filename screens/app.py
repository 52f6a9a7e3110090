"""The kiosk app: a thin shell of navigation, the language, the idle watch and global keys.

What a guest sees lives in the guest screen and its pages (screens/base.py), which page
shows which step in screens/routes.py; what is allowed lives in `kiosk.session`.
"""

from __future__ import annotations

import gc
import importlib
import time
from collections.abc import Callable, Mapping
from math import ceil
from typing import TYPE_CHECKING, Any, ClassVar, cast

from textual import events
from textual.app import App
from textual.binding import Binding, BindingType
from textual.dom import DOMNode
from textual.reactive import Reactive, reactive
from textual.screen import Screen
from textual.worker import WorkerFailed

from kiosk import error_report, money
from kiosk.assets import asset_path
from kiosk.hotel import Hotel
from kiosk.i18n import DEFAULT_LANGUAGE, LANGUAGES, Catalog
from kiosk.idle_limit import IdleLimit
from kiosk.session import CheckInSession, Outcome
from kiosk.speech import Speaker
from kiosk.storage import StorageError
from screens.access import AccessPanel
from screens.base import GuestPage, GuestScreen
from screens.idle import IdleTimer, IdleWarning
from screens.recovery import StorageTroublePage, UnexpectedErrorPage
from screens.staff import StaffMode
from screens.textual_seams import CatchBackgroundErrors, clear_style_caches
from screens.theme import CONTRAST_THEME, LOBBY_THEME
from screens.trouble import TroubleGuard
from screens.welcome import WelcomePage

if TYPE_CHECKING:
    from kiosk.check_out import CheckOutSession

# How often the app offers the hotel its daily housekeeping (moving departed stays to
# history, then deleting what is past its retention period); Hotel.retention.housekeeping(
# once_a_day=True) does the work once a day.
HOUSEKEEPING_SECONDS = 600.0
FREEZE_AFTER_SECONDS = 1.0
# Imported where first used, not before the Welcome is drawn (ARCHITECTURE.md, Performance
# budgets); _freeze_heap loads them once the kiosk has started.
DEFERRED_MODULES = ("screens.routes", "screens.staff.pin_prompt")
# The same unexpected error (type and place) is logged, audited and sent to staff at most
# once in this many seconds.
ERROR_REPORTED_ONCE_IN = 60.0


class KioskApp(TroubleGuard, CatchBackgroundErrors, App[None]):
    CSS_PATH = str(asset_path("kiosk.tcss"))
    TITLE = "Lobby Kiosk"
    # A guest must not reach anything but the check-in: no palette, no quitting.
    ENABLE_COMMAND_PALETTE = False
    # Dragging a finger across a touch screen should not paint selections.
    ALLOW_SELECT = False
    # Below 28 rows the chrome goes compact so the QR code keeps its 21 rows.
    VERTICAL_BREAKPOINTS = [(0, "-short"), (28, "-tall")]  # noqa: RUF012  (typed by App)
    # A phone's width (-narrow): one column, labels above their fields. A small terminal or a
    # tablet upright (-medium): Welcome's demo panel leaves room for one button a row.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (60, "-medium"), (100, "-wide")]  # noqa: RUF012  (typed by App)
    BINDINGS: ClassVar[list[BindingType]] = [
        # Same keys as Textual's own quit bindings, so these replace them. Only a manager in
        # staff mode gets anything from ctrl+q (see action_quit).
        Binding("ctrl+q", "quit", show=False, priority=True, id="guest.no_quit"),
        Binding("ctrl+c", "stay", show=False, priority=True, id="guest.no_interrupt"),
        Binding("f2", "staff", "Staff", show=False, priority=True, id="staff.enter"),
    ]

    # The kiosk's theme from the start: set in __init__ instead, the change would have
    # Textual parse the whole stylesheet again before the first frame (some 10 ms).
    theme: Reactive[str] = Reactive(LOBBY_THEME.name)
    language: reactive[str] = reactive(DEFAULT_LANGUAGE)
    """The guest's language; the guest screen watches it and relabels."""
    help_pending: reactive[bool] = reactive(False)
    """Staff have been called for this guest; screens show that they are on their way."""
    # What the guest chose in the "Aa Display" panel (screens/access.py); like the language,
    # theirs until the next guest.
    large_text: reactive[bool] = reactive(False)
    high_contrast: reactive[bool] = reactive(False)
    read_aloud: reactive[bool] = reactive(False)

    def __init__(
        self,
        hotel: Hotel,
        *,
        demo: bool,
        clock: Callable[[], float] | None = None,
        freeze_when_ready: bool = False,
        speaker: Speaker | None = None,
    ) -> None:
        """`clock` is the idle watch's time in seconds (default `time.monotonic`); tests move it.
        `speaker` reads aloud (kiosk/speech.py); None: this kiosk has no speech.
        `freeze_when_ready`: see `on_ready`; for a kiosk process, not for tests that make
        many apps in one process (what is frozen is never collected)."""
        if freeze_when_ready:
            # What the start makes lives as long as the kiosk, and each collection until the
            # freeze walks it all again (some 20 ms before the Welcome is drawn): the
            # collector waits for _freeze_heap, which collects once.
            gc.disable()
        super().__init__()
        self.hotel = hotel
        self.demo = demo
        self.freeze_when_ready = freeze_when_ready
        self.session: CheckInSession | None = None
        self.check_out: CheckOutSession | None = None
        """The guest's check-out, while one is under way (a check-in's session is None)."""
        self.clock = clock or time.monotonic
        self.idle = IdleTimer(self.clock)
        self.idle_limit = IdleLimit(hotel.profile.idle_timeout)
        self.speaker = speaker
        self.staff_mode = StaffMode(
            self,
            hotel,
            # On Welcome there is no guest session yet, but staff still get one: it is how
            # they end the wait that failed lookups put on this kiosk.
            current_session=lambda: self.session or CheckInSession(hotel),
            on_leave=self._back_from_staff,
            on_enter=self._staff_entered,
            clock=self.clock,
            # The demo is the template's house on purpose.
            setup_warning=None if demo else _setup_warning(hotel),
        )
        self._last_error: tuple[str, float] | None = None
        """The last unexpected error's summary and when it was reported."""
        self.housekeeping_failed: StorageError | None = None
        self._help_from_welcome = False
        """The last daily archive's failure, shown to staff until one succeeds."""
        self._housekeeping_offered_at = self.clock()
        self.register_theme(LOBBY_THEME)
        self.register_theme(CONTRAST_THEME)
        # Textual made the stylesheet's variables before the theme was registered; nothing
        # is parsed yet, so the first parse at the start has the theme's colours.
        self.stylesheet.set_variables(self.get_css_variables())

    @property
    def catalog(self) -> Catalog:
        return Catalog.load(self.language)

    def update_styles(self, node: DOMNode, animate: bool = True) -> None:
        """Textual restyles a widget whenever its classes change, also before it is mounted
        (a Button does it twice as it is made); mounting styles it anyway, so only what is
        in the DOM is restyled. Saves a few milliseconds on every screen with buttons."""
        if node is self or node.is_attached:
            super().update_styles(node, animate)

    def get_default_screen(self) -> Screen:
        return GuestScreen(WelcomePage())

    @property
    def guest_screen(self) -> GuestScreen:
        """The screen guests see, always at the bottom of the stack."""
        return cast(GuestScreen, self.screen_stack[0])

    def on_mount(self) -> None:
        self.set_interval(1.0, self.tick)

    def on_ready(self) -> None:
        if self.freeze_when_ready:
            # A moment after the first frame, not before the first key is read: the
            # collection costs some 20 ms.
            self.set_timer(FREEZE_AFTER_SECONDS, self._freeze_heap)

    def _freeze_heap(self) -> None:
        """Everything made until now (the modules, the stylesheet, the guest screen's
        frame, the hotel's data in memory) lives as long as the kiosk. Out of the garbage
        collector's sight, a full collection stays short; it would otherwise walk all of
        it, 50-150 ms, in the middle of a guest's step. (What of it later becomes garbage
        in a cycle stays: a one-off, no more than exists now.) Prices are written once in
        every language first, so that their data is in memory and frozen with the rest; so
        are the modules left out of the start (DEFERRED_MODULES), which also spares the
        guest's first step their import."""
        try:
            money.load_formats(self.hotel.profile.currency, LANGUAGES)
            for module in DEFERRED_MODULES:
                importlib.import_module(module)
            gc.collect()
            gc.freeze()
        finally:
            gc.enable()  # whatever failed here, the kiosk does not run without a collector

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.MouseDown, events.Paste)):
            self.idle.touch()
            self.staff_mode.note_input()
        await super().on_event(event)

    # -- navigation -------------------------------------------------------------------------

    def start_check_in(self) -> None:
        # The flow's pages (screens/routes.py, every step's module) load at the guest's first
        # step, or with the heap's freeze (_freeze_heap), not before the Welcome is drawn.
        from screens import routes

        self._leave_welcome()
        self.session = CheckInSession(self.hotel)
        self.idle.touch()
        self._open(routes.page_for(self.session, None))

    def show_step(self, outcome: Outcome | None = None) -> None:
        """After the guest's step (`outcome`: what the session answered): what follows by
        itself follows (the rooms after a proven identity), and the page for where the
        session stands now takes over, unless the page shown shows it (a rejection)."""
        from screens import routes

        session = self.session
        if session is None:  # forgotten meanwhile
            return
        outcome = session.proceed() or outcome
        if not routes.shows_step(self.guest_screen.page, session):
            self._open(routes.page_for(session, outcome))

    def start_check_out(self) -> None:
        from kiosk.check_out import CheckOutSession
        from screens import routes

        self._leave_welcome()
        self.check_out = CheckOutSession(self.hotel)
        self.idle.touch()
        self._open(routes.check_out_page_for(self.check_out))

    def show_check_out_step(self) -> None:
        """After the guest's step of the check-out: the page for where it stands now,
        unless the page shown shows it (a refusal)."""
        from screens import routes

        session = self.check_out
        if session is not None and not routes.shows_check_out_step(self.guest_screen.page, session):
            self._open(routes.check_out_page_for(session))

    def _open(self, page: GuestPage | None) -> None:
        """A step's page in place of the flow's pages so far (screens/routes.py); None:
        the check-in is over."""
        if page is None:
            self.welcome_next_guest()
            return
        self.guest_screen.close_pages()
        self.guest_screen.push_page(page)

    @property
    def in_check_in(self) -> bool:
        """A guest is past Welcome: their data may be on screen."""
        return len(self.guest_screen.pages) > 1

    @property
    def guest_mode_active(self) -> bool:
        """False while staff mode is on top of the guest's screens."""
        return not self.staff_mode.active

    def welcome_next_guest(self) -> None:
        """The check-in is over (done, left idle, started over): the session forgets the
        guest, the idle warning goes and every page but Welcome closes."""
        if self.session is not None:
            self.session.forget()
            self.session = None
        if self.check_out is not None:
            self.check_out.forget()
            self.check_out = None
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.guest_screen.close_pages()
        self.help_pending = False
        self.language = DEFAULT_LANGUAGE
        self.large_text = self.high_contrast = self.read_aloud = False
        self.idle_limit.reset()
        if self.speaker is not None:
            self.speaker.stop()
        # Textual keeps what up to 1,024 removed widgets drew, some 50 a guest; between
        # guests it goes.
        clear_style_caches()

    # -- display, speech and time ----------------------------------------------------------

    def open_access_panel(self) -> None:
        if not isinstance(self.screen, AccessPanel):
            self.push_screen(AccessPanel(), self._access_panel_closed)

    def _access_panel_closed(self, _: None) -> None:
        # As after a language choice: typing goes on to the page, not to "Aa Display".
        self.guest_screen.page.take_focus()
        # Read aloud, just turned on or not: the guest is back on the page, and hears it.
        if self.read_aloud:
            self.speak(self.guest_screen.page.spoken_text())

    def watch_large_text(self, large: bool) -> None:
        # On the app, so that every screen (the pages, the panel, the idle warning) has it.
        self.set_class(large, "-large-text")

    def watch_high_contrast(self, contrast: bool) -> None:
        self.theme = (CONTRAST_THEME if contrast else LOBBY_THEME).name

    @property
    def can_speak(self) -> bool:
        # In a browser (`kiosk serve`) the speech would come from the server, not the screen.
        return self.speaker is not None and not self.is_web

    def speak(self, text: str) -> None:
        """Read `text` aloud in the guest's language, now, where this kiosk has speech."""
        if self.speaker is not None and self.can_speak and text:
            self.speaker.say(text, self.language)

    def more_time(self) -> bool:
        """The guest asked for more time: the idle limit grows (kiosk/idle_limit.py), counted
        from now. False when they have had all there is."""
        self.idle.touch()
        return self.idle_limit.extend()

    @property
    def guest_settings_changed(self) -> bool:
        """The guest left something of theirs on Welcome: a language, a display setting."""
        return (
            self.language != DEFAULT_LANGUAGE
            or self.large_text
            or self.high_contrast
            or self.read_aloud
            or self.idle_limit.extended
        )

    # -- help and idle ----------------------------------------------------------------------

    def call_staff(self) -> None:
        """File one help request per guest; pressing Help again only shows it was heard."""
        if not self.help_pending:
            (self.session or self.check_out or CheckInSession(self.hotel)).request_help()
            self.help_pending = True
            self._help_from_welcome = self.session is None and self.check_out is None

    def _leave_welcome(self) -> None:
        """A check-in or check-out starts: "staff are on their way", said to whoever pressed
        Help on Welcome, is not this guest's to read through their whole visit. The request
        stays open for staff."""
        if self._help_from_welcome:
            self.help_pending = self._help_from_welcome = False

    def tick(self) -> None:
        """Once a second. What is due is measured on the app's clock, not by the timer: tests
        move that clock and call this, instead of racing a real timer."""
        if not self.screen_stack:
            return  # shutting down: a tick due meanwhile finds no screens left to look at
        self.tick_idle()
        if self.clock() - self._housekeeping_offered_at >= HOUSEKEEPING_SECONDS:
            self._housekeeping_offered_at = self.clock()
            self.housekeeping()

    def tick_idle(self) -> None:
        """Once a second: warn an idle guest, then forget their check-in. Staff at the kiosk
        (staff mode) keep the guest's check-in open; staff mode has its own idle log-out."""
        if not self.guest_mode_active:
            return
        profile = self.hotel.profile
        timeout = self.idle_limit.seconds
        left = timeout - self.idle.idle_for()
        if not self.in_check_in:
            # Nothing private on Welcome: a language, display setting or help call left
            # behind resets quietly, so that the next guest finds the kiosk as new.
            if left <= 0 and (self.help_pending or self.guest_settings_changed):
                self.welcome_next_guest()
            return
        closes_after = self.guest_screen.page.CLOSES_AFTER
        if closes_after is not None:
            if self.idle.idle_for() >= min(closes_after, timeout):
                self.welcome_next_guest()
            return
        warning = self.screen if isinstance(self.screen, IdleWarning) else None
        if left <= 0:
            self.welcome_next_guest()
        elif left <= profile.idle_warning:
            if warning is None:
                self.push_screen(IdleWarning(ceil(left), can_extend=self.idle_limit.can_extend))
            else:
                warning.seconds_left = ceil(left)
        elif warning is not None:
            warning.resume()

    # -- housekeeping and disk trouble ------------------------------------------------------

    def housekeeping(self) -> None:
        """Move departed stays to history and delete what is past its retention period, once
        a day (kiosk/retention.py). It runs here, on the app's thread: the
        store is not thread-safe (one transaction at a time, one copy in memory), and after the
        day's first call it costs nothing. It waits while a guest is past Welcome or staff are
        in, so that no step pays for the day's one write. A failure is not the guest's
        business: it is logged and shown to staff when they log in."""
        if self.in_check_in or self.staff_mode.present:
            return
        try:
            self.hotel.retention.housekeeping(once_a_day=True)
        except StorageError as error:
            self.log.error(f"daily housekeeping failed: {error}")
            self.housekeeping_failed = error
        else:
            self.housekeeping_failed = None

    def _staff_entered(self) -> None:
        if self.housekeeping_failed is not None:
            self.staff_mode.tell(str(self.housekeeping_failed), title="Daily housekeeping failed")

    def storage_failed(self, error: StorageError) -> None:
        """Where every failed write ends up (screens/trouble.py). The data file holds the
        last good state and the app goes on. Staff read the core's message as it is (file
        and reason); a guest gets a calm screen in their language, from which they can try
        again once the disk works, ask for help, or start over."""
        self.log.error(f"storage: {error}")
        page = self.guest_screen.page
        if self.staff_mode.present:
            self.staff_mode.tell(str(error))
        elif isinstance(page, StorageTroublePage):
            page.help_failed()  # on that page only Help writes
        else:
            self.guest_screen.push_page(StorageTroublePage())

    async def run_action(
        self,
        action: Any,
        default_namespace: DOMNode | None = None,
        namespaces: Mapping[str, DOMNode] | None = None,
    ) -> bool:
        """Textual's action dispatch (key bindings), with disk trouble handed on."""
        try:
            return await super().run_action(action, default_namespace, namespaces)
        except StorageError as error:
            self.storage_failed(error)
            return True

    def background_failed(self, error: Exception) -> bool:
        """What timers, workers and callbacks raise, which would end the app with a
        traceback (its locals too: guests' data) and exit status 1. Disk trouble goes to
        `storage_failed` instead, anything else to `unexpected_error`."""
        cause = error.error if isinstance(error, WorkerFailed) else error
        if isinstance(cause, StorageError):
            self.storage_failed(cause)
        elif isinstance(cause, Exception):
            self.unexpected_error(cause)
        else:
            return False
        return True

    def unexpected_error(self, error: Exception) -> None:
        """A bug reached the person at the kiosk. A guest's check-in may be half done, so it
        is forgotten and the guest gets a calm page with the way to the desk, and staff are
        called; staff in staff mode are told and keep their screen. The error goes to
        errors.log without personal data, and to the audit trail (kiosk/error_report.py).
        The kiosk goes on for the next guest; if even the calm page cannot be shown, it
        exits with status 1 for the service manager to restart it."""
        staff_present = self.staff_mode.present
        summary = error_report.summary(error)
        now = self.clock()
        if (
            self._last_error is None
            or self._last_error[0] != summary
            or (now - self._last_error[1] >= ERROR_REPORTED_ONCE_IN)
        ):
            # One report for an error that recurs (a widget that fails on every frame).
            self._last_error = (summary, now)
            self._report(error, call_staff=not staff_present and not self.help_pending)
        if staff_present:
            self.staff_mode.tell(f"{summary} (see errors.log)", title="Unexpected error")
            return
        try:
            # The calm page is for the same guest: in their language and display.
            settings = (self.language, self.large_text, self.high_contrast, self.read_aloud)
            self.welcome_next_guest()
            self.language, self.large_text, self.high_contrast, self.read_aloud = settings
            self.guest_screen.push_page(UnexpectedErrorPage())
        except Exception:  # noqa: BLE001  (the screens are beyond repair: restart the kiosk)
            self.exit(return_code=1)

    def _report(self, error: Exception, *, call_staff: bool) -> None:
        try:
            error_report.report(self.hotel, error, call_staff=call_staff)
        except (OSError, StorageError) as trouble:
            # The data folder cannot be written: the guest's page says to go to the desk.
            self.log.error(f"unexpected error not logged: {type(trouble).__name__}")

    @property
    def exit_status(self) -> int:
        """The process's exit status: 0 only when a manager quit the kiosk."""
        if self.staff_mode.quit_by_manager:
            return 0
        return self.return_code or 1

    # -- keys -------------------------------------------------------------------------------

    def action_stay(self) -> None:
        """Quit keys do nothing for a guest: the kiosk stays up."""

    async def action_quit(self) -> None:
        """Textual's quit: only a manager in staff mode closes the kiosk (staff mode asks the
        core); for a guest it does nothing."""
        self.staff_mode.quit()

    def action_staff(self) -> None:
        """The hidden staff key: the staff PIN prompt, or in staff mode, log out."""
        self.staff_mode.staff_key()

    def _back_from_staff(self, session_changed: bool) -> None:
        """Staff mode has ended. The guest's idle time starts afresh. If staff changed the
        session, the guest sees where it stands now instead of a page that no longer fits."""
        self.idle.touch()
        session = self.session
        if not session_changed or session is None:
            return
        from screens import routes

        self.help_pending = False  # staff have been
        session.proceed()  # a refusal here is for the staff who just left, not the guest
        self._open(routes.page_for(session, None))


def _setup_warning(hotel: Hotel) -> str | None:
    # kiosk.house_setup is `kiosk setup`'s; the demo, which needs no warning, starts without it.
    from kiosk.house_setup import template_warning

    return template_warning(hotel.profile, hotel.data_dir.profile)


def make_app(
    hotel: Hotel,
    *,
    demo: bool,
    clock: Callable[[], float] | None = None,
    freeze_when_ready: bool = False,
    speaker: Speaker | None = None,
) -> KioskApp:
    return KioskApp(
        hotel, demo=demo, clock=clock, freeze_when_ready=freeze_when_ready, speaker=speaker
    )


def start(hotel: Hotel, *, demo: bool, speaker: Speaker | None = None) -> int:
    """Run the kiosk until it exits; returns the exit status (see KioskApp.exit_status)."""
    app = make_app(hotel, demo=demo, freeze_when_ready=True, speaker=speaker)
    app.run()
    return app.exit_status
