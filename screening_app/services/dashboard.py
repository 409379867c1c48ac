"""The camp's figures at a glance: progress against the roster, outcomes by compound and
by day, and per-interviewer figures; exported to CSV and XLSX for supervisors and admins
(with spreadsheet formulas neutralised).

What people read comes with the figures: the outcomes by the protocol's option labels,
reasons by the protocol's labels, interviewers by display name. The exports keep the
stored codes (repatriate, enlist, not_completed) as their measures, so that a spreadsheet
made from one export reads the next the same way."""

import csv
import io
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from screening_app.domain.accounts import Actor, Role
from screening_app.domain.messages import N_
from screening_app.services.authz import require_role
from screening_app.services.kept_choices import KeptChoices
from screening_app.services.lists import neutralise
from screening_app.services.protocol_labels import NOT_COMPLETED_LABEL, ProtocolLabels
from screening_app.services.protocols import StationProtocols
from screening_app.services.settings import SettingsService
from screening_app.store.connection import write_transaction
from screening_app.store.durable import write_atomically
from screening_app.store.interviews import InterviewRepository
from screening_app.store.review_cache import ReviewCacheRepository
from screening_app.store.reviews import CampQueries
from screening_app.store.settings import SettingsRepository
from screening_app.store.station import Station
from screening_app.store.subjects import SubjectRepository
from screening_app.store.users import UserNames

NOT_COMPLETED = "not_completed"


@dataclass(frozen=True)
class Dashboard:
    roster: int
    screened: int  # people with a completed interview
    not_completed_only: int  # people whose interviews all ended without a choice
    not_yet: int
    not_completed_by_reason: dict[str, int]
    by_compound: dict[str, Counter] = field(default_factory=dict)
    by_day: dict[str, Counter] = field(default_factory=dict)
    by_interviewer: dict[str, Counter] = field(default_factory=dict)  # by display name
    # The outcomes in the order the protocol lists the options, "not_completed" last, and
    # what people read for each and for each non-completion reason.
    outcomes: tuple[str, ...] = ()
    outcome_labels: dict[str, str] = field(default_factory=dict)
    reason_labels: dict[str, str] = field(default_factory=dict)

    def outcome_label(self, outcome: str) -> str:
        return self.outcome_labels.get(outcome, outcome)

    def reason_label(self, reason: str | None) -> str:
        return self.reason_labels.get(reason, reason or "no reason given")

    def rows(self) -> list[tuple]:
        """Every figure as (table, key, measure, value), for export."""
        rows = [("progress", "roster", "people", self.roster),
                ("progress", "screened", "people", self.screened),
                ("progress", "not completed", "people", self.not_completed_only),
                ("progress", "not yet", "people", self.not_yet)]
        rows += [("not completed by reason", reason, "interviews", n)
                 for reason, n in sorted(self.not_completed_by_reason.items())]
        for table, groups in (("by compound", self.by_compound), ("by day", self.by_day),
                              ("by interviewer", self.by_interviewer)):
            for key in sorted(groups):
                rows += [(table, key, outcome, groups[key][outcome])
                         for outcome in self.outcomes]
        return rows


class DashboardService:
    def __init__(self, station: Station):
        self._station = station
        self._db = station.db
        self._interviews = InterviewRepository(station.db, station.review)
        self._labels = ProtocolLabels(self._interviews)
        self._protocols = StationProtocols(self._interviews, SettingsRepository(station.db))
        # Days are the station's local days.
        self._settings = SettingsService(station)

    def figures(self, actor: Actor) -> Dashboard:
        require_role(actor, Role.SUPERVISOR, Role.ADMIN, action=N_("see the camp's figures"))
        roster = SubjectRepository(self._db).count()
        by_compound, by_day, by_interviewer = (defaultdict(Counter), defaultdict(Counter),
                                               defaultdict(Counter))
        reasons: Counter = Counter()
        reason_labels: dict[str, str] = {}
        people: dict[str, set] = defaultdict(set)
        interviewers = UserNames(self._db).labels()
        protocols: dict[str, None] = {}  # the protocols the records were taken on, in order
        choice_of = KeptChoices(ReviewCacheRepository(self._db, self._station.review),
                                self._interviews).reader()
        for (isn, compound, day, interviewer_id, outcome, choice, reason,
             protocol_sha, interview_id, sealed_choice) in CampQueries(
                self._db).final_for_figures(self._settings.time_zone()):
            choice = choice_of(interview_id, choice, sealed_choice)
            protocols[protocol_sha] = None
            key = choice if outcome == "completed" else NOT_COMPLETED
            for groups, group in ((by_compound, compound or "(none)"), (by_day, day),
                                  (by_interviewer, interviewers.get(interviewer_id,
                                                                    interviewer_id))):
                groups[group][key] += 1
            if outcome != "completed":
                reasons[reason] += 1
                if reason not in reason_labels:
                    reason_labels[reason] = self._labels.reason(protocol_sha, reason)
            people[isn].add(outcome)
        outcome_labels = self._outcome_labels(list(protocols))
        screened = sum(1 for outcomes in people.values() if "completed" in outcomes)
        return Dashboard(roster=roster, screened=screened,
                         not_completed_only=len(people) - screened,
                         not_yet=roster - len(people),
                         not_completed_by_reason=dict(reasons), by_compound=dict(by_compound),
                         by_day=dict(by_day), by_interviewer=dict(by_interviewer),
                         outcomes=tuple(outcome_labels), outcome_labels=outcome_labels,
                         reason_labels=reason_labels)

    def _outcome_labels(self, protocol_shas: list[str]) -> dict[str, str]:
        """Every choice option by its protocol's label (the protocols the records were
        taken on, then the current one, so an empty camp still shows the options), in the
        protocol's order; "not completed" last."""
        labels: dict[str, str] = {}
        protocols = [self._labels.protocol(sha) for sha in protocol_shas]
        for protocol in [*(p for p in protocols if p is not None), self._protocols.current()]:
            for option in protocol.question(protocol.choice.question).options:
                labels.setdefault(option.id, option.label.en)
        labels[NOT_COMPLETED] = NOT_COMPLETED_LABEL
        return labels

    def export(self, actor: Actor, path: Path) -> Path:
        """CSV or XLSX by the file's extension; the export is an event."""
        figures = self.figures(actor)
        path = Path(path)
        header = ("table", "group", "measure", "value")
        rows = [tuple(neutralise(v) if isinstance(v, str) else v for v in row)
                for row in figures.rows()]
        if path.suffix.lower() == ".xlsx":
            from openpyxl import Workbook

            book = Workbook()
            sheet = book.active
            sheet.title = "figures"
            sheet.append(header)
            for row in rows:
                sheet.append(row)
            content = io.BytesIO()
            book.save(content)
            data = content.getvalue()
        else:
            text = io.StringIO(newline="")
            writer = csv.writer(text)
            writer.writerow(header)
            writer.writerows(rows)
            data = text.getvalue().encode("utf-8-sig")
        # Whole and durable before the export is recorded, as every exported file.
        write_atomically(path, data)
        with write_transaction(self._db):
            self._station.events.append("dashboard.exported", {"file": path.name,
                                                                "rows": len(rows)},
                                        actor_id=actor.user_id)
        return path
