"""Sync with headquarters from the desktop app: what is not yet acknowledged, and three
ways to move records: push over a link, export a bundle to a USB stick, apply the bundle
headquarters sent back. The work runs on a pool thread with its own station connection;
the dialog shows the outcome in one sentence and refreshes its counts."""

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QSettings, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
)

from screening_app.domain.accounts import Actor, Role
from screening_app.services.app import StationServices
from screening_app.sync.members import record_counts
from screening_app.ui.screen_fit import fit_to_screen
from screening_app.ui.tasks import Task, run_on_services

URL_SETTING = "sync/headquarters_url"
translate = QCoreApplication.translate


def describe_pending(pending: dict[str, int], events: int) -> str:
    """"1 interview, 3 roster entries, 1 history event": counts people read, in the
    interface's language (the message catalogue's, which the app sets to it)."""
    described = record_counts({**pending, "events": events})
    return described or translate("SyncDialog", "nothing: headquarters holds everything")


class SyncDialog(QDialog):
    sig_done = Signal(str)  # the outcome, as shown
    sig_failed = Signal(str)
    sig_status_ready = Signal()  # the counts of what is not yet acknowledged are shown

    def __init__(self, services: StationServices, actor: Actor, parent=None):
        super().__init__(parent)
        self._services = services
        self._actor = actor
        self.task: Task | None = None
        self.setWindowTitle(self.tr("Sync with headquarters"))
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.headquarters_label = QLabel()
        self.pending_label = QLabel()
        self.pending_label.setWordWrap(True)
        self.last_label = QLabel()
        self.certificate_label = QLabel()
        self.certificate_label.setWordWrap(True)
        self.archive_label = QLabel()
        self.archive_label.setWordWrap(True)
        form.addRow(self.tr("Headquarters:"), self.headquarters_label)
        form.addRow(self.tr("Not yet acknowledged:"), self.pending_label)
        form.addRow(self.tr("Last sync:"), self.last_label)
        form.addRow(self.tr("Certificate:"), self.certificate_label)
        form.addRow(self.tr("Archive:"), self.archive_label)
        self.url_edit = QLineEdit(str(QSettings().value(URL_SETTING, "") or ""))
        self.url_edit.setPlaceholderText("https://headquarters:8765")
        self.url_edit.setAccessibleName(self.tr("Headquarters address"))
        form.addRow(self.tr("&Address:"), self.url_edit)
        layout.addLayout(form)

        buttons = QHBoxLayout()
        self.push_button = QPushButton(self.tr("&Push over the link"))
        self.export_button = QPushButton(self.tr("&Export to a folder or stick…"))
        self.apply_button = QPushButton(self.tr("&Apply a bundle from headquarters…"))
        self.trust_button = QPushButton(self.tr("&Headquarters file…"))
        self.trust_button.setVisible(actor.role == Role.ADMIN)
        for button in (self.push_button, self.export_button, self.apply_button,
                       self.trust_button):
            buttons.addWidget(button)
        layout.addLayout(buttons)
        self.outcome_label = QLabel()
        self.outcome_label.setWordWrap(True)
        layout.addWidget(self.outcome_label)
        layout.addStretch()
        closing = QHBoxLayout()
        closing.addStretch()
        close = QPushButton(self.tr("Close"))
        close.clicked.connect(self.accept)
        closing.addWidget(close)
        layout.addLayout(closing)

        self.push_button.clicked.connect(self.push)
        self.export_button.clicked.connect(self.choose_export_folder)
        self.apply_button.clicked.connect(self.choose_bundle)
        self.trust_button.clicked.connect(self.choose_headquarters_file)
        self.refresh()
        fit_to_screen(self, 720, 320)

    # -- what is shown ------------------------------------------------------------------
    def refresh(self) -> None:
        """What is not yet acknowledged is counted on a pool thread: it compares a digest
        of every roster entry, which for a large roster takes seconds."""
        trusted = self._services.sync.headquarters()
        self.headquarters_label.setText(trusted.name if trusted else self.tr(
            "not set: an admin installs headquarters-public.json"))
        self.pending_label.setText(self.tr("counting…"))
        ready = trusted is not None and self.task is None
        for button in (self.push_button, self.export_button, self.apply_button):
            button.setEnabled(ready)
        actor = self._actor
        self.status_task = run_on_services(
            self._services, lambda services, _report, _token: services.sync.status(actor),
            on_success=self._show_status, on_failure=self.pending_label.setText)

    def _show_status(self, status) -> None:
        self.pending_label.setText(describe_pending(status.pending, status.events_pending))
        self.last_label.setText(self.tr("exported {exported}, acknowledged {acknowledged}").format(
            exported=_when(status.last_export_at),
            acknowledged=_when(status.last_acknowledged_at)))
        # A certificate ending with no renewal in sight is said in full (the service's
        # sentence); otherwise its last day is enough.
        self.certificate_label.setText(" ".join(status.expiry_warnings) or self.tr(
            "valid until {date}").format(date=status.certificate_ends or "—"))
        # Forms headquarters stamped stay verifiable after the certificates that signed
        # them end (the acknowledgement carries the stamped copy's digest).
        self.archive_label.setText(self.tr(
            "{count} forms stamped at headquarters (kept verifiable for the long term)").format(
                count=status.forms_stamped))
        self.sig_status_ready.emit()

    # -- actions ---------------------------------------------------------------------------
    def push(self) -> None:
        url = self.url_edit.text().strip()
        if not url:
            self._show_failure(self.tr("Type the address of headquarters first."))
            return
        QSettings().setValue(URL_SETTING, url)

        def work(services: StationServices) -> str:
            exported, applied = services.sync.push(self._actor, url)
            return translate("SyncDialog", "Sent {sent} Headquarters answered: {answer}").format(
                sent=exported.summary(), answer=applied.summary())
        self._run(work, self.tr("Sending to headquarters…"))

    def choose_export_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Export the bundle to"))
        if folder:
            self.export_to(Path(folder))

    def export_to(self, folder: Path) -> None:
        def work(services: StationServices) -> str:
            exported = services.sync.export(self._actor, folder)
            return translate("SyncDialog", "Wrote {bundle} Carry it to headquarters and apply"
                             " the bundle they send back.").format(bundle=exported.summary())
        self._run(work, self.tr("Writing the bundle…"))

    def choose_bundle(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Bundle from headquarters"), "",
                                              self.tr("Bundles (*.scb)"))
        if path:
            self.apply_bundle(Path(path))

    def apply_bundle(self, path: Path) -> None:
        self._run(lambda services: services.sync.apply(self._actor, path).summary(),
                  self.tr("Applying the bundle…"))

    def choose_headquarters_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Headquarters public file"), "",
                                              self.tr("Headquarters file (*.json)"))
        if not path:
            return
        from screening_app.domain.errors import UserError

        try:
            trusted = self._services.sync.trust_headquarters(self._actor, Path(path))
        except UserError as error:
            self._show_failure(str(error))
            return
        self._show_outcome(self.tr("This station now sends its records to {name}.").format(
            name=repr(trusted.name)))

    def _run(self, work, message: str) -> None:
        """``work(services)`` on a pool thread, with the signed-in session's keys (the work
        signs the bundle)."""
        self.outcome_label.setText(message)
        for button in (self.push_button, self.export_button, self.apply_button):
            button.setEnabled(False)
        self.task = run_on_services(
            self._services, lambda services, _report, _token: work(services),
            on_success=self._show_outcome, on_failure=self._show_failure)

    def _show_outcome(self, text: str) -> None:
        self.task = None
        self.outcome_label.setText(text)
        self.refresh()
        self.sig_done.emit(text)

    def _show_failure(self, text: str) -> None:
        self.task = None
        self.outcome_label.setText(self.tr("Not done: {reason}").format(reason=text))
        self.refresh()
        self.sig_failed.emit(text)


def _when(timestamp: str | None) -> str:
    if not timestamp:
        return translate("SyncDialog", "never")
    return timestamp[:16].replace("T", " ") + " UTC"
