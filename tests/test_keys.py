"""Key grants, door codes and the property secret (ARCHITECTURE.md, Keys), the door side
(`kiosk key verify`), and the promise that no PIN, document number or zone is ever on disk."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import stat
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import qrcode
import qrcode.util
from click.testing import CliRunner

from helpers import (
    AGENT,
    MANAGER,
    booking,
    check_in,
    data_files,
    events,
    furnish,
    ready,
    reopen,
    set_profile,
    zone,
)
from kiosk import demo, keys
from kiosk.audit import SYSTEM
from kiosk.cli import cli
from kiosk.clock import FixedClock
from kiosk.datadir import DataDir
from kiosk.hotel import Hotel, open_hotel
from kiosk.keys import SecretError
from kiosk.models import Room
from kiosk.session import CheckedIn, CheckInSession, Found, Verified
from kiosk.staff import Role

QR_ALPHANUMERIC = re.compile(r"[0-9A-Z $%*+\-./:]+")


def other_pins(pin: str, count: int) -> list[str]:
    width = len(pin)
    return [f"{(int(pin) + step) % 10**width:0{width}d}" for step in range(1, count + 1)]


def pin_in(pin: str, blob: bytes) -> bool:
    """The PIN as a value of its own, not as a run of digits inside a hash, a time or a token."""
    return re.search(rb"(?<![0-9A-Za-z])" + pin.encode() + rb"(?![0-9A-Za-z])", blob) is not None


# -- PINs -----------------------------------------------------------------------------------


@pytest.mark.parametrize("length", [4, 8])
def test_pin_length_comes_from_the_profile(root: Path, clock: FixedClock, length: int) -> None:
    set_profile(root, "pin_length", str(length))
    hotel = open_hotel(DataDir(root), clock=clock, kiosk_id="k1")
    demo.seed(hotel)
    _, result = check_in(hotel, "LH5930")
    for key in result.keys:
        assert len(key.pin) == length and key.pin.isdigit()
        assert hotel.door.verify(key.room.number, key.pin).opens


def test_default_pin_has_six_digits(demo_hotel: Hotel) -> None:
    _, result = check_in(demo_hotel, "LH6144")
    assert re.fullmatch(r"\d{6}", result.keys[0].pin)


def test_pin_is_unique_among_the_active_grants_of_a_room(hotel: Hotel, monkeypatch) -> None:
    furnish(
        hotel,
        rooms=[Room("101", 1, "double")],
        bookings=[booking("AAA111", "Early"), booking("BBB222")],
    )
    # A grant for room 101 is still active (say, the earlier guest's, valid until check-out).
    monkeypatch.setattr(keys, "draw_pin", lambda length: "111111")
    with hotel.transaction() as db:
        earlier_pin = hotel.grants.issue(db, db.booking("AAA111"), "101", SYSTEM).pin
    assert earlier_pin == "111111"

    drawn = iter(["111111", "111111", "222222", "333333"])
    calls = []
    monkeypatch.setattr(keys, "draw_pin", lambda length: calls.append(length) or next(drawn))
    _, result = check_in(hotel, "BBB222")
    assert [key.pin for key in result.keys] == ["222222"]
    assert len(calls) == 3
    hashes = [grant.pin_hash for grant in hotel.grants.active(hotel.gateway, "101")]
    assert len(hashes) == len(set(hashes)) == 2
    assert hotel.door.verify("101", "111111").booking == "AAA111"
    assert hotel.door.verify("101", "222222").booking == "BBB222"


def test_the_same_pin_may_open_two_different_rooms(demo_hotel: Hotel, monkeypatch) -> None:
    monkeypatch.setattr(keys, "draw_pin", lambda length: "123456")
    _, result = check_in(demo_hotel, "LH5930")
    assert [key.pin for key in result.keys] == ["123456", "123456"]
    for key in result.keys:
        assert demo_hotel.door.verify(key.room.number, "123456").opens


def test_pin_is_stored_only_as_a_keyed_hash(demo_hotel: Hotel, monkeypatch) -> None:
    monkeypatch.setattr(keys, "draw_pin", lambda length: "583927")
    _, result = check_in(demo_hotel, "LH6144")
    (key,) = result.keys
    (grant,) = reopen(demo_hotel).gateway.grants_of_booking("LH6144")
    expected = hmac.new(
        demo_hotel.secret, f"pin:{key.room.number}:583927".encode(), hashlib.sha256
    ).hexdigest()
    assert grant.pin_hash == expected
    assert "583927" not in str(grant.to_doc())
    for name, blob in data_files(demo_hotel.data_dir.root).items():
        assert not pin_in("583927", blob), name
    # A PIN hash from another property (another secret) is different.
    assert keys.pin_hash(b"x" * 32, key.room.number, "583927") != expected


# -- QR tokens ------------------------------------------------------------------------------


def test_token_fits_qr_version_4_at_level_m(hotel: Hotel) -> None:
    # The longest room number the importer accepts, and the longest stay.
    furnish(
        hotel, rooms=[Room("ABCD-123", 1, "double")], bookings=[booking("LONG01", nights=9 * 30)]
    )
    _, result = check_in(hotel, "LONG01")
    (key,) = result.keys
    token = key.token
    assert QR_ALPHANUMERIC.fullmatch(token)
    assert qrcode.util.QRData(token.encode()).mode == qrcode.util.MODE_ALPHA_NUM
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    code.add_data(token, optimize=0)
    code.make(fit=True)
    assert code.version <= 4
    assert len(code.get_matrix()) <= 33 + 2 * 4  # 41 modules with the quiet zone
    assert hotel.door.verify("abcd-123", token).opens
    assert hotel.door.verify("ABCD-123", key.pin).opens


def test_token_tag_has_at_least_96_bits(demo_hotel: Hotel) -> None:
    _, result = check_in(demo_hotel, "LH6144")
    tag = result.keys[0].token.rsplit(".", 1)[1]
    raw = base64.b32decode(tag + "=" * (-len(tag) % 8))
    assert len(raw) * 8 >= 96


def test_a_door_can_read_the_token_offline_with_the_secret_alone(demo_hotel: Hotel) -> None:
    _, result = check_in(demo_hotel, "LH6144")
    (key,) = result.keys
    claims = keys.read_token(demo_hotel.secret, key.token)
    (grant,) = demo_hotel.gateway.grants_of_booking("LH6144")
    assert (claims.grant_id, claims.room) == (grant.id, key.room.number)
    assert claims.valid_from <= demo_hotel.now() < claims.valid_until
    assert claims.valid_until == key.valid_until
    assert keys.read_token(b"another property's secret......", key.token) is None


def test_token_opens_the_right_room_only(demo_hotel: Hotel) -> None:
    _, result = check_in(demo_hotel, "LH6144")
    (key,) = result.keys
    room = key.room.number
    assert demo_hotel.door.verify(room, key.token) == demo_hotel.door.verify(room, key.token)
    assert demo_hotel.door.verify(room, key.token).opens
    assert demo_hotel.door.verify(
        f" {room.lower()} ", f"{key.token.lower()}\n"
    ).opens  # as a scanner types it
    assert demo_hotel.door.verify("308", key.token).reason == "wrong_room"
    assert demo_hotel.door.verify("308", key.pin).reason == "wrong_code"


def test_tampered_token_stays_shut(demo_hotel: Hotel) -> None:
    _, result = check_in(demo_hotel, "LH6144")
    (key,) = result.keys
    room = key.room.number
    body, tag = key.token.rsplit(".", 1)
    flipped = body + "." + ("A" if tag[0] != "A" else "B") + tag[1:]
    version, grant, _, start, end = body.split(".")
    other_room = ".".join([version, grant, "308", start, end, tag])
    longer = ".".join([version, grant, room, start, "2912311000", tag])
    for forged, door in (
        (flipped, room),
        (other_room, "308"),
        (longer, room),
        (key.token[:-1], room),
        ("K1", room),
    ):
        verdict = demo_hotel.door.verify(door, forged)
        assert (verdict.opens, verdict.reason) == (False, "wrong_code"), forged


def test_codes_expire_at_check_out_time_on_the_departure_day(
    demo_hotel: Hotel, clock: FixedClock
) -> None:
    _, result = check_in(demo_hotel, "LH6144")
    (key,) = result.keys
    room = key.room.number
    checkout = datetime.combine(
        demo_hotel.gateway.booking("LH6144").departure,
        demo_hotel.profile.check_out_time,
        tzinfo=clock.current.tzinfo,
    )
    clock.current = checkout - timedelta(minutes=1)
    assert (
        demo_hotel.door.verify(room, key.pin).opens
        and demo_hotel.door.verify(room, key.token).opens
    )
    clock.current = checkout
    assert demo_hotel.door.verify(room, key.token).reason == "expired"
    assert demo_hotel.door.verify(room, key.pin).reason == "expired"


def test_revoked_codes_stay_shut(demo_hotel: Hotel) -> None:
    session, result = check_in(demo_hotel, "LH6144")
    (key,) = result.keys
    session.revoke_key(AGENT, key.room.number, "lost phone")
    assert demo_hotel.door.verify(key.room.number, key.token).reason == "revoked"
    assert demo_hotel.door.verify(key.room.number, key.pin).reason == "revoked"


def test_codes_are_not_valid_before_they_were_issued(demo_hotel: Hotel, clock: FixedClock) -> None:
    _, result = check_in(demo_hotel, "LH6144")
    (key,) = result.keys
    clock.advance(hours=-1)
    assert demo_hotel.door.verify(key.room.number, key.token).reason == "not_yet_valid"
    assert not demo_hotel.door.verify(key.room.number, key.pin).opens


def test_verifications_are_audited_without_the_code(demo_hotel: Hotel) -> None:
    _, result = check_in(demo_hotel, "LH6144")
    (key,) = result.keys
    demo_hotel.door.verify(key.room.number, key.pin)
    demo_hotel.door.verify("308", key.token)
    found = events(demo_hotel, "key_verified")
    assert [(e["actor"], e["room"], e["outcome"], e["detail"]["method"]) for e in found] == [
        (f"door:{key.room.number}", key.room.number, "open", "pin"),
        ("door:308", "308", "wrong_room", "qr"),
    ]


# -- door lock-out --------------------------------------------------------------------------


def test_wrong_pins_lock_the_door_out_across_restarts(demo_hotel: Hotel, clock: FixedClock) -> None:
    _, result = check_in(demo_hotel, "LH5930")
    first, second = result.keys
    room = first.room.number
    limit = demo_hotel.profile.door_pin_attempts
    wrong = [pin for pin in other_pins(first.pin, limit + 1) if pin != first.pin][:limit]
    verdicts = [demo_hotel.door.verify(room, pin) for pin in wrong]
    assert [v.reason for v in verdicts] == ["wrong_code"] * limit
    assert [v.locked_until for v in verdicts[:-1]] == [None] * (limit - 1)
    until = clock.current + timedelta(minutes=demo_hotel.profile.door_lockout_minutes)
    assert verdicts[-1].locked_until == until

    assert demo_hotel.door.verify(room, first.pin).reason == "locked_out"
    restarted = reopen(demo_hotel, kiosk_id="door-controller")
    assert restarted.door.verify(room, first.pin).reason == "locked_out"
    # Another room is not affected.
    assert restarted.door.verify(second.room.number, second.pin).opens
    assert [e["room"] for e in events(demo_hotel, "door_locked_out")] == [room]

    clock.current = until
    assert restarted.door.verify(room, first.pin).opens


def test_a_right_pin_does_not_clear_earlier_wrong_ones(
    demo_hotel: Hotel, clock: FixedClock
) -> None:
    """Issue 10: 40 wrong guesses spread between the guest's own openings locked nothing."""
    _, result = check_in(demo_hotel, "LH6144")
    (key,) = result.keys
    room = key.room.number
    openings = []
    for guess in other_pins(key.pin, 40):
        clock.advance(minutes=5)
        demo_hotel.door.verify(room, guess)
        clock.advance(minutes=1)
        openings.append(demo_hotel.door.verify(room, key.pin).reason)
    limit = demo_hotel.profile.door_pin_attempts
    assert openings[:limit] == ["open"] * (limit - 1) + ["locked_out"]
    assert demo_hotel.door.verify(room, key.token).opens  # the QR key is no guess


