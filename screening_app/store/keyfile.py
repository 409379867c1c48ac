"""Who can open the station database: key slots, as in disk encryption.

The database is encrypted under one random key. That key is stored only wrapped: once per
account under a key derived from the account's password (argon2id, pki/sealed.py), and
once for recovery, encrypted with age to headquarters' public key. The slots live in
``station-keys.json`` beside the database because they must be read before the database
can be opened. The file names no one: a slot is found by a salted hash of the account
name, and what it holds is useless without a password (or headquarters' private key).
Changing a password re-wraps one slot; disabling an account removes its slot.
"""

import hashlib
import json
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

import pyrage

from screening_app.domain.errors import AuthenticationFailed, UserError
from screening_app.pki import sealed

KEYFILE_NAME = "station-keys.json"
FORMAT = 1


class KeyFileError(UserError):
    pass


@dataclass
class KeyFile:
    path: Path
    station_id: str
    name_salt: str
    slots: dict[str, dict] = field(default_factory=dict)
    recovery: dict | None = None  # {"age_recipient": str, "wrapped": armored age text}

    # -- files ---------------------------------------------------------------------------
    @classmethod
    def create(cls, data_dir: Path, station_id: str) -> "KeyFile":
        return cls(Path(data_dir) / KEYFILE_NAME, station_id, secrets.token_hex(16))

    @classmethod
    def load(cls, data_dir: Path) -> "KeyFile":
        path = Path(data_dir) / KEYFILE_NAME
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise KeyFileError(f"{path} is missing: without it no account can open this"
                               " station's database (restore it from a backup, or recover"
                               " with headquarters' key).") from None
        except (OSError, ValueError) as error:
            raise KeyFileError(f"{path} is damaged ({error}); restore it from a backup, or"
                               " recover with headquarters' key.") from None
        try:
            if data["format"] != FORMAT:
                raise KeyFileError(f"{path} has format {data['format']}; this version reads"
                                   f" format {FORMAT}.")
            return cls(path, str(data["station_id"]), str(data["name_salt"]),
                       dict(data["slots"]), data.get("recovery"))
        except (KeyError, TypeError, ValueError):
            raise KeyFileError(f"{path} is damaged: it lacks its slots.") from None

    @staticmethod
    def exists(data_dir: Path) -> bool:
        return (Path(data_dir) / KEYFILE_NAME).is_file()

    def save(self) -> None:
        """Atomically: a half-written key file would lock everyone out."""
        data = {"format": FORMAT, "station_id": self.station_id, "name_salt": self.name_salt,
                "slots": self.slots, "recovery": self.recovery}
        partial = self.path.with_name(f".{self.path.name}.partial")
        with partial.open("w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=1, sort_keys=True)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, self.path)

    # -- slots ---------------------------------------------------------------------------
    def _context(self) -> bytes:
        return f"screening-app:{self.station_id}:database-key".encode()

    def _slot_id(self, name: str) -> str:
        return hashlib.sha256(f"{self.name_salt}:{name.casefold()}".encode()).hexdigest()

    def has_slot(self, name: str) -> bool:
        return self._slot_id(name) in self.slots

    def set_slot(self, name: str, password: str, database_key: bytes) -> None:
        self.slots[self._slot_id(name)] = sealed.wrap_for_password(database_key, password,
                                                                   self._context())

    def remove_slot(self, name: str) -> None:
        self.slots.pop(self._slot_id(name), None)

    def unlock(self, name: str, password: str) -> bytes:
        """The database key, for the right name and password; the same refusal for a
        wrong password as for an unknown name, so the file cannot be asked who exists."""
        slot = self.slots.get(self._slot_id(name))
        if slot is None:
            raise AuthenticationFailed("Wrong user name or password.")
        try:
            return sealed.unwrap_with_password(slot, password, self._context())
        except AuthenticationFailed:
            raise AuthenticationFailed("Wrong user name or password.") from None

    # -- recovery through headquarters -----------------------------------------------------
    def set_recovery(self, age_recipient: str, database_key: bytes) -> None:
        recipient = pyrage.x25519.Recipient.from_str(age_recipient)
        wrapped = pyrage.encrypt(self._context() + b"\n" + database_key.hex().encode(),
                                 [recipient], armored=True)
        self.recovery = {"age_recipient": age_recipient, "wrapped": wrapped.decode()}

    def recover(self, age_identity: pyrage.x25519.Identity) -> bytes:
        if not self.recovery:
            raise KeyFileError(f"{self.path} has no recovery slot: this station never learnt"
                               " headquarters' key (sync trust-hq).")
        try:
            plain = pyrage.decrypt(self.recovery["wrapped"].encode(), [age_identity])
        except pyrage.DecryptError:
            raise KeyFileError("The recovery slot does not open with this headquarters key."
                               ) from None
        context, _, key_hex = plain.partition(b"\n")
        if context != self._context():
            raise KeyFileError("The recovery slot belongs to another station.")
        return bytes.fromhex(key_hex.decode())
