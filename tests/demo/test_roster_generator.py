import re
import time
from collections import Counter

import pytest

from screening_app.demo.roster_generator import generate_roster, main, write_roster_csv
from screening_app.domain.subject import ROSTER_FIELDS
from screening_app.importers.roster_file import read_roster

HANGUL_NAME = re.compile(r"^[\uac00-\ud7a3]{3}$")
HANZI_NAME = re.compile(r"^[\u4e00-\u9fff]{2,3}$")
KOREAN_LATIN = re.compile(r"^[A-Z][a-z]+ [A-Z][a-z]+-[a-z]+$")  # "Kim Min-jun"
CHINESE_LATIN = re.compile(r"^[A-Z][a-z]+ [A-Z][a-z']+$")  # "Wang Xiaoming", "Chen En'an"


@pytest.fixture(scope="module")
def roster() -> list[dict]:
    return generate_roster(3000)


def test_the_same_seed_gives_the_same_roster():
    assert generate_roster(500, seed=7) == generate_roster(500, seed=7)
    assert generate_roster(500, seed=7) != generate_roster(500, seed=8)


def test_every_row_has_every_field_filled(roster):
    for row in roster:
        assert tuple(row) == ROSTER_FIELDS
        assert all(row[field] not in (None, "") for field in ROSTER_FIELDS)


def test_isns_are_unique_and_follow_the_nationality(roster):
    isns = [row["isn"] for row in roster]
    assert len(set(isns)) == len(isns)
    for row in roster:
        prefix = "NK-" if row["nationality"] == "Korean" else "CN-"
        assert re.fullmatch(re.escape(prefix) + r"\d{6}", row["isn"]), row["isn"]


def test_about_two_thirds_are_korean_and_one_third_chinese(roster):
    counts = Counter(row["nationality"] for row in roster)
    assert set(counts) == {"Korean", "Chinese"}
    assert 0.62 < counts["Korean"] / len(roster) < 0.72


def test_korean_names_are_hangul_with_revised_romanization(roster):
    for row in (r for r in roster if r["nationality"] == "Korean"):
        assert HANGUL_NAME.match(row["name_native"]), row["name_native"]
        assert KOREAN_LATIN.match(row["name_latin"]), row["name_latin"]
        assert row["unit"].startswith("KPA ")


def test_chinese_names_are_hanzi_with_toneless_pinyin_including_two_character_names(roster):
    chinese = [r for r in roster if r["nationality"] == "Chinese"]
    for row in chinese:
        assert HANZI_NAME.match(row["name_native"]), row["name_native"]
        assert CHINESE_LATIN.match(row["name_latin"]), row["name_latin"]
        assert row["name_latin"].isascii()  # no tone marks
        assert row["unit"].startswith("CPV ")
    lengths = Counter(len(row["name_native"]) for row in chinese)
    assert lengths[2] > 0.15 * len(chinese)
    assert lengths[3] > 0.5 * len(chinese)


def test_romanised_names_follow_the_native_name(roster):
    kims = [r for r in roster if r["name_native"].startswith("김")]
    wangs = [r for r in roster if r["name_native"].startswith("王")]
    assert kims and wangs
    assert all(r["name_latin"].startswith("Kim ") for r in kims)
    assert all(r["name_latin"].startswith("Wang ") for r in wangs)


def test_pinyin_takes_an_apostrophe_before_a_vowel_syllable():
    chinese = [r for r in generate_roster(5000, seed=3) if r["nationality"] == "Chinese"]
    with_an = [r for r in chinese if len(r["name_native"]) == 3 and r["name_native"][2] == "安"]
    assert with_an
    assert all(r["name_latin"].endswith("'an") for r in with_an)


def test_ranks_units_compounds_and_birth_years_are_realistic(roster):
    ranks = Counter(row["rank"] for row in roster)
    assert ranks.most_common(1)[0][0] == "Private"
    assert {"Sergeant", "Lieutenant", "Captain", "Squad Leader"} <= set(ranks)
    assert all(re.fullmatch(r"(KPA|CPV) \d+(st|nd|rd|th) Division", r["unit"]) for r in roster)
    assert "CPV 180th Division" in {row["unit"] for row in roster}
    compounds = {row["compound"] for row in roster}
    assert 18 <= len(compounds) <= 24
    assert all(re.fullmatch(r"Compound \d+", c) for c in compounds)
    years = [row["birth_year"] for row in roster]
    assert min(years) >= 1915 and max(years) <= 1934
    assert {row["camp"] for row in roster} == {"Koje-do"}


def test_the_camp_can_be_chosen():
    assert {row["camp"] for row in generate_roster(50, camp="Pongam-do")} == {"Pongam-do"}


def test_zero_people_is_an_empty_roster_and_a_negative_count_is_refused():
    assert generate_roster(0) == []
    with pytest.raises(ValueError):
        generate_roster(-1)


def test_the_written_csv_reads_back_without_problems(tmp_path):
    path = write_roster_csv(tmp_path / "demo.csv", 2000, seed=5)
    roster = read_roster(path)
    assert roster.encoding == "utf-8"
    assert roster.columns == ROSTER_FIELDS
    assert roster.rows == [
        tuple(row[field] for field in ROSTER_FIELDS) for row in generate_roster(2000, seed=5)
    ]


def test_main_writes_the_file_it_is_given(tmp_path, capsys):
    out = tmp_path / "bench.csv"
    assert main([str(out), "300", "--seed", "9", "--camp", "Cheju-do"]) == 0
    roster = read_roster(out)
    assert len(roster.rows) == 300
    assert {row[ROSTER_FIELDS.index("camp")] for row in roster.rows} == {"Cheju-do"}
    assert str(out) in capsys.readouterr().out


@pytest.mark.slow
def test_200000_people_are_generated_quickly():
    started = time.perf_counter()
    rows = generate_roster(200_000)
    elapsed = time.perf_counter() - started
    assert len({row["isn"] for row in rows}) == 200_000
    # About 0.7 s on a busy 2-core machine; the bound catches a change that makes
    # generation grow faster than the roster.
    assert elapsed < 5, f"generating 200,000 people took {elapsed:.2f} s"
