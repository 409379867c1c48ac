"""The doctor's checks: one function per thing a laptop needs, each returning a Finding
(what was checked, and one sentence per problem that says how to fix it).

Every check takes what it reads as arguments with the real thing as the default (the
clock, the environment, the folders), so that tests give it a machine that is wrong in
one way at a time.
"""

import os
import platform
import re
import shutil
import sys
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from screening_app import RELEASE_DATE
from screening_app.bundled import resources_dir
from screening_app.doctor import qt_platform
from screening_app.records.fonts import FONT_FILE

# What a day of interviews needs with room to spare: the database grows by a few hundred
# kilobytes a form (the signed PDF is stored in it), a backup is a whole copy of the
# database, a sync bundle another, and SQLite needs free space as large as a transaction
# to write at all. Below this, a full disk would stop a finalisation halfway through a day.
MINIMUM_FREE_BYTES = 1024**3

# A clock this far past the release is wrong, not late: forms, signatures and timestamps
# would carry the wrong date (and certificates would seem expired).
LATEST_PLAUSIBLE_YEARS_AFTER_RELEASE = 10

# The project's requires-python when the installed metadata cannot be read (a checkout).
REQUIRES_PYTHON = ">=3.11"


@dataclass(frozen=True)
class Finding:
    """One check: ``checked`` says what was looked at (printed when all is well),
    ``problems`` one sentence each with its fix, ``notes`` what could not be checked."""

    name: str
    checked: str
    problems: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return not self.problems


# -- Python --------------------------------------------------------------------------------
def requires_python() -> str:
    """The installed program's requires-python (">=3.11")."""
    from importlib import metadata

    try:
        return metadata.metadata("screening-app").get("Requires-Python") or REQUIRES_PYTHON
    except metadata.PackageNotFoundError:
        return REQUIRES_PYTHON


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def python_satisfies(version: tuple[int, ...], specifier: str) -> bool:
    """Whether ``version`` meets a requires-python of comparisons joined by commas
    (">=3.11", ">=3.11,<3.14"): the forms projects write there."""
    compare = {">=": lambda a, b: a >= b, ">": lambda a, b: a > b, "<=": lambda a, b: a <= b,
               "<": lambda a, b: a < b, "==": lambda a, b: a == b, "!=": lambda a, b: a != b}
    for clause in filter(None, (part.strip() for part in specifier.split(","))):
        match = re.fullmatch(r"(>=|<=|==|!=|>|<)\s*(\d+(?:\.\d+)*)", clause)
        if match is None:
            continue  # a form this check does not read is not held against the machine
        wanted = _version(match.group(2))
        if not compare[match.group(1)](tuple(version[:len(wanted)]), wanted):
            return False
    return True


def check_python(version: tuple[int, ...] | None = None,
                 specifier: str | None = None) -> Finding:
    version = tuple(sys.version_info[:3]) if version is None else version
    specifier = requires_python() if specifier is None else specifier
    shown = ".".join(map(str, version))
    if python_satisfies(version, specifier):
        return Finding("python", f"Python {shown} (the program needs {specifier})")
    return Finding("python", f"Python {shown}", (
        f"Python {shown} is not one the program supports ({specifier}); install a supported"
        " Python and install the program again with it (the field kit's install script"
        " says which).",))


# -- the C library ---------------------------------------------------------------------------
# The oldest glibc the wheels the program installs need (PySide6's for Python 3.12 and
# later are manylinux_2_34; tools/make-field-kit asks for the same floor).
MINIMUM_GLIBC = (2, 34)


def check_c_library(libc: Callable[[], tuple[str, str]] = platform.libc_ver,
                    system: str = sys.platform) -> Finding:
    """On Linux, a glibc as new as the program's wheels need: older ones fail to load Qt
    with a message about symbol versions that says nothing to the person at the laptop."""
    if not system.startswith("linux"):
        return Finding("libc", "the C library (not checked off Linux)")
    name, version = libc()
    wanted = ".".join(map(str, MINIMUM_GLIBC))
    if name != "glibc" or not version:
        return Finding("libc", "the C library", notes=(
            f"The C library is not glibc ({name or 'unknown'}); the program's wheels need"
            f" glibc {wanted} or newer.",))
    if _version(version)[:2] < MINIMUM_GLIBC:
        return Finding("libc", f"glibc {version}", (
            f"glibc {version} is older than the {wanted} the program's Qt needs; install"
            " the program on Debian 12, Ubuntu 22.04 or a later release.",))
    return Finding("libc", f"glibc {version} (the program needs {wanted} or newer)")


# -- Qt ------------------------------------------------------------------------------------
def check_qt(environ: Mapping[str, str] | None = None, *, pyside: Path | None = None,
             ldd: Callable[[Path], str] = qt_platform.run_ldd) -> Finding:
    """Qt's platform plugin and the system libraries it loads (on Linux; elsewhere the
    wheels carry everything Qt needs)."""
    environ = os.environ if environ is None else environ
    pyside = pyside or qt_platform.pyside6_dir()
    if pyside is None:
        return Finding("qt", "PySide6", ("PySide6 is not installed; install the program"
                                         " again (from the field kit or with pip).",))
    if not sys.platform.startswith("linux"):
        return Finding("qt", f"PySide6 in {pyside}")
    check = qt_platform.check_qt_platform(environ, pyside=pyside, ldd=ldd,
                                          need_display=False)
    what = ("the X11 platform plugin (libqxcb.so) and the libraries it loads"
            if check.platform == "xcb" else f"Qt's {check.platform} platform and its libraries")
    return Finding("qt", what, check.problems, check.notes)


