"""The catalogue of the sentences written below ui/: the engine's gate sentences and the
services' refusals, which the desktop app shows as they come (``str(error)``).

The standard library's gettext at run time, Babel as the tool: ``pybabel extract`` collects
every ``_("...")`` into resources/locale/screening_app.pot, one ``.po`` per language holds the
translations and ``pybabel compile`` makes the ``.mo`` loaded here
(tools/update_translations.py runs all three). Qt's catalogue serves ui/ only, and these
layers may not import Qt.

The language is one per process and English until someone asks for another: the desktop
app sets the interface's language at start; the command line and the tests never do, so
they stay in English.

Mark a sentence as ``_("There is no account {name}.").format(name=name)``: the placeholder
is filled *after* the lookup, so the translator may move it; never ``_(f"...")``, which
would look up a sentence no catalogue holds. Outside domain/, import it as
``from screening_app.domain.messages import gettext as _`` (no module imports another
package's underscore name; Babel looks for ``_``).
"""

import gettext as stdlib_gettext
from pathlib import Path

from screening_app.bundled import resources_dir

DOMAIN = "screening_app"
ENGLISH = "en"
# The languages with a catalogue; English is the sources' own.
CATALOGUE_LANGUAGES = ("ko", "zh")

_catalogue: stdlib_gettext.NullTranslations = stdlib_gettext.NullTranslations()
_language = ENGLISH


def locale_dir() -> Path:
    return resources_dir() / "locale"


def catalogue_path(language: str) -> Path:
    return locale_dir() / language / "LC_MESSAGES" / f"{DOMAIN}.mo"


def set_message_language(language: str) -> None:
    """Write this process's sentences in ``language`` from now on: "ko" or "zh" from its
    compiled catalogue; English for "en", or for a language without one."""
    global _catalogue, _language
    if language in CATALOGUE_LANGUAGES and catalogue_path(language).is_file():
        with catalogue_path(language).open("rb") as file:
            _catalogue = stdlib_gettext.GNUTranslations(file)
        _language = language
    else:
        _catalogue = stdlib_gettext.NullTranslations()
        _language = ENGLISH


def message_language() -> str:
    """The language sentences are written in now ("en", "ko" or "zh"): for the protocol's
    own trilingual texts named inside them."""
    return _language


def gettext(message: str) -> str:
    """``message`` in the message language (itself when untranslated)."""
    return _catalogue.gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """One of two forms by ``count``; Korean and Chinese have one."""
    return _catalogue.ngettext(singular, plural, count)


def N_(message: str) -> str:
    """Marks a sentence kept in a constant for the catalogue; translated where it is used,
    with ``_(constant)``."""
    return message


_ = gettext
