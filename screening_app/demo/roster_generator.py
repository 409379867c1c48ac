"""A realistic, reproducible demo roster of Korean (KPA) and Chinese (CPV) prisoners.

Used for demos, manual testing and benchmarks: the same seed always gives the same
roster. Names are built from real common surnames (weighted by how common they are)
and given-name syllables typical of men born in the 1910s-1930s, with a romanised form
beside the native one, so that search, forms and imports see the mix of scripts met
in the field. About two thirds of the people are Korean and one third Chinese, as in
the camps of 1952.

Run ``python -m screening_app.demo.roster_generator OUT.csv 200000`` to write a file.
"""

import argparse
import csv
import random
from collections.abc import Sequence
from itertools import accumulate
from pathlib import Path

from screening_app.domain.subject import ROSTER_FIELDS

# (Hangul, conventional romanisation, relative frequency). North Korean spellings with
# an initial ㄹ (리, 림, 류, 로) are listed too: they are how many KPA soldiers wrote
# their names.
_KOREAN_SURNAMES: tuple[tuple[str, str, float], ...] = (
    ("김", "Kim", 21.5), ("이", "Lee", 11.0), ("리", "Ri", 3.7), ("박", "Park", 8.4),
    ("최", "Choi", 4.7), ("정", "Jeong", 4.3), ("강", "Kang", 2.4), ("조", "Cho", 2.1),
    ("윤", "Yoon", 2.1), ("장", "Jang", 2.0), ("임", "Lim", 1.3), ("림", "Rim", 0.4),
    ("한", "Han", 1.5), ("오", "Oh", 1.5), ("서", "Seo", 1.5), ("신", "Shin", 1.4),
    ("권", "Kwon", 1.4), ("황", "Hwang", 1.4), ("안", "Ahn", 1.4), ("송", "Song", 1.3),
    ("류", "Ryu", 0.8), ("유", "Yu", 0.6), ("전", "Jeon", 1.1), ("홍", "Hong", 1.1),
    ("고", "Ko", 0.9), ("문", "Moon", 0.9), ("양", "Yang", 0.8), ("손", "Son", 0.9),
    ("배", "Bae", 0.8), ("백", "Baek", 0.7), ("허", "Heo", 0.6), ("남", "Nam", 0.6),
    ("심", "Shim", 0.5), ("노", "Noh", 0.3), ("로", "Ro", 0.1), ("하", "Ha", 0.4),
    ("곽", "Kwak", 0.4), ("성", "Seong", 0.4), ("차", "Cha", 0.4), ("주", "Ju", 0.4),
    ("우", "Woo", 0.4), ("구", "Koo", 0.4), ("민", "Min", 0.3), ("진", "Jin", 0.3),
    ("나", "Na", 0.3), ("지", "Ji", 0.3), ("엄", "Eom", 0.3), ("원", "Won", 0.3),
    ("방", "Bang", 0.3),
)  # fmt: skip

# Given-name syllables and their Revised Romanization. A given name is two syllables,
# romanised syllable by syllable with a hyphen ("Min-jun"), which RR allows and which
# avoids sound-change rules a generator would get wrong.
_KOREAN_GIVEN_SYLLABLES: tuple[tuple[str, str], ...] = (
    ("영", "yeong"), ("수", "su"), ("철", "cheol"), ("호", "ho"), ("정", "jeong"),
    ("상", "sang"), ("광", "gwang"), ("동", "dong"), ("만", "man"), ("복", "bok"),
    ("남", "nam"), ("춘", "chun"), ("식", "sik"), ("덕", "deok"), ("용", "yong"),
    ("학", "hak"), ("명", "myeong"), ("성", "seong"), ("기", "gi"), ("일", "il"),
    ("문", "mun"), ("재", "jae"), ("경", "gyeong"), ("근", "geun"), ("석", "seok"),
    ("진", "jin"), ("현", "hyeon"), ("준", "jun"), ("민", "min"), ("규", "gyu"),
    ("태", "tae"), ("병", "byeong"), ("희", "hui"), ("봉", "bong"), ("순", "sun"),
    ("길", "gil"), ("원", "won"), ("국", "guk"), ("환", "hwan"), ("운", "un"),
    ("택", "taek"), ("범", "beom"), ("익", "ik"), ("창", "chang"), ("훈", "hun"),
    ("혁", "hyeok"), ("선", "seon"), ("충", "chung"), ("열", "yeol"), ("두", "du"),
    ("삼", "sam"), ("갑", "gap"), ("종", "jong"), ("대", "dae"), ("인", "in"),
    ("옥", "ok"), ("형", "hyeong"), ("한", "han"), ("도", "do"), ("윤", "yun"),
    ("섭", "seop"), ("구", "gu"),
)  # fmt: skip

