"""Numbered schema migrations. A migration is never edited once it has landed:
change the schema by adding the next number.

Each migration runs in one transaction together with its record in
``_sqlite_migrations`` (sqlite-utils ``Migrations``).
"""

import sqlite3

from sqlite_utils import Database, Migrations

migrations = Migrations("screening_app")


def immutable(table: str, message: str, when: str = "") -> str:
    """Triggers that make rows of ``table`` refuse UPDATE and DELETE inside SQLite itself,
    so that no code path (nor a careless SQL session) can rewrite history."""
    condition = f" WHEN {when}" if when else ""
    return f"""
    CREATE TRIGGER {table}_refuse_update BEFORE UPDATE ON {table}{condition}
    BEGIN SELECT RAISE(ABORT, '{message}'); END;
    CREATE TRIGGER {table}_refuse_delete BEFORE DELETE ON {table}{condition}
    BEGIN SELECT RAISE(ABORT, '{message}'); END;
    """


def run_script(db: Database, script: str) -> None:
    """Run several statements inside the migration's transaction.

    ``sqlite3.executescript`` would COMMIT first, breaking the all-or-nothing
    migration, so statements are split with ``sqlite3.complete_statement`` (which
    understands trigger bodies) and executed one by one.
    """
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            db.execute(statement)
            statement = ""
    if statement.strip():
        raise ValueError(f"incomplete SQL statement in migration: {statement.strip()[:80]}")


