"""The members of one station bundle, checked and stored as they stream in.

Members arrive in the order the station writes them (manifest, users, protocols, subjects,
events, interviews, reviews, documents, then one file per document), and each check relies
on what came before: an interview needs its finalisation event, a review its interview, a
file its document row. Every refusal is one sentence naming the member and line.
"""

import itertools
import json
import re
from collections import Counter
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes

from screening_app.domain.canonical import (
    GENESIS_HASH,
    canonical_json,
    chain_hash,
    sha256_hex,
    utc_now,
)
from screening_app.hq.form_signers import FirstSigners
from screening_app.hq.pdf_check import check_and_hash_pdf
from screening_app.hq.store_interface import HqStore
from screening_app.hq.store_rows import StationRow
from screening_app.pki import certificates
from screening_app.protocol.definition import protocol_sha256
from screening_app.store.events import event_content
from screening_app.sync.bundle import BundleError, Member
from screening_app.sync.members import FILES, UP_KINDS, record_digest

# The order members come in (sync/members.py declares them); a bundle out of this order
# was not written by a station. Each member kind has its ``_take_<kind>`` below.
ORDER = ("manifest.json", *UP_KINDS, FILES)
OUTCOMES = ("completed", "not_completed")
REVIEW_STATES = ("approved", "sent_back", "rejected")
_SUBJECT_TEXT = ("name_native", "name_latin", "nationality", "rank", "unit", "camp", "compound",
                 "added_at", "updated_at")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_MAX_INT = 2**53  # sequence numbers, versions and revisions: far below, and exact in JSON
_FILE = re.compile(r"^files/(?P<id>[A-Za-z0-9-]{1,64})\.pdf$")
CHUNK_ROWS = 500  # rows of a member taken at a time; their held digests read in one query
# The key of a row of each member kind whose held digest a chunk reads at once (a row
# without one is refused by its handler, which names what it lacks).
_ROW_KEYS = {
    "subjects": lambda row: row.get("isn"),
    "interviews": lambda row: (row.get("record") or {}).get("id")
    if isinstance(row.get("record"), dict) else None,
    "reviews": lambda row: row.get("id"),
    "documents": lambda row: row.get("id"),
}


class ChainBroken(BundleError):
    """The station's events do not continue the chain headquarters holds (HTTP 409)."""

    def __init__(self, message: str, kind: str):
        super().__init__(message)
        self.incident_kind = kind  # "fork" or "gap"


class EventsMissing(ChainBroken):
    """The station's events start after the last one headquarters holds of it (a gap):
    headquarters lost events the station was told it held, as when headquarters is put back
    from an older copy. Its answer may ask the station for them again (hq/resend.py)."""

    def __init__(self, message: str, station_id: str):
        super().__init__(message, "gap")
        self.station_id = station_id


class RecordDiffers(BundleError):
    """A record headquarters holds comes again with other content (HTTP 409)."""

    incident_kind = "differs"


