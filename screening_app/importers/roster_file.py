"""Read and validate a roster file (CSV or XLSX) without writing anything.

``read_roster`` either returns every row, cleaned and aligned with the canonical
columns, or raises ``RosterFileError`` listing every problem in the file (the first
fifty, and how many in all) so that the person can fix them in one go; importing all
or nothing is then the caller's job.

A station's roster can hold a whole camp (200,000 rows), so the row loop is written
for speed: each row is checked for anything unusual with one regex search over its
joined cells, and only a row that trips it is taken apart cell by cell for the
precise message.
"""

import csv
import operator
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from screening_app.domain.messages import gettext as _
from screening_app.domain.roster_rules import (
    BIRTH_YEARS,
    MAX_FIELD_LENGTH,
    MISSING_ISN,
    NAME_FIELDS,
    NO_NAME,
    canonical_column,
    duplicate_isn,
    field_problems,
    parse_birth_year,
)
from screening_app.domain.subject import ROSTER_FIELDS
from screening_app.importers.csv_table import (
    describe_csv_error,
    native_names_in,
    open_csv_table,
)
from screening_app.importers.encodings import SAMPLE_SIZE, UndecodableText, decode_roster
from screening_app.importers.roster_formats import XLSX, sniff_format
from screening_app.importers.roster_problems import (
    MAX_REPORTED_PROBLEMS,
    ProblemLog,
    RosterFileError,
    RosterProblem,
)
from screening_app.importers.xlsx_table import open_xlsx_table

__all__ = [
    "MAX_REPORTED_PROBLEMS",
    "RosterFile",
    "RosterFileError",
    "RosterProblem",
    "read_roster",
]

# Anything a clean cell never holds: control characters, Latin-1 letters (the mark of
# mis-decoded UTF-8), the replacement character, and the Unicode spaces str.strip()
# removes beyond the ASCII space. A row holding any of these is checked cell by cell,
# which tells a real problem from, say, the é of a Latin name.
_NEEDS_A_CLOSER_LOOK = re.compile(
    r"[\x00-\x1f\x7f-\xff\ufffd\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
)

# How many headers to quote when the header row lacks a required column.
_HEADERS_QUOTED = 12


@dataclass(frozen=True)
class RosterFile:
    path: Path
    format: str  # "csv" or "xlsx"
    encoding: str | None  # the text encoding of a CSV file; None for XLSX
    columns: tuple[str, ...]  # canonical fields present, in ROSTER_FIELDS order
    unknown_columns: tuple[str, ...]  # headers not recognised: reported, then ignored
    rows: list[tuple]  # values aligned with ``columns``; empty -> None, birth_year -> int
    row_numbers: list[int]  # the file row of each entry of ``rows``


@dataclass(frozen=True)
class _CheckedRows:
    rows: list[tuple]
    row_numbers: list[int]


@dataclass(frozen=True)
class _ColumnPlan:
    """Which cells of a file row become which roster field."""

    columns: tuple[str, ...]
    labels: tuple[str, ...]  # each column's header as written in the file
    indexes: tuple[int, ...]  # each column's position in a file row
    unknown: tuple[str, ...]
    width: int  # cells in the header row


def read_roster(path: Path, encoding: str | None = None) -> RosterFile:
    """Read and validate ``path``. ``encoding`` applies to CSV files; without it the
    encoding is detected. Raises RosterFileError for any problem in the file."""
    path = Path(path)
    data = _read_bytes(path)
    if sniff_format(data, path) == XLSX:
        return _read_xlsx(data, path)
    return _read_csv(data, path, encoding)


def _read_csv(data: bytes, path: Path, encoding: str | None) -> RosterFile:
    text, text_encoding = _decode(data, path, encoding)
    log = ProblemLog()
    table = open_csv_table(text, log)
    if table is None:
        log.raise_if_any(path)
        raise RosterFileError.about_file(path, _("{file} is empty.").format(file=path.name))
    plan = _plan_columns(table.header, table.header_row, path)
    checked = _RowChecker(plan, log).check(table.rows, table.header_row + 1)
    log.raise_if_any(path)
    return _roster_file(path, "csv", text_encoding, plan, checked)


