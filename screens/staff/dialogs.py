"""The small modal dialogs of staff mode: a reason for an override, a room choice, the keys
just issued. Each returns its answer through `dismiss`; none calls the core itself. Their
titles and lines name booking codes and rooms from the data: plain text, never markup."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import (
    Button,
    Digits,
    Input,
    Label,
    RadioButton,
    RadioSet,
    SelectionList,
    Static,
)
from textual.widgets.selection_list import Selection

from kiosk.assets import asset_path
from kiosk.models import Room, RoomStatus
from kiosk.session import RoomKey

# Loaded by every staff screen; Textual reads a path once however many screens name it.
STAFF_CSS = asset_path("staff.tcss")


class ChoiceButton(RadioButton):
    """A radio button whose mark says whether it is the one chosen: Textual's draws the same
    dot on every row and tells the chosen one by its colour alone."""

    BUTTON_INNER = " "

    def watch_value(self) -> None:
        self.BUTTON_INNER = "●" if self.value else " "
        super().watch_value()


def written_reason(choice: str | None, note: str) -> str:
    """The reason as the audit trail keeps it: the chosen one, the note, or both."""
    note = " ".join(note.split())
    if choice and note:
        return f"{choice}: {note}"
    return choice or note


class ReasonDialog(ModalScreen[str | None]):
    """Asks why before an override runs: a short list and a free note. None means cancelled."""

    CSS_PATH = STAFF_CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Cancel", id="staff.dialog.cancel")
    ]

    def __init__(
        self, title: str, effect: str, reasons: Sequence[str], *, subject: str = ""
    ) -> None:
        super().__init__()
        self.title_text = title
        self.effect = effect
        self.reasons = tuple(reasons)
        self.subject = subject

    def compose(self) -> ComposeResult:
        with Vertical(classes="staff-dialog"):
            yield Label(self.title_text, classes="staff-dialog-title", markup=False)
            if self.subject:
                yield Static(self.subject, classes="staff-dialog-subject", markup=False)
            yield Static(self.effect, markup=False)
            yield Label("Why?", classes="staff-dialog-question")
            with RadioSet(id="reason-choice"):
                for reason in self.reasons:
                    yield ChoiceButton(reason)
            yield Input(
                placeholder="Note (needed if no reason above fits)",
                id="reason-note",
                max_length=200,
            )
            yield Static("", id="reason-hint", classes="staff-dialog-hint", markup=False)
            with Horizontal(classes="staff-dialog-buttons"):
                yield Button("Go ahead", id="reason-ok", variant="primary")
                yield Button("Cancel", id="reason-cancel")

    @on(Button.Pressed, "#reason-ok")
    @on(Input.Submitted, "#reason-note")
    def submit(self) -> None:
        chosen = self.query_one(RadioSet).pressed_button
        note = self.query_one("#reason-note", Input).value
        reason = written_reason(str(chosen.label) if chosen else None, note)
        if not reason:
            self.query_one("#reason-hint", Static).update("Choose a reason or write a note.")
            return
        self.dismiss(reason)

    @on(Button.Pressed, "#reason-cancel")
    def cancel(self) -> None:
        self.dismiss(None)


def words(code: str) -> str:
    """A stored code as staff read it: out_of_order as "out of order"."""
    return str(code).replace("_", " ")


# What a room not ready for a guest is, in words beside its status: a colour alone is missed
# (issue 12: a dirty penthouse was handed out with no word).
NOT_READY = {
    RoomStatus.DIRTY: "NOT CLEANED",
    RoomStatus.OUT_OF_ORDER: "OUT OF ORDER",
}


def room_line(room: Room) -> str:
    line = f"{room.number:<6} floor {room.floor:<3} {words(room.type):<14} {words(room.status)}"
    warning = NOT_READY.get(room.status)
    return f"{line}  ⚠ {warning}" if warning else line


def room_names(numbers: Sequence[str], rooms: Sequence[Room]) -> str:
    """ "101 (dirty: NOT CLEANED), 102": the rooms staff confirm, each with its status where
    it is not ready for a guest."""
    by_number = {room.number: room for room in rooms}
    named = []
    for number in numbers:
        room = by_number.get(number)
        warning = NOT_READY.get(room.status) if room else None
        named.append(f"{number} ({words(room.status)}: {warning})" if room and warning else number)
    return ", ".join(named)


class RoomPicker(ModalScreen[list[str] | None]):
    """Choose exactly `count` rooms from a list that shows each room's floor, type and status."""

    CSS_PATH = STAFF_CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Cancel", id="staff.dialog.cancel")
    ]

    def __init__(self, title: str, rooms: Sequence[Room], *, count: int = 1) -> None:
        super().__init__()
        self.title_text = title
        self.rooms = tuple(rooms)
        self.count = count

    def compose(self) -> ComposeResult:
        with Vertical(classes="staff-dialog"):
            yield Label(self.title_text, classes="staff-dialog-title", markup=False)
            if self.rooms:
                yield Static(f"Choose {self._how_many}, then Choose.")
            else:
                yield Static("No room is free right now.")
            yield SelectionList[str](
                *(Selection(self._prompt(room, False), room.number) for room in self.rooms),
                id="room-choice",
            )
            yield Static("", id="room-hint", classes="staff-dialog-hint", markup=False)
            with Horizontal(classes="staff-dialog-buttons"):
                yield Button("Choose", id="room-ok", variant="primary", disabled=not self.rooms)
                yield Button("Cancel", id="room-cancel")

    @staticmethod
    def _prompt(room: Room, chosen: bool) -> Content:
        # The tick tells a chosen room by its shape: Textual's box beside each row draws the
        # same mark on every row, in another colour (assets/staff.tcss hides the unchosen one).
        return Content(f"{'✓' if chosen else ' '} {room_line(room)}")

    @on(SelectionList.SelectedChanged, "#room-choice")
    def _mark_chosen(self, event: SelectionList.SelectedChanged[str]) -> None:
        chosen = set(event.selection_list.selected)
        for index, room in enumerate(self.rooms):
            prompt = self._prompt(room, room.number in chosen)
            event.selection_list.replace_option_prompt_at_index(index, prompt)

    @property
    def _how_many(self) -> str:
        return "1 room" if self.count == 1 else f"{self.count} rooms"

    @on(Button.Pressed, "#room-ok")
    def submit(self) -> None:
        chosen = self.query_one(SelectionList).selected
        if len(chosen) != self.count:
            self.query_one("#room-hint", Static).update(
                f"Choose {self._how_many} ({len(chosen)} chosen)."
            )
            return
        self.dismiss(list(chosen))

    @on(Button.Pressed, "#room-cancel")
    def cancel(self) -> None:
        self.dismiss(None)


class KeysDialog(ModalScreen[None]):
    """The door PINs staff just issued, large enough to read out to the guest."""

    CSS_PATH = STAFF_CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "Close", id="staff.dialog.close")
    ]

    def __init__(self, title: str, keys: Sequence[RoomKey]) -> None:
        super().__init__()
        self.title_text = title
        self.keys = tuple(keys)

    def compose(self) -> ComposeResult:
        with Vertical(classes="staff-dialog"):
            yield Label(self.title_text, classes="staff-dialog-title", markup=False)
            for key in self.keys:
                yield Static(
                    f"Room {key.room.number}, valid until {key.valid_until:%a %d %b %H:%M}",
                    markup=False,
                )
                yield Digits(key.pin, classes="staff-key-pin")
            with Horizontal(classes="staff-dialog-buttons"):
                yield Button("Close", id="keys-close", variant="primary")

    @on(Button.Pressed, "#keys-close")
    def close(self) -> None:
        self.dismiss()
