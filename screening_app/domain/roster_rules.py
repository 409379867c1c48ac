"""What a roster file may hold: column names, and the rules for one field or one row.

Pure standard library, so that an importer, a form or a test can ask the same question
("is this a usable birth year?") and get the same answer. Each check returns a short
clause ("missing ISN") that the caller places after the file, row and column.
"""

import re

from screening_app.domain.messages import N_
from screening_app.domain.messages import gettext as _
from screening_app.domain.subject import ROSTER_FIELDS

MAX_FIELD_LENGTH = 500
EARLIEST_BIRTH_YEAR = 1880
LATEST_BIRTH_YEAR = 2015

# Every acceptable birth year as it is written, mapped to its value: one dict lookup
# both validates and converts the common case.
BIRTH_YEARS: dict[str, int] = {
    str(year): year for year in range(EARLIEST_BIRTH_YEAR, LATEST_BIRTH_YEAR + 1)
}

NAME_FIELDS = ("name_native", "name_latin")

# Translated where used (``_(MISSING_ISN)``).
MISSING_ISN = N_("missing ISN")
NO_NAME = N_("no name: give name_native or name_latin")

# Header spellings met in the field, after folding (see ``canonical_column``). Kept
# short on purpose: a header that is not clearly one of these is reported, not guessed.
_COLUMN_ALIASES: dict[str, str] = {
    **{field: field for field in ROSTER_FIELDS},
    "internment_serial_number": "isn",
    "serial_number": "isn",
    "native_name": "name_native",
    "latin_name": "name_latin",
    "romanized_name": "name_latin",
    "romanised_name": "name_latin",
    "year_of_birth": "birth_year",
}

# C0 and C1 control characters (Unicode category Cc).
CONTROL_CHARACTER = re.compile(r"[\x00-\x1f\x7f-\x9f]")

_CONTROL_NAMES = {"\t": N_("a tab"), "\n": N_("a line break"), "\r": N_("a carriage return")}

# Characters that start a UTF-8 multi-byte sequence when it is wrongly read as
# Windows-1252 or Latin-1 (Ã, ê, í...): a cheap gate before trying the repair.
_MOJIBAKE_LEAD = re.compile(r"[\u00c2-\u00f4]")


def canonical_column(header: str) -> str | None:
    """The roster field a header names, or None. Case, surrounding spaces, and spaces or
    hyphens in place of underscores do not matter: " Name Native " is name_native."""
    folded = "_".join(header.replace("-", " ").replace("_", " ").casefold().split())
    return _COLUMN_ALIASES.get(folded)


def field_problems(cell: str) -> list[str]:
    """What is wrong with one cell as found in the file (before stripping surrounding
    spaces, so that a stray line break at either end is caught too); empty when fine."""
    problems = []
    text = cell.strip()
    if len(text) > MAX_FIELD_LENGTH:
        problems.append(_("{count} characters long; the limit is {limit}").format(
            count=len(text), limit=MAX_FIELD_LENGTH))
    control = CONTROL_CHARACTER.search(cell)
    if control:
        problems.append(
            _("{character} in the cell; control characters are not allowed").format(
                character=_describe_control(control.group()))
        )
    if "\ufffd" in text:
        problems.append(
            _("holds the replacement character \ufffd, a sign the text was damaged by a wrong "
              "encoding before this file was saved")
        )
    repaired = utf8_mojibake_repair(text)
    if repaired is not None:
        problems.append(
            _("garbled text {text!r}, which reads as {repaired!r} in UTF-8; the file was saved"
              " with the wrong encoding").format(text=_excerpt(text), repaired=_excerpt(repaired))
        )
    return problems


def utf8_mojibake_repair(text: str) -> str | None:
    """If ``text`` is UTF-8 that was once read as Windows-1252 or Latin-1 ("ê¹€ë¯¼ì¤€"
    for "김민준"), return the text it should have been; otherwise None."""
    if not _MOJIBAKE_LEAD.search(text):
        return None
    raw = bytearray()
    for char in text:
        try:
            raw += char.encode("cp1252")
        except UnicodeEncodeError:
            if ord(char) > 0xFF:
                return None
            raw.append(ord(char))  # Latin-1 keeps the bytes cp1252 leaves undefined
    try:
        repaired = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return repaired if repaired != text else None


def parse_birth_year(text: str) -> tuple[int | None, str | None]:
    """(year, None) for a usable birth year, else (None, what is wrong)."""
    year = BIRTH_YEARS.get(text)
    if year is not None:
        return year, None
    if text.isascii() and text.isdigit():
        return None, _("{year} is not a plausible birth year (expected {earliest} to"
                       " {latest})").format(year=text, earliest=EARLIEST_BIRTH_YEAR,
                                            latest=LATEST_BIRTH_YEAR)
    return None, _("{text!r} is not a year").format(text=_excerpt(text))


def duplicate_isn(isn: str, first_row: int) -> str:
    return _("duplicate ISN {isn!r} (first seen in row {row})").format(isn=isn, row=first_row)


def _describe_control(char: str) -> str:
    if char in _CONTROL_NAMES:
        return _(_CONTROL_NAMES[char])
    return _("control character U+{code:04X}").format(code=ord(char))


def _excerpt(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
