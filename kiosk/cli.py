"""The `kiosk` command: the composition root. It builds the Hotel from the data directory
and imports the Textual app only when it starts it, so the other commands stay quick."""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from kiosk import datadir, door, error_report, speech
from kiosk import displays as displays_rules
from kiosk.archiving import ArchivePaused, RestoreError
from kiosk.audit import Actor
from kiosk.clock import SystemClock
from kiosk.displays import DisplayError, Displays
from kiosk.door import DoorVerdict
from kiosk.hotel import Hotel, open_door, open_hotel
from kiosk.i18n import DEFAULT_LANGUAGE, Catalog
from kiosk.keys import SecretError
from kiosk.models import BookingStatus, RoomStatus
from kiosk.profile import ProfileError
from kiosk.registrations import CardNotFound, RegistrationKeyError
from kiosk.staff import Role, StaffError
from kiosk.storage import StorageError

# The modules only some commands need are imported in those commands, so that `kiosk demo`
# and `kiosk run` reach the guest's Welcome sooner (ARCHITECTURE.md, Performance budgets).

# Who a housekeeping tool's `kiosk rooms set` is in the audit trail, unless --by names someone.
HOUSEKEEPING = Actor("system", "housekeeping")


class Context:
    def __init__(self, data_dir: str | None, kiosk_id: str | None, *, data_dir_typed: bool) -> None:
        self.data_dir_option = data_dir
        self.kiosk_id = kiosk_id
        # True when --data-dir was on the command line rather than taken from KIOSK_DATA_DIR.
        self.data_dir_typed = data_dir_typed

    def hotel(self, data_dir: Path | None = None, *, create: bool = True) -> Hotel:
        """The hotel on the data directory; `create=False` for a command that only looks,
        which must find the directory set up and leave it as it was."""
        root = data_dir or datadir.resolve(self.data_dir_option)
        try:
            return open_hotel(datadir.DataDir(root), kiosk_id=self.kiosk_id, create=create)
        except (datadir.DataDirError, ProfileError, StorageError, SecretError) as error:
            raise click.ClickException(str(error)) from None
        except OSError as error:
            raise click.ClickException(f"{error.filename or root}: {error.strerror}") from None


pass_context = click.make_pass_decorator(Context)


def _print_json(value: Any) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2, default=str))


def _table(rows: list[list[str]], header: list[str]) -> None:
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=False)]
    for row in [header, ["-" * width for width in widths], *rows]:
        click.echo(
            "  ".join(
                str(cell).ljust(width) for cell, width in zip(row, widths, strict=False)
            ).rstrip()
        )


@click.group(invoke_without_command=True)
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False),
    envvar="KIOSK_DATA_DIR",
    help="Data directory (default: $KIOSK_DATA_DIR, else the platform's user data folder).",
)
@click.option("--kiosk-id", help="Name of this kiosk in the audit trail (default: the host name).")
@click.version_option(package_name="lobby-kiosk")
@click.pass_context
def cli(ctx: click.Context, data_dir: str | None, kiosk_id: str | None) -> None:
    """Lobby Kiosk: self-service hotel check-in in a terminal.

    Without a command, starts the kiosk on the data directory (same as `kiosk run`).
    A new house: `kiosk setup` asks for the hotel's name, address, phone, time zone,
    check-in and check-out times, Wi-Fi and language, and writes its hotel.toml.
    """
    typed = ctx.get_parameter_source("data_dir") is click.core.ParameterSource.COMMANDLINE
    ctx.obj = Context(data_dir, kiosk_id, data_dir_typed=typed)
    if ctx.invoked_subcommand is None:
        ctx.invoke(run)


def _start_app(hotel: Hotel, *, demo: bool) -> None:
    try:
        # History out of the file every check-in rewrites, and what is past its period gone.
        hotel.retention.housekeeping()
    except ArchivePaused as paused:
        # The kiosk still starts: staff have a help request, and history can wait.
        click.echo(f"Warning: {paused}", err=True)
    except StorageError as error:
        raise click.ClickException(str(error)) from None
    from screens.app import start  # the only place the core reaches the UI

    status = start(hotel, demo=demo, speaker=speech.find_speaker())
    if status:
        sys.exit(status)  # the service manager restarts a kiosk that failed


def _warn_if_template(hotel: Hotel) -> None:
    """Staff starting a real kiosk on the template's details hear so (the demo is the
    template's house on purpose)."""
    from kiosk.house_setup import template_warning

    if warning := template_warning(hotel.profile, hotel.data_dir.profile):
        click.echo(f"Warning: {warning}", err=True)


