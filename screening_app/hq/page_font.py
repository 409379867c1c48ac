"""The bundled CJK font, as the operators' page serves it.

A machine with no CJK system font (a headquarters laptop fresh from a Latin install) shows
boxes for every Korean and Chinese name; the page therefore brings its own font: the
WenQuanYi Micro Hei the PDFs embed. That file is a TrueType *collection* (two faces), which
browsers refuse in ``@font-face`` (Chromium's sanitiser rejects it), so the first face is
cut out of the collection once, in memory, as a plain TrueType font: its table directory is
rewritten with offsets into the new file; the tables themselves are copied unchanged.
"""

import struct
from functools import cache

from screening_app.records.fonts import FONT_SUBFONT_INDEX, font_path

FONT_URL = "/fonts/page-sans.ttf"
FONT_FAMILY = "HQ Page Sans"


@cache
def page_font() -> bytes:
    """The proportional face of the bundled collection as a standalone TrueType font."""
    return face_of_collection(font_path().read_bytes(), FONT_SUBFONT_INDEX)


def face_of_collection(collection: bytes, index: int) -> bytes:
    if collection[:4] != b"ttcf":
        return collection  # already a single font
    (count,) = struct.unpack_from(">I", collection, 8)
    if not 0 <= index < count:
        raise ValueError(f"the font collection has {count} faces, not {index + 1}")
    (directory,) = struct.unpack_from(">I", collection, 12 + 4 * index)
    version, tables = struct.unpack_from(">IH", collection, directory)
    entries = [struct.unpack_from(">4sIII", collection, directory + 12 + 16 * i)
               for i in range(tables)]
    header = bytearray(collection[directory:directory + 12])
    body = bytearray()
    start = 12 + 16 * tables
    records = []
    for tag, checksum, offset, length in entries:
        records.append(struct.pack(">4sIII", tag, checksum, start + len(body), length))
        body += collection[offset:offset + length]
        body += b"\0" * (-len(body) % 4)  # every table starts on a four-byte boundary
    return bytes(header) + b"".join(records) + bytes(body)
