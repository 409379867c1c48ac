"""The camp's figures at a glance: progress against the roster, outcomes by compound and
by day, and per-interviewer figures; exported to CSV and XLSX for supervisors and admins
(with spreadsheet formulas neutralised)."""

import csv
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from screening_app.domain.accounts import Actor, Role
from screening_app.services.authz import require_role
from screening_app.services.lists import neutralise
from screening_app.store.connection import write_transaction
from screening_app.store.station import Station

OUTCOME_KEYS = ("repatriate", "enlist", "not_completed")


@dataclass(frozen=True)
class Dashboard:
    roster: int
    screened: int  # people with a completed interview
    not_completed_only: int  # people whose interviews all ended without a choice
    not_yet: int
    not_completed_by_reason: dict[str, int]
    by_compound: dict[str, Counter] = field(default_factory=dict)
    by_day: dict[str, Counter] = field(default_factory=dict)
    by_interviewer: dict[str, Counter] = field(default_factory=dict)

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
                rows += [(table, key, outcome, groups[key][outcome]) for outcome in OUTCOME_KEYS]
        return rows


class DashboardService:
    def __init__(self, station: Station):
        self._station = station
        self._db = station.db

    def figures(self, actor: Actor) -> Dashboard:
        require_role(actor, Role.SUPERVISOR, Role.ADMIN, action="see the camp's figures")
        roster = self._db.execute("SELECT count(*) FROM subjects").fetchone()[0]
        by_compound, by_day, by_interviewer = (defaultdict(Counter), defaultdict(Counter),
                                               defaultdict(Counter))
        reasons: Counter = Counter()
        people: dict[str, set] = defaultdict(set)
        for isn, compound, day, interviewer, outcome, choice, reason in self._db.execute(
                "SELECT subject_isn, json_extract(subject_snapshot, '$.compound'),"
                " substr(finalised_at, 1, 10), users.name, outcome, choice,"
                " non_completion_reason FROM interviews JOIN users ON"
                " users.id = interviews.interviewer_id WHERE status = 'final'"):
            key = choice if outcome == "completed" else "not_completed"
            for groups, group in ((by_compound, compound or "(none)"), (by_day, day),
                                  (by_interviewer, interviewer)):
                groups[group][key] += 1
            if outcome != "completed":
                reasons[reason] += 1
            people[isn].add(outcome)
        screened = sum(1 for outcomes in people.values() if "completed" in outcomes)
        return Dashboard(roster=roster, screened=screened,
                         not_completed_only=len(people) - screened,
                         not_yet=roster - len(people),
                         not_completed_by_reason=dict(reasons), by_compound=dict(by_compound),
                         by_day=dict(by_day), by_interviewer=dict(by_interviewer))

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
            book.save(path)
        else:
            with path.open("w", newline="", encoding="utf-8-sig") as handle:
                writer = csv.writer(handle)
                writer.writerow(header)
                writer.writerows(rows)
        with write_transaction(self._db):
            self._station.events.append("dashboard.exported", {"file": path.name,
                                                                "rows": len(rows)},
                                        actor_id=actor.user_id)
        return path
