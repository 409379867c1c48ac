import pytest

from screening_app.domain.roster_rules import (
    MAX_FIELD_LENGTH,
    canonical_column,
    duplicate_isn,
    field_problems,
    parse_birth_year,
    utf8_mojibake_repair,
)


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("isn", "isn"),
        (" ISN ", "isn"),
        ("Name_Native", "name_native"),
        ("name native", "name_native"),
        ("NAME-LATIN", "name_latin"),
        ("Birth Year", "birth_year"),
        ("Internment Serial Number", "isn"),
        ("romanised name", "name_latin"),
        ("year of birth", "birth_year"),
        ("Compound", "compound"),
    ],
)
def test_headers_are_recognised_whatever_their_case_spacing_or_separator(header, field):
    assert canonical_column(header) == field


@pytest.mark.parametrize("header", ["notes", "name", "id", "", "isn2", "birth"])
def test_headers_that_are_not_clearly_a_roster_field_are_not_guessed(header):
    assert canonical_column(header) is None


def test_a_clean_cell_has_no_problems():
    assert field_problems("김민준") == []
    assert field_problems("  Kim Min-jun  ") == []
    assert field_problems("José Müller") == []  # Latin-1 letters alone are not garbling
    assert field_problems("=SUM(A1)") == []


@pytest.mark.parametrize(
    ("cell", "named"),
    [
        ("Kim\tMin-jun", "a tab"),
        ("Kim\nMin-jun", "a line break"),
        ("Kim Min-jun\n", "a line break"),  # also at the end, where strip() would hide it
        ("Kim\r", "a carriage return"),
        ("Kim\x07", "control character U+0007"),
        ("Kim\x85", "control character U+0085"),
    ],
)
def test_control_characters_are_named(cell, named):
    problems = field_problems(cell)
    assert len(problems) == 1
    assert named in problems[0]
    assert "control characters are not allowed" in problems[0]


def test_the_length_limit_counts_the_stripped_text():
    assert field_problems("x" * MAX_FIELD_LENGTH) == []
    assert field_problems(" " + "x" * MAX_FIELD_LENGTH + " ") == []
    assert field_problems("x" * (MAX_FIELD_LENGTH + 1)) == [
        f"{MAX_FIELD_LENGTH + 1} characters long; the limit is {MAX_FIELD_LENGTH}"
    ]


def test_the_replacement_character_is_reported_as_damage():
    problems = field_problems("김\ufffd준")
    assert len(problems) == 1
    assert "replacement character" in problems[0]


def test_utf8_read_as_windows_1252_is_reported_with_the_text_it_should_be():
    garbled = "김민준".encode().decode("cp1252")
    assert garbled == "ê¹€ë¯¼ì¤€"
    problems = field_problems(garbled)
    assert len(problems) == 1
    assert "'김민준'" in problems[0]
    assert "wrong encoding" in problems[0]


def test_utf8_read_as_latin_1_is_repaired_too():
    garbled = "王伟".encode().decode("latin-1")
    assert utf8_mojibake_repair(garbled) == "王伟"


@pytest.mark.parametrize("text", ["José", "Müller", "Ångström", "Kim Il-sŏng", "김민준", "plain"])
def test_real_text_is_not_taken_for_garbled_text(text):
    assert utf8_mojibake_repair(text) is None


@pytest.mark.parametrize(("text", "year"), [("1880", 1880), ("1930", 1930), ("2015", 2015)])
def test_plausible_birth_years_are_read(text, year):
    assert parse_birth_year(text) == (year, None)


@pytest.mark.parametrize("text", ["1879", "2016", "0", "19300"])
def test_implausible_birth_years_say_the_range(text):
    year, problem = parse_birth_year(text)
    assert year is None
    assert problem == f"{text} is not a plausible birth year (expected 1880 to 2015)"


@pytest.mark.parametrize("text", ["19x0", "1930.5", "unknown", "١٩٣٠", "+1930", "1_930"])
def test_birth_years_that_are_not_numbers_are_refused(text):
    year, problem = parse_birth_year(text)
    assert year is None
    assert problem == f"{text!r} is not a year"


def test_a_duplicate_isn_message_names_the_first_row():
    assert duplicate_isn("NK-100001", 4) == "duplicate ISN 'NK-100001' (first seen in row 4)"
