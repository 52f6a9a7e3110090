"""The data directory: where it is, and what a first start puts in it."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from kiosk.assets import asset_path

ENV_VAR = "KIOSK_DATA_DIR"


class DataDirError(Exception):
    """The data directory is not there (or not whole); the message names the folder."""


def resolve(option: str | os.PathLike[str] | None) -> Path:
    """`--data-dir`, else $KIOSK_DATA_DIR, else the platform's user data directory."""
    chosen = (
        option
        or os.environ.get(ENV_VAR)
        or platformdirs.user_data_dir("lobby-kiosk", appauthor=False)
    )
    return Path(chosen).expanduser().resolve()


@dataclass(frozen=True)
class DataDir:
    root: Path

    @property
    def profile(self) -> Path:
        return self.root / "hotel.toml"

    @property
    def secret(self) -> Path:
        return self.root / "secret.key"

    @property
    def database(self) -> Path:
        return self.root / "kiosk.json"

    @property
    def outbox(self) -> Path:
        """Where kiosks before issue 10 saved guests' QR keys as pictures (see
        `remove_saved_qr_pictures`)."""
        return self.root / "outbox"

    @property
    def audit_log(self) -> Path:
        return self.root / "audit.jsonl"

    @property
    def history(self) -> Path:
        return self.root / "history.jsonl"

    @property
    def help_history(self) -> Path:
        return self.root / "help.jsonl"

    @property
    def registrations(self) -> Path:
        """The sealed registration cards (kiosk/registrations.py)."""
        return self.root / "registrations"

    @property
    def registration_key(self) -> Path:
        return self.root / "registration.key"

    @property
    def displays(self) -> Path:
        """The screens `kiosk serve` lets in (kiosk/displays.py)."""
        return self.root / "displays.json"

    def require(self, *files: Path) -> None:
        """For a command that only looks, which creates nothing: the folder and these
        files of it must be there."""
        if not self.root.is_dir():
            raise DataDirError(
                f"{self.root}: no kiosk data directory here; "
                "`kiosk run` or `kiosk import` sets one up"
            )
        missing = [path.name for path in files if not path.is_file()]
        if missing:
            raise DataDirError(
                f"{self.root}: not a kiosk data directory, or an incomplete one: "
                f"{' and '.join(missing)} missing"
            )

    def prepare(self) -> None:
        """Create the folder and a hotel profile from the template; never touch existing files."""
        self.root.mkdir(parents=True, exist_ok=True)
        os.chmod(self.root, 0o700)
        if not self.profile.exists():
            shutil.copyfile(asset_path("hotel.toml"), self.profile)

    def remove_saved_qr_pictures(self) -> int:
        """Delete the QR pictures that older kiosks saved in outbox/: each one opens a door
        for whoever reads the folder until the stay ends. Returns how many went; the folder
        goes too once it is empty."""
        if not self.outbox.is_dir():
            return 0
        pictures = list(self.outbox.glob("*.png"))
        for picture in pictures:
            picture.unlink(missing_ok=True)
        if not any(self.outbox.iterdir()):
            self.outbox.rmdir()
        return len(pictures)
