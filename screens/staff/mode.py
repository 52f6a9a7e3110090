"""Staff mode as the guest app sees it: one object the app owns and calls for the staff key,
for every input (the idle log-out) and for quitting.

The staff screen goes on top of the guest's screen stack, which stays exactly as it was
underneath and comes back on log-out. Logging out pops the staff screen and every staff
dialog above it; their workers end with them, so nothing of staff mode survives an idle
log-out. (A Textual mode of its own would be tidier, but Textual cannot switch back to the
default mode of an app that declares no MODES.)"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.app import App
from textual.timer import Timer

from kiosk.hotel import Hotel
from kiosk.session import CheckInSession, RoomKey, Step
from kiosk.staff import StaffError, StaffMember
from kiosk.storage import StorageError

if TYPE_CHECKING:
    from screens.staff.dashboard import StaffScreen

# How often the idle log-out looks at the clock; the profile says how long is too long.
IDLE_CHECK_SECONDS = 1.0
# How long staff see a storage problem; the same message again within this time is not
# repeated (the help poll would otherwise stack one every two seconds).
STORAGE_NOTICE_SECONDS = 20.0


GuestView = tuple[Step, tuple[RoomKey, ...]]


def guest_view(session: CheckInSession) -> GuestView:
    """What of a session the guest's screen shows: every override changes one of these."""
    return session.step, session.keys


class StaffMode:
    def __init__(
        self,
        app: App,
        hotel: Hotel,
        *,
        current_session: Callable[[], CheckInSession],
        on_leave: Callable[[bool], None],
        on_enter: Callable[[], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
        setup_warning: str | None = None,
    ) -> None:
        """`current_session` gives the guest session staff step into. `on_leave` runs once
        the guest's screens are back, told whether staff changed what the guest sees of the
        session (its step or its keys), so the app can follow. `on_enter` runs once the
        dashboard is up. `clock` measures idle time in seconds; tests move it.
        `setup_warning`: what the dashboard tells staff while hotel.toml is the template's."""
        self.app = app
        self.hotel = hotel
        self._current_session = current_session
        self._on_leave = on_leave
        self._on_enter = on_enter
        self._clock = clock
        self._setup_warning = setup_warning
        self._staff_screen: StaffScreen | None = None  # None: guest mode
        self._guest_view_at_login: GuestView | None = None
        self._last_input = 0.0
        self._idle_check: Timer | None = None
        self._last_notice: tuple[str, float] | None = None
        self.quit_by_manager = False
        """A manager quit the kiosk: the one way it ends that is not a failure."""
        # Guests never get Textual's command palette; staff mode opens its own, which holds
        # staff commands only (not Textual's theme, screenshot or quit).
        app.use_command_palette = False

    @property
    def member(self) -> StaffMember | None:
        """Who is logged in; None in guest mode."""
        return self._staff_screen.member if self._staff_screen else None

    @property
    def active(self) -> bool:
        return self._staff_screen is not None

    @property
    def present(self) -> bool:
        """Staff are at the kiosk: logged in, or typing their PIN."""
        # The prompt's module (with the staff dialogs' it is styled by) loads when it is
        # first needed, not before the guest's Welcome is drawn.
        from screens.staff.pin_prompt import StaffPinPrompt

        return self.active or isinstance(self.app.screen, StaffPinPrompt)

    def tell(self, problem: str, *, title: str = "Data not saved") -> None:
        """A storage problem as staff need it: the core's message, naming file and reason."""
        now = self._clock()
        if self._last_notice is not None:
            text, shown_at = self._last_notice
            if text == problem and now - shown_at < STORAGE_NOTICE_SECONDS:
                return
        self._last_notice = (problem, now)
        # The message names files and, at times, staff: plain text.
        self.app.notify(
            problem, title=title, severity="error", timeout=STORAGE_NOTICE_SECONDS, markup=False
        )

    def staff_key(self) -> None:
        """The staff key: a PIN prompt over the guest's screen, or, in staff mode, log out."""
        from screens.staff.pin_prompt import StaffPinPrompt

        if self.active:
            self.log_out()
        elif not isinstance(self.app.screen, StaffPinPrompt):
            self.app.push_screen(StaffPinPrompt(self.hotel), self._log_in)

    def note_input(self) -> None:
        """Any key press, click or scroll: staff are still there."""
        self._last_input = self._clock()

    def check_idle(self) -> None:
        """The idle timer's tick: log out once staff have left the kiosk alone too long."""
        if (
            self.active
            and self._clock() - self._last_input >= self.hotel.profile.staff_idle_timeout
        ):
            self.log_out("idle")

    def log_out(self, reason: str = "logout") -> None:
        """Back to the guest screen that was there when staff logged in."""
        if self._staff_screen is None:
            return
        staff_screen = self._close()
        try:
            self.hotel.staff.logout(staff_screen.member, reason)
        except StorageError as error:
            # Leaving never waits for the disk, or a full one would keep staff mode open
            # (the idle log-out too). Staff are still at the desk and see why it is not in
            # the audit trail.
            self.tell(str(error))
        self._on_leave(guest_view(staff_screen.session) != self._guest_view_at_login)

    def quit(self) -> None:
        """The app's quit: a manager in staff mode closes the kiosk; anyone else is refused
        (guests without a word, staff with the core's reason)."""
        if self._staff_screen is None:
            return
        from kiosk import lobby  # the lobby's rules, for staff only

        member = self._staff_screen.member
        try:
            lobby.quit_kiosk(self.hotel, member)
        except StaffError as refusal:
            self.app.notify(str(refusal), title="Not allowed", severity="error", markup=False)
            return
        self._close()
        self.hotel.staff.logout(member, "quit")
        self.quit_by_manager = True
        self.app.exit()

    def _log_in(self, member: StaffMember | None) -> None:
        if member is None:
            return
        # Imported here: staff log in now and then, and a guest's start-up should not wait
        # for the dashboard's modules (some 25 ms).
        from screens.staff.dashboard import StaffScreen

        session = self._current_session()
        self._guest_view_at_login = guest_view(session)
        self._staff_screen = StaffScreen(
            self.hotel,
            member,
            session,
            log_out=self.log_out,
            quit_kiosk=self.quit,
            setup_warning=self._setup_warning,
        )
        self.app.push_screen(self._staff_screen)
        self.note_input()
        self._idle_check = self.app.set_interval(IDLE_CHECK_SECONDS, self.check_idle)
        if self._on_enter is not None:
            self._on_enter()

    def _close(self) -> StaffScreen:
        """Pop the staff screen and every staff dialog above it; returns the staff screen."""
        staff_screen, self._staff_screen = self._staff_screen, None
        assert staff_screen is not None
        if self._idle_check is not None:
            self._idle_check.stop()
            self._idle_check = None
        if staff_screen in self.app.screen_stack:
            while self.app.screen is not staff_screen:
                self.app.pop_screen()
            self.app.pop_screen()
        return staff_screen
