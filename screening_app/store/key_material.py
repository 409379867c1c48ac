"""Where the station keeps its keys, as services/keys.py uses them: the station's own
signing key and certificate, each account's copy of the key-encryption key (its slot),
each person's own signing key and certificate, and each account's event keys.

Every secret here is stored sealed (by pki/sealed.py, under the KEK or an account key);
these tables never hold a key in the clear.
"""

from typing import NamedTuple

from sqlite_utils import Database

SIGNING = "signing"  # the purpose of the station's own signing key


class StationKeys:
    """The station's keys by purpose (``signing``): sealed private key, public key, the
    request sent to headquarters and the certificate it issued."""

    def __init__(self, db: Database):
        self._db = db

    def exists(self, purpose: str) -> bool:
        return self._db.execute("SELECT 1 FROM station_keys WHERE purpose = ?",
                                [purpose]).fetchone() is not None

    def insert(self, purpose: str, sealed_private_key: bytes, public_key_pem: str,
               csr_pem: str, created_at: str) -> None:
        self._db.execute(
            "INSERT INTO station_keys (id, purpose, sealed_private_key, public_key_pem,"
            " csr_pem, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            [purpose, purpose, sealed_private_key, public_key_pem, csr_pem, created_at])

    def csr_pem(self, purpose: str) -> str | None:
        return self._value("csr_pem", purpose)

    def public_key_pem(self, purpose: str) -> str | None:
        return self._value("public_key_pem", purpose)

    def sealed_private_key(self, purpose: str) -> bytes | None:
        return self._value("sealed_private_key", purpose)

    def certificate(self, purpose: str) -> tuple[str, str] | None:
        """(certificate PEM, chain PEM) once headquarters' certificate is installed."""
        row = self._db.execute("SELECT certificate_pem, chain_pem FROM station_keys"
                               " WHERE purpose = ?", [purpose]).fetchone()
        return (row[0], row[1]) if row is not None and row[0] is not None else None

    def install_certificate(self, purpose: str, certificate_pem: str, chain_pem: str,
                            at: str) -> None:
        self._db.execute(
            "UPDATE station_keys SET certificate_pem = ?, chain_pem = ?,"
            " certificate_installed_at = ? WHERE purpose = ?",
            [certificate_pem, chain_pem, at, purpose])

    def _value(self, column: str, purpose: str):
        row = self._db.execute(f"SELECT {column} FROM station_keys WHERE purpose = ?",
                               [purpose]).fetchone()
        return row[0] if row else None


class KeySlots:
    """Each supervisor's and admin's copy of the KEK, sealed under their account key."""

    def __init__(self, db: Database):
        self._db = db

    def put(self, user_id: str, wrapped_kek: str, created_at: str) -> None:
        self._db.execute(
            "INSERT INTO key_slots (user_id, wrapped_kek, created_at) VALUES (?, ?, ?)"
            " ON CONFLICT(user_id) DO UPDATE SET wrapped_kek = excluded.wrapped_kek,"
            " created_at = excluded.created_at", [user_id, wrapped_kek, created_at])

    def wrapped_kek(self, user_id: str) -> str | None:
        row = self._db.execute("SELECT wrapped_kek FROM key_slots WHERE user_id = ?",
                               [user_id]).fetchone()
        return row[0] if row else None

    def exists(self, user_id: str) -> bool:
        return self.wrapped_kek(user_id) is not None

    def remove(self, user_id: str) -> bool:
        """False when the account had no slot."""
        return self._db.execute("DELETE FROM key_slots WHERE user_id = ?",
                                [user_id]).rowcount > 0


class UserKeyRow(NamedTuple):
    wrapped_private_key: str
    public_key_pem: str
    csr_pem: str
    certificate_pem: str | None  # None until headquarters' certificate is installed
    chain_pem: str | None


class UserKeys:
    """Each person's own signing key (sealed under their account key), the request for
    it and the certificate headquarters issued."""

    def __init__(self, db: Database):
        self._db = db

    def row(self, user_id: str) -> UserKeyRow | None:
        found = self._db.execute(
            "SELECT wrapped_private_key, public_key_pem, csr_pem, certificate_pem, chain_pem"
            " FROM user_keys WHERE user_id = ?", [user_id]).fetchone()
        return UserKeyRow(*found) if found else None

    def exists(self, user_id: str) -> bool:
        return self.row(user_id) is not None

    def put_new(self, user_id: str, wrapped_private_key: str, public_key_pem: str,
                csr_pem: str, created_at: str) -> None:
        """A new key for the person; a replaced key takes its certificate with it."""
        self._db.execute(
            "INSERT INTO user_keys (user_id, wrapped_private_key, public_key_pem, csr_pem,"
            " created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT(user_id) DO UPDATE SET"
            " wrapped_private_key = excluded.wrapped_private_key,"
            " public_key_pem = excluded.public_key_pem, csr_pem = excluded.csr_pem,"
            " created_at = excluded.created_at, certificate_pem = NULL, chain_pem = NULL",
            [user_id, wrapped_private_key, public_key_pem, csr_pem, created_at])

    def with_certificates(self) -> list[tuple[str, UserKeyRow]]:
        """(user id, row) of every person whose certificate is installed."""
        return [(row[0], UserKeyRow(*row[1:])) for row in self._db.execute(
            "SELECT user_id, wrapped_private_key, public_key_pem, csr_pem, certificate_pem,"
            " chain_pem FROM user_keys WHERE certificate_pem IS NOT NULL ORDER BY user_id")]

    def reseal(self, user_id: str, wrapped_private_key: str) -> None:
        self._db.execute("UPDATE user_keys SET wrapped_private_key = ? WHERE user_id = ?",
                         [wrapped_private_key, user_id])

    def install_certificate(self, user_id: str, certificate_pem: str, chain_pem: str) -> None:
        self._db.execute(
            "UPDATE user_keys SET certificate_pem = ?, chain_pem = ? WHERE user_id = ?",
            [certificate_pem, chain_pem, user_id])

    def remove(self, user_id: str) -> bool:
        """False when the person had no key."""
        return self._db.execute("DELETE FROM user_keys WHERE user_id = ?",
                                [user_id]).rowcount > 0


class AccountEventKeys:
    """The keys that sign each account's events, sealed under its account key; the public
    halves stay, so old events keep verifying after a key is replaced."""

    def __init__(self, db: Database):
        self._db = db

    def insert(self, public_key: str, user_id: str, sealed_private_key: str,
               created_at: str) -> None:
        self._db.execute(
            "INSERT INTO account_event_keys (public_key, user_id, sealed_private_key,"
            " created_at) VALUES (?, ?, ?, ?)",
            [public_key, user_id, sealed_private_key, created_at])

    def newest_sealed(self, user_id: str) -> str | None:
        row = self._db.execute(
            "SELECT sealed_private_key FROM account_event_keys WHERE user_id = ?"
            " ORDER BY created_at DESC, rowid DESC LIMIT 1", [user_id]).fetchone()
        return row[0] if row else None
