"""The merged revised lists: every station's records and rosters, one line per person.

Sections: one per outcome of the choice, as the protocols the records were taken on name
them (for the default protocol "repatriate" and "removed", refusing repatriation; with no
record of any, the default protocol's), from approved current records (see
hq/conflicts.py for which record of a station is current); "conflicts" (stations
disagree and no operator has decided); "pending" (screened, but no approved record yet, or
not completed: which, and where); "unscreened" (on a roster at headquarters, no final
record anywhere). A person is in exactly one section, once, however many stations' rosters
list them. Exported as one CSV per section (spreadsheet formulas neutralised) and one PDF
signed by headquarters.
"""

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from screening_app.domain.canonical import utc_now
from screening_app.hq.conflicts import (
    COMPLETED,
    REJECTED,
    Conflict,
    all_conflicts,
    covered_by,
    current_records,
    disagree,
    latest_resolved_by_isn,
)
from screening_app.hq.store_interface import HqStore
from screening_app.hq.store_rows import HeldInterview, RosterPerson
from screening_app.protocol import DEFAULT_PROTOCOL_ID, Protocol, available_protocols
from screening_app.protocol.vocabulary import (
    CONFLICTS_LIST,
    PENDING_LIST,
    UNSCREENED_LIST,
    list_title,
)
from screening_app.services.lists import neutralise
from screening_app.services.reviews import state_label
from screening_app.store.durable import make_folders, write_atomically

CSV_HEADER = ("isn", "name_native", "name_latin", "compound", "detail", "stations")
PDF_FILE = "merged-lists.pdf"
TITLE_CAMP = "all camps (merged)"
APPROVED = "approved"
PUBLISHED = "HQ"  # where a roster row published by headquarters to every station comes from

OTHER_SECTIONS = (
    (CONFLICTS_LIST, "Stations disagree: an operator must decide · 기록 충돌 · 记录冲突"),
    (PENDING_LIST, "Pending: no approved record yet, or not completed · 미결 · 待定"),
    (UNSCREENED_LIST, "Not screened · 미면담 · 未面谈"),
)


def _protocols_chosen_on(choices: Iterable[str | None]) -> list[Protocol]:
    """The protocols whose options these choices are (the newest bundled version of each,
    the default protocol first); the default protocol when none is."""
    newest: dict[str, Protocol] = {}
    for protocol in available_protocols():  # ordered by id and version
        newest[protocol.id] = protocol
    chosen = set(choices)
    used = [protocol for protocol in newest.values()
            if chosen & {outcome.option for outcome in protocol.outcomes}]
    used.sort(key=lambda protocol: (protocol.id != DEFAULT_PROTOCOL_ID, protocol.id))
    return used or [newest[DEFAULT_PROTOCOL_ID]]


def _outcome_lists(choices: Iterable[str | None] = ()) -> dict[str, tuple[str, str]]:
    """Each option of the choice: (its list's file name, title), as the protocols of
    ``choices`` name them."""
    return {outcome.option: (outcome.list_slug, list_title(outcome))
            for protocol in _protocols_chosen_on(choices) for outcome in protocol.outcomes}


class _Words:
    """What the lines say for stored codes: the option's label ("Accept repatriation" for
    "repatriate") and the reason's, as the protocols of the choices held name them; a code
    none names, with its underscores as spaces."""

    def __init__(self, choices: Iterable[str | None] = ()):
        self._choices: dict[str, str] = {}
        self._reasons: dict[str, str] = {}
        for protocol in _protocols_chosen_on(choices):
            for option in protocol.question(protocol.choice.question).options:
                self._choices.setdefault(option.id, option.label.en)
            for reason in protocol.non_completion_reasons:
                self._reasons.setdefault(reason.id, reason.label.en)

    def choice(self, choice: str | None) -> str:
        if not choice:
            return "no choice"
        return self._choices.get(choice, choice.replace("_", " "))

    def reason(self, reason: str) -> str:
        return self._reasons.get(reason, reason.replace("_", " "))

    @staticmethod
    def state(state: str) -> str:
        return state_label(state).lower()


def sections(choices: Iterable[str | None] = ()) -> tuple[tuple[str, str], ...]:
    """(file name, title) of every list, outcomes first: of the protocols of ``choices``
    (the choices headquarters holds)."""
    return (*_outcome_lists(choices).values(), *OTHER_SECTIONS)


def list_slugs(choices: Iterable[str | None] = ()) -> tuple[str, ...]:
    return tuple(slug for slug, _title in sections(choices))


def held_list_slugs(store: HqStore) -> tuple[str, ...]:
    """The lists of the protocols headquarters holds records of."""
    with store.snapshot():
        return list_slugs(held.choice for held in store.final_interviews())


def known_list_slugs() -> frozenset[str]:
    """Every list name a bundled protocol gives, and the program's own lists."""
    return frozenset(outcome.list_slug for protocol in available_protocols()
                     for outcome in protocol.outcomes) | {slug for slug, _ in OTHER_SECTIONS}


