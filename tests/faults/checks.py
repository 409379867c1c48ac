"""What must hold after a kill, checked the way a user would find it: the station opens
with a password, its database and headquarters' are whole, every record the child
reported as committed is there unchanged, the history verifies, drafts are offered for
resuming with every answer given, and headquarters holds each bundle whole or not at all.

``Expectations`` collects what the children reported (see tests/faults/kill_workload.py
for the lines); ``KillChecker.check`` returns the problems found, one sentence each (an
empty list when everything holds).
"""

import contextlib
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from screening_app.domain.canonical import GENESIS_HASH, sha256_hex
from screening_app.sync import bundle as bundles
from screening_app.sync.members import record_digest
from tests.faults.kill_workload import INTERVIEWER, SUPERVISOR, outbox_folder

MAX_PROBLEMS_PER_BUNDLE = 5


@dataclass
class Expectations:
    """Everything the children said they committed, across every child so far."""

    finals: dict[str, str] = field(default_factory=dict)  # interview id -> record_sha256
    approved: set[str] = field(default_factory=set)
    drafts: dict[str, tuple[str, dict]] = field(default_factory=dict)  # id -> step, answers
    exported: set[str] = field(default_factory=set)
    ingested: set[str] = field(default_factory=set)
    applied: set[str] = field(default_factory=set)
    roster_people: int = 0

    def take(self, line: str) -> None:
        word, _, rest = line.partition(" ")
        if word == "FINAL":
            interview_id, sha = rest.split()
            self.finals[interview_id] = sha
        elif word == "APPROVED":
            self.approved.add(rest.strip())
        elif word == "DRAFT":
            interview_id, step, answers = rest.split(" ", 2)
            self.drafts[interview_id] = (step, json.loads(answers))
        elif word == "EXPORTED":
            self.exported.add(rest.strip())
        elif word == "INGESTED":
            self.ingested.add(rest.strip())
        elif word == "APPLIED":
            self.applied.add(rest.strip())
        elif word == "ROSTER":
            self.roster_people = max(self.roster_people, int(rest))


