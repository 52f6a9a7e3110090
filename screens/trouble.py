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
* timers, workers and screen callbacks: `KioskApp._handle_exception`, where Textual sends
  what they raise (Textual has no public hook for it).

The guard wraps `MessagePump._on_message`, a private method of Textual; Textual is pinned
to an exact version (pyproject.toml), and the Pilot tests of disk trouble and of injected
errors (tests/test_crash_recovery.py) go through it.
"""

from __future__ import annotations

from textual.message import Message

from kiosk.storage import StorageError


class TroubleGuard:
    """Mixed into an App, Screen or Widget class (listed before it): an error from any of
    its handlers goes to the app's `storage_failed` or `unexpected_error` instead of
    ending the app."""

    async def _on_message(self, message: Message) -> None:
        try:
            await super()._on_message(message)  # type: ignore[misc]
        except Exception as error:
            app = self.app  # type: ignore[attr-defined]
            if not hasattr(app, "unexpected_error"):
                raise
            message.stop()
            if isinstance(error, StorageError):
                app.storage_failed(error)
            else:
                app.unexpected_error(error)
