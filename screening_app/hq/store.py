"""The headquarters database's queries: ``SqlHqStore`` runs them on either database, and
``SqliteHqStore`` opens ``hq.sqlite3`` in the HQ folder, like a station's database (WAL,
synchronous=FULL); hq/store_postgres.py opens PostgreSQL. What is asked of the store is
``HqStore`` (hq/store_interface.py); the rows it gives back are in hq/store_rows.py; the
queries of headquarters' own operation (revocation lists, timestamps and archival copies,
operators' sessions, junk uploads) in hq/store_operations.py. Headquarters' SQL lives in
these modules and nowhere else.

A store wraps one connection, which belongs to the thread that opened it: a server that
works on several threads takes another for each (``for_another_thread``).
"""

import json
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from screening_app.domain.canonical import canonical_json
from screening_app.domain.errors import UserError
from screening_app.hq.migrations import migrate
from screening_app.hq.sealing import LockedSealer, RecordSealer
from screening_app.hq.store_operations import OperationsQueries
from screening_app.hq.store_rows import (
    BundleRow,
    ConflictRow,
    HeldInterview,
    IdentityRow,
    IncidentRow,
    OutboxRow,
    ResolutionRow,
    RosterPerson,
    StationCounts,
    StationRow,
)
from screening_app.store.connection import open_database, write_transaction

HQ_DATABASE = "hq.sqlite3"
BATCH_ROWS = 1000
# How headquarters finds the (id, digest) of every record of one station it holds, by the
# bundle member the record came in (sync/members.py): what a down bundle acknowledges.
ACKNOWLEDGEMENT_QUERIES = {
    "users": "SELECT id, digest FROM users WHERE station_id = ?",
    "protocols": "SELECT sha256, digest FROM station_protocols WHERE station_id = ?",
    "subjects": "SELECT sealed, digest FROM subjects WHERE station_id = ?",
    "interviews": "SELECT id, record_sha256 FROM interviews WHERE station_id = ?",
    "reviews": "SELECT id, digest FROM reviews WHERE station_id = ?",
    # A form's acknowledgement also carries the digest of its newest archival copy.
    "documents": "SELECT id, sha256, (SELECT a.sha256 FROM archived_documents a"
                 " WHERE a.document_id = documents.id ORDER BY a.generation DESC LIMIT 1)"
                 " FROM documents WHERE station_id = ?",
}

_STATION_COLUMNS = ("station_id, camp, certificate_pem, fingerprint_sha256, age_recipient,"
                    " registered_at, revoked_at, revoke_reason, events_seq, events_hash,"
                    " applied_down_through, last_bundle_at, last_bundle_id")


class NoHeadquarters(UserError):
    pass


