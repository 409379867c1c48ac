"""The rows of an XLSX roster's first worksheet, as text, with what each cell holds.

Every cell becomes the text a person sees in it: whole numbers lose the ".0" a
spreadsheet adds (ISN 12345.0 is "12345", birth year 1930.0 is "1930"). A cell that
holds something no roster field can be -- a date, TRUE/FALSE, a spreadsheet error such
as #REF! -- is recorded as a problem for that cell, so that the person is told rather
than the value being guessed at.

Formulas: the workbook is read with ``data_only=True``, so a formula cell gives the
value the spreadsheet last saved for it, which is what the person saw. A formula
without a saved value (a workbook written by a script and never opened in a
spreadsheet program) would read as an empty cell; silently importing it as empty could
drop an ISN or a name, so such cells are reported instead. Telling them apart needs
the formulas too, which means reading the sheet twice, so that is done only when the
sheet holds any formula at all.
"""

import io
import re
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import repeat
from pathlib import Path
from typing import Any

from screening_app.domain.messages import gettext as _
from screening_app.importers.roster_problems import RosterFileError

# Error values a spreadsheet shows in a cell whose formula failed.
SPREADSHEET_ERRORS = frozenset(
    {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA"}
)

# A formula element (<f>, <f t="shared" .../>, <x:f>) in worksheet XML.
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")
_SCAN_CHUNK = 1 << 20


@dataclass
class XlsxTable:
    header_row: int
    header: list[str]
    rows: list[tuple[int, list[str]]]
    # row number -> [(column index, what is wrong with the cell)]
    cell_problems: dict[int, list[tuple[int, str]]] = field(default_factory=dict)


def open_xlsx_table(data: bytes, path: Path) -> XlsxTable | None:
    """The first worksheet as a table; None when it has no row with any content."""
    # openpyxl warns about workbook features it ignores (styles, data validation);
    # none of them matter for reading values.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return _read_first_sheet(data, path)
        except RosterFileError:
            raise
        except Exception as error:  # openpyxl raises many kinds of error for a damaged file
            detail = " ".join(f"{type(error).__name__}: {error}".split())[:160]
            raise RosterFileError.about_file(
                path, _("{file} is a damaged Excel workbook and could not be read"
                        " ({detail}).").format(file=path.name, detail=detail)
            ) from None


def cell_text(value: Any, formula: Any = None) -> tuple[str, str | None]:
    """(the text a cell stands for, what is wrong with it or None)."""
    if value is None:
        if isinstance(formula, str) and formula.startswith("="):
            return formula, (
                _("holds a formula ({formula}) with no saved value; open and save the workbook"
                  " in a spreadsheet program, or paste the values in place of it").format(
                      formula=formula)
            )
        return "", None
    if isinstance(value, str):
        if value.strip() in SPREADSHEET_ERRORS:
            return value, _("holds the spreadsheet error {error}").format(error=value.strip())
        return value, None
    if isinstance(value, bool):
        text = "TRUE" if value else "FALSE"
        return text, _("holds {value}, which is not a roster value").format(value=text)
    if isinstance(value, int):
        return str(value), None
    if isinstance(value, float):
        return (str(int(value)) if value.is_integer() else repr(value)), None
    if isinstance(value, datetime | date | time | timedelta):
        text = _date_text(value)
        return text, (
            _("holds a date or time ({value}); the spreadsheet may have turned the text into a"
              " date, so format the column as text and type the value again").format(value=text)
        )
    return str(value), None


def _read_first_sheet(data: bytes, path: Path) -> XlsxTable | None:
    import openpyxl  # about 0.1 s to import: only when a workbook is read, not at start

    values_book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    formulas_book = None
    try:
        if not values_book.worksheets:
            raise RosterFileError.about_file(path, _("{file} has no worksheet.").format(
                file=path.name))
        sheet = values_book.worksheets[0]
        # The stored dimension is sometimes wrong (some writers always say A1);
        # resetting makes openpyxl read every row that is really there.
        sheet.reset_dimensions()
        value_rows = sheet.iter_rows(values_only=True)
        formula_rows: Iterator[Any] = repeat(None)
        if _may_hold_formulas(data, sheet):
            formulas_book = openpyxl.load_workbook(
                io.BytesIO(data), read_only=True, data_only=False
            )
            formula_sheet = formulas_book.worksheets[0]
            formula_sheet.reset_dimensions()
            formula_rows = formula_sheet.iter_rows(values_only=True)
        # strict=False: without formulas the second iterable is an endless repeat(None).
        return _table(zip(value_rows, formula_rows, strict=False))
    finally:
        values_book.close()
        if formulas_book is not None:
            formulas_book.close()


def _table(rows: Iterator[tuple[tuple, tuple | None]]) -> XlsxTable | None:
    table = None
    for row_number, (values, formulas) in enumerate(rows, start=1):
        formulas = formulas or ()
        cells, problems = [], []
        for index, value in enumerate(values):
            formula = formulas[index] if index < len(formulas) else None
            text, problem = cell_text(value, formula)
            cells.append(text)
            if problem:
                problems.append((index, problem))
        if table is None:
            if "".join(cells).strip():
                while cells and not cells[-1].strip():
                    cells.pop()
                table = XlsxTable(row_number, cells, [])
            continue
        width = len(table.header)
        # Empty cells after the last column are how spreadsheets store rows; only a
        # value beyond the header makes the row ragged.
        while len(cells) > width and not cells[-1].strip():
            cells.pop()
        if len(cells) < width:
            cells.extend([""] * (width - len(cells)))
        table.rows.append((row_number, cells))
        if problems:
            table.cell_problems[row_number] = problems
    return table


def _may_hold_formulas(data: bytes, sheet: Any) -> bool:
    """Whether the worksheet XML has any formula element; True when unsure."""
    member = getattr(sheet, "_worksheet_path", None)
    if not member:
        return True
    with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open(member) as xml:
        tail = b""
        while chunk := xml.read(_SCAN_CHUNK):
            if _FORMULA_TAG.search(tail + chunk):
                return True
            tail = chunk[-16:]
    return False


def _date_text(value: datetime | date | time | timedelta) -> str:
    if isinstance(value, datetime) and value.time() == time(0):
        return value.date().isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return value.isoformat()
