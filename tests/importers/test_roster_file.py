import datetime
import io
import re
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from screening_app.demo.roster_generator import write_roster_csv
from screening_app.domain.errors import UserError
from screening_app.importers.roster_file import RosterFileError, read_roster

HEADER = "isn,name_native,name_latin,nationality,rank,unit,camp,compound,birth_year"
KIM = "NK-100001,김민준,Kim Min-jun,Korean,Private,KPA 4th Division,Koje-do,Compound 62,1930"
WANG = "CN-200001,王伟,Wang Wei,Chinese,Squad Leader,CPV 180th Division,Koje-do,Compound 72,1928"


def write(tmp_path: Path, text: str, name: str = "roster.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def problems(path: Path, **kwargs) -> RosterFileError:
    with pytest.raises(RosterFileError) as caught:
        read_roster(path, **kwargs)
    return caught.value


def lines(error: RosterFileError) -> list[str]:
    return str(error).splitlines()


def write_xlsx(tmp_path: Path, rows: list[list], name: str = "roster.xlsx") -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    path = tmp_path / name
    workbook.save(path)
    return path


# --- reading good files -------------------------------------------------------------


def test_a_full_roster_reads_with_values_cleaned_and_row_numbers(tmp_path):
    path = write(tmp_path, f"{HEADER}\n{KIM}\n{WANG}\n")
    roster = read_roster(path)
    assert roster.format == "csv"
    assert roster.encoding == "utf-8"
    assert roster.columns == (
        "isn",
        "name_native",
        "name_latin",
        "nationality",
        "rank",
        "unit",
        "camp",
        "compound",
        "birth_year",
    )
    assert roster.unknown_columns == ()
    assert roster.rows == [
        (
            "NK-100001",
            "김민준",
            "Kim Min-jun",
            "Korean",
            "Private",
            "KPA 4th Division",
            "Koje-do",
            "Compound 62",
            1930,
        ),
        (
            "CN-200001",
            "王伟",
            "Wang Wei",
            "Chinese",
            "Squad Leader",
            "CPV 180th Division",
            "Koje-do",
            "Compound 72",
            1928,
        ),
    ]
    assert roster.row_numbers == [2, 3]


def test_values_are_stripped_and_empty_cells_become_none(tmp_path):
    path = write(
        tmp_path,
        'isn,name_native,name_latin,rank,birth_year\n NK-1 ,"  김민준 ",, Private ,\n',
    )
    assert read_roster(path).rows == [("NK-1", "김민준", None, "Private", None)]


def test_headers_in_odd_case_spacing_and_order_are_matched(tmp_path):
    path = write(
        tmp_path,
        " Birth Year ,Name_Native, ISN ,name latin\n1930,김민준,NK-1,Kim Min-jun\n",
    )
    roster = read_roster(path)
    assert roster.columns == ("isn", "name_native", "name_latin", "birth_year")
    assert roster.rows == [("NK-1", "김민준", "Kim Min-jun", 1930)]


def test_unknown_columns_are_reported_and_their_values_ignored(tmp_path):
    path = write(tmp_path, "isn,Remarks,name_latin,Blood type\nNK-1,\x07odd\tstuff,Kim,A\n")
    roster = read_roster(path)
    assert roster.unknown_columns == ("Remarks", "Blood type")
    assert roster.columns == ("isn", "name_latin")
    assert roster.rows == [("NK-1", "Kim")]


def test_a_file_with_only_some_columns_reads_just_those(tmp_path):
    path = write(tmp_path, "isn,name_latin\nNK-1,Kim Min-jun\nNK-2,Lee Yeong-su\n")
    roster = read_roster(path)
    assert roster.columns == ("isn", "name_latin")
    assert roster.rows == [("NK-1", "Kim Min-jun"), ("NK-2", "Lee Yeong-su")]


def test_values_that_look_like_formulas_are_kept_verbatim(tmp_path):
    path = write(
        tmp_path,
        'isn,name_latin,unit,compound\n=SUM(A1),+1,-2,@x\n"=HYPERLINK(""http://x"")",=1+1,+SUM(1),-\n',
    )
    assert read_roster(path).rows == [
        ("=SUM(A1)", "+1", "-2", "@x"),
        ('=HYPERLINK("http://x")', "=1+1", "+SUM(1)", "-"),
    ]


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_semicolon_and_tab_delimiters_are_sniffed_from_the_header(tmp_path, delimiter):
    path = write(
        tmp_path,
        f"isn{delimiter}name_latin{delimiter}unit\n"
        f"NK-1{delimiter}Kim{delimiter}KPA 4th Division, 2nd Regiment\n",
    )
    assert read_roster(path).rows == [("NK-1", "Kim", "KPA 4th Division, 2nd Regiment")]


def test_a_quoted_cell_may_hold_the_delimiter_and_quotes(tmp_path):
    path = write(tmp_path, 'isn,name_latin,unit\nNK-1,"Kim ""Tiger"" Min","KPA 4th, 2nd"\n')
    assert read_roster(path).rows == [("NK-1", 'Kim "Tiger" Min', "KPA 4th, 2nd")]


def test_empty_lines_and_rows_of_empty_cells_are_skipped(tmp_path):
    path = write(tmp_path, "\nisn,name_latin\nNK-1,Kim\n\n , \nNK-2,Lee\n,\n,\n\n")
    roster = read_roster(path)
    assert roster.rows == [("NK-1", "Kim"), ("NK-2", "Lee")]
    assert roster.row_numbers == [3, 6]


def test_windows_line_ends_are_read(tmp_path):
    path = write(tmp_path, "isn,name_latin\r\nNK-1,Kim\r\nNK-2,Lee\r\n")
    assert read_roster(path).rows == [("NK-1", "Kim"), ("NK-2", "Lee")]


def test_latin_names_with_accents_are_fine(tmp_path):
    path = write(tmp_path, "isn,name_latin\nNK-1,Kim Il-sŏng\nNK-2,José Müller\n")
    assert read_roster(path).rows == [("NK-1", "Kim Il-sŏng"), ("NK-2", "José Müller")]


# --- problems in rows -------------------------------------------------------------


def test_a_missing_isn_names_the_row_and_column(tmp_path):
    path = write(tmp_path, f"{HEADER}\n{KIM}\n,이영수,Lee Yeong-su,,,,,,\n")
    assert lines(problems(path)) == ["roster.csv, row 3, column isn: missing ISN"]


def test_a_duplicate_isn_names_the_row_where_it_was_first_seen(tmp_path):
    path = write(tmp_path, "isn,name_latin\nNK-1,Kim\nNK-2,Lee\nNK-1,Park\nNK-2,Choi\n")
    error = problems(path)
    assert lines(error) == [
        "roster.csv, row 4, column isn: duplicate ISN 'NK-1' (first seen in row 2)",
        "roster.csv, row 5, column isn: duplicate ISN 'NK-2' (first seen in row 3)",
    ]
    assert error.total == 2


def test_isns_are_compared_after_stripping_spaces(tmp_path):
    path = write(tmp_path, 'isn,name_latin\nNK-1,Kim\n" NK-1 ",Park\n')
    assert lines(problems(path)) == [
        "roster.csv, row 3, column isn: duplicate ISN 'NK-1' (first seen in row 2)"
    ]


def test_a_row_without_either_name_is_refused(tmp_path):
    path = write(tmp_path, "isn,name_native,name_latin,rank\nNK-1,,,Private\nNK-2,김,,\n")
    assert lines(problems(path)) == [
        "roster.csv, row 2, column name_native/name_latin: no name: give name_native or name_latin"
    ]


@pytest.mark.parametrize(
    ("cell", "named"),
    [
        ('"Kim\tMin-jun"', "a tab"),
        ('"Kim\nMin-jun"', "a line break"),
        ('"Kim\r\nMin-jun"', "a carriage return"),
        ("Kim\x07", "control character U+0007"),
        ("Kim\x1b[31m", "control character U+001B"),
    ],
)
def test_control_characters_in_a_cell_are_refused(tmp_path, cell, named):
    path = write(tmp_path, f"isn,name_latin,rank\nNK-1,Kim,Private\nNK-2,{cell},Private\n")
    assert lines(problems(path)) == [
        f"roster.csv, row 3, column name_latin: {named} in the cell; control characters "
        "are not allowed"
    ]


def test_a_quoted_line_break_keeps_later_row_numbers_as_a_spreadsheet_shows_them(tmp_path):
    path = write(tmp_path, 'isn,name_latin\nNK-1,"Kim\nMin"\nNK-2,Lee\n,Park\n')
    error_lines = lines(problems(path))
    assert error_lines[0].startswith("roster.csv, row 2, column name_latin: a line break")
    assert error_lines[1] == "roster.csv, row 4, column isn: missing ISN"


def test_an_overlong_field_is_refused_and_500_characters_are_fine(tmp_path):
    path = write(tmp_path, f"isn,name_latin,unit\nNK-1,Kim,{'u' * 500}\nNK-2,Lee,{'u' * 501}\n")
    assert lines(problems(path)) == [
        "roster.csv, row 3, column unit: 501 characters long; the limit is 500"
    ]


def test_rows_with_more_or_fewer_cells_than_the_header_are_refused(tmp_path):
    path = write(tmp_path, "isn,name_latin,rank\nNK-1,Kim\nNK-2,Lee,Private,extra\nNK-3,Park,\n")
    assert lines(problems(path)) == [
        "roster.csv, row 2: row has 2 cells but the header has 3",
        "roster.csv, row 3: row has 4 cells but the header has 3",
    ]


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("1879", "1879 is not a plausible birth year (expected 1880 to 2015)"),
        ("2016", "2016 is not a plausible birth year (expected 1880 to 2015)"),
        ("19x0", "'19x0' is not a year"),
        ("1930.5", "'1930.5' is not a year"),
        ("about 1930", "'about 1930' is not a year"),
    ],
)
def test_an_implausible_birth_year_is_refused(tmp_path, written, message):
    path = write(tmp_path, f"isn,name_latin,birth_year\nNK-1,Kim,1880\nNK-2,Lee,{written}\n")
    assert lines(problems(path)) == [f"roster.csv, row 3, column birth_year: {message}"]