@migrations(name="0001_initial")
def m0001_initial(db: Database) -> None:
    run_script(
        db,
        """
        CREATE TABLE station (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            station_id TEXT NOT NULL,
            camp TEXT NOT NULL,
            demo INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL
        );

        CREATE TABLE users (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL UNIQUE COLLATE NOCASE,
            role TEXT NOT NULL CHECK (role IN ('interviewer', 'supervisor', 'admin')),
            password_hash TEXT NOT NULL,
            created_at TEXT NOT NULL,
            disabled_at TEXT
        );

        -- The roster. search_* columns are normalised keys kept beside the data so that
        -- search-as-you-type is an index range scan: see store/subjects.py.
        CREATE TABLE subjects (
            isn TEXT PRIMARY KEY,
            name_native TEXT,
            name_latin TEXT,
            nationality TEXT,
            rank TEXT,
            unit TEXT,
            camp TEXT,
            compound TEXT,
            birth_year INTEGER,
            search_isn TEXT NOT NULL,
            search_native TEXT,
            search_native_given TEXT,
            search_latin TEXT,
            search_latin_given TEXT,
            added_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX subjects_search_isn ON subjects(search_isn);
        CREATE INDEX subjects_search_native ON subjects(search_native);
        CREATE INDEX subjects_search_native_given ON subjects(search_native_given);
        CREATE INDEX subjects_search_latin ON subjects(search_latin);
        CREATE INDEX subjects_search_latin_given ON subjects(search_latin_given);

        -- Every protocol version an interview was taken on, with its exact text, so an
        -- old record is always shown with the wording it was taken on.
        CREATE TABLE protocols (
            sha256 TEXT PRIMARY KEY,
            protocol_id TEXT NOT NULL,
            version INTEGER NOT NULL,
            definition TEXT NOT NULL,
            added_at TEXT NOT NULL
        );

        CREATE TABLE interviews (
            id TEXT PRIMARY KEY,
            station_id TEXT NOT NULL,
            subject_isn TEXT NOT NULL REFERENCES subjects(isn),
            subject_snapshot TEXT NOT NULL,
            protocol_sha256 TEXT NOT NULL REFERENCES protocols(sha256),
            option_order TEXT NOT NULL,
            interviewer_id TEXT NOT NULL REFERENCES users(id),
            language TEXT,
            status TEXT NOT NULL CHECK (status IN ('draft', 'final')),
            answers TEXT NOT NULL DEFAULT '{}',
            current_step TEXT,
            started_at TEXT NOT NULL,
            ended_at TEXT,
            finalised_at TEXT,
            outcome TEXT CHECK (outcome IN ('completed', 'not_completed')),
            choice TEXT,
            firmness_mismatch INTEGER,
            flags TEXT,
            non_completion_reason TEXT,
            non_completion_step TEXT,
            transcribed INTEGER NOT NULL DEFAULT 0,
            supersedes_id TEXT REFERENCES interviews(id),
            record_sha256 TEXT,
            CHECK (status = 'draft' OR (outcome IS NOT NULL AND finalised_at IS NOT NULL
                                        AND record_sha256 IS NOT NULL))
        );
        CREATE INDEX interviews_subject ON interviews(subject_isn);
        CREATE INDEX interviews_interviewer ON interviews(interviewer_id, status);
        CREATE TRIGGER interviews_refuse_update BEFORE UPDATE ON interviews
            WHEN OLD.status = 'final'
        BEGIN SELECT RAISE(ABORT, 'finalised interview records are immutable'); END;
        CREATE TRIGGER interviews_refuse_delete BEFORE DELETE ON interviews
        BEGIN SELECT RAISE(ABORT, 'interview records are never deleted'); END;

        -- The station's append-only log: every answer, step, finalisation, sign-in,
        -- account change and import, each chained to the one before by its hash.
        CREATE TABLE events (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            at TEXT NOT NULL,
            station_id TEXT NOT NULL,
            actor_id TEXT,
            kind TEXT NOT NULL,
            interview_id TEXT REFERENCES interviews(id),
            payload TEXT NOT NULL,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL UNIQUE
        );
        CREATE INDEX events_interview ON events(interview_id, seq)
            WHERE interview_id IS NOT NULL;
        CREATE INDEX events_kind ON events(kind, seq);

        CREATE VIEW interview_events AS
            SELECT seq, id, at, actor_id, kind, interview_id, payload
            FROM events WHERE interview_id IS NOT NULL;
        CREATE VIEW audit_log AS
            SELECT events.seq, events.at, events.kind, users.name AS actor,
                   events.interview_id, events.payload
            FROM events LEFT JOIN users ON users.id = events.actor_id;

        CREATE TABLE signatures (
            id TEXT PRIMARY KEY,
            interview_id TEXT NOT NULL REFERENCES interviews(id),
            signer TEXT NOT NULL,
            signer_name TEXT,
            mode TEXT NOT NULL CHECK (mode IN ('signature', 'thumbprint', 'on_paper')),
            strokes TEXT,
            image BLOB,
            captured_at TEXT NOT NULL
        );
        CREATE INDEX signatures_interview ON signatures(interview_id);

        CREATE TABLE documents (
            id TEXT PRIMARY KEY,
            interview_id TEXT REFERENCES interviews(id),
            kind TEXT NOT NULL,
            revision INTEGER NOT NULL DEFAULT 1,
            previous_id TEXT REFERENCES documents(id),
            media_type TEXT NOT NULL DEFAULT 'application/pdf',
            content BLOB NOT NULL,
            sha256 TEXT NOT NULL,
            created_at TEXT NOT NULL,
            created_by TEXT REFERENCES users(id)
        );
        CREATE INDEX documents_interview ON documents(interview_id);
        """
        + immutable("events", "station events are append-only")
        + immutable("protocols", "stored protocol versions are immutable")
        + immutable("signatures", "captured signatures are immutable")
        + immutable("documents", "stored documents are immutable; add a new revision")
    )


@migrations(name="0002_settings")
def m0002_settings(db: Database) -> None:
    # Station-wide settings that must be the same for everyone at the station (the paper
    # size of stored forms, for one); changes are events in the chain, like everything else.
    run_script(
        db,
        """
        CREATE TABLE settings (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            updated_by TEXT REFERENCES users(id)
        );
        """,
    )


@migrations(name="0003_station_keys")
def m0003_station_keys(db: Database) -> None:
    # The station's signing key, kept encrypted under the station's key-encryption key
    # (KEK); the KEK is stored only wrapped, one slot per account (see pki/sealed.py).
    run_script(
        db,
        """
        CREATE TABLE station_keys (
            id TEXT PRIMARY KEY,
            purpose TEXT NOT NULL,
            sealed_private_key BLOB NOT NULL,
            public_key_pem TEXT NOT NULL,
            csr_pem TEXT NOT NULL,
            certificate_pem TEXT,
            chain_pem TEXT,
            created_at TEXT NOT NULL,
            certificate_installed_at TEXT
        );
        CREATE TABLE key_slots (
            user_id TEXT PRIMARY KEY REFERENCES users(id),
            wrapped_kek TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        """,
    )


