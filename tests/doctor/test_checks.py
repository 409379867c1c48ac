"""`screening-app doctor`: each thing a laptop can lack is named in one line with its fix,
and a laptop that lacks nothing is told what was checked (exit 0)."""

import json
import os
import shutil
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest

from screening_app.doctor import checks
from screening_app.doctor.checks import (
    check_clock,
    check_data_folder,
    check_fonts,
    check_free_disk,
    check_python,
    check_qt,
    check_time_zone,
    python_satisfies,
)
from tests.conftest import cli
from tests.doctor.test_qt_platform import LDD_FOOTER, LDD_HEADER, X11

RELEASED = date(2026, 12, 4)


def at(text: str):
    return lambda: datetime.fromisoformat(text).replace(tzinfo=UTC)


# -- Python --------------------------------------------------------------------------------
@pytest.mark.parametrize(("version", "specifier", "ok"), [
    ((3, 11, 7), ">=3.11", True),
    ((3, 13, 0), ">=3.11", True),
    ((3, 10, 12), ">=3.11", False),
    ((3, 14, 0), ">=3.11,<3.14", False),
    ((3, 12, 1), ">=3.11, <3.14", True),
])
def test_python_against_requires_python(version, specifier, ok):
    assert python_satisfies(version, specifier) is ok


def test_an_old_python_is_named_with_what_the_program_needs():
    finding = check_python((3, 10, 12), ">=3.11")

    assert finding.problems == (
        "Python 3.10.12 is not one the program supports (>=3.11); install a supported"
        " Python and install the program again with it (the field kit's install script"
        " says which).",)


def test_this_python_is_supported_by_the_installed_program():
    assert check_python().ok, check_python()


# -- Qt ------------------------------------------------------------------------------------
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Qt's X11 plugin on Linux")
def test_a_missing_xcb_library_is_one_problem_with_the_apt_line(pyside):
    def ldd(path):
        return LDD_HEADER + "\tlibxcb-cursor.so.0 => not found\n" + LDD_FOOTER

    finding = check_qt(X11, pyside=pyside, ldd=ldd)

    assert finding.problems == (
        "The desktop app cannot open its window: Qt needs a library this system lacks"
        " (libxcb-cursor.so.0); install it with: sudo apt-get install libxcb-cursor0.",)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Qt's X11 plugin on Linux")
def test_doctor_from_a_console_notes_the_missing_display_without_failing(pyside):
    finding = check_qt({"QT_QPA_PLATFORM": "xcb"}, pyside=pyside, ldd=lambda p: LDD_HEADER)

    assert finding.ok
    assert finding.notes == ("There is no display here (DISPLAY is not set): the desktop app"
                             " opens its window only in a desktop session.",)


def test_pyside6_not_installed_is_a_problem(monkeypatch):
    monkeypatch.setattr(checks.qt_platform, "pyside6_dir", lambda: None)

    assert check_qt(X11).problems == ("PySide6 is not installed; install the program again"
                                      " (from the field kit or with pip).",)


# -- fonts, data folder, disk -------------------------------------------------------------
def test_a_missing_font_file_is_named(tmp_path):
    finding = check_fonts(tmp_path)

    assert finding.problems == (
        f"The bundled font {tmp_path / 'wqy-microhei.ttc'} is missing or empty, so forms"
        " cannot be printed in Korean or Chinese; install the program again.",)


def test_the_bundled_font_is_there():
    assert check_fonts().ok


def test_a_data_folder_that_does_not_exist_yet_is_fine_where_it_can_be_made(tmp_path):
    finding = check_data_folder(tmp_path / "a" / "station")

    assert finding.ok
    assert finding.checked == f"{tmp_path / 'a' / 'station'} (to be made in {tmp_path}) is writable"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="file permissions, which bind everyone but root")
def test_a_data_folder_without_write_permission_is_named(tmp_path):
    station = tmp_path / "station"
    station.mkdir(mode=0o500)
    try:
        finding = check_data_folder(station)
    finally:
        station.chmod(0o700)

    assert finding.problems == (
        f"The data folder {station} is not writable (Permission denied in {station}); give"
        f" its owner write permission (sudo chown -R $USER {station}) or choose another"
        " folder with --data-dir.",)


@pytest.mark.skipif(not os.path.isdir("/sys"), reason="Linux's /sys")
def test_a_data_folder_on_a_read_only_file_system_is_named():
    # /sys takes no new file, not even from root (whom permissions do not stop).
    finding = check_data_folder(Path("/sys/screening-app"))

    assert finding.problems[0].startswith("The data folder /sys/screening-app is not writable")
    assert finding.problems[0].endswith("or choose another folder with --data-dir.")


def test_a_data_folder_under_a_file_is_named(tmp_path):
    (tmp_path / "notes").write_text("x")

    finding = check_data_folder(tmp_path / "notes" / "station")

    assert finding.problems == (
        f"The data folder {tmp_path / 'notes' / 'station'} cannot be made: {tmp_path / 'notes'}"
        " is a file; move it away or give another folder with --data-dir.",)


def test_too_little_free_disk_is_named_with_the_threshold(tmp_path):
    finding = check_free_disk(tmp_path,
                              disk_usage=lambda path: SimpleNamespace(free=300 * 1024**2))

    assert finding.problems == (
        f"Only 300 MB is free on the disk of {tmp_path}, less than the 1024 MB a day of"
        " forms, a backup and a sync bundle need; free some space (or move the data folder"
        " to a larger disk with --data-dir).",)
    assert check_free_disk(tmp_path, disk_usage=lambda path: SimpleNamespace(
        free=2 * 1024**3)).ok