def test_birth_year_boundaries_are_accepted(tmp_path):
    path = write(tmp_path, "isn,name_latin,birth_year\nNK-1,Kim,1880\nNK-2,Lee, 2015 \n")
    assert [row[-1] for row in read_roster(path).rows] == [1880, 2015]


def test_every_problem_is_found_and_listed_in_file_order(tmp_path):
    path = write(
        tmp_path,
        "isn,name_native,name_latin,birth_year\n"
        "NK-1,김,Kim,1930\n"  # row 2: fine
        ",이,Lee,1931\n"  # row 3: missing ISN
        "NK-3,박,Park,1700\n"  # row 4: birth year
        "NK-1,,,1932\n"  # row 5: duplicate of row 2, and no name
        "NK-5,최\x07,Choi,1933\n"  # row 6: control character
        "NK-6,정\n",  # row 7: too few cells
    )
    error = problems(path)
    assert error.total == 6
    assert lines(error) == [
        "roster.csv, row 3, column isn: missing ISN",
        "roster.csv, row 4, column birth_year: 1700 is not a plausible birth year "
        "(expected 1880 to 2015)",
        "roster.csv, row 5, column isn: duplicate ISN 'NK-1' (first seen in row 2)",
        "roster.csv, row 5, column name_native/name_latin: no name: give name_native or name_latin",
        "roster.csv, row 6, column name_native: control character U+0007 in the cell; "
        "control characters are not allowed",
        "roster.csv, row 7: row has 2 cells but the header has 4",
    ]
    assert [(p.row, p.column) for p in error.problems][:2] == [(3, "isn"), (4, "birth_year")]


