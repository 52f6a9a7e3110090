"""Text fields for guests and for the scanners that type on their behalf.

Both keep a steady cursor: a blinking one is restless at arm's length, and a steady one
makes the snapshot tests independent of when the picture is taken.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import events
from textual.message import Message
from textual.widgets import Input, TextArea

# ICAO 9303: a TD1 card has three lines of 30 characters; TD2 and TD3 have two lines.
_TD1_LINE = 30


class GuestInput(Input):
    def on_mount(self) -> None:
        self.cursor_blink = False


class ZoneInput(TextArea):
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

    async def _on_key(self, event: events.Key) -> None:
        if event.key not in ("enter", "ctrl+j"):
            await super()._on_key(event)
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
