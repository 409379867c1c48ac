"""The desktop app in Korean and in Chinese, through real widgets: the main window, the
wizard, the review queue, the dashboard and the other dialogs show no English sentence
(only data: names, ISNs, the station's id, and a few names such as PDF or SHA-256). A
literal left out of tr(), or a translation missing from the .qm, fails here; the language
is chosen from the machine's settings or, on the first start, from the system's locale."""

import re

import pytest
from PySide6.QtCore import QLocale, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QTableView,
    QWidget,
)

from screening_app.protocol.examples import complete_answers
from screening_app.records.form_text import LABELS
from screening_app.ui import language as interface
from screening_app.ui.interview_wizard import LANGUAGES
from screening_app.ui.main_window import MainWindow
from screening_app.ui.question_widgets import YES_NO
from tests.conftest import PASSWORD, SMALL_ROSTER

CJK = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af\u3400-\u9fff\uff00-\uffef]")
ENGLISH_WORD = re.compile(r"[A-Za-z]{2,}")
TAGS = re.compile(r"<[^>]+>|&[a-z]+;")
# Words that are names, not English: they stay as they are in every language.
NAMES = ("PDF", "SHA-256", "SHA", "UTC", "ISN", "CSV", "XLSX", "QR", "USB", "ICRC", "Ctrl",
         "Shift", "Delete", "English", "headquarters-public.json", "scb", "json", "TEST-01",
         "Koje-do", "DEMO", "https://headquarters:8765",
         "ko, en")


@pytest.fixture(params=["ko", "zh"])
def language(request, qapp):
    interface.install_language(request.param)
    yield request.param
    interface.install_language(interface.ENGLISH)


def data_words(station) -> set[str]:
    """What the test station holds: people's names and details, accounts."""
    words = set(NAMES)
    for row in SMALL_ROSTER:
        words.update(str(value) for value in row.values())
    words.update(("admin", "sup", "ivan", "olga"))
    return words


def shown_texts(top: QWidget) -> list[tuple[str, str]]:
    """(where, text) for every text a person sees in ``top`` and its menus."""
    found = [("window title", top.windowTitle())]
    for widget in [top, *top.findChildren(QWidget)]:
        if widget is not top and not widget.isVisibleTo(top):
            continue
        name = type(widget).__name__
        if isinstance(widget, QLabel | QAbstractButton):
            found.append((name, widget.text()))
        elif isinstance(widget, QGroupBox):
            found.append((name, widget.title()))
        elif isinstance(widget, QLineEdit):
            found.append((name + " placeholder", widget.placeholderText()))
        elif isinstance(widget, QComboBox):
            found.extend((name, widget.itemText(i)) for i in range(widget.count()))
        elif isinstance(widget, QTableView) and widget.model() is not None:
            model = widget.model()
            found.extend((name + " header", str(model.headerData(
                column, Qt.Orientation.Horizontal) or ""))
                for column in range(model.columnCount()))
        if widget.toolTip():
            found.append((name + " tooltip", widget.toolTip()))
    for action in top.findChildren(QAction):
        found.append(("action", action.text()))
        if action.menu() is not None:
            found.append(("menu", action.menu().title()))
    return found


def english_left(top: QWidget, allowed: set[str]) -> str:
    """Texts that, without tags and the allowed names, still hold English words and no
    Hangul or Hanzi: a string not wrapped in tr(), or not translated."""
    left = []
    for where, text in shown_texts(top):
        plain = TAGS.sub(" ", text.replace("&&", "")).replace("&", "")
        for word in sorted(allowed, key=len, reverse=True):
            plain = plain.replace(word, " ")
        if ENGLISH_WORD.search(plain) and not CJK.search(plain):
            left.append(f"{where}: {text!r}")
    return "\n".join(left)


