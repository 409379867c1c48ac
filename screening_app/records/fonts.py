"""The one font of every PDF the station produces: the bundled WenQuanYi Micro Hei.

It covers Latin, Hangul and Hanzi, so a form in English and Korean or Chinese needs no
other face, and reportlab embeds only the glyphs a document uses. The base-14 fonts are
never used: a reader without them would substitute, and a form must look the same
everywhere it is opened.

Parsing the 5 MB collection takes a tenth of a second, so it is done once per process,
on the first render, not when this module is imported (the GUI imports records/ lazily).
The desktop app registers it on a pool thread while an interview runs
(ui/form_warm_up.py), so registering is guarded by a lock: a form rendered meanwhile waits
for that font instead of registering a second one under the same name halfway through.
"""

import threading
from functools import cache
from pathlib import Path

from screening_app.bundled import resources_dir
from screening_app.domain.errors import UserError

FORM_FONT = "ScreeningFormSans"
FONT_FILE = "wqy-microhei.ttc"
# Index 0 of the collection is the proportional face; 1 is the monospaced one.
FONT_SUBFONT_INDEX = 0


def font_path() -> Path:
    return resources_dir() / "fonts" / FONT_FILE


_REGISTERING = threading.Lock()


def form_font() -> str:
    """Register the bundled font with reportlab (once) and return its registered name."""
    with _REGISTERING:
        return _register_form_font()


@cache
def _register_form_font() -> str:
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    path = font_path()
    if not path.is_file():
        raise UserError(f"The bundled font {path} is missing; reinstall the program.")
    try:
        font = TTFont(FORM_FONT, str(path), subfontIndex=FONT_SUBFONT_INDEX)
    except (TTFError, OSError) as error:
        raise UserError(f"The bundled font {path} cannot be read ({error}); reinstall the"
                        " program.") from error
    pdfmetrics.registerFont(font)
    # The face has no bold or italic: map every style to it, so that markup such as <b>
    # can never fall back to a base-14 font.
    for bold in (0, 1):
        for italic in (0, 1):
            addMapping(FORM_FONT, bold, italic, FORM_FONT)
    return FORM_FONT