def test_door_pin_attempts_come_from_the_profile(root: Path, clock: FixedClock) -> None:
    set_profile(root, "door_pin_attempts", "2")
    hotel = open_hotel(DataDir(root), clock=clock, kiosk_id="k1")
    demo.seed(hotel)
    _, result = check_in(hotel, "LH6144")
    (key,) = result.keys
    for pin in other_pins(key.pin, 2):
        hotel.door.verify(key.room.number, pin)
    assert hotel.door.verify(key.room.number, key.pin).reason == "locked_out"


# -- the property secret --------------------------------------------------------------------


def test_secret_is_created_on_first_start_readable_only_by_the_owner(hotel: Hotel) -> None:
    path = hotel.data_dir.secret
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(path.read_bytes()) == keys.SECRET_BYTES == 32
    assert reopen(hotel).secret == hotel.secret == path.read_bytes()


def test_secrets_differ_between_houses(tmp_path: Path, clock: FixedClock) -> None:
    one = open_hotel(DataDir(tmp_path / "one"), clock=clock)
    two = open_hotel(DataDir(tmp_path / "two"), clock=clock)
    assert one.secret != two.secret


def test_missing_secret_while_grants_exist_refuses_to_start(demo_hotel: Hotel) -> None:
    path = demo_hotel.data_dir.secret
    path.unlink()
    with pytest.raises(SecretError, match="missing") as raised:
        reopen(demo_hotel)
    assert str(path) in str(raised.value)
    assert not path.exists()  # no new secret was invented

    outcome = CliRunner().invoke(cli, ["--data-dir", str(demo_hotel.data_dir.root), "bookings"])
    assert outcome.exit_code != 0
    assert "secret" in outcome.output and "missing" in outcome.output
    assert not path.exists()