class KillChecker:
    """Checks a killed site. Bundles found whole at headquarters once are not decrypted
    again on later checks (records there are immutable, and the integrity check covers
    the pages they live on) unless ``full`` is asked for."""

    def __init__(self, data_dir: Path, hq_dir: Path, station_id: str, password: str,
                 hq_passphrase: str):
        self.data_dir = Path(data_dir)
        self.hq_dir = Path(hq_dir)
        self.station_id = station_id
        self.password = password
        self.hq_passphrase = hq_passphrase
        self._whole_bundles: set[str] = set()

    def check(self, expected: Expectations, *, full: bool = False) -> list[str]:
        from screening_app.hq.headquarters import Headquarters
        from screening_app.services.app import StationServices

        try:
            services, supervisor = StationServices.unlock(self.data_dir, SUPERVISOR,
                                                          self.password)
        except Exception as error:  # noqa: BLE001 -- whatever stops it opening is the finding
            return [f"The station does not open after the kill: {error!r}."]
        problems, station = self._check_station(services, supervisor, expected)
        try:
            hq = Headquarters.open(self.hq_dir, self.hq_passphrase)
        except Exception as error:  # noqa: BLE001
            return [*problems, f"Headquarters does not open after the kill: {error!r}."]
        try:
            return problems + self._check_headquarters(hq, expected, station, full)
        finally:
            hq.close()

    # -- the station -------------------------------------------------------------------------
    def _check_station(self, services, supervisor, expected: Expectations
                       ) -> tuple[list[str], "_StationFacts"]:
        try:
            interviewer = services.accounts.authenticate(INTERVIEWER, self.password)
            db = services.station.db
            problems = _integrity("station", db)
            problems += _finals(services, expected)
            problems += _approvals(services, expected)
            problems += _drafts(services, interviewer, expected)
            report = services.audit.verify(supervisor)
            problems += [f"audit verify: {problem}" for problem in report.problems]
            held = services.roster.count(supervisor)
            if held < expected.roster_people:
                problems.append(f"The roster holds {held} people after an import of"
                                f" {expected.roster_people} was reported committed.")
            problems += _sync_at_station(db, expected, outbox_folder(self.data_dir))
            facts = _StationFacts(
                event_hashes=dict(db.execute("SELECT seq, hash FROM events").fetchall()),
                finals=dict(db.execute("SELECT id, record_sha256 FROM interviews"
                                       " WHERE status = 'final'").fetchall()),
                documents=dict(db.execute("SELECT id, sha256 FROM documents").fetchall()))
        finally:
            services.close()
        return problems, facts

    # -- headquarters ------------------------------------------------------------------------
    def _check_headquarters(self, hq, expected: Expectations, station: "_StationFacts",
                            full: bool) -> list[str]:
        store = hq.store
        problems = _integrity("headquarters", store.db)
        problems += [f"Headquarters refused a bundle ({incident.kind}): {incident.reason}"
                     for incident in store.incidents()]
        rows = store.bundles(limit=1_000_000)
        held_ids = {row.bundle_id for row in rows}
        problems += [f"Bundle {bundle_id} was reported ingested but headquarters does not"
                     " hold it." for bundle_id in sorted(expected.ingested - held_ids)]
        for row in rows:
            if row.bundle_id in self._whole_bundles and not full:
                continue
            found = self._bundle_whole(hq, row)
            if found:
                problems += found
            else:
                self._whole_bundles.add(row.bundle_id)
        return problems + self._chain_prefix(store, station) + self._records_match(store,
                                                                                   station)

    def _bundle_whole(self, hq, row) -> list[str]:
        """Every record of an ingested bundle is held at headquarters as the bundle gave it
        (mutable rows, users and roster, at least present), and as many as it counted."""
        path = outbox_folder(self.data_dir) / (row.file_name or "")
        if not row.file_name or not path.is_file():
            return [f"Bundle {row.bundle_id} is held at headquarters but its file"
                    f" {row.file_name!r} is not in the outbox."]
        store = hq.store
        sealed = bundles.read_header(path)
        seen: Counter[str] = Counter()
        problems: list[str] = []
        with contextlib.closing(bundles.open_members(sealed, hq.age_identity)) as members:
            problems += self._members_held(row, members, store, seen)
        if len(problems) < MAX_PROBLEMS_PER_BUNDLE:
            counted = {kind: count for kind, count in row.counts.items() if count}
            if {kind: count for kind, count in seen.items() if count} != counted:
                problems.append(f"Bundle {row.bundle_id}: headquarters recorded the counts"
                                f" {counted} but the file holds {dict(seen)}.")
        return problems[:MAX_PROBLEMS_PER_BUNDLE]

    @staticmethod
    def _members_held(row, members, store, seen: Counter) -> list[str]:
        problems: list[str] = []
        for member in members:
            if member.name == "manifest.json":
                member.read()
                continue
            if member.kind == "files":
                document_id = member.name[len("files/"):-len(".pdf")]
                content = store.document_content(document_id)
                if content is None or sha256_hex(content) != sha256_hex(member.read()):
                    problems.append(f"Bundle {row.bundle_id}: the form {member.name} is not"
                                    " held at headquarters as sent.")
                continue
            for record in member.records():
                seen[member.kind] += 1
                missing = _missing_at_hq(store, row.station_id, member.kind, record)
                if missing:
                    problems.append(f"Bundle {row.bundle_id} is half-ingested: {missing}")
            if len(problems) >= MAX_PROBLEMS_PER_BUNDLE:
                break
        return problems

    def _chain_prefix(self, store, station: "_StationFacts") -> list[str]:
        """Headquarters' copy of the station's history is its first events, unchanged."""
        held = store.db.execute("SELECT seq, hash FROM events WHERE station_id = ?"
                                " ORDER BY seq", [self.station_id]).fetchall()
        seqs = [seq for seq, _ in held]
        if seqs != list(range(1, len(seqs) + 1)):
            return [f"Headquarters holds events of {self.station_id} with a gap: not a"
                    " contiguous prefix of the station's chain."]
        for seq, event_hash in held:
            if station.event_hashes.get(seq) != event_hash:
                return [f"Event {seq} held at headquarters differs from (or is missing in)"
                        " the station's chain."]
        row = store.station(self.station_id)
        head = (len(held), held[-1][1] if held else GENESIS_HASH)
        if (row.events_seq, row.events_hash) != head:
            return [f"Headquarters says it holds events up to {row.events_seq}, but holds"
                    f" {head[0]}."]
        return []

    def _records_match(self, store, station: "_StationFacts") -> list[str]:
        """Nothing headquarters holds from the station is missing or different there: a
        record the child sealed but could not report before the kill is still sealed."""
        problems = []
        for interview_id, sha in store.db.execute(
                "SELECT id, record_sha256 FROM interviews WHERE station_id = ?",
                [self.station_id]):
            if station.finals.get(interview_id) != sha:
                problems.append(f"Interview {interview_id} is held at headquarters but is not"
                                " sealed with the same hash at the station.")
        for document_id, sha in store.db.execute(
                "SELECT id, sha256 FROM documents WHERE station_id = ?", [self.station_id]):
            if station.documents.get(document_id) != sha:
                problems.append(f"Document {document_id} is held at headquarters but not at"
                                " the station with the same content.")
        return problems


@dataclass(frozen=True)
class _StationFacts:
    event_hashes: dict[int, str]
    finals: dict[str, str]
    documents: dict[str, str]


def _integrity(name: str, db) -> list[str]:
    rows = [row[0] for row in db.execute("PRAGMA integrity_check").fetchall()]
    problems = [] if rows == ["ok"] else [f"{name}: integrity_check says {'; '.join(rows)}"]
    broken = db.execute("PRAGMA foreign_key_check").fetchall()
    if broken:
        problems.append(f"{name}: {len(broken)} rows break a foreign key, first {broken[0]}.")
    return problems


