"""The core never loads Textual: the command line stays quick and the rules stay testable
without a screen (ARCHITECTURE.md, Layers). And `kiosk demo` and `kiosk run` load only what
the guest's Welcome needs before it is drawn (ARCHITECTURE.md, Performance budgets)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import kiosk

CORE = Path(kiosk.__file__).parent
CORE_MODULES = sorted(
    f"kiosk.{path.stem}" for path in CORE.glob("*.py") if path.stem not in ("__init__", "__main__")
)
UI_PACKAGES = ("textual", "textual_serve", "screens")

PROBE = """
import importlib, json, sys
for name in sys.argv[1:]:
    importlib.import_module(name)
print(json.dumps(sorted(sys.modules)))
"""
# What the Welcome does not need: the flow's pages, staff mode's screens, the other commands'
# rules, the scan page's text areas, the printed card, QR codes and the web server.
LEFT_OUT_OF_THE_START = (
    "screens.routes",
    "screens.staff.pin_prompt",
    "screens.staff.dialogs",
    "screens.staff.dashboard",
    "kiosk.check_out",
    "kiosk.house_setup",
    "kiosk.sales",
    "kiosk.erasure",
    "kiosk.lobby",
    "textual.widgets._text_area",
    "kiosk.card_pdf",
    "reportlab",
    "qrcode",
    "PIL",
    "textual_serve",
)


def loaded_modules(*modules: str) -> list[str]:
    """Every module loaded by importing `modules`, in a fresh interpreter."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *modules],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(done.stdout)


def loaded_ui_modules(*modules: str) -> list[str]:
    return [name for name in loaded_modules(*modules) if name.split(".")[0] in UI_PACKAGES]


def test_core_modules_named_in_the_issue_do_not_load_textual() -> None:
    modules = ["kiosk", "kiosk.cli", "kiosk.session", "kiosk.hotel", "kiosk.importer"]
    assert loaded_ui_modules(*modules) == []


def test_no_core_module_loads_textual_or_the_screens() -> None:
    assert "kiosk.cli" in CORE_MODULES and "kiosk.demo" in CORE_MODULES
    assert loaded_ui_modules(*CORE_MODULES) == []


def test_the_probe_would_see_textual_if_it_were_loaded() -> None:
    # Guards the two tests above against passing because the probe is blind.
    assert "textual" in loaded_ui_modules("textual")


def test_the_start_leaves_out_what_the_welcome_does_not_need() -> None:
    # What `kiosk demo` imports before the app runs (kiosk/cli.py, screens/app.py).
    loaded = set(loaded_modules("kiosk.cli", "kiosk.demo", "screens.app"))
    assert [name for name in LEFT_OUT_OF_THE_START if name in loaded] == []
    assert "screens.welcome" in loaded  # the probe sees the app's own modules
