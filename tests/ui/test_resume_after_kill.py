"""A session killed mid-interview (SIGKILL, as a crash or power cut) resumes exactly where
it stopped: the next start offers the draft, and the wizard opens at the same step with
every answer given."""

import os
import select
import signal
import subprocess
import sys
import textwrap

from screening_app.services.app import StationServices
from screening_app.ui.main_window import MainWindow
from tests.conftest import PASSWORD

CHILD = textwrap.dedent("""
    import sys
    from PySide6.QtTest import QTest
    from screening_app.services.app import StationServices
    from screening_app.ui.app import application
    from screening_app.ui.main_window import MainWindow

    app = application()
    services, actor = StationServices.unlock(sys.argv[1], "ivan", sys.argv[2])
    window = MainWindow(services, actor, lock_minutes=0)
    window.show()
    window.start_interview("NK-100002")
    wizard = window.wizard
    page = wizard.step_pages["identity"]
    for question_id in ("isn_matches", "name_matches", "unit_matches"):
        page.questions[question_id].focus_first()
        QTest.keyClick(page.questions[question_id], "1")
    wizard.go_next()
    note = wizard.step_pages["privacy"].questions["present_persons"]
    note.editor.setFocus()
    QTest.keyClicks(note.editor, "interviewer, interpreter, observer")
    note.flush()
    print("READY", wizard.interview.id, flush=True)
    app.exec()
""")


def test_a_killed_session_resumes_the_draft(qtbot, roster_station, monkeypatch, tmp_path):
    roster_station.services.close()
    script = tmp_path / "child.py"
    script.write_text(CHILD, encoding="utf-8")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    child = subprocess.Popen([sys.executable, str(script), str(roster_station.data_dir),
                              PASSWORD], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, env=env)
    # Wait for READY, but never forever: a child stuck on a dialog fails the test instead.
    ready, _, _ = select.select([child.stdout], [], [], 60)
    if not ready:
        child.kill()
        raise AssertionError("the child GUI never became ready: " + child.stderr.read())
    line = child.stdout.readline()
    assert line.startswith("READY"), child.stderr.read()
    interview_id = line.split()[1]
    os.kill(child.pid, signal.SIGKILL)
    child.wait()

    services, _ = StationServices.unlock(roster_station.data_dir, "ivan", PASSWORD)
    roster_station.services = services
    assert services.station.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    window = MainWindow(services, roster_station.interviewer, lock_minutes=0)
    qtbot.addWidget(window)
    from PySide6.QtWidgets import QInputDialog

    monkeypatch.setattr(QInputDialog, "getItem",
                        staticmethod(lambda parent, title, label, items, *a: (items[0], True)))
    resumed = window.offer_resume()
    assert resumed is not None and resumed.id == interview_id
    wizard = window.wizard
    assert wizard.current_step == "privacy"
    assert wizard.step_pages["privacy"].questions["present_persons"].text() == (
        "interviewer, interpreter, observer")
    assert wizard.interview.record.answers["isn_matches"] == "yes"
