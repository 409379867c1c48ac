"""Strategies that start from a valid input and damage it, and generators of the odd values
real files hold: every fuzz test draws from these.

Byte damage is a few edits in a row (flip, cut, insert, delete, repeat, splice in a nasty
token), each at a position anywhere in the file or, with ``focus="tail"``, near its end,
where a bundle keeps its header and a PDF its cross-reference table. Hypothesis shrinks a
failing example to the fewest, smallest edits.
"""

import io
import json
import zipfile
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

# Values a roster cell, an answer or a label meets in the field, or that break parsers.
NASTY_TEXTS = (
    "", " ", "\ufeff", "\x00", "\r", "\n", "\r\n", "\t", '"', "'", ",", ";", '""', '"a"b',
    "=cmd|' /C calc'!A0", "=HYPERLINK(\"http://x\")", "=1+1", "+SUM(A1:A9)", "-2+3", "@A1",
    "#REF!", "#N/A", "\u2028", "\u2029", "\x85", "\x0b", "\x1b[31m", "\u202e", "\u200b",
    "\ufffd", "\u3000", "Ã©", "NK-100001", "1930", "1930.0", "19３0", "-1", "99999999999999999999",
    "1e400", "NaN", "null", "true", "김민준", "리영호", "王伟", "張小明", "ㄱ", "\U0001f600",
    "\U00020000", "é", "ǅ", "Ω", "ﬁ",
)
# Fields far longer than any real one (the limit of a roster field is 500 characters).
HUGE_TEXTS = st.sampled_from(("A", "가", "王", "\u3000")).map(lambda char: char * 5000)
NASTY_BYTES = (
    b"\x00", b"\xff", b"\xfe\xff", b"\xff\xfe", b"\xef\xbb\xbf", b"\xc3", b"\xe0\x80",
    b"\xed\xa0\x80", b"\x80", b"\xb1\xe8", b"\x81\x30\x81\x30", b"\r", b"\n", b'"', b"'",
    b"%PDF-", b"%%EOF", b"endobj", b"stream", b"xref", b"trailer", b"startxref", b"<<", b">>",
    b"PK\x03\x04", b"- ", b": ", b"{", b"}", b"[", b"]", b"&a", b"*a", b"!!python/object:os.system",
    b"!!binary", b"? ", b"|", b">", b"\\", b"\\u0000", b"\\ud800", b"1e999", b"NaN",
)

# Roster-like values, so that some generated rows are valid.
PLAUSIBLE_CELLS = st.one_of(
    st.integers(100000, 100020).map(lambda n: f"NK-{n}"),
    st.sampled_from(("김민준", "王伟", "Kim Min-jun", "Korean", "Chinese", "Private", "1930",
                     "Koje-do", "Compound 62")),
    st.integers(1870, 2030).map(str),
)
CJK_ALPHABET = st.characters(codec="utf-8", categories=("Lo", "Lm", "Nd", "Zs", "Pd", "Po"))
ANY_TEXT = st.text(st.characters(codec="utf-8"), max_size=40)


def odd_text(max_size: int = 40) -> st.SearchStrategy[str]:
    """Text as a careless spreadsheet or a hostile sender would write it."""
    return st.one_of(
        st.sampled_from(NASTY_TEXTS),
        HUGE_TEXTS,
        st.text(CJK_ALPHABET, max_size=max_size),
        st.text(st.characters(codec="utf-8"), max_size=max_size),
        st.text("abcXYZ019 -_.,;\"'\t\r\n=+@", max_size=max_size),
    )


class Seed(bytes):
    """A valid input's bytes, which Hypothesis prints by length when it reports an example
    (a whole bundle or PDF in the report would bury the damage that matters)."""

    def __repr__(self) -> str:
        return f"<{len(self)} bytes>"


# -- byte damage ---------------------------------------------------------------------------------
@st.composite
def damaged(draw, seed: bytes, *, max_edits: int = 4, focus: str = "anywhere",
            tail: int = 4096) -> bytes:
    """``seed`` after one to ``max_edits`` edits."""
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, max_edits))):
        low = max(0, len(data) - tail) if focus == "tail" else 0
        at = draw(st.integers(low, len(data)))
        edit = draw(st.sampled_from(
            ("flip", "byte", "cut", "insert", "delete", "repeat", "token")))
        if edit == "flip" and at < len(data):
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif edit == "byte" and at < len(data):
            data[at] = draw(st.integers(0, 255))
        elif edit == "cut":
            del data[at:]
        elif edit == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=24))
        elif edit == "delete":
            del data[at:at + draw(st.integers(1, 64))]
        elif edit == "repeat":
            data[at:at] = data[at:at + draw(st.integers(1, 256))]
        elif edit == "token":
            token = draw(st.one_of(st.sampled_from(NASTY_BYTES),
                                   st.sampled_from(NASTY_TEXTS).map(str.encode),
                                   HUGE_TEXTS.map(str.encode)))
            data[at:at] = token
    return bytes(data)


ENCODINGS = ("utf-8", "utf-8-sig", "cp949", "gb18030", "utf-16", "utf-16-be", "latin-1",
             "shift_jis", "big5", "cp1252")