# (simplified Hanzi, pinyin without tones, relative frequency).
_CHINESE_SURNAMES: tuple[tuple[str, str, float], ...] = (
    ("王", "Wang", 7.1), ("李", "Li", 7.0), ("张", "Zhang", 6.7), ("刘", "Liu", 5.4),
    ("陈", "Chen", 4.5), ("杨", "Yang", 3.1), ("黄", "Huang", 2.2), ("赵", "Zhao", 2.1),
    ("吴", "Wu", 2.0), ("周", "Zhou", 1.9), ("徐", "Xu", 1.5), ("孙", "Sun", 1.5),
    ("马", "Ma", 1.3), ("朱", "Zhu", 1.3), ("胡", "Hu", 1.2), ("郭", "Guo", 1.1),
    ("何", "He", 1.1), ("高", "Gao", 1.1), ("林", "Lin", 1.1), ("罗", "Luo", 0.9),
    ("郑", "Zheng", 0.9), ("梁", "Liang", 0.9), ("谢", "Xie", 0.8), ("宋", "Song", 0.7),
    ("唐", "Tang", 0.7), ("许", "Xu", 0.7), ("韩", "Han", 0.7), ("冯", "Feng", 0.7),
    ("邓", "Deng", 0.6), ("曹", "Cao", 0.6), ("彭", "Peng", 0.6), ("曾", "Zeng", 0.6),
    ("肖", "Xiao", 0.6), ("田", "Tian", 0.6), ("董", "Dong", 0.5), ("袁", "Yuan", 0.5),
    ("潘", "Pan", 0.5), ("于", "Yu", 0.5), ("蒋", "Jiang", 0.5), ("蔡", "Cai", 0.5),
    ("余", "Yu", 0.5), ("杜", "Du", 0.5), ("叶", "Ye", 0.4), ("程", "Cheng", 0.4),
    ("苏", "Su", 0.4), ("魏", "Wei", 0.4), ("吕", "Lyu", 0.4), ("丁", "Ding", 0.4),
    ("任", "Ren", 0.4), ("沈", "Shen", 0.4),
)  # fmt: skip

_CHINESE_GIVEN_CHARACTERS: tuple[tuple[str, str], ...] = (
    ("德", "de"), ("福", "fu"), ("贵", "gui"), ("林", "lin"), ("海", "hai"),
    ("山", "shan"), ("春", "chun"), ("成", "cheng"), ("忠", "zhong"), ("庆", "qing"),
    ("光", "guang"), ("荣", "rong"), ("宝", "bao"), ("金", "jin"), ("玉", "yu"),
    ("生", "sheng"), ("立", "li"), ("友", "you"), ("全", "quan"), ("永", "yong"),
    ("长", "chang"), ("和", "he"), ("兴", "xing"), ("有", "you"), ("树", "shu"),
    ("青", "qing"), ("云", "yun"), ("发", "fa"), ("小", "xiao"), ("东", "dong"),
    ("新", "xin"), ("胜", "sheng"), ("利", "li"), ("顺", "shun"), ("学", "xue"),
    ("明", "ming"), ("华", "hua"), ("国", "guo"), ("建", "jian"), ("军", "jun"),
    ("民", "min"), ("平", "ping"), ("强", "qiang"), ("文", "wen"), ("志", "zhi"),
    ("勇", "yong"), ("伟", "wei"), ("祥", "xiang"), ("财", "cai"), ("根", "gen"),
    ("清", "qing"), ("义", "yi"), ("仁", "ren"), ("才", "cai"), ("喜", "xi"),
    ("汉", "han"), ("水", "shui"), ("振", "zhen"), ("保", "bao"), ("双", "shuang"),
    ("先", "xian"), ("占", "zhan"), ("恩", "en"), ("安", "an"),
)  # fmt: skip