@cli.command()
@pass_context
def run(context: Context) -> None:
    """Start the kiosk full-screen on the configured data directory."""
    hotel = context.hotel()
    _warn_if_template(hotel)
    _start_app(hotel, demo=False)


def _asked(check: Callable[[str], str]) -> Callable[[str], str]:
    """A check's complaint as click's: it says it and asks again."""

    def checked(answer: str) -> str:
        try:
            return check(answer)
        except ValueError as error:
            raise click.BadParameter(str(error)) from None

    return checked


@cli.command()
@click.option(
    "--data-dir",
    "setup_dir",
    type=click.Path(file_okay=False),
    help="The kiosk's data directory (default: the global --data-dir).",
)
@click.option("--force", is_flag=True, help="Replace the hotel.toml there (its settings are lost).")
@pass_context
def setup(context: Context, setup_dir: str | None, force: bool) -> None:
    """Ask for the hotel's name, address, phone, time zone, check-in and check-out times,
    Wi-Fi name and password and its language, and write hotel.toml from the template (its
    other settings and comments as they are). Refuses an existing hotel.toml without
    --force; end the input (Ctrl+D) to stop, writing nothing."""
    from kiosk.house_setup import QUESTIONS, SetupError, refuse_existing, write_profile

    path = datadir.DataDir(datadir.resolve(setup_dir or context.data_dir_option)).profile
    with _reported(SetupError):
        refuse_existing(path, force=force)
    click.echo(f"The hotel profile for {path}; Enter takes the value in brackets.")
    answers = {
        question.key: click.prompt(
            question.prompt, default=question.default, value_proc=_asked(question.check)
        )
        for question in QUESTIONS
    }
    with _reported(SetupError, ProfileError):
        profile = write_profile(path, answers, force=force)
    click.echo(
        f"Wrote {path}: the kiosk welcomes guests to {profile.name}. Breakfast, directions, "
        "the offers and every other setting are the template's: read them there."
    )


@cli.command()
@click.option(
    "--data-dir",
    "demo_dir",
    type=click.Path(file_okay=False),
    help="Seed this folder if it is empty (default: a fresh temporary folder).",
)
@click.option(
    "--no-app", is_flag=True, help="Seed and print the demo bookings, do not start the app."
)
@pass_context
def demo(context: Context, demo_dir: str | None, no_app: bool) -> None:
    """Seed a demo hotel (dates relative to today) and start the kiosk on it."""
    from kiosk import demo as demo_data

    # A KIOSK_DATA_DIR set for the real kiosk must never receive demo guests: only a typed folder.
    typed_dir = demo_dir or (context.data_dir_option if context.data_dir_typed else None)
    root = Path(typed_dir or tempfile.mkdtemp(prefix="kiosk-demo-")).resolve()
    fresh = not root.exists() or not any(root.iterdir())
    if not fresh and not datadir.DataDir(root).database.exists():
        # Checked before opening: opening would write a profile and a secret into the folder.
        raise click.ClickException(
            f"{root}: not empty and not a kiosk data directory; choose an empty folder"
        )
    hotel = context.hotel(root)
    if fresh:
        demo_data.seed(hotel)
    elif not hotel.gateway.rooms():
        raise click.ClickException(
            f"{root}: not empty and not a kiosk data directory; choose an empty folder"
        )
    # Printed before the app takes the screen, so it is there when the demo ends: the
    # folder is where `kiosk --data-dir ... staff add` and `key verify` find the demo.
    click.echo(f"Demo data in {root}")
    if no_app:
        _table(
            [
                [
                    hint.code,
                    hint.last_name,
                    hint.date_of_birth.isoformat() if hint.date_of_birth else "-",
                    hint.what_it_shows,
                ]
                for hint in demo_data.try_list(Catalog.load(DEFAULT_LANGUAGE))
            ],
            ["code", "last name", "date of birth", "shows"],
        )
        return
    _start_app(hotel, demo=True)


DEFAULT_HOST, DEFAULT_PORT = "127.0.0.1", 8000
# Addresses that listen on every network: no browser can be sent to them.
WILDCARD_HOSTS = {"", "0.0.0.0", "::"}


@contextmanager
def _reported(*errors: type[Exception]) -> Iterator[None]:
    """These errors as a message and exit status 1."""
    try:
        yield
    except errors as error:
        raise click.ClickException(str(error)) from None