def _finals(services, expected: Expectations) -> list[str]:
    from screening_app.store.interviews import InterviewRepository

    repository = InterviewRepository(services.station.db, services.station.review)
    problems = []
    for interview_id, sha in expected.finals.items():
        record = repository.get(interview_id)
        if record is None:
            problems.append(f"Finalised interview {interview_id} was lost.")
        elif not record.is_final:
            problems.append(f"Finalised interview {interview_id} is a draft again.")
        elif record.record_sha256 != sha or record.computed_hash() != sha:
            problems.append(f"Finalised interview {interview_id} changed: sealed as {sha},"
                            f" now {record.record_sha256}.")
    for (interview_id,) in services.station.db.execute(
            "SELECT id FROM interviews WHERE status = 'final' AND NOT EXISTS (SELECT 1 FROM"
            " documents WHERE documents.interview_id = interviews.id"
            " AND documents.revision = 1)"):
        problems.append(f"Finalised interview {interview_id} has no stored form.")
    return problems


def _approvals(services, expected: Expectations) -> list[str]:
    db = services.station.db
    problems = []
    for interview_id in sorted(expected.approved):
        if services.reviews.state(interview_id) != "approved":
            problems.append(f"The approval of interview {interview_id} was lost.")
    for (interview_id,) in db.execute(
            "SELECT interview_id FROM reviews WHERE state = 'approved' AND NOT EXISTS"
            " (SELECT 1 FROM documents WHERE documents.interview_id = reviews.interview_id"
            " AND documents.revision = 2)"):
        problems.append(f"Interview {interview_id} is approved but its countersigned form"
                        " (revision 2) is not stored.")
    return problems


def _drafts(services, interviewer, expected: Expectations) -> list[str]:
    from screening_app.store.interviews import InterviewRepository

    repository = InterviewRepository(services.station.db, services.station.review)
    offered = {interview.id: interview for interview in services.interviews.drafts(interviewer)}
    problems = []
    for interview_id, (step, answers) in expected.drafts.items():
        record = repository.get(interview_id)
        if record is None:
            problems.append(f"Draft {interview_id} was lost.")
            continue
        lost = sorted(key for key, value in answers.items() if record.answers.get(key) != value)
        if lost:
            problems.append(f"Interview {interview_id} lost the answers {', '.join(lost)}.")
        if record.is_final:
            continue  # finalised later: the reported answers are sealed with it
        interview = offered.get(interview_id)
        if interview is None:
            problems.append(f"Draft {interview_id} is not offered for resuming.")
            continue
        order = [s.id for s in interview.protocol.steps]
        if order.index(record.current_step) < order.index(step):
            problems.append(f"Draft {interview_id} resumes at {record.current_step}, before"
                            f" {step} where it was.")
        locked = interview.engine.step_status(record.current_step).locked_reason
        if locked:
            problems.append(f"Draft {interview_id} cannot go on at its step: {locked}")
    return problems


def _sync_at_station(db, expected: Expectations, outbox: Path) -> list[str]:
    problems = []
    recorded = {row[0] for row in db.execute("SELECT bundle_id FROM sync_exports")}
    for bundle_id in sorted(expected.exported):
        if bundle_id not in recorded:
            problems.append(f"The export of bundle {bundle_id} is no longer recorded.")
        files = list(outbox.glob(f"*-{bundle_id[:8]}{bundles.SUFFIX}"))
        if not files:
            problems.append(f"The file of exported bundle {bundle_id} is missing.")
        else:
            try:
                bundles.read_header(files[0])
            except bundles.BundleError as error:
                problems.append(f"The exported bundle {bundle_id} is damaged: {error}")
    applied = {row[0] for row in db.execute(
        "SELECT json_extract(payload, '$.bundle_id') FROM events WHERE kind = 'sync.applied'")}
    problems += [f"Headquarters' bundle {bundle_id} was applied but its application is lost."
                 for bundle_id in sorted(expected.applied - applied)]
    return problems


def _missing_at_hq(store, station_id: str, kind: str, record: dict) -> str | None:
    """None when headquarters holds this bundle record; else what is missing."""
    if kind == "events":
        if store.event_hash(station_id, record["seq"]) != record["hash"]:
            return f"event {record['seq']} is not held."
    elif kind == "interviews":
        if store.interview_digest(record["record"]["id"]) != (station_id,
                                                               record["record_sha256"]):
            return f"interview {record['record']['id']} is not held."
    elif kind == "reviews":
        if store.review_digest(record["id"]) != (station_id, record_digest("reviews", record)):
            return f"review {record['id']} is not held."
    elif kind == "documents":
        if store.document_digest(record["id"]) != (station_id, record["sha256"]):
            return f"document {record['id']} is not held."
    elif kind == "users":
        if store.user_digest(station_id, record["id"]) is None:
            return f"user {record['id']} is not held."
    elif kind == "subjects":
        if store.subject_digest(station_id, record["isn"]) is None:
            return f"roster row {record['isn']} is not held."
    elif kind == "protocols":
        if store.station_protocol_digest(station_id, record["sha256"]) is None:
            return f"protocol {record['sha256'][:12]} is not held."
    else:
        return f"it holds records of the unknown kind {kind!r}."
    return None