@st.composite
def reencoded(draw, text: str) -> bytes:
    """``text`` saved in another encoding (characters it cannot hold become '?'), maybe
    with a byte order mark it does not need."""
    encoding = draw(st.sampled_from(ENCODINGS))
    data = text.encode(encoding, errors="replace")
    bom = draw(st.sampled_from((b"", b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")))
    return bom + data


# -- damage inside a zip (an XLSX workbook) --------------------------------------------------------
@st.composite
def damaged_member(draw, archive: bytes) -> bytes:
    """The zip rewritten whole with one member damaged (or removed, or a member added), so
    that the damage gets past the zip's checksums into the parser behind it."""
    with zipfile.ZipFile(io.BytesIO(archive)) as source:
        members = {info.filename: source.read(info) for info in source.infolist()}
    name = draw(st.sampled_from(sorted(members)))
    action = draw(st.sampled_from(("damage", "damage", "damage", "remove", "empty", "add")))
    if action == "damage":
        members[name] = draw(damaged(members[name]))
    elif action == "remove":
        del members[name]
    elif action == "empty":
        members[name] = b""
    else:
        members[draw(st.sampled_from(("xl/worksheets/sheet2.xml", "../evil.xml",
                                      "xl/extra.bin")))] = draw(st.binary(max_size=64))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member, data in members.items():
            target.writestr(member, data)
    return out.getvalue()


# -- damage to parsed JSON/YAML data --------------------------------------------------------------
def json_values(max_leaves: int = 8) -> st.SearchStrategy[Any]:
    """Any JSON value, with odd text and numbers among the leaves."""
    leaves = st.one_of(
        st.none(), st.booleans(), st.integers(), st.integers(-2**70, 2**70),
        st.floats(allow_nan=False, allow_infinity=False), odd_text(),
    )
    return st.recursive(
        leaves,
        lambda children: st.one_of(st.lists(children, max_size=4),
                                   st.dictionaries(odd_text(12), children, max_size=4)),
        max_leaves=max_leaves,
    )


@dataclass(frozen=True)
class Deep:
    """A value nested ``depth`` lists (or objects) deep. It stays a marker in the examples
    Hypothesis prints (the repr of a real 2,000-deep list would itself overflow the stack)
    and becomes real nesting through ``to_json`` or ``materialise``."""

    depth: int
    kind: str = "list"

    def json_text(self) -> str:
        if self.kind == "list":
            return "[" * self.depth + '"deep"' + "]" * self.depth
        return '{"a":' * self.depth + '"deep"' + "}" * self.depth

    def value(self) -> Any:
        value: Any = "deep"
        for _ in range(self.depth):
            value = [value] if self.kind == "list" else {"a": value}
        return value


@dataclass(frozen=True)
class RawJson:
    """JSON text written as it is: what Python cannot hold in a str that a file can say
    (a lone surrogate escape), or numbers at the edge (1e999, NaN)."""

    text: str


RAW_JSON = st.sampled_from(tuple(RawJson(text) for text in (
    '"\\ud800"', '"a\\udfffb"', '"\\u0000"', '"\\u202e"', "1e999", "-1e999", "NaN", "-0",
    "Infinity", "123456789012345678901234567890", "1.0", "0.1e1", '"\\ufeff"')))


def to_json(value: Any) -> str:
    """JSON text of a (possibly mutated) document, markers written out in full."""
    if isinstance(value, Deep):
        return value.json_text()
    if isinstance(value, RawJson):
        return value.text
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(str(key), ensure_ascii=False)}:{to_json(item)}"
                              for key, item in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(to_json(item) for item in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def materialise(value: Any) -> Any:
    """The document as plain data, Deep markers turned into real nesting."""
    if isinstance(value, Deep):
        return value.value()
    if isinstance(value, RawJson):
        return json.loads(value.text)
    if isinstance(value, dict):
        return {key: materialise(item) for key, item in value.items()}
    if isinstance(value, list):
        return [materialise(item) for item in value]
    return value


def _paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found.extend(_paths(item, (*prefix, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.extend(_paths(item, (*prefix, index)))
    return found


def _replace(value: Any, path: tuple, new: Any) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        return {**value, head: _replace(value[head], rest, new)}
    copy = list(value)
    copy[head] = _replace(copy[head], rest, new)
    return copy


def _remove(value: Any, path: tuple) -> Any:
    head, rest = path[0], path[1:]
    if rest:
        if isinstance(value, dict):
            return {**value, head: _remove(value[head], rest)}
        copy = list(value)
        copy[head] = _remove(copy[head], rest)
        return copy
    if isinstance(value, dict):
        return {key: item for key, item in value.items() if key != head}
    return [item for index, item in enumerate(value) if index != head]


def _at(value: Any, path: tuple) -> Any:
    for part in path:
        value = value[part]
    return value


@st.composite
def mutated(draw, document: Any, *, max_edits: int = 3,
            extra_values: st.SearchStrategy[Any] | None = None) -> Any:
    """``document`` with one to ``max_edits`` edits at random places in its tree: a value of
    the wrong type, a key removed or added, a list item repeated, deep nesting."""
    values = st.one_of(json_values(), RAW_JSON)
    if extra_values is not None:
        values = st.one_of(values, extra_values)
    for _ in range(draw(st.integers(1, max_edits))):
        path = draw(st.sampled_from(_paths(document)))
        edit = draw(st.sampled_from(("replace", "replace", "remove", "add", "repeat", "nest",
                                     "stringify")))
        target = _at(document, path)
        if edit == "replace":
            document = _replace(document, path, draw(values))
        elif edit == "remove" and path:
            document = _remove(document, path)
        elif edit == "add" and isinstance(target, dict):
            document = _replace(document, path, {**target, draw(odd_text(12)): draw(values)})
        elif edit == "repeat" and isinstance(target, list) and target:
            document = _replace(document, path, [*target, target[draw(
                st.integers(0, len(target) - 1))]])
        elif edit == "nest":
            kind = draw(st.sampled_from(("list", "dict")))
            document = _replace(document, path, Deep(draw(st.sampled_from((3, 50, 1500))),
                                                     kind))
        elif edit == "stringify" and not isinstance(target, dict | list):
            document = _replace(document, path, str(target))
    return document
