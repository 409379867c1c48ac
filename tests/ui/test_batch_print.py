"""Batch printing from the main window: choose forms by compound, untick one, print them in
one job off the GUI thread, cancel a run, and see only what the account may see."""

import shutil
import subprocess
import threading
import time
from datetime import date

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QPushButton

from screening_app.protocol.examples import complete_answers
from screening_app.records.layout import countersignature_box, signature_box
from screening_app.ui import batch_print
from screening_app.ui.batch_print import (
    BatchPrintDialog,
    PrintableFormsModel,
    local_day_of,
    utc_days_overlapping,
)
from screening_app.ui.main_window import MainWindow
from screening_app.ui.pdf_printing import load_pdf, pdf_printer
from tests.ui.screen import assert_fits_screen
from tests.ui.test_printing import full_sheet_a4_printer, ink_in

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="poppler-utils (pdftotext) is not installed")

PRINT_TIMEOUT_MS = 60_000


def stopped_for_no_privacy() -> dict:
    answers = {k: v for k, v in complete_answers().items()
               if k in ("isn_matches", "name_matches", "unit_matches", "present_persons")}
    answers["no_other_detainees"] = "no"
    return answers


@pytest.fixture
def forms_station(roster_station):
    """Finalised interviews: four in Compound 62 (one of them a non-completion record, one
    by another interviewer) and one in each of the other compounds."""
    services = roster_station.services
    ivan, olga = roster_station.interviewer, roster_station.other_interviewer
    for actor, isn, answers in [
        (ivan, "NK-100001", complete_answers("repatriate")),
        (ivan, "NK-100013", complete_answers("enlist")),
        (ivan, "NK-100013", stopped_for_no_privacy()),
        (olga, "NK-100001", complete_answers("enlist")),
        (ivan, "NK-100002", complete_answers("repatriate")),
        (olga, "CN-700001", complete_answers("repatriate")),
        (ivan, "CN-700002", complete_answers("enlist")),
    ]:
        services.transcription.record(actor, isn, {"answers": answers}, "paper.json")
    return roster_station


def open_dialog(qtbot, services, actor) -> BatchPrintDialog:
    window = MainWindow(services, actor, lock_minutes=0)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.print_forms_action.trigger()
    dialog = window.batch_print_dialog
    assert dialog.isVisible()
    return dialog


def shown_rows(dialog) -> list[tuple[str, str, str, str, str]]:
    model = dialog.model
    return [tuple(model.index(row, column).data() for column in (0, 2, 3, 5, 6))
            for row in range(model.rowCount())]


def pages_of(content: bytes) -> int:
    pdf, buffer = load_pdf(content)
    try:
        return pdf.pageCount()
    finally:
        pdf.close()
        buffer.close()


def pdf_text(path) -> str:
    """The text of a PDF in drawing order, spaces and line breaks collapsed (the rotated
    mark comes out as "COPY\\n2")."""
    raw = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True,
                         text=True, check=True).stdout
    return " ".join(raw.split())


def choose(combo, text) -> None:
    index = combo.findText(text)
    assert index >= 0, text
    combo.setCurrentIndex(index)


def test_print_the_ticked_forms_of_one_compound_in_one_job(qtbot, forms_station, tmp_path):
    services, supervisor = forms_station.services, forms_station.supervisor
    dialog = open_dialog(qtbot, services, supervisor)
    assert dialog.day_edit.date() == QDate.currentDate()
    assert len(shown_rows(dialog)) == 7  # every form is the station's, finalised today
    assert [dialog.compound_combo.itemText(i) for i in range(dialog.compound_combo.count())] \
        == ["All compounds", "Compound 62", "Compound 72", "Compound 76", "Compound 86"]

    choose(dialog.compound_combo, "Compound 62")
    rows = shown_rows(dialog)
    assert [row[:4] for row in rows] == [
        ("NK-100001", "Compound 62", "ivan", "Choice form"),
        ("NK-100013", "Compound 62", "ivan", "Choice form"),
        ("NK-100013", "Compound 62", "ivan", "Non-completion"),
        ("NK-100001", "Compound 62", "olga", "Choice form"),
    ]
    assert dialog.selection_label.text() == "4 of 4 forms selected"
    forms = dialog.model.forms()
    # One of them was printed before (from its preview): this print is its copy 2.
    reprinted = forms[3]
    services.documents.record_print(supervisor, services.documents.document(
        supervisor, reprinted.document_id))
    dialog.reload()
    assert [row[4] for row in shown_rows(dialog)] == ["0", "0", "0", "1"]

    dialog.model.setData(dialog.model.index(1, 0), Qt.CheckState.Unchecked,
                         Qt.ItemDataRole.CheckStateRole)
    assert dialog.selection_label.text() == "3 of 4 forms selected"
    selected = [forms[0], forms[2], forms[3]]
    before = {f.document_id: services.documents.times_printed(f.interview_id) for f in forms}

    output = tmp_path / "batch.pdf"
    with qtbot.waitSignal(dialog.sig_batch_finished, timeout=PRINT_TIMEOUT_MS) as finished:
        assert dialog.start_printing(pdf_printer(str(output))) is not None
        assert not dialog.print_button.isEnabled() and not dialog.compound_combo.isEnabled()
    result = finished.args[0]

    expected_pages = sum(pages_of(services.documents.document(supervisor, f.document_id)
                                  .content) for f in selected)
    assert result.printed == tuple(f.document_id for f in selected)
    assert pages_of(output.read_bytes()) == expected_pages == result.pages
    after = {f.document_id: services.documents.times_printed(f.interview_id) for f in forms}
    assert after == {d: before[d] + (d in result.printed) for d in before}

    assert dialog.summary_label.text() == f"Printed 3 forms ({expected_pages} pages)."
    assert [row[4] for row in shown_rows(dialog)] == ["1", "0", "1", "2"]
    assert dialog.print_button.isEnabled() and dialog.progress is None