def protocol_english(services) -> set[str]:
    """The protocol's own English (shown beside the person's language on the wizard's
    pages, as the protocol gives it, whatever the interface's language)."""
    protocol = services.interviews.current_protocol()
    texts = set()
    for step in protocol.steps:
        texts.add(step.title.get("en"))
        if step.statement is not None:
            texts.add(step.statement.get("en"))
        for question in step.questions:
            texts.add(question.prompt.get("en"))
            texts.update(option.label.get("en") for option in question.options)
    return {text for text in texts if text}


def open_window(qtbot, station, actor) -> MainWindow:
    station.services.sign_in(actor.name, PASSWORD)
    window = MainWindow(station.services, actor, lock_minutes=0)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_the_interviewer_sees_the_main_window_and_the_wizard_translated(
        qtbot, roster_station, language):
    allowed = data_words(roster_station)
    window = open_window(qtbot, roster_station, roster_station.interviewer)
    window.search_edit.setText("Kim")
    window.apply_search()
    assert not english_left(window, allowed)
    assert window.menuBar().actions()[0].text() == {"ko": "면담소(&S)",
                                                    "zh": "面谈站(&S)"}[language]

    wizard = window.start_interview("NK-100001")
    allowed |= protocol_english(roster_station.services)
    for _ in range(3):  # the first pages, their chrome and their gate messages
        assert not english_left(window, allowed)
        page = wizard.step_pages[wizard.current_step]
        answers = complete_answers("enlist")
        for question in wizard.interview.engine.visible_questions(wizard.current_step):
            if question.id in answers and question.kind != "signature":
                wizard._save_answer(question.id, answers[question.id])
        page.refresh(wizard.interview.engine, wizard.interview.record.answers)
        wizard.go_next()
    assert {"ko": "단계", "zh": "步"}[language] in wizard.progress_label.text()


def test_the_supervisor_sees_the_queue_the_dashboard_and_the_dialogs_translated(
        qtbot, roster_station, language):
    services = roster_station.services
    services.transcription.record(
        roster_station.interviewer, "NK-100001",
        {"answers": complete_answers("repatriate"), "started_at": "2026-11-27T09:30:00Z",
         "ended_at": "2026-11-27T09:33:00Z"}, "paper")
    answers = complete_answers("repatriate")
    allowed = (data_words(roster_station) | protocol_english(services)
               | {value for value in answers.values() if isinstance(value, str)})
    window = open_window(qtbot, roster_station, roster_station.supervisor)
    assert not english_left(window, allowed)
    with qtbot.waitSignal(window.sig_review_queue_ready, timeout=20_000):
        queue = window.open_review_queue()
    # The review flags' sentences are written in the interface's language too.
    flags = [f for shown in queue._flags_by_interview.values() for f in shown]
    assert flags and all(CJK.search(f.explanation) for f in flags), flags
    assert not english_left(queue, allowed)
    for opener in (window.open_dashboard, window.open_sync_dialog, window.open_verify_dialog,
                   window.open_batch_print, window.open_known_people_dialog):
        dialog = opener()
        qtbot.waitExposed(dialog)
        assert not english_left(dialog, allowed), type(dialog).__name__
        dialog.close()


def test_the_admin_sees_the_accounts_translated(qtbot, station, language):
    window = open_window(qtbot, station, station.admin)
    dialog = window.open_accounts_dialog()
    qtbot.waitExposed(dialog)
    assert not english_left(dialog, data_words(station))


def test_the_walk_finds_an_english_literal(qtbot, roster_station, language):
    """The check itself: a label nobody translated is caught."""
    window = open_window(qtbot, roster_station, roster_station.interviewer)
    window.subject_panel.start_button.setText("Start interview")
    assert english_left(window, data_words(roster_station)) == (
        "QPushButton: 'Start interview'")


# -- choosing the language -----------------------------------------------------------------
@pytest.mark.parametrize(("locale", "expected"), [
    ("ko_KR", "ko"), ("ko", "ko"), ("zh_CN", "zh"), ("zh_TW", "zh"), ("en_GB", "en"),
    ("de_DE", "en"), ("C", "en")])
def test_the_first_start_takes_the_system_language(locale, expected):
    assert interface.language_for_locale(locale) == expected