def _read_xlsx(data: bytes, path: Path) -> RosterFile:
    sheet = open_xlsx_table(data, path)
    if sheet is None:
        raise RosterFileError.about_file(
            path, _("{file} is empty: its first worksheet has no rows.").format(file=path.name)
        )
    log = ProblemLog()
    plan = _plan_columns(sheet.header, sheet.header_row, path)
    checker = _RowChecker(plan, log)
    checker.log_cell_problems(sheet.cell_problems)
    checked = checker.check(sheet.rows, sheet.header_row + 1)
    log.raise_if_any(path)
    return _roster_file(path, "xlsx", None, plan, checked)


def _roster_file(
    path: Path, file_format: str, encoding: str | None, plan: _ColumnPlan, checked: _CheckedRows
) -> RosterFile:
    if not checked.rows:
        raise RosterFileError.about_file(
            path, _("{file} has a header row but no data rows.").format(file=path.name))
    return RosterFile(
        path=path,
        format=file_format,
        encoding=encoding,
        columns=plan.columns,
        unknown_columns=plan.unknown,
        rows=checked.rows,
        row_numbers=checked.row_numbers,
    )


def _read_bytes(path: Path) -> bytes:
    detail = None
    try:
        return path.read_bytes()
    except FileNotFoundError:
        sentence = _("{file} does not exist.")
    except IsADirectoryError:
        sentence = _("{file} is a folder, not a file.")
    except PermissionError:
        sentence = _("{file} cannot be opened: permission denied.")
    except OSError as error:
        sentence, detail = _("{file} cannot be read ({error})."), error.strerror or error
    raise RosterFileError.about_file(path, sentence.format(file=path.name, error=detail))


def _decode(data: bytes, path: Path, encoding: str | None) -> tuple[str, str]:
    try:
        return decode_roster(
            data, path.name, encoding, lambda text: native_names_in(text, SAMPLE_SIZE)
        )
    except UndecodableText as error:
        raise RosterFileError(path, [RosterProblem(error.row, None, error.message)]) from None


def _plan_columns(header: Sequence[str], header_row: int, path: Path) -> _ColumnPlan:
    found: dict[str, tuple[int, str]] = {}  # field -> (index, label)
    seen: dict[str, str] = {}  # field or folded header -> first label
    unknown: list[str] = []
    problems: list[RosterProblem] = []
    labels = [cell.replace("\ufeff", "").strip() for cell in header]
    for index, label in enumerate(labels):
        if not label:
            unknown.append(_("(unnamed column {number})").format(number=index + 1))
            continue
        field = canonical_column(label)
        key = field or " ".join(label.casefold().split())
        if key in seen:
            problems.append(
                RosterProblem(
                    header_row,
                    label,
                    _("duplicate column: {first!r} and {second!r} are the same column").format(
                        first=seen[key], second=label),
                )
            )
            continue
        seen[key] = label
        if field is None:
            unknown.append(label)
        else:
            found[field] = (index, label)
    quoted = _quote_headers(labels)
    if "isn" not in found:
        problems.append(
            RosterProblem(header_row, None,
                          _("no isn column, and every row needs an ISN ({header})").format(
                              header=quoted))
        )
    if not any(name in found for name in NAME_FIELDS):
        problems.append(
            RosterProblem(
                header_row,
                None,
                _("no name column: the roster needs name_native or name_latin"
                  " ({header})").format(header=quoted),
            )
        )
    if problems:
        raise RosterFileError(path, problems)
    columns = tuple(field for field in ROSTER_FIELDS if field in found)
    return _ColumnPlan(
        columns=columns,
        labels=tuple(found[field][1] for field in columns),
        indexes=tuple(found[field][0] for field in columns),
        unknown=tuple(unknown),
        width=len(header),
    )


def _quote_headers(labels: Sequence[str]) -> str:
    shown = [repr(label[:30]) for label in labels[:_HEADERS_QUOTED]]
    more = ", ..." if len(labels) > _HEADERS_QUOTED else ""
    return _("the header row reads {labels}").format(labels=", ".join(shown) + more)