def test_a_form_printed_before_is_marked_as_a_copy_in_the_batch(qtbot, forms_station,
                                                                 tmp_path):
    services, supervisor = forms_station.services, forms_station.supervisor
    dialog = open_dialog(qtbot, services, supervisor)
    choose(dialog.compound_combo, "Compound 62")
    forms = dialog.model.forms()
    reprinted = services.documents.document(supervisor, forms[1].document_id)
    services.documents.record_print(supervisor, reprinted)
    output = tmp_path / "batch.pdf"
    with qtbot.waitSignal(dialog.sig_batch_finished, timeout=PRINT_TIMEOUT_MS):
        dialog.start_printing(pdf_printer(str(output)))
    text = pdf_text(output)
    assert text.count("COPY 2") == pages_of(reprinted.content)
    assert "COPY 1" not in text


def test_a_form_printed_before_approval_is_a_copy_after_it_and_the_flag_agrees(
        qtbot, forms_station, tmp_path):
    services, supervisor = forms_station.services, forms_station.supervisor
    dialog = open_dialog(qtbot, services, supervisor)
    choose(dialog.compound_combo, "Compound 76")  # NK-100002's form alone
    [form] = dialog.model.forms()
    first = services.documents.document(supervisor, form.document_id)
    assert services.documents.record_print(supervisor, first) == 1  # the original, unapproved
    services.reviews.decide(supervisor, form.interview_id, "approved")
    dialog.reload()
    [approved] = dialog.model.forms()
    assert approved.document_id != form.document_id  # the countersigned revision
    assert [row[4] for row in shown_rows(dialog)] == ["1"]

    output = tmp_path / "batch.pdf"
    with qtbot.waitSignal(dialog.sig_batch_finished, timeout=PRINT_TIMEOUT_MS):
        dialog.start_printing(full_sheet_a4_printer(output))
    pages = pages_of(services.documents.document(supervisor, approved.document_id).content)
    assert pdf_text(output).count("COPY 2") == pages
    assert [row[4] for row in shown_rows(dialog)] == ["2"]
    # Printed as stored: both signature boxes on its last page are filled.
    for box in (signature_box("A4"), countersignature_box("A4")):
        assert ink_in(output, pages, box, tmp_path) > 0.01

    # A third print: the reprint flag counts the same prints as the Printed column.
    with qtbot.waitSignal(dialog.sig_batch_finished, timeout=PRINT_TIMEOUT_MS):
        dialog.start_printing(pdf_printer(str(tmp_path / "again.pdf")))
    assert [row[4] for row in shown_rows(dialog)] == ["3"]
    flags = services.reviews.flags(supervisor).for_interview(form.interview_id)
    assert [f.explanation for f in flags if f.kind == "printed_often"] == [
        "The choice form was printed 3 times; more than 2 prints is unusual."]


def test_the_dialog_fits_the_screen(qtbot, forms_station):
    dialog = open_dialog(qtbot, forms_station.services, forms_station.supervisor)
    assert_fits_screen(qtbot, dialog)


