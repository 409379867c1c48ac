"""Numbered schema migrations of the headquarters database (``hq.sqlite3``). As at a station,
a migration is never edited once it has landed: change the schema by adding the next number.

Everything a station sent is kept as it came and never changed: events, interviews, reviews,
documents and protocols refuse UPDATE and DELETE inside SQLite, as do the incidents, the
resolutions of conflicts and the outbox of what headquarters published. Users and roster rows
are a station's current state (a station disables accounts and updates its roster), so the
newest bundle replaces them.
"""

from sqlite_utils import Database, Migrations

from screening_app.store.migrations import immutable, run_script

migrations = Migrations("screening_hq")


@migrations(name="0001_initial")
def m0001_initial(db: Database) -> None:
    run_script(
        db,
        """
        -- Headquarters' own keys, sealed under its passphrase (pki.sealed slots as JSON).
        CREATE TABLE hq_identity (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            name TEXT NOT NULL,
            age_recipient TEXT NOT NULL,
            sealed_age_identity TEXT NOT NULL,
            signing_key_slot TEXT NOT NULL,
            certificate_pem TEXT NOT NULL,
            chain_pem TEXT NOT NULL,
            root_pem TEXT NOT NULL,
            created_at TEXT NOT NULL
        );

        CREATE TABLE operators (
            name TEXT PRIMARY KEY COLLATE NOCASE,
            password_hash TEXT NOT NULL,
            created_at TEXT NOT NULL
        );

        -- events_seq / events_hash: the last event of the station held in an unbroken chain.
        CREATE TABLE stations (
            station_id TEXT PRIMARY KEY,
            camp TEXT NOT NULL,
            certificate_pem TEXT NOT NULL,
            fingerprint_sha256 TEXT NOT NULL UNIQUE,
            age_recipient TEXT,
            registered_at TEXT NOT NULL,
            revoked_at TEXT,
            revoke_reason TEXT,
            events_seq INTEGER NOT NULL DEFAULT 0,
            events_hash TEXT NOT NULL DEFAULT
                '0000000000000000000000000000000000000000000000000000000000000000',
            applied_down_through INTEGER NOT NULL DEFAULT 0,
            last_bundle_at TEXT,
            last_bundle_id TEXT
        );
        CREATE TRIGGER stations_refuse_delete BEFORE DELETE ON stations
        BEGIN SELECT RAISE(ABORT, 'stations are never deleted; revoke them'); END;

        CREATE TABLE bundles (
            bundle_id TEXT PRIMARY KEY,
            station_id TEXT NOT NULL REFERENCES stations(station_id),
            kind TEXT NOT NULL,
            file_name TEXT,
            received_at TEXT NOT NULL,
            via TEXT NOT NULL CHECK (via IN ('file', 'http')),
            created_at TEXT NOT NULL,
            counts TEXT NOT NULL,
            added TEXT NOT NULL
        );
        CREATE INDEX bundles_station ON bundles(station_id, received_at);

        CREATE TABLE incidents (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            station_id TEXT,
            bundle_id TEXT,
            file_name TEXT,
            kind TEXT NOT NULL CHECK (kind IN ('refused', 'fork', 'gap', 'differs',
                                                'unknown_station', 'revoked_station')),
            reason TEXT NOT NULL
        );

        CREATE TABLE events (
            station_id TEXT NOT NULL REFERENCES stations(station_id),
            seq INTEGER NOT NULL,
            id TEXT NOT NULL,
            at TEXT NOT NULL,
            actor_id TEXT,
            kind TEXT NOT NULL,
            interview_id TEXT,
            payload TEXT NOT NULL,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL,
            PRIMARY KEY (station_id, seq)
        ) WITHOUT ROWID;
        -- (the primary key's columns are in every index of a WITHOUT ROWID table)
        CREATE INDEX events_interview ON events(interview_id, kind);

        CREATE TABLE users (
            station_id TEXT NOT NULL REFERENCES stations(station_id),
            id TEXT NOT NULL,
            name TEXT NOT NULL,
            role TEXT NOT NULL,
            disabled_at TEXT,
            digest TEXT NOT NULL,
            PRIMARY KEY (station_id, id)
        );

        -- A protocol version is the same wherever it was used: one row per definition;
        -- which station sent it (and the digest of its row, for acknowledgements) is below.
        CREATE TABLE protocols (
            sha256 TEXT PRIMARY KEY,
            protocol_id TEXT NOT NULL,
            version INTEGER NOT NULL,
            definition TEXT NOT NULL,
            received_at TEXT NOT NULL
        );
        CREATE TABLE station_protocols (
            station_id TEXT NOT NULL REFERENCES stations(station_id),
            sha256 TEXT NOT NULL REFERENCES protocols(sha256),
            digest TEXT NOT NULL,
            PRIMARY KEY (station_id, sha256)
        );

        CREATE TABLE subjects (
            station_id TEXT NOT NULL REFERENCES stations(station_id),
            isn TEXT NOT NULL,
            name_native TEXT,
            name_latin TEXT,
            nationality TEXT,
            rank TEXT,
            unit TEXT,
            camp TEXT,
            compound TEXT,
            birth_year INTEGER,
            added_at TEXT,
            updated_at TEXT,
            digest TEXT NOT NULL,
            PRIMARY KEY (station_id, isn)
        );
        CREATE INDEX subjects_isn ON subjects(isn);

        CREATE TABLE interviews (
            id TEXT PRIMARY KEY,
            station_id TEXT NOT NULL REFERENCES stations(station_id),
            subject_isn TEXT NOT NULL,
            outcome TEXT NOT NULL CHECK (outcome IN ('completed', 'not_completed')),
            choice TEXT,
            finalised_at TEXT NOT NULL,
            supersedes_id TEXT,
            interviewer_name TEXT,
            record TEXT NOT NULL,
            record_sha256 TEXT NOT NULL
        );
        CREATE INDEX interviews_subject ON interviews(subject_isn, finalised_at);
        CREATE INDEX interviews_station ON interviews(station_id);

        CREATE TABLE reviews (
            id TEXT PRIMARY KEY,
            station_id TEXT NOT NULL REFERENCES stations(station_id),
            interview_id TEXT NOT NULL REFERENCES interviews(id),
            state TEXT NOT NULL CHECK (state IN ('approved', 'sent_back', 'rejected')),
            reason TEXT,
            comment TEXT,
            reviewer_id TEXT,
            at TEXT NOT NULL,
            digest TEXT NOT NULL
        );
        CREATE INDEX reviews_interview ON reviews(interview_id, at);
        CREATE INDEX reviews_station ON reviews(station_id);

        CREATE TABLE documents (
            id TEXT PRIMARY KEY,
            station_id TEXT NOT NULL REFERENCES stations(station_id),
            interview_id TEXT NOT NULL REFERENCES interviews(id),
            kind TEXT NOT NULL,
            revision INTEGER NOT NULL,
            previous_id TEXT,
            media_type TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            created_at TEXT NOT NULL,
            created_by TEXT,
            content BLOB NOT NULL
        );
        CREATE INDEX documents_interview ON documents(interview_id, revision);
        CREATE INDEX documents_station ON documents(station_id);

        CREATE TABLE conflicts (
            id INTEGER PRIMARY KEY,
            isn TEXT NOT NULL,
            detected_at TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('open', 'resolved')),
            summary TEXT NOT NULL
        );
        CREATE UNIQUE INDEX conflicts_one_open_per_isn ON conflicts(isn) WHERE status = 'open';
        CREATE TRIGGER conflicts_refuse_update BEFORE UPDATE ON conflicts
            WHEN OLD.status = 'resolved'
        BEGIN SELECT RAISE(ABORT, 'a resolved conflict is never changed'); END;
        CREATE TRIGGER conflicts_refuse_delete BEFORE DELETE ON conflicts
        BEGIN SELECT RAISE(ABORT, 'conflicts are never deleted'); END;

        CREATE TABLE conflict_resolutions (
            id INTEGER PRIMARY KEY,
            conflict_id INTEGER NOT NULL REFERENCES conflicts(id),
            decided_at TEXT NOT NULL,
            operator TEXT NOT NULL,
            keep_interview_id TEXT NOT NULL REFERENCES interviews(id),
            note TEXT NOT NULL
        );
        CREATE INDEX conflict_resolutions_conflict ON conflict_resolutions(conflict_id);

        -- What headquarters publishes to stations; station_id NULL means every station.
        CREATE TABLE outbox (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            station_id TEXT REFERENCES stations(station_id),
            kind TEXT NOT NULL CHECK (kind IN ('roster', 'protocol', 'revoke_user',
                                                'revoke_certificate')),
            payload TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE INDEX outbox_kind ON outbox(kind, seq);
        """
        + immutable("incidents", "incidents are append-only")
        + immutable("events", "station events are append-only")
        + immutable("protocols", "stored protocol versions are immutable")
        + immutable("interviews", "interview records are immutable")
        + immutable("reviews", "reviews are append-only")
        + immutable("documents", "stored documents are immutable")
        + immutable("conflict_resolutions", "conflict resolutions are append-only")
        + immutable("outbox", "what headquarters published is append-only")
    )


