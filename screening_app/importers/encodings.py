"""Decode a CSV roster's bytes: UTF-8 (with or without BOM), CP949/EUC-KR or GB18030.

UTF-8 is recognised reliably by strict decoding. CP949 and GB18030 are not: each
decodes most of the other's byte pairs, so EUC-KR Hangul comes out as plausible-looking
Hanzi in GB18030 and the other way round. What does tell them apart in a roster is the
names: nearly every real name starts with one of a few dozen common surnames, while a
mis-decoded name starts with an arbitrary character, and often mixes Hangul and Hanzi,
which no real name does. So each candidate decoding is scored by the share of native
names that start with a common surname of their script, less the share that mix
scripts, and a decoding is accepted only when it is clearly plausible and clearly ahead
of the other. Otherwise the person importing is asked to say which encoding it is.
"""

import codecs
import csv
import io
import re
from collections.abc import Callable, Iterable
from itertools import islice

from screening_app.domain.errors import UserError
from screening_app.domain.messages import N_
from screening_app.domain.messages import gettext as _

UTF8 = "utf-8"
UTF8_BOM = "utf-8-sig"
CP949 = "cp949"
GB18030 = "gb18030"
SUPPORTED_ENCODINGS = (UTF8, UTF8_BOM, CP949, GB18030)

# Names codecs.lookup() gives, mapped to the codec used. EUC-KR and GBK/GB2312 are
# subsets of CP949 and GB18030, so decoding with the superset reads them exactly.
_CODEC_FOR_LOOKUP_NAME = {
    "utf-8": UTF8,
    "utf-8-sig": UTF8_BOM,
    "cp949": CP949,
    "euc_kr": CP949,
    "gb18030": GB18030,
    "gbk": GB18030,
    "gb2312": GB18030,
}

# A decoding is plausible when at least this share of native names looks real...
PLAUSIBLE_SCORE = 0.5
# ...and it must beat the other candidate by this much to be chosen without asking.
DECISIVE_MARGIN = 0.3
# Enough names to judge by; reading more only costs time.
SAMPLE_SIZE = 2000
# Bytes from the start of a file in which to look for them (a roster row is ~100 bytes).
_SAMPLE_BYTES = 512 * 1024

# The most common Korean surnames in Hangul (over nine in ten Koreans carry one), with
# the North Korean spellings that keep an initial ㄹ (리, 림, 류, 로, 라, 량, 렴).
KOREAN_SURNAMES = frozenset(
    "김이박최정강조윤장임한오서신권황안송류유전홍고문양손배백허남심노하곽성차주우구"
    "민진나지엄원방채천공현함변염여추도석소설선마길연위표명기반왕금옥육인맹제모탁국"
    "리림로라량렴"
)
# The ~100 most common Chinese surnames in simplified Hanzi, their traditional forms,
# and the Hanja of common Korean surnames (Korean rosters sometimes give names in
# Hanja, and a Chinese roster may come in traditional characters).
HAN_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫段雷"
    "侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂"
    "章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁"
    "張劉陳楊黃趙吳孫馬羅鄭謝許韓馮鄧蕭蔣葉蘇呂盧鍾譚陸賈韋鄒閻龍賀顧龔錢嚴湯顏莊聶魯"
    "歐關蘭寧紀畢喬樊"
    "朴鄭姜趙尹張林韓吳徐申權黃安宋柳全洪高文梁孫裵白許劉南沈盧河郭成車朱禹具閔陳羅池嚴元"
)

# Non-ASCII bytes of valid UTF-8 (a dozen CJK characters) before the first invalid one
# that make a file damaged UTF-8 rather than another encoding; a CP949 or GB18030 file
# almost always breaks UTF-8 at its first non-ASCII byte.
_DAMAGED_UTF8_EVIDENCE = 36
_ASCII_BYTES = bytes(range(128))

_HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")


class UndecodableText(UserError):
    """The text encoding is wrong or could not be told. ``row`` is the roster row where
    decoding failed, if any; the message is then a clause for that row, otherwise a
    sentence naming the file."""

    def __init__(self, message: str, row: int | None = None):
        super().__init__(message)
        self.message = message
        self.row = row


def codec_for(encoding: str, file_name: str) -> str:
    """The codec to use for an encoding the person named ("EUC-KR" reads as cp949)."""
    try:
        lookup_name = codecs.lookup(encoding.strip()).name
    except LookupError:
        lookup_name = None
    codec = _CODEC_FOR_LOOKUP_NAME.get(lookup_name or "")
    if codec is None:
        raise UndecodableText(
            _("cannot read {file} as {encoding!r}: the encodings this program reads are utf-8,"
              " cp949 (EUC-KR) and gb18030 (GBK).").format(file=file_name, encoding=encoding)
        )
    return codec