# -- files and folders ---------------------------------------------------------------------
def check_fonts(fonts_dir: Path | None = None) -> Finding:
    """The bundled CJK font every form and the interface's Hangul and Hanzi are drawn in."""
    fonts_dir = resources_dir() / "fonts" if fonts_dir is None else fonts_dir
    path = fonts_dir / FONT_FILE
    if path.is_file() and path.stat().st_size > 0:
        return Finding("fonts", f"the bundled font {path}")
    return Finding("fonts", f"the bundled font {path}", (
        f"The bundled font {path} is missing or empty, so forms cannot be printed in Korean"
        " or Chinese; install the program again.",))


def _existing_ancestor(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def check_data_folder(data_dir: Path) -> Finding:
    """The data folder (or, before the first start, the folder it will be made in) takes a
    new file: a station writes its database, logs, forms and backups there."""
    where = _existing_ancestor(data_dir)
    if where.exists() and not where.is_dir():
        return Finding("data folder", str(data_dir), (
            f"The data folder {data_dir} cannot be made: {where} is a file; move it away or"
            " give another folder with --data-dir.",))
    try:
        with tempfile.TemporaryFile(dir=where):
            pass
    except OSError as error:
        reason = error.strerror or str(error)
        return Finding("data folder", str(data_dir), (
            f"The data folder {data_dir} is not writable ({reason} in {where}); give its"
            f" owner write permission (sudo chown -R $USER {where}) or choose another"
            " folder with --data-dir.",))
    shown = str(data_dir) + ("" if where == data_dir else f" (to be made in {where})")
    return Finding("data folder", f"{shown} is writable")


def check_free_disk(data_dir: Path, *, minimum: int = MINIMUM_FREE_BYTES,
                    disk_usage: Callable[[Path], object] = shutil.disk_usage) -> Finding:
    where = _existing_ancestor(data_dir)
    try:
        free = disk_usage(where).free
    except OSError as error:
        return Finding("free disk", str(where), notes=(
            f"Free space was not checked: {error.strerror or error}.",))
    shown = f"{free / 1024**3:.1f} GB free where the data folder is (at least" \
            f" {minimum / 1024**3:.1f} GB wanted)"
    if free >= minimum:
        return Finding("free disk", shown)
    return Finding("free disk", shown, (
        f"Only {free / 1024**2:.0f} MB is free on the disk of {where}, less than the"
        f" {minimum / 1024**2:.0f} MB a day of forms, a backup and a sync bundle need; free"
        " some space (or move the data folder to a larger disk with --data-dir).",))


# -- time ----------------------------------------------------------------------------------
def release_date() -> date:
    return date.fromisoformat(RELEASE_DATE)


def check_clock(now: Callable[[], datetime] = lambda: datetime.now(UTC),
                released: date | None = None) -> Finding:
    """The clock is not before this version was released, nor absurdly far past it: every
    event, form and signature is dated by it."""
    released = release_date() if released is None else released
    today = now().astimezone(UTC)
    latest = released.replace(year=released.year + LATEST_PLAUSIBLE_YEARS_AFTER_RELEASE)
    shown = f"the clock says {today:%Y-%m-%d %H:%M} UTC"
    if today.date() < released:
        wrong = f"before this version was released ({released})"
    elif today.date() > latest:
        wrong = f"more than {LATEST_PLAUSIBLE_YEARS_AFTER_RELEASE} years after this version" \
                f" was released ({released})"
    else:
        return Finding("clock", shown)
    return Finding("clock", shown, (
        f"The clock is wrong: it says {today:%Y-%m-%d %H:%M} UTC, {wrong}, and every form"
        " and signature would carry that date; set the date and time (sudo date -s"
        " 'YYYY-MM-DD HH:MM', or the system settings) before any interview.",))


def local_time_zone() -> str | None:
    import tzlocal

    try:
        return tzlocal.get_localzone_name()
    except Exception:  # noqa: BLE001 - tzlocal raises several kinds for an unreadable setting
        return None


def check_time_zone(zone: Callable[[], str | None] = local_time_zone) -> Finding:
    """The system names a time zone that Python's time zone database knows: a station
    counts its days in it (a station set up without one counts in UTC)."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    name = zone()
    fix = ("set it (sudo timedatectl set-timezone Asia/Seoul, or without systemd:"
           " sudo ln -sf /usr/share/zoneinfo/Asia/Seoul /etc/localtime), or give the"
           " station its own with init --time-zone")
    if not name:
        return Finding("time zone", "the system's time zone", (
            f"This computer names no time zone, so a station set up here would count its"
            f" days in UTC; {fix}.",))
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return Finding("time zone", f"the system's time zone {name}", (
            f"The system's time zone {name!r} is not in Python's time zone database; {fix}"
            " (on Windows, reinstall the program: it brings the tzdata package).",))
    return Finding("time zone", f"the system's time zone {name}")


# -- all of them ---------------------------------------------------------------------------
def run_checks(data_dir: Path, *, environ: Mapping[str, str] | None = None,
               qt: bool = True) -> list[Finding]:
    """Every check, in the order a person fixes them (``qt`` False leaves Qt's out: the
    desktop app has just said what it found there)."""
    findings = [check_python(), check_c_library()]
    if qt:
        findings.append(check_qt(environ))
    findings += [check_fonts(), check_data_folder(data_dir), check_free_disk(data_dir),
                 check_clock(), check_time_zone()]
    return findings


def problems_besides_qt(data_dir: Path) -> list[str]:
    """The doctor's other problems, for a desktop app that could not start Qt and has said
    why: a person fixing the laptop then learns everything at once."""
    return [problem for finding in run_checks(data_dir, qt=False)
            for problem in finding.problems]