@migrations(name="0002_sealed_at_rest")
def m0002_sealed_at_rest(db: Database) -> None:
    # hq/sealing.py: the data key under the passphrase, and each roster row sealed whole
    # (its other columns stay empty). Headquarters.open seals what an older HQ holds.
    run_script(db, """
        ALTER TABLE hq_identity ADD COLUMN data_key_slot TEXT;
        ALTER TABLE subjects ADD COLUMN sealed TEXT;
        """)


@migrations(name="0003_junk_posts")
def m0003_junk_posts(db: Database) -> None:
    run_script(
        db,
        """
        -- Uploads refused before any station's signature vouched for them (not a bundle,
        -- damaged, forged, too big, stalled), counted per client address: a flood of junk
        -- is one row that grows, so the incidents of real stations are never buried.
        CREATE TABLE junk_posts (
            client_address TEXT PRIMARY KEY,
            first_at TEXT NOT NULL,
            last_at TEXT NOT NULL,
            refusals INTEGER NOT NULL CHECK (refusals > 0),
            last_reason TEXT NOT NULL
        );
        CREATE INDEX junk_posts_last ON junk_posts(last_at);
        """,
    )


@migrations(name="0004_operator_sessions")
def m0004_operator_sessions(db: Database) -> None:
    run_script(
        db,
        """
        -- Signed-in operators (hq/operator_sessions.py), kept here so that every server
        -- process knows them: the cookie's token only as its SHA-256, times in seconds since
        -- the epoch, the notice shown once on the next page sealed (it may name a person).
        CREATE TABLE operator_sessions (
            token_sha256 TEXT PRIMARY KEY,
            operator TEXT NOT NULL,
            form_token TEXT NOT NULL,
            started_at REAL NOT NULL,
            last_seen_at REAL NOT NULL,
            notice_kind TEXT,
            notice_text TEXT
        );
        """,
    )


