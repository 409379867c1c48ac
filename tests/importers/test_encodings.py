import csv
import io
from pathlib import Path

import pytest

from screening_app.demo.roster_generator import generate_roster
from screening_app.domain.subject import ROSTER_FIELDS
from screening_app.importers.encodings import (
    HAN_SURNAMES,
    KOREAN_SURNAMES,
    name_plausibility,
    row_of_offset,
)
from screening_app.importers.roster_file import RosterFileError, read_roster

UNDETECTED = (
    "could not tell the text encoding of roster.csv; give it with --encoding "
    "(utf-8, cp949 or gb18030)."
)


def roster_text(rows: list[dict]) -> str:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(ROSTER_FIELDS)
    writer.writerows([row[field] for field in ROSTER_FIELDS] for row in rows)
    return buffer.getvalue()


def write(tmp_path: Path, data: bytes, name: str = "roster.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def refusal(path: Path, **kwargs) -> str:
    with pytest.raises(RosterFileError) as caught:
        read_roster(path, **kwargs)
    return str(caught.value)


@pytest.fixture(scope="module")
def people() -> list[dict]:
    return generate_roster(400, seed=11)


@pytest.fixture(scope="module")
def korean(people) -> list[dict]:
    return [row for row in people if row["nationality"] == "Korean"]


@pytest.fixture(scope="module")
def chinese(people) -> list[dict]:
    return [row for row in people if row["nationality"] == "Chinese"]


def expected_rows(rows: list[dict]) -> list[tuple]:
    return [tuple(row[field] for field in ROSTER_FIELDS) for row in rows]


@pytest.mark.parametrize(
    ("encoding", "detected"), [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("cp949", "cp949")]
)
def test_a_korean_roster_reads_back_identical_in_each_encoding(
    tmp_path, korean, encoding, detected
):
    path = write(tmp_path, roster_text(korean).encode(encoding))
    roster = read_roster(path)
    assert roster.encoding == detected
    assert roster.rows == expected_rows(korean)


@pytest.mark.parametrize(
    ("encoding", "detected"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gb18030", "gb18030")],
)
def test_a_chinese_roster_reads_back_identical_in_each_encoding(
    tmp_path, chinese, encoding, detected
):
    path = write(tmp_path, roster_text(chinese).encode(encoding))
    roster = read_roster(path)
    assert roster.encoding == detected
    assert roster.rows == expected_rows(chinese)


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_a_mixed_korean_and_chinese_roster_reads_correctly(tmp_path, people, encoding):
    # GB18030 encodes Hangul too (as four-byte sequences), so one file can hold both.
    path = write(tmp_path, roster_text(people).encode(encoding))
    roster = read_roster(path)
    assert roster.encoding == encoding
    assert roster.rows == expected_rows(people)


def test_the_encoding_can_be_given_and_aliases_are_understood(tmp_path, korean, chinese):
    korean_file = write(tmp_path, roster_text(korean).encode("cp949"), "korean.csv")
    chinese_file = write(tmp_path, roster_text(chinese).encode("gb18030"), "chinese.csv")
    for alias in ("cp949", "EUC-KR", "euc_kr"):
        roster = read_roster(korean_file, encoding=alias)
        assert (roster.encoding, roster.rows) == ("cp949", expected_rows(korean))
    for alias in ("gb18030", "GBK", "gb2312"):
        roster = read_roster(chinese_file, encoding=alias)
        assert (roster.encoding, roster.rows) == ("gb18030", expected_rows(chinese))


def test_utf8_given_for_a_file_with_a_bom_drops_the_bom(tmp_path, korean):
    path = write(tmp_path, roster_text(korean).encode("utf-8-sig"))
    roster = read_roster(path, encoding="utf-8")
    assert roster.encoding == "utf-8-sig"
    assert roster.columns[0] == "isn"


def test_a_cp949_roster_forced_as_gb18030_is_refused_naming_the_likely_encoding(tmp_path, korean):
    path = write(tmp_path, roster_text(korean).encode("cp949"))
    assert refusal(path, encoding="gb18030") == (
        "roster.csv does not read as gb18030: its names come out garbled, and it looks "
        "like cp949 text; give --encoding cp949 or leave --encoding out."
    )


def test_a_gb18030_roster_forced_as_cp949_is_refused_naming_the_row(tmp_path, chinese):
    path = write(tmp_path, roster_text(chinese).encode("gb18030"))
    message = refusal(path, encoding="cp949")
    assert message.startswith("roster.csv, row ")
    assert "not valid cp949 text" in message


def test_a_legacy_file_forced_as_utf8_names_the_first_bad_row(tmp_path):
    text = "isn,name_latin,name_native\nNK-1,Kim,\nNK-2,Lee,이영수\n"
    path = write(tmp_path, text.encode("cp949"))
    assert refusal(path, encoding="utf-8") == (
        "roster.csv, row 3: not valid utf-8 text (bytes 0xC0); give the right "
        "--encoding, or leave it out to have it detected"
    )


def test_a_utf8_file_forced_as_a_legacy_encoding_is_refused(tmp_path, chinese):
    # Most UTF-8 text fails to decode as GB18030 (and then the row is named); these
    # names happen to decode, into nonsense, which the name check catches.
    names = []
    for row in chinese:
        try:
            row["name_native"].encode("utf-8").decode("gb18030")
        except UnicodeDecodeError:
            continue
        names.append(row["name_native"])
    assert len(names) >= 20
    text = "isn,name_native\n" + "".join(f"CN-{i},{name}\n" for i, name in enumerate(names))
    path = write(tmp_path, text.encode("utf-8"))
    assert refusal(path, encoding="gb18030") == (
        "roster.csv does not read as gb18030: its names come out garbled, and it looks "
        "like utf-8 text; give --encoding utf-8 or leave --encoding out."
    )
    assert read_roster(path).encoding == "utf-8"


def test_an_unsupported_encoding_is_refused(tmp_path, korean):
    path = write(tmp_path, roster_text(korean).encode("utf-8"))
    assert refusal(path, encoding="latin-1") == (
        "cannot read roster.csv as 'latin-1': the encodings this program reads are utf-8, "
        "cp949 (EUC-KR) and gb18030 (GBK)."
    )
    assert "'klingon'" in refusal(path, encoding="klingon")


def test_text_in_an_encoding_that_is_not_supported_is_refused_not_garbled(tmp_path):
    # Big5 (traditional Chinese) decodes as GB18030 into nonsense.
    text = "isn,name_native\nCN-1,陳大文\nCN-2,黃小明\nCN-3,張志強\nCN-4,林國華\n"
    path = write(tmp_path, text.encode("big5"))
    assert refusal(path) == UNDETECTED


def test_latin_1_text_is_refused_not_garbled(tmp_path):
    path = write(tmp_path, "isn,name_latin\nNK-1,José Müller\nNK-2,Łukasz\n".encode("cp1250"))
    assert refusal(path) == UNDETECTED


def test_a_file_that_reads_plausibly_both_ways_asks_for_the_encoding(tmp_path):
    # In CP949 these are Korean names starting with 진 and 주; the same bytes in GB18030
    # are Chinese names starting with 柳 and 林. Nothing tells them apart, so the reader
    # asks rather than guesses, and reads the file once told.
    data = "isn,name_native\nNK-1,진주\nNK-2,주진\n".encode("cp949")
    assert data.decode("gb18030") == "isn,name_native\nNK-1,柳林\nNK-2,林柳\n"
    path = write(tmp_path, data)
    assert refusal(path) == UNDETECTED
    assert read_roster(path, encoding="cp949").rows == [("NK-1", "진주"), ("NK-2", "주진")]


def test_korean_names_in_hanja_are_detected_as_cp949(tmp_path):
    text = "isn,name_native\nNK-1,金日成\nNK-2,朴正熙\nNK-3,李承晩\nNK-4,崔庸健\n"
    path = write(tmp_path, text.encode("cp949"))
    roster = read_roster(path)
    assert roster.encoding == "cp949"
    assert roster.rows[0] == ("NK-1", "金日成")


def test_a_roster_without_a_native_name_column_is_judged_by_its_other_text(tmp_path):
    text = "isn,name_latin,unit\nNK-1,Kim,김민준\nNK-2,Lee,이영수\nNK-3,Park,박철호\n"
    path = write(tmp_path, text.encode("cp949"))
    assert read_roster(path).encoding == "cp949"


def test_every_demo_surname_is_one_the_detector_knows(people):
    for row in people:
        first = row["name_native"][0]
        assert first in (KOREAN_SURNAMES if row["nationality"] == "Korean" else HAN_SURNAMES)


def test_plausibility_is_high_for_real_names_and_low_for_misdecoded_ones(korean, chinese):
    korean_names = [row["name_native"] for row in korean]
    chinese_names = [row["name_native"] for row in chinese]
    assert name_plausibility(korean_names) == 1.0
    assert name_plausibility(chinese_names) == 1.0
    as_hanzi = [name.encode("cp949").decode("gb18030") for name in korean_names]
    assert name_plausibility(as_hanzi) < 0.2


def test_names_mixing_hangul_and_hanzi_count_against():
    assert name_plausibility(["김민준", "김民준"]) == 0.0
    assert name_plausibility(["김民준"]) == -1.0
    assert name_plausibility([]) == 0.0


def test_row_of_offset_counts_rows_as_a_spreadsheet_does():
    assert row_of_offset("") == 1
    assert row_of_offset("isn,name\n") == 2
    assert row_of_offset("isn,name\nNK-1,Ki") == 2
    assert row_of_offset('isn,name\nNK-1,"Kim\nMin"\nNK-2,') == 3


def test_a_damaged_utf8_file_names_the_damaged_row_instead_of_asking(tmp_path, people):
    data = bytearray(roster_text(people).encode("utf-8"))
    row_start = data.index("\n".join(["", people[99]["isn"]]).encode()) + 1  # row 101
    name_start = data.index(people[99]["name_native"].encode(), row_start)
    data[name_start + 1] = 0x41  # break the first character's UTF-8 sequence
    path = write(tmp_path, bytes(data))
    assert refusal(path) == (
        f"roster.csv, row 101: not valid utf-8 text (bytes 0x{data[name_start]:02X}); the "
        "text before it is UTF-8, so the file is damaged here"
    )


def test_a_file_whose_start_misleads_is_judged_as_a_whole(tmp_path, korean):
    # The start (well over the sample the detector reads first) is Korean in CP949; the
    # last row holds a GB18030-only byte sequence. No single encoding reads the whole
    # file plausibly, so the reader asks instead of garbling either part.
    rows = (korean * 200)[:45000]
    body = "".join(f"NK-{i},{row['name_native']}\n" for i, row in enumerate(rows))
    data = ("isn,name_native\n" + body).encode("cp949") + b"CN-1,\x81\x30\x81\x30\n"
    assert len(data) > 600_000
    assert refusal(write(tmp_path, data)) == UNDETECTED
