"""The queries of headquarters' own operation, apart from the records stations send: the
certificate revocation lists, the timestamp authority and the archival copies, the
operators' sessions and failed sign-ins, and junk uploads. A part of ``SqlHqStore``
(hq/store.py), which gives it ``_execute``, ``_one`` and ``sealer``."""

import json
from typing import Any

from screening_app.hq.sealing import LockedSealer, RecordSealer
from screening_app.hq.store_rows import (
    ArchivedDocumentRow,
    JunkPostsRow,
    OperatorSessionRow,
    TimestampAuthorityRow,
)

_ARCHIVE_COLUMNS = "document_id, generation, stamped_at, sha256, timestamp_expires_at"


class OperationsQueries:
    sealer: RecordSealer | LockedSealer

    def _execute(self, sql: str, params: list | tuple = ()) -> Any:
        raise NotImplementedError

    def _one(self, sql: str, params: list | tuple = ()) -> Any:
        raise NotImplementedError

    # -- certificate revocation lists (pki/crl.py) ---------------------------------------------
    def insert_crl(self, number: int, issued_at: str, next_update: str, der: bytes) -> None:
        self._execute("INSERT INTO crls (number, issued_at, next_update, der)"
                      " VALUES (?, ?, ?, ?)", [number, issued_at, next_update, der])

    def current_crl(self) -> bytes | None:
        """The DER of the newest CRL the CA issued (the highest number), or None."""
        der = self._one("SELECT der FROM crls ORDER BY number DESC LIMIT 1")
        return bytes(der) if der is not None else None

    # -- timestamp authorities and archival copies (hq/timestamps.py, hq/archive.py) ----------
    def insert_timestamp_authority(self, certificate_pem: str, chain_pem: str, key_slot: dict,
                                   created_at: str, not_after: str) -> None:
        self._execute("INSERT INTO timestamp_authorities (certificate_pem, chain_pem,"
                      " key_slot, created_at, not_after) VALUES (?, ?, ?, ?, ?)",
                      [certificate_pem, chain_pem, json.dumps(key_slot), created_at,
                       not_after])

    def timestamp_authorities(self) -> list[TimestampAuthorityRow]:
        """Every timestamp authority headquarters had, the one in use (newest) first."""
        rows = self._execute("SELECT id, certificate_pem, chain_pem, key_slot, created_at,"
                             " not_after FROM timestamp_authorities ORDER BY id DESC"
                             ).fetchall()
        return [TimestampAuthorityRow(row[0], row[1], row[2], json.loads(row[3]), row[4],
                                      row[5]) for row in rows]

    def documents_to_archive(self, station_id: str | None = None) -> list[str]:
        """Ids of the forms (of one station, or all) that have no archival copy yet."""
        sql = ("SELECT id FROM documents WHERE NOT EXISTS (SELECT 1 FROM archived_documents a"
               " WHERE a.document_id = documents.id)")
        params: list = []
        if station_id is not None:
            sql += " AND station_id = ?"
            params.append(station_id)
        return [row[0] for row in self._execute(sql + " ORDER BY created_at, id", params)]

    def insert_archived_document(self, row: ArchivedDocumentRow, content: bytes) -> bool:
        """Keep a generation of an archival copy; False when that generation is held
        already (another server process stamped the same form at the same time)."""
        cursor = self._execute(
            f"INSERT INTO archived_documents ({_ARCHIVE_COLUMNS}, content)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (document_id, generation) DO NOTHING",
            [row.document_id, row.generation, row.stamped_at, row.sha256,
             row.timestamp_expires_at,
             self.sealer.seal_bytes(content, "archived_documents.content")])
        return cursor.rowcount == 1

    def archived_document(self, document_id: str) -> tuple[ArchivedDocumentRow, bytes] | None:
        """The newest generation of a form's archival copy, with its content."""
        row = self._execute(f"SELECT {_ARCHIVE_COLUMNS}, content FROM archived_documents"
                            " WHERE document_id = ? ORDER BY generation DESC LIMIT 1",
                            [document_id]).fetchone()
        if row is None:
            return None
        return (ArchivedDocumentRow(*row[:5]),
                self.sealer.open_bytes(bytes(row[5]), "archived_documents.content"))

    def archives_expiring_before(self, moment: str) -> list[ArchivedDocumentRow]:
        """The newest generation of every archival copy whose last timestamp's certificate
        expires before ``moment``."""
        rows = self._execute(
            f"SELECT {_ARCHIVE_COLUMNS} FROM archived_documents a"
            " WHERE timestamp_expires_at < ? AND generation = (SELECT max(generation)"
            " FROM archived_documents b WHERE b.document_id = a.document_id)"
            " ORDER BY timestamp_expires_at, document_id", [moment]).fetchall()
        return [ArchivedDocumentRow(*row) for row in rows]

    def archive_counts(self) -> tuple[int, int]:
        """(forms with an archival copy, forms still waiting for one)."""
        archived = self._one("SELECT count(DISTINCT document_id) FROM archived_documents")
        documents = self._one("SELECT count(*) FROM documents")
        return archived, documents - archived

    # -- operators' sessions (hq/operator_sessions.py) ---------------------------------------
    # In the store, not in one process's memory: every worker of 'hq serve --workers N'
    # knows every session. The cookie's token is kept only as its hash, and the notice
    # (which may name a person) sealed.
    def insert_operator_session(self, token_sha256: str, operator: str, form_token: str,
                                at: float) -> None:
        self._execute("INSERT INTO operator_sessions (token_sha256, operator, form_token,"
                      " started_at, last_seen_at) VALUES (?, ?, ?, ?, ?)",
                      [token_sha256, operator, form_token, at, at])

    def operator_session(self, token_sha256: str) -> OperatorSessionRow | None:
        row = self._execute(
            "SELECT operator, form_token, started_at, last_seen_at, notice_kind, notice_text"
            " FROM operator_sessions WHERE token_sha256 = ?", [token_sha256]).fetchone()
        if row is None:
            return None
        notice = None if row[4] is None else (
            row[4], self.sealer.open_text(row[5], "operator_sessions.notice_text"))
        return OperatorSessionRow(row[0], row[1], float(row[2]), float(row[3]), notice)

    def touch_operator_session(self, token_sha256: str, at: float) -> None:
        self._execute("UPDATE operator_sessions SET last_seen_at = ? WHERE token_sha256 = ?",
                      [at, token_sha256])

    def set_operator_session_notice(self, token_sha256: str,
                                    notice: tuple[str, str] | None) -> None:
        kind, text = notice if notice is not None else (None, None)
        self._execute("UPDATE operator_sessions SET notice_kind = ?, notice_text = ?"
                      " WHERE token_sha256 = ?",
                      [kind, self.sealer.seal_text(text, "operator_sessions.notice_text"),
                       token_sha256])

    def end_operator_session(self, token_sha256: str) -> None:
        self._execute("DELETE FROM operator_sessions WHERE token_sha256 = ?", [token_sha256])

    def end_operator_sessions_before(self, seen_before: float, started_before: float) -> int:
        """End the sessions unused since ``seen_before`` or begun before ``started_before``;
        returns how many."""
        return self._execute("DELETE FROM operator_sessions WHERE last_seen_at < ?"
                             " OR started_at < ?", [seen_before, started_before]).rowcount

    # -- failed sign-ins, by account and by address (hq/operator_sessions.py) ----------------
    # Here rather than in one process's memory, so that 'hq serve --workers N' gives a
    # guesser no more attempts than one process would.
    def sign_in_failures(self, keys: list[str]) -> dict[str, tuple[int, float, float]]:
        """{key: (failures, last failure, blocked until)} of these keys."""
        if not keys:
            return {}
        rows = self._execute(
            "SELECT key, failures, last_at, blocked_until FROM sign_in_failures"
            f" WHERE key IN ({','.join('?' * len(keys))})", list(keys)).fetchall()
        return {row[0]: (int(row[1]), float(row[2]), float(row[3])) for row in rows}

    def put_sign_in_failures(self, key: str, failures: int, last_at: float,
                             blocked_until: float) -> None:
        self._execute(
            "INSERT INTO sign_in_failures (key, failures, last_at, blocked_until)"
            " VALUES (?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET"
            " failures = excluded.failures, last_at = excluded.last_at,"
            " blocked_until = excluded.blocked_until",
            [key, failures, last_at, blocked_until])

    def forget_sign_in_failures(self, keys: list[str]) -> None:
        if keys:
            self._execute(f"DELETE FROM sign_in_failures WHERE key IN"
                          f" ({','.join('?' * len(keys))})", list(keys))

    def forget_sign_in_failures_before(self, last_before: float) -> None:
        self._execute("DELETE FROM sign_in_failures WHERE last_at < ?", [last_before])

    # -- junk uploads, counted per client address (hq/junk.py) -----------------------------
    def add_junk_posts(self, client_address: str, refusals: int, *, first_at: str,
                       last_at: str, last_reason: str) -> int:
        """Count ``refusals`` more junk uploads from ``client_address``; returns its total.
        One statement (an upsert PostgreSQL writes alike), so two servers cannot both
        insert the address's first row."""
        rows = self._execute(  # read to the end: the statement then completes
            "INSERT INTO junk_posts (client_address, first_at, last_at, refusals, last_reason)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (client_address) DO UPDATE SET"
            " last_at = excluded.last_at, last_reason = excluded.last_reason,"
            " refusals = junk_posts.refusals + excluded.refusals RETURNING refusals",
            [client_address, first_at, last_at, refusals, last_reason]).fetchall()
        return rows[0][0]

    def junk_posts(self, limit: int = 50) -> list[JunkPostsRow]:
        """The addresses that sent junk, the latest first."""
        rows = self._execute(
            "SELECT client_address, first_at, last_at, refusals, last_reason FROM junk_posts"
            " ORDER BY last_at DESC, client_address LIMIT ?", [limit])
        return [JunkPostsRow(*row) for row in rows]