@dataclass(frozen=True)
class MergedRow:
    isn: str
    name_native: str
    name_latin: str
    compound: str
    detail: str
    stations: tuple[str, ...]

    def csv_row(self) -> list[str]:
        return [neutralise(v) for v in (self.isn, self.name_native, self.name_latin,
                                        self.compound, self.detail, " ".join(self.stations))]

    def pdf_row(self) -> tuple[str, str, str, str, str]:
        return (self.isn, self.name_native, self.name_latin, self.compound, self.detail)


@dataclass
class MergedLists:
    rows: dict[str, list[MergedRow]] = field(
        default_factory=lambda: {slug: [] for slug in list_slugs()})
    titles: dict[str, str] = field(default_factory=lambda: dict(sections()))

    def sections(self) -> list[tuple[str, str, list[MergedRow]]]:
        """Every list; a choice no bundled protocol names (taken on a protocol published
        from headquarters) has one of its own, named by the choice, so that no one is left
        off."""
        return [(slug, self.titles.get(slug, slug), rows) for slug, rows in self.rows.items()]

    def section(self, slug: str) -> list[MergedRow]:
        return self.rows.get(slug, [])

    def counts(self) -> dict[str, int]:
        return {slug: len(rows) for slug, rows in self.rows.items()}

    def where(self, isn: str) -> str | None:
        """The section a person is in (None when nobody knows them)."""
        return next((slug for slug, rows in self.rows.items()
                     if any(r.isn == isn for r in rows)), None)


# -- building -------------------------------------------------------------------------------
@dataclass
class _Person:
    isn: str
    roster: list[RosterPerson] = field(default_factory=list)
    records: list[HeldInterview] = field(default_factory=list)


def build(store: HqStore) -> MergedLists:
    """The lists as the store holds them now (one read snapshot)."""
    with store.snapshot():
        people = list(_people(store))
        choices = {record.choice for person in people for record in person.records}
        named = sections(choices)
        outcome_lists = _outcome_lists(choices)
        words = _Words(choices)
        lists = MergedLists({slug: [] for slug, _title in named}, dict(named))
        opened = {c.isn: c for c in all_conflicts(store, "open")}
        resolved = latest_resolved_by_isn(store)
        for person in people:
            slug, row = _classify(store, person, opened.get(person.isn),
                                  resolved.get(person.isn), outcome_lists, words)
            lists.rows.setdefault(slug, []).append(row)
    return lists


def _people(store: HqStore) -> Iterator[_Person]:
    """Everyone on a roster or with a final record, by ISN."""
    people: dict[str, _Person] = {}
    for entry in store.roster_people():
        people.setdefault(entry.isn, _Person(entry.isn)).roster.append(entry)
    for held in store.final_interviews():
        people.setdefault(held.subject_isn, _Person(held.subject_isn)).records.append(held)
    for isn in sorted(people):
        yield people[isn]


def _classify(store: HqStore, person: _Person, opened: Conflict | None,
              resolved: Conflict | None, outcome_lists: dict[str, tuple[str, str]],
              words: _Words) -> tuple[str, MergedRow]:
    if not person.records:
        where = _roster_stations(person)
        return UNSCREENED_LIST, _row(person, None, _on_rosters(where), where)
    stations = tuple(sorted({r.station_id for r in person.records}))
    current = current_records(person.records)
    if disagree(current):
        if covered_by(resolved, current):
            kept = next(r for r in current.values()
                        if r.id == resolved.resolution.keep_interview_id)
            how = (f"conflict {resolved.id} resolved by {resolved.resolution.operator}:"
                   f" {kept.station_id}'s record kept")
            return _decided(person, [kept], how, stations, outcome_lists, words)
        return CONFLICTS_LIST, _row(person, _latest(current.values()),
                                 _conflict_detail(opened, current, words), stations)
    if current:
        return _decided(person, list(current.values()), "", stations, outcome_lists, words)
    return PENDING_LIST, _row(person, _latest(person.records),
                           _not_current(store, person, words), stations)


def _decided(person: _Person, records: list[HeldInterview], how: str,
             stations: tuple[str, ...], outcome_lists: dict[str, tuple[str, str]],
             words: _Words) -> tuple[str, MergedRow]:
    """All these records carry the same choice; it counts once one of them is approved."""
    approved = sorted(r.station_id for r in records if r.review_state == APPROVED)
    choice = records[0].choice
    if approved:
        detail = f"{words.choice(choice)}, approved at {', '.join(approved)}"
        slug = outcome_lists.get(choice, (choice, choice))[0]
        return slug, _row(person, _latest(records), f"{how}; {detail}" if how else detail,
                          stations)
    waiting = "; ".join(f"{words.choice(choice)}, awaiting review at {r.station_id}"
                        f" ({words.state(r.review_state)})"
                        for r in sorted(records, key=lambda r: r.station_id))
    return PENDING_LIST, _row(person, _latest(records), f"{how}; {waiting}" if how else waiting,
                           stations)


