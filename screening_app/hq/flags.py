"""The review's pattern flags across stations: per camp (every station of a camp
together) and operation-wide, so that a pattern split over ten laptops is seen whole.

The same tests as at a station (analysis/group_flags.py), on the records headquarters
holds. Interviewers are named by login and station ("ivan at KOJE-01"): login names are
the station's own. Days are local days in headquarters' time zone (its computer's).
"""

import csv
import io
import json
from collections import defaultdict
from dataclasses import dataclass

from screening_app.domain.errors import UserError
from screening_app.domain.interview import InterviewRecord, InterviewStatus, OutcomeStatus
from screening_app.domain.review_flags import FlagSettings, ReviewFlag
from screening_app.protocol.vocabulary import role_reader
from screening_app.services.lists import neutralise

OPERATION = "All camps"
CSV_FILE = "flags.csv"


@dataclass(frozen=True)
class ScopedFlag:
    scope: str  # a camp, or OPERATION
    flag: ReviewFlag


def pattern_flags(store, settings: FlagSettings | None = None) -> list[ScopedFlag]:
    from screening_app.analysis.group_flags import group_flags
    from screening_app.services.reviews import protocol_flag_settings
    from screening_app.services.settings import system_time_zone

    settings = settings or protocol_flag_settings(time_zone=system_time_zone())
    camps = {row.station_id: row.camp for row in store.stations()}
    interpreter_of = role_reader(_protocols(store), "interpreter_name")
    by_camp: dict[str, list[InterviewRecord]] = defaultdict(list)
    labels: dict[str, str] = {}
    with store.snapshot():
        for station_id, held in store.interview_records():
            record = _record(held)
            by_camp[camps.get(station_id, station_id)].append(record)
            labels[record.interviewer_id] = f"{record.interviewer_name} at {station_id}"
    flags = [ScopedFlag(camp, flag) for camp in sorted(by_camp)
             for flag in group_flags(by_camp[camp], settings, labels, interpreter_of)]
    if len(by_camp) > 1:
        everyone = [record for records in by_camp.values() for record in records]
        flags += [ScopedFlag(OPERATION, flag)
                  for flag in group_flags(everyone, settings, labels, interpreter_of)]
    return flags


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
        choice=held.get("choice"))