def _displays(context: Context) -> Displays:
    root = datadir.resolve(context.data_dir_option)
    return Displays(datadir.DataDir(root).displays, now=SystemClock().now)


def _public_url(option: str | None, host: str, port: int) -> str:
    if option:
        try:
            return displays_rules.public_url(option)
        except DisplayError as error:
            raise click.BadParameter(str(error), param_hint="--public-url") from None
    if host in WILDCARD_HOSTS:
        raise click.UsageError(
            f"--host {host!r} listens on every network: give --public-url, the address the "
            "screens open (e.g. https://kiosk.hotel.example)."
        )
    return displays_rules.own_url(host, port)


@contextmanager
def _demo_folder() -> Iterator[Path]:
    """A fresh temporary folder for the demo, removed however the server stops (textual-serve
    turns SIGTERM and Ctrl+C into a normal end of `serve()`)."""
    root = Path(tempfile.mkdtemp(prefix="kiosk-demo-")).resolve()
    try:
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


PUBLIC_URL_OPTION = click.option(
    "--public-url",
    envvar="KIOSK_PUBLIC_URL",
    help="The address the screens open, e.g. https://kiosk.hotel.example (default: "
    "$KIOSK_PUBLIC_URL, else the address serve listens on, "
    f"http://{DEFAULT_HOST}:{DEFAULT_PORT} unless told).",
)


@cli.command()
@click.option("--host", default=DEFAULT_HOST, show_default=True, help="Address to listen on.")
@click.option("--port", default=DEFAULT_PORT, show_default=True, help="Port to listen on.")
@PUBLIC_URL_OPTION
@click.option(
    "--max-connections",
    type=click.IntRange(min=1),
    help="Screens connected at once (default: the number of displays).",
)
@click.option(
    "--demo",
    "with_demo",
    is_flag=True,
    help="Serve one demo hotel to every screen, removed when the server stops.",
)
@pass_context
def serve(
    context: Context,
    host: str,
    port: int,
    public_url: str | None,
    max_connections: int | None,
    with_demo: bool,
) -> None:
    """Serve the kiosk to the registered displays' web browsers (textual-serve), e.g. tablets
    and lobby screens; each runs as its display's name (README, "Several kiosks")."""
    from kiosk import demo as demo_data
    from screens.web_server import KioskServer

    displays = _displays(context)
    with _reported(DisplayError):
        registered = displays.all()
    if not registered:
        raise click.ClickException(
            f"No displays registered in {displays.path.parent}: add one with "
            "`kiosk displays add NAME`."
        )
    public = _public_url(public_url, host, port)
    served = _demo_folder() if with_demo else nullcontext(datadir.resolve(context.data_dir_option))
    with served as root:
        hotel = context.hotel(root)  # a broken data directory is reported here, not in the browser
        if with_demo:
            demo_data.seed(hotel)
        else:
            _warn_if_template(hotel)
        KioskServer(
            [sys.executable, "-m", "kiosk", "--data-dir", str(root)],
            "demo" if with_demo else "run",
            host=host,
            port=port,
            public_url=public,
            displays=displays,
            max_connections=max_connections,
        ).serve()


# -- displays -------------------------------------------------------------------------------


@cli.group(name="displays")
def displays_group() -> None:
    """The screens `kiosk serve` lets in, each with a secret address of its own."""


@displays_group.command(name="add")
@click.argument("name")
@PUBLIC_URL_OPTION
@pass_context
def displays_add(context: Context, name: str, public_url: str | None) -> None:
    """Register display NAME (letters, digits, dashes) and print the address its screen
    opens; the token in it is shown only now."""
    public = _public_url(public_url, DEFAULT_HOST, DEFAULT_PORT)
    displays = _displays(context)
    with _reported(DisplayError):
        displays_rules.check_name(name)  # before the folder is made for it
        datadir.DataDir(displays.path.parent).prepare()
        token = displays.add(name)
    click.echo(
        f"Display {name} registered. Open this address on its screen (it is shown only now; "
        f"`kiosk displays remove {name}` shuts it out):"
    )
    click.echo(displays_rules.display_url(public, name, token))


@displays_group.command(name="list")
@pass_context
def displays_list(context: Context) -> None:
    """List the registered displays (their addresses cannot be shown again)."""
    with _reported(DisplayError):
        found = _displays(context).all()
    if not found:
        click.echo("No displays registered. Add one with: kiosk displays add NAME")
        return
    _table(
        [[display.name, display.added.strftime("%Y-%m-%d %H:%M")] for display in found],
        ["name", "added (UTC)"],
    )


