"""The rows of decoded CSV text: dialect, header row, and numbered data rows.

Rows are numbered as a spreadsheet shows them (the first line is row 1, a blank line is
a row, a quoted line break stays inside its row), so that messages point at the row
the person sees when they open the file to fix it.
"""

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from screening_app.domain.messages import N_
from screening_app.domain.messages import gettext as _
from screening_app.domain.roster_rules import canonical_column
from screening_app.importers.roster_problems import ProblemLog

# Delimiters met in roster exports: comma; semicolon where the comma is the decimal
# separator (Excel in many locales); tab from copy-paste and "Text (Tab delimited)".
_DELIMITERS = (",", ";", "\t")

# Characters str.splitlines() splits at besides \r and \n.
_OTHER_LINE_SEPARATORS = ("\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")

# csv.Error texts, reworded for the person fixing the file.
_CSV_ERROR_HINTS = {  # translated where used
    "unexpected end of data": N_("a quoted cell starting in this row is never closed"),
    "field larger than field limit": N_(
        "a cell starting in this row is enormous, usually because a quote is never closed"
    ),
    "new-line character seen in unquoted field": N_(
        "a line break (carriage return) in the middle of this row, outside quotes"
    ),
}


@dataclass
class CsvTable:
    delimiter: str
    header_row: int
    header: list[str]
    # (row number, cells) of the rows after the header. Iterating may raise csv.Error
    # for broken quoting; describe_csv_error() words it for the person.
    rows: Iterator[tuple[int, list[str]]]


def open_csv_table(text: str, log: ProblemLog) -> CsvTable | None:
    """The table in ``text``, positioned after its header; None when the text holds no
    row with any content, or its quoting is broken before the header ends (logged)."""
    delimiter = sniff_delimiter(text)
    reader = _reader(_lines(text), delimiter)
    row_number = 0
    try:
        for row_number, cells in enumerate(reader, start=1):
            if not _is_blank(cells):
                rows = enumerate(reader, start=row_number + 1)
                return CsvTable(delimiter, row_number, cells, rows)
    except csv.Error as error:
        log.add(row_number + 1, None, describe_csv_error(error))
    return None


def sniff_delimiter(text: str) -> str:
    """The delimiter used in the first line that has content; comma when unsure."""
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end + 1
        line = text[start:end]
        if line.strip():
            counts = {d: line.count(d) for d in _DELIMITERS}
            best = max(_DELIMITERS, key=counts.__getitem__)
            return best if counts[best] > 0 else ","
        start = end
    return ","


def describe_csv_error(error: csv.Error) -> str:
    text = str(error)
    for known, hint in _CSV_ERROR_HINTS.items():
        if text.startswith(known):
            return _("{problem}; nothing after it could be read").format(problem=_(hint))
    return _("the CSV quoting is broken ({error}); nothing after it could be read").format(
        error=text)


def native_names_in(text: str, limit: int) -> list[str]:
    """Up to ``limit`` values of the name_native column, for telling encodings apart;
    empty if there is no such column or the text cannot be parsed."""
    table = open_csv_table(text, ProblemLog())
    if table is None:
        return []
    columns = [canonical_column(cell.lstrip("\ufeff")) for cell in table.header]
    if "name_native" not in columns:
        return []
    index = columns.index("name_native")
    names = []
    try:
        for _, cells in table.rows:
            if index < len(cells) and cells[index].strip():
                names.append(cells[index].strip())
                if len(names) >= limit:
                    break
    except csv.Error:
        pass
    return names


def _reader(lines: Iterable[str], delimiter: str) -> Any:
    # strict: a stray quote is an error, never a silently altered value.
    return csv.reader(lines, delimiter=delimiter, skipinitialspace=True, strict=True)


def _lines(text: str) -> Iterable[str]:
    """The lines of ``text`` with their line ends, split only at \\r and \\n as CSV
    is. splitlines() is the fast way, but it also splits at characters that are no line
    end in CSV (form feed, U+2028...); text holding those goes through StringIO."""
    if any(separator in text for separator in _OTHER_LINE_SEPARATORS):
        return io.StringIO(text, newline="")
    return text.splitlines(keepends=True)


def _is_blank(cells: list[str]) -> bool:
    return not "".join(cells).strip()
