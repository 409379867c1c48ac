"""Before Qt opens a window: missing system libraries and a missing display are said in one
sentence with the line that fixes them, instead of Qt's abort."""

import os
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from screening_app.doctor import qt_platform
from screening_app.doctor.qt_platform import (
    PlatformCheck,
    check_qt_platform,
    missing_libraries,
    platform_name,
    quick_check_qt_platform,
)
from screening_app.ui import app as ui_app
from tests.conftest import cli

# What ldd prints for Qt's xcb plugin on a minimal Debian (cut short).
LDD_HEADER = """\
\tlinux-vdso.so.1 (0x00007ffd5a5f2000)
\tlibQt6XcbQpa.so.6 => /opt/PySide6/Qt/plugins/platforms/../../lib/libQt6XcbQpa.so.6 (0x00007f1)
\tlibQt6Gui.so.6 => /opt/PySide6/Qt/plugins/platforms/../../lib/libQt6Gui.so.6 (0x00007f2)
\tlibxkbcommon.so.0 => /lib/x86_64-linux-gnu/libxkbcommon.so.0 (0x00007f3)
"""
LDD_FOOTER = """\
\tlibxcb-randr.so.0 => /lib/x86_64-linux-gnu/libxcb-randr.so.0 (0x00007f5)
\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f6)
\t/lib64/ld-linux-x86-64.so.2 (0x00007f7)
"""
X11 = {"DISPLAY": ":0"}


def ldd_saying(*not_found: str):
    """A stand-in for ldd that reports ``not_found`` missing (each twice, as ldd does when
    both the plugin and libQt6XcbQpa need it)."""
    lines = "".join(f"\t{name} => not found\n" for name in not_found)

    def ldd(path: Path) -> str:
        return LDD_HEADER + lines + LDD_FOOTER + lines
    return ldd


def no_ldd(path: Path) -> str:
    raise FileNotFoundError("ldd")


# -- the sentence ------------------------------------------------------------------------
def test_one_missing_library_is_named_with_its_package(pyside):
    check = check_qt_platform(X11, pyside=pyside, ldd=ldd_saying("libxcb-cursor.so.0"))

    assert check.missing == ("libxcb-cursor.so.0",)
    assert check.problems == (
        "The desktop app cannot open its window: Qt needs a library this system lacks"
        " (libxcb-cursor.so.0); install it with: sudo apt-get install libxcb-cursor0.",)


def test_several_missing_libraries_make_one_sentence_and_one_install_line(pyside):
    check = check_qt_platform(X11, pyside=pyside, ldd=ldd_saying(
        "libxcb-cursor.so.0", "libxkbcommon-x11.so.0", "libxcb-icccm.so.4",
        "libxcb-keysyms.so.1"))

    assert check.missing == ("libxcb-cursor.so.0", "libxkbcommon-x11.so.0",
                             "libxcb-icccm.so.4", "libxcb-keysyms.so.1")
    [sentence] = check.problems
    assert ". " not in sentence  # one sentence
    assert sentence.endswith("install them with: sudo apt-get install libxcb-cursor0"
                             " libxkbcommon-x11-0 libxcb-icccm4 libxcb-keysyms1.")


def test_libraries_of_one_package_ask_for_it_once(pyside):
    check = check_qt_platform(X11, pyside=pyside, ldd=ldd_saying(
        "libglib-2.0.so.0", "libgthread-2.0.so.0"))

    assert check.problems[0].endswith("sudo apt-get install libglib2.0-0.")


def test_a_library_of_unknown_package_is_named_without_a_guess(pyside):
    check = check_qt_platform(X11, pyside=pyside, ldd=ldd_saying(
        "libxcb-cursor.so.0", "libunheard-of.so.3"))

    assert "(libxcb-cursor.so.0, libunheard-of.so.3)" in check.problems[0]
    assert check.problems[0].endswith("sudo apt-get install libxcb-cursor0.")


def test_nothing_missing_means_nothing_said(pyside):
    check = check_qt_platform(X11, pyside=pyside, ldd=ldd_saying())

    assert check == PlatformCheck("xcb")
    assert check.ok


def test_without_ldd_nothing_is_claimed_and_the_note_says_why(pyside):
    check = check_qt_platform(X11, pyside=pyside, ldd=no_ldd)

    assert check.ok
    assert check.missing == ()
    assert check.notes == ("Qt's libraries were not checked: ldd is not installed.",)


def test_the_loader_message_gives_the_missing_library_when_ldd_cannot():
    check = qt_platform._after_failed_load(
        PlatformCheck("xcb", notes=("Qt's libraries were not checked: ldd is not installed.",)),
        "libxcb-icccm.so.4: cannot open shared object file: No such file or directory")

    assert check.missing == ("libxcb-icccm.so.4",)
    assert check.problems[0].endswith("sudo apt-get install libxcb-icccm4.")


