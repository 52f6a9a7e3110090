"""Disk trouble: how a failed write reaches the person at the kiosk, in one place.

The core raises `StorageError` when it cannot write (a full disk, a read-only data folder):
its message names the file and the reason, and the file on disk stays the last good one.
No handler catches it for itself. Textual runs our code in three ways, and each one hands
the error to `KioskApp.storage_failed`, which tells a guest calmly and staff exactly:

* message and event handlers of the screens and panels that call the core: they mix in
  `StorageGuard`, which catches the error around Textual's dispatch, so that the screen
  keeps running (Textual would end its message loop and then the app);
* actions, that is key bindings: `KioskApp.run_action`;
* timers, workers and screen callbacks: `KioskApp._handle_exception`, where Textual sends
  what they raise.

The guard wraps `MessagePump._on_message`, a private method of Textual; Textual is pinned
to an exact version (pyproject.toml), and the Pilot tests of disk trouble go through it.
"""

from __future__ import annotations

from typing import Protocol

from textual.message import Message

from kiosk.storage import StorageError


class StorageTrouble(Protocol):
    def storage_failed(self, error: StorageError) -> None: ...


class StorageGuard:
    """Mixed into a Screen or Widget class (listed before it): a StorageError from any of
    its handlers goes to the app's `storage_failed` instead of ending the app."""

    async def _on_message(self, message: Message) -> None:
        try:
            await super()._on_message(message)  # type: ignore[misc]
        except StorageError as error:
            message.stop()
            app = self.app  # type: ignore[attr-defined]
            if not hasattr(app, "storage_failed"):
                raise
            app.storage_failed(error)
