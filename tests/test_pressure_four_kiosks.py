"""Four kiosks check guests in on one data directory while random ones are SIGKILLed
(issue 9). Core only, no Textual.

A kill only ever follows a kiosk's report of a finished action, read as an event, so
whatever the machine's speed every kill lands while a kiosk is at work: in a lookup, an
identity check, a check-in, a staff re-issue, or between them. Nothing here counts what
happened within some time.
"""

from __future__ import annotations

import os
import random
import selectors
import signal
import subprocess
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from test_pressure import check_consistency, house, open_at, trail

from helpers import NOW
from kiosk.clock import FixedClock
from kiosk.models import BookingStatus

WORKER = Path(__file__).parent / "pressure_workers" / "kiosk_lives.py"
KIOSKS = 4
KILLS = 200
# Of the actions a kiosk reports, the share after which it is killed: a life does about
# two, so a kill lands in any of the steps of a check-in.
KILL_CHANCE = 0.6
# Silence this long means a kiosk hangs (a lost lock, a deadlock), not a slow machine.
HANG_SECONDS = 120


@dataclass
class Kiosk:
    name: str
    process: subprocess.Popen
    errors: Path
    pending: bytes = b""
    running: bool = False
    killed: bool = False  # a kill was sent to the running life
    counts: bool = False  # ...while it was at work, not to stop it at the end
    exhausted: bool = False
    lives: int = 0
    actions: list[list[str]] = field(default_factory=list)

    def send(self, command: str) -> None:
        self.process.stdin.write(f"{command}\n".encode())
        self.process.stdin.flush()

    def start_life(self, seed: int) -> None:
        self.running, self.killed, self.lives = True, False, self.lives + 1
        self.send(f"life {seed}")

    def kill(self, *, counts: bool) -> None:
        self.killed, self.counts = True, counts
        self.send("kill")


def run_kiosks(kiosks: list[Kiosk], rng: random.Random) -> int:
    """Lives until KILLS kills landed in working lives; returns how many landed. A kill can
    come after its life ended of itself (sooner on a quiet machine): another is sent then,
    so the count does not hang on the machine's speed."""
    selector = selectors.DefaultSelector()
    for kiosk in kiosks:
        selector.register(kiosk.process.stdout, selectors.EVENT_READ, kiosk)
        kiosk.start_life(rng.randrange(10**9))
    in_flight = landed = 0
    while any(kiosk.running for kiosk in kiosks):
        ready = selector.select(timeout=HANG_SECONDS)
        assert ready, f"no kiosk said anything for {HANG_SECONDS} s: {errors(kiosks)}"
        for key, _ in ready:
            kiosk: Kiosk = key.data
            chunk = os.read(key.fd, 1 << 16)
            assert chunk, f"kiosk {kiosk.name} ended: {errors(kiosks)}"
            *lines, kiosk.pending = (kiosk.pending + chunk).split(b"\n")
            for words in (line.decode().split() for line in lines):
                if words[0] == "gone":
                    status = int(words[1])
                    if os.WIFEXITED(status):
                        assert os.WEXITSTATUS(status) == 0, errors(kiosks)
                    else:
                        assert os.WTERMSIG(status) == signal.SIGKILL, status
                        landed += kiosk.counts
                    in_flight -= kiosk.counts
                    kiosk.running, kiosk.counts = False, False
                    if not kiosk.exhausted and landed + in_flight < KILLS:
                        kiosk.start_life(rng.randrange(10**9))
                elif words[0] in ("exhausted", "resting"):
                    kiosk.exhausted = words[0] == "exhausted"
                    if not kiosk.killed:
                        kiosk.kill(counts=False)  # only reaps it
                else:
                    kiosk.actions.append(words)
                    waiting = landed + in_flight < KILLS
                    if not kiosk.killed and waiting and rng.random() < KILL_CHANCE:
                        time.sleep(rng.uniform(0, 0.01))  # anywhere in its next step
                        kiosk.kill(counts=True)
                        in_flight += 1
        if landed >= KILLS:
            for kiosk in kiosks:
                if kiosk.running and not kiosk.killed:
                    kiosk.kill(counts=False)
    return landed


