"""What the headquarters store gives back: one frozen row type per kind of thing it holds
(hq/store.py runs the queries; hq/store_interface.py says what is asked of it)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class IdentityRow:
    name: str
    age_recipient: str
    sealed_age_identity: dict
    signing_key_slot: dict
    certificate_pem: str
    chain_pem: str
    root_pem: str
    created_at: str
    data_key_slot: dict | None = None  # hq/sealing.py; None until an older HQ is sealed


@dataclass(frozen=True)
class TimestampAuthorityRow:
    """One of headquarters' timestamp authorities (hq/timestamps.py); its key sealed."""

    id: int
    certificate_pem: str
    chain_pem: str
    key_slot: dict
    created_at: str
    not_after: str


@dataclass(frozen=True)
class ArchivedDocumentRow:
    """One generation of a form's archival copy (hq/archive.py), without its content."""

    document_id: str
    generation: int
    stamped_at: str
    sha256: str
    timestamp_expires_at: str


@dataclass(frozen=True)
class StationRow:
    station_id: str
    camp: str
    certificate_pem: str
    fingerprint_sha256: str
    age_recipient: str | None
    registered_at: str
    revoked_at: str | None
    revoke_reason: str | None
    events_seq: int
    events_hash: str
    applied_down_through: int
    last_bundle_at: str | None
    last_bundle_id: str | None


@dataclass(frozen=True)
class StationCounts:
    interviews: int = 0
    documents: int = 0
    reviews: int = 0
    subjects: int = 0


@dataclass(frozen=True)
class BundleRow:
    bundle_id: str
    station_id: str
    kind: str
    file_name: str | None
    received_at: str
    via: str
    created_at: str
    counts: dict[str, int]
    added: dict[str, int]


@dataclass(frozen=True)
class IncidentRow:
    id: int
    at: str
    station_id: str | None
    bundle_id: str | None
    file_name: str | None
    kind: str
    reason: str


@dataclass(frozen=True)
class HeldInterview:
    """A final interview as headquarters holds it, with its current review state (the
    latest review by time; "received" when none) and the person's names as recorded."""

    id: str
    station_id: str
    subject_isn: str
    outcome: str
    choice: str | None
    finalised_at: str
    supersedes_id: str | None
    interviewer_name: str | None
    review_state: str
    name_native: str | None
    name_latin: str | None


@dataclass(frozen=True)
class RosterPerson:
    """A person on a roster headquarters knows: a station's roster row, or a row HQ
    published (``station_id`` None for a row published to every station)."""

    isn: str
    name_native: str | None
    name_latin: str | None
    nationality: str | None
    compound: str | None
    camp: str | None
    station_id: str | None
    source: str  # "station" or "published"


@dataclass(frozen=True)
class ConflictRow:
    id: int
    isn: str
    detected_at: str
    status: str
    summary: list[dict]


@dataclass(frozen=True)
class ResolutionRow:
    id: int
    conflict_id: int
    decided_at: str
    operator: str
    keep_interview_id: str
    note: str


@dataclass(frozen=True)
class OutboxRow:
    seq: int
    station_id: str | None
    kind: str
    payload: dict
    created_at: str


@dataclass(frozen=True)
class JunkPostsRow:
    """Uploads from one client address refused before a station's signature vouched for
    them, counted together (hq/junk.py)."""

    client_address: str
    first_at: str
    last_at: str
    refusals: int
    last_reason: str


@dataclass(frozen=True)
class OperatorSessionRow:
    """A signed-in operator's session (hq/operator_sessions.py), found by the hash of the
    token in the operator's cookie. Times are seconds since the epoch."""

    operator: str
    form_token: str
    started_at: float
    last_seen_at: float
    notice: tuple[str, str] | None  # (kind, sentence) shown once on the next page
