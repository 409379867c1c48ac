"""The review's pattern flags across stations: per camp (every station of a camp
together) and operation-wide, so that a pattern split over ten laptops is seen whole.

The same tests as at a station (analysis/group_flags.py), on the records headquarters
holds. Interviewers are named by login and station ("ivan at KOJE-01"): login names are
the station's own. Days are local days in headquarters' time zone (its computer's).
Interpreters are one person per entry of a station's list of known people (rebuilt from
the station's history: additions, corrections and merges are events it sends), and across
stations one person per native name (or name, where the lists give no native name).
"""

import csv
import dataclasses
import io
import json
from collections import Counter, defaultdict
from dataclasses import dataclass

from screening_app.domain.errors import UserError
from screening_app.domain.interview import InterviewRecord, InterviewStatus, OutcomeStatus
from screening_app.domain.review_flags import FlagSettings, ReviewFlag
from screening_app.protocol.definition import Protocol
from screening_app.protocol.vocabulary import (
    INTERPRETER_NAME,
    role_question_reader,
    role_reader,
)
from screening_app.services.lists import neutralise

OPERATION = "All camps"
CSV_FILE = "flags.csv"


@dataclass(frozen=True)
class ScopedFlag:
    scope: str  # a camp, or OPERATION
    flag: ReviewFlag


def pattern_flags(store, settings: FlagSettings | None = None) -> list[ScopedFlag]:
    """``settings`` gives the thresholds (by default the stations' defaults, in
    headquarters' time zone); each protocol's records are tested apart, against that
    protocol's outcomes and named by its labels."""
    from screening_app.analysis.group_flags import group_flags
    from screening_app.services.settings import system_time_zone

    settings = settings or FlagSettings(time_zone=system_time_zone())
    camps = {row.station_id: row.camp for row in store.stations()}
    records: list[InterviewRecord] = []
    labels: dict[str, str] = {}
    with store.snapshot():
        for station_id, held in store.interview_records():
            record = _record(held)
            records.append(record)
            labels[record.interviewer_id] = f"{record.interviewer_name} at {station_id}"
    protocols = _protocols(store)
    question_of = role_question_reader(protocols, INTERPRETER_NAME)
    interpreter_of = _one_name_per_known_person(
        records, role_reader(protocols, INTERPRETER_NAME),
        lambda record: record.known_person(question_of(record) or ""), _stations_lists(store))
    flags = []
    for protocol, taken_on in _by_protocol(records, protocols):
        tested = _protocol_settings(protocol, settings)
        by_camp: dict[str, list[InterviewRecord]] = defaultdict(list)
        for record in taken_on:
            by_camp[camps.get(record.station_id, record.station_id)].append(record)
        flags += [ScopedFlag(camp, flag) for camp in sorted(by_camp)
                  for flag in group_flags(by_camp[camp], tested, labels, interpreter_of)]
        if len(by_camp) > 1:
            flags += [ScopedFlag(OPERATION, flag)
                      for flag in group_flags(taken_on, tested, labels, interpreter_of)]
    return flags


def _by_protocol(records: list[InterviewRecord], protocol_of
                 ) -> list[tuple[Protocol, list[InterviewRecord]]]:
    """The records by the protocol (id) they were taken on, each protocol by its newest
    version held, the default protocol first; a record whose protocol headquarters does
    not hold counts as the default protocol's."""
    from screening_app.protocol import DEFAULT_PROTOCOL_ID, default_protocol

    newest: dict[str, Protocol] = {DEFAULT_PROTOCOL_ID: default_protocol()}
    groups: dict[str, list[InterviewRecord]] = defaultdict(list)
    for record in records:
        protocol = protocol_of(record.protocol_sha256) or newest[DEFAULT_PROTOCOL_ID]
        known = newest.get(protocol.id)
        if known is None or protocol.version > known.version:
            newest[protocol.id] = protocol
        groups[protocol.id].append(record)
    order = sorted(groups, key=lambda protocol_id: (protocol_id != DEFAULT_PROTOCOL_ID,
                                                    protocol_id))
    return [(newest[protocol_id], groups[protocol_id]) for protocol_id in order]


def _protocol_settings(protocol: Protocol, settings: FlagSettings) -> FlagSettings:
    """``settings``' thresholds with the protocol's minimums, outcomes and labels."""
    from screening_app.services.reviews import protocol_flag_settings

    own = protocol_flag_settings(protocol)
    return dataclasses.replace(
        settings, minimum_duration_seconds=own.minimum_duration_seconds,
        minimum_explanation_seconds=own.minimum_explanation_seconds,
        explanation_step=own.explanation_step, skew_choice=own.skew_choice,
        choice_labels=own.choice_labels, flag_labels=own.flag_labels,
        flag_explanations=own.flag_explanations)


