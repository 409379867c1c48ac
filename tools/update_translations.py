"""Bring the interface's translations up to date: collect every tr()/translate() string of
screening_app/ui into resources/translations/screening_app_<lang>.ts (pyside6-lupdate keeps
the translations already made and marks new strings unfinished), then compile each .ts
into the .qm the app loads (pyside6-lrelease).

    python tools/update_translations.py            # lupdate, then lrelease
    python tools/update_translations.py --release  # lrelease only (after translating)

Translate the unfinished messages in the .ts files with Qt Linguist (pyside6-linguist) or
any editor, then run it again; tests/test_translations.py fails while any is unfinished.
"""

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "screening_app" / "ui"
TRANSLATIONS = ROOT / "resources" / "translations"
CATALOGUE = "screening_app"
LANGUAGES = ("ko", "zh")
# The .ts header's language: Korean, and simplified Chinese as written in mainland China.
TS_LOCALES = {"ko": "ko_KR", "zh": "zh_CN"}


def tool(name: str) -> str:
    """pyside6-lupdate / pyside6-lrelease: beside this Python first (a venv), else on PATH."""
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    if found is None:
        raise SystemExit(f"{name} not found: install PySide6 (pip install -e .)")
    return found


def source_files() -> list[str]:
    return sorted(str(path.relative_to(ROOT)) for path in SOURCES.glob("*.py"))


def ts_path(language: str) -> Path:
    return TRANSLATIONS / f"{CATALOGUE}_{language}.ts"


def lupdate(ts: Path, *, keep_obsolete: bool = False) -> None:
    """Collect the sources' strings into ``ts`` (made if missing). Locations are kept
    relative and without line numbers, so a change elsewhere in a file does not touch every
    translation file."""
    command = [tool("pyside6-lupdate"), *source_files(), "-locations", "none",
               "-target-language", TS_LOCALES.get(ts.stem.rsplit("_", 1)[-1], "en"),
               "-ts", str(ts)]
    if not keep_obsolete:
        command.insert(-2, "-no-obsolete")
    subprocess.run(command, check=True, cwd=ROOT)


def lrelease(ts: Path, qm: Path) -> None:
    subprocess.run([tool("pyside6-lrelease"), "-silent", str(ts), "-qm", str(qm)], check=True,
                   cwd=ROOT)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--release", action="store_true", help="only compile the .qm files")
    args = parser.parse_args(argv)
    TRANSLATIONS.mkdir(parents=True, exist_ok=True)
    for language in LANGUAGES:
        ts = ts_path(language)
        if not args.release:
            lupdate(ts)
        lrelease(ts, ts.with_suffix(".qm"))
        print(f"{ts.relative_to(ROOT)} -> {ts.with_suffix('.qm').name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
