"""The review's pattern flags across stations: per camp (every station of a camp
together) and operation-wide, so that a pattern split over ten laptops is seen whole.

The same tests as at a station (analysis/group_flags.py), on the records headquarters
holds. Interviewers are named by login and station ("ivan at KOJE-01"): login names are
the station's own. Days are local days in headquarters' time zone (its computer's).
Interpreters are one person per id a station's records keep (that station's list of known
people), and across stations by name.
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
        lambda record: record.known_person(question_of(record) or ""))
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


def _one_name_per_known_person(records: list[InterviewRecord], read_name, read_id):
    """A reader of a record's interpreter: records that name a person on their station's
    list (by the id they keep) are one interpreter here too, under the name most of them
    give, however each was written (the stations' lists stay at the stations)."""
    names: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for record in records:
        person, name = read_id(record), read_name(record)
        if person and isinstance(name, str) and name.strip():
            names[record.station_id, person][" ".join(name.split())] += 1
    # Ties go to the name seen first: the same records always give the same name.
    chosen = {key: counts.most_common(1)[0][0] for key, counts in names.items()}

    def read(record: InterviewRecord) -> object:
        person = read_id(record)
        return chosen.get((record.station_id, person), read_name(record)) if person \
            else read_name(record)
    return read


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
