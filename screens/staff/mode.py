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

from textual.app import App
from textual.timer import Timer

from kiosk import lobby
from kiosk.hotel import Hotel
from kiosk.session import CheckInSession, RoomKey, Step
from kiosk.staff import StaffError, StaffMember
from screens.staff.dashboard import StaffScreen
from screens.staff.pin_prompt import StaffPinPrompt

# How often the idle log-out looks at the clock; the profile says how long is too long.
IDLE_CHECK_SECONDS = 1.0


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
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """`current_session` gives the guest session staff step into. `on_leave` runs once
        the guest's screens are back, told whether staff changed what the guest sees of the
        session (its step or its keys), so the app can follow. `clock` measures idle time in
        seconds; tests move it."""
        self.app = app
        self.hotel = hotel
        self._current_session = current_session
        self._on_leave = on_leave
        self._clock = clock
        self._staff_screen: StaffScreen | None = None  # None: guest mode
        self._guest_view_at_login: GuestView | None = None
        self._last_input = 0.0
        self._idle_check: Timer | None = None
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

    def staff_key(self) -> None:
        """The staff key: a PIN prompt over the guest's screen, or, in staff mode, log out."""
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
        self.hotel.staff_logout(staff_screen.member, reason)
        self._on_leave(guest_view(staff_screen.session) != self._guest_view_at_login)

    def quit(self) -> None:
        """The app's quit: a manager in staff mode closes the kiosk; anyone else is refused
        (guests without a word, staff with the core's reason)."""
        if self._staff_screen is None:
            return
        member = self._staff_screen.member
        try:
            lobby.quit_kiosk(self.hotel, member)
        except StaffError as refusal:
            self.app.notify(str(refusal), title="Not allowed", severity="error")
            return
        self._close()
        self.hotel.staff_logout(member, "quit")
        self.app.exit()

    def _log_in(self, member: StaffMember | None) -> None:
        if member is None:
            return
        session = self._current_session()
        self._guest_view_at_login = guest_view(session)
        self._staff_screen = StaffScreen(
            self.hotel, member, session, log_out=self.log_out, quit_kiosk=self.quit
        )
        self.app.push_screen(self._staff_screen)
        self.note_input()
        self._idle_check = self.app.set_interval(IDLE_CHECK_SECONDS, self.check_idle)

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