def decode_roster(
    data: bytes,
    file_name: str,
    encoding: str | None,
    native_names: Callable[[str], list[str]],
) -> tuple[str, str]:
    """(text, codec used). ``native_names(text)`` returns the native-script names in
    (the start of) a candidate decoding, which is how CP949 and GB18030 are told apart."""
    if encoding is not None:
        return _decode_as_given(data, file_name, codec_for(encoding, file_name), native_names)
    if data.startswith(codecs.BOM_UTF8):
        return _decode_strictly(data, UTF8_BOM), UTF8_BOM
    try:
        return data.decode(UTF8), UTF8
    except UnicodeDecodeError as error:
        utf8_error = error
    # Judge by the start of the file (decoding all of it twice would double the time
    # for a large roster), then decode the whole file as the winner.
    scores = _plausibility_by_codec(_sample_bytes(data), (CP949, GB18030), native_names)
    best = max(scores, key=scores.get, default=None)
    if best is not None and _clearly_best(best, scores):
        try:
            return data.decode(best), best
        except UnicodeDecodeError:
            pass  # the start was misleading; judge the whole file below
    whole = _plausibility_by_codec(data, (CP949, GB18030), native_names)
    best = max(whole, key=whole.get, default=None)
    if best is not None and _clearly_best(best, whole):
        return data.decode(best), best
    if _non_ascii_bytes(data[: utf8_error.start]) >= _DAMAGED_UTF8_EVIDENCE:
        # Plenty of valid UTF-8 before the first bad byte: a damaged UTF-8 file, so point
        # at the damage rather than ask for an encoding.
        _decode_strictly(data, UTF8, _DAMAGED_HINT)
    raise UndecodableText(
        _("could not tell the text encoding of {file}; give it with --encoding (utf-8, cp949"
          " or gb18030).").format(file=file_name)
    )


def name_plausibility(names: Iterable[str]) -> float:
    """Share of names that start with a common surname of their script, less the share
    that mix Hangul and Hanzi. Names without Hangul or Hanzi count against: a decoding
    that turns names into other symbols is not plausible. 0.0 when there are no names."""
    judged = plausible = mixed = 0
    for name in names:
        judged += 1
        has_hangul = _HANGUL.search(name) is not None
        has_han = _HAN.search(name) is not None
        if has_hangul and has_han:
            mixed += 1
        elif (has_hangul and name[0] in KOREAN_SURNAMES) or (has_han and name[0] in HAN_SURNAMES):
            plausible += 1
    if not judged:
        return 0.0
    return (plausible - mixed) / judged


def row_of_offset(text_before: str) -> int:
    """The roster row (header = 1) in which the text that follows ``text_before``
    starts, counting rows as a spreadsheet does: a quoted line break stays in its row."""
    records = sum(1 for _ in csv.reader(io.StringIO(text_before, newline="")))
    ends_a_row = not text_before or text_before.endswith(("\n", "\r"))
    return records + 1 if ends_a_row else records


def _decode_as_given(
    data: bytes, file_name: str, codec: str, native_names: Callable[[str], list[str]]
) -> tuple[str, str]:
    if codec == UTF8 and data.startswith(codecs.BOM_UTF8):
        codec = UTF8_BOM
    text = _decode_strictly(data, codec)
    if codec in (UTF8, UTF8_BOM):
        return text, codec  # strict UTF-8 practically never accepts another encoding
    # A legacy codec decodes almost anything; refuse only when another reading is
    # clearly right and this one clearly garbles the names.
    scores = _plausibility_by_codec(
        _sample_bytes(data), (codec, UTF8, CP949, GB18030), native_names
    )
    best = max(scores, key=scores.get)
    if best != codec and scores.get(codec, 0.0) < PLAUSIBLE_SCORE and _clearly_best(best, scores):
        raise UndecodableText(
            _("{file} does not read as {codec}: its names come out garbled, and it looks like"
              " {best} text; give --encoding {best} or leave --encoding out.").format(
                  file=file_name, codec=codec, best=best)
        )
    return text, codec


def _plausibility_by_codec(
    data: bytes, candidates: Iterable[str], native_names: Callable[[str], list[str]]
) -> dict[str, float]:
    """The plausibility of each candidate that decodes ``data`` at all."""
    scores = {}
    for codec in dict.fromkeys(candidates):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        scores[codec] = name_plausibility(_samples(text, native_names))
    return scores


def _sample_bytes(data: bytes) -> bytes:
    """The start of ``data``, cut after a line feed so that no character is split (0x0A
    is never part of a multi-byte character in these encodings)."""
    if len(data) <= _SAMPLE_BYTES:
        return data
    cut = data.rfind(b"\n", 0, _SAMPLE_BYTES)
    return data[: cut + 1] if cut > 0 else data


# Translated where used.
_WRONG_ENCODING_HINT = N_("give the right --encoding, or leave it out to have it detected")
_DAMAGED_HINT = N_("the text before it is UTF-8, so the file is damaged here")


def _decode_strictly(data: bytes, codec: str, hint: str = _WRONG_ENCODING_HINT) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as error:
        shown = UTF8 if codec == UTF8_BOM else codec
        end = min(error.end, error.start + 4)
        bad = " ".join(f"0x{byte:02X}" for byte in data[error.start : end])
        before = data[: error.start].decode(codec, errors="replace")
        raise UndecodableText(
            _("not valid {codec} text (bytes {bytes}); {hint}").format(
                codec=shown, bytes=bad, hint=_(hint)), row=row_of_offset(before)
        ) from None


def _non_ascii_bytes(data: bytes) -> int:
    return len(data.translate(None, _ASCII_BYTES))


def _clearly_best(best: str, scores: dict[str, float]) -> bool:
    others = [score for codec, score in scores.items() if codec != best]
    return scores[best] >= PLAUSIBLE_SCORE and all(
        scores[best] - score >= DECISIVE_MARGIN for score in others
    )


def _samples(text: str, native_names: Callable[[str], list[str]]) -> list[str]:
    """Native names of the roster, or, when it names none (no name_native column, or
    only Latin names there), every run of non-ASCII text as a weaker stand-in."""
    names = [name for name in native_names(text) if not name.isascii()]
    if names:
        return names[:SAMPLE_SIZE]
    return [m.group() for m in islice(_NON_ASCII_RUN.finditer(text), SAMPLE_SIZE)]