@migrations(name="0004_reviews")
def m0004_reviews(db: Database) -> None:
    # A supervisor's decision on a finalised interview is a record of its own, linked to
    # it; the interview itself never changes. The latest decision is the current state.
    run_script(
        db,
        """
        CREATE TABLE reviews (
            id TEXT PRIMARY KEY,
            interview_id TEXT NOT NULL REFERENCES interviews(id),
            state TEXT NOT NULL CHECK (state IN ('approved', 'sent_back', 'rejected')),
            reason TEXT,
            comment TEXT,
            reviewer_id TEXT NOT NULL REFERENCES users(id),
            at TEXT NOT NULL
        );
        CREATE INDEX reviews_interview ON reviews(interview_id, at);
        """
        + immutable("reviews", "reviews are append-only; record a new decision"),
    )


@migrations(name="0005_user_keys")
def m0005_user_keys(db: Database) -> None:
    # A countersigning person's own key (supervisors): sealed under a key from that
    # person's password only, so no one else's session can sign in their name.
    run_script(
        db,
        """
        CREATE TABLE user_keys (
            user_id TEXT PRIMARY KEY REFERENCES users(id),
            wrapped_private_key TEXT NOT NULL,
            public_key_pem TEXT NOT NULL,
            csr_pem TEXT NOT NULL,
            certificate_pem TEXT,
            chain_pem TEXT,
            created_at TEXT NOT NULL
        );
        """,
    )


@migrations(name="0006_sync")
def m0006_sync(db: Database) -> None:
    # What this station knows of headquarters (whom bundles are encrypted to, whose
    # signature a bundle from headquarters must carry), its own key for bundles coming down,
    # and what headquarters has acknowledged: a record is sent again until it is.
    run_script(
        db,
        """
        CREATE TABLE sync_headquarters (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            name TEXT NOT NULL,
            age_recipient TEXT NOT NULL,
            certificate_pem TEXT NOT NULL,
            chain_pem TEXT NOT NULL,
            trusted_at TEXT NOT NULL,
            trusted_by TEXT REFERENCES users(id)
        );
        CREATE TABLE sync_station_key (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            age_recipient TEXT NOT NULL,
            sealed_age_identity BLOB NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE TABLE sync_acks (
            kind TEXT NOT NULL,
            record_id TEXT NOT NULL,
            digest TEXT NOT NULL,
            acked_at TEXT NOT NULL,
            PRIMARY KEY (kind, record_id)
        ) WITHOUT ROWID;
        CREATE TABLE sync_state (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        CREATE TABLE sync_exports (
            bundle_id TEXT PRIMARY KEY,
            file_name TEXT NOT NULL,
            created_at TEXT NOT NULL,
            created_by TEXT REFERENCES users(id),
            through_seq INTEGER NOT NULL,
            counts TEXT NOT NULL
        );
        CREATE TABLE revoked_certificates (
            fingerprint_sha256 TEXT PRIMARY KEY,
            serial_hex TEXT,
            subject TEXT,
            reason TEXT,
            revoked_at TEXT,
            received_at TEXT NOT NULL
        );
        """
        + immutable("sync_exports", "the record of an export is kept as it was")
        + immutable("revoked_certificates", "a revocation is never taken back"),
    )


@migrations(name="0007_display_names")
def m0007_display_names(db: Database) -> None:
    # The name people read (full name and rank, "Capt. R. Hughes") beside the login name.
    # Nullable: accounts made before it have none and are shown by their login name. The
    # login name stays what sealed records carry (interviewer_name is part of their hash).
    run_script(
        db,
        """
        ALTER TABLE users ADD COLUMN display_name TEXT;
        """,
    )