def test_only_the_first_fifty_problems_are_listed_with_the_total(tmp_path):
    body = "".join(f",name {i}\n" for i in range(1284))
    error = problems(write(tmp_path, "isn,name_latin\n" + body))
    assert error.total == 1284
    assert len(error.problems) == 50
    error_lines = lines(error)
    assert len(error_lines) == 51
    assert error_lines[0] == "roster.csv, row 2, column isn: missing ISN"
    assert error_lines[49] == "roster.csv, row 51, column isn: missing ISN"
    assert error_lines[50] == "... and 1234 more problems (1284 in all); nothing was imported."


def test_the_first_fifty_are_the_earliest_rows_even_for_duplicates_found_at_the_end(tmp_path):
    # Duplicates are only known once every row is read; they must still be listed in
    # their place, before the later rows' problems.
    body = "NK-1,Kim\nNK-1,Lee\n" + "".join(f",name {i}\n" for i in range(60))
    error = problems(write(tmp_path, "isn,name_latin\n" + body))
    assert error.total == 61
    assert (
        lines(error)[0]
        == "roster.csv, row 3, column isn: duplicate ISN 'NK-1' (first seen in row 2)"
    )
    assert lines(error)[1] == "roster.csv, row 4, column isn: missing ISN"


def test_a_quote_that_is_never_closed_names_the_row(tmp_path):
    path = write(tmp_path, 'isn,name_latin\nNK-1,Kim\nNK-2,"Lee\nNK-3,Park\n')
    assert lines(problems(path)) == [
        "roster.csv, row 3: a quoted cell starting in this row is never closed; nothing "
        "after it could be read"
    ]