@migrations(name="0005_sign_in_failures")
def m0005_sign_in_failures(db: Database) -> None:
    run_script(
        db,
        """
        -- Wrong passwords on the operators' page, by "account:<name>" and "address:<ip>"
        -- (hq/operator_sessions.py), shared by every server process; times in seconds since
        -- the epoch. Rows quiet for an hour are forgotten.
        CREATE TABLE sign_in_failures (
            key TEXT PRIMARY KEY,
            failures INTEGER NOT NULL,
            last_at REAL NOT NULL,
            blocked_until REAL NOT NULL
        );
        CREATE INDEX sign_in_failures_last ON sign_in_failures(last_at);
        """,
    )


@migrations(name="0006_crls")
def m0006_crls(db: Database) -> None:
    run_script(
        db,
        """
        -- Every certificate revocation list the organisation's CA issued, as DER, newest
        -- by number (pki/crl.py). Public data: not sealed. Never updated or deleted.
        CREATE TABLE crls (
            number INTEGER PRIMARY KEY,
            issued_at TEXT NOT NULL,
            next_update TEXT NOT NULL,
            der BLOB NOT NULL
        );
        """,
    )


@migrations(name="0007_timestamps_and_archive")
def m0007_timestamps_and_archive(db: Database) -> None:
    run_script(
        db,
        """
        -- Headquarters' timestamp authorities (hq/timestamps.py), the newest by id in use:
        -- each key sealed under the HQ passphrase like the signing key (a pki.sealed slot as
        -- JSON). Older ones stay: their certificates validate the timestamps they made.
        CREATE TABLE timestamp_authorities (
            id INTEGER PRIMARY KEY,
            certificate_pem TEXT NOT NULL,
            chain_pem TEXT NOT NULL,
            key_slot TEXT NOT NULL,
            created_at TEXT NOT NULL,
            not_after TEXT NOT NULL
        );

        -- Archival copies of the forms stations sent (hq/archive.py): the original with
        -- validation data and headquarters' document timestamp, a new generation each time
        -- it is stamped again. Beside the documents row, which never changes; the content
        -- sealed like the original's. timestamp_expires_at: when the certificate of the
        -- copy's last timestamp expires (restamping is due before).
        CREATE TABLE archived_documents (
            document_id TEXT NOT NULL REFERENCES documents(id),
            generation INTEGER NOT NULL CHECK (generation > 0),
            stamped_at TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            timestamp_expires_at TEXT NOT NULL,
            content BLOB NOT NULL,
            PRIMARY KEY (document_id, generation)
        );
        CREATE INDEX archived_documents_expiry ON archived_documents(timestamp_expires_at);
        """
        + immutable("archived_documents", "archival copies are append-only"),
    )


