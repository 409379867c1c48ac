"""What the doctor's tests share: a PySide6 folder laid out as the wheel installs it."""

from pathlib import Path

import pytest


@pytest.fixture
def pyside(tmp_path) -> Path:
    """A PySide6 folder laid out as the wheel installs it, with empty files."""
    folder = tmp_path / "PySide6"
    (folder / "Qt" / "plugins" / "platforms").mkdir(parents=True)
    (folder / "QtWidgets.abi3.so").write_bytes(b"")
    (folder / "Qt" / "plugins" / "platforms" / "libqxcb.so").write_bytes(b"")
    return folder
