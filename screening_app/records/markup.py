"""Untrusted text into reportlab's Paragraph markup: the one way every PDF does it.

A Paragraph reads its text as markup, so a roster name such as ``Kim <img src=...>`` or
``<a href="javascript:...">`` would place an image, a link or a font change inside a
signed PDF, and ``Kim <unknown>`` would silently print as "Kim". Every string that did
not come from this program's own code goes through ``markup``: markup characters are
escaped, line breaks kept, and the Unicode controls that reorder text on screen (a
right-to-left override can make "ABC" print as "CBA") are shown as their code instead
of acting.
"""

from xml.sax.saxutils import escape

# Embedding, override and isolate controls, and the invisible direction marks.
BIDI_CONTROLS = frozenset("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def neutralised(text: str) -> str:
    """The text with every reordering control shown as [U+XXXX] instead of obeyed."""
    if not BIDI_CONTROLS.intersection(text):
        return text
    return "".join(f"[U+{ord(c):04X}]" if c in BIDI_CONTROLS else c for c in text)


def markup(text: object) -> str:
    """Plain text made safe for a Paragraph: markup characters escaped, line breaks kept."""
    plain = neutralised("" if text is None else str(text))
    return escape(plain).replace("\r\n", "\n").replace("\n", "<br/>")
