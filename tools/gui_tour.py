"""A tour of the desktop app as its users see it, one PNG per screen and dialog.

It makes a demo station in a temporary folder, then, on an offscreen screen of the given
size (1280x720 unless told), walks a whole interview as an interviewer with an interpreter
would (Korean on screen, names typed, signatures drawn with the mouse), finalises it, opens
the form, then reviews it as the supervisor (queue, approval, dashboard) and visits the
other dialogs. Every screen is saved as a numbered PNG in the output folder, to be looked
at by a person:

    python tools/gui_tour.py --out tour-1280x720
    python tools/gui_tour.py --out tour-1366x768 --size 1366x768
    python tools/gui_tour.py --out tour-ko --language ko   # the interface in Korean

It drives the real widgets through the same code paths as the tests, so a screen that
does not fit, a label cut off or an id shown instead of words shows up in the PNGs.
"""

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

SCREEN_JSON = {"screens": [{"name": "tour", "x": 0, "y": 0, "width": 0, "height": 0,
                            "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="folder for the PNGs")
    parser.add_argument("--size", default="1280x720", help="screen size, WIDTHxHEIGHT")
    parser.add_argument("--roster-size", type=int, default=60)
    parser.add_argument("--language", choices=("en", "ko", "zh"),
                        help="interface language (default: as chosen on this machine);"
                             " not saved in the machine's settings")
    args = parser.parse_args(argv)
    width, height = (int(n) for n in args.size.lower().split("x"))
    args.out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="gui-tour-"))
    screen = dict(SCREEN_JSON["screens"][0], width=width, height=height)
    (work / "screen.json").write_text(json.dumps({"screens": [screen]}))
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={work / 'screen.json'}"
    Tour(work, args.out, args.roster_size, args.language).run()
    print(f"Screens saved in {args.out}")
    return 0


class Tour:
    def __init__(self, work: Path, out: Path, roster_size: int, language: str | None = None):
        self.work, self.out, self.roster_size = work, out, roster_size
        self.language = language
        self.count = 0

    # -- seeing ---------------------------------------------------------------------
    def shot(self, widget, name: str) -> None:
        from PySide6.QtWidgets import QApplication

        QApplication.processEvents()
        self.count += 1
        path = self.out / f"{self.count:02d}-{name}.png"
        widget.window().grab().save(str(path))
        print(f"  {path.name}  ({widget.window().width()}x{widget.window().height()})")

    def open_and_wait(self, opener, signal, timeout_ms: int = 30_000):
        """``opener()``, then the event loop until ``signal`` (the queue's flags come from
        a background task), so the picture shows what a person sees a moment later."""
        from PySide6.QtCore import QEventLoop, QTimer

        loop = QEventLoop()
        signal.connect(loop.quit)
        QTimer.singleShot(timeout_ms, loop.quit)
        opened = opener()
        loop.exec()
        signal.disconnect(loop.quit)
        return opened

    def later(self, action) -> None:
        """Act on a modal dialog once it is open (exec() blocks until it closes)."""
        from PySide6.QtCore import QTimer

        QTimer.singleShot(0, action)

    # -- the tour -------------------------------------------------------------------
    def run(self) -> None:
        from screening_app.services.demo import prepare_demo
        from screening_app.ui.app import application
        from screening_app.ui.language import install_language

        application()
        if self.language:
            install_language(self.language)
        data_dir = self.work / "station"
        demo = prepare_demo(data_dir, roster_size=self.roster_size)
        self.passwords = {name: password for name, _, password in demo.accounts}
        self.data_dir = data_dir
        self.sign_in_screen()
        window = self.interviewer_session()
        window.services.close()
        self.supervisor_session()

    def sign_in_screen(self) -> None:
        from screening_app.services.locked_station import LockedStation
        from screening_app.ui.app import demo_accounts_hint
        from screening_app.ui.sign_in import SignInDialog

        locked = LockedStation(self.data_dir)
        dialog = SignInDialog(locked, demo_accounts=demo_accounts_hint(locked.station))
        dialog.show()
        self.shot(dialog, "sign-in")
        dialog.close()

    def open_window(self, name: str):
        from screening_app.services.app import StationServices
        from screening_app.ui.main_window import MainWindow

        services, actor = StationServices.unlock(self.data_dir, name, self.passwords[name])
        window = MainWindow(services, actor, lock_minutes=0)
        window.show()
        return window

    def interviewer_session(self):
        from PySide6.QtWidgets import QApplication

        window = self.open_window("interviewer1")
        self.shot(window, "roster")
        window.search_edit.setText("Kim")
        window.apply_search()
        self.shot(window, "roster-search")
        window.search_edit.setText("zzzz-nobody")
        window.apply_search()
        self.shot(window, "roster-no-match")
        window.search_edit.setText("Kim")
        window.apply_search()
        subject = window.selected_subject()
        wizard = window.start_interview(subject.isn)
        self.walk_interview(wizard, subject)
        QApplication.processEvents()
        preview = getattr(window, "preview", None)
        if preview is not None:
            self.shot(preview, "form-preview")
            preview.close()
        # The same person again: the app asks why before anything starts.
        from screening_app.ui.second_interview_dialog import SecondInterviewDialog

        def look_and_cancel():
            dialog = QApplication.activeModalWidget()
            if isinstance(dialog, SecondInterviewDialog):
                self.shot(dialog, "second-interview-asks-why")
            dialog.reject()

        self.later(look_and_cancel)
        window.start_interview(subject.isn)
        # A draft opened and paused shows in the roster.
        window.search_edit.setText("Lee")
        window.apply_search()
        other = window.selected_subject()
        wizard = window.start_interview(other.isn)
        self.shot(wizard, "wizard-identity-fresh")
        wizard._on_pause()
        window.apply_search()
        self.shot(window, "roster-draft-open")
        window.lock()
        self.shot(window.lock_dialog, "locked")
        return window

    def walk_interview(self, wizard, subject) -> None:
        from PySide6.QtWidgets import QApplication

        from screening_app.protocol.examples import complete_answers

        answers = complete_answers("enlist")
        answers["present_persons"] = ("Lt. I. Petrov, interviewer\nPak Sung-ho, interpreter\n"
                                      "Observer: L. Berg (ICRC)")
        for key in ("interpreter_name", "observer_name", "observer_body",
                    "interview_language"):
            answers.pop(key)  # filled in from "who is in the room" and the screen language
        wizard.set_language("ko")
        for _ in range(30):
            step = wizard.current_step
            if step == "__review__":
                break
            page = wizard.step_pages[step]
            self.shot(wizard, f"step-{step}")
            for question in wizard.interview.engine.visible_questions(step):
                widget = page.questions[question.id]
                if question.kind == "signature":
                    draw_signature(widget.field.pad)
                    widget.accept_button.click()
                elif question.id in answers:
                    answer_widget(widget, answers[question.id])
                QApplication.processEvents()
            self.shot(wizard, f"step-{step}-answered")
            wizard.go_next()
        for language in ("ko", "zh", "en"):
            wizard.set_language(language)
            self.shot(wizard, f"review-{language}")
        wizard._finish(lambda: wizard._services.interviews.finalise(wizard._actor,
                                                                     wizard.interview.id))

    def supervisor_session(self) -> None:
        window = self.open_window("supervisor")
        self.shot(window, "supervisor-roster")
        for name, opener in (("review-queue", window.open_review_queue),
                             ("dashboard", window.open_dashboard),
                             ("sync", window.open_sync_dialog),
                             ("verify", window.open_verify_dialog),
                             ("print-forms", window.open_batch_print),
                             ("interpreters", window.open_known_people_dialog)):
            if name == "review-queue":
                dialog = self.open_and_wait(opener, window.sig_review_queue_ready)
            else:
                dialog = opener()
            self.shot(dialog, name)
            dialog.close()
        window.services.close()
        admin = self.open_window("admin")
        dialog = admin.open_accounts_dialog()
        self.shot(dialog, "accounts")
        dialog.close()
        admin.services.close()


# -- driving widgets as a person would ---------------------------------------------------
def answer_widget(widget, value) -> None:
    from screening_app.ui.question_widgets import (
        MultiChoiceQuestion,
        OptionsQuestion,
        TextQuestion,
    )

    if isinstance(widget, OptionsQuestion):
        widget.choose_number([option[0] for option in widget._options].index(value) + 1)
    elif isinstance(widget, MultiChoiceQuestion):
        widget.set_value(value)
        widget.sig_answered.emit(widget.question.id, list(value))
    elif isinstance(widget, TextQuestion):
        widget.editor.setFocus()
        if hasattr(widget.editor, "setPlainText"):
            widget.editor.setPlainText(str(value))
        else:
            widget.editor.setText(str(value))
        widget.flush()


def draw_signature(pad) -> None:
    from PySide6.QtCore import QPoint, QPointF, Qt
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    width, height = pad.width(), pad.height()
    for n in range(3):
        y = int(height * (0.35 + 0.15 * n))
        points = [QPoint(int(width * (0.1 + 0.06 * i)), y + (8 if i % 2 else -8))
                  for i in range(12)]
        QTest.mousePress(pad, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                         points[0])
        for point in points[1:]:
            QApplication.sendEvent(pad, QMouseEvent(
                QMouseEvent.Type.MouseMove, QPointF(point), QPointF(pad.mapToGlobal(point)),
                Qt.MouseButton.NoButton, Qt.MouseButton.LeftButton,
                Qt.KeyboardModifier.NoModifier))
        QTest.mouseRelease(pad, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                           points[-1])


if __name__ == "__main__":
    sys.exit(main())
