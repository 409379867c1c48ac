"""Can Qt open a window here? Asked before the QApplication is made.

On Linux under X11, Qt loads its xcb platform plugin when the QApplication is created; if a
library the plugin needs is missing (on a minimal Debian or Ubuntu, libxcb-cursor0 and its
kin), Qt prints a paragraph about plugins and aborts the process: nothing in Python can
catch it. So the GUI entry asks first, and a person reads one sentence naming the missing
libraries and the `apt-get install` line that brings them, instead of the abort.

The checks are plain functions over the environment and `ldd`'s output, with no Qt import
(PySide6 is found through importlib, not imported: its import is what fails on such a
system), so that `screening-app doctor` runs the same ones without starting Qt.
"""

import importlib.util
import os
import re
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

XCB_PLUGIN = Path("platforms") / "libqxcb.so"

# The Debian and Ubuntu package for each library Qt's xcb plugin and its libQt6XcbQpa load
# (directly or through each other). On releases after the 64-bit time_t transition some of
# these are named with a "t64" suffix; apt installs those for the names below.
DEBIAN_PACKAGES = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb-xinerama.so.0": "libxcb-xinerama0",
    "libxcb-xinput.so.0": "libxcb-xinput0",
    "libxcb-glx.so.0": "libxcb-glx0",
    "libxcb.so.1": "libxcb1",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libX11.so.6": "libx11-6",
    "libXau.so.6": "libxau6",
    "libXdmcp.so.6": "libxdmcp6",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libGL.so.1": "libgl1",
    "libGLX.so.0": "libglx0",
    "libOpenGL.so.0": "libopengl0",
    "libEGL.so.1": "libegl1",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libdbus-1.so.3": "libdbus-1-3",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libpng16.so.16": "libpng16-16",
    "libz.so.1": "zlib1g",
    "libzstd.so.1": "libzstd1",
    "libexpat.so.1": "libexpat1",
}

# "libxcb-cursor.so.0 => not found", as ldd prints a library the loader cannot find.
_NOT_FOUND = re.compile(r"^\s*(\S+)\s+=>\s+not found\s*$", re.MULTILINE)


@dataclass(frozen=True)
class LibraryCheck:
    """What ``ldd`` said about some libraries: the names it could not find, or why it could
    not be asked (``missing`` is then empty and means nothing)."""

    missing: tuple[str, ...] = ()
    unknown_because: str | None = None


@dataclass(frozen=True)
class PlatformCheck:
    """Whether Qt can open a window: ``problems`` holds one sentence for each thing that
    stops it (empty when nothing does, or when nothing could be checked)."""

    platform: str | None  # the platform plugin Qt will load, if this module can tell
    missing: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()  # what could not be checked, and why

    @property
    def ok(self) -> bool:
        return not self.problems


class QtPlatformUnavailable(RuntimeError):
    """Qt would abort on creating the QApplication; the message says why in one sentence
    per problem."""


# -- which platform Qt will load ------------------------------------------------------------
def platform_name(environ: Mapping[str, str] | None = None) -> str | None:
    """The platform plugin Qt will try first: ``QT_QPA_PLATFORM``'s first entry (it may be
    "offscreen:configfile=..." or a list such as "wayland;xcb"), else Qt's default on Linux
    (Wayland in a Wayland session, X11 otherwise); None off Linux."""
    environ = os.environ if environ is None else environ
    if not sys.platform.startswith("linux"):
        return None
    chosen = environ.get("QT_QPA_PLATFORM", "").strip()
    if chosen:
        return chosen.split(";")[0].split(":")[0].strip() or None
    if environ.get("XDG_SESSION_TYPE") == "wayland" and environ.get("WAYLAND_DISPLAY"):
        return "wayland"
    return "xcb"


# -- libraries -----------------------------------------------------------------------------
def not_found_in_ldd_output(output: str) -> list[str]:
    """The library names ``ldd`` reported as not found, each once, in the order printed."""
    return list(dict.fromkeys(_NOT_FOUND.findall(output)))