class _RowChecker:
    """Checks every data row against the column plan, logging each problem."""

    def __init__(self, plan: _ColumnPlan, log: ProblemLog):
        self._plan = plan
        self._log = log

    def check(self, rows: Iterable[tuple[int, list[str]]], first_row: int) -> _CheckedRows:
        """Check ``rows`` (numbered from ``first_row``), logging every problem. CSV rows
        may raise csv.Error at broken quoting, which ends the reading with a problem for
        that row."""
        plan = self._plan
        add = self._log.add
        width = plan.width
        pick = _picker(plan.indexes)
        labels = plan.labels
        name_positions = [i for i, column in enumerate(plan.columns) if column in NAME_FIELDS]
        first_name, last_name = name_positions[0], name_positions[-1]
        names_label = "/".join(labels[i] for i in name_positions)
        has_birth_year = plan.columns[-1] == "birth_year"
        needs_a_closer_look = _NEEDS_A_CLOSER_LOOK.search
        max_length = MAX_FIELD_LENGTH
        birth_years = BIRTH_YEARS
        checked: list[tuple] = []
        append = checked.append
        skipped: list[int] = []  # rows that carry nothing; rarely any
        row_number = first_row - 1

        try:
            for row_number, cells in rows:
                if len(cells) != width:
                    if not _is_blank(cells):
                        add(
                            row_number,
                            None,
                            _("row has {count} cells but the header has {width}").format(
                                count=len(cells), width=width),
                        )
                    skipped.append(row_number)
                    continue
                picked = pick(cells)
                # Joined with one space, an empty cell or a cell with a space at either end
                # shows as a double space, or as a space at the start or the end.
                joined = " ".join(picked)
                if len(joined) > max_length or needs_a_closer_look(joined):
                    values = self._clean_cell_by_cell(row_number, picked)
                elif "  " in joined or joined[0] == " " or joined[-1] == " ":
                    values = tuple([cell.strip() or None for cell in picked])
                else:
                    values = picked

                if values[0] is None:
                    if _is_blank(cells):
                        skipped.append(row_number)  # a row of empty cells carries nothing
                        continue
                    add(row_number, labels[0], _(MISSING_ISN))
                if not (values[first_name] or values[last_name]):
                    add(row_number, names_label, _(NO_NAME), position=first_name)
                if has_birth_year and values[-1] is not None:
                    year = birth_years.get(values[-1])
                    if year is None:
                        year, problem = parse_birth_year(values[-1])
                        add(row_number, labels[-1], problem, position=len(labels) - 1)
                    values = (*values[:-1], year)
                append(values)
        except csv.Error as error:
            add(row_number + 1, None, describe_csv_error(error))

        row_numbers = _kept_row_numbers(first_row, row_number, skipped)
        self._check_duplicate_isns(checked, row_numbers)
        return _CheckedRows(checked, row_numbers)

    def log_cell_problems(self, cell_problems: dict[int, list[tuple[int, str]]]) -> None:
        """Log what the file reader found wrong in cells of the roster's columns."""
        position_by_index = {index: i for i, index in enumerate(self._plan.indexes)}
        for row_number, problems in cell_problems.items():
            for index, message in problems:
                if index in position_by_index:
                    position = position_by_index[index]
                    label = self._plan.labels[position]
                    self._log.add(row_number, label, message, position=position)

    def _clean_cell_by_cell(self, row_number: int, picked: Sequence[str]) -> tuple:
        values = []
        for position, (label, raw) in enumerate(zip(self._plan.labels, picked, strict=True)):
            for problem in field_problems(raw):
                self._log.add(row_number, label, problem, position=position)
            values.append(raw.strip() or None)
        return tuple(values)

    def _check_duplicate_isns(self, checked: list[tuple], row_numbers: list[int]) -> None:
        # One set over the whole column is far cheaper than a lookup per row; the rows
        # are walked again only when some ISN does repeat.
        isns = list(map(_first, checked))
        if len(set(isns)) == len(isns):
            return
        first_seen: dict[str, int] = {}
        for isn, row_number in zip(isns, row_numbers, strict=True):
            if isn is None:
                continue
            first_row = first_seen.setdefault(isn, row_number)
            if first_row != row_number:
                self._log.add(row_number, self._plan.labels[0], duplicate_isn(isn, first_row))


def _kept_row_numbers(first_row: int, last_row: int, skipped: list[int]) -> list[int]:
    if not skipped:
        return list(range(first_row, last_row + 1))
    skipped_rows = set(skipped)
    return [n for n in range(first_row, last_row + 1) if n not in skipped_rows]


def _picker(indexes: tuple[int, ...]) -> Callable[[Sequence[str]], tuple[str, ...]]:
    if len(indexes) == 1:
        only = indexes[0]
        return lambda cells: (cells[only],)
    return operator.itemgetter(*indexes)


_first = operator.itemgetter(0)


def _is_blank(cells: Sequence[str]) -> bool:
    return not "".join(cells).strip()
