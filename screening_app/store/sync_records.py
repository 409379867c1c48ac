"""The station's side of sync as tables: the records a bundle carries, what headquarters
acknowledged, the exports made, the state of the conversation, and whom the station trusts.

The bundle's members are declared in sync/members.py; this module reads any member that is
a plain table from its declaration (table, fields, order, key), so a new plain member needs
no query here.
"""

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

from sqlite_utils import Database

from screening_app.store.events import event_from_row


class TableMember(Protocol):
    """What this module needs of a bundle member (sync/members.py's UpMember)."""

    kind: str
    table: str
    fields: tuple[str, ...]
    order_by: str
    key: tuple[str, ...]


@dataclass(frozen=True)
class TrustedHeadquartersRow:
    name: str
    age_recipient: str
    certificate_pem: str
    chain_pem: str
    tls_certificate_pem: str | None = None  # the TLS certificate pushes pin


@dataclass(frozen=True)
class StationSyncKey:
    age_recipient: str
    sealed_age_identity: str


class SyncRecords:
    """The rows a station's bundle carries, and what headquarters acknowledged of them."""

    def __init__(self, db: Database):
        self._db = db

    # -- what a bundle carries ------------------------------------------------------------
    def rows(self, member: TableMember) -> Iterator[dict]:
        """Every row of a plain-table member, in the bundle's order, one at a time."""
        cursor = self._db.execute(f"SELECT {', '.join(member.fields)} FROM {member.table}"
                                  f" ORDER BY {member.order_by}")
        for row in cursor:
            yield dict(zip(member.fields, row, strict=True))

    def row(self, member: TableMember, record_id: str) -> dict | None:
        """One row of a plain-table member by its key, as a bundle carries it now."""
        found = self._db.execute(f"SELECT {', '.join(member.fields)} FROM {member.table}"
                                 f" WHERE {member.key[-1]} = ?", [record_id]).fetchone()
        return dict(zip(member.fields, found, strict=True)) if found else None

    def events_after(self, after_seq: int) -> Iterator[dict]:
        """The station's events after ``after_seq``, oldest first, as a bundle carries them."""
        cursor = self._db.execute(
            "SELECT seq, id, at, station_id, actor_id, kind, interview_id, payload, prev_hash,"
            " hash FROM events WHERE seq > ? ORDER BY seq", [after_seq])
        for row in cursor:
            event = event_from_row(row)
            yield {"seq": event.seq, "id": event.id, "at": event.at,
                   "station_id": event.station_id, "actor_id": event.actor_id,
                   "kind": event.kind, "interview_id": event.interview_id,
                   "payload": event.payload, "prev_hash": event.prev_hash, "hash": event.hash}

    def final_interviews(self) -> list[tuple[str, str]]:
        """(id, record hash) of every finalised interview, oldest first."""
        return self._db.execute("SELECT id, record_sha256 FROM interviews WHERE status ="
                                " 'final' ORDER BY finalised_at, id").fetchall()

    def final_interview_hash(self, interview_id: str) -> str | None:
        row = self._db.execute("SELECT record_sha256 FROM interviews WHERE id = ? AND"
                               " status = 'final'", [interview_id]).fetchone()
        return row[0] if row else None

    # -- what headquarters acknowledged -----------------------------------------------------
    def acknowledged(self) -> dict[str, dict[str, str]]:
        """kind -> record id -> the digest headquarters acknowledged."""
        known: dict[str, dict[str, str]] = defaultdict(dict)
        for kind, identifier, digest in self._db.execute(
                "SELECT kind, record_id, digest FROM sync_acks"):
            known[kind][identifier] = digest
        return known

    def acknowledge(self, kind: str, record_id: str, digest: str, at: str,
                    archive_sha256: str | None = None) -> None:
        """``archive_sha256``: for a form, the digest of headquarters' archival copy."""
        self._db.execute(
            "INSERT INTO sync_acks (kind, record_id, digest, acked_at, archive_sha256)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT(kind, record_id) DO UPDATE SET"
            " digest = excluded.digest, acked_at = excluded.acked_at,"
            " archive_sha256 = excluded.archive_sha256",
            [kind, record_id, digest, at, archive_sha256])

    def archive_digest(self, document_id: str) -> str | None:
        """The SHA-256 of headquarters' archival copy of a form, once acknowledged."""
        row = self._db.execute("SELECT archive_sha256 FROM sync_acks WHERE kind = 'documents'"
                               " AND record_id = ?", [document_id]).fetchone()
        return row[0] if row else None

    def stamped_forms(self) -> int:
        """How many forms headquarters acknowledged with an archival (stamped) copy."""
        return self._db.execute("SELECT count(*) FROM sync_acks WHERE kind = 'documents'"
                                " AND archive_sha256 IS NOT NULL").fetchone()[0]

    def forget_acknowledgements(self) -> None:
        """Forget every acknowledgement: headquarters asked for everything again (it was
        restored from an older copy), and its same answer acknowledges again what it still
        holds."""
        self._db.execute("DELETE FROM sync_acks")

    # -- exports and applied bundles ----------------------------------------------------------
    def record_export(self, bundle_id: str, file_name: str, created_at: str, created_by: str,
                      through_seq: int, counts_json: str) -> None:
        self._db.execute(
            "INSERT INTO sync_exports (bundle_id, file_name, created_at, created_by,"
            " through_seq, counts) VALUES (?, ?, ?, ?, ?, ?)",
            [bundle_id, file_name, created_at, created_by, through_seq, counts_json])

    def last_export_at(self) -> str | None:
        return self._db.execute("SELECT max(created_at) FROM sync_exports").fetchone()[0]

    def was_applied(self, bundle_id: str) -> bool:
        """Whether a bundle from headquarters was applied here before (its sync.applied
        event is in the chain)."""
        return self._db.execute("SELECT 1 FROM events WHERE kind = 'sync.applied' AND"
                                " json_extract(payload, '$.bundle_id') = ?",
                                [bundle_id]).fetchone() is not None

    # -- whom the station trusts, and its own sync key -------------------------------------------
    def headquarters(self) -> TrustedHeadquartersRow | None:
        row = self._db.execute("SELECT name, age_recipient, certificate_pem, chain_pem,"
                               " tls_certificate_pem FROM sync_headquarters").fetchone()
        return TrustedHeadquartersRow(*row) if row else None

    def trust_headquarters(self, trusted: TrustedHeadquartersRow, at: str, by: str) -> None:
        self._db.execute(
            "INSERT INTO sync_headquarters (id, name, age_recipient, certificate_pem,"
            " chain_pem, tls_certificate_pem, trusted_at, trusted_by)"
            " VALUES (1, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT(id) DO UPDATE SET name = excluded.name, age_recipient ="
            " excluded.age_recipient, certificate_pem = excluded.certificate_pem,"
            " chain_pem = excluded.chain_pem, tls_certificate_pem ="
            " excluded.tls_certificate_pem, trusted_at = excluded.trusted_at,"
            " trusted_by = excluded.trusted_by",
            [trusted.name, trusted.age_recipient, trusted.certificate_pem, trusted.chain_pem,
             trusted.tls_certificate_pem, at, by])

    def station_key(self) -> StationSyncKey | None:
        row = self._db.execute("SELECT age_recipient, sealed_age_identity FROM"
                               " sync_station_key").fetchone()
        return StationSyncKey(*row) if row else None

    def put_station_key(self, key: StationSyncKey, at: str) -> None:
        self._db.execute(
            "INSERT INTO sync_station_key (id, age_recipient, sealed_age_identity, created_at)"
            " VALUES (1, ?, ?, ?)", [key.age_recipient, key.sealed_age_identity, at])

    # -- certificates headquarters revoked ----------------------------------------------------
    def is_revoked(self, fingerprint_sha256: str) -> bool:
        return self._db.execute("SELECT 1 FROM revoked_certificates WHERE fingerprint_sha256"
                                " = ?", [fingerprint_sha256]).fetchone() is not None

    def revocation(self, fingerprint_sha256: str) -> tuple[str | None, str | None] | None:
        """(reason, when) headquarters revoked a certificate, or None."""
        row = self._db.execute("SELECT reason, revoked_at FROM revoked_certificates WHERE"
                               " fingerprint_sha256 = ?", [fingerprint_sha256]).fetchone()
        return (row[0], row[1]) if row else None

    def add_revoked_certificate(self, fingerprint_sha256: str, serial_hex, subject, reason,
                                revoked_at, received_at: str) -> bool:
        """True when the certificate was not yet known as revoked."""
        return self._db.execute(
            "INSERT OR IGNORE INTO revoked_certificates (fingerprint_sha256, serial_hex,"
            " subject, reason, revoked_at, received_at) VALUES (?, ?, ?, ?, ?, ?)",
            [fingerprint_sha256, serial_hex, subject, reason, revoked_at,
             received_at]).rowcount > 0

    # -- the CRL headquarters sent down ------------------------------------------------------
    def newest_crl(self) -> tuple[int, str, str, bytes] | None:
        """(number, issued at, next update, DER) of the newest CRL kept, or None."""
        row = self._db.execute("SELECT number, issued_at, next_update, der FROM crls"
                               " ORDER BY number DESC LIMIT 1").fetchone()
        return (row[0], row[1], row[2], bytes(row[3])) if row else None

    def keep_crl(self, number: int, issued_at: str, next_update: str, der: bytes,
                 received_at: str) -> bool:
        """Keep a CRL newer than every one kept (the older ones go); False when it is not
        newer."""
        newest = self.newest_crl()
        if newest is not None and newest[0] >= number:
            return False
        self._db.execute("DELETE FROM crls")
        self._db.execute("INSERT INTO crls (number, issued_at, next_update, der, received_at)"
                         " VALUES (?, ?, ?, ?, ?)",
                         [number, issued_at, next_update, der, received_at])
        return True


class SyncState:
    """The station's side of the conversation: how far headquarters has acknowledged its
    chain, and how far it has applied headquarters' outbox (the sync_state table)."""

    def __init__(self, db: Database):
        self._db = db

    def all(self) -> dict[str, str]:
        return dict(self._db.execute("SELECT key, value FROM sync_state").fetchall())

    def get(self, key: str, default=None):
        row = self._db.execute("SELECT value FROM sync_state WHERE key = ?", [key]).fetchone()
        return row[0] if row else default

    def set(self, key: str, value) -> None:
        self._db.execute("INSERT INTO sync_state (key, value) VALUES (?, ?) ON CONFLICT(key)"
                         " DO UPDATE SET value = excluded.value", [key, str(value)])