def test_a_choice_kept_on_this_machine_wins_over_the_system_language(monkeypatch):
    monkeypatch.setattr(QLocale, "system", staticmethod(lambda: QLocale("ko_KR")))
    try:
        interface.settings().remove(interface.LANGUAGE_SETTING)  # the first start
        assert interface.chosen_language() == "ko"
        interface.save_language("zh")
        assert interface.chosen_language() == "zh"
    finally:
        interface.save_language(interface.ENGLISH)  # as tests/ui/conftest.py leaves it


def test_the_language_menu_keeps_the_choice_and_says_when_it_applies(qtbot, window,
                                                                      monkeypatch):
    said = []
    monkeypatch.setattr("screening_app.ui.language.QMessageBox.information",
                        lambda parent, title, text: said.append((title, text)))
    menu = window.language_menu
    assert [a.text() for a in menu.actions()] == ["English", "한국어", "中文"]
    try:
        next(a for a in menu.actions() if a.data() == "ko").trigger()
        assert interface.chosen_language() == "ko"
        # Said in the language chosen: the person who chose it reads it.
        assert said == [("한국어",
                         "화면 언어: 한국어. 다음에 프로그램을 열 때부터 적용됩니다.")]
        assert QApplication.translate("LanguageMenu", "&Language") == "&Language"
    finally:
        interface.save_language(interface.ENGLISH)


def test_one_list_of_languages_and_one_yes_and_no():
    assert LANGUAGES is interface.INTERFACE_LANGUAGES
    for value, english, korean, chinese in YES_NO:
        assert (english, korean, chinese) == tuple(LABELS[value][k] for k in ("en", "ko", "zh"))
        assert interface.yes_no_label(value, "ko") == korean


def test_the_services_english_labels_are_shown_in_the_protocols_words(station, language):
    from screening_app.domain.review_flags import ReviewFlag
    from screening_app.ui.protocol_wording import ProtocolWording

    protocol = station.services.interviews.current_protocol()
    wording = ProtocolWording(protocol)
    option = protocol.question(protocol.choice.question).options[0]
    reason = protocol.non_completion_reasons[0]
    assert wording.label(option.label.en) == option.label.get(language)
    assert wording.label(f"Not completed: {reason.label.en}") == {
        "ko": "미완료: ", "zh": "未完成："}[language] + reason.label.get(language)
    # The review's own titles are written in the message language, set with the interface's.
    flag = ReviewFlag("short_interview", "x", "The interview took 1 s.")
    assert wording.flag_title(flag) == {"ko": "짧은 면담", "zh": "面谈时间过短"}[language]
    interface.install_language(interface.ENGLISH)
    # In English, what the services say, as they say it.
    english = ProtocolWording(protocol, "en")
    assert english.label(option.label.en) == option.label.en
    assert english.flag_title(flag) == "Short interview"


def test_the_wizard_says_why_a_step_is_blocked_in_the_interface_language(
        qtbot, roster_station, language):
    """The engine's gate sentence (written below ui/, from the gettext catalogue) is in the
    interface's language, naming the protocol's question in it too."""
    window = open_window(qtbot, roster_station, roster_station.interviewer)
    wizard = window.start_interview("NK-100001")
    answers = complete_answers("enlist")
    while wizard.current_step != "explanation":
        for question in wizard.interview.engine.visible_questions(wizard.current_step):
            if question.id in answers and question.kind != "signature":
                wizard._save_answer(question.id, answers[question.id])
        wizard.step_pages[wizard.current_step].refresh(wizard.interview.engine,
                                                       wizard.interview.record.answers)
        wizard.go_next()
    page = wizard.step_pages["explanation"]
    page.questions["statement_read"].choose_number(2)  # No: the statement was not read

    shown = wizard.reason_label.toolTip()
    prompt = wizard.interview.protocol.question("statement_read").prompt.get(language)
    assert not wizard.next_button.isEnabled()
    assert prompt in shown
    assert {"ko": "면담을 계속하려면", "zh": "面谈才能继续"}[language] in shown
    assert "must be answered" not in shown