@migrations(name="0008_renewed_certificates")
def m0008_renewed_certificates(db: Database) -> None:
    # The outbox also carries the certificates the CA renewed for a station (hq/renewal.py).
    # SQLite cannot change a CHECK constraint in place: the table is made again with the new
    # one and every row copied as it was (sequence numbers too, so stations' "applied
    # through" stays true); the append-only triggers come back with it.
    run_script(
        db,
        """
        CREATE TABLE outbox_renewals (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            station_id TEXT REFERENCES stations(station_id),
            kind TEXT NOT NULL CHECK (kind IN ('roster', 'protocol', 'revoke_user',
                                                'revoke_certificate', 'renewed_certificate')),
            payload TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        INSERT INTO outbox_renewals (seq, station_id, kind, payload, created_at)
            SELECT seq, station_id, kind, payload, created_at FROM outbox ORDER BY seq;
        DROP TABLE outbox;
        ALTER TABLE outbox_renewals RENAME TO outbox;
        CREATE INDEX outbox_kind ON outbox(kind, seq);
        """
        + immutable("outbox", "what headquarters published is append-only"),
    )


@migrations(name="0009_incident_kinds")
def m0009_incident_kinds(db: Database) -> None:
    # Two kinds of incident that are not a refused bundle: repeated failed sign-ins on the
    # operators' page (until now "refused", told apart by their reason) and forms that
    # could not be stamped for the archive. SQLite cannot change a CHECK constraint in
    # place: the table is made again and every row copied as it was (ids too); the
    # append-only triggers come back with it.
    run_script(
        db,
        """
        CREATE TABLE incidents_kinds (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            station_id TEXT,
            bundle_id TEXT,
            file_name TEXT,
            kind TEXT NOT NULL CHECK (kind IN ('refused', 'fork', 'gap', 'differs',
                                                'unknown_station', 'revoked_station',
                                                'sign_in', 'archive')),
            reason TEXT NOT NULL
        );
        INSERT INTO incidents_kinds (id, at, station_id, bundle_id, file_name, kind, reason)
            SELECT id, at, station_id, bundle_id, file_name, kind, reason FROM incidents
            ORDER BY id;
        DROP TABLE incidents;
        ALTER TABLE incidents_kinds RENAME TO incidents;
        """
        + immutable("incidents", "incidents are append-only"),
    )


def migrate(db: Database) -> None:
    migrations.apply(db)


def pending(db: Database) -> list[str]:
    return [m.name for m in migrations.pending(db)]
