"""Roster files, damaged and generated: every import either succeeds or is refused with
the problems, each naming the file (and its row and column), and nothing written."""

import csv
import io
from datetime import date, datetime, time
from pathlib import Path

import openpyxl
from hypothesis import example, given
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from screening_app.domain.errors import UserError
from screening_app.domain.subject import ROSTER_FIELDS
from tests.conftest import SMALL_ROSTER
from tests.fuzz.checks import (
    EXIT_BAD_INPUT,
    assert_unchanged,
    assert_unchanged_but_sign_ins,
    examples,
    fingerprint,
    outcome,
    run_cli,
)
from tests.fuzz.damage import PLAUSIBLE_CELLS, damaged, damaged_member, odd_text, reencoded

# -- valid seeds ----------------------------------------------------------------------------------


def _csv_text(rows: list[dict]) -> str:
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def _xlsx(rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


SEED_TEXT = _csv_text(SMALL_ROSTER)
KOREAN_ROWS = [row for row in SMALL_ROSTER if row["nationality"] == "Korean"]
CHINESE_ROWS = [row for row in SMALL_ROSTER if row["nationality"] == "Chinese"]
CSV_SEEDS = (
    SEED_TEXT.encode("utf-8"),
    b"\xef\xbb\xbf" + SEED_TEXT.encode("utf-8"),
    _csv_text(KOREAN_ROWS).encode("cp949"),
    _csv_text(CHINESE_ROWS).encode("gb18030"),
    SEED_TEXT.replace(",", ";").encode("utf-8"),
)
XLSX_SEED = _xlsx([list(SMALL_ROSTER[0]), *[list(row.values()) for row in SMALL_ROSTER]])

FILE_NAMES = st.sampled_from(("roster.csv", "명단 2026.csv", "名单.csv", "roster.txt", "roster",
                              "roster.xlsx"))
ENCODINGS = st.sampled_from((None, None, None, "utf-8", "cp949", "EUC-KR", "gb18030", "latin-1",
                             "no-such-encoding", ""))

# -- what every import must do ---------------------------------------------------------------------
SUMMARY_LINES = ("Nothing was imported.",)


def assert_roster_refusal(error: UserError, file_name: str) -> None:
    """A roster refusal lists every problem (the first fifty), one line each, each naming the
    file, and ends by saying nothing was imported."""
    text = str(error)
    assert "Traceback" not in text, text
    lines = text.split("\n")
    assert lines[-1] == "Nothing was imported." or lines[-1].endswith("nothing was imported."), (
        text)
    for line in lines:
        assert line.strip(), f"an empty line in {text!r}"
        assert len(line.splitlines()) == 1, f"a line break inside {line!r}"
        if line not in SUMMARY_LINES and not line.startswith("... and "):
            assert file_name in line, f"{line!r} does not name {file_name}"


def import_or_refuse(station, path: Path, **options):
    """Import ``path``; a refusal must be clear and leave the database as it was, an
    import must add exactly one roster.imported event (none for a dry run)."""
    services = station.services
    before = fingerprint(services)
    try:
        report = services.roster.import_file(station.admin, path, **options)
    except UserError as error:
        assert_roster_refusal(error, path.name)
        assert_unchanged(services, before)
        outcome("refused")
        return None
    outcome("imported")
    head_seq, _ = services.station.events.head()
    if options.get("dry_run"):
        assert_unchanged(services, before)
    else:
        assert head_seq == before.head[0] + 1
        kind = services.station.db.execute("SELECT kind FROM events WHERE seq = ?",
                                           [head_seq]).fetchone()[0]
        assert kind == "roster.imported"
    assert report.rows > 0
    return report


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# -- damaged files ---------------------------------------------------------------------------------
@examples(1.0)
@given(raw=st.one_of(*(damaged(seed) for seed in CSV_SEEDS), reencoded(SEED_TEXT)),
       name=FILE_NAMES, encoding=ENCODINGS, dry_run=st.booleans())
@example(raw=b"", name="roster.csv", encoding=None, dry_run=False)
@example(raw=b"\x00" * 10, name="roster.csv", encoding=None, dry_run=False)
@example(raw=b"isn,name_latin\n\"NK-1,Kim\n", name="roster.csv", encoding=None, dry_run=False)
@example(raw=CSV_SEEDS[2], name="roster.csv", encoding="gb18030", dry_run=True)
@example(raw=SEED_TEXT.encode("utf-16"), name="roster.csv", encoding=None, dry_run=False)
def test_damaged_csv_rosters_are_imported_whole_or_refused_clearly(
        roster_station, tmp_path, raw, name, encoding, dry_run):
    import_or_refuse(roster_station, write(tmp_path, name, raw), encoding=encoding,
                     dry_run=dry_run)


@examples(0.6)
@given(raw=st.one_of(damaged(XLSX_SEED), damaged_member(XLSX_SEED)),
       name=st.sampled_from(("roster.xlsx", "roster.csv", "名单.xlsx")), dry_run=st.booleans())
@example(raw=XLSX_SEED[:100], name="roster.xlsx", dry_run=False)
@example(raw=b"PK\x05\x06" + b"\x00" * 18, name="roster.xlsx", dry_run=False)
def test_damaged_workbooks_are_imported_whole_or_refused_clearly(
        roster_station, tmp_path, raw, name, dry_run):
    import_or_refuse(roster_station, write(tmp_path, name, raw), dry_run=dry_run)


# -- generated files -------------------------------------------------------------------------------
HEADERS = st.sampled_from((*ROSTER_FIELDS, *ROSTER_FIELDS, "ISN", " Name Native ", "name-latin",
                           "Year of birth", "serial number", "notes", "", "名字", "=isn",
                           "isn\n", "\ufeffisn"))
CELLS = st.one_of(PLAUSIBLE_CELLS, PLAUSIBLE_CELLS, odd_text(30))


@st.composite
def generated_csv(draw) -> bytes:
    header = draw(st.lists(HEADERS, max_size=11))
    width = len(header)
    rows = draw(st.lists(st.lists(CELLS, min_size=max(0, width - 1), max_size=width + 1),
                         max_size=10))
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=draw(st.sampled_from((",", ";", "\t"))),
                        quoting=draw(st.sampled_from((csv.QUOTE_MINIMAL, csv.QUOTE_ALL))),
                        lineterminator=draw(st.sampled_from(("\r\n", "\n", "\r"))))
    writer.writerow(header)
    writer.writerows(rows)
    encoding = draw(st.sampled_from(("utf-8", "utf-8", "utf-8-sig", "cp949", "gb18030")))
    return out.getvalue().encode(encoding, errors="replace")


