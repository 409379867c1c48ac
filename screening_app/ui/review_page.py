"""The last page: every answer, the outcome and the signatures, with the declaration the
person signed read back in their language before the record is finalised."""

import html

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QLabel, QTextBrowser, QVBoxLayout, QWidget

from screening_app.protocol import InterviewEngine, Protocol
from screening_app.ui.fonts import statement_font
from screening_app.ui.language import interface_language
from screening_app.ui.question_widgets import answer_html

translate = QCoreApplication.translate
# One table for every step, its first column this wide: the answers line up down the page.
PROMPT_COLUMN_PERCENT = 58


class ReviewPage(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 12, 24, 12)
        title = QLabel(self.tr("Review and finalise"))
        title.setStyleSheet("font-size: 18pt; font-weight: 600")
        layout.addWidget(title)
        self.read_back = QLabel()
        self.read_back.setWordWrap(True)
        self.read_back.setFont(statement_font(17))
        self.read_back.setStyleSheet(
            "background: #eef4ee; border: 1px solid #b9d3b9; border-radius: 6px; padding: 12px")
        layout.addWidget(self.read_back)
        self.summary = QTextBrowser()
        self.summary.setOpenLinks(False)
        layout.addWidget(self.summary, 1)

    def show_interview(self, protocol: Protocol, engine: InterviewEngine, answers: dict,
                       language: str, signature_images: dict[str, bytes],
                       declaration: tuple[tuple[str, str], ...] = ()) -> None:
        ok, reasons = engine.can_finalise()
        if declaration:
            # The same declaration the signatures page showed and the form prints.
            self.read_back.setText("\n\n".join(text for _, text in declaration))
        else:
            self.read_back.setText(self.tr("No choice has been recorded."))
        parts = []
        if not ok:
            parts.append("<p style='color:#b00020'><b>" + self.tr("Not ready to finalise:")
                         + "</b> "
                         + html.escape(" ".join(reasons)) + "</p>")
        flags = engine.flags()
        if flags:
            parts.append("<p><b>" + self.tr("Flags for the supervisor:") + "</b></p><ul>" + "".join(
                f"<li>{html.escape(f.explanation)}</li>" for f in flags) + "</ul>")
        rows = []
        for step in engine.visible_steps():
            rows.append(f"<tr><td colspan='2' style='padding-top:14px'><h3>"
                        f"{html.escape(step.title.get(interface_language()))}</h3></td></tr>")
            for question in engine.visible_questions(step.id):
                value = answers.get(question.id)
                rows.append(
                    f"<tr><td width='{PROMPT_COLUMN_PERCENT}%' style='padding:2px 12px 2px 0'>"
                    f"{html.escape(question.prompt.get(interface_language()))}</td>"
                    "<td style='padding:2px 0'>"
                    f"<b>{answer_html(protocol, question, value, signature_images)}</b>"
                    "</td></tr>")
        parts.append("<table width='100%' cellspacing='0'>" + "".join(rows) + "</table>")
        self.summary.setHtml("".join(parts))