@migrations(name="0008_second_interviews")
def m0008_second_interviews(db: Database) -> None:
    # Why a person was interviewed again (re-interview, withdrawal, reconfirmation): part of
    # the sealed record. A draft opened for the wrong person is discarded, never deleted:
    # the row stays, and its discard is a record of its own (and an event in the chain).
    run_script(
        db,
        """
        ALTER TABLE interviews ADD COLUMN purpose TEXT;
        CREATE TABLE discarded_drafts (
            interview_id TEXT PRIMARY KEY REFERENCES interviews(id),
            reason TEXT NOT NULL,
            discarded_by TEXT NOT NULL REFERENCES users(id),
            discarded_at TEXT NOT NULL
        );
        CREATE TRIGGER interviews_refuse_update_discarded BEFORE UPDATE ON interviews
            WHEN OLD.id IN (SELECT interview_id FROM discarded_drafts)
        BEGIN SELECT RAISE(ABORT, 'a discarded draft cannot be changed'); END;
        """
        + immutable("discarded_drafts", "a discarded draft stays discarded"),
    )


@migrations(name="0009_signed_history")
def m0009_signed_history(db: Database) -> None:
    # Every event is signed by the account whose session wrote it (Ed25519 over its chain
    # hash), with a key only that account's password opens; the station's own key signs
    # checkpoints of the chain head, which no interviewer's session can. Rewriting another
    # account's events, or the history before a checkpoint, then shows. Checkpoints are
    # events themselves ("chain.checkpoint"), so removing one breaks the chain. Event keys
    # are registered in an append-only table; a key is never replaced, only added.
    run_script(
        db,
        """
        ALTER TABLE events ADD COLUMN signed_by TEXT;
        ALTER TABLE events ADD COLUMN signature TEXT;
        CREATE TABLE account_event_keys (
            public_key TEXT PRIMARY KEY,
            user_id TEXT NOT NULL REFERENCES users(id),
            sealed_private_key TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE INDEX account_event_keys_user ON account_event_keys(user_id);
        """
        + immutable("account_event_keys", "an event key is never changed; add a new one"),
    )


@migrations(name="0010_role_grants")
def m0010_role_grants(db: Database) -> None:
    # What an account may do, signed by an admin with their own key (which headquarters'
    # CA certified as an admin's): a role written into the users table by hand has no such
    # grant, and sign-in refuses it. Append-only: the newest grant of an account counts.
    run_script(
        db,
        """
        CREATE TABLE role_grants (
            id TEXT PRIMARY KEY,
            user_id TEXT NOT NULL REFERENCES users(id),
            name TEXT NOT NULL,
            role TEXT NOT NULL,
            granted_by TEXT NOT NULL REFERENCES users(id),
            at TEXT NOT NULL,
            certificate_pem TEXT NOT NULL,
            signature TEXT NOT NULL
        );
        CREATE INDEX role_grants_user ON role_grants(user_id, at);
        """
        + immutable("role_grants", "a role grant is never changed; add a new one"),
    )


@migrations(name="0011_review_seal")
def m0011_review_seal(db: Database) -> None:
    # A finalised record's answers and choice, sealed to the station's review key
    # (pki/review_seal.py): an interviewer's session writes them and cannot read them back.
    # The plain columns of such a record hold nothing. Records finalised before stay as
    # they were.
    run_script(
        db,
        """
        ALTER TABLE interviews ADD COLUMN sealed_answers BLOB;
        ALTER TABLE interviews ADD COLUMN sealed_choice BLOB;
        """,
    )


@migrations(name="0012_records_in_clear")
def m0012_records_in_clear(db: Database) -> None:
    # Records finalised before the review key are sealed at a reviewer's next sign-in
    # (store/resealing.py); this index lets every reviewer's sign-in see at once whether
    # any is left.
    run_script(
        db,
        """
        CREATE INDEX interviews_in_clear ON interviews(id)
            WHERE status = 'final' AND sealed_answers IS NULL;
        """,
    )


@migrations(name="0013_drafts_sealed")
def m0013_drafts_sealed(db: Database) -> None:
    # An open draft's answers and its signatures, sealed under a key of its own, which is
    # wrapped to the account that started it and to the review key (pki/draft_seal.py);
    # the plain answers column of such a draft holds nothing. A finalised record keeps
    # only the wrap to the review key (its signatures open for reviewers). Records
    # finalised before have none: a reviewer's sign-in seals them (store/resealing.py),
    # which the index below now finds.
    run_script(
        db,
        """
        ALTER TABLE interviews ADD COLUMN draft_keys TEXT;
        ALTER TABLE interviews ADD COLUMN sealed_draft BLOB;
        DROP INDEX interviews_in_clear;
        CREATE INDEX interviews_in_clear ON interviews(id)
            WHERE status = 'final' AND draft_keys IS NULL;
        """,
    )