def test_no_display_is_one_sentence(pyside):
    check = check_qt_platform({}, pyside=pyside, ldd=ldd_saying())

    assert check.problems == (
        "The desktop app cannot open its window: there is no display (DISPLAY is not set);"
        " start it from a desktop session, or use the command line (screening-app --help).",)


def test_a_failed_import_of_qt_names_the_missing_library(monkeypatch):
    monkeypatch.setattr(qt_platform, "check_qt_platform",
                        lambda: PlatformCheck("xcb", ("libEGL.so.1",)))

    sentence = qt_platform.import_problem(
        ImportError("libEGL.so.1: cannot open shared object file: No such file or directory"))

    assert sentence.endswith("install it with: sudo apt-get install libegl1.")
    assert qt_platform.import_problem(ImportError("No module named 'PySide6'")) is None


# -- which platform is checked -------------------------------------------------------------
@pytest.mark.parametrize(("environ", "platform"), [
    ({}, "xcb"),
    ({"QT_QPA_PLATFORM": "xcb"}, "xcb"),
    ({"QT_QPA_PLATFORM": "offscreen:configfile=/tmp/screen.json"}, "offscreen"),
    ({"QT_QPA_PLATFORM": "wayland;xcb"}, "wayland"),
    ({"XDG_SESSION_TYPE": "wayland", "WAYLAND_DISPLAY": "wayland-0"}, "wayland"),
    ({"XDG_SESSION_TYPE": "x11", "DISPLAY": ":0"}, "xcb"),
])
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Qt's platforms on Linux")
def test_platform_qt_will_load(environ, platform):
    assert platform_name(environ) == platform


def test_offscreen_needs_no_display_and_no_x11_plugin(pyside):
    asked = []

    def ldd(path):
        asked.append(path.name)
        return LDD_HEADER

    environ = {"QT_QPA_PLATFORM": "offscreen"}
    assert check_qt_platform(environ, pyside=pyside, ldd=ldd).ok
    assert asked == ["QtWidgets.abi3.so"]  # what every platform loads
    assert quick_check_qt_platform(environ, pyside=pyside).ok


# -- the program ---------------------------------------------------------------------------
def _qt_cannot_start(monkeypatch) -> str:
    """A start where Qt's platform lacks a library; returns the sentence that says so."""
    sentence = qt_platform.missing_libraries_sentence(("libxcb-cursor.so.0",))
    monkeypatch.setattr(qt_platform, "quick_check_qt_platform",
                        lambda environ=None: PlatformCheck("xcb", ("libxcb-cursor.so.0",),
                                                           (sentence,)))
    # As at a real start: no QApplication yet (the test session's is set aside).
    monkeypatch.setattr(ui_app.QApplication, "instance", staticmethod(lambda: None))
    return sentence


def test_the_program_prints_the_sentence_and_exits_2_instead_of_aborting(
        capsys, monkeypatch, tmp_path):
    sentence = _qt_cannot_start(monkeypatch)

    code, out, err = cli(capsys, monkeypatch, "--data-dir", tmp_path / "station")

    assert code == 2
    assert err == f"screening-app: {sentence}\n"
    assert out == ""


def test_the_program_that_cannot_start_qt_also_prints_the_doctors_other_problems(
        capsys, monkeypatch, tmp_path):
    from datetime import UTC, datetime

    from screening_app.doctor import checks

    sentence = _qt_cannot_start(monkeypatch)
    wrong_clock = checks.check_clock(lambda: datetime(2001, 1, 1, tzinfo=UTC))
    monkeypatch.setattr(checks, "check_clock", lambda: wrong_clock)

    code, out, err = cli(capsys, monkeypatch, "--data-dir", tmp_path / "station")

    assert code == 2
    assert err.splitlines()[0] == f"screening-app: {sentence}"
    assert err.splitlines()[1].startswith("screening-app: The clock is wrong: it says"
                                          " 2001-01-01 00:00 UTC, before this version was"
                                          " released")
    assert len(err.splitlines()) == 2


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11 on Linux")
def test_a_real_start_without_a_display_says_so_instead_of_aborting(tmp_path):
    environ = {key: value for key, value in os.environ.items()
               if key not in ("DISPLAY", "WAYLAND_DISPLAY", "XDG_SESSION_TYPE")}
    environ["QT_QPA_PLATFORM"] = "xcb"
    done = subprocess.run(
        [sys.executable, "-c", "from screening_app.cli import main; main()",
         "--data-dir", str(tmp_path / "station")],
        capture_output=True, text=True, env=environ, timeout=120)

    assert done.returncode == 2, done.stderr  # Qt's abort would be -6 (SIGABRT)
    assert "there is no display (DISPLAY is not set)" in done.stderr
    assert all(line.startswith("screening-app: The desktop app cannot open its window:")
               for line in done.stderr.splitlines())


# -- a real library hidden from the real loader ----------------------------------------------
DT_FLAGS_1, DF_1_NODEFLIB = 0x6FFFFFFB, 0x800