# -- time ----------------------------------------------------------------------------------
def test_a_clock_before_the_release_is_wrong():
    finding = check_clock(at("2024-01-01T08:00"), released=RELEASED)

    assert finding.problems == (
        "The clock is wrong: it says 2024-01-01 08:00 UTC, before this version was released"
        " (2026-12-04), and every form and signature would carry that date; set the date and"
        " time (sudo date -s 'YYYY-MM-DD HH:MM', or the system settings) before any"
        " interview.",)


def test_a_clock_decades_ahead_is_wrong():
    finding = check_clock(at("2061-03-01T08:00"), released=RELEASED)

    assert "more than 10 years after this version was released (2026-12-04)" in \
        finding.problems[0]


def test_a_clock_after_the_release_is_right():
    assert check_clock(at("2027-06-01T08:00"), released=RELEASED).ok
    assert check_clock(released=checks.release_date()).ok  # this machine's


def test_no_time_zone_is_named_with_the_fix():
    finding = check_time_zone(lambda: None)

    assert finding.problems[0].startswith(
        "This computer names no time zone, so a station set up here would count its days in"
        " UTC; set it (sudo timedatectl set-timezone Asia/Seoul")


def test_an_unknown_time_zone_is_named():
    finding = check_time_zone(lambda: "Mars/Olympus_Mons")

    assert finding.problems[0].startswith("The system's time zone 'Mars/Olympus_Mons' is not"
                                          " in Python's time zone database;")
    assert check_time_zone(lambda: "Asia/Seoul").ok


# -- the command ---------------------------------------------------------------------------
def test_doctor_on_a_laptop_with_everything_prints_what_it_checked(capsys, monkeypatch,
                                                                   tmp_path):
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")

    code, out, err = cli(capsys, monkeypatch, "--data-dir", tmp_path / "station", "doctor")

    assert code == 0, out
    names = [line.split(":")[0] for line in out.splitlines()[:-1]]
    assert names == ["ok   python", "ok   libc", "ok   qt", "ok   fonts", "ok   data folder",
                     "ok   free disk", "ok   clock", "ok   time zone"]
    assert out.splitlines()[-1] == "All is well: this laptop has what the program needs."


def test_doctor_prints_one_line_per_problem_and_exits_3(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    wrong_clock = check_clock(at("2001-01-01T00:00"))
    monkeypatch.setattr(checks, "check_clock", lambda: wrong_clock)
    (tmp_path / "notes").write_text("x")

    code, out, err = cli(capsys, monkeypatch, "--data-dir", tmp_path / "notes" / "station",
                         "doctor")

    assert code == 3
    fixes = [line for line in out.splitlines() if line.startswith("FIX")]
    assert [line.split(":")[0] for line in fixes] == ["FIX  data folder", "FIX  clock"]
    assert "All is well" not in out


def test_doctor_json(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")

    code, out, err = cli(capsys, monkeypatch, "--data-dir", tmp_path, "doctor", "--json")

    findings = json.loads(out)
    assert code == 0
    assert [f["name"] for f in findings] == ["python", "libc", "qt", "fonts", "data folder",
                                              "free disk", "clock", "time zone"]
    assert all(f["ok"] and f["problems"] == [] for f in findings)


@pytest.mark.skipif(not sys.platform.startswith("linux") or shutil.which("ldd") is None,
                    reason="the Linux loader and ldd")
def test_doctor_with_a_library_hidden_from_the_loader_names_it_and_the_apt_line(
        capsys, monkeypatch, tmp_path):
    """The acceptance's test: the real plugin, a real ldd, and a library path that holds
    every library the plugin needs but one."""
    from tests.doctor.test_qt_platform import hide_one_xcb_library

    copy, hidden, environ = hide_one_xcb_library(tmp_path)
    package = checks.qt_platform.DEBIAN_PACKAGES[hidden]
    monkeypatch.setattr(checks.qt_platform, "pyside6_dir", lambda: copy)
    for name, value in {**environ, "QT_QPA_PLATFORM": "xcb", "DISPLAY": ":0"}.items():
        monkeypatch.setenv(name, value)

    code, out, err = cli(capsys, monkeypatch, "--data-dir", tmp_path / "station", "doctor")

    assert code == 3
    [qt_line] = [line for line in out.splitlines() if line.startswith("FIX  qt:")]
    assert hidden in qt_line
    assert package in qt_line.split("install it with: sudo apt-get install ")[-1].split(
        "install them with: sudo apt-get install ")[-1].rstrip(".").split()


def test_an_old_glibc_is_named_with_the_release_to_install():
    old = checks.check_c_library(lambda: ("glibc", "2.31"), "linux")
    assert old.problems == ("glibc 2.31 is older than the 2.34 the program's Qt needs;"
                            " install the program on Debian 12, Ubuntu 22.04 or a later"
                            " release.",)
    assert checks.check_c_library(lambda: ("glibc", "2.36"), "linux").ok
    other = checks.check_c_library(lambda: ("", ""), "linux")
    assert other.ok and "not glibc" in other.notes[0]
    assert checks.check_c_library(lambda: ("", ""), "win32").ok
