"""tools/make-field-kit and the kit's install script: a kit is built from wheels only and
fails naming the package and platform that has none; the install script checks the kit
against its manifest first and refuses a changed one, then installs with no index.

Most tests build small kits of made-up wheels from a local folder (no network, seconds).
The kit of the real program for Windows and macOS downloads a few gigabytes: that test
runs only where SCREENING_APP_KIT_DOWNLOAD=1 (.ci/run sets it), and is skipped, with the
reason, when the package index cannot be reached.
"""

import base64
import hashlib
import os
import shutil
import subprocess
import sys
import urllib.request
import zipfile
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parent.parent
MAKE_FIELD_KIT = REPOSITORY / "tools" / "make-field-kit"
PYTHON = f"{sys.version_info.major}.{sys.version_info.minor}"
posix_shell = pytest.mark.skipif(shutil.which("sh") is None or os.name != "posix",
                                 reason="the POSIX install script")


def make_wheel(folder: Path, name: str, version: str = "1.0", tag: str = "py3-none-any",
               requires: tuple[str, ...] = ()) -> Path:
    """A real, installable wheel of one empty module."""
    module = name.replace("-", "_")
    info = f"{module}-{version}.dist-info"
    files = {
        f"{module}/__init__.py": b"",
        f"{info}/METADATA": ("Metadata-Version: 2.1\n"
                             f"Name: {name}\nVersion: {version}\n"
                             + "".join(f"Requires-Dist: {r}\n" for r in requires)).encode(),
        f"{info}/WHEEL": (f"Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\n"
                          f"Tag: {tag}\n").encode(),
    }
    record = "".join(
        f"{path},sha256={base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b'=').decode()},{len(data)}\n"
        for path, data in files.items()) + f"{info}/RECORD,,\n"
    path = folder / f"{module}-{version}-{tag}.whl"
    with zipfile.ZipFile(path, "w") as archive:
        for member, data in files.items():
            archive.writestr(member, data)
        archive.writestr(f"{info}/RECORD", record)
    return path


def make_kit(tmp_path: Path, project: Path, wheelhouse: Path, platforms: str,
             out: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(MAKE_FIELD_KIT), "--out", str(out or tmp_path / "kit"),
         "--platforms", platforms, "--pythons", PYTHON, "--project-wheel", str(project),
         "--no-index", "--find-links", str(wheelhouse)],
        capture_output=True, text=True, timeout=300)


@pytest.fixture
def wheelhouse(tmp_path) -> Path:
    folder = tmp_path / "wheelhouse"
    folder.mkdir()
    return folder


@pytest.fixture
def small_kit(tmp_path, wheelhouse) -> Path:
    """A Linux kit of a made-up program 'fieldapp' and its one dependency."""
    project = make_wheel(tmp_path, "fieldapp", requires=("fieldlib>=1",))
    make_wheel(wheelhouse, "fieldlib", "1.2")
    done = make_kit(tmp_path, project, wheelhouse, "linux-x86_64")
    assert done.returncode == 0, done.stderr
    return tmp_path / "kit"


