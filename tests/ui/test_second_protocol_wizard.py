"""A station set to the second protocol (nnrc-explanations): one session through the
wizard's real widgets, from the roster to the stored form, with the neutral-nation outcome
and its destination, which the default protocol does not have; and the dashboard's charts
with one series per outcome."""

import shutil
import subprocess

import pytest
from PySide6.QtCore import Qt

from screening_app.protocol import available_protocols
from screening_app.protocol.examples import example_answers
from screening_app.ui.main_window import MainWindow
from tests.ui.gui_driver import answer_question, press_enter
from tests.ui.test_interview_gui import find_person

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="poppler-utils (pdftotext) is not installed")

SECOND = "nnrc-explanations"


def answer_step(qtbot, wizard, answers: dict) -> None:
    """Answer the step's questions, and then those an answer opened (the destination's
    "which country?" appears once "another country" is chosen)."""
    answered: set[str] = set()
    while True:
        page = wizard.step_pages[wizard.current_step]
        waiting = [q for q in wizard.interview.engine.visible_questions(wizard.current_step)
                   if q.id in answers and q.id not in answered]
        if not waiting:
            return
        for question in waiting:
            answer_question(qtbot, page.questions[question.id], answers[question.id])
            answered.add(question.id)


def run_interview(qtbot, wizard, answers: dict) -> list[str]:
    """Every step to the review page; returns the steps shown."""
    shown = []
    while wizard.current_step != "__review__":
        assert len(shown) < 20, shown
        step = wizard.current_step
        shown.append(step)
        answer_step(qtbot, wizard, answers)
        assert wizard.next_button.isEnabled(), wizard.reason_label.text()
        press_enter(wizard)
        assert wizard.current_step != step, wizard.reason_label.text()
    return shown


@pytest.fixture
def roster_station(roster_station):
    """The roster station set to the second protocol before the window opens."""
    roster_station.services.settings.set(roster_station.admin, "protocol", SECOND)
    return roster_station


def test_a_session_on_the_second_protocol_through_the_wizard(qtbot, window, confirm_yes,
                                                              tmp_path):
    protocol = next(p for p in available_protocols() if p.id == SECOND)
    assert find_person(qtbot, window, "王伟") == ["CN-700001"]
    window.roster_view.setCurrentIndex(window.roster_model.index(0, 0))
    qtbot.mouseClick(window.subject_panel.start_button, Qt.MouseButton.LeftButton)
    wizard = window.wizard
    assert wizard.interview.protocol.sha256 == protocol.sha256
    assert wizard.current_step == protocol.steps[0].id

    answers = example_answers(protocol, "neutral_nation")
    answers.update({"session_language": "zh", "neutral_destination": "another_country",
                    "destination_named": "Switzerland",
                    "explaining_representatives": "Two representatives of the home side"})
    for question in protocol.questions():
        if question.kind == "signature":
            answers[question.id] = "draw"  # drawn with the mouse, not typed
    shown = run_interview(qtbot, wizard, answers)
    assert shown == [step.id for step in protocol.steps]  # the destination step among them

    assert wizard.finalise_button.isEnabled(), wizard.reason_label.text()
    with qtbot.waitSignal(wizard.sig_finalised, timeout=10_000) as finalised:
        qtbot.mouseClick(wizard.finalise_button, Qt.MouseButton.LeftButton)
    record = finalised.args[0].record
    assert record.is_final and record.choice == "neutral_nation"
    assert record.protocol_sha256 == protocol.sha256
    assert record.answers["destination_named"] == "Switzerland"
    assert [s.mode for s in record.signatures] == ["signature"] * 4

    # The form in the preview: English and the person's language (Chinese), the outcome,
    # the destination and the declaration the person signed.
    path = tmp_path / "form.pdf"
    path.write_bytes(window.preview.document.content)
    text = " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True,
                                   text=True, check=True).stdout.split())
    for expected in ("CN-700001", "王伟", "Go to a neutral nation", "前往中立国",
                     "Switzerland", "to go to the neutral nation recorded on this form"):
        assert expected in text, expected


def test_the_dashboard_draws_one_series_per_outcome_of_the_second_protocol(qtbot,
                                                                          roster_station):
    """Three outcomes, three bar sets (and "Not completed"), named by the protocol."""
    protocol = next(p for p in available_protocols() if p.id == SECOND)
    services = roster_station.services
    for isn, outcome in zip(("NK-100001", "NK-100002", "CN-700001"), protocol.outcomes,
                            strict=True):
        services.transcription.record(
            roster_station.interviewer, isn,
            {"answers": example_answers(protocol, outcome.option)}, "paper")
    window = MainWindow(services, roster_station.supervisor, lock_minutes=0)
    qtbot.addWidget(window)
    dialog = window.open_dashboard()
    labels = [protocol.option_label(protocol.choice.question, outcome.option, "en")
              for outcome in protocol.outcomes]
    for view in (dialog.compound_view, dialog.day_view):
        bar_sets = view.chart().series()[0].barSets()
        assert [s.label() for s in bar_sets] == [*labels, "Not completed"]
        assert sum(sum(s.at(i) for i in range(s.count())) for s in bar_sets[:3]) == 3
    assert all(label in dialog.legend_label.text() for label in labels)