def csv_text(flags: list[ScopedFlag]) -> str:
    """One row per flag: scope, title, sentence, and the interviews it lists (spreadsheet
    formulas neutralised)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["scope", "flag", "explanation", "interviews", "interview_ids"])
    for scoped in flags:
        flag = scoped.flag
        writer.writerow([neutralise(v) for v in (
            scoped.scope, flag.shown_title, flag.explanation, str(len(flag.interview_ids)),
            " ".join(flag.interview_ids))])
    return out.getvalue()


def _stations_lists(store) -> dict[tuple[str, str], tuple[str, str | None]]:
    """Each station's list of known people as its history tells it (every addition,
    correction and merge is an event the station sent): (station, id) -> (name, native
    name), a merged entry under the entry it was merged into."""
    from screening_app.services.known_people import ADDED_EVENT, CHANGED_EVENT, MERGED_EVENT

    names: dict[tuple[str, str], tuple[str, str | None]] = {}
    merged: dict[tuple[str, str], str] = {}
    for station_id, kind, payload in store.station_events(
            [ADDED_EVENT, CHANGED_EVENT, MERGED_EVENT]):
        key = (station_id, str(payload.get("id")))
        if kind == MERGED_EVENT:
            merged[key] = str(payload.get("into"))
        elif isinstance(payload.get("name"), str):
            names[key] = (payload["name"], payload.get("name_native"))

    def entry(key: tuple[str, str]) -> tuple[str, str | None] | None:
        seen = set()
        while key in merged and key not in seen:  # merged, perhaps more than once
            seen.add(key)
            key = (key[0], merged[key])
        return names.get(key)
    return {key: found for key in names.keys() | merged.keys()
            if (found := entry(key)) is not None}


def _one_name_per_known_person(records: list[InterviewRecord], read_name, read_id,
                               lists: dict[tuple[str, str], tuple[str, str | None]]):
    """A reader of a record's interpreter. Records that name a person on their station's
    list (by the id they keep) are that person; across stations, entries with the same
    native name (or, without one, the same name, spacing and case aside) are one person,
    under the name most of their records' lists give. A person the lists do not hold is
    one per station and id, under the name most of their records give."""
    def person(record: InterviewRecord) -> tuple | None:
        known = read_id(record)
        if not known:
            return None
        entry = lists.get((record.station_id, known))
        if entry is None:
            return ("station", record.station_id, known)
        name, native = entry
        return ("named", _same_name(native) or _same_name(name))

    names: dict[tuple, Counter] = defaultdict(Counter)
    for record in records:
        who = person(record)
        entry = lists.get((record.station_id, read_id(record) or ""))
        name = entry[0] if entry is not None else read_name(record)
        if who is not None and isinstance(name, str) and name.strip():
            names[who][" ".join(name.split())] += 1
    # Ties go to the name first in alphabetical order: the same records always give the
    # same name, whatever order the store gives them in.
    chosen = {who: min(counts.items(), key=lambda item: (-item[1], item[0]))[0]
              for who, counts in names.items()}

    def read(record: InterviewRecord) -> object:
        who = person(record)
        return chosen.get(who, read_name(record)) if who is not None else read_name(record)
    return read


def _same_name(name: object) -> str | None:
    return " ".join(name.split()).casefold() if isinstance(name, str) and name.strip() \
        else None


def _protocols(store):
    """A record's protocol by its hash, as headquarters holds it (each parsed once)."""
    from screening_app.protocol import parse_protocol

    parsed: dict = {}

    def protocol_of(sha256: str):
        if sha256 not in parsed:
            definition = store.protocol_definition(sha256)
            try:
                parsed[sha256] = (parse_protocol(json.loads(definition), "held protocol")
                                  if definition else None)
            except UserError:
                parsed[sha256] = None
        return parsed[sha256]
    return protocol_of


def _record(held: dict) -> InterviewRecord:
    """What the tests read of a record as headquarters holds it (its whole sealed
    content)."""
    return InterviewRecord(
        id=held["id"], station_id=held["station_id"], subject_isn=held["subject_isn"],
        subject_snapshot=held.get("subject_snapshot") or {},
        protocol_sha256=held.get("protocol_sha256", ""),
        protocol_id=held.get("protocol_id", ""), protocol_version=held.get("protocol_version", 0),
        option_order={}, interviewer_id=f"{held['station_id']}/{held.get('interviewer_id')}",
        interviewer_name=held.get("interviewer_name") or "?", language=held.get("language"),
        status=InterviewStatus(held.get("status") or "final"),
        answers=held.get("answers") or {}, current_step=None,
        started_at=held.get("started_at") or held["finalised_at"], ended_at=held.get("ended_at"),
        finalised_at=held.get("finalised_at"),
        outcome=OutcomeStatus(held["outcome"]) if held.get("outcome") else None,
        choice=held.get("choice"), journal=tuple(held.get("journal") or ()))
