"""The bundled CJK font, registered with Qt at start so that Hangul and Hanzi render on a
machine that has no CJK fonts of its own."""

from functools import cache

from PySide6.QtGui import QFont, QFontDatabase, QFontInfo
from PySide6.QtWidgets import QApplication

from screening_app.bundled import resources_dir

BUNDLED_FONT_FILE = "wqy-microhei.ttc"


@cache
def bundled_font_families() -> tuple[str, ...]:
    font_id = QFontDatabase.addApplicationFont(str(resources_dir() / "fonts" / BUNDLED_FONT_FILE))
    if font_id < 0:
        return ()
    return tuple(QFontDatabase.applicationFontFamilies(font_id))


def install_application_font(app: QApplication) -> None:
    """Use the system's UI font for Latin text with the bundled font as the fallback for
    every script it lacks."""
    families = bundled_font_families()
    if not families:
        return
    font = QFont(app.font())
    # The family the system actually resolved ("Sans Serif" is only an alias, and an alias
    # first in the list would let the fallback font take Latin text and punctuation too).
    resolved = QFontInfo(font).family()
    font.setFamilies([resolved, *families] if resolved not in families else list(families))
    font.setPointSizeF(max(font.pointSizeF(), 10.5))
    app.setFont(font)


def statement_font(point_size: float = 15) -> QFont:
    font = QFont(QApplication.font())
    font.setPointSizeF(point_size)
    return font
