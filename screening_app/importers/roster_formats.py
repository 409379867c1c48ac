"""Tell a roster's format from its content, not its name.

Files reach a camp by email, USB stick and re-saving in whatever program was at hand,
so the extension is a weak hint: an XLSX renamed to .csv is still read as a workbook,
and anything that is neither CSV text nor an XLSX workbook is refused with a sentence
saying what it seems to be.
"""

import codecs
import io
import zipfile
from pathlib import Path

from screening_app.domain.messages import N_
from screening_app.domain.messages import gettext as _
from screening_app.importers.roster_problems import RosterFileError

CSV = "csv"
XLSX = "xlsx"

# Leading bytes of formats people send by mistake, and how to name them (translated where
# used).
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", N_("a PDF document")),
    (b"\x89PNG\r\n\x1a\n", N_("a PNG image")),
    (b"\xff\xd8\xff", N_("a JPEG image")),
    (b"GIF87a", N_("a GIF image")),
    (b"GIF89a", N_("a GIF image")),
    (b"\x1f\x8b", N_("a gzip archive")),
    (b"Rar!\x1a\x07", N_("a RAR archive")),
    (b"7z\xbc\xaf\x27\x1c", N_("a 7-Zip archive")),
)
_OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


def sniff_format(data: bytes, path: Path) -> str:
    """CSV or XLSX, judged by the bytes; raise RosterFileError for anything else."""
    name = path.name
    if not data or data.isspace():
        raise RosterFileError.about_file(path, _("{file} is empty.").format(file=name))
    if data.startswith(_ZIP_SIGNATURES):
        return _zip_format(data, path)
    if data.startswith(_OLE2_SIGNATURE):
        raise RosterFileError.about_file(
            path,
            _("{file} is an old-style (.xls) or password-protected Excel file; save it as "
              ".xlsx without a password, or as CSV, and import that.").format(file=name),
        )
    for signature, kind in _SIGNATURES:
        if data.startswith(signature):
            raise RosterFileError.about_file(
                path, _("{file} is {kind}, not a CSV or XLSX roster.").format(file=name,
                                                                              kind=_(kind)))
    if data.startswith(_UTF16_BOMS):
        raise RosterFileError.about_file(
            path,
            _('{file} is UTF-16 text (Excel\'s "Unicode Text"), which this program does not '
              'read; save the roster as "CSV UTF-8" and import that.').format(file=name),
        )
    if b"\x00" in data:
        raise RosterFileError.about_file(
            path, _("{file} holds binary data (NUL bytes), not CSV text or an XLSX"
                    " workbook.").format(file=name)
        )
    if path.suffix.lower() in _WORKBOOK_SUFFIXES:
        raise RosterFileError.about_file(
            path,
            _("{file} is named like an Excel workbook but holds text; if it is CSV, "
              "rename it to .csv and import it again.").format(file=name),
        )
    return CSV


def _zip_format(data: bytes, path: Path) -> str:
    name = path.name
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = set(archive.namelist())
            mimetype = archive.read("mimetype")[:100] if "mimetype" in members else b""
    except (zipfile.BadZipFile, OSError, EOFError):
        raise RosterFileError.about_file(
            path, _("{file} is a damaged zip file or workbook and cannot be opened.").format(
                file=name)
        ) from None
    if "xl/workbook.xml" in members:
        return XLSX
    if b"opendocument.spreadsheet" in mimetype:
        raise RosterFileError.about_file(
            path,
            _("{file} is an OpenDocument spreadsheet; save it as .xlsx or CSV and import"
              " that.").format(file=name),
        )
    if any(member.startswith("word/") for member in members):
        kind = _("a Word document")
    elif any(member.startswith("ppt/") for member in members):
        kind = _("a PowerPoint presentation")
    else:
        kind = _("a zip archive")
    raise RosterFileError.about_file(
        path, _("{file} is {kind}, not a CSV or XLSX roster.").format(file=name, kind=kind))