# -- the SQL both databases run ------------------------------------------------------------
class SqlHqStore(OperationsQueries):
    """Every query of the store, written once: ``?`` placeholders and standard SQL. A
    subclass opens the connection and says the few things SQLite and PostgreSQL say
    differently (``_execute``, ``_stream``, ``_ARRIVAL_ORDER``, locks).

    What the store keeps of people is sealed by ``sealer`` on the way in and opened on the
    way out (hq/sealing.py): callers see plain values, the database holds sealed ones, and
    people are found by keyed hashes of their ISNs (``isn`` columns)."""

    # Headquarters.open sets the data key's sealer; without the passphrase, nothing opens.
    sealer: RecordSealer | LockedSealer = LockedSealer()

    # A column that orders rows of a table as they arrived (reviews with the same time).
    _ARRIVAL_ORDER = "rowid"
    # True where the database lets one writer at a time in (SQLite): a server then takes in
    # one bundle at a time, and runs in one process.
    serialises_writers = True

    def _execute(self, sql: str, params: list | tuple = ()) -> Any:
        raise NotImplementedError

    def _stream(self, sql: str, params: list | tuple = ()) -> Iterator[tuple]:
        """The rows of a query read in batches, never all in memory at once."""
        raise NotImplementedError

    # Intake of one station's bundles runs one at a time, and conflicts are detected by one
    # intake at a time; where the database already serialises every writer, these do nothing.
    def lock_station(self, station_id: str) -> None:
        """Wait (inside a write transaction) until no other intake of this station runs."""

    def lock_conflicts(self) -> None:
        """Wait (inside a write transaction) until no other writer is opening or deciding
        conflicts."""

    def query(self, sql: str, params: list | tuple = ()) -> list[tuple]:
        """Rows of a read-only query written with ``?`` placeholders: for checks and tests
        that look at what is stored, whichever database holds it."""
        return [tuple(row) for row in self._execute(sql, params).fetchall()]

    def batched(self) -> AbstractContextManager[Any]:
        """Many small statements in a row (intake's records, inside its transaction): where
        each is a round trip to a server, writes are sent without waiting for each answer.
        No streamed read (``_stream``) inside."""
        return nullcontext()

    def _write(self, sql: str, params: list | tuple) -> None:
        """An insert of one row of intake's records: inside ``batched`` a store may send
        it with others of the same statement, before anything else is run."""
        self._execute(sql, params)

    def _one(self, sql: str, params: list | tuple = ()) -> Any:
        row = self._execute(sql, params).fetchone()
        return row[0] if row else None

    # -- identity and operators ---------------------------------------------------------
    def identity(self) -> IdentityRow | None:
        row = self._execute(
            "SELECT name, age_recipient, sealed_age_identity, signing_key_slot,"
            " certificate_pem, chain_pem, root_pem, created_at, data_key_slot"
            " FROM hq_identity WHERE id = 1").fetchone()
        if row is None:
            return None
        return IdentityRow(row[0], row[1], json.loads(row[2]), json.loads(row[3]), *row[4:8],
                           json.loads(row[8]) if row[8] else None)

    def insert_identity(self, row: IdentityRow) -> None:
        self._execute(
            "INSERT INTO hq_identity (id, name, age_recipient, sealed_age_identity,"
            " signing_key_slot, certificate_pem, chain_pem, root_pem, created_at,"
            " data_key_slot) VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [row.name, row.age_recipient, json.dumps(row.sealed_age_identity),
             json.dumps(row.signing_key_slot), row.certificate_pem, row.chain_pem,
             row.root_pem, row.created_at,
             json.dumps(row.data_key_slot) if row.data_key_slot else None])

    def insert_operator(self, name: str, password_hash: str, created_at: str) -> None:
        self._execute("INSERT INTO operators (name, password_hash, created_at)"
                      " VALUES (?, ?, ?)",
                      [name, self.sealer.seal_text(password_hash, "operators.password_hash"),
                       created_at])

    def operator_password_hash(self, name: str) -> str | None:
        return self.sealer.open_text(self._one(
            "SELECT password_hash FROM operators WHERE lower(name) = lower(?)", [name]),
            "operators.password_hash")

    def operator_names(self) -> list[str]:
        return [r[0] for r in self._execute("SELECT name FROM operators ORDER BY name")]

    # -- stations -------------------------------------------------------------------------
    def station(self, station_id: str) -> StationRow | None:
        row = self._execute(f"SELECT {_STATION_COLUMNS} FROM stations WHERE station_id = ?",
                              [station_id]).fetchone()
        return StationRow(*row) if row else None

    def station_by_fingerprint(self, fingerprint_sha256: str) -> StationRow | None:
        row = self._execute(
            f"SELECT {_STATION_COLUMNS} FROM stations WHERE fingerprint_sha256 = ?",
            [fingerprint_sha256]).fetchone()
        return StationRow(*row) if row else None

    def stations(self) -> list[StationRow]:
        rows = self._execute(f"SELECT {_STATION_COLUMNS} FROM stations ORDER BY station_id")
        return [StationRow(*row) for row in rows]

    def insert_station(self, station_id: str, camp: str, certificate_pem: str,
                       fingerprint_sha256: str, registered_at: str) -> None:
        self._execute(
            "INSERT INTO stations (station_id, camp, certificate_pem, fingerprint_sha256,"
            " registered_at) VALUES (?, ?, ?, ?, ?)",
            [station_id, camp, certificate_pem, fingerprint_sha256, registered_at])

    def learn_age_recipient(self, station_id: str, age_recipient: str) -> None:
        """The station's age key from its enrolment request, for a station no bundle has
        told yet (a bundle's own key, recorded with it, wins from then on)."""
        self._execute("UPDATE stations SET age_recipient = ? WHERE station_id = ?"
                      " AND age_recipient IS NULL", [age_recipient, station_id])

    def revoke_station(self, station_id: str, at: str, reason: str) -> None:
        self._execute("UPDATE stations SET revoked_at = ?, revoke_reason = ?"
                        " WHERE station_id = ? AND revoked_at IS NULL",
                        [at, reason, station_id])

    def replace_station_certificate(self, station_id: str, certificate_pem: str,
                                    fingerprint_sha256: str) -> None:
        """The station installed a renewal of its certificate (hq/renewal.py)."""
        self._execute("UPDATE stations SET certificate_pem = ?, fingerprint_sha256 = ?"
                      " WHERE station_id = ?", [certificate_pem, fingerprint_sha256,
                                                station_id])

    def record_bundle_applied(self, station_id: str, *, events_seq: int, events_hash: str,
                              age_recipient: str, applied_down_through: int, at: str,
                              bundle_id: str) -> None:
        # applied_down_through never goes back: an older bundle may arrive after a newer one.
        self._execute(
            "UPDATE stations SET events_seq = ?, events_hash = ?, age_recipient = ?,"
            " applied_down_through = CASE WHEN applied_down_through > ?"
            " THEN applied_down_through ELSE ? END, last_bundle_at = ?, last_bundle_id = ?"
            " WHERE station_id = ?",
            [events_seq, events_hash, age_recipient, applied_down_through,
             applied_down_through, at, bundle_id, station_id])

    def station_counts(self) -> dict[str, StationCounts]:
        counts: dict[str, dict[str, int]] = {}
        for table in ("interviews", "documents", "reviews", "subjects"):
            for station_id, number in self._execute(
                    f"SELECT station_id, count(*) FROM {table} GROUP BY station_id"):
                counts.setdefault(station_id, {})[table] = number
        return {station: StationCounts(**values) for station, values in counts.items()}

    # -- bundles and incidents --------------------------------------------------------------
    _BUNDLE_COLUMNS = ("bundle_id, station_id, kind, file_name, received_at, via, created_at,"
                       " counts, added")

    def bundle(self, bundle_id: str) -> BundleRow | None:
        row = self._execute(f"SELECT {self._BUNDLE_COLUMNS} FROM bundles WHERE bundle_id = ?",
                              [bundle_id]).fetchone()
        return _bundle_row(row) if row else None

    def insert_bundle(self, row: BundleRow) -> None:
        self._execute(
            f"INSERT INTO bundles ({self._BUNDLE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [row.bundle_id, row.station_id, row.kind, row.file_name, row.received_at, row.via,
             row.created_at, canonical_json(row.counts), canonical_json(row.added)])

    def bundles(self, station_id: str | None = None, limit: int = 100) -> list[BundleRow]:
        where, params = ("WHERE station_id = ?", [station_id]) if station_id else ("", [])
        rows = self._execute(f"SELECT {self._BUNDLE_COLUMNS} FROM bundles {where}"
                               " ORDER BY received_at DESC LIMIT ?", [*params, limit])
        return [_bundle_row(row) for row in rows]

    def insert_incident(self, *, at: str, station_id: str | None, bundle_id: str | None,
                        file_name: str | None, kind: str, reason: str) -> int:
        cursor = self._execute(
            "INSERT INTO incidents (at, station_id, bundle_id, file_name, kind, reason)"
            " VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
            [at, station_id, bundle_id, file_name, kind,
             self.sealer.seal_text(reason, "incidents.reason")])
        return cursor.fetchone()[0]

    def incidents(self, limit: int = 100) -> list[IncidentRow]:
        rows = self._execute("SELECT id, at, station_id, bundle_id, file_name, kind, reason"
                               " FROM incidents ORDER BY id DESC LIMIT ?", [limit])
        return [IncidentRow(*row[:6], self.sealer.open_text(row[6], "incidents.reason"))
                for row in rows]

    # -- a station's event chain -------------------------------------------------------------
    def event_hash(self, station_id: str, seq: int) -> str | None:
        return self._one("SELECT hash FROM events WHERE station_id = ? AND seq = ?",
                         [station_id, seq])

    def insert_event(self, station_id: str, event: dict) -> None:
        self._write(
            "INSERT INTO events (station_id, seq, id, at, actor_id, kind, interview_id,"
            " payload, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [station_id, event["seq"], event["id"], event["at"], event["actor_id"],
             event["kind"], event["interview_id"],
             self.sealer.seal_text(canonical_json(event["payload"]), "events.payload"),
             event["prev_hash"], event["hash"]])

    def has_finalisation(self, station_id: str, interview_id: str,
                         record_sha256: str) -> bool:
        payloads = self._execute(
            "SELECT payload FROM events WHERE station_id = ? AND interview_id = ?"
            " AND kind = 'interview.finalised'", [station_id, interview_id]).fetchall()
        return any(json.loads(self.sealer.open_text(payload, "events.payload")).get(
            "record_sha256") == record_sha256 for (payload,) in payloads)

    # -- records from stations --------------------------------------------------------------
    def interview_digest(self, interview_id: str) -> tuple[str, str] | None:
        row = self._execute("SELECT station_id, record_sha256 FROM interviews WHERE id = ?",
                              [interview_id]).fetchone()
        return (row[0], row[1]) if row else None

    def insert_interview(self, station_id: str, record: dict, record_sha256: str,
                         canonical: str | None = None) -> None:
        """``canonical``: the record's canonical JSON, when the caller made it already."""
        self._write(
            "INSERT INTO interviews (id, station_id, subject_isn, outcome, choice, finalised_at,"
            " supersedes_id, interviewer_name, record, record_sha256)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            # The choice and the interviewer are read from the sealed record; their
            # columns stay empty (they held them in clear before sealing).
            [record["id"], station_id, self.sealer.isn_key(record["subject_isn"]),
             record["outcome"], None, record["finalised_at"], record.get("supersedes_id"),
             None, self.sealer.seal_text(canonical or canonical_json(record),
                                         "interviews.record"),
             record_sha256])

    def interview_owner(self, interview_id: str) -> tuple[str, str] | None:
        """(station id, subject ISN) of a held interview."""
        row = self._execute("SELECT station_id, record FROM interviews WHERE id = ?",
                            [interview_id]).fetchone()
        if row is None:
            return None
        return row[0], json.loads(self.sealer.open_text(row[1], "interviews.record"))[
            "subject_isn"]

    def interview_finalised_at(self, interview_id: str) -> str | None:
        return self._one("SELECT finalised_at FROM interviews WHERE id = ?", [interview_id])

    def review_digest(self, review_id: str) -> tuple[str, str] | None:
        row = self._execute("SELECT station_id, digest FROM reviews WHERE id = ?",
                              [review_id]).fetchone()
        return (row[0], row[1]) if row else None

    def insert_review(self, station_id: str, review: dict, digest: str) -> None:
        self._write(
            "INSERT INTO reviews (id, station_id, interview_id, state, reason, comment,"
            " reviewer_id, at, digest) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [review["id"], station_id, review["interview_id"], review["state"],
             self.sealer.seal_text(review.get("reason"), "reviews.reason"),
             self.sealer.seal_text(review.get("comment"), "reviews.comment"),
             review.get("reviewer_id"), review["at"], digest])

    def reviews(self, station_id: str) -> list[dict]:
        """The station's reviews as it sent them (for checks and tests), in arrival order."""
        rows = self._execute(
            "SELECT id, interview_id, state, reason, comment, reviewer_id, at FROM reviews"
            f" WHERE station_id = ? ORDER BY {self._ARRIVAL_ORDER}", [station_id])
        return [{"id": row[0], "interview_id": row[1], "state": row[2],
                 "reason": self.sealer.open_text(row[3], "reviews.reason"),
                 "comment": self.sealer.open_text(row[4], "reviews.comment"),
                 "reviewer_id": row[5], "at": row[6]} for row in rows]

    # The digests of many records of one kind in one query (intake reads a chunk of a
    # bundle's rows at a time): the member's kind -> the query, its keys in ``IN ({})``.
    _HELD_DIGESTS = {
        "subjects": "SELECT isn, digest FROM subjects WHERE station_id = ? AND isn IN ({})",
        "interviews": "SELECT id, station_id, record_sha256 FROM interviews WHERE id IN ({})",
        "reviews": "SELECT id, station_id, digest FROM reviews WHERE id IN ({})",
        "documents": "SELECT id, station_id, sha256 FROM documents WHERE id IN ({})",
    }

    def held_digests(self, kind: str, station_id: str, keys: Sequence[str]) -> dict:
        """What ``subject_digest`` (for "subjects", of this station) or
        ``interview_digest``, ``review_digest`` and ``document_digest`` give for each key,
        for the keys held; in a few queries instead of one per key."""
        by_stored_key = ({self.sealer.isn_key(isn): isn for isn in keys} if kind == "subjects"
                         else {key: key for key in keys})
        wanted = sorted(by_stored_key)
        held = {}
        for start in range(0, len(wanted), 500):
            part = wanted[start:start + 500]
            params = [station_id, *part] if kind == "subjects" else part
            for row in self._execute(self._HELD_DIGESTS[kind].format(",".join("?" * len(part))),
                                     params):
                held[by_stored_key[row[0]]] = row[1] if kind == "subjects" else (row[1], row[2])
        return held

    def document_digest(self, document_id: str) -> tuple[str, str] | None:
        row = self._execute("SELECT station_id, sha256 FROM documents WHERE id = ?",
                              [document_id]).fetchone()
        return (row[0], row[1]) if row else None

    def insert_document(self, station_id: str, document: dict, content: bytes) -> None:
        self._write(
            "INSERT INTO documents (id, station_id, interview_id, kind, revision, previous_id,"
            " media_type, sha256, created_at, created_by, content)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [document["id"], station_id, document["interview_id"], document["kind"],
             document["revision"], document.get("previous_id"), document["media_type"],
             document["sha256"], document["created_at"], document.get("created_by"),
             self.sealer.seal_bytes(content, "documents.content")])

    def document_content(self, document_id: str) -> bytes | None:
        content = self._one("SELECT content FROM documents WHERE id = ?", [document_id])
        return None if content is None else self.sealer.open_bytes(content,
                                                                   "documents.content")

    def document_ids(self, station_id: str) -> list[str]:
        """The ids of a station's stored forms, oldest first."""
        return [row[0] for row in self._execute(
            "SELECT id FROM documents WHERE station_id = ? ORDER BY created_at, id",
            [station_id])]

    def user_digest(self, station_id: str, user_id: str) -> str | None:
        return self._one("SELECT digest FROM users WHERE station_id = ? AND id = ?",
                         [station_id, user_id])

    def put_user(self, station_id: str, user: dict, digest: str) -> None:
        self._write(
            "INSERT INTO users (station_id, id, name, role, disabled_at, digest)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (station_id, id) DO UPDATE SET"
            " name = excluded.name, role = excluded.role, disabled_at = excluded.disabled_at,"
            " digest = excluded.digest",
            [station_id, user["id"], self.sealer.seal_text(user["name"], "users.name"),
             user["role"], user.get("disabled_at"), digest])

    def user_names(self, station_id: str) -> list[str]:
        return sorted(self.sealer.open_text(name, "users.name") for (name,) in self._execute(
            "SELECT name FROM users WHERE station_id = ?", [station_id]))

    def active_user_names(self, station_id: str) -> list[str]:
        """The accounts the station's last bundle did not say were disabled."""
        return sorted(self.sealer.open_text(name, "users.name") for (name,) in self._execute(
            "SELECT name FROM users WHERE station_id = ? AND disabled_at IS NULL",
            [station_id]))

    _SUBJECT_FIELDS = ("isn", "name_native", "name_latin", "nationality", "rank", "unit",
                       "camp", "compound", "birth_year", "added_at", "updated_at")

    def subject_digest(self, station_id: str, isn: str) -> str | None:
        return self._one("SELECT digest FROM subjects WHERE station_id = ? AND isn = ?",
                         [station_id, self.sealer.isn_key(isn)])

    def put_subject(self, station_id: str, subject: dict, digest: str) -> None:
        """The roster row, sealed whole in ``sealed`` (its other columns stay empty)."""
        row = {name: subject.get(name) for name in self._SUBJECT_FIELDS}
        self._write(
            "INSERT INTO subjects (station_id, isn, sealed, digest) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (station_id, isn) DO UPDATE SET sealed = excluded.sealed,"
            " digest = excluded.digest",
            [station_id, self.sealer.isn_key(subject["isn"]),
             self.sealer.seal_text(canonical_json(row), "subjects.sealed"), digest])

    def _subject(self, sealed: str) -> dict:
        return json.loads(self.sealer.open_text(sealed, "subjects.sealed"))

    def protocol_definition(self, sha256: str) -> str | None:
        return self.sealer.open_text(
            self._one("SELECT definition FROM protocols WHERE sha256 = ?", [sha256]),
            "protocols.definition")

    def insert_protocol(self, sha256: str, protocol_id: str, version: int, definition: str,
                        received_at: str) -> None:
        self._execute(
            "INSERT INTO protocols (sha256, protocol_id, version, definition, received_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING",
            [sha256, protocol_id, version,
             self.sealer.seal_text(definition, "protocols.definition"), received_at])

    def station_protocol_digest(self, station_id: str, sha256: str) -> str | None:
        return self._one("SELECT digest FROM station_protocols WHERE station_id = ?"
                         " AND sha256 = ?", [station_id, sha256])

    def put_station_protocol(self, station_id: str, sha256: str, digest: str) -> None:
        self._execute(
            "INSERT INTO station_protocols (station_id, sha256, digest) VALUES (?, ?, ?)"
            " ON CONFLICT (station_id, sha256) DO UPDATE SET digest = excluded.digest",
            [station_id, sha256, digest])

    def acknowledgements(self, station_id: str) -> Iterator[dict]:
        """Every record of the station held here, as (kind, id, digest), in batches."""
        for kind, sql in ACKNOWLEDGEMENT_QUERIES.items():
            if kind == "subjects":  # the ISN is sealed in the row: opened, then in order
                rows = sorted((self._subject(sealed)["isn"], digest)
                              for sealed, digest in self._stream(sql, [station_id]))
            else:
                rows = self._stream(sql + " ORDER BY 1", [station_id])
            for row in rows:
                ack = {"kind": kind, "id": row[0], "digest": row[1]}
                if len(row) > 2 and row[2] is not None:
                    ack["archive_sha256"] = row[2]
                yield ack

    # -- what conflicts and the merged lists read ---------------------------------------------
    def final_interviews(self, isns: list[str] | None = None) -> Iterator[HeldInterview]:
        """Final interviews (of the given people, or of everyone), ordered by person and
        time of finalisation."""
        sql = (
            "SELECT interviews.id, station_id, outcome, finalised_at, supersedes_id,"
            " coalesce((SELECT state FROM reviews WHERE reviews.interview_id = interviews.id"
            f"           ORDER BY at DESC, {self._ARRIVAL_ORDER} DESC LIMIT 1), 'received'),"
            " record FROM interviews"
        )
        if isns is None:
            yield from self._held(sql + " ORDER BY subject_isn, finalised_at, id", [])
            return
        unique = sorted({self.sealer.isn_key(isn) for isn in isns})
        for start in range(0, len(unique), 500):
            part = unique[start:start + 500]
            yield from self._held(
                sql + f" WHERE subject_isn IN ({','.join('?' * len(part))})"
                " ORDER BY subject_isn, finalised_at, id", part)

    def held_at_several_stations(self, isns: Sequence[str]) -> list[str]:
        """Those of these people whose final interviews come from more than one station."""
        by_key = {self.sealer.isn_key(isn): isn for isn in isns}
        keys = sorted(by_key)
        found = []
        for start in range(0, len(keys), 500):
            part = keys[start:start + 500]
            found += [by_key[row[0]] for row in self._execute(
                f"SELECT subject_isn FROM interviews WHERE subject_isn IN"
                f" ({','.join('?' * len(part))}) GROUP BY subject_isn"
                " HAVING count(DISTINCT station_id) > 1", part)]
        return found

    def _held(self, sql: str, params: list) -> Iterator[HeldInterview]:
        for row in self._stream(sql, params):
            record = json.loads(self.sealer.open_text(row[6], "interviews.record"))
            snapshot = record.get("subject_snapshot") or {}
            yield HeldInterview(row[0], row[1], record["subject_isn"], row[2],
                                record.get("choice"), row[3], row[4],
                                record.get("interviewer_name"), row[5],
                                snapshot.get("name_native"), snapshot.get("name_latin"))

    def interview_record(self, interview_id: str) -> dict | None:
        text = self._one("SELECT record FROM interviews WHERE id = ?", [interview_id])
        return (json.loads(self.sealer.open_text(text, "interviews.record"))
                if text is not None else None)

    def interview_records(self) -> Iterator[tuple[str, dict]]:
        """(station id, record) of every interview held, in no particular order."""
        for station_id, text in self._stream("SELECT station_id, record FROM interviews"):
            yield station_id, json.loads(self.sealer.open_text(text, "interviews.record"))

    def station_events(self, kinds: Sequence[str]) -> list[tuple[str, str, dict]]:
        """(station id, kind, payload) of every event of these kinds that belongs to no
        interview (a station's own: its list of interpreters, say), each station's in
        the order it made them."""
        marks = ", ".join("?" * len(kinds))
        return [(station_id, kind, json.loads(self.sealer.open_text(payload,
                                                                    "events.payload")))
                for station_id, kind, payload in self._execute(
                    "SELECT station_id, kind, payload FROM events WHERE interview_id IS NULL"
                    f" AND kind IN ({marks}) ORDER BY station_id, seq", list(kinds))]

    def roster_people(self) -> Iterator[RosterPerson]:
        people = []
        for station_id, sealed in self._stream("SELECT station_id, sealed FROM subjects"):
            row = self._subject(sealed)
            people.append(RosterPerson(row["isn"], row.get("name_native"),
                                       row.get("name_latin"), row.get("nationality"),
                                       row.get("compound"), row.get("camp"), station_id,
                                       source="station"))
        # By ISN: the rows are found by keyed hashes, whose order means nothing.
        yield from sorted(people, key=lambda person: (person.isn, person.station_id or ""))
        for entry in self.outbox(("roster",)):
            person = entry.payload
            yield RosterPerson(person["isn"], person.get("name_native"),
                               person.get("name_latin"), person.get("nationality"),
                               person.get("compound"), person.get("camp"), entry.station_id,
                               source="published")

    def merged_lists_inputs(self) -> list:
        """A summary of everything the merged lists and their signed PDF are made from,
        which changes whenever any of it does: stations' records, reviews and rosters come
        only by intake, which records a bundle and the station's head with them (their
        counts catch any other writer but an update in place); conflicts
        and decisions add rows (a decision also closes its conflict); what headquarters
        publishes is a new outbox entry; the signing certificate is renewed in place."""
        summary = self._execute(
            "SELECT (SELECT count(*) FROM bundles), (SELECT count(*) FROM interviews),"
            " (SELECT count(*) FROM reviews), (SELECT count(*) FROM subjects),"
            " (SELECT count(*) FROM conflicts),"
            " (SELECT count(*) FROM conflicts WHERE status = 'open'),"
            " (SELECT coalesce(max(id), 0) FROM conflict_resolutions),"
            " (SELECT count(*) FROM conflict_resolutions),"
            " (SELECT coalesce(max(seq), 0) FROM outbox), (SELECT count(*) FROM protocols),"
            " (SELECT certificate_pem FROM hq_identity WHERE id = 1)").fetchone()
        heads = self._execute("SELECT station_id, events_seq, events_hash, last_bundle_id"
                              " FROM stations ORDER BY station_id").fetchall()
        return [list(summary), [list(row) for row in heads]]

    # -- conflicts ------------------------------------------------------------------------
    _CONFLICT_COLUMNS = "id, isn, detected_at, status, summary"

    def open_conflicts(self, isns: Sequence[str]) -> dict[str, ConflictRow]:
        """The open conflict of each of these people who has one."""
        keys = sorted({self.sealer.isn_key(isn) for isn in isns})
        found = {}
        for start in range(0, len(keys), 500):
            part = keys[start:start + 500]
            for row in self._execute(f"SELECT {self._CONFLICT_COLUMNS} FROM conflicts WHERE"
                                     f" status = 'open' AND isn IN ({','.join('?' * len(part))})",
                                     part):
                conflict = self._conflict_row(row)
                found[conflict.isn] = conflict
        return found

    def conflict(self, conflict_id: int) -> ConflictRow | None:
        row = self._execute(f"SELECT {self._CONFLICT_COLUMNS} FROM conflicts WHERE id = ?",
                              [conflict_id]).fetchone()
        return self._conflict_row(row) if row else None

    def conflicts(self, status: str | None = None) -> list[ConflictRow]:
        where, params = ("WHERE status = ?", [status]) if status else ("", [])
        rows = self._execute(f"SELECT {self._CONFLICT_COLUMNS} FROM conflicts {where}"
                               " ORDER BY id", params)
        return [self._conflict_row(row) for row in rows]

    def insert_conflict(self, isn: str, detected_at: str, summary: list[dict]) -> int:
        cursor = self._execute(
            "INSERT INTO conflicts (isn, detected_at, status, summary) VALUES (?, ?, 'open', ?)"
            " RETURNING id",
            [self.sealer.isn_key(isn), detected_at, self._sealed_summary(isn, summary)])
        return cursor.fetchone()[0]

    def update_conflict_summary(self, conflict_id: int, summary: list[dict]) -> None:
        held = self.conflict(conflict_id)
        if held is None:
            return
        self._execute("UPDATE conflicts SET summary = ? WHERE id = ? AND status = 'open'",
                      [self._sealed_summary(held.isn, summary), conflict_id])

    def _sealed_summary(self, isn: str, summary: list[dict]) -> str:
        """The person's ISN and the records' summary, sealed together."""
        return self.sealer.seal_text(canonical_json({"isn": isn, "records": summary}),
                                     "conflicts.summary")

    def _conflict_row(self, row) -> ConflictRow:
        opened = json.loads(self.sealer.open_text(row[4], "conflicts.summary"))
        return ConflictRow(row[0], opened["isn"], row[2], row[3], opened["records"])

    def insert_resolution(self, conflict_id: int, decided_at: str, operator: str,
                          keep_interview_id: str, note: str) -> int:
        """The decision, and the conflict marked resolved with it (call in a transaction)."""
        cursor = self._execute(
            "INSERT INTO conflict_resolutions (conflict_id, decided_at, operator,"
            " keep_interview_id, note) VALUES (?, ?, ?, ?, ?) RETURNING id",
            [conflict_id, decided_at, operator, keep_interview_id,
             self.sealer.seal_text(note, "conflict_resolutions.note")])
        resolution_id = cursor.fetchone()[0]
        self._execute("UPDATE conflicts SET status = 'resolved' WHERE id = ?", [conflict_id])
        return resolution_id

    def resolutions(self, conflict_id: int | None = None) -> list[ResolutionRow]:
        where, params = ("WHERE conflict_id = ?", [conflict_id]) if conflict_id else ("", [])
        rows = self._execute(
            "SELECT id, conflict_id, decided_at, operator, keep_interview_id, note"
            f" FROM conflict_resolutions {where} ORDER BY id", params)
        return [ResolutionRow(*row[:5],
                              self.sealer.open_text(row[5], "conflict_resolutions.note"))
                for row in rows]

    # -- the outbox -------------------------------------------------------------------------
    def insert_outbox(self, station_id: str | None, kind: str, payload: dict,
                      created_at: str) -> int:
        cursor = self._execute(
            "INSERT INTO outbox (station_id, kind, payload, created_at) VALUES (?, ?, ?, ?)"
            " RETURNING seq",
            [station_id, kind, self.sealer.seal_text(canonical_json(payload), "outbox.payload"),
             created_at])
        return cursor.fetchone()[0]

    def outbox(self, kinds: tuple[str, ...], *, station_id: str | None = None,
               after_seq: int = 0) -> Iterator[OutboxRow]:
        """Entries of these kinds after ``after_seq``, in order; with ``station_id``, those
        for that station and those for every station."""
        sql = (f"SELECT seq, station_id, kind, payload, created_at FROM outbox"
               f" WHERE seq > ? AND kind IN ({','.join('?' * len(kinds))})")
        params: list = [after_seq, *kinds]
        if station_id is not None:
            sql += " AND (station_id IS NULL OR station_id = ?)"
            params.append(station_id)
        for seq, station, kind, payload, created_at in self._stream(sql + " ORDER BY seq",
                                                                     params):
            yield OutboxRow(seq, station, kind,
                            json.loads(self.sealer.open_text(payload, "outbox.payload")),
                            created_at)

    def outbox_through(self) -> int:
        return self._one("SELECT coalesce(max(seq), 0) FROM outbox")



