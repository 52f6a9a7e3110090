"""What erasing one guest's data at once (GDPR Art. 17) deletes, and what the law keeps.

Staff erase a guest, with a reason, from a booking open in the main file or a stay in
history. What goes at once: the names, the date of birth, the e-mail address, the
nationality and what is kept of the checked document, from every copy of the booking, and
the notes of help requests about it. What stays, because the law requires it: the
registration card until the day the law lets it go (BMG §30(4), kiosk/registration.py),
and the stay's code, dates, rooms, keys and charges, the books the property system needs;
they go with the stay when its period ends (kiosk/retention.py).

A guest who is checked in is refused: the kiosk still needs the name to let them check out.
A reservation that is erased is cancelled, because nobody can find it at a kiosk any more:
a booking without a last name matches no name typed (kiosk/lookup.py).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING, Any

from kiosk import retention
from kiosk.audit import Actor
from kiosk.gateway import Writer
from kiosk.models import Booking, BookingStatus, normalise_code

if TYPE_CHECKING:
    from kiosk.hotel import Hotel


class ErasureError(Exception):
    """Nothing was erased; the message says why and what to do."""


@dataclass(frozen=True)
class Erased:
    code: str
    open: bool
    """The booking was open in the main file (else only in history)."""
    history_copies: int
    """Copies of the stay in history.jsonl that were erased."""
    help_notes: int
    """Notes of help requests about the booking that were deleted."""
    cancelled: bool
    """A reservation, cancelled because nobody can check in under it any more."""
    stay_kept_until: date
    """The last day the stay's code, dates, rooms and charges are on file."""
    card_id: str | None
    """The registration card the law still keeps, or None."""
    card_destroyed_on: date | None


def erased(booking: Booking) -> Booking:
    """The booking without what names or describes its guest."""
    return replace(
        booking,
        last_name="",
        first_name="",
        date_of_birth=None,
        nationality="",
        email="",
        identity=None,
        status=BookingStatus.CANCELLED
        if booking.status is BookingStatus.RESERVED
        else booking.status,
    )


def erase_guest(hotel: Hotel, code: str, actor: Actor, reason: str) -> Erased:
    code = normalise_code(code)
    reason = " ".join(reason.split())
    if not reason:
        raise ErasureError("Give a reason for the erasure (it goes to the audit trail).")
    archive = hotel.archive
    with hotel.transaction() as db:
        booking = db.booking(code)
        if booking is not None and booking.status is BookingStatus.CHECKED_IN:
            raise ErasureError(f"{code} is checked in: check the guest out first. Nothing erased.")
        in_history = [
            Booking.from_doc(record["booking"])
            for record in archive.history.records()
            if archive.history.key(record) == code
        ]
        if booking is None and not in_history:
            raise ErasureError(f"There is no booking {code}, open or in history. Nothing erased.")
        # Before the first change: a register that cannot be read (its key lost) stops the
        # erasure while nothing is erased yet, as its message to staff says.
        card = hotel.registrations.of_booking(code)
        if booking is not None:
            db.save_booking(erased(booking))
        history_copies = archive.history.rewrite(
            lambda record: _erased_stay(record) if archive.history.key(record) == code else record
        )
        help_notes = _erase_help_notes(hotel, db, code)
        db.audit(
            actor,
            "guest_erased",
            booking=code,
            reason=reason,
            history_copies=history_copies,
            help_notes=help_notes,
            card_kept=card is not None,
        )
    # The journal still holds the guest's documents as they were: a new snapshot drops them.
    hotel.gateway.store.compact()
    departure = (booking or in_history[-1]).departure
    return Erased(
        code=code,
        open=booking is not None,
        history_copies=history_copies,
        help_notes=help_notes,
        cancelled=booking is not None and booking.status is BookingStatus.RESERVED,
        stay_kept_until=retention.stay_kept_until(departure, hotel.profile),
        card_id=card.id if card else None,
        card_destroyed_on=card.destroy_on() if card else None,
    )


def _erased_stay(record: dict[str, Any]) -> dict[str, Any]:
    return {**record, "booking": erased(Booking.from_doc(record["booking"])).to_doc()}


def _erase_help_notes(hotel: Hotel, db: Writer, code: str) -> int:
    """Notes of the booking's help requests, open, closed or in help.jsonl; how many went."""
    noted = [
        request
        for request in db.help_requests(open_only=False)
        if request.booking == code and request.note
    ]
    for request in noted:
        db.save_help_request(replace(request, note=None))

    def without_note(record: dict[str, Any]) -> dict[str, Any]:
        request = record["request"]
        if request.get("booking") != code or not request.get("note"):
            return record
        return {**record, "request": {**request, "note": None}}

    return len(noted) + hotel.archive.help_history.rewrite(without_note)