def read_manifest(kit: Path) -> dict[str, str]:
    lines = (kit / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    return {line.split("  ", 1)[1]: line.split("  ", 1)[0] for line in lines}


def assert_manifest_matches(kit: Path) -> None:
    listed = read_manifest(kit)
    files = {p.relative_to(kit).as_posix() for p in kit.rglob("*")
             if p.is_file() and p.name != "SHA256SUMS"}
    assert set(listed) == files
    for name, digest in listed.items():
        assert hashlib.sha256((kit / name).read_bytes()).hexdigest() == digest, name


# -- building ------------------------------------------------------------------------------
def test_a_kit_holds_the_wheels_the_scripts_the_guide_and_a_manifest_of_them(small_kit):
    assert sorted(p.name for p in (small_kit / "wheels").iterdir()) == [
        "fieldapp-1.0-py3-none-any.whl", "fieldlib-1.2-py3-none-any.whl"]
    assert {"install.sh", "install.ps1", "FIELD-GUIDE.md"} <= {p.name for p in small_kit.iterdir()}
    assert_manifest_matches(small_kit)
    guide = (small_kit / "FIELD-GUIDE.md").read_text(encoding="utf-8")
    assert f"on Python {PYTHON}" in guide and "@" not in guide.replace("`", "")
    assert "doctor" in guide
    # Enrolment in one exchange: the request, headquarters' answer, the kit installed.
    assert all(step in guide for step in ("--enrol-to request.json", "hq enrol request.json",
                                          "enrol kit.json"))


def test_a_platform_without_a_wheel_fails_naming_the_package_and_the_platform(
        tmp_path, wheelhouse):
    project = make_wheel(tmp_path, "fieldapp", requires=("fieldlib>=1",))
    # fieldlib is built for Linux only, as a package with C code and no Windows wheel is.
    make_wheel(wheelhouse, "fieldlib", "1.2", tag="py3-none-manylinux_2_17_x86_64")

    done = make_kit(tmp_path, project, wheelhouse, "linux-x86_64,windows-amd64")

    assert done.returncode == 1
    assert done.stderr == (
        f"make-field-kit: fieldlib has no wheel for windows-amd64 on Python {PYTHON} (pip"
        " found none matching fieldlib>=1); the kit cannot be built for that platform (leave"
        " it out with --platforms).\n")
    assert not (tmp_path / "kit").exists()  # nothing that looks like a kit is left
    assert not (tmp_path / "kit.partial").exists()


def test_a_failed_build_leaves_the_last_good_kit_alone(tmp_path, wheelhouse, small_kit):
    before = read_manifest(small_kit)
    project = make_wheel(tmp_path, "fieldapp", requires=("absent-lib",))

    done = make_kit(tmp_path, project, wheelhouse, "linux-x86_64")

    assert done.returncode == 1
    assert "absent-lib has no wheel for linux-x86_64" in done.stderr
    assert read_manifest(small_kit) == before


def test_a_dependency_only_windows_needs_is_in_the_windows_kit_only(tmp_path, wheelhouse):
    # pip evaluates markers for the machine it runs on; the kit reads them for the target.
    project = make_wheel(tmp_path, "fieldapp", requires=("fieldtz; sys_platform == 'win32'",))
    make_wheel(wheelhouse, "fieldtz", "2024.1")

    windows = make_kit(tmp_path, project, wheelhouse, "windows-amd64", tmp_path / "win")
    linux = make_kit(tmp_path, project, wheelhouse, "linux-x86_64", tmp_path / "linux")

    assert windows.returncode == 0 and linux.returncode == 0, windows.stderr + linux.stderr
    assert (tmp_path / "win" / "wheels" / "fieldtz-2024.1-py3-none-any.whl").is_file()
    assert not (tmp_path / "linux" / "wheels" / "fieldtz-2024.1-py3-none-any.whl").exists()


def test_an_unknown_platform_is_refused():
    done = subprocess.run([sys.executable, str(MAKE_FIELD_KIT), "--platforms", "amiga"],
                          capture_output=True, text=True)

    assert done.returncode == 2
    assert "unknown platform amiga; choose from linux-x86_64, windows-amd64, macos-arm64," \
           " macos-x86_64" in done.stderr


# -- installing ----------------------------------------------------------------------------
def install(kit: Path, home: Path, *arguments: str) -> subprocess.CompletedProcess:
    environ = {**os.environ, "HOME": str(home), "XDG_DATA_HOME": str(home / "share")}
    return subprocess.run(["sh", str(kit / "install.sh"), *arguments], capture_output=True,
                          text=True, env=environ, timeout=300)


@posix_shell
def test_the_install_script_installs_from_the_kit_alone_and_adds_a_launcher(
        tmp_path, small_kit):
    done = install(small_kit, tmp_path / "home", str(tmp_path / "program"))

    assert done.returncode == 0, done.stderr
    assert "install: the kit is whole (5 files checked)." in done.stdout
    listed = subprocess.run([str(tmp_path / "program" / "bin" / "python"), "-m", "pip", "list",
                             "--format=freeze"], capture_output=True, text=True).stdout
    assert "fieldapp==1.0" in listed and "fieldlib==1.2" in listed
    launcher = tmp_path / "home" / "share" / "applications" / "fieldapp.desktop"
    assert f'Exec="{tmp_path / "program" / "bin" / "fieldapp"}"' in launcher.read_text()


@posix_shell
def test_the_install_script_refuses_a_kit_with_a_changed_file(tmp_path, small_kit):
    wheel = small_kit / "wheels" / "fieldlib-1.2-py3-none-any.whl"
    wheel.write_bytes(wheel.read_bytes() + b"\0")

    done = install(small_kit, tmp_path / "home", str(tmp_path / "program"))

    assert done.returncode == 1
    assert done.stderr == (
        "install: the kit has been changed or damaged: wheels/fieldlib-1.2-py3-none-any.whl"
        " does not match its checksum in SHA256SUMS; copy the kit again from headquarters.\n")
    assert not (tmp_path / "program").exists()


@posix_shell
def test_the_install_script_refuses_a_file_added_to_the_kit(tmp_path, small_kit, wheelhouse):
    # A wheel slipped in beside the others would be installed if it looked newer.
    shutil.copy(make_wheel(wheelhouse, "fieldlib", "9.9"), small_kit / "wheels")

    done = install(small_kit, tmp_path / "home", str(tmp_path / "program"))

    assert done.returncode == 1
    assert done.stderr == (
        "install: the kit holds a file that is not in SHA256SUMS"
        " (wheels/fieldlib-9.9-py3-none-any.whl); copy the kit again from headquarters.\n")
    assert not (tmp_path / "program").exists()


# -- the real program, downloaded for Windows and macOS --------------------------------------
def index_unreachable() -> str | None:
    index = os.environ.get("PIP_INDEX_URL", "https://pypi.org/simple").rstrip("/")
    try:
        urllib.request.urlopen(f"{index}/pip/", timeout=15).close()
    except OSError as error:
        return f"the package index {index} cannot be reached ({error})"
    return None


@pytest.mark.skipif(os.environ.get("SCREENING_APP_KIT_DOWNLOAD") != "1",
                    reason="downloads the Windows and macOS wheels (a few GB): set"
                           " SCREENING_APP_KIT_DOWNLOAD=1, as .ci/run does")
@pytest.mark.slow
def test_the_windows_and_macos_kits_are_built_and_their_manifests_hold(tmp_path):
    reason = index_unreachable()
    if reason:
        pytest.skip(reason)
    kit = tmp_path / "kit"

    done = subprocess.run(
        [sys.executable, str(MAKE_FIELD_KIT), "--out", str(kit), "--pythons", PYTHON,
         "--platforms", "windows-amd64,macos-arm64,macos-x86_64"],
        capture_output=True, text=True, timeout=3000)

    assert done.returncode == 0, done.stderr
    assert_manifest_matches(kit)
    wheels = [p.name for p in (kit / "wheels").iterdir()]
    # Qt for both Macs is one universal2 wheel; libpq's binding has one per processor.
    for prefix, suffix in [("pyside6_essentials", "win_amd64.whl"),
                           ("pyside6_essentials", "universal2.whl"),
                           ("psycopg_binary", "win_amd64.whl"),
                           ("psycopg_binary", "_arm64.whl"), ("psycopg_binary", "_x86_64.whl")]:
        assert any(name.startswith(prefix) and name.endswith(suffix) for name in wheels), \
            (prefix, suffix)
    # Windows has no system time zone database: its marker-only dependency is in the kit.
    assert any(name.startswith("tzdata-") for name in wheels)
    assert not any("manylinux" in name for name in wheels)
