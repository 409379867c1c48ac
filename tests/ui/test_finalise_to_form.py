"""Finalising shows the form at once, from the bytes just signed and stored."""

from PySide6.QtCore import Qt

from screening_app.protocol.examples import complete_answers


def answered_draft(services, actor, isn: str):
    """A draft with every step answered, signatures taken on paper."""
    answers = complete_answers("repatriate")
    interview = services.interviews.start(actor, isn)
    for step in interview.protocol.steps:
        if step not in interview.engine.visible_steps():
            continue
        interview = services.interviews.enter_step(actor, interview.id, step.id)
        for question in step.questions:
            if question.id in answers and question in interview.engine.visible_questions(
                    step.id):
                value = answers[question.id]
                interview = (services.interviews.add_signature(
                    actor, interview.id, question.id, mode="on_paper")
                    if question.kind == "signature"
                    else services.interviews.answer(actor, interview.id, question.id, value))
    return interview


def test_finalising_shows_the_form_just_stored_without_reading_it_back(
        qtbot, window, roster_station, confirm_yes, monkeypatch):
    services = roster_station.services
    wizard = window.open_wizard(answered_draft(services, window.actor, "NK-100002"))
    while wizard.current_step != "__review__":
        qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)

    def read_back(*args, **kwargs):
        raise AssertionError("the form just stored was read back from the database")

    with monkeypatch.context() as patched:
        patched.setattr(services.documents, "latest", read_back)
        with qtbot.waitSignal(wizard.sig_finalised, timeout=10_000) as finalised:
            qtbot.mouseClick(wizard.finalise_button, Qt.MouseButton.LeftButton)
        preview = window.preview
        assert preview is not None and preview.isVisible()
        qtbot.waitUntil(lambda: preview.view.page_widgets[0].rendered(), timeout=5_000)

    interview = finalised.args[0]
    stored = services.documents.latest(window.actor, interview.id)
    assert preview.document == interview.form == stored
    assert preview.pdf.pageCount() == 2
