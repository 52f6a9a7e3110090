"""The core never loads Textual: the command line stays quick and the rules stay testable
without a screen (ARCHITECTURE.md, Layers)."""

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
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in {ui})))
"""


def loaded_ui_modules(*modules: str) -> list[str]:
    code = PROBE.format(ui=repr(set(UI_PACKAGES)))
    done = subprocess.run(
        [sys.executable, "-c", code, *modules],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(done.stdout)


def test_core_modules_named_in_the_issue_do_not_load_textual() -> None:
    modules = ["kiosk", "kiosk.cli", "kiosk.session", "kiosk.hotel", "kiosk.importer"]
    assert loaded_ui_modules(*modules) == []


def test_no_core_module_loads_textual_or_the_screens() -> None:
    assert "kiosk.cli" in CORE_MODULES and "kiosk.demo" in CORE_MODULES
    assert loaded_ui_modules(*CORE_MODULES) == []


def test_the_probe_would_see_textual_if_it_were_loaded() -> None:
    # Guards the two tests above against passing because the probe is blind.
    assert "textual" in loaded_ui_modules("textual")
