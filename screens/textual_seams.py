"""Where the kiosk relies on Textual's private internals: each one here, and nowhere else.

They hold while Textual is pinned to an exact version (pyproject.toml). Each has a test in
tests/test_textual_seams.py that fails when Textual no longer behaves as relied on, so that
an upgrade shows what can go (or must change). None of them has a public counterpart in
Textual 8.2.8:

* `MessagePump._on_message` (`CatchHandlerErrors`): Textual dispatches every message and
  event of a widget there, and an exception from a handler ends the widget's message loop
  and then the app. Wrapped, a handler's error goes to the kiosk's own trouble handling
  (screens/trouble.py) and the widget keeps running.
* `App._handle_exception` (`CatchBackgroundErrors`): where Textual sends what timers,
  workers and screen callbacks raise, and then exits the app with a traceback (its locals
  too: guests' data). Textual has no public hook for it.
* `StylesCache.get_inner_outer` (`clear_style_caches`): an `lru_cache` on a method, so it
  keeps up to 1,024 removed widgets' style caches, and the lines they drew, alive; the app
  clears it between guests.
* `Screen._dirty_widgets` and `Screen._refresh_layout` (`lay_out_now`): the public
  `refresh(layout=True)` waits for the screen's next frame, and the layout the new widgets
  ask for then waits one or two frames more (1/60 s each); a page change lays itself out
  at once instead.
* The `"__watchers"` attribute of a watched object (`stop_watching`): what `DOMNode.watch`
  registers there is dropped only when the watched value changes, and Textual offers no
  way to unwatch; a removed field lets go of the app (its theme) at once.
"""

from __future__ import annotations

from typing import Any

from textual._styles_cache import StylesCache
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget


class CatchHandlerErrors:
    """Mixed into a Textual App, Screen or Widget class (listed before it): an exception from
    any of its message or event handlers goes to `handler_failed`, which says whether it
    dealt with it (else it goes on to Textual, which ends the app)."""

    async def _on_message(self, message: Message) -> None:
        try:
            await super()._on_message(message)  # type: ignore[misc]
        except Exception as error:
            if not self.handler_failed(message, error):
                raise

    def handler_failed(self, message: Message, error: Exception) -> bool:
        return False


class CatchBackgroundErrors:
    """Mixed into a Textual App class (listed before it): what a timer, a worker or a screen
    callback raises goes to `background_failed`, which says whether it dealt with it (else
    Textual ends the app)."""

    def _handle_exception(self, error: Exception) -> None:
        if not self.background_failed(error):
            super()._handle_exception(error)  # type: ignore[misc]

    def background_failed(self, error: Exception) -> bool:
        return False


def clear_style_caches() -> None:
    """Let go of what removed widgets drew."""
    StylesCache.get_inner_outer.cache_clear()


def lay_out_now(screen: Screen[Any], *changed: Widget) -> None:
    """Lay `screen` out and draw it now, `changed` widgets repainted with it (they asked for
    a repaint by a message the screen cannot read while this runs)."""
    screen._dirty_widgets.update(changed)
    screen._refresh_layout()


def stop_watching(watched: object, watcher: object) -> None:
    """Drop every callback that `watcher` registered with `DOMNode.watch` on `watched`."""
    for watchers in getattr(watched, "__watchers", {}).values():
        watchers[:] = [(node, callback) for node, callback in watchers if node is not watcher]