def test_a_truncated_secret_refuses_to_start(hotel: Hotel) -> None:
    hotel.data_dir.secret.write_bytes(b"short")
    with pytest.raises(SecretError, match="32 bytes"):
        reopen(hotel)


# -- the door side on the command line ------------------------------------------------------


def verify(root: Path, room: str, code: str):
    args = ["--data-dir", str(root), "--kiosk-id", "door", "key", "verify", "--room", room, code]
    return CliRunner().invoke(cli, args)


def test_key_verify_exit_status(real_time_house: Hotel, root: Path) -> None:
    session, result = check_in(real_time_house, "LH6144")
    (key,) = result.keys
    room = key.room.number
    for code in (key.pin, key.token):
        done = verify(root, room, code)
        assert (done.exit_code, done.output.strip()) == (0, f"OPEN: room {room}")
    done = verify(root, "308", key.token)
    assert done.exit_code == 1 and "another room" in done.output
    done = verify(root, room, other_pins(key.pin, 1)[0])
    assert done.exit_code == 1 and "wrong code" in done.output
    session.revoke_key(MANAGER, room, "guest left early")
    done = verify(root, room, key.token)
    assert done.exit_code == 1 and "revoked" in done.output


def test_key_verify_locks_out_after_wrong_pins(real_time_house: Hotel, root: Path) -> None:
    _, result = check_in(real_time_house, "LH6144")
    (key,) = result.keys
    limit = real_time_house.profile.door_pin_attempts
    outputs = [verify(root, key.room.number, pin) for pin in other_pins(key.pin, limit)]
    assert [done.exit_code for done in outputs] == [1] * limit
    assert "locked until" not in outputs[-2].output
    assert "locked until" in outputs[-1].output
    done = verify(root, key.room.number, key.pin)
    assert done.exit_code == 1 and "too many wrong PINs" in done.output


