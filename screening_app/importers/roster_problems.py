"""Problems found in a roster file, and the one error that reports them all.

An import is all or nothing, so the person fixing the file needs every problem at once:
each names the row and column a spreadsheet user sees. The error keeps the first
``MAX_REPORTED_PROBLEMS`` and the total count.
"""

import heapq
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from screening_app.domain.errors import UserError
from screening_app.domain.messages import gettext as _

MAX_REPORTED_PROBLEMS = 50


@dataclass(frozen=True)
class RosterProblem:
    """One problem. ``row`` is the row number a spreadsheet user sees (the header is
    usually row 1); ``column`` is the header as written in the file. A problem with
    neither is about the whole file and its message is a sentence naming the file."""

    row: int | None
    column: str | None
    message: str

    def describe(self, file_name: str) -> str:
        if self.row is None and self.column is None:
            return self.message
        place = [file_name]
        if self.row is not None:
            place.append(_("row {row}").format(row=self.row))
        if self.column is not None:
            place.append(_("column {column}").format(column=self.column))
        return _("{place}: {problem}").format(place=", ".join(place), problem=self.message)


class RosterFileError(UserError):
    """A roster file that cannot be imported, with what is wrong and where."""

    def __init__(self, path: Path, problems: Sequence[RosterProblem], total: int | None = None):
        self.path = Path(path)
        self.problems = list(problems[:MAX_REPORTED_PROBLEMS])
        self.total = len(problems) if total is None else total
        super().__init__(self._text())

    @classmethod
    def about_file(cls, path: Path, sentence: str) -> "RosterFileError":
        """A problem with the file as a whole (empty, not a roster, undecodable)."""
        return cls(path, [RosterProblem(None, None, sentence)])

    def _text(self) -> str:
        lines = [problem.describe(self.path.name) for problem in self.problems]
        hidden = self.total - len(self.problems)
        if hidden > 0:
            lines.append(
                _("... and {hidden} more problems ({total} in all); nothing was imported.").format(
                    hidden=hidden, total=self.total)
            )
        return "\n".join(lines)


class ProblemLog:
    """Collects problems while a file is read: all are counted, and the first
    ``MAX_REPORTED_PROBLEMS`` in file order are kept, whatever order they are found in
    (duplicate ISNs, for one, are found after the last row has been read)."""

    def __init__(self) -> None:
        self.total = 0
        # A max-heap (by negated position) of the earliest problems seen so far.
        self._earliest: list[tuple[int, int, int, RosterProblem]] = []

    def add(self, row: int | None, column: str | None, message: str, *, position: int = 0) -> None:
        """Log a problem; ``position`` orders problems within a row (the column's place)."""
        self.total += 1
        entry = (-(row or 0), -position, -self.total, RosterProblem(row, column, message))
        if len(self._earliest) < MAX_REPORTED_PROBLEMS:
            heapq.heappush(self._earliest, entry)
        elif entry > self._earliest[0]:
            heapq.heapreplace(self._earliest, entry)

    @property
    def problems(self) -> list[RosterProblem]:
        return [entry[-1] for entry in sorted(self._earliest, reverse=True)]

    def raise_if_any(self, path: Path) -> None:
        if self.total:
            raise RosterFileError(path, self.problems, self.total)
