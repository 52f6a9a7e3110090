"""Trouble: how a failed write or an unexpected error reaches the person at the kiosk, in
one place.

The core raises `StorageError` when it cannot write (a full disk, a read-only data folder):
its message names the file and the reason, and the file on disk stays the last good one.
Anything else that escapes our code is a bug: the guest must still get a calm page and the
kiosk must stay up for the next one. No handler catches either for itself. Textual runs
our code in three ways, and each one hands the error to `KioskApp.storage_failed` (which
tells a guest calmly and staff exactly) or `KioskApp.unexpected_error`:

* message and event handlers of the app, its screens and panels: they mix in
  `TroubleGuard`, which catches the error around Textual's dispatch, so that the widget
  keeps running (Textual would end its message loop and then the app);
* actions, that is key bindings: `KioskApp.run_action`;
* timers, workers and screen callbacks: `KioskApp.background_failed`, where Textual sends
  what they raise.

The first and the last go through Textual's private internals (screens/textual_seams.py); the
Pilot tests of disk trouble and of injected errors (tests/test_crash_recovery.py) go
through them.
"""

from __future__ import annotations

from textual.message import Message

from kiosk.storage import StorageError
from screens.textual_seams import CatchHandlerErrors


class TroubleGuard(CatchHandlerErrors):
    """Mixed into an App, Screen or Widget class (listed before it): an error from any of
    its handlers goes to the app's `storage_failed` or `unexpected_error` instead of
    ending the app."""

    def handler_failed(self, message: Message, error: Exception) -> bool:
        app = self.app  # type: ignore[attr-defined]
        if not hasattr(app, "unexpected_error"):
            return False
        message.stop()
        if isinstance(error, StorageError):
            app.storage_failed(error)
        else:
            app.unexpected_error(error)
        return True
