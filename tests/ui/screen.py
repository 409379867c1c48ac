"""Checks that a window fits the test screen (1280x720, see tests/conftest.py) the way a
person would see it: the whole frame on the screen, the buttons on view without scrolling."""

from PySide6.QtWidgets import QAbstractButton, QWidget


def assert_fits_screen(qtbot, window: QWidget, *, buttons: list[QAbstractButton] = ()) -> None:
    if not window.isVisible():
        window.show()
    qtbot.waitExposed(window)
    area = window.screen().availableGeometry()
    frame = window.frameGeometry()
    assert area.contains(frame), f"{type(window).__name__} {frame} lies outside {area}"
    for button in buttons or window.findChildren(QAbstractButton):
        if not button.isVisibleTo(window) or not button.text():
            continue
        shown = button.visibleRegion().boundingRect()
        assert shown == button.rect(), (
            f"the button {button.text()!r} of {type(window).__name__} is not fully in view"
            f" ({shown} of {button.rect()})")