# The same with the capitalised romanisation, used when the syllable starts a given name.
_KOREAN_GIVEN_SYLLABLES_CAPS = tuple((n, r, r.capitalize()) for n, r in _KOREAN_GIVEN_SYLLABLES)
_CHINESE_GIVEN_CHARACTERS_CAPS = tuple((n, r, r.capitalize()) for n, r in _CHINESE_GIVEN_CHARACTERS)

# Share of Chinese names with a one-character given name (王伟, 李明).
_CHINESE_SHORT_NAME_SHARE = 0.3

# KPA ranks of 1950-53, in English, with how often each is met among prisoners.
_KPA_RANKS: tuple[tuple[str, float], ...] = (
    ("Private", 50), ("Corporal", 12), ("Junior Sergeant", 9), ("Sergeant", 10),
    ("Senior Sergeant", 6), ("Sergeant Major", 2), ("Junior Lieutenant", 4),
    ("Lieutenant", 3), ("Senior Lieutenant", 2), ("Captain", 1.5), ("Major", 0.5),
)  # fmt: skip

# The CPV had no ranks until 1955; its men were known by their post.
_CPV_POSTS: tuple[tuple[str, float], ...] = (
    ("Private", 62), ("Deputy Squad Leader", 10), ("Squad Leader", 12),
    ("Deputy Platoon Leader", 4), ("Platoon Leader", 5), ("Deputy Company Commander", 2),
    ("Company Commander", 3), ("Battalion Commander", 1),
)  # fmt: skip

_KPA_DIVISIONS = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13, 15, 18, 19, 27)
_CPV_DIVISIONS = (31, 34, 35, 44, 45, 58, 59, 60, 79, 80, 81, 179, 180, 181, 187, 188, 189)
# The 180th Division lost most of its men as prisoners in May 1951.
_CPV_180TH_EXTRA_WEIGHT = 8

# Koje-do kept Korean and Chinese prisoners in separate compounds; 72 and 86 held
# Chinese prisoners.
_KOREAN_COMPOUNDS = (60, 61, 62, 63, 64, 65, 66, 68, 73, 76, 77, 78, 81, 83, 85, 91, 92, 95)
_CHINESE_COMPOUNDS = (71, 72, 86)

_BIRTH_YEARS = tuple(range(1915, 1935))
# Most prisoners were conscripts in their late teens and twenties in 1952.
_BIRTH_YEAR_WEIGHTS = tuple(1 + min(year - 1914, 15) for year in _BIRTH_YEARS)

_ISN_DIGITS_RANGE = range(100_000, 1_000_000)


def generate_roster(count: int, seed: int = 1952, camp: str = "Koje-do") -> list[dict]:
    """``count`` roster rows (dicts keyed by ROSTER_FIELDS) in random order; the same
    seed gives the same rows."""
    if count < 0:
        raise ValueError("count must not be negative")
    rng = random.Random(seed)
    is_korean = [r < 2 / 3 for r in _uniforms(rng, count)]
    korean_count = sum(is_korean)
    chinese_count = count - korean_count
    if max(korean_count, chinese_count) > len(_ISN_DIGITS_RANGE):
        raise ValueError(
            f"cannot make more than {len(_ISN_DIGITS_RANGE)} unique ISNs per nationality"
        )
    korean = iter(_korean_rows(rng, korean_count, camp))
    chinese = iter(_chinese_rows(rng, chinese_count, camp))
    return [next(korean) if flag else next(chinese) for flag in is_korean]


def write_roster_csv(path: Path, count: int, seed: int = 1952, camp: str = "Koje-do") -> Path:
    """Write ``generate_roster(count, seed, camp)`` as a UTF-8 CSV with a header row."""
    path = Path(path)
    rows = generate_roster(count, seed, camp)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(ROSTER_FIELDS)
        writer.writerows([row[field] for field in ROSTER_FIELDS] for row in rows)
    return path


