"""Roster use cases: import a roster file (all or nothing) and find people."""

from dataclasses import dataclass
from pathlib import Path

from screening_app.domain.accounts import Actor, Role
from screening_app.domain.canonical import sha256_hex, utc_now
from screening_app.domain.errors import NotFound, UserError
from screening_app.domain.messages import N_
from screening_app.domain.messages import gettext as _
from screening_app.domain.subject import Subject
from screening_app.importers.roster_file import RosterFile, RosterFileError, read_roster
from screening_app.services.authz import require_role
from screening_app.store.connection import abandon_transaction, write_transaction
from screening_app.store.station import Station
from screening_app.store.subjects import SubjectRepository


class RosterImportRefused(UserError):
    """A roster file with problems: every problem found (the first 50), and the promise
    that nothing was written."""

    def __init__(self, error: RosterFileError):
        self.problems = error.problems
        self.total = error.total
        text = str(error)
        # More problems than shown end with "... nothing was imported." already.
        if error.total <= len(error.problems):
            text += "\n" + _("Nothing was imported.")
        super().__init__(text)


@dataclass(frozen=True)
class ImportReport:
    path: Path
    format: str
    encoding: str | None
    rows: int
    columns: tuple[str, ...]
    unknown_columns: tuple[str, ...]
    added: int
    updated: int
    unchanged: int
    dry_run: bool

    def summary(self) -> str:
        verb = "would add" if self.dry_run else "added"
        text = (
            f"{self.path.name}: {self.rows} rows read; {verb} {self.added}, "
            f"{'would update' if self.dry_run else 'updated'} {self.updated}, "
            f"unchanged {self.unchanged}."
        )
        if self.unknown_columns:
            text += f" Ignored unknown columns: {', '.join(self.unknown_columns)}."
        if self.dry_run:
            text += " Dry run: nothing was written."
        return text


class RosterService:
    def __init__(self, station: Station):
        self._station = station
        self._subjects = SubjectRepository(station.db)

    def import_file(
        self, actor: Actor, path: Path, *, dry_run: bool = False, encoding: str | None = None
    ) -> ImportReport:
        """Validate the whole file first; any problem means nothing is written. Then
        upsert every row by ISN in one transaction."""
        require_role(actor, Role.ADMIN, Role.SUPERVISOR, action=N_("import a roster"))
        try:
            roster = read_roster(Path(path), encoding=encoding)
        except RosterFileError as error:
            raise RosterImportRefused(error) from None
        db = self._station.db
        with write_transaction(db):
            counts = self._subjects.upsert_many(roster.columns, roster.rows, utc_now())
            report = _report(roster, counts.added, counts.updated, counts.unchanged, dry_run)
            if dry_run:
                # Counting added/updated needs the same comparison as the real import;
                # rolling it back keeps a dry run exactly as strict and exactly as harmless.
                abandon_transaction(db)
                return report
            self._station.events.append(
                "roster.imported",
                {
                    "file": roster.path.name,
                    "file_sha256": sha256_hex(roster.path.read_bytes()),
                    "format": roster.format,
                    "encoding": roster.encoding,
                    "columns": list(roster.columns),
                    "rows": len(roster.rows),
                    "added": counts.added,
                    "updated": counts.updated,
                    "unchanged": counts.unchanged,
                },
                actor_id=actor.user_id,
            )
        return report

    def search(self, actor: Actor, text: str, limit: int = 50) -> list[Subject]:
        require_role(actor, *Role, action=N_("search the roster"))
        return self._subjects.search(text, limit)

    def get(self, actor: Actor, isn: str) -> Subject:
        require_role(actor, *Role, action=N_("look up a person"))
        subject = self._subjects.get(isn)
        if subject is None:
            raise NotFound(_("No one with ISN {isn!r} is on this station's roster.").format(
                isn=isn))
        return subject

    def page_after(self, actor: Actor, isn: str | None, limit: int = 200) -> list[Subject]:
        require_role(actor, *Role, action=N_("browse the roster"))
        return self._subjects.page_after(isn, limit)

    def count(self, actor: Actor) -> int:
        require_role(actor, *Role, action=N_("count the roster"))
        return self._subjects.count()


def _report(roster: RosterFile, added: int, updated: int, unchanged: int, dry_run: bool):
    return ImportReport(
        path=roster.path,
        format=roster.format,
        encoding=roster.encoding,
        rows=len(roster.rows),
        columns=roster.columns,
        unknown_columns=roster.unknown_columns,
        added=added,
        updated=updated,
        unchanged=unchanged,
        dry_run=dry_run,
    )
