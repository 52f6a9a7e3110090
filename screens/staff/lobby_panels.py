"""The lobby panes of the staff dashboard: arrivals, help requests, the room board, the
day's sales and the audit trail. Each reads through `kiosk.lobby` or the Hotel and redraws on `show_latest()`;
the changes staff make here (take a request, set a room's status) go to the core."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, DataTable, Input, Select, Static

from kiosk import lobby, money, sales
from kiosk.audit import Actor
from kiosk.hotel import Hotel
from kiosk.models import HelpStatus, RoomStatus
from kiosk.session import CheckInSession
from kiosk.staff import StaffError, StaffMember
from screens.staff import reasons
from screens.staff.dialogs import ReasonDialog, words
from screens.trouble import TroubleGuard

ARRIVAL_TEXT = {
    lobby.ArrivalStatus.RESERVED: "reserved",
    lobby.ArrivalStatus.LATE: "late arrival",
    lobby.ArrivalStatus.CHECKED_IN: "checked in",
    lobby.ArrivalStatus.LOCKED: "LOCKED",
    lobby.ArrivalStatus.NEEDS_HELP: "NEEDS HELP",
}
# The reasons the core files help requests under, as a desk agent reads them.
HELP_REASON_TEXT = {
    "guest": "guest pressed Help",
    "locked": "booking locked",
    "lookup_locked": "too many failed lookups",
    "identity_locked": "identity check failed",
    "document_refused": "document refused",
    "too_young": "guest under age",
    "no_room": "no room ready",
    "balance_due": "checked out owing a balance",
    "card_not_printed": "registration card not printed: print it from Cards",
    "unexpected_error": "kiosk error (see errors.log)",
}
AUDIT_LIMIT = 50


def selected_key(table: DataTable) -> str | None:
    if not table.row_count:
        return None
    return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value


def refill(table: DataTable, rows: Iterable[tuple[str, Sequence[Any]]]) -> None:
    """Replace a table's rows (key, cells), keeping the cursor on the same key if it stays.
    Text cells are plain text: DataTable would read a str as markup, and names, reasons and
    notes come from guests, the property system and staff."""
    current = selected_key(table)
    table.clear()
    for key, cells in rows:
        table.add_row(*(Text(cell) if isinstance(cell, str) else cell for cell in cells), key=key)
    if current is not None and current in table.rows:
        table.move_cursor(row=table.get_row_index(current))


def row_table(*columns: str, id: str) -> DataTable:
    table: DataTable = DataTable(id=id, cursor_type="row", zebra_stripes=True)
    table.add_columns(*columns)
    return table


class LobbyPanel(TroubleGuard, Vertical):
    """A dashboard pane over the hotel, drawn by `show_latest()` when its tab is shown."""

    def __init__(self, hotel: Hotel, member: StaffMember) -> None:
        super().__init__()
        self.hotel = hotel
        self.member = member

    def show_latest(self) -> None:
        raise NotImplementedError

    def _say(self, text: str, *, refused: bool = False) -> None:
        outcome = self.query_one(".panel-outcome", Static)
        outcome.update(text)
        outcome.set_class(refused, "-refused")


class ArrivalsPanel(LobbyPanel):
    @dataclass
    class AtTheDesk(Message):
        """Staff opened a session on a booking whose guest is at the desk."""

        session: CheckInSession

    def compose(self) -> ComposeResult:
        yield row_table(
            "Code", "Guest", "Type", "Rooms", "Nights", "Status", "Room", id="arrivals-table"
        )
        with Horizontal(classes="panel-buttons"):
            yield Button("Serve at the desk", id="arrivals-desk", variant="primary")
        yield Static("", classes="panel-outcome", markup=False)
        yield Static("Departures: due out, not checked out", classes="panel-heading")
        yield row_table("Code", "Guest", "Room", "Due out", "Status", id="departures-table")

    @on(Button.Pressed, "#arrivals-desk")
    def serve_at_the_desk(self) -> None:
        """The selected booking's guest came to the desk (a locked booking, a kiosk that
        could not help): its session opens in the Session tab, with every override."""
        code = selected_key(self.query_one("#arrivals-table", DataTable))
        if code is None:
            self._say("Choose a booking first.", refused=True)
            return
        try:
            session = CheckInSession.at_the_desk(self.hotel, code, self.member)
        except StaffError as refusal:
            self._say(str(refusal), refused=True)
            return
        self._say("")
        self.post_message(self.AtTheDesk(session))

    def show_latest(self) -> None:
        refill(
            self.query_one("#arrivals-table", DataTable),
            (self._row(arrival) for arrival in lobby.arrivals(self.hotel)),
        )
        refill(
            self.query_one("#departures-table", DataTable),
            (self._departure_row(departure) for departure in lobby.departures(self.hotel)),
        )

    @staticmethod
    def _departure_row(departure: lobby.Departure) -> tuple[str, Sequence[Any]]:
        booking = departure.booking
        status = "PAST CHECK-OUT, keys ended" if departure.overdue else "due out"
        return booking.code, (
            booking.code_as_imported,
            booking.guest_name,
            ", ".join(booking.assigned_rooms),
            f"{departure.ends_at:%a %d %b %H:%M}",
            status,
        )

    @staticmethod
    def _row(arrival: lobby.Arrival) -> tuple[str, Sequence[Any]]:
        booking = arrival.booking
        return booking.code, (
            booking.code_as_imported,
            booking.guest_name,
            words(booking.room_type),
            booking.rooms,
            booking.nights,
            ARRIVAL_TEXT[arrival.status],
            ", ".join(booking.assigned_rooms),
        )


class HelpPanel(LobbyPanel):
    """Open help requests from every kiosk on this data directory, oldest first."""

    class Changed(Message):
        """Staff took or closed a request here: the dashboard redraws what counts them."""

    def compose(self) -> ComposeResult:
        yield row_table(
            "#", "Waiting", "Kiosk", "Why", "Booking", "Status", "Taken by", id="help-table"
        )
        with Horizontal(classes="panel-buttons"):
            yield Button("Take", id="help-take", variant="primary")
            yield Button("Close", id="help-close")
        yield Static("", classes="panel-outcome", markup=False)

    def show_latest(self, requests: Sequence[lobby.WaitingRequest] | None = None) -> None:
        """Redraw from `requests` when the caller has just read them, else read them now."""
        if requests is None:
            requests = lobby.help_requests(self.hotel)
        refill(self.query_one(DataTable), (self._row(request) for request in requests))

    @staticmethod
    def _row(request: lobby.WaitingRequest) -> tuple[str, Sequence[Any]]:
        return str(request.id), (
            request.id,
            f"{request.age_minutes} min",
            request.kiosk,
            HELP_REASON_TEXT.get(request.reason, request.reason),
            request.booking_shown,
            request.status,
            request.taken_by or "",
        )

    @on(Button.Pressed, "#help-take")
    def take(self) -> None:
        self._update(HelpStatus.TAKEN, "taken")

    @on(Button.Pressed, "#help-close")
    def close(self) -> None:
        self._update(HelpStatus.CLOSED, "closed")

    def _update(self, status: HelpStatus, done: str) -> None:
        key = selected_key(self.query_one(DataTable))
        if key is None:
            return
        try:
            self.hotel.help.update(self.member, int(key), status)
        except StaffError as refusal:
            self._say(str(refusal), refused=True)
        else:
            self._say(f"Help request {key} {done}.")
        self.post_message(self.Changed())


class RoomBoard(LobbyPanel):
    """Every room with its status; staff set the housekeeping status of the selected one."""

    def compose(self) -> ComposeResult:
        yield row_table("Room", "Floor", "Type", "Status", "Guest", id="rooms-table")
        with Horizontal(classes="panel-buttons"):
            for status in RoomStatus:
                yield Button(words(status).capitalize(), id=f"room-{status}", classes="room-status")
        yield Static("", classes="panel-outcome", markup=False)

    def show_latest(self) -> None:
        refill(
            self.query_one(DataTable), (self._row(line) for line in lobby.room_board(self.hotel))
        )

    @staticmethod
    def _row(line: lobby.RoomLine) -> tuple[str, Sequence[Any]]:
        room, guest = line.room, line.occupant
        if line.vacated_by:
            # The stay ended without a check-out: the room waits for housekeeping.
            status = f"{line.status}, due for cleaning ({words(room.status)})"
            left = f"{line.vacated_by} left"
            return room.number, (room.number, room.floor, words(room.type), status, left)
        if guest is None:
            return room.number, (room.number, room.floor, words(room.type), words(line.status), "")
        # Housekeeping goes on in an occupied room too: show both.
        status = f"{line.status} ({words(room.status)})"
        guest_text = f"{guest.code_as_imported}  {guest.guest_name}"
        return room.number, (room.number, room.floor, words(room.type), status, guest_text)

    @on(Button.Pressed, ".room-status")
    def set_status(self, event: Button.Pressed) -> None:
        assert event.button.id is not None
        number = selected_key(self.query_one(DataTable))
        if number is not None:
            self._set_status(number, RoomStatus(event.button.id.removeprefix("room-")))

    @work(exclusive=True, group="room-status")
    async def _set_status(self, number: str, status: RoomStatus) -> None:
        new = words(status)
        reason = await self.app.push_screen_wait(
            ReasonDialog(
                f"Room {number}: {new}",
                f"The room board shows room {number} as {new}.",
                reasons.ROOM_STATUS_REASONS,
            )
        )
        if not reason:
            return
        try:
            lobby.set_room_status(
                self.hotel, Actor("staff", self.member.name), number, status, reason
            )
        except StaffError as refusal:
            self._say(str(refusal), refused=True)
        else:
            self._say(f"Room {number} is now {new}.")
        self.show_latest()


class SalesPanel(LobbyPanel):
    """Today's offers (shown, taken, voided, revenue: kiosk/sales.py, as `kiosk report sales`
    prints them) and the offers on open folios, of which staff void the selected one."""

    def compose(self) -> ComposeResult:
        yield Static("", id="sales-summary", markup=False)
        yield row_table("Offer", "Shown", "Taken", "Voided", "Revenue", id="sales-figures")
        yield row_table("Booking", "Offer", "Amount", "Sold", "By", id="sales-open")
        with Horizontal(classes="panel-buttons"):
            yield Button("Void…", id="sales-void", variant="warning")
        yield Static("", classes="panel-outcome", markup=False)

    def show_latest(self) -> None:
        today = sales.day_figures(self.hotel, self.hotel.today())
        self.query_one("#sales-summary", Static).update(
            f"Offers at today's check-ins ({today.day:%a %d %b}): {today.taken} taken, "
            f"{today.voided} of them voided, {self._amount(today.revenue)} (prices including VAT)"
        )
        refill(
            self.query_one("#sales-figures", DataTable),
            (
                (
                    str(offer.kind),
                    (
                        words(offer.kind),
                        offer.shown,
                        offer.taken,
                        offer.voided,
                        self._amount(offer.revenue),
                    ),
                )
                for offer in today.offers
            ),
        )
        refill(
            self.query_one("#sales-open", DataTable),
            (
                (
                    f"{charge.booking}/{charge.id}",
                    (
                        lobby.shown_code(self.hotel, charge.booking),
                        words(charge.kind),
                        money.shown(charge.amount, charge.currency, "en"),
                        f"{charge.charged_at:%d %b %H:%M}",
                        charge.charged_by,
                    ),
                )
                for charge in sales.open_sales(self.hotel)
            ),
        )

    def _amount(self, amount: Decimal) -> str:
        return money.shown(amount, self.hotel.profile.currency, "en")

    @on(Button.Pressed, "#sales-void")
    def void_selected(self) -> None:
        key = selected_key(self.query_one("#sales-open", DataTable))
        if key is None:
            self._say("Choose an offer first.", refused=True)
            return
        booking, _, charge_id = key.partition("/")
        self._void(booking, charge_id)

    @work(exclusive=True, group="sales-void")
    async def _void(self, booking: str, charge_id: str) -> None:
        charge = next(
            (c for c in self.hotel.gateway.charges_of_booking(booking) if c.id == charge_id), None
        )
        shown = lobby.shown_code(self.hotel, booking)
        if charge is None:
            self._say(f"Booking {shown} has no such offer any more.", refused=True)
            self.show_latest()
            return
        what = f"{words(charge.kind)} of booking {shown} ({self._amount(charge.amount)})"
        reason = await self.app.push_screen_wait(
            ReasonDialog(f"Void {what}", reasons.VOID_OFFER.effect, reasons.VOID_OFFER.reasons)
        )
        if not reason:
            return
        try:
            sales.void(self.hotel, self.member, booking, charge_id, reason)
        except StaffError as refusal:
            self._say(str(refusal), refused=True)
        else:
            self._say(f"Voided: {what}.")
        self.show_latest()


class AuditPanel(LobbyPanel):
    """The latest audit events, newest first, narrowed to one booking or one staff member."""

    def compose(self) -> ComposeResult:
        with Horizontal(id="audit-filters"):
            yield Input(placeholder="Booking code", id="audit-booking")
            yield Select(
                [(Text(member.name), member.name) for member in self.hotel.staff.members()],
                prompt="Any staff member",
                id="audit-staff",
            )
        yield row_table(
            "When",
            "Who",
            "What",
            "Outcome",
            "Booking",
            "Room",
            "Details",
            "Kiosk",
            id="audit-table",
        )

    def show_latest(self) -> None:
        booking = self.query_one("#audit-booking", Input).value.strip()
        staff = self.query_one("#audit-staff", Select).value
        events = self.hotel.audit_trail.events(
            limit=AUDIT_LIMIT,
            booking=booking or None,
            actor=f"staff:{staff}" if isinstance(staff, str) else None,
        )
        refill(self.query_one(DataTable), (self._row(event) for event in reversed(events)))

    def _row(self, event: dict[str, Any]) -> tuple[str, Sequence[Any]]:
        details = "; ".join(f"{name}: {value}" for name, value in event.get("detail", {}).items())
        return event["id"], (
            f"{datetime.fromisoformat(event['at']):%d %b %H:%M}",
            event["actor"],
            words(event["action"]),
            words(event["outcome"]),
            lobby.shown_code(self.hotel, event.get("booking")),
            event.get("room") or "",
            details,
            event["kiosk"],
        )

    @on(Input.Changed, "#audit-booking")
    @on(Select.Changed, "#audit-staff")
    def filter_changed(self) -> None:
        self.show_latest()