@migrations(name="0014_grant_states")
def m0014_grant_states(db: Database) -> None:
    # Disabling, enabling and resetting an account are grants signed by the admin too
    # (services/grants.py): the newest grant says whether the account may sign in.
    run_script(
        db,
        """
        ALTER TABLE role_grants ADD COLUMN state TEXT NOT NULL DEFAULT 'active';
        ALTER TABLE role_grants ADD COLUMN act TEXT NOT NULL DEFAULT 'granted';
        """,
    )


@migrations(name="0015_progress_sealed")
def m0015_progress_sealed(db: Database) -> None:
    # Where an interview stands and what happened on the way (the step it is on, its
    # journal of steps, answers and signatures; once finalised, its flags and the step it
    # stopped at), sealed with its answers: under the draft's key while open, to the
    # review key once finalised. The plain columns of such an interview hold nothing, and
    # its steps no longer go to the station's history one event at a time.
    run_script(
        db,
        """
        ALTER TABLE interviews ADD COLUMN sealed_progress BLOB;
        """,
    )


@migrations(name="0016_known_people")
def m0016_known_people(db: Database) -> None:
    # The interpreters and observers the station knows, kept by supervisors, so that an
    # interpreter is the same person in every record rather than a new spelling
    # (services/known_people.py). Staff, not the people screened: stored in clear.
    run_script(
        db,
        """
        CREATE TABLE known_people (
            id TEXT PRIMARY KEY,
            role TEXT NOT NULL CHECK (role IN ('interpreter', 'observer')),
            name TEXT NOT NULL,
            name_native TEXT,
            languages TEXT NOT NULL DEFAULT '',
            body TEXT,
            added_by TEXT NOT NULL REFERENCES users(id),
            added_at TEXT NOT NULL
        );
        CREATE INDEX known_people_by_role ON known_people(role, name);
        """,
    )


@migrations(name="0017_known_people_retired")
def m0017_known_people_retired(db: Database) -> None:
    # A known person added by mistake (a misspelling) or gone from the camp is retired:
    # no longer offered, and kept with who retired them and when.
    run_script(
        db,
        """
        ALTER TABLE known_people ADD COLUMN retired_at TEXT;
        ALTER TABLE known_people ADD COLUMN retired_by TEXT REFERENCES users(id);
        """,
    )


@migrations(name="0018_known_people_merged")
def m0018_known_people_merged(db: Database) -> None:
    # Two entries found to be one person (added twice under different spellings) are
    # merged: the one merged away is retired and points at the one kept, so that records
    # naming either count as one person.
    run_script(
        db,
        """
        ALTER TABLE known_people ADD COLUMN merged_into TEXT REFERENCES known_people(id);
        """,
    )


@migrations(name="0019_review_cache")
def m0019_review_cache(db: Database) -> None:
    # The review's flags read every finalised record (thousands opened and parsed, then the
    # pattern tests): kept sealed to the review key once computed, they open with the
    # queue. The triggers count every change that can change a flag (a record finalised,
    # or changed in any way after, and a form printed), so that a kept result is used only
    # while nothing it was computed from has changed. Drafts change all the time and
    # change no flag: they are not counted.
    run_script(
        db,
        """
        CREATE TABLE review_cache (
            name TEXT PRIMARY KEY,
            sealed BLOB NOT NULL,
            saved_at TEXT NOT NULL
        );
        CREATE TABLE review_inputs (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            generation INTEGER NOT NULL
        );
        INSERT INTO review_inputs (id, generation) VALUES (1, 0);
        CREATE TRIGGER review_inputs_final_inserted AFTER INSERT ON interviews
            WHEN NEW.status = 'final'
            BEGIN UPDATE review_inputs SET generation = generation + 1; END;
        CREATE TRIGGER review_inputs_final_updated AFTER UPDATE ON interviews
            WHEN NEW.status = 'final' OR OLD.status = 'final'
            BEGIN UPDATE review_inputs SET generation = generation + 1; END;
        CREATE TRIGGER review_inputs_final_deleted AFTER DELETE ON interviews
            WHEN OLD.status = 'final'
            BEGIN UPDATE review_inputs SET generation = generation + 1; END;
        CREATE TRIGGER review_inputs_printed AFTER INSERT ON events
            WHEN NEW.kind = 'document.printed'
            BEGIN UPDATE review_inputs SET generation = generation + 1; END;
        """,
    )



