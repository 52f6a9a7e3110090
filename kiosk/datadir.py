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
    chosen = option or os.environ.get(ENV_VAR) or platformdirs.user_data_dir("lobby-kiosk", appauthor=False)
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

    def require(self, *files: Path) -> None:
        """For a command that only looks, which creates nothing: the folder and these
        files of it must be there."""
        if not self.root.is_dir():
            raise DataDirError(f"{self.root}: no kiosk data directory here; `kiosk run` or `kiosk import` sets one up")
        missing = [path.name for path in files if not path.is_file()]
        if missing:
            raise DataDirError(f"{self.root}: not a kiosk data directory, or an incomplete one: "
                               f"{' and '.join(missing)} missing")

    def prepare(self) -> None:
        """Create the folder and a hotel profile from the template; never touch existing files."""
        self.root.mkdir(parents=True, exist_ok=True)
        os.chmod(self.root, 0o700)
        if not self.profile.exists():
            shutil.copyfile(asset_path("hotel.toml"), self.profile)