@displays_group.command(name="remove")
@click.argument("name")
@pass_context
def displays_remove(context: Context, name: str) -> None:
    """Remove display NAME: its address opens nothing from now on (a screen connected now
    keeps its session until it closes)."""
    with _reported(DisplayError):
        _displays(context).remove(name)
    click.echo(f"Removed display {name}.")


# -- import ---------------------------------------------------------------------------------


@cli.group(name="import")
def import_group() -> None:
    """Import today's bookings or the rooms from the property system (CSV or JSON)."""


def _import(context: Context, kind: str, file: str) -> None:
    from kiosk import importer

    hotel = context.hotel()
    action = importer.import_bookings if kind == "bookings" else importer.import_rooms
    try:
        result = action(hotel, Path(file))
    except importer.ImportFileError as error:
        raise click.ClickException(f"{error}\nNothing was imported.") from None
    except StorageError as error:
        raise click.ClickException(f"{error}\nNothing was imported.") from None
    click.echo(result.summary(kind.capitalize()))


@import_group.command(name="bookings")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@pass_context
def import_bookings(context: Context, file: str) -> None:
    """Import bookings. Columns: code, last_name, first_name, arrival, departure, room_type;
    optional rooms, adults, children, date_of_birth, nationality, email, status."""
    _import(context, "bookings", file)


@import_group.command(name="rooms")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@pass_context
def import_rooms(context: Context, file: str) -> None:
    """Import rooms. Columns: number, floor, type; optional status, features."""
    _import(context, "rooms", file)


# -- looking at the data --------------------------------------------------------------------