@examples(1.0)
@given(raw=generated_csv(), encoding=st.sampled_from((None, None, "utf-8", "cp949")),
       dry_run=st.booleans())
def test_generated_csv_rosters_are_imported_whole_or_refused_clearly(
        roster_station, tmp_path, raw, encoding, dry_run):
    import_or_refuse(roster_station, write(tmp_path, "generated.csv", raw), encoding=encoding,
                     dry_run=dry_run)


XLSX_VALUES = st.one_of(
    PLAUSIBLE_CELLS, PLAUSIBLE_CELLS, odd_text(30).map(lambda t: ILLEGAL_CHARACTERS_RE.sub("", t)),
    st.none(), st.booleans(), st.integers(-10**12, 10**12), st.floats(allow_nan=False),
    st.sampled_from((1930.0, 100001.0, 1930.5, datetime(1930, 5, 1), date(1931, 1, 1),
                     time(9, 30), "=1+1", "=A1&B1", "#REF!", "#DIV/0!", " #N/A ")),
)


@st.composite
def generated_xlsx(draw) -> bytes:
    header = draw(st.lists(st.one_of(HEADERS.map(lambda h: ILLEGAL_CHARACTERS_RE.sub("", h)),
                                     st.none(), st.integers()), max_size=11))
    rows = draw(st.lists(st.lists(XLSX_VALUES, max_size=len(header) + 2), max_size=8))
    leading_blank_rows = draw(st.integers(0, 2))
    return _xlsx([[]] * leading_blank_rows + [header, *rows])


@examples(0.5)
@given(raw=generated_xlsx(), dry_run=st.booleans())
def test_generated_workbooks_are_imported_whole_or_refused_clearly(
        roster_station, tmp_path, raw, dry_run):
    import_or_refuse(roster_station, write(tmp_path, "generated.xlsx", raw), dry_run=dry_run)


# -- the command line ---------------------------------------------------------------------------
@examples(0.15)
@given(raw=st.one_of(damaged(CSV_SEEDS[0]), damaged(XLSX_SEED), generated_csv()))
@example(raw=b"")
@example(raw=b"%PDF-1.7\n")
@example(raw=b"isn,name_latin\nNK-1,\x00Kim\nNK-1,Kim\n")
def test_the_cli_refuses_a_bad_roster_with_exit_2_and_the_problems(
        roster_station, tmp_path, capsys, monkeypatch, raw):
    path = write(tmp_path, "명단.csv", raw)
    services = roster_station.services
    before = fingerprint(services)
    result = run_cli(capsys, monkeypatch, roster_station.data_dir, "roster", "import", path)
    if result.code == 0:
        assert "rows read" in result.out
        return
    assert result.code == EXIT_BAD_INPUT, (result.code, result.err)
    assert result.err.startswith("screening-app: "), result.err
    assert_roster_refusal(UserError(result.err.removeprefix("screening-app: ").removesuffix(
        "\n")), path.name)
    assert_unchanged_but_sign_ins(services, before)
