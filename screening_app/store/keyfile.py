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
import hmac
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
ACCOUNT_KEY_BYTES = 32
_DATABASE_KEY_BYTES = 32  # what a slot written before account keys holds, alone


class KeyFileError(UserError):
    pass


class DisabledAccount(AuthenticationFailed):
    pass


@dataclass(frozen=True)
class SlotContents:
    """What an account's password opens: the database key, and the account's own key,
    under which everything else that is the account's alone is sealed in the database (its
    signing key, its share of the station's keys). One argon2id derivation at sign-in opens
    all of it. ``account_key`` is None in a slot written before accounts had one; such a
    slot is rewritten at the account's next sign-in."""

    database_key: bytes
    account_key: bytes | None = None

    def to_bytes(self) -> bytes:
        if self.account_key is None:
            return self.database_key
        return json.dumps({"database_key": self.database_key.hex(),
                           "account_key": self.account_key.hex()}).encode()

    @classmethod
    def from_bytes(cls, data: bytes) -> "SlotContents":
        if len(data) == _DATABASE_KEY_BYTES:
            return cls(data)
        opened = json.loads(data)
        return cls(bytes.fromhex(opened["database_key"]), bytes.fromhex(opened["account_key"]))

    @classmethod
    def new(cls, database_key: bytes) -> "SlotContents":
        """For a new account, or one whose password an admin sets: a fresh account key."""
        return cls(database_key, secrets.token_bytes(ACCOUNT_KEY_BYTES))