def _korean_rows(rng: random.Random, count: int, camp: str) -> list[dict]:
    surnames = _weighted_draw(rng, _KOREAN_SURNAMES, count)
    first = rng.choices(_KOREAN_GIVEN_SYLLABLES_CAPS, k=count)
    second = rng.choices(_KOREAN_GIVEN_SYLLABLES_CAPS, k=count)
    ranks = _weighted_labels(rng, _KPA_RANKS, count)
    units = rng.choices([f"KPA {_ordinal(d)} Division" for d in _KPA_DIVISIONS], k=count)
    compounds = rng.choices([f"Compound {c}" for c in _KOREAN_COMPOUNDS], k=count)
    years = rng.choices(_BIRTH_YEARS, weights=_BIRTH_YEAR_WEIGHTS, k=count)
    numbers = rng.sample(_ISN_DIGITS_RANGE, count)
    return [
        {
            "isn": f"NK-{number}",
            "name_native": surname[0] + syllable1[0] + syllable2[0],
            "name_latin": f"{surname[1]} {syllable1[2]}-{syllable2[1]}",
            "nationality": "Korean",
            "rank": rank,
            "unit": unit,
            "camp": camp,
            "compound": compound,
            "birth_year": year,
        }
        for surname, syllable1, syllable2, rank, unit, compound, year, number in zip(
            surnames, first, second, ranks, units, compounds, years, numbers, strict=True
        )
    ]


def _chinese_rows(rng: random.Random, count: int, camp: str) -> list[dict]:
    surnames = _weighted_draw(rng, _CHINESE_SURNAMES, count)
    first = rng.choices(_CHINESE_GIVEN_CHARACTERS_CAPS, k=count)
    second = rng.choices(_CHINESE_GIVEN_CHARACTERS_CAPS, k=count)
    short = [r < _CHINESE_SHORT_NAME_SHARE for r in _uniforms(rng, count)]
    ranks = _weighted_labels(rng, _CPV_POSTS, count)
    units = rng.choices(
        [f"CPV {_ordinal(d)} Division" for d in _CPV_DIVISIONS],
        weights=[_CPV_180TH_EXTRA_WEIGHT if d == 180 else 1 for d in _CPV_DIVISIONS],
        k=count,
    )
    compounds = rng.choices([f"Compound {c}" for c in _CHINESE_COMPOUNDS], k=count)
    years = rng.choices(_BIRTH_YEARS, weights=_BIRTH_YEAR_WEIGHTS, k=count)
    numbers = rng.sample(_ISN_DIGITS_RANGE, count)
    return [
        {
            "isn": f"CN-{number}",
            "name_native": surname[0] + char1[0] + ("" if is_short else char2[0]),
            "name_latin": f"{surname[1]} {char1[2] if is_short else _pinyin_given(char1, char2)}",
            "nationality": "Chinese",
            "rank": rank,
            "unit": unit,
            "camp": camp,
            "compound": compound,
            "birth_year": year,
        }
        for surname, char1, char2, is_short, rank, unit, compound, year, number in zip(
            surnames, first, second, short, ranks, units, compounds, years, numbers, strict=True
        )
    ]


def _pinyin_given(first: tuple[str, str, str], second: tuple[str, str, str]) -> str:
    """Two given-name syllables as one word; a syllable starting with a, o or e after
    another takes an apostrophe (Fu'an, not Fuan), as pinyin spelling requires."""
    joiner = "'" if second[1][0] in "aoe" else ""
    return first[2] + joiner + second[1]


def _ordinal(number: int) -> str:
    if 10 <= number % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def _weighted_draw(rng: random.Random, table: Sequence[tuple], count: int) -> list[tuple]:
    """Draw ``count`` entries of a table whose last item is a weight."""
    cumulative = list(accumulate(entry[-1] for entry in table))
    return rng.choices(table, cum_weights=cumulative, k=count)


def _weighted_labels(
    rng: random.Random, table: Sequence[tuple[str, float]], count: int
) -> list[str]:
    return [entry[0] for entry in _weighted_draw(rng, table, count)]


def _uniforms(rng: random.Random, count: int) -> list[float]:
    draw = rng.random
    return [draw() for _ in range(count)]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m screening_app.demo.roster_generator",
        description="Write a reproducible demo roster (UTF-8 CSV) of Korean and Chinese prisoners.",
    )
    parser.add_argument("out", type=Path, help="the CSV file to write")
    parser.add_argument("count", type=int, help="how many people")
    parser.add_argument("--seed", type=int, default=1952, help="same seed, same roster")
    parser.add_argument("--camp", default="Koje-do", help="the camp every row names")
    args = parser.parse_args(argv)
    if args.count < 0:
        parser.error("count must not be negative")
    write_roster_csv(args.out, args.count, seed=args.seed, camp=args.camp)
    print(f"Wrote {args.count} people to {args.out}.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