class BundleIntake:
    """Checks and stores the members of one bundle, inside the caller's transaction."""

    def __init__(self, store: HqStore, station: StationRow, bundle_name: str,
                 root: x509.Certificate):
        self._store = store
        self._station = station
        self._id = station.station_id
        self._name = bundle_name
        self._root = root
        self._station_fingerprint = certificates.load_certificates(
            station.certificate_pem.encode(), "station certificate")[0].fingerprint(
            hashes.SHA256())
        self._first_signers = FirstSigners(store, self._id, self._station_fingerprint)
        self._position = -1
        self._manifest: dict[str, Any] | None = None
        # A bundle older than what headquarters already took in from this station must not
        # put back older versions of the station's users and roster rows.
        self._stale = False
        self._next_seq = 0
        self._prev_hash = GENESIS_HASH
        self.events_head = (station.events_seq, station.events_hash)
        # What this bundle has already shown, so that its later rows need not ask the
        # database again: the finalisations among its new events (interview id -> record
        # hashes) and the interviews now held from this station (id -> ISN).
        self._finalised_here: dict[str, set[str]] = {}
        self._interviews_here: dict[str, str] = {}
        self._documents: dict[str, dict] = {}  # document rows of this bundle, by id
        self._files_seen: set[str] = set()
        self._new_protocols: list[tuple[dict, str, str]] = []  # stored last (finish)
        # The digests held of the records of the chunk of rows being taken, by kind and key
        # (None: not held); see _take_rows.
        self._held: dict[str, dict[str, Any]] = {}
        self.added: Counter[str] = Counter()
        self.duplicates: Counter[str] = Counter()
        self.updated: Counter[str] = Counter()
        self.touched_isns: set[str] = set()
        self.applied_down_through = 0

    # -- dispatch -------------------------------------------------------------------------
    def take(self, member: Member) -> None:
        kind = "manifest.json" if member.name == "manifest.json" else member.kind
        if kind not in ORDER or (kind != "manifest.json" and kind != FILES
                                 and not member.name.endswith(".jsonl")):
            raise BundleError(f"{self._name} holds {member.name!r}, which no station writes.")
        position = ORDER.index(kind)
        if position < self._position or (kind == "manifest.json" and self._position >= 0):
            raise BundleError(f"{self._name} is damaged: {member.name!r} is out of order.")
        if self._manifest is None and kind != "manifest.json":
            raise BundleError(f"{self._name} is damaged: it does not start with its"
                              " manifest.")
        self._position = position
        if kind == "manifest.json":
            self._take_manifest(member)
        elif kind == FILES:
            self._take_file(member)
        else:
            self._take_rows(kind, member)

    def _take_rows(self, kind: str, member: Member) -> None:
        """The rows of a JSON Lines member, a chunk at a time: what headquarters holds of a
        chunk's records is read in one query (``_held``), not one per row."""
        handler = getattr(self, f"_take_{kind}")
        key_of = _ROW_KEYS.get(kind)
        read = 0
        handling: int | None = None  # the line being handled, once read
        try:
            rows = enumerate(member.records(), start=1)
            while chunk := list(itertools.islice(rows, CHUNK_ROWS)):
                read = chunk[-1][0]
                if key_of is not None:
                    keys = {key for _, row in chunk if _storable(key := key_of(row))}
                    self._held[kind] = self._store.held_digests(kind, self._id, sorted(keys))
                    self._held[kind].update(dict.fromkeys(keys - self._held[kind].keys()))
                for handling, row in chunk:
                    handler(row, f"{self._name}: {member.name}, line {handling}")
                handling = None
        except (UnicodeError, OverflowError, RecursionError) as error:
            # Text no station writes (a lone surrogate), a number SQLite cannot hold, or
            # JSON nested deeper than any record.
            line = handling if handling is not None else read + 1
            raise BundleError(f"{self._name}: {member.name}, line {line}: the row holds"
                              f" a value that cannot be stored ({type(error).__name__})."
                              ) from None
        finally:
            self._held.pop(kind, None)

    def _held_digest(self, kind: str, key: str, read_one) -> Any:
        """The digest held of a record of the chunk being taken (``read_one()`` for any
        other)."""
        held = self._held.get(kind, {})
        return held[key] if key in held else read_one()

    def _now_held(self, kind: str, key: str, digest: Any) -> None:
        """A record this bundle stored: a later row of the chunk with its key finds it."""
        if kind in self._held:
            self._held[kind][key] = digest

    def finish(self) -> None:
        if self._manifest is None:
            raise BundleError(f"{self._name} is damaged: it has no manifest.")
        events = self._manifest["events"]
        if self._next_seq - 1 != events["through_seq"]:
            raise BundleError(f"{self._name} is damaged: its manifest says its events run to"
                              f" {events['through_seq']}, but they end at"
                              f" {self._next_seq - 1}.")
        if self._prev_hash != events["through_hash"]:
            raise BundleError(f"{self._name} is damaged: its last event is not the one its"
                              " manifest names.")
        missing = sorted(set(self._documents) - self._files_seen)
        if missing:
            raise BundleError(f"{self._name} is damaged: document {missing[0]} has no file"
                              f" (files/{missing[0]}.pdf).")
        self._store_protocols()

    # -- manifest -------------------------------------------------------------------------
    def _take_manifest(self, member: Member) -> None:
        where = f"{self._name}: manifest.json"
        try:
            manifest = json.loads(member.read())
            events = manifest["events"]
            after_seq, through_seq = int(events["after_seq"]), int(events["through_seq"])
            after_hash, through_hash = str(events["after_hash"]), str(events["through_hash"])
            applied = int(manifest.get("applied_down_through", 0))
            station_id = manifest["station_id"]
        except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
            raise BundleError(f"{where} is not readable.") from None
        if not all(0 <= number <= _MAX_INT for number in (after_seq, through_seq, applied)):
            raise BundleError(f"{where} holds an impossible sequence number.")
        if station_id != self._id:
            raise BundleError(f"{where} names station {station_id!r}, but the bundle is signed"
                              f" by station {self._id}.")
        if not 0 <= after_seq <= through_seq:
            raise BundleError(f"{where}: its events range {after_seq}..{through_seq} is"
                              " impossible.")
        held_seq = self._station.events_seq
        if after_seq > held_seq:
            raise EventsMissing(f"{self._name}: events {held_seq + 1}..{after_seq} of station"
                                f" {self._id} are missing: headquarters holds its events up"
                                f" to {held_seq} and this bundle starts after {after_seq}.",
                                self._id)
        held_hash = GENESIS_HASH if after_seq == 0 else self._store.event_hash(self._id,
                                                                                after_seq)
        if held_hash != after_hash:
            raise ChainBroken(f"{self._name}: event {after_seq} of station {self._id} differs"
                              " from the one headquarters holds: the station's history was"
                              " changed (a fork).", "fork")
        self._manifest = {"events": {"after_seq": after_seq, "through_seq": through_seq,
                                     "through_hash": through_hash}}
        self._next_seq, self._prev_hash = after_seq + 1, after_hash
        self._stale = through_seq < held_seq
        self.applied_down_through = max(applied, 0)

    # -- mutable rows: users and roster ------------------------------------------------------
    def _take_users(self, row: dict, where: str) -> None:
        _require(row, {"id": str, "name": str, "role": str}, where, "the user row")
        _require_optional(row, {"disabled_at": str}, where, "the user row")
        self._put_current("users", row, row["id"], where)

    def _take_subjects(self, row: dict, where: str) -> None:
        _require(row, {"isn": str}, where, "the roster row")
        _require_optional(row, {**dict.fromkeys(_SUBJECT_TEXT, str), "birth_year": int}, where,
                          "the roster row")
        if not row["isn"].strip():
            raise BundleError(f"{where}: the roster row has an empty ISN.")
        self._put_current("subjects", row, row["isn"], where)

    def _put_current(self, kind: str, row: dict, key: str, where: str) -> None:
        digest = record_digest(kind, row)
        getter, putter = ((self._store.user_digest, self._store.put_user) if kind == "users"
                          else (self._store.subject_digest, self._store.put_subject))
        held = self._held_digest(kind, key, lambda: getter(self._id, key))
        if held == digest:
            self.duplicates[kind] += 1
        elif held is not None and self._stale:
            pass  # a newer bundle already gave headquarters a newer version of this row
        else:
            putter(self._id, row, digest)
            self._now_held(kind, key, digest)
            (self.added if held is None else self.updated)[kind] += 1

    # -- protocols ----------------------------------------------------------------------------
    def _take_protocols(self, row: dict, where: str) -> None:
        _require(row, {"sha256": str, "protocol_id": str, "version": int, "definition": str},
                 where, "the protocol row")
        try:
            definition = json.loads(row["definition"])
        except ValueError:
            raise BundleError(f"{where}: the protocol definition is not JSON.") from None
        if protocol_sha256(definition) != row["sha256"]:
            raise BundleError(f"{where}: protocol {row['protocol_id']} version"
                              f" {row['version']} does not match its sha256: it was altered.")
        digest = record_digest("protocols", row)
        pending = {(new["sha256"], new_digest) for new, _, new_digest in self._new_protocols}
        held = self._store.station_protocol_digest(self._id, row["sha256"])
        if held == digest or (row["sha256"], digest) in pending:
            self.duplicates["protocols"] += 1
        else:
            self._new_protocols.append((row, canonical_json(definition), digest))
            self.added["protocols"] += 1

    def _store_protocols(self) -> None:
        """Store the protocols this bundle brings, last: stations share their protocols, and
        on PostgreSQL a second intake storing the same one waits until the first commits,
        which would make every other station's intake wait for the whole of the first."""
        for row, definition, digest in self._new_protocols:
            if self._store.protocol_definition(row["sha256"]) is None:
                self._store.insert_protocol(row["sha256"], row["protocol_id"], row["version"],
                                            definition, utc_now())
            self._store.put_station_protocol(self._id, row["sha256"], digest)

    # -- events -------------------------------------------------------------------------------
    def _take_events(self, event: dict, where: str) -> None:
        _require(event, {"seq": int, "id": str, "at": str, "station_id": str, "kind": str,
                         "payload": dict, "prev_hash": str, "hash": str}, where, "the event")
        _require_optional(event, {"actor_id": str, "interview_id": str}, where, "the event")
        seq = event["seq"]
        if seq != self._next_seq:
            raise BundleError(f"{where}: event {seq} comes where event {self._next_seq}"
                              " should; events are missing or out of order.")
        if event["station_id"] != self._id:
            raise BundleError(f"{where}: event {seq} is from station"
                              f" {event['station_id']!r}, not {self._id}.")
        if event["prev_hash"] != self._prev_hash:
            raise BundleError(f"{where}: event {seq} does not link to the event before it.")
        content = event_content(seq, event["id"], event["at"], event["station_id"],
                                event.get("actor_id"), event["kind"], event.get("interview_id"),
                                event["payload"])
        if chain_hash(event["prev_hash"], content) != event["hash"]:
            raise BundleError(f"{where}: event {seq} ({event['kind']}) was altered: its hash"
                              " does not match its content.")
        held_seq = self._station.events_seq
        if seq <= held_seq:
            if self._store.event_hash(self._id, seq) != event["hash"]:
                raise ChainBroken(f"{where}: event {seq} of station {self._id} differs from"
                                  " the one headquarters holds: the station's history was"
                                  " changed (a fork).", "fork")
            self.duplicates["events"] += 1
        else:
            self._store.insert_event(self._id, {**event, "actor_id": event.get("actor_id"),
                                                "interview_id": event.get("interview_id")})
            self.added["events"] += 1
            if event["kind"] == "interview.finalised" and event.get("interview_id"):
                self._finalised_here.setdefault(event["interview_id"], set()).add(
                    str(event["payload"].get("record_sha256")))
            self.events_head = (seq, event["hash"])
        self._next_seq, self._prev_hash = seq + 1, event["hash"]

    # -- interviews and reviews ------------------------------------------------------------------
    def _take_interviews(self, row: dict, where: str) -> None:
        _require(row, {"record": dict, "record_sha256": str}, where, "the interview row")
        record, digest = row["record"], row["record_sha256"]
        _require(record, {"id": str, "station_id": str, "subject_isn": str, "status": str,
                          "outcome": str, "finalised_at": str}, where, "the interview record")
        _require_optional(record, {"choice": str, "supersedes_id": str,
                                   "interviewer_name": str}, where, "the interview record")
        interview_id = record["id"]
        canonical = canonical_json(record)
        if sha256_hex(canonical) != digest:
            raise BundleError(f"{where}: interview {interview_id} does not match its own hash"
                              " (record_sha256): it was altered.")
        if record["station_id"] != self._id:
            raise BundleError(f"{where}: interview {interview_id} was taken at station"
                              f" {record['station_id']!r}, not {self._id}.")
        if record["status"] != "final" or record["outcome"] not in OUTCOMES:
            raise BundleError(f"{where}: interview {interview_id} is not a finalised record.")
        held = self._held_digest("interviews", interview_id,
                                 lambda: self._store.interview_digest(interview_id))
        if self._held_already("interviews", held, digest, f"interview {interview_id}", where):
            self._interviews_here[interview_id] = record["subject_isn"]
            return
        if (digest not in self._finalised_here.get(interview_id, ())
                and not self._store.has_finalisation(self._id, interview_id, digest)):
            raise BundleError(f"{where}: interview {interview_id} has no 'interview.finalised'"
                              " event with its hash in the station's history.")
        self._store.insert_interview(self._id, record, digest, canonical)
        self._now_held("interviews", interview_id, (self._id, digest))
        self._interviews_here[interview_id] = record["subject_isn"]
        self.added["interviews"] += 1
        self.touched_isns.add(record["subject_isn"])

    def _take_reviews(self, row: dict, where: str) -> None:
        _require(row, {"id": str, "interview_id": str, "state": str, "at": str}, where,
                 "the review row")
        _require_optional(row, {"reason": str, "comment": str, "reviewer_id": str}, where,
                          "the review row")
        if row["state"] not in REVIEW_STATES:
            raise BundleError(f"{where}: review {row['id']} has the unknown state"
                              f" {row['state']!r}.")
        isn = self._own_interview(row["interview_id"], f"review {row['id']}", where)
        digest = record_digest("reviews", row)
        held = self._held_digest("reviews", row["id"],
                                 lambda: self._store.review_digest(row["id"]))
        if self._held_already("reviews", held, digest, f"review {row['id']}", where):
            return
        self._store.insert_review(self._id, row, digest)
        self._now_held("reviews", row["id"], (self._id, digest))
        self.added["reviews"] += 1
        self.touched_isns.add(isn)

    def _own_interview(self, interview_id: str, what: str, where: str) -> str:
        if interview_id in self._interviews_here:
            return self._interviews_here[interview_id]
        owner = self._store.interview_owner(interview_id)
        if owner is None or owner[0] != self._id:
            raise BundleError(f"{where}: {what} belongs to interview {interview_id}, which"
                              " headquarters does not hold from this station.")
        return owner[1]

    def _held_already(self, kind: str, held: tuple[str, str] | None, digest: str, what: str,
                      where: str) -> bool:
        """True for a record held unchanged (a duplicate); refuses one held otherwise."""
        if held is None:
            return False
        held_station, held_digest = held
        if held_station != self._id:
            raise RecordDiffers(f"{where}: {what} is held from station {held_station}, not"
                                f" {self._id}.")
        if held_digest != digest:
            raise RecordDiffers(f"{where}: {what} differs from the record headquarters holds;"
                                " a record never changes once sent.")
        self.duplicates[kind] += 1
        return True

    # -- documents and their files ----------------------------------------------------------------
    def _take_documents(self, row: dict, where: str) -> None:
        _require(row, {"id": str, "interview_id": str, "kind": str, "revision": int,
                       "media_type": str, "sha256": str, "created_at": str}, where,
                 "the document row")
        _require_optional(row, {"previous_id": str, "created_by": str}, where,
                          "the document row")
        document_id = row["id"]
        if not _FILE.match(f"files/{document_id}.pdf") or not _SHA256.match(row["sha256"]):
            raise BundleError(f"{where}: document {document_id!r} has an impossible id or"
                              " sha256.")
        if row["revision"] < 1 or document_id in self._documents:
            raise BundleError(f"{where}: document {document_id} is given twice or has an"
                              " impossible revision.")
        self._own_interview(row["interview_id"], f"document {document_id}", where)
        held = self._held_digest("documents", document_id,
                                 lambda: self._store.document_digest(document_id))
        self._held_already("documents", held, row["sha256"], f"document {document_id}", where)
        self._documents[document_id] = {**row, "_held": held is not None, "_where": where}

    def _require_previous(self, row: dict, where: str) -> None:
        previous = row["previous_id"]
        held = self._store.document_digest(previous)
        if (held is None or held[0] != self._id) and previous not in self._documents:
            raise BundleError(f"{where}: document {row['id']} is a new revision of document"
                              f" {previous}, which headquarters does not hold.")

    def _take_file(self, member: Member) -> None:
        where = f"{self._name}: {member.name}"
        match = _FILE.match(member.name)
        document = self._documents.get(match["id"]) if match else None
        if document is None:
            raise BundleError(f"{where} is a file for no document of this bundle.")
        if match["id"] in self._files_seen:
            raise BundleError(f"{where} is in the bundle twice.")
        self._files_seen.add(match["id"])
        content = member.read()
        # A form held already is only compared; a new one is checked, and hashed on the way.
        checked = (None if document["_held"] else
                   check_and_hash_pdf(content, self._root, self._expected_signers(document)))
        if (checked.sha256 if checked else sha256_hex(content)) != document["sha256"]:
            raise BundleError(f"{where} does not match the sha256 its document row gives:"
                              " it was altered.")
        if checked is None:
            return
        if checked.problem:
            raise BundleError(f"{where} (the form of interview {document['interview_id']}):"
                              f" {checked.problem}")
        if document.get("previous_id"):
            self._require_previous(document, document["_where"])
        row = {key: value for key, value in document.items() if not key.startswith("_")}
        self._store.insert_document(self._id, row, content)
        self.added["documents"] += 1

    def _expected_signers(self, document: dict):
        def check(signers: list[x509.Certificate]) -> str | None:
            problem = self._first_signers.problem(signers[0], document["interview_id"])
            if problem:
                return problem
            if document["revision"] > 1 and len(signers) < 2:
                return (f"it is revision {document['revision']} but carries no"
                        " countersignature.")
            return None
        return check


def _storable(key: Any) -> bool:
    """A key a query can carry. Another (text no station writes) is left to its row's own
    handler, whose sentence names the row's line."""
    if not isinstance(key, str):
        return False
    try:
        key.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _require(row: dict, fields: dict[str, type], where: str, what: str) -> None:
    for name, kind in fields.items():
        value = row.get(name)
        if not isinstance(value, kind) or (kind is int and (isinstance(value, bool)
                                                            or not 0 <= value <= _MAX_INT)):
            raise BundleError(f"{where}: {what} lacks a valid {name!r}.")


def _require_optional(row: dict, fields: dict[str, type], where: str, what: str) -> None:
    for name, kind in fields.items():
        if row.get(name) is not None and not isinstance(row[name], kind):
            raise BundleError(f"{where}: {what} has an invalid {name!r}.")
