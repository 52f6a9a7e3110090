"""Text fields for guests and for the scanners that type on their behalf.

Both keep a steady cursor: a blinking one is restless at arm's length, and a steady one
makes the snapshot tests independent of when the picture is taken.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import cast

from textual import events
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, TextArea

from screens.textual_seams import stop_watching

# How guests write a date: 17.05.1980, 17/05/1980, 17-05-1980 or 17 05 1980.
_DAY_FIRST = re.compile(r"\s*(\d{1,2})[./\- ]\s*(\d{1,2})[./\- ]\s*(\d{4})\s*")

# ICAO 9303: a TD1 card has three lines of 30 characters; TD2 and TD3 have two lines.
_TD1_LINE = 30


def as_iso_date(typed: str) -> str:
    """The core reads ISO dates; anything not day-first goes on unchanged for it to judge."""
    match = _DAY_FIRST.fullmatch(typed)
    if not match:
        return typed
    day, month, year = match.groups()
    return f"{year}-{int(month):02d}-{int(day):02d}"


class LetsGoWhenRemoved:
    """Textual ties an Input or a TextArea to its screen's text-selection signal, and a
    TextArea to the app's theme, and unties them only when those fire: on a kiosk, never.
    The guest screen lives as long as the kiosk, so every field a guest typed in stayed in
    memory, with all it had drawn, until the kiosk stopped (some 7,000 objects a guest,
    and every full garbage collection walked them). A field of ours lets go when removed
    (the theme's watch through screens/textual_seams.py: Textual has no way to unwatch)."""

    _tied_to: Screen[object] | None = None

    def on_mount(self) -> None:
        self._tied_to = self.screen  # type: ignore[attr-defined]

    def on_unmount(self) -> None:
        if self._tied_to is not None:
            self._tied_to.text_selection_started_signal.unsubscribe(self)  # type: ignore[arg-type]
            self._tied_to = None
        stop_watching(self.app, self)  # type: ignore[attr-defined]


class KeysInOrder:
    """Textual runs a field's key bindings (Backspace, Delete, the arrows, Enter in an Input)
    only once the key has bubbled from the field up to the app, one message queue at a
    time, while the characters after it go straight into the field: in a fast burst
    ("14", Backspace, Backspace, "56") the characters won and the field kept "14". A
    field of ours runs its own binding for a key as soon as the key reaches it, in the
    order typed; a key bound elsewhere (F1, Escape) bubbles on as before.

    Tab and Shift+Tab move the focus in order too, and what of the burst follows them,
    already queued here, goes on to the field they moved to ("LH4821", Tab, "Eriksson":
    the name went into the code's field)."""

    _handed_to: Widget | None = None  # where an in-order Tab moved the focus

    async def on_key(self, event: events.Key) -> None:
        field = cast(Widget, self)
        focused = field.screen.focused
        if self._handed_to is not None and focused is self._handed_to and focused is not field:
            focused.post_message(events.Key(event.key, event.character))
            event.stop()
            event.prevent_default()
            return
        self._handed_to = None
        if event.key in ("tab", "shift+tab"):
            if event.key == "tab":
                field.screen.focus_next()
            else:
                field.screen.focus_previous()
            self._handed_to = field.screen.focused
            event.stop()
            event.prevent_default()
            return
        if event.is_printable:  # the field types it itself
            return
        bound = field.screen.active_bindings.get(event.key)
        # Not focused: the key was on its way here before the focus moved; it bubbles on.
        if bound is None or bound.node is not field or not bound.enabled:
            return
        if await field.app.run_action(bound.binding.action, field):
            event.stop()
            event.prevent_default()


class GuestInput(KeysInOrder, LetsGoWhenRemoved, Input):
    def on_mount(self) -> None:
        self.cursor_blink = False


class ZoneInput(KeysInOrder, LetsGoWhenRemoved, TextArea):
    """Where a document reader types the machine-readable zone, one line and Enter at a time.

    Enter after the zone's last line submits it (two lines, or three for an ID card in TD1
    format); Enter before that starts the next line. A reader that sends Ctrl+J is treated
    the same as one that sends Enter.
    """

    @dataclass
    class Submitted(Message):
        zone_input: ZoneInput
        zone: str

        @property
        def control(self) -> ZoneInput:
            return self.zone_input

    def on_mount(self) -> None:
        self.cursor_blink = False

    def submit(self) -> None:
        self.post_message(self.Submitted(self, self.text))

    async def on_key(self, event: events.Key) -> None:
        # Textual calls the key handler of each class in the MRO, this one first: other keys
        # go on to KeysInOrder's and then TextArea's, which a prevented default skips.
        if event.key not in ("enter", "ctrl+j"):
            return
        event.stop()
        event.prevent_default()
        if self._zone_complete():
            self.submit()
        else:
            self.replace("\n", *self.selection, maintain_selection_offset=False)

    def _zone_complete(self) -> bool:
        lines = [line.strip() for line in self.text.splitlines() if line.strip()]
        if not lines:
            return False
        return len(lines) >= (3 if len(lines[0]) == _TD1_LINE else 2)