def test_a_stray_quote_is_an_error_not_a_silently_changed_value(tmp_path):
    path = write(tmp_path, 'isn,name_latin\nNK-1,"Kim"Min\n')
    (line,) = lines(problems(path))
    assert line.startswith("roster.csv, row 2: the CSV quoting is broken")


def test_utf8_that_was_garbled_before_saving_is_refused_with_the_intended_text(tmp_path):
    garbled = "김민준".encode().decode("cp1252")
    path = write(tmp_path, f"isn,name_native\nNK-1,{garbled}\n")
    assert lines(problems(path)) == [
        f"roster.csv, row 2, column name_native: garbled text {garbled!r}, which reads as "
        "'김민준' in UTF-8; the file was saved with the wrong encoding"
    ]


def test_problems_in_the_error_carry_row_and_column_for_the_gui(tmp_path):
    error = problems(write(tmp_path, "isn,name_latin\nNK-1,Kim\n,Lee\n"))
    assert isinstance(error, UserError)
    assert error.path.name == "roster.csv"
    (problem,) = error.problems
    assert (problem.row, problem.column, problem.message) == (3, "isn", "missing ISN")


# --- problems with the header -------------------------------------------------------


def test_a_file_without_an_isn_column_is_refused_quoting_its_header(tmp_path):
    path = write(tmp_path, "Serial,name_latin\nNK-1,Kim\n")
    (line,) = lines(problems(path))
    assert line == (
        "roster.csv, row 1: no isn column, and every row needs an ISN "
        "(the header row reads 'Serial', 'name_latin')"
    )


def test_a_file_without_either_name_column_is_refused(tmp_path):
    path = write(tmp_path, "isn,rank\nNK-1,Private\n")
    (line,) = lines(problems(path))
    assert line.startswith(
        "roster.csv, row 1: no name column: the roster needs name_native or name_latin"
    )


def test_a_duplicated_header_is_refused(tmp_path):
    path = write(tmp_path, "isn,name_latin,Name Latin,notes,Notes\nNK-1,Kim,Kim,a,b\n")
    assert lines(problems(path)) == [
        "roster.csv, row 1, column Name Latin: duplicate column: 'name_latin' and "
        "'Name Latin' are the same column",
        "roster.csv, row 1, column Notes: duplicate column: 'notes' and 'Notes' are the "
        "same column",
    ]


# --- problems with the file as a whole ------------------------------------------------


@pytest.mark.parametrize("content", [b"", b"   \n\r\n  \n", b"\xef\xbb\xbf"])
def test_an_empty_file_is_refused_naming_it(tmp_path, content):
    path = tmp_path / "roster.csv"
    path.write_bytes(content)
    assert str(problems(path)) == "roster.csv is empty."


def test_a_header_without_rows_is_refused(tmp_path):
    path = write(tmp_path, "isn,name_latin\n\n,\n")
    assert str(problems(path)) == "roster.csv has a header row but no data rows."


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "a PDF document"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "a PNG image"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "a JPEG image"),
        (b"\x1f\x8b\x08\x00", "a gzip archive"),
    ],
)
def test_files_that_are_not_rosters_are_named_for_what_they_are(tmp_path, content, kind):
    path = tmp_path / "roster.csv"
    path.write_bytes(content)
    assert str(problems(path)) == f"roster.csv is {kind}, not a CSV or XLSX roster."


