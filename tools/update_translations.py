"""Bring the translations up to date, both catalogues:

- the interface's (Qt): collect every tr()/translate() string of screening_app/ui into
  resources/translations/screening_app_<lang>.ts (pyside6-lupdate keeps the translations
  already made and marks new strings unfinished), then compile each .ts into the .qm the
  app loads (pyside6-lrelease);
- the layers below ui/ (gettext, with Babel): collect every _("...") of those layers into
  a template (pybabel extract; a temporary .pot, not kept), merge it into each
  resources/locale/<lang>/LC_MESSAGES/screening_app.po (pybabel update marks new messages
  untranslated and changed ones fuzzy), then compile each .po into its .mo (pybabel
  compile).

    python tools/update_translations.py            # collect, then compile
    python tools/update_translations.py --release  # compile only (after translating)

Translate the unfinished messages in the .ts files with Qt Linguist (pyside6-linguist) or
any editor, and the empty or fuzzy ones in the .po files with any .po editor, then run it
again; tests/test_translations.py and tests/test_messages.py fail while any is unfinished.
"""

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "screening_app" / "ui"
TRANSLATIONS = ROOT / "resources" / "translations"
CATALOGUE = "screening_app"
LANGUAGES = ("ko", "zh")
# The layers whose sentences reach a person through str(error): the gettext catalogue's.
GETTEXT_SOURCES = ("domain", "protocol", "services", "store", "importers", "sync", "records",
                   "analysis")
LOCALE = ROOT / "resources" / "locale"
# Placeholders are Python's {name}, filled after the lookup: marked python-brace-format.
BABEL_EXTRACT_OPTIONS = ("--no-location", "--sort-output", "--no-wrap",
                         "--project", "screening-app", "--copyright-holder", "screening-app")
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


def pybabel(*arguments: str) -> None:
    subprocess.run([tool("pybabel"), "-q", *arguments], check=True, cwd=ROOT)


def po_path(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / f"{CATALOGUE}.po"


def gettext_sources() -> list[str]:
    return [str(Path("screening_app") / layer) for layer in GETTEXT_SOURCES
            if (ROOT / "screening_app" / layer).is_dir()]


def update_gettext(*, release_only: bool) -> None:
    """extract -> update (or init for a new language) -> compile. Locations are left out,
    as in the .ts files, so an edit elsewhere in a module does not touch every .po."""
    with tempfile.TemporaryDirectory() as scratch:
        pot = Path(scratch) / f"{CATALOGUE}.pot"
        if not release_only:
            pybabel("extract", *BABEL_EXTRACT_OPTIONS, "-o", str(pot), *gettext_sources())
        for language in LANGUAGES:
            update_language(language, pot if not release_only else None)


def update_language(language: str, pot: Path | None) -> None:
    po = po_path(language)
    if pot is not None:
        if po.exists():
            pybabel("update", "--no-wrap", "--ignore-obsolete", "-i", str(pot), "-o", str(po),
                    "-l", language)
        else:
            po.parent.mkdir(parents=True, exist_ok=True)
            pybabel("init", "--no-wrap", "-i", str(pot), "-o", str(po), "-l", language)
    pybabel("compile", "-i", str(po), "-o", str(po.with_suffix(".mo")), "-l", language)
    print(f"{po.relative_to(ROOT)} -> {po.with_suffix('.mo').name}")


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
    update_gettext(release_only=args.release)
    return 0


if __name__ == "__main__":
    sys.exit(main())
