"""What headquarters keeps of people is sealed at rest, on either database.

A data key made by ``hq init`` (kept in ``hq_identity`` under the HQ passphrase, like HQ's
other keys) seals every name, ISN, answer, choice, note and form the store writes
(AES-256-GCM, with the table and column as associated data, so a sealed value copied into
another column does not open). ISNs are also needed to find and match records, so the store
keeps a keyed hash of each (HMAC-SHA256 under a key derived from the data key): equal ISNs
match, and nobody without the passphrase can test a guess.

A store opened without the passphrase holds a ``LockedSealer``: what is plain (stations,
bundles, counts) reads as before; anything sealed is one sentence asking for the passphrase.
"""

import base64
import hashlib
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from screening_app.domain.errors import UserError
from screening_app.pki import sealed

DATA_KEY_CONTEXT = b"screening-app:headquarters:data-key"
_TEXT_PREFIX = "sealed1:"
_ISN_CONTEXT = b"screening-app:headquarters:isn-key"


class HeadquartersLocked(UserError):
    """Headquarters is open without its passphrase: its keys and its records are sealed."""


class RecordSealer:
    def __init__(self, data_key: bytes):
        if len(data_key) != 32:
            raise ValueError("the data key is 32 bytes")
        self._aead = AESGCM(data_key)
        self._isn_key = hmac.new(data_key, _ISN_CONTEXT, hashlib.sha256).digest()

    def seal_bytes(self, value: bytes, column: str) -> bytes:
        nonce = os.urandom(12)
        return nonce + self._aead.encrypt(nonce, value, column.encode())

    def open_bytes(self, value: bytes, column: str) -> bytes:
        value = bytes(value)
        try:
            return self._aead.decrypt(value[:12], value[12:], column.encode())
        except (InvalidTag, ValueError):
            raise UserError(f"A sealed value in {column} at headquarters does not open: it was"
                            " changed, or sealed by another headquarters.") from None

    def seal_text(self, value: str | None, column: str) -> str | None:
        if value is None:
            return None
        box = self.seal_bytes(value.encode("utf-8"), column)
        return _TEXT_PREFIX + base64.b64encode(box).decode("ascii")

    def open_text(self, value: str | None, column: str) -> str | None:
        if value is None:
            return None
        if not value.startswith(_TEXT_PREFIX):
            raise UserError(f"A value in {column} at headquarters is not sealed; the database"
                            " was changed outside the program.")
        box = base64.b64decode(value[len(_TEXT_PREFIX):])
        return self.open_bytes(box, column).decode("utf-8")

    def isn_key(self, isn: str) -> str:
        """The keyed hash the store finds and matches a person by."""
        return hmac.new(self._isn_key, isn.encode("utf-8"), hashlib.sha256).hexdigest()


class LockedSealer:
    """The sealer of a store opened without the passphrase: nothing sealed opens."""

    def _locked(self, *args, **kwargs):
        raise HeadquartersLocked("What headquarters holds of people is sealed; open it with its"
                            " passphrase.")

    seal_bytes = open_bytes = seal_text = open_text = isn_key = _locked


def new_data_key() -> bytes:
    return sealed.new_kek()


def wrap_data_key(data_key: bytes, passphrase: str) -> dict:
    return sealed.wrap_for_password(data_key, passphrase, DATA_KEY_CONTEXT)


def unwrap_data_key(slot: dict, passphrase: str) -> bytes:
    return sealed.unwrap_with_password(slot, passphrase, DATA_KEY_CONTEXT)
