"""The interface's catalogue (resources/translations/*.ts): every string the GUI can show
has a finished Korean and Chinese translation that keeps its placeholders and its keyboard
shortcut; the catalogue holds exactly the strings the sources mark; the .qm files the app
loads are compiled from these .ts files. A new tr() string without its translations
fails here until tools/update_translations.py is run and the translations are written."""

import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tools.update_translations import (
    LANGUAGES,
    TRANSLATIONS,
    lrelease,
    lupdate,
    tool,
    ts_path,
)

# Qt's %1..%9 and %n, and the Python {name} fields this project fills after tr().
PLACEHOLDER = re.compile(r"%[1-9n]|\{[A-Za-z_][A-Za-z0-9_]*\}")
# "&N" in "&Next" (not "&&", an ampersand shown as such, nor an entity like "&gt;").
MNEMONIC = re.compile(r"&(?!&)(?![a-z]+;)[^\s]")


def messages(ts: Path) -> list[tuple[str, str, ET.Element]]:
    """(context, source, <translation> element) for every message of a .ts file."""
    root = ET.parse(ts).getroot()
    return [(context.findtext("name"), message.findtext("source"), message.find("translation"))
            for context in root.iter("context") for message in context.iter("message")]


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_has_a_finished_translation(language):
    found = messages(ts_path(language))
    assert found, f"{ts_path(language)} holds no messages"
    unfinished = [f"{context}: {source!r}" for context, source, translation in found
                  if translation is None or translation.get("type") is not None
                  or not (translation.text or "").strip()]
    assert not unfinished, (f"{len(unfinished)} message(s) without a finished {language}"
                            " translation:\n" + "\n".join(unfinished))


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_the_placeholders_and_the_shortcut(language):
    problems = []
    for context, source, translation in messages(ts_path(language)):
        text = translation.text or ""
        if placeholders(source) != placeholders(text):
            problems.append(f"{context}: {source!r} -> {text!r} (placeholders"
                            f" {placeholders(source)} != {placeholders(text)})")
        if MNEMONIC.search(source) and not MNEMONIC.search(text):
            problems.append(f"{context}: {source!r} -> {text!r} (the &-shortcut is lost)")
    assert not problems, "\n".join(problems)


def test_placeholder_check_catches_a_dropped_or_renamed_field():
    assert placeholders("Step {number} of {count}") != placeholders("{number}단계")
    assert placeholders("Step {number} of {count}") != placeholders("{count}단계 중 {num}단계")
    assert placeholders("%1 of %2") == placeholders("%2 중 %1")
    assert MNEMONIC.search("&Next") and not MNEMONIC.search("Station &gt; Back up")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_catalogue_holds_exactly_the_strings_the_sources_mark(tmp_path, language):
    """pyside6-lupdate over screening_app/ui into a fresh .ts: the same (context, source)
    pairs as the committed one, so a string wrapped in tr() but never translated (or a
    translation left for a string that is gone) fails."""
    fresh = tmp_path / ts_path(language).name
    lupdate(fresh)
    marked = {(context, source) for context, source, _ in messages(fresh)}
    catalogued = {(context, source) for context, source, _ in messages(ts_path(language))}
    assert not marked - catalogued, (
        "strings in screening_app/ui missing from the catalogue (run"
        " tools/update_translations.py and translate them):\n"
        + "\n".join(f"{c}: {s!r}" for c, s in sorted(marked - catalogued)))
    assert not catalogued - marked, (
        "translations of strings no longer in screening_app/ui:\n"
        + "\n".join(f"{c}: {s!r}" for c, s in sorted(catalogued - marked)))


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_shipped_qm_is_compiled_from_the_ts(tmp_path, language):
    ts = ts_path(language)
    compiled = tmp_path / ts.with_suffix(".qm").name
    lrelease(ts, compiled)
    shipped = TRANSLATIONS / compiled.name
    assert shipped.exists(), f"{shipped} is missing: run tools/update_translations.py"
    assert shipped.read_bytes() == compiled.read_bytes(), (
        f"{shipped.name} is older than {ts.name}: run tools/update_translations.py --release")


def test_the_installed_package_finds_the_catalogues():
    """What the app loads (screening_app.resources, from the wheel or the source tree)."""
    from screening_app.bundled import resources_dir

    for language in LANGUAGES:
        assert (resources_dir() / "translations" / f"screening_app_{language}.qm").is_file()


def test_lupdate_is_at_hand():
    version = subprocess.run([tool("pyside6-lupdate"), "-version"], capture_output=True,
                             text=True)
    assert version.returncode == 0