def errors(kiosks: list[Kiosk]) -> str:
    return "\n".join(f"{kiosk.name}: {kiosk.errors.read_text()}" for kiosk in kiosks)


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "fork"), reason="each kiosk forks its lives")
def test_four_kiosks_killed_at_random_lose_no_check_in_and_audit_each_action_once(
    root: Path, clock: FixedClock, tmp_path: Path
) -> None:
    setup = open_at(root, clock, "setup")
    # Room for everybody: a kiosk that cannot check a guest in would retry for ever. Guests
    # enough for KILLS kills however fast the machine: a life checks in two at most
    # (pressure_workers/kiosk_lives.py), and most are killed before their first is done.
    codes = house(
        setup, rooms={"double": 330}, bookings={"double": 300}, prefix="FK", two_rooms_every=10
    )
    shares: dict[str, list[str]] = defaultdict(list)
    for i, code in enumerate(codes):
        shares[f"k{i % KIOSKS}"].append(code)
        if i % 8 == 0:  # the same guest at two kiosks at once
            shares[f"k{(i + 1) % KIOSKS}"].append(code)
    kiosks = []
    for name, share in sorted(shares.items()):
        log = tmp_path / f"{name}.err"
        with open(log, "wb") as stderr:
            process = subprocess.Popen(
                [sys.executable, str(WORKER), str(root), name, NOW.isoformat(), ",".join(share)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=stderr,
            )
        kiosks.append(Kiosk(name, process, log))
    try:
        landed = run_kiosks(kiosks, random.Random(20261201))
    finally:
        for kiosk in kiosks:
            if kiosk.process.poll() is None:
                kiosk.process.stdin.close()  # it kills a life still under way and ends
                try:
                    kiosk.process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    kiosk.process.kill()
                    kiosk.process.wait()
    assert landed >= KILLS, f"the house ran out after {landed} kills"

    after = open_at(root, clock)  # loads: old or new file, never a broken one
    assert [p.name for p in root.iterdir() if p.name.endswith(".tmp")] == []
    state = check_consistency(after)  # no room held twice, no PIN shared, nothing half done
    bookings = state["bookings"]
    actions = [words for kiosk in kiosks for words in kiosk.actions]
    returned = {
        code: rooms.split(",")
        for kind, _, code, outcome, rooms in (words for words in actions if words[0] == "check_in")
        if outcome == "ok"
    }
    for code, rooms in returned.items():  # every check-in that returned
        assert (bookings[code].status, bookings[code].assigned_rooms) == (
            BookingStatus.CHECKED_IN,
            rooms,
        )

    # Each returned action is in the trail exactly once, under the session that had it.
    events = trail(after)
    by_session: dict[str, Counter] = defaultdict(Counter)
    by_reason: Counter = Counter()
    for event in events:
        by_session[event["actor"]][(event["action"], event["outcome"])] += 1
        by_reason[(event["action"], event["detail"].get("reason"))] += 1
    for kind, session, code, *rest in actions:
        mine = by_session[f"guest:{session}"]
        if kind in ("lookup", "identity"):
            assert mine[(kind, rest[0])] == 1, (kind, session, code, rest)
        elif kind == "approved":
            assert by_reason[("identity_approved", f"passport seen for {session}")] == 1, (
                session,
                code,
            )
        elif kind == "reissued":
            assert by_reason[("key_reissued", f"lost by the guest of {session}")] == 1, (
                session,
                code,
            )
        else:
            outcome, rooms = rest
            assert mine[("rooms_assigned", outcome)] == 1, (session, code, rest)
            assert mine[("checked_in", "ok")] == (outcome == "ok"), (session, code, rest)
            assert mine[("key_issued", "ok")] == (len(rooms.split(",")) if outcome == "ok" else 0)
    # ...and no check-in or key of a killed life is in it twice.
    checked_in = [
        code for code, stay in bookings.items() if stay.status is BookingStatus.CHECKED_IN
    ]
    assert Counter(e["booking"] for e in events if e["action"] == "checked_in") == Counter(
        checked_in
    )
    issued = Counter(e["detail"]["grant"] for e in events if e["action"] == "key_issued")
    assert issued == Counter(grant["id"] for grant in state["grants"])
    lives = sum(k.lives for k in kiosks)
    print(
        f"{landed} kills over {lives} lives, {len(actions)} actions returned, "
        f"{len(returned)} check-ins returned, {len(checked_in)} in the file"
    )
