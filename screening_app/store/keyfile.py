"""Who can open the station database: key slots, as in disk encryption.

The database is encrypted under one random key. That key is stored only wrapped: once per
account under a key derived from the account's password (argon2id, pki/sealed.py), and
once for recovery, encrypted with age to headquarters' public key. The slots live in
``station-keys.json`` beside the database because they must be read before the database
can be opened. The file names no one: a slot is found by a salted hash of the account
name, and what it holds is useless without a password (or headquarters' private key).
Changing a password re-wraps one slot; disabling an account removes its slot.

A slot may briefly hold two wraps (the new password's beside the old one's) while a
password change commits in the database; the old wrap is dropped right after, or at the
account's next sign-in if the program stopped in between. The file also carries what is
public about the station (its id, camp, and the root certificate its forms are checked
against), so the sign-in screen and `verify` work before anyone has unlocked it.
"""

import hashlib
import json
import secrets
from dataclasses import dataclass, field
from pathlib import Path

import pyrage

from screening_app.domain.errors import AuthenticationFailed, UserError
from screening_app.pki import sealed
from screening_app.store.durable import write_atomically

KEYFILE_NAME = "station-keys.json"
FORMAT = 1


class KeyFileError(UserError):
    pass


class DisabledAccount(AuthenticationFailed):
    pass


@dataclass
class KeyFile:
    path: Path
    station_id: str
    name_salt: str
    slots: dict[str, list[dict]] = field(default_factory=dict)
    recovery: dict | None = None  # {"age_recipient": str, "wrapped": armored age text}
    public: dict = field(default_factory=dict)  # camp, demo, trust_root_pem

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
            slots = {slot_id: wraps if isinstance(wraps, list) else [wraps]
                     for slot_id, wraps in dict(data["slots"]).items()}
            return cls(path, str(data["station_id"]), str(data["name_salt"]), slots,
                       data.get("recovery"), dict(data.get("public") or {}))
        except (KeyError, TypeError, ValueError):
            raise KeyFileError(f"{path} is damaged: it lacks its slots.") from None

    @staticmethod
    def exists(data_dir: Path) -> bool:
        return (Path(data_dir) / KEYFILE_NAME).is_file()

    def save(self) -> None:
        """Atomically: a half-written key file would lock everyone out."""
        data = {"format": FORMAT, "station_id": self.station_id, "name_salt": self.name_salt,
                "slots": self.slots, "recovery": self.recovery, "public": self.public}
        write_atomically(self.path, json.dumps(data, indent=1, sort_keys=True).encode())

    # -- slots ---------------------------------------------------------------------------
    def _context(self) -> bytes:
        return f"screening-app:{self.station_id}:database-key".encode()

    def _slot_id(self, name: str) -> str:
        return hashlib.sha256(f"{self.name_salt}:{name.casefold()}".encode()).hexdigest()

    def has_slot(self, name: str) -> bool:
        return self._slot_id(name) in self.slots

    def set_slot(self, name: str, password: str, database_key: bytes) -> None:
        """The account's only wrap, under this password."""
        self.slots[self._slot_id(name)] = [
            sealed.wrap_for_password(database_key, password, self._context())]

    def stage_slot(self, name: str, password: str, database_key: bytes) -> None:
        """A wrap under a new password beside the current ones, until the change commits."""
        self.slots.setdefault(self._slot_id(name), []).insert(
            0, sealed.wrap_for_password(database_key, password, self._context()))

    def entries(self, name: str) -> int:
        return len(self.slots.get(self._slot_id(name), []))

    def remove_slot(self, name: str) -> None:
        self.slots.pop(self._slot_id(name), None)

    def disable_slot(self, name: str, password_hash: str) -> None:
        """A disabled account keeps no wrap of the key, only the account's argon2id
        password hash, so that its right password learns "disabled" (and nothing else)
        while a wrong one learns no more than for an unknown name."""
        self.slots[self._slot_id(name)] = [{"disabled": True, "verifier": password_hash}]

    def unlock(self, name: str, password: str) -> bytes:
        """The database key, for the right name and password; the same refusal for a
        wrong password as for an unknown name, so the file cannot be asked who exists."""
        for wrap in self.slots.get(self._slot_id(name), []):
            if wrap.get("disabled"):
                if _verifies(wrap.get("verifier", ""), password):
                    raise DisabledAccount(f"The account {name!r} is disabled; ask an admin.")
                continue
            try:
                return sealed.unwrap_with_password(wrap, password, self._context())
            except AuthenticationFailed:
                continue
        raise AuthenticationFailed("Wrong user name or password.")

    # -- recovery through headquarters -----------------------------------------------------
    def set_recovery(self, age_recipient: str, database_key: bytes,
                     station_kek: bytes | None = None) -> None:
        """Wrap the database key (and the key that opens the station's signing key, so a
        recovered station can sign again) to headquarters' public key."""
        recipient = pyrage.x25519.Recipient.from_str(age_recipient)
        secrets_line = database_key.hex() + ("," + station_kek.hex() if station_kek else "")
        wrapped = pyrage.encrypt(self._context() + b"\n" + secrets_line.encode(),
                                 [recipient], armored=True)
        self.recovery = {"age_recipient": age_recipient, "wrapped": wrapped.decode()}

    def recover(self, age_identity: pyrage.x25519.Identity) -> tuple[bytes, bytes | None]:
        """(database key, station KEK or None) from the recovery slot."""
        if not self.recovery:
            raise KeyFileError(f"{self.path} has no recovery slot: this station never learnt"
                               " headquarters' key (sync trust-hq).")
        try:
            plain = pyrage.decrypt(self.recovery["wrapped"].encode(), [age_identity])
        except pyrage.DecryptError:
            raise KeyFileError("The recovery slot does not open with this headquarters key."
                               ) from None
        context, _, secrets_line = plain.partition(b"\n")
        if context != self._context():
            raise KeyFileError("The recovery slot belongs to another station.")
        database_hex, _, kek_hex = secrets_line.decode().partition(",")
        return bytes.fromhex(database_hex), bytes.fromhex(kek_hex) if kek_hex else None


def _verifies(password_hash: str, password: str) -> bool:
    from argon2 import PasswordHasher
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return PasswordHasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
