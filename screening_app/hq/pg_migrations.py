"""Numbered schema migrations of headquarters on PostgreSQL, beside ``migrations.py`` for
SQLite. The discipline is the same: a migration is never edited once it has landed; change
the schema by adding the next number here AND in ``migrations.py`` (tests/hq/test_store_schemas.py
fails while the two databases' tables or columns differ).

``0001_initial`` is the schema SQLite reached through its own migrations up to the day
PostgreSQL arrived. What SQLite refuses with triggers (UPDATE and DELETE of what stations
sent, of incidents, of resolutions and of the outbox), PostgreSQL refuses with triggers too.

Each migration runs in its own transaction while holding an advisory lock, so that several
workers starting at once on a new database migrate it once.
"""

from collections.abc import Callable

from screening_app.domain.canonical import utc_now

# The advisory lock taken while migrating (any fixed number the store's other locks do not use).
MIGRATION_LOCK = 7_240_001


def _refuse(table: str, message: str, when: str = "") -> str:
    """Triggers that make rows of ``table`` refuse UPDATE and DELETE inside PostgreSQL."""
    condition = f" WHEN ({when})" if when else ""
    function = f"{table}_refuse_change"
    return f"""
    CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION '{message}'; END $$;
    CREATE TRIGGER {table}_refuse_update BEFORE UPDATE ON {table}
        FOR EACH ROW{condition} EXECUTE FUNCTION {function}();
    CREATE TRIGGER {table}_refuse_delete BEFORE DELETE ON {table}
        FOR EACH ROW{condition} EXECUTE FUNCTION {function}();
    """


_INITIAL = """
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

-- Operators' names are unique whatever their case, as SQLite's NOCASE column makes them.
CREATE TABLE operators (
    name TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX operators_name_any_case ON operators (lower(name));

CREATE TABLE stations (
    station_id TEXT PRIMARY KEY,
    camp TEXT NOT NULL,
    certificate_pem TEXT NOT NULL,
    fingerprint_sha256 TEXT NOT NULL UNIQUE,
    age_recipient TEXT,
    registered_at TEXT NOT NULL,
    revoked_at TEXT,
    revoke_reason TEXT,
    events_seq BIGINT NOT NULL DEFAULT 0,
    events_hash TEXT NOT NULL DEFAULT
        '0000000000000000000000000000000000000000000000000000000000000000',
    applied_down_through BIGINT NOT NULL DEFAULT 0,
    last_bundle_at TEXT,
    last_bundle_id TEXT
);

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
    id BIGSERIAL PRIMARY KEY,
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
    seq BIGINT NOT NULL,
    id TEXT NOT NULL,
    at TEXT NOT NULL,
    actor_id TEXT,
    kind TEXT NOT NULL,
    interview_id TEXT,
    payload TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    PRIMARY KEY (station_id, seq)
);
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

CREATE TABLE protocols (
    sha256 TEXT PRIMARY KEY,
    protocol_id TEXT NOT NULL,
    version BIGINT NOT NULL,
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
    birth_year BIGINT,
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

-- arrival: the order reviews arrived in (SQLite's rowid), for reviews made at the same time.
CREATE TABLE reviews (
    id TEXT PRIMARY KEY,
    arrival BIGSERIAL NOT NULL,
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
    revision BIGINT NOT NULL,
    previous_id TEXT,
    media_type TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT,
    content BYTEA NOT NULL
);
CREATE INDEX documents_interview ON documents(interview_id, revision);
CREATE INDEX documents_station ON documents(station_id);

CREATE TABLE conflicts (
    id BIGSERIAL PRIMARY KEY,
    isn TEXT NOT NULL,
    detected_at TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'resolved')),
    summary TEXT NOT NULL
);
CREATE UNIQUE INDEX conflicts_one_open_per_isn ON conflicts(isn) WHERE status = 'open';

CREATE TABLE conflict_resolutions (
    id BIGSERIAL PRIMARY KEY,
    conflict_id BIGINT NOT NULL REFERENCES conflicts(id),
    decided_at TEXT NOT NULL,
    operator TEXT NOT NULL,
    keep_interview_id TEXT NOT NULL REFERENCES interviews(id),
    note TEXT NOT NULL
);
CREATE INDEX conflict_resolutions_conflict ON conflict_resolutions(conflict_id);

CREATE TABLE outbox (
    seq BIGSERIAL PRIMARY KEY,
    station_id TEXT REFERENCES stations(station_id),
    kind TEXT NOT NULL CHECK (kind IN ('roster', 'protocol', 'revoke_user',
                                        'revoke_certificate')),
    payload TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX outbox_kind ON outbox(kind, seq);

CREATE FUNCTION stations_refuse_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'stations are never deleted; revoke them'; END $$;
CREATE TRIGGER stations_refuse_delete BEFORE DELETE ON stations
    FOR EACH ROW EXECUTE FUNCTION stations_refuse_delete();
""" + _refuse("conflicts", "a resolved conflict is never changed", "OLD.status = 'resolved'") \
    + _refuse("incidents", "incidents are append-only") \
    + _refuse("events", "station events are append-only") \
    + _refuse("protocols", "stored protocol versions are immutable") \
    + _refuse("interviews", "interview records are immutable") \
    + _refuse("reviews", "reviews are append-only") \
    + _refuse("documents", "stored documents are immutable") \
    + _refuse("conflict_resolutions", "conflict resolutions are append-only") \
    + _refuse("outbox", "what headquarters published is append-only")