def run_ldd(path: Path, environ: Mapping[str, str] | None = None) -> str:
    """``ldd``'s output for ``path``; FileNotFoundError without ldd."""
    import shutil  # here: a start that works never runs ldd
    import subprocess

    ldd = shutil.which("ldd")
    if ldd is None:
        raise FileNotFoundError("ldd")
    try:
        done = subprocess.run([ldd, str(path)], capture_output=True, text=True, timeout=30,
                              env=None if environ is None else dict(environ))
    except subprocess.SubprocessError as error:  # it did not answer in time
        raise OSError(str(error)) from error
    # ldd exits 1 when a library is missing, and prints the list all the same.
    return done.stdout


def missing_libraries(paths: Iterable[Path], *,
                      ldd: Callable[[Path], str] = run_ldd) -> LibraryCheck:
    """Libraries that ``paths`` need (directly or through each other) and the dynamic
    loader cannot find, by ``ldd``."""
    missing: dict[str, None] = {}
    for path in paths:
        try:
            output = ldd(path)
        except FileNotFoundError:
            return LibraryCheck(unknown_because="ldd is not installed")
        except OSError as error:
            return LibraryCheck(unknown_because=f"ldd failed on {path.name} ({error})")
        missing.update(dict.fromkeys(not_found_in_ldd_output(output)))
    return LibraryCheck(missing=tuple(missing))


def install_command(missing: Iterable[str]) -> str | None:
    """The apt-get line for the libraries whose package is known, or None."""
    packages = dict.fromkeys(DEBIAN_PACKAGES[name] for name in missing
                             if name in DEBIAN_PACKAGES)
    return "sudo apt-get install " + " ".join(packages) if packages else None


def missing_libraries_sentence(missing: tuple[str, ...]) -> str:
    """One sentence: what is missing and the line that installs it."""
    names = ", ".join(missing)
    qt_own = [name for name in missing if name.startswith("libQt6")]
    command = install_command(missing)
    sentence = (f"The desktop app cannot open its window: Qt needs"
                f" {'a library' if len(missing) == 1 else 'libraries'} this system lacks"
                f" ({names})")
    if command:
        sentence += f"; install {'it' if len(missing) == 1 else 'them'} with: {command}"
    if qt_own:
        sentence += "; the Qt libraries come with PySide6: reinstall the program"
    elif not command:
        sentence += "; install the packages that provide them"
    return sentence + "."


# -- the whole check -----------------------------------------------------------------------
def pyside6_dir() -> Path | None:
    """PySide6's folder, found without importing it (its import fails when a library its Qt
    needs is missing)."""
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


# Where Debian's and Ubuntu's own Qt 6 keeps its plugins (a PySide6 from apt uses it).
SYSTEM_PLUGINS = Path("/usr/lib/x86_64-linux-gnu/qt6/plugins")


def plugins_dir(pyside: Path | None = None) -> Path:
    """Qt's plugins: inside the PySide6 wheel, or where a system Qt keeps them (read from
    the layout, not asked of Qt, whose import may be what fails)."""
    pyside = pyside or pyside6_dir()
    if pyside is not None and (pyside / "Qt" / "plugins").is_dir():
        return pyside / "Qt" / "plugins"
    if SYSTEM_PLUGINS.is_dir():
        return SYSTEM_PLUGINS
    # Not found: the check then says the plugin is missing, which is what the user must fix.
    return (pyside or Path("PySide6")) / "Qt" / "plugins"


def qt_libraries(platform: str | None, pyside: Path | None = None) -> list[Path]:
    """What the desktop app loads of Qt and must find its libraries for: PySide6's
    QtWidgets module (its import loads Qt's Core, Gui and Widgets) and, under X11, the xcb
    platform plugin (which loads libQt6XcbQpa)."""
    pyside = pyside or pyside6_dir()
    paths = sorted(pyside.glob("QtWidgets*.so"))[:1] if pyside is not None else []
    if platform == "xcb":
        paths.append(plugins_dir(pyside) / XCB_PLUGIN)
    return paths


