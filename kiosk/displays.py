"""Which screens may connect to `kiosk serve`: a display's name, its secret token (kept only as
a hash), the address it opens, and the origin its browser must come from.

A token is 32 random bytes, so its SHA-256 cannot be turned back into it and needs no key of
its own: `displays.json` (mode 0600) lets no one in, and the property secret stays out of
the server."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from kiosk.file_lock import FileLock
from kiosk.storage import replace_durably

TOKEN_BYTES = 32
# Letters, digits and dashes: a name goes into a URL, a cookie and the audit trail as it is.
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,39}")
DEFAULT_PORTS = {"http": 80, "https": 443}


class DisplayError(Exception):
    """A display name, a public URL or the displays file that cannot be used; says why."""


@dataclass(frozen=True)
class Display:
    name: str
    added: datetime


def check_name(name: str) -> str:
    if not NAME.fullmatch(name):
        raise DisplayError(
            f"{name!r} cannot name a display: use letters, digits and dashes (up to 40), "
            "starting with a letter or a digit"
        )
    return name


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Displays:
    """The registered displays in one file, read afresh on every question: a display added
    or removed counts for the server's next connection."""

    def __init__(self, path: Path, now: Callable[[], datetime]) -> None:
        self.path = path
        self.now = now
        self._lock = FileLock(str(path) + ".lock")

    def _read(self) -> dict[str, dict[str, str]]:
        try:
            content = json.loads(self.path.read_bytes())
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as error:
            raise DisplayError(f"{self.path}: cannot read the displays ({error})") from None
        if not isinstance(content, dict) or not all(
            isinstance(entry, dict) and {"hash", "added"} <= entry.keys()
            for entry in content.values()
        ):
            raise DisplayError(f"{self.path}: not a displays file")
        return content

    def _write(self, content: dict[str, dict[str, str]]) -> None:
        payload = json.dumps(content, indent=2, sort_keys=True).encode()
        try:
            replace_durably(self.path, payload, mode=0o600)
        except OSError as error:
            raise DisplayError(f"{self.path}: cannot write: {error.strerror}") from None

    def all(self) -> list[Display]:
        return [
            Display(name, datetime.fromisoformat(entry["added"]))
            for name, entry in sorted(self._read().items())
        ]

    def add(self, name: str) -> str:
        """Registers the display and returns its token, which is not kept anywhere."""
        check_name(name)
        token = secrets.token_urlsafe(TOKEN_BYTES)
        with self._lock.held():
            content = self._read()
            if name in content:
                raise DisplayError(
                    f"There is a display {name!r} already; remove it first for a new token"
                )
            content[name] = {"hash": _hash(token), "added": self.now().isoformat()}
            self._write(content)
        return token

    def remove(self, name: str) -> None:
        with self._lock.held():
            content = self._read()
            if content.pop(name, None) is None:
                raise DisplayError(f"There is no display {name!r}")
            self._write(content)

    def admits(self, name: str, token: str) -> bool:
        entry = self._read().get(name)
        # Compared in constant time, and hashed even for an unknown name, so that neither
        # the hash nor the names can be learnt from how long a refusal takes.
        expected = entry["hash"] if entry else _hash(secrets.token_urlsafe(TOKEN_BYTES))
        return hmac.compare_digest(_hash(token), expected) and entry is not None


def public_url(url: str) -> str:
    """The address screens reach the server at, as `http(s)://host[:port]` (no path: the
    server's pages and websocket are at its root)."""
    parts = urlsplit(url.strip())
    if (
        parts.scheme not in DEFAULT_PORTS
        or not parts.hostname
        or parts.path not in ("", "/")
        or parts.query
        or parts.fragment
        or parts.username
    ):
        raise DisplayError(
            f"{url!r} is not a public URL: give http(s)://host or http(s)://host:port, with no path"
        )
    return f"{parts.scheme}://{parts.netloc}"


def origin(url: str) -> str:
    """The Origin header a browser sends from a page at `url` (a default port left out)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"[{host}]" if ":" in host else host
    if parts.port is not None and parts.port != DEFAULT_PORTS.get(parts.scheme):
        netloc += f":{parts.port}"
    return f"{parts.scheme}://{netloc}"


def own_url(host: str, port: int) -> str:
    """The server's address where no public URL is given: the one it listens on."""
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def display_url(public: str, name: str, token: str) -> str:
    return f"{public}/?{urlencode({'display': name, 'token': token})}"
