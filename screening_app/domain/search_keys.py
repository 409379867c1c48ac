"""Normalised keys for finding a person by ISN or by name in any script.

Search-as-you-type over a whole camp must be an index range scan, so each subject
keeps a few normalised keys beside its data and a query is normalised the same way:

- ISN: letters and digits only, upper case ("nk 100-01" finds "NK-10001").
- Native names (Hangul, Hanzi): spaces removed; the full name and the given name
  (after the one-character surname) are both keys, so "김 민준", "김민" and "민준"
  find 김민준, and "王伟" finds 王伟.
- Latin names: accents, case, spaces, hyphens and apostrophes removed; the full
  name and the name after the first word are keys ("kim min", "minjun", "Min-jun").
"""

import re
import unicodedata
from dataclasses import dataclass

# Upper bound for a prefix range: SQLite compares TEXT bytewise in UTF-8, and no
# character sorts after U+10FFFF.
PREFIX_END = "\U0010ffff"

_LATIN_DROP = str.maketrans("", "", " -'’`.,\t")
# Punctuation that never separates words in a romanised name ("Min-jun", "O'Brien").
LATIN_JOIN = str.maketrans("", "", "-'’`.,")
_ASCII_NOT_ALNUM = re.compile(r"[^0-9A-Za-z]+")

# These keys are computed for every row of a 200,000-person import, so the common case
# (ASCII ISNs and romanised names) takes a fast path; anything else is folded properly.


def isn_key(isn: str) -> str:
    if isn.isascii():
        return _ASCII_NOT_ALNUM.sub("", isn).upper()
    return "".join(ch for ch in isn if ch.isalnum()).upper()


def is_native_script(text: str) -> bool:
    """True when the text holds Hangul or CJK ideographs."""
    for ch in text:
        code = ord(ch)
        if (
            0xAC00 <= code <= 0xD7A3  # Hangul syllables
            or 0x1100 <= code <= 0x11FF  # Hangul jamo
            or 0x3130 <= code <= 0x318F  # Hangul compatibility jamo
            or 0x4E00 <= code <= 0x9FFF  # CJK unified ideographs
            or 0x3400 <= code <= 0x4DBF  # extension A
            or 0xF900 <= code <= 0xFAFF  # compatibility ideographs
            or 0x20000 <= code <= 0x2FA1F  # supplementary ideographs
        ):
            return True
    return False


def native_keys(name: str | None) -> tuple[str | None, str | None]:
    if not name:
        return None, None
    full = "".join(name.split()) if " " in name or "\t" in name else name
    given = full[1:] if len(full) > 1 else None
    return full or None, given


def _fold_latin(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def latin_keys(name: str | None) -> tuple[str | None, str | None]:
    if not name:
        return None, None
    folded = name.lower() if name.isascii() else _fold_latin(name)
    words = folded.translate(LATIN_JOIN).split()
    if not words:
        return None, None
    full = "".join(words)
    given = "".join(words[1:]) if len(words) > 1 else None
    return full or None, given or None


def latin_query_key(text: str) -> str:
    return _fold_latin(text).translate(_LATIN_DROP)


def native_query_key(text: str) -> str:
    return "".join(text.split())


@dataclass(frozen=True)
class SubjectKeys:
    search_isn: str
    search_native: str | None
    search_native_given: str | None
    search_latin: str | None
    search_latin_given: str | None


def subject_keys(isn: str, name_native: str | None, name_latin: str | None) -> SubjectKeys:
    native, native_given = native_keys(name_native)
    latin, latin_given = latin_keys(name_latin)
    return SubjectKeys(isn_key(isn), native, native_given, latin, latin_given)
