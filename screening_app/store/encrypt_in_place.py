"""Encrypting a station made before encryption at rest: copy, verify, swap.

The encrypted copy is written beside the database, checked (integrity, every table's row
count, the head of the event chain), and only then renamed over the original, which is an
atomic step: a crash at any moment leaves either the old plain database or the new
encrypted one, never a mixture. The key file is written before the swap, so the moment
the database is encrypted every account can open it.

Accounts keep their passwords: each account's slot is sealed under the raw argon2id hash
already stored for its password, which the same password with the same salt and costs
derives again at sign-in (pki/sealed.unwrap_with_password). After the swap the plain
bytes are overwritten before the old file is released.
"""

import base64
import os
import secrets
from pathlib import Path

from argon2 import Type, extract_parameters
from argon2.exceptions import InvalidHashError
from sqlcipher3 import dbapi2 as sqlcipher

from screening_app.domain.errors import UserError
from screening_app.pki import certificates, sealed
from screening_app.store.connection import KEY_BYTES, is_plain_sqlite, open_database
from screening_app.store.durable import fsync_folder
from screening_app.store.keyfile import KeyFile


class EncryptionFailed(UserError):
    pass


def encrypt_station_in_place(data_dir: Path, database: Path) -> bytes:
    """Encrypt the plain database at ``database``; returns the new key."""
    if not is_plain_sqlite(database):
        raise ValueError(f"{database} is not a plain SQLite database")
    key = secrets.token_bytes(KEY_BYTES)
    plain = open_database(database)
    try:
        plain.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        station_id = plain.execute("SELECT station_id FROM station WHERE id = 1").fetchone()[0]
        accounts = plain.execute("SELECT name, password_hash FROM users WHERE disabled_at IS"
                                 " NULL").fetchall()
        counts = _row_counts(plain)
        head = plain.execute("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1"
                             ).fetchone()
        recipient = _headquarters_recipient(plain)
        public = _public_facts(plain)
    finally:
        plain.close()

    target = database.with_name(f".{database.name}.encrypting")
    for leftover in (target, Path(f"{target}-wal"), Path(f"{target}-shm")):
        leftover.unlink(missing_ok=True)
    _export_encrypted(database, target, key)
    _verify_copy(target, key, counts, head)

    keyfile = KeyFile.create(data_dir, station_id)
    keyfile.public.update(public)
    for name, password_hash in accounts:
        slot = _slot_from_password_hash(password_hash, key, keyfile._context())
        if slot is not None:  # an account without a usable hash could not sign in anyway
            keyfile.slots[keyfile._slot_id(name)] = [slot]
    if recipient:
        keyfile.set_recovery(recipient, key)
    keyfile.save()

    with open(database, "r+b") as old:
        os.replace(target, database)
        fsync_folder(database.parent)
        _overwrite(old)
    return key


def _row_counts(db) -> dict[str, int]:
    tables = [row[0] for row in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    return {table: db.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
            for table in tables}


def _headquarters_recipient(db) -> str | None:
    try:
        row = db.execute("SELECT age_recipient FROM sync_headquarters").fetchone()
    except Exception:  # noqa: BLE001 -- a station from before sync has no such table
        return None
    return row[0] if row else None


def _public_facts(db) -> dict:
    camp, demo = db.execute("SELECT camp, demo FROM station WHERE id = 1").fetchone()
    facts = {"camp": camp, "demo": bool(demo)}
    try:
        chain = db.execute("SELECT chain_pem FROM station_keys WHERE certificate_pem IS NOT"
                           " NULL").fetchone()
    except Exception:  # noqa: BLE001 -- a station from before keys has no such table
        chain = None
    if chain and chain[0]:
        # The last certificate of the chain is the root forms are checked against.
        root = certificates.load_certificates(chain[0].encode(), "station chain")[-1]
        facts["trust_root_pem"] = certificates.to_pem(root).decode()
    return facts


def _export_encrypted(source: Path, target: Path, key: bytes) -> None:
    conn = sqlcipher.connect(str(source))
    try:
        conn.execute(f"ATTACH DATABASE ? AS encrypted KEY \"x'{key.hex()}'\"", [str(target)])
        conn.execute("SELECT sqlcipher_export('encrypted')")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        conn.execute(f"PRAGMA encrypted.user_version = {int(version)}")
        conn.execute("DETACH DATABASE encrypted")
    finally:
        conn.close()


def _verify_copy(target: Path, key: bytes, counts: dict[str, int], head) -> None:
    copy = open_database(target, key)
    try:
        problems = [row[0] for row in copy.execute("PRAGMA integrity_check")]
        if problems != ["ok"]:
            raise EncryptionFailed(f"The encrypted copy failed its integrity check"
                                   f" ({problems[0]}); the station was left as it was.")
        if _row_counts(copy) != counts:
            raise EncryptionFailed("The encrypted copy does not hold the same rows; the"
                                   " station was left as it was.")
        copied_head = copy.execute("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1"
                                   ).fetchone()
        if copied_head != head:
            raise EncryptionFailed("The encrypted copy's event chain ends elsewhere; the"
                                   " station was left as it was.")
    except BaseException:
        copy.close()
        target.unlink(missing_ok=True)
        raise
    copy.close()


def _slot_from_password_hash(password_hash: str, key: bytes, context: bytes) -> dict | None:
    """A slot that the account's existing password opens: sealed under the argon2id hash
    the station already stores, with the same salt and costs."""
    try:
        parameters = extract_parameters(password_hash)
        encoded_salt, encoded_hash = password_hash.split("$")[-2:]
        salt = base64.b64decode(encoded_salt + "=" * (-len(encoded_salt) % 4))
        raw_hash = base64.b64decode(encoded_hash + "=" * (-len(encoded_hash) % 4))
    except (InvalidHashError, ValueError):
        return None
    if parameters.type is not Type.ID or parameters.hash_len != 32 or len(raw_hash) != 32:
        return None
    return {"kdf": "argon2id", "time_cost": parameters.time_cost,
            "memory_cost": parameters.memory_cost, "parallelism": parameters.parallelism,
            "salt": salt.hex(), "sealed": sealed.seal(raw_hash, key, context).hex()}


def _overwrite(handle) -> None:
    """Zeros over the plain bytes before they are released (on flash storage the drive may
    keep old copies elsewhere; the encrypted database never had its content in clear)."""
    handle.seek(0, os.SEEK_END)
    size = handle.tell()
    handle.seek(0)
    block = b"\0" * (1 << 20)
    while size > 0:
        handle.write(block[:min(size, len(block))])
        size -= len(block)
    handle.flush()
    os.fsync(handle.fileno())