# -- SQLite ---------------------------------------------------------------------------------
class SqliteHqStore(SqlHqStore):
    """``hq.sqlite3`` in the HQ folder, opened like a station's database (WAL,
    synchronous=FULL). Every write transaction takes SQLite's write lock at its start, so
    writers are serialised already and the locks of the base class need nothing more."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.db: Database = open_database(self.path)
        migrate(self.db)

    # -- general ------------------------------------------------------------------------
    def transaction(self) -> AbstractContextManager[Database]:
        return write_transaction(self.db)

    @contextmanager
    def snapshot(self) -> Iterator[Database]:
        """A read transaction: everything read inside sees one committed state, whatever
        other connections write meanwhile."""
        if self.db.conn.in_transaction:
            yield self.db
            return
        self.db.conn.execute("BEGIN")
        try:
            yield self.db
        finally:
            if self.db.conn.in_transaction:
                self.db.conn.execute("ROLLBACK")

    def close(self) -> None:
        self.db.close()

    def for_another_thread(self) -> "SqliteHqStore":
        """The same database on a connection of its own (a SQLite connection belongs to the
        thread that opened it)."""
        return SqliteHqStore(self.path)

    def integrity_problems(self) -> list[str]:
        rows = [row[0] for row in self.db.execute("PRAGMA integrity_check").fetchall()]
        return [] if rows == ["ok"] else rows

    def _execute(self, sql: str, params: list | tuple = ()) -> Any:
        return self.db.execute(sql, params)

    def _stream(self, sql: str, params: list | tuple = ()) -> Iterator[tuple]:
        cursor = self.db.execute(sql, params)
        while rows := cursor.fetchmany(BATCH_ROWS):
            yield from rows

    def seal_plain_records(self, sealer: RecordSealer, data_key_slot: dict) -> None:
        """Seal what a headquarters made before sealing holds in clear, in one transaction,
        then rewrite the file so that no page keeps the clear values (VACUUM)."""
        with self.transaction():
            # Rows sent by stations refuse UPDATE; lift the triggers for this one rewrite and
            # put back exactly what was there.
            triggers = self._execute("SELECT name, sql FROM sqlite_master"
                                     " WHERE type = 'trigger'").fetchall()
            for name, _ in triggers:
                self._execute(f"DROP TRIGGER {name}")
            for table, key, columns in _PLAIN_COLUMNS:
                self._seal_table(sealer, table, key, columns)
            for subject_key, isn, row in self._plain_subjects():
                self._execute("UPDATE subjects SET isn = ?, sealed = ?, "
                              + ", ".join(f"{name} = NULL" for name in self._SUBJECT_FIELDS[1:])
                              + " WHERE station_id = ? AND isn = ?",
                              [sealer.isn_key(isn),
                               sealer.seal_text(canonical_json(row), "subjects.sealed"),
                               *subject_key])
            for _, sql in triggers:
                self._execute(sql)
            self._execute("UPDATE hq_identity SET data_key_slot = ? WHERE id = 1",
                          [json.dumps(data_key_slot)])
        self.db.execute("VACUUM")
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def _seal_table(self, sealer: RecordSealer, table: str, key: tuple[str, ...],
                    columns: dict) -> None:
        names = list(columns)
        rows = self._execute(f"SELECT {', '.join(key)}, {', '.join(names)} FROM {table}"
                             ).fetchall()
        for row in rows:
            plain = dict(zip(names, row[len(key):], strict=True))
            values = [columns[name](sealer, plain[name], plain) for name in names]
            self._execute(f"UPDATE {table} SET {', '.join(f'{n} = ?' for n in names)}"
                          f" WHERE {' AND '.join(f'{k} = ?' for k in key)}",
                          [*values, *row[:len(key)]])

    def _plain_subjects(self) -> list[tuple[tuple[str, str], str, dict]]:
        fields = self._SUBJECT_FIELDS
        rows = self._execute(f"SELECT station_id, {', '.join(fields)} FROM subjects").fetchall()
        return [((row[0], row[1]), row[1], dict(zip(fields, row[1:], strict=True)))
                for row in rows]


def _sealed_text(column: str):
    return lambda sealer, value, plain: sealer.seal_text(value, column)


def _sealed_json(column: str):
    """A JSON value stored as text before sealing, sealed in canonical form."""
    return lambda sealer, value, plain: sealer.seal_text(
        None if value is None else canonical_json(json.loads(value)), column)


# What a headquarters made before sealing kept in clear: (table, key columns, {column: how
# it is sealed}). Columns whose value moved into the sealed record are emptied.
_PLAIN_COLUMNS = (
    ("operators", ("name",), {"password_hash": _sealed_text("operators.password_hash")}),
    ("incidents", ("id",), {"reason": _sealed_text("incidents.reason")}),
    ("events", ("station_id", "seq"), {"payload": _sealed_text("events.payload")}),
    ("protocols", ("sha256",), {"definition": _sealed_text("protocols.definition")}),
    ("users", ("station_id", "id"), {"name": _sealed_text("users.name")}),
    ("interviews", ("id",), {
        "subject_isn": lambda sealer, value, plain: sealer.isn_key(value),
        "choice": lambda sealer, value, plain: None,
        "interviewer_name": lambda sealer, value, plain: None,
        "record": _sealed_text("interviews.record")}),
    ("reviews", ("id",), {"reason": _sealed_text("reviews.reason"),
                          "comment": _sealed_text("reviews.comment")}),
    ("documents", ("id",), {
        "content": lambda sealer, value, plain: sealer.seal_bytes(value, "documents.content")}),
    ("conflicts", ("id",), {
        "summary": lambda sealer, value, plain: sealer.seal_text(canonical_json(
            {"isn": plain["isn"], "records": json.loads(value)}), "conflicts.summary"),
        "isn": lambda sealer, value, plain: sealer.isn_key(value)}),
    ("conflict_resolutions", ("id",), {"note": _sealed_text("conflict_resolutions.note")}),
    ("outbox", ("seq",), {"payload": _sealed_text("outbox.payload")}),
)


def _bundle_row(row) -> BundleRow:
    return BundleRow(*row[:7], json.loads(row[7]), json.loads(row[8]))



def database_path(folder: Path | str) -> Path:
    return Path(folder) / HQ_DATABASE
