"""Booking codes as the property system writes them (issue 15, "Booking codes are shown as
ZQ74416"). Found: the property system writes `ZQ7-4416`, the guest's confirmation too, and
the kiosk showed `ZQ74416`. A code now shows as imported wherever a guest or staff read it,
and is still found however it is typed."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from click.testing import CliRunner

from helpers import AGENT, Guest, click, kiosk_app, log_in, shown
from kiosk.audit import Actor
from kiosk.cli import cli
from kiosk.hotel import Hotel
from kiosk.importer import import_bookings
from kiosk.session import CheckInSession
from screens.app import make_app

AS_WRITTEN, NORMALISED = "ZQ7-4416", "ZQ74416"
SIZE = (120, 40)


def import_guest(hotel: Hotel, tmp_path: Path, code: str = AS_WRITTEN) -> None:
    """Gerda Vogel arrives today for two nights, as the property system exports her."""
    today = hotel.today()
    path = tmp_path / "bookings.csv"
    path.write_text(
        "code,last_name,first_name,arrival,departure,room_type,date_of_birth\n"
        f"{code},Vogel,Gerda,{today},{today + timedelta(days=2)},double,1961-09-30\n",
        encoding="utf-8",
    )
    import_bookings(hotel, path)


async def test_the_guest_sees_the_code_as_on_the_confirmation(
    guest_hotel: Hotel, idle_clock, tmp_path: Path
) -> None:
    import_guest(guest_hotel, tmp_path)
    app = make_app(guest_hotel, demo=True, clock=idle_clock)
    async with app.run_test(size=SIZE) as pilot:
        guest = Guest(pilot, idle_clock)
        await guest.find("zq7 4416", "Vogel")  # typed as it comes: lookup does not mind
        assert guest.on("ConfirmPage")
        facts = dict(app.screen.query_one("#booking-facts").facts)
        assert facts["Booking code"] == AS_WRITTEN
        assert not shown(app, NORMALISED)


async def test_staff_see_the_code_as_imported(
    desk_hotel: Hotel, idle_clock, tmp_path: Path
) -> None:
    import_guest(desk_hotel, tmp_path)
    session = CheckInSession(desk_hotel)
    session.find(NORMALISED.lower(), "Vogel")
    session.confirm()
    desk_hotel.help.request(Actor("guest"), "identity", NORMALISED)
    app = kiosk_app(desk_hotel, idle_clock, session)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, AGENT)
        assert shown(app, f"{AS_WRITTEN}  Gerda Vogel")  # the Session tab
        for tab, row in (
            ("arrivals", f"{AS_WRITTEN} Gerda Vogel"),
            ("help", AS_WRITTEN),
            ("audit", AS_WRITTEN),
        ):
            await click(pilot, f"#--content-tab-{tab}")
            await pilot.pause()
            assert shown(app, row) and not shown(app, NORMALISED), tab


def test_the_bookings_list_shows_the_code_as_imported(hotel: Hotel, tmp_path: Path) -> None:
    import_guest(hotel, tmp_path)
    listed = CliRunner().invoke(cli, ["--data-dir", str(hotel.data_dir.root), "bookings"])
    assert listed.exit_code == 0, listed.output
    assert AS_WRITTEN in listed.output and NORMALISED not in listed.output
    assert hotel.gateway.booking(NORMALISED).code == NORMALISED  # found and referred to so


def test_a_booking_imported_before_shows_the_dash_after_the_next_import(
    hotel: Hotel, tmp_path: Path
) -> None:
    import_guest(hotel, tmp_path, code=NORMALISED)
    assert hotel.gateway.booking(AS_WRITTEN).code_as_imported == NORMALISED
    import_guest(hotel, tmp_path)
    found = hotel.gateway.booking("zq7 4416")
    assert found is not None and found.code_as_imported == AS_WRITTEN
    assert len(hotel.gateway.bookings()) == 1  # the same booking, not a second one