@migrations(name="0020_queue_order")
def m0020_queue_order(db: Database) -> None:
    # The review queue lists every finalised interview oldest first: read in that order
    # from this index rather than sorted afresh (at 20,000 records the sort, carrying each
    # row's sealed choice, took a third of the time the queue needs to open).
    run_script(
        db,
        """
        CREATE INDEX interviews_final_order ON interviews(status, finalised_at, id);
        """,
    )


@migrations(name="0021_headquarters_tls_pin")
def m0021_headquarters_tls_pin(db: Database) -> None:
    # The TLS certificate headquarters serves, from its signed public file: a push over
    # https goes only to a server presenting it. Empty for a public file made before
    # headquarters had one (such a station pushes over plain HTTP to a loopback address
    # only, until it trusts a newer file).
    run_script(
        db,
        """
        ALTER TABLE sync_headquarters ADD COLUMN tls_certificate_pem TEXT;
        """,
    )


@migrations(name="0022_revocation_lists")
def m0022_revocation_lists(db: Database) -> None:
    # The newest CRL headquarters sent down (sync/renewals.py), checked against the root:
    # who reads it later (verify, the sync status) trusts it as the root's own word.
    run_script(
        db,
        """
        CREATE TABLE crls (
            number INTEGER PRIMARY KEY,
            issued_at TEXT NOT NULL,
            next_update TEXT NOT NULL,
            der BLOB NOT NULL,
            received_at TEXT NOT NULL
        );
        """,
    )


@migrations(name="0023_archive_digest")
def m0023_archive_digest(db: Database) -> None:
    # The SHA-256 of the archival copy headquarters keeps of a form (its signatures'
    # validation data and headquarters' timestamp added), from the form's acknowledgement;
    # empty for other records and for headquarters that do not stamp.
    run_script(
        db,
        """
        ALTER TABLE sync_acks ADD COLUMN archive_sha256 TEXT;
        """,
    )


@migrations(name="0024_queue_pages")
def m0024_queue_pages(db: Database) -> None:
    # The review queue shows a page at a time, sorted by the column clicked: sorted by the
    # ISN, the name or the compound, a page is read in order from one of these indexes
    # (ending in the id, which orders equal values and marks where the next page starts)
    # rather than by reading and sorting every finalised record. The expressions are the
    # ones store/reviews.py sorts by (QUEUE_ORDERS); names and compounds are in clear in
    # the records already.
    run_script(
        db,
        """
        CREATE INDEX interviews_final_by_isn ON interviews(status, subject_isn, id);
        CREATE INDEX interviews_final_by_name ON interviews(
            status,
            coalesce(json_extract(subject_snapshot, '$.name_native'),
                     json_extract(subject_snapshot, '$.name_latin'), '') COLLATE NOCASE,
            id);
        CREATE INDEX interviews_final_by_compound ON interviews(
            status, coalesce(json_extract(subject_snapshot, '$.compound'), '') COLLATE NOCASE,
            id);
        """,
    )


@migrations(name="0025_review_changes")
def m0025_review_changes(db: Database) -> None:
    # The flags' pass opens only the records of people with a new record or print since the
    # last pass (services/reviews.py); a finalised record changed all the same (behind the
    # program's back: the program refuses) must be opened again too. Each such change is
    # noted here with the review's generation at the time, whoever makes it.
    run_script(
        db,
        """
        CREATE TABLE review_changes (
            interview_id TEXT PRIMARY KEY,
            generation INTEGER NOT NULL
        );
        CREATE TRIGGER review_changes_final_updated AFTER UPDATE ON interviews
            WHEN OLD.status = 'final'
            BEGIN
                INSERT OR REPLACE INTO review_changes (interview_id, generation)
                    VALUES (NEW.id, (SELECT generation FROM review_inputs));
            END;
        """,
    )


def migrate(db: Database) -> None:
    migrations.apply(db)


def pending(db: Database) -> list[str]:
    return [m.name for m in migrations.pending(db)]