# -- nothing secret on disk -----------------------------------------------------------------


def test_the_data_directory_never_holds_a_pin_a_document_number_or_a_zone(
    demo_hotel: Hotel, monkeypatch
) -> None:
    # Rotate the audit trail early so audit.jsonl is scanned too.
    monkeypatch.setattr("kiosk.audit.ROTATE_ABOVE", 20)
    monkeypatch.setattr("kiosk.audit.KEEP_IN_MAIN_FILE", 5)
    pins: list[str] = []
    numbers = ["PX7Q4K9M2", "L8F2TG4R6"]
    zones = [
        zone(demo_hotel, "LH4821", number=numbers[0]),
        zone(demo_hotel, "LH7388", number=numbers[1], last_name="Weiß"),
    ]

    # By passport zone, after one failed scan.
    session = CheckInSession(demo_hotel)
    assert isinstance(session.find("LH4821", "Eriksson"), Found)
    session.confirm()
    session.identify_by_zone("P<SWEERIKSSON<<ANNA")  # misread
    assert isinstance(session.identify_by_zone(zones[0]), Verified)
    checked = session.check_in()
    assert isinstance(checked, CheckedIn)
    pins += [key.pin for key in checked.keys]
    session.put_away_keys()

    session = CheckInSession(demo_hotel)
    session.find("LH7388", "Weiss")
    session.confirm()
    assert isinstance(session.identify_by_zone(zones[1]), Verified)
    pins += [key.pin for key in session.check_in().keys]

    # By hand, a two-room booking, then a re-issued key.
    session = ready(demo_hotel, "LH5930")
    checked = session.check_in()
    pins += [key.pin for key in checked.keys]
    pins.append(session.reissue_key(AGENT, checked.keys[0].room.number, "guest forgot it").pin)

    # The door checks PINs and tokens, right and wrong.
    for key in checked.keys:
        demo_hotel.door.verify(key.room.number, key.pin)
        demo_hotel.door.verify(key.room.number, key.token)
        demo_hotel.door.verify(key.room.number, other_pins(key.pin, 1)[0])

    # Staff PINs too.
    demo_hotel.staff.add("Desk", Role.MANAGER, "482913")
    assert demo_hotel.staff.login("482913").member is not None
    demo_hotel.staff.login("000111")

    files = data_files(demo_hotel.data_dir.root)
    assert "audit.jsonl" in files and "kiosk.json" in files
    everything = b"\n".join(files.values())
    for pin in [*pins, "482913"]:
        for name, blob in files.items():
            assert not pin_in(pin, blob), f"PIN found in {name}"
    for number in numbers:
        assert number.encode() not in everything
    for line in "\n".join(zones).splitlines():
        assert line.encode() not in everything
        assert line.rstrip("<").encode() not in everything
    # What may be kept is kept.
    assert reopen(demo_hotel).gateway.booking("LH4821").identity.number_last4 == numbers[0][-4:]
    assert len(pins) == 5 and all(pins)
