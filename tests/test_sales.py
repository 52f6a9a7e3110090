"""The offers sold, as staff read and change them: a day's figures (the same on the
dashboard and from `kiosk report sales`), and a void, with a reason, audited."""

from __future__ import annotations

import json
from datetime import time
from decimal import Decimal

import pytest
from click.testing import CliRunner

from helpers import AGENT, NOW, TODAY, events, ready, stored
from kiosk import sales
from kiosk.cli import cli
from kiosk.hotel import Hotel
from kiosk.models import ChargeKind
from kiosk.session import CheckedIn
from kiosk.staff import StaffError


def sell(hotel: Hotel, code: str, *kinds: ChargeKind) -> CheckedIn:
    session = ready(hotel, code)
    session.proceed()
    result = session.take_offers(set(kinds))
    assert isinstance(result, CheckedIn), result
    return result


def late_check_out_of(hotel: Hotel, code: str):
    (charge,) = [
        charge
        for charge in hotel.gateway.charges_of_booking(code)
        if charge.kind is ChargeKind.LATE_CHECK_OUT
    ]
    return charge


@pytest.fixture
def sold(demo_hotel: Hotel) -> Hotel:
    """Two check-ins today: Eriksson took breakfast and a late check-out, Müller nothing."""
    sell(demo_hotel, "LH4821", ChargeKind.BREAKFAST, ChargeKind.LATE_CHECK_OUT)
    sell(demo_hotel, "LH6144")
    return demo_hotel


def figures(hotel: Hotel) -> dict[str, tuple[int, int, int, Decimal]]:
    day = sales.day_figures(hotel, TODAY)
    return {str(f.kind): (f.shown, f.taken, f.voided, f.revenue) for f in day.offers}


def test_a_days_figures_count_what_was_shown_taken_and_what_it_brings(sold: Hotel) -> None:
    assert figures(sold) == {
        "breakfast": (2, 1, 0, Decimal("72.00")),
        "late_check_out": (2, 1, 0, Decimal("25.00")),
        "upgrade": (2, 0, 0, Decimal("0.00")),
        "early_check_in": (0, 0, 0, Decimal("0.00")),
    }
    assert sales.day_figures(sold, TODAY).revenue == Decimal("97.00")


def test_another_day_has_its_own_figures(sold: Hotel) -> None:
    other = sales.day_figures(sold, TODAY.replace(day=TODAY.day - 1))
    assert other.taken == 0 and other.revenue == 0


def test_a_voided_late_check_out_counts_for_nothing_and_the_key_ends_as_before(
    sold: Hotel,
) -> None:
    charge = late_check_out_of(sold, "LH4821")
    voided = sales.void(sold, AGENT, "lh4821", charge.id, "  Guest  changed plans ")
    assert voided.voided and voided.void_reason == "Guest changed plans"
    assert late_check_out_of(sold, "LH4821").voided  # on file still, voided
    assert figures(sold)["late_check_out"] == (2, 1, 1, Decimal("0.00"))
    (event,) = events(sold, "offer_voided", "LH4821")
    assert event["actor"] == f"staff:{AGENT.name}"
    assert event["detail"]["reason"] == "Guest changed plans"
    (grant,) = sold.gateway.grants_of_booking("LH4821")
    booking = sold.gateway.booking("LH4821")
    assert grant.valid_until == sold.departure_moment(booking.departure)
    assert grant.valid_until.time() == time(11, 0)


@pytest.mark.parametrize(
    ("code", "charge_id", "reason", "refusal"),
    [
        ("LH4821", None, "   ", "needs a reason"),
        ("LH4821", "made-up", "Typo", "no such offer"),
        ("LH6144", None, "Typo", "no such offer"),  # another booking's charge
    ],
)
def test_a_bad_void_is_refused_and_changes_nothing(
    sold: Hotel, code: str, charge_id: str | None, reason: str, refusal: str
) -> None:
    charge = late_check_out_of(sold, "LH4821")
    before = stored(sold.data_dir.database)
    with pytest.raises(StaffError, match=refusal):
        sales.void(sold, AGENT, code, charge_id or charge.id, reason)
    assert stored(sold.data_dir.database) == before