@cli.command()
@click.option(
    "--arrival", type=click.DateTime(["%Y-%m-%d"]), help="Only bookings arriving on this date."
)
@click.option(
    "--status",
    type=click.Choice(["reserved", "cancelled", "checked_in", "checked_out"]),
    help="Only bookings with this status.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@pass_context
def bookings(context: Context, arrival: Any, status: str | None, as_json: bool) -> None:
    """List bookings."""
    hotel = context.hotel(create=False)
    found = hotel.gateway.bookings(
        arrival=arrival.date() if arrival else None,
        status=BookingStatus(status) if status else None,
    )
    if as_json:
        _print_json([{k: v for k, v in asdict(b).items() if k not in ("doc_id",)} for b in found])
        return
    _table(
        [
            [
                b.code_as_imported,
                b.guest_name,
                str(b.arrival),
                str(b.departure),
                b.room_type,
                str(b.rooms),
                b.status,
                ",".join(b.assigned_rooms),
            ]
            for b in found
        ],
        ["code", "guest", "arrival", "departure", "type", "rooms", "status", "assigned"],
    )


# -- rooms (housekeeping) -------------------------------------------------------------------


@cli.group(invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.pass_context
def rooms(ctx: click.Context, as_json: bool) -> None:
    """Rooms and their housekeeping status. Without a command, lists them (`rooms list`)."""
    if ctx.invoked_subcommand is None:
        ctx.invoke(rooms_list, as_json=as_json)


@rooms.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@pass_context
def rooms_list(context: Context, as_json: bool) -> None:
    """List rooms with the status that counts and the booking that holds each one. A room
    whose stay ended without a check-out reads dirty, with that booking as `departed`."""
    turnover = context.hotel(create=False).turnover
    occupants = turnover.occupants()
    rows = [
        {
            **state.as_seen.to_doc(),
            "occupant": occupants.get(state.room.number),
            "departed": state.vacated_by,
        }
        for state in turnover.rooms()
    ]
    if as_json:
        _print_json(rows)
        return
    _table(
        [
            [
                r["number"],
                str(r["floor"]),
                r["type"],
                r["status"],
                r["occupant"] or (f"{r['departed']} (departed)" if r["departed"] else ""),
            ]
            for r in rows
        ],
        ["room", "floor", "type", "status", "occupant"],
    )


@rooms.command(name="set")
@click.argument("number")
@click.argument("status")
@click.option("--reason", default="", help="Why, for the audit trail (e.g. a ticket number).")
@click.option(
    "--by",
    "by_name",
    default="",
    help='Who set it, for the audit trail (default: "housekeeping").',
)
@pass_context
def rooms_set(context: Context, number: str, status: str, reason: str, by_name: str) -> None:
    """Set room NUMBER to STATUS (clean, dirty, inspected, out_of_order), as housekeeping
    reports it. A room a stay has left goes to the next guest once it is clean or inspected.
    Exits 1, changing nothing, for a room or a status that does not exist."""
    statuses = [str(known) for known in RoomStatus]
    typed = status.strip().lower().replace(" ", "_").replace("-", "_")
    if typed not in statuses:
        raise click.ClickException(
            f"There is no room status {status!r}; use one of {', '.join(statuses)}. "
            "Nothing was changed."
        )
    by = " ".join(by_name.split())
    if not by.isprintable() or len(by) > 80:
        raise click.ClickException("--by takes a name of printable characters, up to 80.")
    from kiosk import lobby

    room = number.strip().upper()  # as the import writes room numbers
    hotel = context.hotel(create=False)
    actor = Actor("staff", by) if by else HOUSEKEEPING
    try:
        lobby.set_room_status(hotel, actor, room, RoomStatus(typed), reason.strip())
    except StaffError as error:
        raise click.ClickException(f"{error} Nothing was changed.") from None
    except StorageError as error:
        raise click.ClickException(f"{error}\nNothing was changed.") from None
    click.echo(f"Room {room} is now {typed.replace('_', ' ')}.")


@cli.command(name="audit")
@click.option("--limit", default=30, show_default=True, help="How many of the latest events.")
@click.option("--booking", help="Only events about this booking code.")
@click.option("--actor", help="Only events by this actor (e.g. a staff name).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@pass_context
def audit_command(
    context: Context, limit: int, booking: str | None, actor: str | None, as_json: bool
) -> None:
    """Print the latest audit events."""
    events = context.hotel(create=False).audit_trail.events(
        limit=limit, booking=booking, actor=actor
    )
    if as_json:
        _print_json(events)
        return
    _table(
        [
            [
                e["at"],
                e["kiosk"],
                e["actor"],
                e["action"],
                e["outcome"],
                e.get("booking") or "",
                e.get("room") or "",
            ]
            for e in events
        ],
        ["when", "kiosk", "actor", "action", "outcome", "booking", "room"],
    )


# -- sales --------------------------------------------------------------------------------


@cli.group()
def report() -> None:
    """Figures for the office."""


@report.command(name="sales")
@click.option(
    "--date",
    "day",
    type=click.DateTime(["%Y-%m-%d"]),
    help="The day whose check-ins to count (default: today, the hotel's time).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@pass_context
def report_sales(context: Context, day: Any, as_json: bool) -> None:
    """The offers shown, taken and voided at a day's check-ins, and what they bring."""
    from kiosk import sales

    hotel = context.hotel(create=False)
    try:
        figures = sales.day_figures(hotel, day.date() if day else hotel.today())
    except StorageError as error:
        raise click.ClickException(str(error)) from None
    currency = figures.currency
    if as_json:
        _print_json(
            {
                "date": figures.day.isoformat(),
                "currency": currency,
                "revenue": str(figures.revenue),
                "offers": [
                    {
                        "offer": str(offer.kind),
                        "shown": offer.shown,
                        "taken": offer.taken,
                        "voided": offer.voided,
                        "revenue": str(offer.revenue),
                    }
                    for offer in figures.offers
                ],
            }
        )
        return
    click.echo(f"Sales of {figures.day.isoformat()} ({currency}, prices including VAT)")
    rows = [
        [str(o.kind), str(o.shown), str(o.taken), str(o.voided), str(o.revenue)]
        for o in figures.offers
    ]
    rows.append(["total", "", str(figures.taken), str(figures.voided), str(figures.revenue)])
    _table(rows, ["offer", "shown", "taken", "voided", "revenue"])


# -- history --------------------------------------------------------------------------------


@cli.group()
def history() -> None:
    """Stays that are over, kept in history.jsonl; restore brings one back."""


@history.command(name="restore")
@click.argument("code")
@pass_context
def history_restore(context: Context, code: str) -> None:
    """Bring the archived stay CODE back into the open bookings, with its keys as they were
    (e.g. after a wrong clock archived it)."""
    hotel = context.hotel()
    try:
        booking, grants = hotel.archive.restore(code)
    except (RestoreError, StorageError) as error:
        raise click.ClickException(str(error)) from None
    click.echo(
        f"Restored {booking.code_as_imported} ({booking.status}, {booking.arrival} to {booking.departure}) "
        f"with {grants} key grant{'s' if grants != 1 else ''}."
    )


# -- retention ------------------------------------------------------------------------------


@cli.command(name="purge")
@click.option("--dry-run", is_flag=True, help="Show what would go; change nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@pass_context
def purge_command(context: Context, dry_run: bool, as_json: bool) -> None:
    """Delete every personal record past its retention period now (README, "What is kept,
    and for how long"); the daily housekeeping does the same once a day."""
    hotel = context.hotel(create=not dry_run)
    try:
        found = hotel.retention.due() if dry_run else hotel.retention.purge()
    except StorageError as error:
        raise click.ClickException(str(error)) from None
    rows = [asdict(expired) for expired in found.kinds]
    if as_json:
        _print_json({"day": found.day, "dry_run": dry_run, "records": rows})
        return
    if not found:
        click.echo(f"Nothing is past its retention period on {found.day}.")
        return
    click.echo(f"{'Would delete' if dry_run else 'Deleted'} on {found.day}:")
    _table(
        [[row["kind"], str(row["count"]), str(row["oldest"]), str(row["newest"])] for row in rows],
        ["kind", "count", "oldest", "newest"],
    )


@cli.command(name="erase")
@click.argument("code")
@click.option("--reason", required=True, help="Why (the guest's request, say); audited.")
@click.option("--by", "by_name", required=True, help="The staff member erasing; audited.")
@pass_context
def erase_command(context: Context, code: str, reason: str, by_name: str) -> None:
    """Erase the guest of booking CODE now (GDPR Art. 17), except what the law keeps."""
    from kiosk.erasure import ErasureError, erase_guest

    hotel = context.hotel()
    try:
        done = erase_guest(hotel, code, Actor("staff", by_name), reason)
    except (ErasureError, StorageError, RegistrationKeyError) as error:
        raise click.ClickException(str(error)) from None
    places = (["the open booking"] if done.open else []) + (
        [f"{done.history_copies} cop{'ies' if done.history_copies != 1 else 'y'} in history"]
        if done.history_copies
        else []
    )
    click.echo(
        f"Erased from {done.code}: names, date of birth, e-mail, nationality and document "
        f"details ({' and '.join(places) or 'nothing was left'})."
    )
    if done.help_notes:
        click.echo(f"Deleted: {done.help_notes} note(s) of help requests about it.")
    if done.cancelled:
        click.echo("The reservation is cancelled: nobody can check in under it any more.")
    click.echo(
        f"Kept until {done.stay_kept_until}: the stay's code, dates, rooms, keys and charges "
        "(the books; they go with the stay)."
    )
    if done.card_id is not None:
        click.echo(
            f"Kept as the law requires (BMG §30(4)): registration card {done.card_id}, "
            f"destroyed on {done.card_destroyed_on}."
        )


# -- registration cards ---------------------------------------------------------------------


@cli.group()
def registrations() -> None:
    """The registration cards, kept sealed; for staff at the host (they show the document
    numbers)."""


def _cards_reported() -> AbstractContextManager[None]:
    return _reported(CardNotFound, RegistrationKeyError, StorageError)


@registrations.command(name="list")
@click.option("--to-sign", is_flag=True, help="Only the cards not signed yet.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@pass_context
def registrations_list(context: Context, to_sign: bool, as_json: bool) -> None:
    """List the cards, the oldest arrival first (no document numbers: `show` has them)."""
    register = context.hotel(create=False).registrations
    with _cards_reported():
        cards = register.to_sign() if to_sign else register.cards()
    rows = [
        {
            "id": card.id,
            "arrival": card.arrival.isoformat(),
            "departure": card.departure.isoformat(),
            "surname": card.surname,
            "first_names": card.first_names,
            "status": str(card.status),
        }
        for card in cards
    ]
    if as_json:
        _print_json(rows)
        return
    if not rows:
        click.echo("No cards to sign." if to_sign else "No registration cards.")
        return
    header = ["id", "arrival", "departure", "surname", "first_names", "status"]
    _table([[row[name] for name in header] for row in rows], [h.replace("_", " ") for h in header])


@registrations.command(name="show")
@click.argument("card_id", metavar="ID")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@pass_context
def registrations_show(context: Context, card_id: str, as_json: bool) -> None:
    """Every field of card ID, the document number included."""
    with _cards_reported():
        card = context.hotel(create=False).registrations.card(card_id)
    doc = card.to_doc()
    if as_json:
        _print_json(doc)
        return
    width = max(len(name) for name in doc)
    for name, value in doc.items():
        shown = ", ".join(value) if isinstance(value, list) else value
        click.echo(f"{name.ljust(width)}  {'' if shown is None else shown}")


def _write_private(path: Path, content: bytes) -> None:
    """A new file only its owner can read: a card holds the document number."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise click.ClickException(f"{path}: exists already; name a new file.") from None
    except OSError as error:
        raise click.ClickException(f"{path}: cannot write: {error.strerror}") from None
    with os.fdopen(descriptor, "wb") as file:
        file.write(content)


@registrations.command(name="print")
@click.argument("card_id", metavar="ID")
@click.option(
    "--output",
    type=click.Path(dir_okay=False),
    help="Write the PDF to this new file (mode 0600) instead of the card printer.",
)
@pass_context
def registrations_print(context: Context, card_id: str, output: str | None) -> None:
    """Print card ID for the guest to sign, on the printer of hotel.toml's [registration]."""
    from kiosk import card_pdf, printing, signing

    hotel = context.hotel(create=False)
    with _cards_reported():
        card = hotel.registrations.card(card_id)
    if output is not None:
        _write_private(
            Path(output), card_pdf.render(hotel.profile, language=card.language, card=card)
        )
        click.echo(f"Card {card.id} written to {output}.")
        return
    try:
        signing.print_card(hotel, card, language=card.language)
    except printing.PrintError as error:
        raise click.ClickException(f"{error} Use --output FILE to write the PDF instead.") from None
    click.echo(f"Card {card.id} sent to printer {hotel.profile.card_printer}.")


@registrations.command(name="sign")
@click.argument("card_id", metavar="ID")
@click.option("--by", "by_name", required=True, help="Who saw the guest sign it by hand.")
@pass_context
def registrations_sign(context: Context, card_id: str, by_name: str) -> None:
    """Mark card ID signed: staff saw the guest sign the printed card by hand."""
    from kiosk import signing

    by = " ".join(by_name.split())
    if not by or not by.isprintable() or len(by) > 80:
        raise click.ClickException("--by takes a name of printable characters, up to 80.")
    hotel = context.hotel(create=False)
    with _cards_reported():
        signed = signing.mark_signed(hotel, by, card_id)
        if signed is None:
            earlier = hotel.registrations.card(card_id)
            click.echo(f"Card {earlier.id} was signed already (seen by {earlier.signed_by}).")
            return
    click.echo(f"Card {signed.id} is signed (seen by {by}).")


# -- export ---------------------------------------------------------------------------------


def _since(hotel: Hotel, text: str) -> datetime:
    """A date (from its midnight) or a date and time, in the hotel's zone unless it says."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise click.BadParameter(
            f"a date or a date and time like 2026-03-14 or 2026-03-14T10:00, not {text!r}"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=hotel.profile.zone)


@cli.command(name="export")
@click.option(
    "--since",
    "since_text",
    required=True,
    metavar="T",
    help="Events at or after T (2026-03-14 or 2026-03-14T10:00; the hotel's zone).",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["csv", "json"]),
    default="csv",
    show_default=True,
    help="CSV with a header row, or a JSON list of objects; the same columns.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, writable=True),
    help="Write to this file (default: standard output).",
)
@pass_context
def export_command(context: Context, since_text: str, output_format: str, out: str | None) -> None:
    """Every check-in, room move, check-out and charge since T, for the property system
    (README, "Exporting to the property system"). Each event keeps its id across exports."""
    from kiosk import export

    hotel = context.hotel(create=False)
    try:
        found = export.rows(hotel, _since(hotel, since_text))
    except StorageError as error:
        raise click.ClickException(str(error)) from None
    text = export.as_csv(found) if output_format == "csv" else export.as_json(found)
    if out is None:
        click.echo(text, nl=False)
        return
    try:
        Path(out).write_text(text, encoding="utf-8", newline="")
    except OSError as error:
        raise click.ClickException(f"{out}: cannot write: {error.strerror}") from None
    click.echo(f"{len(found)} event{'s' if len(found) != 1 else ''} written to {out}.", err=True)


# -- keys -----------------------------------------------------------------------------------


@cli.group()
def key() -> None:
    """The door side of the key grants."""


@key.command()
@click.option("--room", required=True, help="The room whose door is asking.")
@click.argument("code")
@pass_context
def verify(context: Context, room: str, code: str) -> None:
    """Check a PIN or a scanned QR token for ROOM: exit 0 opens, exit 1 stays shut.

    Decides within a second whatever the disk or the data lock does; an event it cannot
    write yet waits in door-events/ (or, if even that fails, is printed to standard error)."""
    try:
        verdict = _door_verdict(context, room, code)
    except StorageError as error:
        click.echo(f"SHUT: {error}")
        sys.exit(1)
    except click.ClickException:
        raise
    except Exception as error:  # noqa: BLE001  (a door controller reads a verdict, never a traceback)
        click.echo(f"SHUT: cannot check the code: {type(error).__name__}: {error}")
        sys.exit(1)
    if verdict.unrecorded:
        click.echo(f"Warning: {verdict.unrecorded}", err=True)
    if verdict.opens:
        click.echo(f"OPEN: room {room.strip().upper()}")
        return
    message = {
        "wrong_code": "wrong code",
        "wrong_room": "this key is for another room",
        "not_yet_valid": "this key is not valid yet",
        "expired": "this key has expired",
        "revoked": "this key was revoked",
        "locked_out": "too many wrong PINs",
    }[verdict.reason]
    if verdict.locked_until:
        message += f"; PINs locked until {verdict.locked_until:%H:%M}"
    click.echo(f"SHUT: {message}")
    sys.exit(1)


def _door_verdict(context: Context, room: str, code: str) -> DoorVerdict:
    data_dir = datadir.DataDir(datadir.resolve(context.data_dir_option))
    try:
        try:
            hotel = open_hotel(
                data_dir,
                kiosk_id=context.kiosk_id,
                create=False,
                lock_timeout=door.LOCK_WAIT_SECONDS,
            )
        except StorageError:
            # Opening the store takes the data lock; a door does not wait for it, it reads
            # kiosk.json as it is (a StorageError from there says why it cannot).
            return open_door(data_dir, kiosk_id=context.kiosk_id).verify(room, code)
        return hotel.door.verify(room, code)
    except (datadir.DataDirError, ProfileError, SecretError) as error:
        raise click.ClickException(str(error)) from None
    except OSError as error:
        raise click.ClickException(f"{error.filename or data_dir.root}: {error.strerror}") from None


# -- staff ----------------------------------------------------------------------------------


@cli.group()
def staff() -> None:
    """Staff accounts (PINs of at least 6 digits)."""


def _read_pin(prompt: str) -> str:
    if sys.stdin.isatty():
        return click.prompt(prompt, hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().strip()


def _staff_call(action: Any, *args: Any) -> None:
    try:
        action(*args)
    except StaffError as error:
        raise click.ClickException(str(error)) from None


@staff.command(name="add")
@click.argument("name")
@click.option(
    "--role",
    type=click.Choice([str(role) for role in Role]),
    default="agent",
    show_default=True,
    help="A manager may also undo check-ins.",
)
@pass_context
def staff_add(context: Context, name: str, role: str) -> None:
    """Add a staff member; asks for the PIN twice (or reads it from standard input)."""
    hotel = context.hotel()
    _staff_call(hotel.staff.add, name, Role(role), _read_pin(f"PIN for {name}"))
    click.echo(f"Added {name} ({role}).")


@staff.command(name="list")
@pass_context
def staff_list(context: Context) -> None:
    """List staff members and their roles."""
    members = context.hotel().staff.members()
    if not members:
        click.echo("No staff yet. Add one with: kiosk staff add NAME --role manager")
        return
    _table([[member.name, str(member.role)] for member in members], ["name", "role"])


@staff.command(name="remove")
@click.argument("name")
@pass_context
def staff_remove(context: Context, name: str) -> None:
    """Remove a staff member."""
    _staff_call(context.hotel().staff.remove, name)
    click.echo(f"Removed {name}.")


@staff.command(name="reset-pin")
@click.argument("name")
@pass_context
def staff_reset_pin(context: Context, name: str) -> None:
    """Give a staff member a new PIN."""
    hotel = context.hotel()
    _staff_call(hotel.staff.reset_pin, name, _read_pin(f"New PIN for {name}"))
    click.echo(f"New PIN set for {name}.")


# sysexits.h: an internal software error.
EXIT_INTERNAL_ERROR = 70


def main() -> None:
    """The command line never prints a traceback: a message and exit status 1 for what an
    operator can fix, and for a bug the exception's type and where it was raised only (a
    traceback's text can hold guests' data)."""
    try:
        cli(prog_name="kiosk")  # click itself turns its own errors into a message and a status
    except (ProfileError, StorageError, SecretError, StaffError) as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(1)
    except Exception as error:  # noqa: BLE001  (a bug: its text stays unprinted)
        click.echo(
            f"Internal error: {error_report.summary(error)}. Nothing more is shown: it "
            "may hold guests' data.",
            err=True,
        )
        sys.exit(EXIT_INTERNAL_ERROR)
