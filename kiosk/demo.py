"""Demo data that works on any day: a 40-room house and today's arrivals, relative to the clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from kiosk.audit import SYSTEM
from kiosk.hotel import Hotel
from kiosk.i18n import Catalog
from kiosk.models import Booking, BookingStatus, Room, RoomStatus
from kiosk.mrz import check_digit, transliterate
from kiosk.session import CheckInSession
from kiosk.staff import Role, StaffMember

ROOM_TYPES = {1: "single", 2: "single", 9: "junior_suite", 10: "suite"}  # by position on a floor
# Every single is taken out of play so a single booking shows the upgrade; every suite too,
# so the suite booking shows the no-room recovery.
UNREADY = {
    "101": RoomStatus.DIRTY,
    "102": RoomStatus.DIRTY,
    "201": RoomStatus.OUT_OF_ORDER,
    "202": RoomStatus.DIRTY,
    "301": RoomStatus.DIRTY,
    "302": RoomStatus.DIRTY,
    "401": RoomStatus.DIRTY,
    "402": RoomStatus.OUT_OF_ORDER,
    "110": RoomStatus.OUT_OF_ORDER,
    "210": RoomStatus.DIRTY,
    "310": RoomStatus.DIRTY,
    "410": RoomStatus.DIRTY,
    "105": RoomStatus.DIRTY,
    "207": RoomStatus.INSPECTED,
    "304": RoomStatus.INSPECTED,
}


@dataclass(frozen=True)
class DemoGuest:
    code: str
    last_name: str
    first_name: str
    room_type: str
    shows: str
    """What this guest shows a presenter: catalog key `demo.shows.<shows>`."""
    nights: int = 2
    rooms: int = 1
    arrives_in_days: int = 0
    date_of_birth: date | None = None
    status: BookingStatus = BookingStatus.RESERVED
    nationality: str = ""


# Every guest but one has a date of birth on file, so that hand entry works for them; O'Brien
# shows what a booking without one asks for (a scanned document).
GUESTS = (
    DemoGuest(
        "LH4821",
        "Eriksson",
        "Anna",
        "double",
        "plain_stay",
        date_of_birth=date(1974, 8, 12),
        nationality="SWE",
    ),
    DemoGuest(
        "LH5930",
        "Rossi",
        "Marco",
        "double",
        "two_rooms",
        rooms=2,
        nights=3,
        date_of_birth=date(1970, 2, 1),
        nationality="ITA",
    ),
    DemoGuest(
        "LH6144",
        "Müller",
        "Jürgen",
        "double",
        "umlauts",
        date_of_birth=date(1975, 3, 2),
        nationality="DEU",
    ),
    DemoGuest(
        "LH7015",
        "O'Brien",
        "Siobhan",
        "double",
        "scan_only",
        nationality="IRL",
    ),
    DemoGuest(
        "LH7262",
        "Schmidt-Weber",
        "Katrin",
        "junior_suite",
        "double_surname",
        date_of_birth=date(1979, 11, 23),
        nationality="DEU",
    ),
    DemoGuest(
        "LH7388",
        "Weiß",
        "Thomas",
        "double",
        "sharp_s",
        date_of_birth=date(1980, 5, 17),
        nationality="AUT",
    ),
    DemoGuest(
        "LH7423",
        "Nguyễn",
        "Lan",
        "double",
        "diacritics",
        date_of_birth=date(1990, 7, 4),
        nationality="VNM",
    ),
    DemoGuest(
        "LH8107",
        "Kowalski",
        "Piotr",
        "single",
        "free_upgrade",
        date_of_birth=date(1983, 3, 3),
        nationality="POL",
    ),
    DemoGuest(
        "LH8290",
        "Okafor",
        "Chidi",
        "suite",
        "no_room",
        date_of_birth=date(1984, 4, 4),
        nationality="NGA",
    ),
    DemoGuest(
        "LH8356",
        "Dubois",
        "Claire",
        "double",
        "cancelled",
        date_of_birth=date(1988, 9, 30),
        status=BookingStatus.CANCELLED,
    ),
    DemoGuest(
        "LH8471",
        "Tanaka",
        "Yuki",
        "double",
        "checked_in",
        date_of_birth=date(1986, 1, 15),
        nationality="JPN",
    ),
    DemoGuest(
        "LH8533",
        "Andersen",
        "Lars",
        "double",
        "tomorrow",
        arrives_in_days=1,
        date_of_birth=date(1972, 6, 21),
    ),
    DemoGuest(
        "LH8602",
        "Smith",
        "John",
        "double",
        "plain_stay",
        nights=1,
        date_of_birth=date(1969, 12, 5),
        nationality="GBR",
    ),
    DemoGuest(
        "LH8719",
        "Novak",
        "Eva",
        "junior_suite",
        "plain_stay",
        nights=4,
        date_of_birth=date(1991, 10, 10),
        nationality="CZE",
    ),
    DemoGuest(
        "LH8845",
        "García Lorca",
        "Inés",
        "double",
        "space_in_surname",
        date_of_birth=date(1982, 4, 18),
        nationality="ESP",
    ),
)
ALREADY_CHECKED_IN = "LH8471"


def demo_rooms() -> list[Room]:
    rooms = []
    for floor in range(1, 5):
        for position in range(1, 11):
            number = f"{floor}{position:02d}"
            features = ["balcony"] if position in (9, 10) else []
            if position in (3, 4):
                features.append("courtyard")
            rooms.append(
                Room(
                    number,
                    floor,
                    ROOM_TYPES.get(position, "double"),
                    UNREADY.get(number, RoomStatus.CLEAN),
                    features,
                )
            )
    return rooms


def demo_bookings(today: date) -> list[Booking]:
    return [
        Booking(
            code=guest.code,
            last_name=guest.last_name,
            first_name=guest.first_name,
            arrival=today + timedelta(days=guest.arrives_in_days),
            departure=today + timedelta(days=guest.arrives_in_days + guest.nights),
            room_type=guest.room_type,
            rooms=guest.rooms,
            adults=2 if guest.room_type != "single" else 1,
            date_of_birth=guest.date_of_birth,
            nationality=guest.nationality,
            status=guest.status,
        )
        for guest in GUESTS
    ]


def seed(hotel: Hotel) -> None:
    with hotel.transaction() as db:
        db.add_rooms(demo_rooms())
        db.add_bookings(demo_bookings(hotel.today()))
        db.audit(SYSTEM, "demo_seeded", rooms=40, bookings=len(GUESTS))
    _check_in_through_the_desk(hotel, ALREADY_CHECKED_IN)


def _check_in_through_the_desk(hotel: Hotel, code: str) -> None:
    """The checked-in guest goes through the real flow, so their keys are real ones."""
    session = CheckInSession(hotel)
    booking = hotel.gateway.booking(code)
    assert booking is not None
    session.find(code, booking.last_name)
    session.confirm()
    desk = StaffMember("demo", Role.MANAGER)
    session.approve_identity(desk, "demo: passport seen at the desk")
    session.check_in()
    session.put_away_keys()


def passport_zone(guest: Booking, *, number: str, expiry: date, birth: date, sex: str = "F") -> str:
    """A TD3 zone for a demo guest, so a presenter can paste a 'scan'."""
    names = f"{transliterate(guest.last_name)}<<{transliterate(guest.first_name)}"
    nationality = guest.nationality or "UTO"
    line1 = f"P<{nationality}{names}".ljust(44, "<")[:44]
    number = number.ljust(9, "<")
    birth_text, expiry_text = birth.strftime("%y%m%d"), expiry.strftime("%y%m%d")
    personal = "<" * 14
    parts = [
        number + str(check_digit(number)),
        nationality,
        birth_text + str(check_digit(birth_text)),
        sex,
        expiry_text + str(check_digit(expiry_text)),
        personal + str(check_digit(personal)),
    ]
    composite = parts[0] + parts[2] + parts[4] + parts[5]
    line2 = "".join(parts) + str(check_digit(composite))
    return f"{line1}\n{line2}"


@dataclass(frozen=True)
class DemoHint:
    """What the welcome screen's demo panel says a presenter can type for one guest."""

    code: str
    last_name: str
    date_of_birth: date | None
    shows: str
    what_it_shows: str
    """`shows` in the catalog's language."""


def try_list(catalog: Catalog) -> list[DemoHint]:
    return [
        DemoHint(
            guest.code,
            guest.last_name,
            guest.date_of_birth,
            guest.shows,
            catalog.t(f"demo.shows.{guest.shows}"),
        )
        for guest in GUESTS
    ]