def no_display_problem(platform: str | None, environ: Mapping[str, str]) -> str | None:
    """The sentence when X11 or Wayland has no display to open a window on, else None."""
    if platform not in ("xcb", "wayland"):
        return None
    variable = "WAYLAND_DISPLAY" if platform == "wayland" else "DISPLAY"
    if environ.get(variable):
        return None
    return (f"The desktop app cannot open its window: there is no display ({variable} is"
            " not set); start it from a desktop session, or use the command line"
            " (screening-app --help).")


def check_qt_platform(environ: Mapping[str, str] | None = None, *,
                      pyside: Path | None = None,
                      ldd: Callable[[Path], str] = run_ldd,
                      need_display: bool = True) -> PlatformCheck:
    """Everything this module can check, with ldd: for ``screening-app doctor``, and for a
    start whose quick check failed. X11 (xcb) and Wayland need a display; the libraries are
    those of PySide6's widgets and, under X11, of the xcb plugin (the platform that aborts
    on a minimal system)."""
    environ = os.environ if environ is None else environ
    platform = platform_name(environ)
    problems: list[str] = []
    notes: list[str] = []
    paths = qt_libraries(platform, pyside)
    absent = [path for path in paths if not path.is_file()]
    if absent:
        problems.append(f"The desktop app cannot open its window: {absent[0]} is missing;"
                        " reinstall the program.")
    found = missing_libraries([path for path in paths if path.is_file()], ldd=ldd)
    if found.unknown_because:
        notes.append(f"Qt's libraries were not checked: {found.unknown_because}.")
    if found.missing:
        problems.append(missing_libraries_sentence(found.missing))
    no_display = no_display_problem(platform, environ)
    if no_display and need_display:
        problems.append(no_display)
    elif no_display:  # doctor, run from a console: the launcher starts in a desktop session
        variable = "WAYLAND_DISPLAY" if platform == "wayland" else "DISPLAY"
        notes.append(f"There is no display here ({variable} is not set): the desktop app"
                     " opens its window only in a desktop session.")
    return PlatformCheck(platform, found.missing, tuple(problems), tuple(notes))


def quick_check_qt_platform(environ: Mapping[str, str] | None = None, *,
                            pyside: Path | None = None) -> PlatformCheck:
    """The check made at every start: no display, or xcb's plugin does not load. Loading
    the plugin costs nothing extra when it works (Qt loads the same file a moment later)
    and about a millisecond when it does not; only then does ``ldd`` list everything that
    is missing."""
    environ = os.environ if environ is None else environ
    platform = platform_name(environ)
    if platform == "xcb":
        import ctypes  # here: only X11 starts need it

        try:
            ctypes.CDLL(str(plugins_dir(pyside) / XCB_PLUGIN))
        except OSError as error:
            return _after_failed_load(check_qt_platform(environ, pyside=pyside), str(error))
    no_display = no_display_problem(platform, environ)
    return PlatformCheck(platform, problems=(no_display,) if no_display else ())


def _after_failed_load(check: PlatformCheck, loader_message: str) -> PlatformCheck:
    """The full check, or, when ldd could not be asked, the one library the loader's own
    message names ("libxcb-icccm.so.4: cannot open shared object file: ...")."""
    if check.missing or not check.notes:
        return check
    match = re.match(r"^(\S+\.so[.\d]*): cannot open shared object file", loader_message)
    if not match:
        return check
    first = (match.group(1),)
    return PlatformCheck(check.platform, first,
                         (missing_libraries_sentence(first), *check.problems), check.notes)


def import_problem(error: ImportError) -> str | None:
    """The sentence for a failed import of PySide6 when a library Qt needs is missing
    (libEGL, libxkbcommon...), or None for any other failed import."""
    if "cannot open shared object file" not in str(error):
        return None
    check = _after_failed_load(check_qt_platform(), str(error))
    return missing_libraries_sentence(check.missing) if check.missing else None


def require_qt_platform(environ: Mapping[str, str] | None = None) -> None:
    """Raise QtPlatformUnavailable when Qt would abort on creating the QApplication."""
    check = quick_check_qt_platform(environ)
    if not check.ok:
        raise QtPlatformUnavailable("\n".join(check.problems))
