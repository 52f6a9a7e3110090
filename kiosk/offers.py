"""Which of the house's offers fit a stay, and at what price.

- Breakfast: the price for each guest (adults and children, as the booking says) and night.
- A paid upgrade: the next type up the profile's ladder from the rooms the guest would get,
  for each room and night, when that type has rooms ready now and enough of them stay free
  every night of the stay (the other bookings' stays counted).
- A late check-out: once a stay, when nobody arrives in that room on the departure day.
  The kiosk gives rooms at check-in, so "that room" is any room of the type the guest will
  get: the late check-out fits when the house still has a room of the type for every
  booking that holds one on the departure day, this stay's rooms kept aside. With an
  upgrade on offer, the better type must pass too, so either choice keeps the promise.
- An early check-in: once, for a guest at the kiosk on the arrival day before the free
  window (`check_in_time` less `early_check_in_free_minutes`). Without it the key opens
  from the start of that window.

Prices are the profile's final prices, VAT included, in the hotel's currency; amounts are
rounded to its minor unit (kiosk/money.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from kiosk import money
from kiosk import rooms as room_rules
from kiosk.gateway import Reads
from kiosk.i18n import Catalog
from kiosk.models import Booking, BookingStatus, ChargeKind, Room, RoomStatus
from kiosk.profile import HotelProfile, Offer
from kiosk.turnover import RoomState


@dataclass(frozen=True)
class Quote:
    """An offer as this stay would buy it."""

    offer: Offer
    count: int
    """How many times the price: guests × nights, rooms × nights, or 1."""
    amount: Decimal
    """The total, rounded to the currency's minor unit."""
    room_type: str | None = None
    """An upgrade's better room type."""

    @property
    def kind(self) -> ChargeKind:
        return self.offer.kind


def name(offer: Offer, language: str) -> str:
    """The offer's name in `language` (kiosk/localized.py), else the kiosk's own name for
    its kind."""
    return offer.name.in_(language) or Catalog.load(language).t(f"offers.kind.{offer.kind}")


def description(offer: Offer, language: str) -> str:
    return offer.description.in_(language)


def early_check_in_from(profile: HotelProfile, arrival: date) -> datetime:
    """From when a check-in on the arrival day costs nothing (and its key opens)."""
    check_in = datetime.combine(arrival, profile.check_in_time, tzinfo=profile.zone)
    return check_in - timedelta(minutes=profile.early_check_in_free_minutes)


def total(quotes: Iterable[Quote], currency: str) -> Decimal:
    return money.rounded(sum((quote.amount for quote in quotes), Decimal(0)), currency)


def fitting(
    profile: HotelProfile,
    db: Reads,
    booking: Booking,
    now: datetime,
    states: Sequence[RoomState],
) -> tuple[Quote, ...]:
    """The offers that fit `booking` now, in the profile's order, with the rooms as they
    stand (`Turnover.rooms`). None when no room is ready for it: the check-in will not get
    that far."""
    rooms = [state.room for state in states]
    free_ready = room_rules.free_ready_rooms(states)
    likely = room_rules.choose_rooms(
        free_ready,
        booking.room_type,
        booking.rooms,
        ladder=profile.upgrade_ladder,
        upgrades_allowed=profile.upgrades_allowed,
    )
    if likely is None:
        return ()
    house = _House(rooms, free_ready, db.stays_during(booking.arrival, booking.departure), booking)
    given = likely.upgraded_to or booking.room_type
    upgrade = _upgrade_type(profile, house, booking, given)
    quotes = []
    for offer in profile.offers:
        quote = _quote(profile, house, booking, offer, now, given=given, upgrade=upgrade)
        if quote is not None:
            quotes.append(quote)
    return tuple(quotes)


def _quote(
    profile: HotelProfile,
    house: _House,
    booking: Booking,
    offer: Offer,
    now: datetime,
    *,
    given: str,
    upgrade: str | None,
) -> Quote | None:
    kind = offer.kind
    if kind is ChargeKind.BREAKFAST:
        count = booking.nights * (booking.adults + booking.children)
    elif kind is ChargeKind.UPGRADE:
        if upgrade is None:
            return None
        count = booking.nights * booking.rooms
    elif kind is ChargeKind.LATE_CHECK_OUT:
        departure = booking.departure
        types = (given,) if upgrade is None else (given, upgrade)
        if any(house.spare(type_, departure, departure) < booking.rooms for type_ in types):
            return None
        count = 1
    else:  # early check-in
        if now.date() != booking.arrival or now >= early_check_in_from(profile, booking.arrival):
            return None
        count = 1
    if count <= 0:
        return None
    amount = money.rounded(offer.price * count, profile.currency)
    return Quote(offer, count, amount, upgrade if kind is ChargeKind.UPGRADE else None)


def _upgrade_type(profile: HotelProfile, house: _House, booking: Booking, given: str) -> str | None:
    """The next better type than `given`, if its rooms are ready and free for the stay."""
    ladder = profile.upgrade_ladder
    if given not in ladder or ladder.index(given) + 1 >= len(ladder):
        return None
    better = ladder[ladder.index(given) + 1]
    ready = [room for room in house.free_ready if room.type == better]
    last_night = booking.departure - timedelta(days=1)
    if len(ready) < booking.rooms or house.spare(better, booking.arrival, last_night) < (
        booking.rooms
    ):
        return None
    return better


class _House:
    """The rooms of each type, and which of them other bookings hold on a given day."""

    def __init__(
        self, rooms: list[Room], free_ready: list[Room], stays: list[Booking], guest: Booking
    ) -> None:
        """`free_ready`: the rooms the kiosk may give now; `stays`: the reserved and
        checked-in bookings over the guest's stay."""
        self.free_ready = free_ready
        self._types = {room.number: room.type for room in rooms}
        self._usable = [room.type for room in rooms if room.status is not RoomStatus.OUT_OF_ORDER]
        self._others = [booking for booking in stays if booking.code != guest.code]

    def spare(self, room_type: str, first: date, last: date) -> int:
        """Rooms of `room_type` no other booking holds, on the fullest day from `first` to
        `last` (a booking holds its rooms from its arrival day to the day before its
        departure; a checked-in one holds the rooms it was given, whatever it booked)."""
        usable = self._usable.count(room_type)
        day, fewest = first, usable
        while day <= last:
            fewest = min(fewest, usable - self._held_on(room_type, day))
            day += timedelta(days=1)
        return fewest

    def _held_on(self, room_type: str, day: date) -> int:
        held = 0
        for booking in self._others:
            if not booking.arrival <= day < booking.departure:
                continue
            if booking.status is BookingStatus.CHECKED_IN:
                held += sum(self._types.get(room) == room_type for room in booking.assigned_rooms)
            elif booking.room_type == room_type:
                held += booking.rooms
        return held