def _conflict_detail(opened: Conflict | None, current: dict[str, HeldInterview],
                     words: _Words) -> str:
    sides = "; ".join(f"{station}: {words.choice(current[station].choice)}"
                      f" ({words.state(current[station].review_state)})"
                      for station in sorted(current))
    return f"conflict {opened.id}: {sides}" if opened else f"records differ: {sides}"


def _not_current(store: HqStore, person: _Person, words: _Words) -> str:
    """Why no station has a current record: the latest record of each station."""
    latest: dict[str, HeldInterview] = {}
    for record in person.records:
        held = latest.get(record.station_id)
        if held is None or (record.finalised_at, record.id) > (held.finalised_at, held.id):
            latest[record.station_id] = record
    parts = []
    for station in sorted(latest):
        record = latest[station]
        if record.outcome != COMPLETED:
            reason = (store.interview_record(record.id) or {}).get("non_completion_reason")
            parts.append(f"not completed at {station}"
                         + (f" ({words.reason(reason)})" if reason else ""))
        elif record.review_state == REJECTED:
            parts.append(f"record rejected at {station}, to be taken again")
        else:  # cannot happen: a completed record not rejected is current
            parts.append(f"{words.choice(record.choice)} at {station}")
    return "; ".join(parts)


def _latest(records: Iterable[HeldInterview]) -> HeldInterview | None:
    return max(records, key=lambda r: (r.finalised_at, r.id), default=None)


def _roster_stations(person: _Person) -> tuple[str, ...]:
    return tuple(sorted({entry.station_id or PUBLISHED for entry in person.roster}))


def _on_rosters(where: tuple[str, ...]) -> str:
    stations = [station for station in where if station != PUBLISHED]
    parts = [f"of {', '.join(stations)}"] if stations else []
    if PUBLISHED in where:
        parts.append("headquarters published")
    return "on the roster " + " and the roster ".join(parts)


def _row(person: _Person, record: HeldInterview | None, detail: str,
         stations: tuple[str, ...]) -> MergedRow:
    """Names and compound from the roster of the station that holds ``record`` (the
    person may have moved), else any roster, else what the record itself says."""
    ordered = sorted(person.roster, key=lambda e: (
        record is None or e.station_id != record.station_id, e.source != "station",
        e.station_id or ""))

    def first(attribute: str) -> str:
        for entry in ordered:
            value = getattr(entry, attribute)
            if value:
                return str(value)
        if record is not None and attribute in ("name_native", "name_latin"):
            return getattr(record, attribute) or ""
        return ""

    return MergedRow(person.isn, first("name_native"), first("name_latin"), first("compound"),
                     detail, stations)


# -- exporting ------------------------------------------------------------------------------
def csv_text(rows: Iterable[MergedRow]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_HEADER)
    writer.writerows(row.csv_row() for row in rows)
    return buffer.getvalue()


def station_heads(store: HqStore) -> str:
    """What the lists were made from: each station's last event held, ``KOJE-62@118``."""
    return " ".join(f"{s.station_id}@{s.events_seq}" for s in store.stations()) or "none"


def signed_pdf(hq, lists: MergedLists) -> bytes:
    """The lists as a PDF signed by headquarters."""
    from screening_app.records.revised_lists import SIGNATURE_BOX, render_revised_lists
    from screening_app.records.signing import sign_pdf

    made_at = utc_now()[:16].replace("T", " ")
    heads = station_heads(hq.store)
    pdf = render_revised_lists(
        station_id=hq.name, camp=TITLE_CAMP, demo=False, made_at=made_at, chain_head=heads,
        issuer=f"{hq.name}, from every station's records",
        sections=[(title, [row.pdf_row() for row in rows])
                  for _, title, rows in lists.sections()])
    return sign_pdf(pdf, hq.signing_identity, field_name="HeadquartersSignature",
                    box=SIGNATURE_BOX,
                    visible_lines=[f"Signed by {hq.name}", f"Merged revised lists, {made_at} UTC"],
                    reason="Merged revised lists, all camps", location=hq.name,
                    info={"/ScreeningStationHeads": heads})


def export(hq, folder: Path | str, lists: MergedLists | None = None) -> list[Path]:
    """One CSV per section and the signed PDF in ``folder`` (of ``lists``, or of the lists
    as they are now); returns the files."""
    lists = lists if lists is not None else build(hq.store)
    pdf = signed_pdf(hq, lists)  # before any file is written: a locked HQ writes nothing
    # Each file whole and durable, in a folder whose name is durable, before the export is
    # reported (as the station's lists: services/lists.py).
    folder = make_folders(folder)
    # utf-8-sig: spreadsheet programs then read Hangul and Hanzi correctly.
    written = [write_atomically(folder / f"{slug}.csv", csv_text(rows).encode("utf-8-sig"))
               for slug, _title, rows in lists.sections()]
    written.append(write_atomically(folder / PDF_FILE, pdf))
    return written