@dataclass
class KeyFile:
    path: Path
    station_id: str
    name_salt: str
    slots: dict[str, list[dict]] = field(default_factory=dict)
    recovery: dict | None = None  # {"age_recipient": str, "wrapped": armored age text}
    public: dict = field(default_factory=dict)  # camp, demo, trust_root_pem
    # A MAC under the database key over everything public here (the trust root, the
    # slots' list, the recovery slot): a file changed by someone who could not open the
    # database no longer checks. None in a file written before it existed.
    public_mac: str | None = None

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
                       data.get("recovery"), dict(data.get("public") or {}),
                       data.get("public_mac"))
        except (KeyError, TypeError, ValueError):
            raise KeyFileError(f"{path} is damaged: it lacks its slots.") from None

    @staticmethod
    def exists(data_dir: Path) -> bool:
        return (Path(data_dir) / KEYFILE_NAME).is_file()

    def save(self, database_key: bytes | None = None) -> None:
        """Atomically: a half-written key file would lock everyone out. With the database
        key, the public part's MAC is written anew (every program that changes the file
        has it: it is signed in)."""
        if database_key is not None:
            self.public_mac = self._public_mac(database_key)
        data = {"format": FORMAT, "station_id": self.station_id, "name_salt": self.name_salt,
                "slots": self.slots, "recovery": self.recovery, "public": self.public,
                "public_mac": self.public_mac}
        write_atomically(self.path, json.dumps(data, indent=1, sort_keys=True).encode())

    # -- the public part ------------------------------------------------------------------
    def _public_mac(self, database_key: bytes) -> str:
        covered = json.dumps({"station_id": self.station_id, "name_salt": self.name_salt,
                              "slots": sorted(self.slots), "recovery": self.recovery,
                              "public": self.public}, sort_keys=True).encode()
        mac_key = hashlib.sha256(b"screening-app:key-file-mac:" + database_key).digest()
        return hmac.new(mac_key, covered, hashlib.sha256).hexdigest()

    def public_problem(self, database_key: bytes) -> str | None:
        """None when the public part is as the program last wrote it, else what is wrong
        (the trust root, headquarters' key or the slots were changed by someone who could
        not open the database, or the file predates the MAC)."""
        if self.public_mac is None:
            return (f"{self.path.name} carries no MAC over its public part yet (written by an"
                    " older version); the next sign-in adds it.")
        if not hmac.compare_digest(self.public_mac, self._public_mac(database_key)):
            return (f"{self.path.name} was changed outside the program: its public part (the"
                    " trust root, headquarters' key, the list of slots) does not match its"
                    " MAC.")
        return None

    # -- slots ---------------------------------------------------------------------------
    def _context(self) -> bytes:
        return f"screening-app:{self.station_id}:database-key".encode()

    def _slot_id(self, name: str) -> str:
        return hashlib.sha256(f"{self.name_salt}:{name.casefold()}".encode()).hexdigest()

    def has_slot(self, name: str) -> bool:
        return self._slot_id(name) in self.slots

    def set_slot(self, name: str, password: str, contents: SlotContents | bytes) -> None:
        """The account's only wrap, under this password."""
        self.slots[self._slot_id(name)] = [self._wrap(contents, password)]

    def stage_slot(self, name: str, password: str, contents: SlotContents | bytes) -> None:
        """A wrap under a new password beside the current ones, until the change commits."""
        self.slots.setdefault(self._slot_id(name), []).insert(0, self._wrap(contents, password))

    def _wrap(self, contents: SlotContents | bytes, password: str) -> dict:
        if isinstance(contents, bytes):
            contents = SlotContents(contents)
        return sealed.wrap_for_password(contents.to_bytes(), password, self._context(),
                                        with_check=True)

    def unstage_slot(self, name: str) -> None:
        """Drop the wrap ``stage_slot`` put first, when the change it was for failed."""
        wraps = self.slots.get(self._slot_id(name), [])
        if len(wraps) > 1:
            wraps.pop(0)

    def entries(self, name: str) -> int:
        return len(self.slots.get(self._slot_id(name), []))

    def remove_slot(self, name: str) -> None:
        self.slots.pop(self._slot_id(name), None)

    def disable_slot(self, name: str, password_hash: str | None = None) -> None:
        """A disabled account keeps no wrap of the key, only what tells its right password
        apart (the slot's check value; for a slot written before check values, the
        account's argon2id password hash), so that its right password learns "disabled"
        (and nothing else) while a wrong one learns no more than for an unknown name."""
        kept = []
        for wrap in self.slots.get(self._slot_id(name), []):
            if "check" in wrap:
                kept.append({**sealed.without_secret(wrap), "disabled": True})
            elif wrap.get("disabled"):
                kept.append(wrap)
        if not kept and password_hash:
            kept.append({"disabled": True, "verifier": password_hash})
        self.slots[self._slot_id(name)] = kept

    def unlock(self, name: str, password: str) -> SlotContents:
        """What the account's slot holds, for the right name and password; the same
        refusal (after the same work) for a wrong password as for an unknown name, so the
        file cannot be asked who exists."""
        wraps = self.slots.get(self._slot_id(name), [])
        if not wraps:
            _spend_a_derivation(password)
        for wrap in wraps:
            if wrap.get("disabled"):
                if "check" in wrap and sealed.password_checks(wrap, password, self._context()):
                    raise DisabledAccount(f"The account {name!r} is disabled; ask an admin.")
                if "verifier" in wrap and _verifies(wrap["verifier"], password):
                    raise DisabledAccount(f"The account {name!r} is disabled; ask an admin.")
                continue
            try:
                return SlotContents.from_bytes(
                    sealed.unwrap_with_password(wrap, password, self._context()))
            except AuthenticationFailed:
                continue
        raise AuthenticationFailed("Wrong user name or password.")

    def is_current(self, name: str) -> bool:
        """Whether the account's slot is one wrap holding an account key (nothing left to
        settle or upgrade at its sign-in)."""
        wraps = self.slots.get(self._slot_id(name), [])
        return len(wraps) == 1 and "check" in wraps[0]

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


def _spend_a_derivation(password: str) -> None:
    """As much work as opening a slot, for a name that has none: timing must not tell
    which names exist."""
    sealed.password_checks({**sealed.ARGON2, "salt": "00" * 16, "check": ""}, password, b"")


def _verifies(password_hash: str, password: str) -> bool:
    from argon2 import PasswordHasher
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return PasswordHasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
