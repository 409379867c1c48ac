"""Where the bundled data folders are: forms/ (protocols) and resources/ (fonts, icons).

In an installed wheel they sit inside the package; in a source checkout they are the
top-level folders of the repository. Both layouts are supported so that tests run
from a checkout and the installed program runs from any working directory.
"""

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def _bundled_dir(name: str) -> Path:
    inside_package = _PACKAGE_DIR / name
    if inside_package.is_dir():
        return inside_package
    return _PACKAGE_DIR.parent / name


def forms_dir() -> Path:
    return _bundled_dir("forms")


def resources_dir() -> Path:
    return _bundled_dir("resources")