def test_a_charge_is_voided_once(sold: Hotel) -> None:
    charge = late_check_out_of(sold, "LH4821")
    sales.void(sold, AGENT, "LH4821", charge.id, "Guest changed plans")
    with pytest.raises(StaffError, match="voided already"):
        sales.void(sold, AGENT, "LH4821", charge.id, "Again")
    assert figures(sold)["late_check_out"][2] == 1


def test_open_sales_leave_voided_ones_out(sold: Hotel) -> None:
    charge = late_check_out_of(sold, "LH4821")
    assert {c.kind for c in sales.open_sales(sold)} == {
        ChargeKind.BREAKFAST,
        ChargeKind.LATE_CHECK_OUT,
    }
    sales.void(sold, AGENT, "LH4821", charge.id, "Guest changed plans")
    assert {c.kind for c in sales.open_sales(sold)} == {ChargeKind.BREAKFAST}


def test_report_sales_prints_the_same_figures(sold: Hotel) -> None:
    root = str(sold.data_dir.root)
    shown = CliRunner().invoke(cli, ["--data-dir", root, "report", "sales", "--date", "2026-03-14"])
    assert shown.exit_code == 0, shown.output
    lines = [" ".join(line.split()) for line in shown.output.splitlines()]
    assert "Sales of 2026-03-14 (EUR, prices including VAT)" in lines
    assert "breakfast 2 1 0 72.00" in lines
    assert "late_check_out 2 1 0 25.00" in lines
    assert "upgrade 2 0 0 0.00" in lines
    assert "total 2 0 97.00" in lines
    as_json = CliRunner().invoke(
        cli, ["--data-dir", root, "report", "sales", "--date", "2026-03-14", "--json"]
    )
    report = json.loads(as_json.output)
    assert report["revenue"] == "97.00" and report["date"] == NOW.date().isoformat()
    assert {"offer": "breakfast", "shown": 2, "taken": 1, "voided": 0, "revenue": "72.00"} in (
        report["offers"]
    )


def test_report_sales_refuses_a_date_it_cannot_read(sold: Hotel) -> None:
    root = str(sold.data_dir.root)
    outcome = CliRunner().invoke(cli, ["--data-dir", root, "report", "sales", "--date", "14.03."])
    assert outcome.exit_code != 0 and "14.03." in outcome.output


# -- the dashboard ---------------------------------------------------------------------------


async def test_the_dashboard_shows_todays_offers_and_voids_one_with_a_reason(
    desk_hotel: Hotel, idle_clock
) -> None:
    from textual.widgets import DataTable

    from helpers import SIZE, click, give_reason, kiosk_app, log_in, shown

    sell(desk_hotel, "LH4821", ChargeKind.BREAKFAST, ChargeKind.LATE_CHECK_OUT)
    sell(desk_hotel, "LH6144")
    late = late_check_out_of(desk_hotel, "LH4821")
    app = kiosk_app(desk_hotel, idle_clock)

    def rows(table_id: str) -> dict[str, list[str]]:
        table = app.screen.query_one(f"#{table_id}", DataTable)
        found = (table.get_row_at(index) for index in range(table.row_count))
        return {str(row[0]) + str(row[1]): [str(cell) for cell in row] for row in found}

    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, AGENT)
        await click(pilot, "#--content-tab-sales")
        await pilot.pause()
        assert shown(app, "2 taken, 0 of them voided, €97.00")
        figures_table = {row[0]: row for row in rows("sales-figures").values()}
        assert figures_table["late check out"] == ["late check out", "2", "1", "0", "€25.00"]
        assert {row[1] for row in rows("sales-open").values()} == {"breakfast", "late check out"}

        table = app.screen.query_one("#sales-open", DataTable)
        table.move_cursor(row=table.get_row_index(f"LH4821/{late.id}"))
        await click(pilot, "#sales-void")
        await pilot.pause()
        assert shown(app, "Void late check out of booking LH4821 (€25.00)")
        await give_reason(pilot, choice=1)
        assert shown(app, "Voided: late check out of booking LH4821")
        assert shown(app, "2 taken, 1 of them voided, €72.00")
        assert {row[1] for row in rows("sales-open").values()} == {"breakfast"}

    (event,) = events(desk_hotel, "offer_voided", "LH4821")
    assert event["detail"]["reason"] == "Sold by mistake" and event["actor"] == "staff:Arne Agent"
