"""One signer's part of the signatures page: a title, the pad, Clear / Undo stroke, the
thumbprint option for someone who cannot write, and (for interpreters and observers) a line
for the signer's name.

The wizard asks ``validate()`` for the reason it may not go on, and takes ``result()`` once
that reason is None.
"""

from dataclasses import dataclass
from typing import Literal

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from screening_app.ui.signature_pad import Point, SignaturePad

# Translated where shown (the interface's language is installed after this import).
THUMBPRINT_NOTE = QT_TRANSLATE_NOOP(
    "SignatureField", "A thumbprint box will be printed on the form; the print is taken on paper.")
NAME_MISSING = QT_TRANSLATE_NOOP("SignatureField", "Type the name of the person signing.")


@dataclass(frozen=True)
class SignatureResult:
    """What one signer gave. A thumbprint has no strokes and no image: the print itself is
    taken on the paper form."""

    mode: Literal["signature", "thumbprint"]
    strokes: tuple[tuple[Point, ...], ...]
    png: bytes | None
    signer_name: str | None


class SignatureField(QWidget):
    sig_changed = Signal()

    def __init__(self, title: str, with_name: bool = False, parent: QWidget | None = None,
                 *, allow_thumbprint: bool = True):
        super().__init__(parent)
        self._with_name = with_name
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

        self.title_label = QLabel(title)
        self.title_label.setTextFormat(Qt.TextFormat.PlainText)
        self.title_label.setWordWrap(True)
        self.title_label.setStyleSheet("font-weight: 600")
        layout.addWidget(self.title_label)

        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText(self.tr("Full name as the signer writes it"))
        self.name_edit.setAccessibleName(self.tr("Name of the signer: {title}").format(title=title))
        if with_name:
            # Alt+M: Alt+N and Alt+B belong to the wizard's Next and Back.
            name_label = QLabel(self.tr("Signer's na&me:"))
            name_label.setBuddy(self.name_edit)
            row = QHBoxLayout()
            row.addWidget(name_label)
            row.addWidget(self.name_edit, 1)
            layout.addLayout(row)
        else:
            self.name_edit.hide()

        self.pad = SignaturePad()
        self.pad.setAccessibleName(self.tr("Signature pad: {title}").format(title=title))
        layout.addWidget(self.pad)

        self.clear_button = QPushButton(self.tr("&Clear"))
        self.undo_button = QPushButton(self.tr("&Undo stroke"))
        self.thumbprint_box = QCheckBox(self.tr("T&humbprint instead (cannot write)"))
        for button in (self.clear_button, self.undo_button):
            button.setAutoDefault(False)  # Enter belongs to the wizard's Next
        buttons = QHBoxLayout()
        buttons.addWidget(self.clear_button)
        buttons.addWidget(self.undo_button)
        buttons.addStretch()
        buttons.addWidget(self.thumbprint_box)
        # Where the protocol allows a thumbprint only for someone who may not write (the
        # person interviewed), staff are not offered one.
        self.thumbprint_box.setVisible(allow_thumbprint)
        layout.addLayout(buttons)

        self.thumbprint_note = QLabel(QCoreApplication.translate("SignatureField", THUMBPRINT_NOTE))
        self.thumbprint_note.setWordWrap(True)
        self.thumbprint_note.setStyleSheet(
            "background: #f6f4ee; border: 1px solid #ddd6c4; border-radius: 4px; padding: 6px")
        self.thumbprint_note.hide()
        layout.addWidget(self.thumbprint_note)
        # Spare height goes below the field, so the pad keeps its 3:1 proportions.
        layout.addStretch(1)

        self._recorded = False
        self.setFocusProxy(self.pad)
        self.clear_button.clicked.connect(self.pad.clear)
        self.undo_button.clicked.connect(self.pad.undo_last_stroke)
        self.thumbprint_box.toggled.connect(self._on_thumbprint_box_toggled)
        self.pad.sig_changed.connect(self._on_pad_sig_changed)
        self.name_edit.textChanged.connect(self.sig_changed)
        self._update_buttons()

    def show_recorded(self, mode: str, strokes) -> None:
        """Show a signature already recorded: its strokes drawn again (or the thumbprint
        box ticked), read-only, with Clear and Undo off until ``start_again``."""
        self.thumbprint_box.blockSignals(True)
        self.thumbprint_box.setChecked(mode == "thumbprint")
        self.thumbprint_box.blockSignals(False)
        self.thumbprint_note.setVisible(mode == "thumbprint")
        if strokes:
            self.pad.set_strokes(strokes)
        self.pad.set_read_only(True)
        self.pad.setEnabled(mode != "thumbprint")
        self._recorded = True
        self._update_buttons()

    def start_again(self) -> None:
        """An empty pad for a new signature (the recorded one stays in the record until a
        new one is accepted)."""
        self._recorded = False
        self.thumbprint_box.setChecked(False)
        self.pad.set_read_only(False)
        self.pad.setEnabled(True)
        self.pad.clear()
        self._update_buttons()

    def is_recorded(self) -> bool:
        return self._recorded

    def is_thumbprint(self) -> bool:
        return self.thumbprint_box.isChecked()

    def signer_name(self) -> str | None:
        return (self.name_edit.text().strip() or None) if self._with_name else None

    def validate(self) -> str | None:
        """None when the field can be accepted, else the reason in one sentence."""
        if not self.is_thumbprint():
            sufficient, reason = self.pad.is_sufficient()
            if not sufficient:
                return reason
        if self._with_name and self.signer_name() is None:
            return QCoreApplication.translate("SignatureField", NAME_MISSING)
        return None

    def result(self) -> SignatureResult | None:
        """The signature or thumbprint given, or None while ``validate()`` has a reason."""
        if self.validate() is not None:
            return None
        if self.is_thumbprint():
            return SignatureResult("thumbprint", (), None, self.signer_name())
        strokes = tuple(tuple(stroke) for stroke in self.pad.strokes())
        return SignatureResult("signature", strokes, self.pad.render_png(), self.signer_name())

    def _on_thumbprint_box_toggled(self, checked: bool) -> None:
        # The drawing stays (greyed) so unticking the box by mistake loses nothing.
        self.pad.setEnabled(not checked)
        self.thumbprint_note.setVisible(checked)
        self._update_buttons()
        self.sig_changed.emit()

    def _on_pad_sig_changed(self) -> None:
        self._update_buttons()
        self.sig_changed.emit()

    def _update_buttons(self) -> None:
        drawing = not self._recorded and not self.is_thumbprint() and not self.pad.is_empty()
        self.clear_button.setEnabled(drawing)
        self.undo_button.setEnabled(drawing)
        self.thumbprint_box.setEnabled(not self._recorded)