# (name, SQL script) in order; the names match SQLite's migrations where the change is the same.
MIGRATIONS: list[tuple[str, str]] = [
    ("0001_initial", _INITIAL),
    ("0002_sealed_at_rest", """
        ALTER TABLE hq_identity ADD COLUMN data_key_slot TEXT;
        ALTER TABLE subjects ADD COLUMN sealed TEXT;
        """),
    ("0003_junk_posts", """
        CREATE TABLE junk_posts (
            client_address TEXT PRIMARY KEY,
            first_at TEXT NOT NULL,
            last_at TEXT NOT NULL,
            refusals BIGINT NOT NULL CHECK (refusals > 0),
            last_reason TEXT NOT NULL
        );
        CREATE INDEX junk_posts_last ON junk_posts(last_at);
        """),
    ("0004_operator_sessions", """
        CREATE TABLE operator_sessions (
            token_sha256 TEXT PRIMARY KEY,
            operator TEXT NOT NULL,
            form_token TEXT NOT NULL,
            started_at DOUBLE PRECISION NOT NULL,
            last_seen_at DOUBLE PRECISION NOT NULL,
            notice_kind TEXT,
            notice_text TEXT
        );
        """),
    ("0005_sign_in_failures", """
        CREATE TABLE sign_in_failures (
            key TEXT PRIMARY KEY,
            failures BIGINT NOT NULL,
            last_at DOUBLE PRECISION NOT NULL,
            blocked_until DOUBLE PRECISION NOT NULL
        );
        CREATE INDEX sign_in_failures_last ON sign_in_failures(last_at);
        """),
    ("0006_crls", """
        CREATE TABLE crls (
            number BIGINT PRIMARY KEY,
            issued_at TEXT NOT NULL,
            next_update TEXT NOT NULL,
            der BYTEA NOT NULL
        );
        """),
    ("0007_timestamps_and_archive", """
        CREATE TABLE timestamp_authorities (
            id BIGSERIAL PRIMARY KEY,
            certificate_pem TEXT NOT NULL,
            chain_pem TEXT NOT NULL,
            key_slot TEXT NOT NULL,
            created_at TEXT NOT NULL,
            not_after TEXT NOT NULL
        );
        CREATE TABLE archived_documents (
            document_id TEXT NOT NULL REFERENCES documents(id),
            generation BIGINT NOT NULL CHECK (generation > 0),
            stamped_at TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            timestamp_expires_at TEXT NOT NULL,
            content BYTEA NOT NULL,
            PRIMARY KEY (document_id, generation)
        );
        CREATE INDEX archived_documents_expiry ON archived_documents(timestamp_expires_at);
        """ + _refuse("archived_documents", "archival copies are append-only")),
    ("0008_renewed_certificates", """
        ALTER TABLE outbox DROP CONSTRAINT outbox_kind_check;
        ALTER TABLE outbox ADD CONSTRAINT outbox_kind_check CHECK (kind IN ('roster',
            'protocol', 'revoke_user', 'revoke_certificate', 'renewed_certificate'));
        """),
    ("0009_incident_kinds", """
        ALTER TABLE incidents DROP CONSTRAINT incidents_kind_check;
        ALTER TABLE incidents ADD CONSTRAINT incidents_kind_check CHECK (kind IN ('refused',
            'fork', 'gap', 'differs', 'unknown_station', 'revoked_station', 'sign_in',
            'archive'));
        """),
    # Sealed values are ciphertext, which no compression shrinks: PostgreSQL tried anyway,
    # on every form and record stored (about a sixth of its work in an intake). Only rows
    # written afterwards are stored so; nothing is rewritten.
    ("0010_sealed_values_uncompressed", """
        ALTER TABLE documents ALTER COLUMN content SET STORAGE EXTERNAL;
        ALTER TABLE archived_documents ALTER COLUMN content SET STORAGE EXTERNAL;
        ALTER TABLE interviews ALTER COLUMN record SET STORAGE EXTERNAL;
        """),
]


def migrate(execute: Callable[[str], object], applied: Callable[[], set[str]],
            transaction: Callable[[], object]) -> list[str]:
    """Apply what is not yet applied, each migration in a transaction of its own; returns
    the names applied. The callables are the store's (kept apart so no psycopg is imported
    here)."""
    done: list[str] = []
    for name, script in MIGRATIONS:
        with transaction():
            execute(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
            if name in applied():
                continue
            execute(script)
            execute(f"INSERT INTO hq_migrations (name, applied_at) VALUES"
                    f" ('{name}', '{utc_now()}')")
            done.append(name)
    return done
