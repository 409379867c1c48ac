"""The members of an up bundle, declared once.

A station's bundle carries one ``<kind>.jsonl`` member per kind of record, in the order
below (then one file per form). Each declaration says where the rows come from, what a row
carries, what identifies it and what its digest is. The writer (services/sync.py), the
station's record of what headquarters acknowledged (sync/incoming.py), the sync status and
its dialog, and headquarters' intake (hq/intake_records.py) all read these declarations, so
adding a member is one entry here, one reader in store/sync_records.py if its rows are not
a plain table, and one ``_take_<kind>`` at headquarters (a test fails while one is missing).
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from screening_app.domain.canonical import canonical_json, sha256_hex
from screening_app.domain.messages import gettext as _
from screening_app.domain.messages import ngettext
from screening_app.domain.subject import ROSTER_FIELDS
from screening_app.domain.wording import count_of


@dataclass(frozen=True)
class UpMember:
    kind: str  # the member's name without ".jsonl"; the kind in counts and acknowledgements
    table: str  # the station table its rows come from
    fields: tuple[str, ...]  # what a row carries, in this order
    order_by: str  # the order rows are written in
    key: tuple[str, ...]  # the path to the value that identifies a row
    # The field that already is the row's digest (a record hash); None: the digest is the
    # SHA-256 of the row's canonical JSON.
    digest_field: str | None = None
    # Headquarters acknowledges each record by its digest; the event chain is acknowledged
    # by its head instead.
    acknowledged: bool = True
    # Rows the generic reader cannot give: sealed records opened with the review key, or
    # only the part of the chain after what headquarters holds.
    special: bool = False
    # Each row names a stored file the bundle carries after the records, as
    # files/<id>.pdf.
    files: bool = False

    def record_id(self, row: Mapping) -> str:
        value = row
        for part in self.key:
            value = value[part]
        return value

    def digest(self, row: Mapping) -> str:
        if self.digest_field is not None:
            return row[self.digest_field]
        return sha256_hex(canonical_json(dict(row)))


SUBJECT_FIELDS = (*ROSTER_FIELDS, "added_at", "updated_at")

UP_MEMBERS: tuple[UpMember, ...] = (
    UpMember("users", "users", ("id", "name", "role", "disabled_at"), "id", ("id",)),
    UpMember("protocols", "protocols",
             ("sha256", "protocol_id", "version", "definition", "added_at"),
             "added_at, sha256", ("sha256",)),
    UpMember("subjects", "subjects", SUBJECT_FIELDS, "isn", ("isn",)),
    UpMember("events", "events",
             ("seq", "id", "at", "station_id", "actor_id", "kind", "interview_id", "payload",
              "prev_hash", "hash"), "seq", ("id",),
             acknowledged=False, special=True),
    UpMember("interviews", "interviews", ("record", "record_sha256"), "finalised_at, id",
             ("record", "id"), digest_field="record_sha256",
             special=True),
    UpMember("reviews", "reviews",
             ("id", "interview_id", "state", "reason", "comment", "reviewer_id", "at"),
             "at, id", ("id",)),
    UpMember("documents", "documents",
             ("id", "interview_id", "kind", "revision", "previous_id", "media_type", "sha256",
              "created_at", "created_by"),
             "created_at, id", ("id",), digest_field="sha256", files=True),
)
MEMBERS_BY_KIND: Mapping[str, UpMember] = {member.kind: member for member in UP_MEMBERS}
UP_KINDS = tuple(MEMBERS_BY_KIND)
ACKNOWLEDGED_KINDS = tuple(member.kind for member in UP_MEMBERS if member.acknowledged)
# The member after the records: one PDF per document row, as files/<document id>.pdf.
FILES = "files"


def record_id(kind: str, row: Mapping) -> str:
    """The key of a bundle row: an ISN for people, a digest for protocols, an id else."""
    return MEMBERS_BY_KIND[kind].record_id(row)


def record_digest(kind: str, row: Mapping) -> str:
    """The digest of a row exactly as a bundle carries it; both sides compute it the same
    way, so a station can tell "headquarters holds exactly this" from "headquarters holds
    another version of it"."""
    return MEMBERS_BY_KIND[kind].digest(row)


# What people call each member's records, counted, in the message language: whole phrases,
# so that a translator can place the count. tests/sync/test_members.py fails while a
# member has none.
COUNT_PHRASES: Mapping[str, Callable[[int], str]] = {
    "users": lambda count: ngettext("{count} account", "{count} accounts", count),
    "protocols": lambda count: ngettext("{count} protocol", "{count} protocols", count),
    "subjects": lambda count: ngettext("{count} roster entry", "{count} roster entries", count),
    "events": lambda count: ngettext("{count} history event", "{count} history events", count),
    "interviews": lambda count: ngettext("{count} interview", "{count} interviews", count),
    "reviews": lambda count: ngettext("{count} review", "{count} reviews", count),
    "documents": lambda count: ngettext("{count} form", "{count} forms", count),
}


def count_records(kind: str, count: int) -> str:
    """"1 interview", "3 roster entries": a count of one kind of record."""
    phrase = COUNT_PHRASES.get(kind)
    return phrase(count).format(count=count) if phrase else count_of(count, kind, kind)


def record_counts(counts: Mapping[str, int]) -> str:
    """"2 interviews, 1 protocol": the kinds with any, in the order given; "" for none."""
    return _(", ").join(count_records(kind, count) for kind, count in counts.items() if count)
