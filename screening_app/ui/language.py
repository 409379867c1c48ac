"""The language of the interface: English, Korean or Chinese, chosen in *Station > Language*
and kept per machine; on the first start, the system's.

The texts come from Qt's own catalogue: every string in ui/ is wrapped in ``tr()`` (or
``translate(context, ...)`` outside a QObject), ``pyside6-lupdate`` collects them into
resources/translations/screening_app_<lang>.ts and ``pyside6-lrelease`` compiles the .qm
files loaded here (tools/update_translations.py runs both); the sentences written below ui/
come from the gettext catalogue of domain/messages.py, set to the same language here.
Placeholders are Python's
``{name}``, filled by ``.format()`` after ``tr()``, so a translator can move them.

A new language applies when the app next opens: the windows are built once with their
texts, and rebuilding every open window and dialog live is more to get wrong than one
restart at a station.
"""

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QLibraryInfo,
    QLocale,
    QSettings,
    QTranslator,
)
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMenu, QMessageBox, QWidget

from screening_app.bundled import resources_dir
from screening_app.domain.accounts import Role
from screening_app.domain.messages import set_message_language
from screening_app.records.form_text import LABELS
from screening_app.services.reviews import state_label

translate = QCoreApplication.translate

ENGLISH = "en"
# The one list of interface languages (and of the wizard's screen languages), each named in
# itself so that a person who reads only that language finds it.
INTERFACE_LANGUAGES = (("en", "English"), ("ko", "한국어"), ("zh", "中文"))
LANGUAGE_SETTING = "interface_language"
# Said in the language just chosen, not the one on screen (translated when shown).
APPLIES_NEXT_TIME = QT_TRANSLATE_NOOP(
    "LanguageMenu", "The interface will be in {language} when the app next opens.")
CATALOGUE = "screening_app"
# Qt's own catalogue (the standard buttons: OK, Cancel, Yes, No) under each language's name.
QT_CATALOGUES = {"ko": "qtbase_ko", "zh": "qtbase_zh_CN"}

_installed: list[QTranslator] = []
_current = ENGLISH


def settings() -> QSettings:
    return QSettings("screening-app", "screening-app")


def translations_dir():
    return resources_dir() / "translations"


def language_for_locale(locale_name: str) -> str:
    """ko_KR -> ko, zh_CN or zh_TW -> zh, anything else -> en."""
    prefix = locale_name.lower()[:2]
    return prefix if prefix in ("ko", "zh") else ENGLISH


def chosen_language() -> str:
    """The language chosen on this machine; before any choice, the system's."""
    codes = [code for code, _ in INTERFACE_LANGUAGES]
    saved = settings().value(LANGUAGE_SETTING, "")
    if saved in codes:
        return saved
    return language_for_locale(QLocale.system().name())


def save_language(code: str) -> None:
    settings().setValue(LANGUAGE_SETTING, code)


def load_translators(code: str) -> list[QTranslator]:
    """The app's catalogue for ``code`` and Qt's own (for standard buttons) when the Qt
    wheel has it; none for English, the language of the sources."""
    if code == ENGLISH:
        return []
    translators = []
    app_translator = QTranslator()
    if app_translator.load(f"{CATALOGUE}_{code}", str(translations_dir())):
        translators.append(app_translator)
    qt_translator = QTranslator()
    if qt_translator.load(QT_CATALOGUES[code],
                          QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        translators.append(qt_translator)
    return translators


def install_language(code: str) -> None:
    """Show the interface in ``code`` from now on (windows made after this call), with the
    sentences of the layers below ui/ (the engine's, the services' refusals) in it too."""
    global _current
    app = QCoreApplication.instance()
    for translator in _installed:
        app.removeTranslator(translator)
    _installed[:] = load_translators(code)
    for translator in _installed:
        app.installTranslator(translator)
    set_message_language(code)
    _current = code


def interface_language() -> str:
    """The language installed for the interface ("en", "ko" or "zh"): for the protocol's
    own trilingual texts shown in the interface's sentences."""
    return _current


def yes_no_label(value: str, language: str | None = None) -> str:
    """"Yes" or "No" in ``language`` (the interface's when not given): the printed form's
    own words, so the two never differ."""
    return LABELS[value][language or _current]


# A record's review state, by the state's id; translated where shown.
REVIEW_STATES = {"received": QT_TRANSLATE_NOOP("ReviewStates", "Received"),
                 "approved": QT_TRANSLATE_NOOP("ReviewStates", "Approved"),
                 "sent_back": QT_TRANSLATE_NOOP("ReviewStates", "Sent back"),
                 "rejected": QT_TRANSLATE_NOOP("ReviewStates", "Rejected")}


def review_state_name(state: str) -> str:
    """The review service's state label, in the interface's language."""
    if state in REVIEW_STATES:
        return translate("ReviewStates", REVIEW_STATES[state])
    return state_label(state)


def role_name(role: Role) -> str:
    names = {Role.ADMIN: translate("Roles", "admin"),
             Role.SUPERVISOR: translate("Roles", "supervisor"),
             Role.INTERVIEWER: translate("Roles", "interviewer")}
    return names.get(role, role.value)


class LanguageMenu(QMenu):
    """*Station > Language*: one checkable entry per interface language. The choice is kept
    on this machine and applies when the app next opens, as the message says in the
    language chosen."""

    def __init__(self, parent: QWidget):
        super().__init__(self.tr("&Language"), parent)
        self._group = QActionGroup(self)
        current = chosen_language()
        for code, name in INTERFACE_LANGUAGES:
            action = QAction(name, self, checkable=True, checked=code == current)
            action.setData(code)
            self._group.addAction(action)
            self.addAction(action)
        self._group.triggered.connect(self._on_chosen)

    def _on_chosen(self, action: QAction) -> None:
        code = action.data()
        if code == chosen_language():
            return
        save_language(code)
        sentence = APPLIES_NEXT_TIME
        for translator in load_translators(code)[:1]:
            sentence = translator.translate("LanguageMenu", sentence) or sentence
        QMessageBox.information(self.parentWidget(), action.text(),
                                sentence.format(language=action.text()))