def test_cancel_from_the_progress_window_stops_after_the_form_in_hand(qtbot, forms_station,
                                                                      tmp_path, monkeypatch):
    services, supervisor = forms_station.services, forms_station.supervisor
    dialog = open_dialog(qtbot, services, supervisor)
    forms = dialog.model.forms()
    assert len(forms) == 7

    # The worker waits after its first form until Cancel has been clicked, so the test does
    # not depend on how fast this machine prints (and proves the GUI answers meanwhile).
    clicked = threading.Event()
    real_paint = batch_print.paint_pdf_pages

    def paint_then_wait(*args, **kwargs):
        pages = real_paint(*args, **kwargs)
        clicked.wait(timeout=PRINT_TIMEOUT_MS / 1000)
        return pages

    monkeypatch.setattr(batch_print, "paint_pdf_pages", paint_then_wait)
    progress_seen = []

    def click_cancel(done, total, message):
        if progress_seen:
            return
        progress_seen.append((done, total, message, dialog.progress.labelText()))
        cancel = dialog.progress.findChild(QPushButton)
        qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
        clicked.set()

    dialog.sig_batch_progress.connect(click_cancel)
    output = tmp_path / "cancelled.pdf"
    with qtbot.waitSignal(dialog.sig_batch_finished, timeout=PRINT_TIMEOUT_MS) as finished:
        dialog.start_printing(pdf_printer(str(output)))
    result = finished.args[0]

    assert progress_seen == [(0, 7, "Printing 1 of 7: NK-100001",
                              "Printing 1 of 7: NK-100001")]
    assert result.cancelled and result.printed == (forms[0].document_id,)
    counts = {f.document_id: services.documents.times_printed(f.interview_id) for f in forms}
    assert counts == {f.document_id: int(f.document_id in result.printed) for f in forms}
    first_pages = pages_of(services.documents.document(supervisor, forms[0].document_id).content)
    assert pages_of(output.read_bytes()) == first_pages
    assert dialog.summary_label.text() == "Cancelled after 1 of 7: 1 form was printed and counted."


def test_an_interviewer_sees_only_their_own_forms(qtbot, forms_station):
    dialog = open_dialog(qtbot, forms_station.services, forms_station.interviewer)
    rows = shown_rows(dialog)
    assert len(rows) == 5 and {row[2] for row in rows} == {"ivan"}
    # The compound list comes from their own forms too (olga's Compound 72 is not offered).
    assert dialog.compound_combo.findText("Compound 72") == -1


def test_the_day_and_kind_filters(qtbot, forms_station):
    dialog = open_dialog(qtbot, forms_station.services, forms_station.supervisor)
    day = local_day_of(dialog.model.forms()[0].finalised_at)
    dialog.day_edit.setDate(QDate(day.year, day.month, day.day).addDays(-1))
    assert dialog.model.rowCount() == 0
    assert not dialog.print_button.isEnabled()
    dialog.any_day_check.setChecked(True)
    assert dialog.model.rowCount() == 7 and not dialog.day_edit.isEnabled()
    choose(dialog.kind_combo, "Non-completion records only")
    assert [row[0] for row in shown_rows(dialog)] == ["NK-100013"]
    choose(dialog.kind_combo, "Choice forms only")
    assert dialog.model.rowCount() == 6


def test_select_none_then_all(qtbot, forms_station):
    dialog = open_dialog(qtbot, forms_station.services, forms_station.supervisor)
    qtbot.mouseClick(dialog.select_none_button, Qt.MouseButton.LeftButton)
    assert dialog.model.checked_forms() == [] and not dialog.print_button.isEnabled()
    assert dialog.start_printing(pdf_printer()) is None
    qtbot.mouseClick(dialog.select_all_button, Qt.MouseButton.LeftButton)
    assert len(dialog.model.checked_forms()) == 7 and dialog.print_button.isEnabled()


def test_a_printer_that_cannot_be_opened_counts_nothing(qtbot, forms_station, tmp_path):
    services, supervisor = forms_station.services, forms_station.supervisor
    dialog = open_dialog(qtbot, services, supervisor)
    forms = dialog.model.forms()
    with qtbot.waitSignal(dialog.sig_batch_finished, timeout=PRINT_TIMEOUT_MS) as finished:
        dialog.start_printing(pdf_printer(str(tmp_path / "no-such-folder" / "out.pdf")))
    assert finished.args[0].printed == ()
    assert dialog.summary_label.text() == ("Stopped after 0 of 7: The printer could not be "
                                           "opened. Nothing was printed or counted.")
    assert all(services.documents.times_printed(f.interview_id) == 0 for f in forms)


def test_printable_forms_model(qtmodeltester, forms_station):
    model = PrintableFormsModel()
    forms = forms_station.services.documents.printable(forms_station.supervisor)
    model.set_forms(forms, {forms[0].interview_id: 3})
    qtmodeltester.check(model)
    assert model.index(0, 6).data() == "3" and model.index(1, 6).data() == "0"
    assert model.index(0, 0).data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    assert model.setData(model.index(0, 0), Qt.CheckState.Unchecked.value,
                         Qt.ItemDataRole.CheckStateRole)
    assert model.index(0, 0).data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked
    assert not model.setData(model.index(0, 1), Qt.CheckState.Unchecked,
                             Qt.ItemDataRole.CheckStateRole)
    assert model.checked_forms() == forms[1:]


@pytest.fixture
def seoul_time(monkeypatch):
    monkeypatch.setenv("TZ", "Asia/Seoul")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_a_local_day_in_korea_takes_the_morning_from_the_previous_utc_date(seoul_time):
    # 08:30 in Koje-do is 23:30 UTC the day before: "today" must still show that form.
    assert local_day_of("2026-11-26T23:30:00.000Z") == date(2026, 11, 27)
    assert utc_days_overlapping(date(2026, 11, 27)) == ["2026-11-26", "2026-11-27"]