def test_binary_data_is_refused(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes(b"isn,name_latin\nNK-1,Kim\x00\x01\x02\n")
    assert str(problems(path)) == (
        "roster.csv holds binary data (NUL bytes), not CSV text or an XLSX workbook."
    )


def test_a_zip_that_is_not_a_workbook_is_refused(tmp_path):
    path = tmp_path / "roster.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("roster.csv", "isn,name_latin\nNK-1,Kim\n")
    assert str(problems(path)) == "roster.xlsx is a zip archive, not a CSV or XLSX roster."


def test_a_word_document_is_named_as_such(tmp_path):
    path = tmp_path / "roster.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    assert str(problems(path)) == "roster.docx is a Word document, not a CSV or XLSX roster."


def test_utf16_text_is_refused_with_what_to_do(tmp_path):
    path = tmp_path / "roster.txt"
    path.write_bytes("isn\tname_latin\nNK-1\tKim\n".encode("utf-16"))
    message = str(problems(path))
    assert message.startswith("roster.txt is UTF-16 text")
    assert '"CSV UTF-8"' in message


def test_a_missing_file_is_a_clear_error(tmp_path):
    assert str(problems(tmp_path / "nowhere.csv")) == "nowhere.csv does not exist."


def test_a_folder_is_a_clear_error(tmp_path):
    folder = tmp_path / "roster.csv"
    folder.mkdir()
    assert str(problems(folder)) == "roster.csv is a folder, not a file."


# --- XLSX ---------------------------------------------------------------------------


def test_an_xlsx_roster_round_trips_with_numeric_isns_and_years(tmp_path):
    path = write_xlsx(
        tmp_path,
        [
            [" ISN ", "Name_Native", "name latin", "Notes", "birth_year"],
            [12345.0, "김민준", "Kim Min-jun", "x", 1930.0],
            [12346, "王伟", None, None, 1931],
            ["NK-3", None, "Park", None, "1932"],
        ],
    )
    roster = read_roster(path)
    assert roster.format == "xlsx"
    assert roster.encoding is None
    assert roster.columns == ("isn", "name_native", "name_latin", "birth_year")
    assert roster.unknown_columns == ("Notes",)
    assert roster.rows == [
        ("12345", "김민준", "Kim Min-jun", 1930),
        ("12346", "王伟", None, 1931),
        ("NK-3", None, "Park", 1932),
    ]
    assert roster.row_numbers == [2, 3, 4]


def test_formula_like_text_in_xlsx_is_kept_verbatim(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["isn", "name_latin"])
    sheet.append(["NK-1", "placeholder"])
    # Text that starts with "=" (typed with a leading apostrophe in a spreadsheet).
    sheet["B2"].value = "=SUM(A1)"
    sheet["B2"].data_type = "s"
    path = tmp_path / "roster.xlsx"
    workbook.save(path)
    assert read_roster(path).rows == [("NK-1", "=SUM(A1)")]


def test_a_date_in_the_isn_column_is_refused(tmp_path):
    path = write_xlsx(
        tmp_path, [["isn", "name_latin"], ["NK-1", "Kim"], [datetime.date(1952, 6, 2), "Lee"]]
    )
    (line,) = lines(problems(path))
    assert line.startswith(
        "roster.xlsx, row 3, column isn: holds a date or time (1952-06-02); the spreadsheet"
    )


def test_spreadsheet_errors_and_true_false_are_refused(tmp_path):
    path = write_xlsx(tmp_path, [["isn", "name_latin", "rank"], ["NK-1", "#REF!", True]])
    assert lines(problems(path)) == [
        "roster.xlsx, row 2, column name_latin: holds the spreadsheet error #REF!",
        "roster.xlsx, row 2, column rank: holds TRUE, which is not a roster value",
    ]


def test_a_formula_without_a_saved_value_is_reported_not_read_as_empty(tmp_path):
    path = write_xlsx(tmp_path, [["isn", "name_latin"], ["NK-1", '=UPPER("kim")']])
    assert lines(problems(path)) == [
        'roster.xlsx, row 2, column name_latin: holds a formula (=UPPER("kim")) with no '
        "saved value; open and save the workbook in a spreadsheet program, or paste the "
        "values in place of it"
    ]


def test_a_formula_with_a_saved_value_reads_as_that_value(tmp_path):
    path = write_xlsx(tmp_path, [["isn", "name_latin"], ["NK-1", '=UPPER("kim")']])
    _save_formula_value(path, "KIM")
    assert read_roster(path).rows == [("NK-1", "KIM")]


def test_empty_cells_after_the_last_column_are_fine_but_values_there_are_not(tmp_path):
    path = write_xlsx(
        tmp_path,
        [
            ["isn", "name_latin"],
            ["NK-1", "Kim", None, None],
            ["NK-2", "Lee", None, "stray"],
        ],
    )
    assert lines(problems(path)) == ["roster.xlsx, row 3: row has 4 cells but the header has 2"]


def test_the_first_worksheet_is_read_even_when_another_is_active(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.append(["isn", "name_latin"])
    workbook.active.append(["SECOND", "x"])
    first = workbook.create_sheet("Roster", 0)
    first.append(["isn", "name_latin"])
    first.append(["FIRST", "x"])
    workbook.active = 1
    path = tmp_path / "roster.xlsx"
    workbook.save(path)
    assert read_roster(path).rows == [("FIRST", "x")]


def test_rows_above_the_header_and_a_leading_empty_column_are_allowed(tmp_path):
    path = write_xlsx(tmp_path, [[], [None, "isn", "name_latin"], [None, "NK-1", "Kim"]])
    roster = read_roster(path)
    assert roster.rows == [("NK-1", "Kim")]
    assert roster.row_numbers == [3]
    assert roster.unknown_columns == ("(unnamed column 1)",)


def test_xlsx_problems_use_the_rows_a_spreadsheet_shows(tmp_path):
    path = write_xlsx(tmp_path, [["isn", "name_latin"], ["NK-1", "Kim"], [None, "Lee"]])
    assert lines(problems(path)) == ["roster.xlsx, row 3, column isn: missing ISN"]


def test_an_empty_workbook_and_a_header_only_workbook_are_refused(tmp_path):
    assert str(problems(write_xlsx(tmp_path, [], "empty.xlsx"))) == (
        "empty.xlsx is empty: its first worksheet has no rows."
    )
    assert str(problems(write_xlsx(tmp_path, [["isn", "name_latin"]], "header.xlsx"))) == (
        "header.xlsx has a header row but no data rows."
    )


def test_a_workbook_named_csv_is_read_as_a_workbook(tmp_path):
    path = write_xlsx(tmp_path, [["isn", "name_latin"], ["NK-1", "Kim"]], name="roster.csv")
    roster = read_roster(path)
    assert roster.format == "xlsx"
    assert roster.rows == [("NK-1", "Kim")]


def test_text_named_xlsx_is_refused(tmp_path):
    path = write(tmp_path, "isn,name_latin\nNK-1,Kim\n", name="roster.xlsx")
    assert str(problems(path)) == (
        "roster.xlsx is named like an Excel workbook but holds text; if it is CSV, rename "
        "it to .csv and import it again."
    )


def test_a_truncated_workbook_is_refused(tmp_path):
    path = write_xlsx(tmp_path, [["isn", "name_latin"], ["NK-1", "Kim"]])
    path.write_bytes(path.read_bytes()[:300])
    assert str(problems(path)) == (
        "roster.xlsx is a damaged zip file or workbook and cannot be opened."
    )


def test_a_workbook_with_a_broken_sheet_is_refused_in_one_sentence(tmp_path):
    path = write_xlsx(tmp_path, [["isn", "name_latin"], ["NK-1", "Kim"]])
    _rewrite_zip(path, {"xl/worksheets/sheet1.xml": lambda xml: xml[: len(xml) // 2]})
    message = str(problems(path))
    assert message.startswith("roster.xlsx is a damaged Excel workbook and could not be read")
    assert "\n" not in message


def test_an_old_xls_or_protected_workbook_is_refused_with_what_to_do(tmp_path):
    path = tmp_path / "roster.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    assert str(problems(path)) == (
        "roster.xls is an old-style (.xls) or password-protected Excel file; save it as "
        ".xlsx without a password, or as CSV, and import that."
    )


# --- scale --------------------------------------------------------------------------


@pytest.mark.slow
def test_a_whole_camp_of_200000_rows_reads_quickly(tmp_path):
    path = write_roster_csv(tmp_path / "camp.csv", 200_000)
    started = time.perf_counter()
    roster = read_roster(path)
    elapsed = time.perf_counter() - started
    assert len(roster.rows) == 200_000
    assert roster.row_numbers[-1] == 200_001
    # Typically ~0.6 s on a busy 2-core machine; the bound only catches a change that
    # makes reading grow faster than the file (a per-row scan of earlier rows, say).
    assert elapsed < 5, f"reading 200,000 rows took {elapsed:.2f} s"


# --- helpers ------------------------------------------------------------------------


def _save_formula_value(path: Path, value: str) -> None:
    """Give every formula cell of the first sheet a saved value, as a spreadsheet
    program does when it saves (openpyxl itself writes formulas without one)."""

    def add_value(xml: bytes) -> bytes:
        text = xml.decode()
        text = re.sub(
            r'<c r="([A-Z]+\d+)"([^>]*)><f>(.*?)</f><v\s*/?>(?:</v>)?</c>',
            lambda m: f'<c r="{m[1]}"{m[2]} t="str"><f>{m[3]}</f><v>{value}</v></c>',
            text,
        )
        return text.encode()

    _rewrite_zip(path, {"xl/worksheets/sheet1.xml": add_value})


def _rewrite_zip(path: Path, change: dict) -> None:
    source = io.BytesIO(path.read_bytes())
    target = io.BytesIO()
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename in change:
                data = change[item.filename](data)
            new.writestr(item, data)
    path.write_bytes(target.getvalue())
