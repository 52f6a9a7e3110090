"""The fixtures: the houses the tests run in, each under tmp_path on a fixed clock.

- `hotel`: an empty house; `demo_hotel`: the demo house (40 rooms, 15 bookings around
  today). Both at helpers.NOW, kiosk "k1"; the core tests use them.
- `real_time_house`: the demo on today's real date, for the command line, which reads the
  system clock.
- `guest_hotel` and `app`: the demo house at helpers.GUEST_NOW, and the guest app on it.
  Everything a screenshot could show is fixed: the clock and its time zone, the property
  secret, the door PINs and the grant ids (so the QR codes too).
- `desk_hotel`: the demo house at helpers.NOW with a manager and an agent (helpers.PINS),
  for the staff tests.

None of them registers guests (`root`); the registration card's tests set the law.

Plain helpers (dates, people, steps of the flow) are in helpers.py.
"""

from __future__ import annotations

import base64
import itertools
import os
import shutil
from pathlib import Path

import pytest

from helpers import GUEST_NOW, KIOSK, NOW, PINS, IdleClock, set_profile
from kiosk import demo, keys
from kiosk.clock import FixedClock
from kiosk.datadir import DataDir
from kiosk.hotel import Hotel, open_hotel

PROPERTY_SECRET = bytes(range(32))  # the guest app's, so that its QR codes never change


# -- the core -------------------------------------------------------------------------------


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A data folder whose house registers no guest (`[registration] country = "none"`):
    the registration card is tests/test_registration*.py's, which set the law they test."""
    folder = tmp_path / "data"
    set_profile(folder, "country", '"none"')
    return folder


@pytest.fixture
def german_law(root: Path) -> Path:
    """The house registers guests as German law asks (the template's default): ask for it
    before the house (`pytestmark = pytest.mark.usefixtures("german_law")`)."""
    set_profile(root, "country", '"DE"')
    return root


@pytest.fixture
def hotel(root: Path, clock: FixedClock) -> Hotel:
    """An empty house."""
    return open_hotel(DataDir(root), clock=clock, kiosk_id="k1")


@pytest.fixture
def demo_hotel(root: Path, clock: FixedClock) -> Hotel:
    """The demo house: 40 rooms, 15 bookings around today (see kiosk.demo)."""
    opened = open_hotel(DataDir(root), clock=clock, kiosk_id="k1")
    demo.seed(opened)
    return opened


@pytest.fixture
def real_time_house(root: Path) -> Hotel:
    """The demo on today's real date: the command line's Hotel reads the system clock."""
    opened = open_hotel(DataDir(root), kiosk_id="k1")
    demo.seed(opened)
    return opened


# -- the guest app --------------------------------------------------------------------------


@pytest.fixture
def fixed_codes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Door PINs and grant ids from counters instead of `secrets`: the same every run."""
    pins = (f"{(n * 379_721 + 482_913) % 10**6:06d}" for n in itertools.count())
    grant_ids = (base64.b32encode(n.to_bytes(5, "big")).decode() for n in itertools.count(1))
    monkeypatch.setattr(keys, "draw_pin", lambda length: next(pins)[:length])
    monkeypatch.setattr(keys, "new_grant_id", lambda: next(grant_ids))


@pytest.fixture
def guest_clock() -> FixedClock:
    return FixedClock(GUEST_NOW)


@pytest.fixture
def guest_hotel(root: Path, guest_clock: FixedClock, fixed_codes: None) -> Hotel:
    """The demo house the guest app tests run in, at GUEST_NOW, with a fixed secret."""
    data_dir = DataDir(root)
    data_dir.prepare()
    descriptor = os.open(data_dir.secret, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(PROPERTY_SECRET)
    seeded = open_hotel(data_dir, clock=guest_clock, kiosk_id="test-kiosk")
    demo.seed(seeded)
    return seeded


@pytest.fixture
def idle_clock() -> IdleClock:
    return IdleClock()


@pytest.fixture
def app(guest_hotel: Hotel, idle_clock: IdleClock):
    """The guest app on `guest_hotel`, on Welcome, in demo mode."""
    from screens.app import make_app

    kiosk = make_app(guest_hotel, demo=True, clock=idle_clock)
    kiosk.animation_level = "none"
    return kiosk


# -- staff ----------------------------------------------------------------------------------

HOUSE_OF_ITS_OWN = {
    "address": "Am Markt 1, 04109 Leipzig",
    "phone": "+49 341 555000",
    "wifi_password": "desk-house-wifi",
}


@pytest.fixture(scope="session")
def staffed_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The desk house, built once per test run and copied for each test: staff PINs are
    scrypt hashes, and hashing them again for every test would cost seconds."""
    root = tmp_path_factory.mktemp("staffed") / "data"
    set_profile(root, "country", '"none"')
    # A house set up as its own (kiosk/house_setup.py): staff mode has no warning to show.
    for key, value in HOUSE_OF_ITS_OWN.items():
        set_profile(root, key, f'"{value}"')
    hotel = open_hotel(DataDir(root), clock=FixedClock(NOW), kiosk_id=KIOSK)
    demo.seed(hotel)
    for member, pin in PINS.items():
        hotel.staff.add(member.name, member.role, pin)
    return root


@pytest.fixture
def desk_hotel(staffed_template: Path, root: Path) -> Hotel:
    """The demo house with a manager and an agent, on a fixed clock."""
    shutil.copytree(staffed_template, root, dirs_exist_ok=True)
    return open_hotel(DataDir(root), clock=FixedClock(NOW), kiosk_id=KIOSK)
