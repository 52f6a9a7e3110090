"""Where the packaged data files are: `kiosk/assets` in a wheel, `assets/` in a checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def assets_dir() -> Path:
    installed = _PACKAGE / "assets"
    return installed if installed.is_dir() else _PACKAGE.parent / "assets"


def asset_path(*parts: str) -> Path:
    return assets_dir().joinpath(*parts)
