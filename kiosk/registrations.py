"""The register of registration cards: how a card is kept (sealed), signed, and destroyed on
time.

A card holds the whole document number, so it is kept only sealed: AES-GCM under the
registration key (`registration.key`, 32 bytes, mode 0600), which is not the door secret,
so that a copy of the door secret (on a door controller, say) opens no card. One file per
card in `registrations/`, named by the card's id, which is also the cipher's associated
data: a file renamed or swapped for another card's does not open. Nothing of a card is
written anywhere else: the audit trail names only its id and status.

How a card gets signed is a `SignatureRoute`. The law asks for a handwritten signature (BMG
§29(2)); an electronic route under §29(5) (a card payment with strong customer
authentication, eID) would be another route that returns the card signed.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import orjson

from kiosk import keys
from kiosk.registration import CardStatus, RegistrationCard
from kiosk.storage import StorageError, fsync_folder, replace_durably

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_BYTES = 32
_NONCE_BYTES = 12
_SUFFIX = ".card"


class RegistrationKeyError(Exception):
    """The registration key is missing or wrong while cards exist; the message says what to do."""


class CardNotFound(LookupError):
    """No card has this id (or it was destroyed)."""


@dataclass(frozen=True)
class Started:
    """What a signature route's first step did, for the session to audit (no guest data)."""

    card: RegistrationCard
    """The card as it stands after the step (`status`)."""
    printed: bool
    """The card went to a printer."""
    problem: str | None = None
    """Why it did not, when it should have: staff print it from the dashboard."""


class SignatureRoute(Protocol):
    """What happens to a filled card so that the guest signs it."""

    def start(self, card: RegistrationCard, pdf: Callable[[], bytes]) -> Started:
        """The route's first step; `pdf` makes the printable card, if the route needs it."""
        ...


class Register:
    def __init__(self, folder: Path, key_path: Path, now: Callable[[], datetime]) -> None:
        self.folder = folder
        self.key_path = key_path
        self.now = now
        self._key: bytes | None = None

    # -- the key ----------------------------------------------------------------------------

    def _cipher(self, *, create: bool) -> AESGCM:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        return AESGCM(self._secret(create=create))

    def _secret(self, *, create: bool) -> bytes:
        if self._key is None:
            self._key = self._load_key(create=create)
        return self._key

    def _load_key(self, *, create: bool) -> bytes:
        key = self.key_path.read_bytes() if self.key_path.exists() else None
        if key is not None and len(key) == KEY_BYTES:
            return key
        if self._files():
            raise RegistrationKeyError(
                f"{self.key_path}: the registration key is missing but {self.folder} holds "
                "cards. Restore the key from a backup; without it no card can be read."
                if key is None
                else f"{self.key_path}: the registration key must be {KEY_BYTES} bytes, "
                f"found {len(key)}. Restore the key from a backup."
            )
        if not create:
            raise CardNotFound("no registration cards yet")
        # No card is sealed under a key cut short (a power cut while the first card's key
        # was written): a new key replaces it, or no foreign guest could check in again.
        self.key_path.unlink(missing_ok=True)
        return keys.write_new_key(self.key_path, KEY_BYTES)

    # -- keeping ----------------------------------------------------------------------------

    def _files(self, starting: str = "", ending: str = "") -> list[Path]:
        """The card files whose names start and end so (os.scandir: a glob over a year's
        cards costs twenty times as much)."""
        try:
            with os.scandir(self.folder) as entries:
                names = [
                    entry.name
                    for entry in entries
                    if entry.name.startswith(starting) and entry.name.endswith(ending + _SUFFIX)
                ]
        except FileNotFoundError:
            return []
        return [self.folder / name for name in sorted(names)]

    def _booking_tag(self, code: str) -> str:
        """The booking's mark in its cards' file names: a keyed hash, so that a card is
        found without opening every other (a year of cards) and the name tells nobody
        without the key whose card it is."""
        key = self._secret(create=True)
        return hmac.new(key, f"booking:{code}".encode(), hashlib.sha256).hexdigest()[:20]

    def _path(self, card: RegistrationCard) -> Path:
        return self.folder / f"{self._booking_tag(card.booking)}-{card.id}{_SUFFIX}"

    def _path_of(self, card_id: str) -> Path:
        if not (card_id.isascii() and card_id.isalnum()):
            raise CardNotFound(f"no card {card_id!r}")
        found = self._files(ending=f"-{card_id}")
        if not found:
            raise CardNotFound(f"no card {card_id!r}")
        return found[0]

    def save(self, card: RegistrationCard) -> None:
        """Sealed and durable before it returns (a new card, or its new status)."""
        nonce = secrets.token_bytes(_NONCE_BYTES)
        try:
            # The first card writes the key: a full disk then is a failed write too.
            cipher = self._cipher(create=True)
            path = self._path(card)
            # The name is the associated data: a file moved to another name does not open.
            doc = orjson.dumps(card.to_doc())
            sealed = nonce + cipher.encrypt(nonce, doc, path.stem.encode())
            self.folder.mkdir(mode=0o700, exist_ok=True)
            replace_durably(path, sealed, 0o600)
        except OSError as e:
            raise StorageError(f"{self.folder}: cannot keep the card: {e.strerror or e}") from e

    def _open(self, path: Path) -> RegistrationCard:
        from cryptography.exceptions import InvalidTag

        sealed = path.read_bytes()
        try:
            plain = self._cipher(create=False).decrypt(
                sealed[:_NONCE_BYTES], sealed[_NONCE_BYTES:], path.stem.encode()
            )
        except (InvalidTag, ValueError):  # ValueError: too short to hold even the nonce
            raise RegistrationKeyError(
                f"{path}: does not open with {self.key_path} (another house's key, or the "
                "file was changed or cut short)"
            ) from None
        return RegistrationCard.from_doc(orjson.loads(plain))

    def cards(self) -> list[RegistrationCard]:
        """Every card kept, the oldest first."""
        found = [self._open(path) for path in self._files()]
        return sorted(found, key=lambda card: (card.arrival, card.id))

    def card(self, card_id: str) -> RegistrationCard:
        return self._open(self._path_of(card_id))

    def of_booking(self, code: str) -> RegistrationCard | None:
        if not self.key_path.exists() and not self._files():
            return None  # no card was ever kept here; cards without a key raise below
        found = self._files(starting=f"{self._booking_tag(code)}-")
        return self._open(found[0]) if found else None

    def to_sign(self) -> list[RegistrationCard]:
        return [card for card in self.cards() if card.status is CardStatus.TO_SIGN]

    # -- signing ----------------------------------------------------------------------------

    def mark_signed(self, card: RegistrationCard, staff_name: str) -> RegistrationCard:
        """Staff saw the guest sign the printed card by hand."""
        signed = replace(card, status=CardStatus.SIGNED, signed_by=staff_name, signed_at=self.now())
        self.save(signed)
        return signed

    # -- destroying -------------------------------------------------------------------------

    def due(self, today: date) -> list[RegistrationCard]:
        """Cards past the time the law keeps them."""
        return [card for card in self.cards() if card.destroy_on() <= today]

    def destroy(self, cards: list[RegistrationCard]) -> int:
        for card in cards:
            self._path(card).unlink(missing_ok=True)
        if cards:
            fsync_folder(self.folder)
        return len(cards)
