"""Lobby Kiosk benchmark: one table, medians of repeated runs, on whatever machine it runs.

    python bench/run.py            # the full run (about 3 minutes on 2 cores)
    python bench/run.py --quick    # smaller sizes and fewer runs (under a minute)

What it measures (ARCHITECTURE.md, "Performance budgets"):
* `kiosk demo` to the first interactive frame (headless), and the memory at that point;
* each step of the guest flow, key press to next screen painted (Pilot, headless), with
  the part of it spent in the core, and the kiosk's memory after the first and the last
  guest;
* booking lookup, durable check-in write and key verification with 1,000, 10,000 and
  100,000 bookings in kiosk.json, beside the same operations on stdlib sqlite3 (WAL,
  synchronous=FULL, indexed) holding the same records, and how each grows from 1,000 to
  100,000 (cost ratio and the exponent k in cost ~ N^k);
* the budget house: 10,000 open bookings and 100,000 departed stays, the departed moved to
  history.jsonl by Hotel.archive.departed() as `kiosk run` does at start;
* a failed lookup (a wrong last name) with a made-up code and with the real codes of a
  cancelled, a checked-in and a wrong-day booking, side by side: they must take the same time;
* memory of a kiosk process with 10,000 open bookings and the app on screen.

Every measurement runs in its own process (bench/core.py, bench/ui.py), so one size's
memory and caches do not weigh on the next. No figure here is a pass/fail test.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

BENCH = Path(__file__).resolve().parent
# Bytecode is written and used, as `pip install .` leaves a kiosk: an environment that turns
# it off would have every start compile the kiosk's own modules again (some 50 ms).
ENV = {
    **{name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"},
    "TEXTUAL_ANIMATION": "none",
    "PYTHONHASHSEED": "0",
}


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def child(script: str, *args: object, timeout: float = 600) -> dict:
    """Run bench/SCRIPT in a fresh interpreter; its last stdout line is JSON."""
    command = [sys.executable, str(BENCH / script), *map(str, args)]
    done = subprocess.run(
        command, capture_output=True, text=True, env=ENV, timeout=timeout, check=False
    )
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["(no output)"])[-1]
        return {"error": f"{script} {' '.join(map(str, args))}: {last}"}
    return json.loads(done.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------- formatting


def median(samples: list[float] | None) -> float | None:
    return statistics.median(samples) if samples else None


def fmt_time(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    ms = seconds * 1000
    if ms >= 1000:
        return f"{seconds:.2f} s"
    if ms >= 10:
        return f"{ms:.0f} ms"
    if ms >= 1:
        return f"{ms:.1f} ms"
    return f"{ms:.3f} ms"


def fmt_ratio(a: float | None, b: float | None) -> str:
    if not a or not b:
        return "-"
    r = a / b
    return f"{r:.0f}x" if r >= 10 else f"{r:.1f}x"


def fmt_growth(small: float | None, large: float | None, factor: float) -> str:
    if not small or not large:
        return "-"
    g = large / small
    return f"x{g:.1f}, N^{math.log(g) / math.log(factor):.2f}"


def verdict(value: float | None, budget: float) -> str:
    if value is None:
        return "?"
    return "yes" if value < budget else "NO"


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()

    def version(package: str) -> str:
        try:
            return metadata.version(package)
        except metadata.PackageNotFoundError:
            return "?"

    return (
        f"{cores} cores ({cpu}), Python {platform.python_version()}, {platform.system()} "
        f"{platform.release()}; textual {version('textual')}, tinydb {version('tinydb')}, "
        f"orjson {version('orjson')}, sqlite {sqlite3.sqlite_version}"
    )


# ---------------------------------------------------------------- the run


def pooled(results: list[dict], side: str, op: str) -> list[float]:
    return [x for result in results if side in result for x in result[side].get(op, [])]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="smaller sizes and fewer runs (under a minute)"
    )
    parser.add_argument("--json", type=Path, help="also write the raw samples to this file")
    options = parser.parse_args()
    quick = options.quick

    sizes = [1_000, 10_000] if quick else [1_000, 10_000, 100_000]
    departed = 20_000 if quick else 100_000
    runs = {1_000: 1 if quick else 3, 10_000: 1 if quick else 3, 100_000: 1}
    samples = {1_000: 9 if quick else 15, 10_000: 9 if quick else 15, 100_000: 7}
    cold_runs, flow_guests = (3, 4) if quick else (5, 9)
    started = time.monotonic()
    raw: dict = {"machine": machine(), "quick": quick}

    log("cold start of `kiosk demo` ...")
    cold = []
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-") as tmp:
        # A first start, not counted, compiles what a checkout has not compiled yet.
        child("ui.py", "cold", time.monotonic(), Path(tmp) / "first")
        for n in range(cold_runs):
            cold.append(child("ui.py", "cold", time.monotonic(), Path(tmp) / f"demo{n}"))
    raw["cold"] = cold

    log("guest flow through the app ...")
    flow = child("ui.py", "flow", flow_guests)
    raw["flow"] = flow
    floors = [child("ui.py", "floor", widgets, 9) for widgets in (1, 25)]
    raw["floor"] = floors

    scale: dict[int, list[dict]] = {}
    for n in sizes:
        log(f"{n:,} bookings on file: kiosk and sqlite3 ({runs[n]} run(s)) ...")
        scale[n] = [child("core.py", "scale", n, samples[n]) for _ in range(runs[n])]
    raw["scale"] = scale

    log(f"budget house: 10,000 open + {departed:,} departed ...")
    budget = child("core.py", "budget", 10_000, departed, 15)
    raw["budget"] = budget

    log("failed lookups by what the code belongs to ...")
    failed_lookups = child("core.py", "lookups", 60 if quick else 200)
    raw["lookups"] = failed_lookups

    log("memory with 10,000 open bookings ...")
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-") as tmp:
        built = subprocess.run(
            [sys.executable, str(BENCH / "core.py"), "build", str(Path(tmp) / "d"), "10000"],
            env=ENV,
            capture_output=True,
            text=True,
            check=False,
        )
        memory = (
            child("ui.py", "memory", Path(tmp) / "d", 10_000)
            if built.returncode == 0
            else {"error": built.stderr.strip().splitlines()[-1]}
        )
    raw["memory"] = memory

    # ------------------------------------------------------------ the table
    rows: list[list[str]] = []
    notes: list[str] = []

    def row(
        what: str,
        size: str = "",
        kiosk: str = "",
        sqlite: str = "",
        ratio: str = "",
        budget: str = "",
        ok: str = "",
    ) -> None:
        rows.append([what, size, kiosk, sqlite, ratio, budget, ok])

    def section(title: str) -> None:
        rows.append([f"-- {title}"] + [""] * 6)

    section("start and screens (headless)")
    good = [c for c in cold if "seconds" in c]
    missing = next((c.get("missing") or c.get("error") for c in cold if "seconds" not in c), None)
    if good:
        start_s = median([c["seconds"] for c in good])
        row(
            "`kiosk demo` to interactive welcome",
            f"{len(good)} runs",
            fmt_time(start_s),
            budget="< 0.4 s",
            ok=verdict(start_s, 0.4),
        )
        row("  memory (RSS) at that point", "", f"{median([c['rss_mb'] for c in good]):.0f} MB")
    else:
        row("`kiosk demo` to interactive welcome", "", f"n/a: {missing}")
    timings = flow.get("timings", {})
    if flow.get("missing") or (not timings and flow.get("error")):
        row("guest flow steps", "", f"n/a: {flow.get('missing') or flow.get('error')}")
    for name, values in timings.items():
        if name.endswith(("[core]", "[settled]")):
            continue
        core = median(timings.get(f"{name} [core]"))
        settled = median(timings.get(f"{name} [settled]"))
        total = median(values)
        row(
            f"  {name}",
            f"{len(values)} guest{'s' if len(values) > 1 else ''}",
            f"{fmt_time(total)} (max {fmt_time(max(values))})",
            f"core {fmt_time(core)}" if core is not None else "",
            f"settled {fmt_time(settled)}" if settled is not None else "",
            "< 50 ms",
            verdict(total, 0.05),
        )
    heap = flow.get("heap")
    if heap and len(heap["objects"]) == 2:
        row(
            f"  memory over {heap['guests']} guests",
            "first / last guest",
            f"{heap['rss_mb'][0]:.0f} / {heap['rss_mb'][1]:.0f} MB",
            f"{heap['objects'][0] / 1000:.1f}k / {heap['objects'][1] / 1000:.1f}k objects",
        )
    for result in floors:
        if "seconds" in result:
            count = result["widgets"]
            row(
                f"  for scale: Textual alone, {count} widget{'s' if count > 1 else ''} screen",
                "9 pushes",
                fmt_time(median(result["seconds"])),
            )
    if flow.get("error") and timings:
        notes.append(f"flow stopped early: {flow['error']}")

    # (operation, title, budget by size in seconds, most kiosk/sqlite3 may be): issue 16's
    # targets beside ARCHITECTURE.md's budgets.
    ops: list[tuple[str, str, dict[int, float], float | None]] = [
        ("lookup", "booking lookup (read, indexed)", {100_000: 1e-3}, None),
        ("check_in", "durable check-in write", {}, 2.0),
        ("verify", "key verification (PIN; audited, durable)", {}, 2.0),
        ("reload", "re-read after another kiosk wrote", {10_000: 5e-3, 100_000: 20e-3}, None),
    ]
    for op, title, budgets, most in ops:
        section(f"{title}, all bookings in kiosk.json")
        medians = {}
        for n in sizes:
            results = [r for r in scale[n] if "error" not in r]
            if not results:
                row(f"  {n:,} bookings", "", scale[n][0].get("error", "failed"))
                continue
            k = median(pooled(results, "kiosk", op))
            s = median(pooled(results, "sqlite", op)) if op != "reload" else None
            medians[n] = (k, s)
            if n in budgets:
                target, ok = f"< {fmt_time(budgets[n])}", verdict(k, budgets[n])
            elif most is not None and k is not None and s:
                target, ok = f"< {most:g}x", verdict(k / s, most)
            else:
                target = ok = ""
            row(
                f"  {n:,} bookings",
                f"{results[0]['file_mb']:.1f} MB",
                fmt_time(k),
                fmt_time(s) if op != "reload" else "(n/a)",
                fmt_ratio(k, s),
                target,
                ok,
            )
        if 1_000 in medians and sizes[-1] in medians and sizes[-1] > 1_000:
            (k1, s1), (k2, s2) = medians[1_000], medians[sizes[-1]]
            factor = sizes[-1] / 1_000
            row(
                f"  growth 1,000 -> {sizes[-1]:,}",
                "",
                fmt_growth(k1, k2, factor),
                fmt_growth(s1, s2, factor) if s1 else "",
            )

    section("the journal (kiosk.json.journal) and memory, beside sqlite3")
    for n in sizes:
        results = [r for r in scale[n] if "error" not in r and "compact" in r["kiosk"]]
        if not results:
            continue
        journal = median(pooled(results, "kiosk", "journal_bytes"))
        row(
            f"  {n:,} bookings: journal after the run / its compaction",
            f"{journal / 1e3:.0f} kB" if journal is not None else "-",
            fmt_time(median(pooled(results, "kiosk", "compact"))),
        )
        kiosk_mb = median([r["rss_mb"]["kiosk"] for r in results])
        sqlite_mb = median([r["rss_mb"]["sqlite"] for r in results])
        row(
            f"  {n:,} bookings: memory (RSS) after opening, one lookup",
            "",
            f"{kiosk_mb:.0f} MB",
            f"{sqlite_mb:.0f} MB",
            fmt_ratio(kiosk_mb, sqlite_mb),
        )

    section("failed lookup (wrong last name), demo house: the same whatever the code is")
    if "error" in failed_lookups:
        row("  made-up / cancelled / checked-in / wrong-day", "", failed_lookups["error"])
    else:
        row(
            f"  {' / '.join(failed_lookups)} code",
            f"{len(next(iter(failed_lookups.values())))} each",
            " / ".join(fmt_time(median(times)) for times in failed_lookups.values()),
        )

    label = f"10,000 open + {departed:,} departed"
    section(f"the budget house: {label} (archived)")
    if "error" in budget:
        row("budget house", "", budget["error"])
    else:
        kiosk = budget["kiosk"]
        write = median(kiosk["check_in"])
        row(
            "  durable check-in write",
            label,
            fmt_time(write),
            "",
            "",
            "< 20 ms",
            verdict(write, 0.02) if departed >= 100_000 else f"({verdict(write, 0.02)})",
        )
        row("  booking lookup", label, fmt_time(median(kiosk["lookup"])))
        row("  key verification", label, fmt_time(median(kiosk["verify"])))
        row("  re-read after another kiosk wrote", label, fmt_time(median(kiosk["reload"])))
        row(
            "  kiosk.json before / after archiving",
            "",
            f"{budget['file_mb_before']:.1f} MB / {budget['file_mb']:.1f} MB",
        )
        row(
            "  one-time archive.departed() at start",
            f"{departed:,} stays",
            fmt_time(budget["archive_s"]),
            "",
            "",
            "",
            "",
        )
    if "error" in memory:
        row("  memory, 10,000 open bookings", "", memory["error"])
    else:
        what = "app on screen" if not memory.get("core_only") else "core only: no app yet"
        row(
            f"  memory (RSS), {what}",
            "10,000 open",
            f"{memory['rss_mb']:.0f} MB",
            "",
            "",
            "< 150 MB",
            verdict(memory["rss_mb"], 150),
        )

    header = ["what", "size", "kiosk", "sqlite3", "kiosk/sqlite3", "budget", "ok"]
    widths = [
        max(len(r[i]) for r in [header, *rows] if not r[0].startswith("-- ") or i == 0)
        for i in range(len(header))
    ]
    widths[0] = max(len(r[0]) for r in [header, *rows] if not r[0].startswith("-- "))
    line = "  ".join("-" * w for w in widths)
    print(f"Lobby Kiosk benchmark{' (--quick)' if quick else ''}: medians of repeated runs")
    print(f"machine: {raw['machine']}")
    print(line)
    print("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip())
    print(line)
    for r in rows:
        if r[0].startswith("-- "):
            print(r[0])
            continue
        print("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())
    print(line)
    print(
        f"ran {time.monotonic() - started:.0f} s. sqlite3: WAL, synchronous=FULL, same records, "
        "indexed. 'core' = time inside the check-in session during a flow step."
    )
    print(
        "A step ends at the first frame after which the screen's cells no longer change; 'settled' = the "
        "last repaint it caused (bench/ui.py)."
    )
    for note in notes:
        print(note)
    if options.json:
        options.json.write_text(json.dumps(raw, indent=1))


if __name__ == "__main__":
    main()