def ignore_system_library_folders(path: Path) -> None:
    """Mark an ELF library so that the loader finds what it needs only on its RUNPATH and
    LD_LIBRARY_PATH, never in /lib or /usr/lib (as linking with -z nodefaultlib does): the
    flag is set in place in the DT_FLAGS_1 entry that Qt's libraries already have."""
    data = bytearray(path.read_bytes())
    assert data[:6] == b"\x7fELF\x02\x01", "a 64-bit little-endian ELF file"
    header_at, = struct.unpack_from("<Q", data, 0x20)
    header_size, headers = struct.unpack_from("<HH", data, 0x36)
    for i in range(headers):
        kind, _, offset, _, _, size = struct.unpack_from("<IIQQQQ", data, header_at
                                                         + i * header_size)
        if kind == 2:  # PT_DYNAMIC
            for at in range(offset, offset + size, 16):
                tag, value = struct.unpack_from("<qQ", data, at)
                if tag == DT_FLAGS_1:
                    struct.pack_into("<qQ", data, at, tag, value | DF_1_NODEFLIB)
                    path.write_bytes(data)
                    return
    pytest.skip(f"{path.name} has no DT_FLAGS_1 entry to mark")


def resolved_by_ldd(path: Path) -> dict[str, str | None]:
    """Each library ldd lists for ``path``: where it was found, or None."""
    found: dict[str, str | None] = {}
    for line in subprocess.run(["ldd", str(path)], capture_output=True,
                               text=True).stdout.splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[1] == "=>":
            found[parts[0]] = None if parts[2] == "not" else parts[2]
    return found


def hide_one_xcb_library(tmp_path: Path) -> tuple[Path, str, dict[str, str]]:
    """A copy of PySide6's X11 plugin and libQt6XcbQpa that look for system libraries only
    in a folder given as LD_LIBRARY_PATH, which holds every one they need but one: (the
    copy's PySide6 folder, the library hidden, the environment that hides it). Skips where
    PySide6 is not laid out as its wheel installs it."""
    real = qt_platform.pyside6_dir()
    real_plugin = real / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    real_qpa = real / "Qt" / "lib" / "libQt6XcbQpa.so.6"
    if not (real_plugin.is_file() and real_qpa.is_file()):
        pytest.skip("PySide6 is not laid out as its wheel installs it")
    copy = tmp_path / "PySide6"
    (copy / "Qt" / "plugins" / "platforms").mkdir(parents=True)
    (copy / "Qt" / "lib").mkdir()
    shutil.copy(real_plugin, copy / "Qt" / "plugins" / "platforms")
    shutil.copy(real_qpa, copy / "Qt" / "lib")
    for library in (real / "Qt" / "lib").iterdir():
        if not (copy / "Qt" / "lib" / library.name).exists():
            (copy / "Qt" / "lib" / library.name).symlink_to(library)
    ignore_system_library_folders(copy / "Qt" / "plugins" / "platforms" / "libqxcb.so")
    ignore_system_library_folders(copy / "Qt" / "lib" / "libQt6XcbQpa.so.6")

    on_this_machine = resolved_by_ldd(real_plugin)
    hidden = next((name for name in ("libxcb-cursor.so.0", "libxkbcommon-x11.so.0",
                                     *qt_platform.DEBIAN_PACKAGES)
                   if on_this_machine.get(name)), None)
    if hidden is None:
        pytest.skip("none of the libraries Qt's X11 plugin needs is installed")
    system = tmp_path / "system-libraries"
    system.mkdir()
    for name, where in on_this_machine.items():
        if where and name != hidden and "/PySide6/" not in where:
            (system / name).symlink_to(where)
    return copy, hidden, {"LD_LIBRARY_PATH": str(system)}


@pytest.mark.skipif(not sys.platform.startswith("linux") or shutil.which("ldd") is None,
                    reason="the Linux loader and ldd")
def test_a_library_hidden_from_the_loader_is_found_missing(tmp_path):
    copy, hidden, environ = hide_one_xcb_library(tmp_path)
    real_plugin = qt_platform.pyside6_dir() / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    already_missing = [name for name, where in resolved_by_ldd(real_plugin).items()
                       if where is None]

    check = check_qt_platform(
        X11, pyside=copy,
        ldd=lambda path: qt_platform.run_ldd(path, {**os.environ, **environ}))

    assert hidden in check.missing
    assert set(check.missing) == {hidden, *already_missing}
    assert qt_platform.DEBIAN_PACKAGES[hidden] in check.problems[0]


def test_missing_libraries_reads_every_path_and_reports_each_name_once():
    outputs = {Path("a.so"): "\tlibx.so.1 => not found\n",
               Path("b.so"): "\tlibx.so.1 => not found\n\tliby.so.2 => not found\n"}

    found = missing_libraries(outputs, ldd=outputs.__getitem__)

    assert found.missing == ("libx.so.1", "liby.so.2")
