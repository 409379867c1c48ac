"""The main window: the roster with search-as-you-type, the selected person, and the
interview wizard in its place while an interview is under way."""

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from screening_app.domain.accounts import Actor, Role
from screening_app.domain.errors import UserError
from screening_app.services.app import StationServices
from screening_app.services.interviews import Interview
from screening_app.ui.idle_lock import IdleLock
from screening_app.ui.language import LanguageMenu, interface_language, role_name
from screening_app.ui.protocol_wording import ProtocolWording
from screening_app.ui.roster_model import RosterTableModel, SubjectRole
from screening_app.ui.screen_fit import fit_to_screen
from screening_app.ui.sign_in import SignInDialog
from screening_app.ui.subject_panel import SubjectPanel
from screening_app.ui.tasks import run_on_services

if TYPE_CHECKING:  # imported when first used: the roster window opens without them
    from screening_app.ui.batch_print import BatchPrintDialog
    from screening_app.ui.interview_wizard import InterviewWizard
    from screening_app.ui.pdf_preview import PdfPreviewDialog

DEFAULT_LOCK_MINUTES = 5.0
SEARCH_DELAY_MS = 120
# Roster columns: room around the text (the cell's margins), and the narrowest and widest a
# column starts (a longer name found later is elided, with a tooltip).
COLUMN_PADDING = 18
MIN_COLUMN_WIDTH, MAX_COLUMN_WIDTH = 80, 240


class MainWindow(QMainWindow):
    sig_locked = Signal()
    sig_unlocked = Signal()
    sig_review_queue_ready = Signal()  # the queue's flags have arrived
    sig_backup_done = Signal(str)  # what the status bar says after a backup

    def __init__(self, services: StationServices, actor: Actor, *,
                 lock_minutes: float | None = None, demo_accounts: str | None = None):
        super().__init__()
        self.services = services
        self.actor = actor
        self.wizard: InterviewWizard | None = None
        self.lock_dialog: SignInDialog | None = None
        self._row_chosen = False  # a row the interviewer selected, not the first by default
        self._demo_accounts = demo_accounts
        station = services.station
        title = self.tr("Screening — {station} ({camp})").format(
            station=station.station_id, camp=station.camp)
        self.setWindowTitle(title + (self.tr(" — DEMO") if station.demo else ""))
        fit_to_screen(self, 1200, 780)

        self.stack = QStackedWidget()
        self.setCentralWidget(self.stack)
        roster_page = QWidget()
        roster_layout = QVBoxLayout(roster_page)
        # A supervisor is reminded, every day, until a backup is made.
        self.backup_banner = QLabel(self.tr("No backup has been made today: <b>Station &gt;"
                                            " Back up…</b> (Ctrl+Shift+B) writes an encrypted"
                                            " copy to a stick."))
        self.backup_banner.setStyleSheet("background: #fff4ce; color: #5c4400; padding: 6px;"
                                         " border: 1px solid #e0c060")
        self.backup_banner.setVisible(False)
        roster_layout.addWidget(self.backup_banner)
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(
            self.tr("Search by ISN or name (한글, 漢字, Latin)…"))
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setAccessibleName(self.tr("Search the roster"))
        roster_layout.addWidget(self.search_edit)
        splitter = QSplitter()
        self.roster_view = QTableView()
        self.roster_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.roster_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.roster_view.verticalHeader().setVisible(False)
        # One line per person, elided (its tooltip shows it whole): cells are drawn without
        # a text layout for wrapping, and rows without measuring their height, at every
        # keystroke of a search.
        self.roster_view.setWordWrap(False)
        self.roster_view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.roster_view.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.Interactive)
        self.roster_view.horizontalHeader().setStretchLastSection(True)
        self.roster_view.setAlternatingRowColors(True)
        self.roster_model = RosterTableModel(services, actor, self)
        self.roster_view.setModel(self.roster_model)
        self._fit_roster_columns()
        # Said over the empty table when a search finds no one (a blank table says nothing).
        self.no_match_label = QLabel()
        self.no_match_label.setTextFormat(Qt.TextFormat.PlainText)
        self.no_match_label.setWordWrap(True)
        self.no_match_label.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.no_match_label.setVisible(False)
        QVBoxLayout(self.roster_view.viewport()).addWidget(
            self.no_match_label, 0, Qt.AlignmentFlag.AlignTop)
        splitter.addWidget(self.roster_view)
        self.subject_panel = SubjectPanel()
        self.subject_panel.wording = ProtocolWording(services.interviews.current_protocol())
        splitter.addWidget(self.subject_panel)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        # The table starts as wide as its columns, the panel takes the rest (the splitter
        # shares out its width in these proportions once the window is laid out).
        margins = roster_layout.contentsMargins()
        table_width = (self.roster_view.horizontalHeader().length()
                       + self.roster_view.verticalScrollBar().sizeHint().width()
                       + 2 * self.roster_view.frameWidth())
        splitter.setSizes([table_width, max(1, self.width() - table_width - margins.left()
                                            - margins.right() - splitter.handleWidth())])
        roster_layout.addWidget(splitter, 1)
        self.stack.addWidget(roster_page)
        self.roster_page = roster_page

        # Search as you type, once typing pauses for a moment.
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.apply_search)
        self.search_edit.textChanged.connect(lambda _t: self._search_timer.start())
        self.search_edit.returnPressed.connect(self._on_search_return)
        self.roster_view.selectionModel().currentRowChanged.connect(self._on_row_changed)
        self.roster_view.activated.connect(lambda _index: self.start_interview_for_selected())
        self.subject_panel.sig_start_interview.connect(self.start_interview)
        self.subject_panel.sig_show_form.connect(self.show_form)

        self._build_menus()
        self.user_label = QLabel()
        self.statusBar().addPermanentWidget(self.user_label)
        self._update_user_label()

        settings = QSettings("screening-app", "screening-app")
        minutes = lock_minutes if lock_minutes is not None else float(
            settings.value("lock_after_minutes", DEFAULT_LOCK_MINUTES))
        self.idle_lock = IdleLock(minutes, self)
        self.idle_lock.sig_idle.connect(self.lock)
        self.search_edit.setFocus()

    # -- menus ------------------------------------------------------------------------
    def _build_menus(self) -> None:
        station_menu = self.menuBar().addMenu(self.tr("&Station"))
        self.lock_action = QAction(self.tr("&Lock"), self, shortcut=QKeySequence("Ctrl+L"))
        self.lock_action.triggered.connect(self.lock)
        station_menu.addAction(self.lock_action)
        verify_action = QAction(self.tr("&Verify a form…"), self,
                                shortcut=QKeySequence("Ctrl+Shift+V"))
        verify_action.triggered.connect(self.open_verify_dialog)
        station_menu.addAction(verify_action)
        idle_action = QAction(self.tr("Lock &after…"), self)
        idle_action.triggered.connect(self._on_set_lock_minutes)
        station_menu.addAction(idle_action)
        self.accounts_action = QAction(self.tr("A&ccounts…"), self)
        self.accounts_action.triggered.connect(self.open_accounts_dialog)
        station_menu.addAction(self.accounts_action)
        self.known_people_action = QAction(self.tr("&Interpreters and observers…"), self)
        self.known_people_action.triggered.connect(self.open_known_people_dialog)
        station_menu.addAction(self.known_people_action)
        self.change_password_action = QAction(self.tr("Change my &password…"), self)
        self.change_password_action.triggered.connect(self.open_change_password_dialog)
        station_menu.addAction(self.change_password_action)
        self._update_account_actions()
        self.sig_unlocked.connect(self._update_account_actions)  # after a switch of user
        station_menu.addSeparator()
        self.sync_action = QAction(self.tr("S&ync with headquarters…"), self,
                                   shortcut=QKeySequence("Ctrl+Shift+Y"))
        self.sync_action.triggered.connect(self.open_sync_dialog)
        station_menu.addAction(self.sync_action)
        self.backup_action = QAction(self.tr("&Back up…"), self,
                                     shortcut=QKeySequence("Ctrl+Shift+B"))
        self.backup_action.triggered.connect(self.choose_backup_folder)
        station_menu.addAction(self.backup_action)
        self._update_oversight_actions()
        self.sig_unlocked.connect(self._update_oversight_actions)
        station_menu.addSeparator()
        self.language_menu = LanguageMenu(self)
        station_menu.addMenu(self.language_menu)
        station_menu.addSeparator()
        quit_action = QAction(self.tr("&Quit"), self, shortcut=QKeySequence("Ctrl+Q"))
        quit_action.triggered.connect(self.close)
        station_menu.addAction(quit_action)

        interview_menu = self.menuBar().addMenu(self.tr("&Interview"))
        self.start_action = QAction(self.tr("&Start interview with the selected person"), self,
                                    shortcut=QKeySequence("Ctrl+I"))
        self.start_action.triggered.connect(self.start_interview_for_selected)
        interview_menu.addAction(self.start_action)
        self.resume_action = QAction(self.tr("&Resume an unfinished interview…"), self,
                                     shortcut=QKeySequence("Ctrl+R"))
        self.resume_action.triggered.connect(self.offer_resume)
        interview_menu.addAction(self.resume_action)
        self.sent_back_action = QAction(self.tr("Sent &back to me…"), self,
                                        shortcut=QKeySequence("Ctrl+B"))
        self.sent_back_action.triggered.connect(self.offer_sent_back)
        interview_menu.addAction(self.sent_back_action)
        self.review_action = QAction(self.tr("Re&view queue…"), self,
                                     shortcut=QKeySequence("Ctrl+E"))
        self.review_action.triggered.connect(self.open_review_queue)
        self.review_action.setVisible(self.actor.role in (Role.SUPERVISOR, Role.ADMIN))
        interview_menu.addAction(self.review_action)
        self.dashboard_action = QAction(self.tr("&Dashboard…"), self,
                                        shortcut=QKeySequence("Ctrl+D"))
        self.dashboard_action.triggered.connect(self.open_dashboard)
        self.dashboard_action.setVisible(self.actor.role in (Role.SUPERVISOR, Role.ADMIN))
        interview_menu.addAction(self.dashboard_action)
        find = QAction(self.tr("&Find person"), self, shortcut=QKeySequence("Ctrl+F"))
        find.triggered.connect(self._focus_search)
        interview_menu.addAction(find)
        interview_menu.addSeparator()
        self.print_forms_action = QAction(self.tr("&Print forms…"), self,
                                          shortcut=QKeySequence("Ctrl+P"))
        self.print_forms_action.triggered.connect(self.open_batch_print)
        interview_menu.addAction(self.print_forms_action)
        # These work from any of the app's windows (the review queue, the dashboard, a
        # preview), not only when the main window has the focus.
        for action in (self.lock_action, verify_action, self.sync_action, self.backup_action,
                       quit_action, self.resume_action, self.sent_back_action,
                       self.review_action, self.dashboard_action, self.print_forms_action):
            action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)

    def open_batch_print(self) -> "BatchPrintDialog":
        from screening_app.ui.batch_print import BatchPrintDialog

        dialog = getattr(self, "batch_print_dialog", None)
        if dialog is not None and dialog.isVisible():
            dialog.raise_()
            dialog.activateWindow()
            return dialog
        self.batch_print_dialog = BatchPrintDialog(self.services, self.actor, self)
        # The list names people: it goes out of sight when the station locks (a print
        # under way carries on), and the next Ctrl+P opens it for whoever signs in.
        self.sig_locked.connect(self.batch_print_dialog.hide)
        self.batch_print_dialog.show()
        return self.batch_print_dialog

    def _focus_search(self) -> None:
        if self.stack.currentWidget() is self.roster_page:
            self.search_edit.setFocus()
            self.search_edit.selectAll()

    def _update_user_label(self) -> None:
        # The name people read (full name and rank); the login name when there is none.
        self.user_label.setText(self.tr("Signed in: {name} ({role})").format(
            name=self.actor.label, role=role_name(self.actor.role)))

    # -- roster ---------------------------------------------------------------------
    def _fit_roster_columns(self) -> None:
        """Each column as wide as its header and the widest value it shows now (for the
        status, its widest label), up to a bound: beyond it a value is elided, and its
        tooltip shows it whole."""
        view, model = self.roster_view, self.roster_model
        values, headers = view.fontMetrics(), view.horizontalHeader().fontMetrics()
        for column in range(model.columnCount()):
            header = model.headerData(column, Qt.Orientation.Horizontal)
            widest = max([values.horizontalAdvance(text) for text in model.texts_of(column)]
                         + [headers.horizontalAdvance(header)])
            view.setColumnWidth(column, max(MIN_COLUMN_WIDTH,
                                            min(widest + COLUMN_PADDING, MAX_COLUMN_WIDTH)))

    def apply_search(self) -> None:
        self._search_timer.stop()
        self.roster_model.set_query(self.search_edit.text())
        found = self.roster_model.rowCount()
        self.no_match_label.setVisible(not found)
        if found:
            self.roster_view.selectRow(0)
        else:
            self.no_match_label.setText(
                self.tr("No one matches “{query}”.").format(query=self.roster_model.query)
                if self.roster_model.query else self.tr("The roster is empty."))
            self.subject_panel.show_subject(None, [], False)
        self._row_chosen = False  # the first row is selected for the person, not by them

    def _on_search_return(self) -> None:
        """Enter starts the interview when it is clear with whom: the search found one
        person, or the interviewer chose a row; otherwise it goes on to the table."""
        if (self._search_timer.isActive()
                or self.roster_model.query != self.search_edit.text().strip()):
            self.apply_search()  # what was typed last is not searched yet
        found = self.roster_model.rowCount()
        if found == 1 or (found and self._row_chosen):
            self.start_interview_for_selected()
        else:
            self.roster_view.setFocus()

    def _on_row_changed(self, current, _previous) -> None:
        self._row_chosen = True
        subject = self.roster_model.data(current, SubjectRole) if current.isValid() else None
        self._show_subject(subject)

    def _show_subject(self, subject) -> None:
        history = (self.services.interviews.list(self.actor, subject_isn=subject.isn)
                   if subject else [])
        self.subject_panel.show_subject(
            subject, history, self.actor.role in (Role.INTERVIEWER, Role.SUPERVISOR))

    def selected_subject(self):
        index = self.roster_view.currentIndex()
        return self.roster_model.data(index, SubjectRole) if index.isValid() else None

    # -- interviews -----------------------------------------------------------------
    def start_interview_for_selected(self) -> None:
        subject = self.selected_subject()
        if subject is not None:
            self.start_interview(subject.isn)

    def start_interview(self, isn: str) -> "InterviewWizard | None":
        """Start an interview of the person, deliberately: someone with an open draft or a
        finalised record is not interviewed again without saying so and asking why."""
        if self.wizard is not None:
            return None
        from screening_app.ui.second_interview_dialog import (
            DISCARD,
            RESUME,
            OpenDraftDialog,
            SecondInterviewDialog,
        )

        try:
            prior = self.services.interviews.prior(self.actor, isn)
            subject = self.services.roster.get(self.actor, isn)
            if prior.open_draft is not None:
                dialog = OpenDraftDialog(subject, prior, self)
                if dialog.exec() != OpenDraftDialog.DialogCode.Accepted:
                    return None
                if dialog.outcome == RESUME:
                    return self.open_wizard(
                        self.services.interviews.load(self.actor, prior.open_draft.id))
                if dialog.outcome == DISCARD and not self._discard_draft(prior.open_draft.id):
                    return None
                prior = self.services.interviews.prior(self.actor, isn)
            purpose = None
            if prior.latest_final_id is not None:
                # A new interview of someone already interviewed (after a send-back, or to
                # withdraw or reconfirm a choice) is linked to their latest record.
                dialog = SecondInterviewDialog(subject, prior, self)
                if dialog.exec() != SecondInterviewDialog.DialogCode.Accepted:
                    return None
                purpose = dialog.purpose()
            interview = self.services.interviews.start(
                self.actor, isn, supersedes_id=prior.latest_final_id, purpose=purpose)
        except UserError as error:
            QMessageBox.warning(self, self.tr("Cannot start"), str(error))
            return None
        return self.open_wizard(interview)

    def _discard_draft(self, interview_id: str) -> bool:
        reason, ok = QInputDialog.getText(
            self, self.tr("Discard the draft"), self.tr(
                "The draft stays in the history as discarded, with your name. Why is it"
                " discarded?"), text=self.tr("Opened for the wrong person"))
        if not ok:
            return False
        try:
            self.services.interviews.discard_draft(self.actor, interview_id, reason)
        except UserError as error:
            QMessageBox.warning(self, self.tr("Not discarded"), str(error))
            return False
        return True

    def open_wizard(self, interview: Interview) -> "InterviewWizard":
        from screening_app.ui.interview_wizard import InterviewWizard

        self.wizard = InterviewWizard(self.services, self.actor, interview)
        self.wizard.sig_finalised.connect(self._on_wizard_finalised)
        self.wizard.sig_paused.connect(lambda _id: self.close_wizard())
        self.wizard.sig_discarded.connect(self._on_wizard_discarded)
        self.stack.addWidget(self.wizard)
        self.stack.setCurrentWidget(self.wizard)
        self.menuBar().setEnabled(True)
        # Focus given while the wizard was being built, out of sight, does not hold.
        self.wizard.focus_current()
        return self.wizard

    def close_wizard(self) -> None:
        if self.wizard is None:
            return
        isn = self.wizard.interview.record.subject_isn
        self.stack.setCurrentWidget(self.roster_page)
        self.stack.removeWidget(self.wizard)
        self.wizard.deleteLater()
        self.wizard = None
        self.roster_model.refresh_status(isn)
        self._show_subject(self.selected_subject())
        self.search_edit.setFocus()

    def _on_wizard_discarded(self, _interview_id: str) -> None:
        self.close_wizard()
        self.statusBar().showMessage(self.tr("The draft was discarded; it stays in the history"
                                             " with your name."), 8000)

    def _on_wizard_finalised(self, interview: Interview) -> None:
        self.close_wizard()
        self.statusBar().showMessage(
            self.tr("Interview {id} finalised and sealed.").format(id=interview.id[:8]), 8000)
        # The form just signed and stored comes with the sealed interview: shown from those
        # bytes, not read back from the database.
        self.show_form(interview.id, interview.form)

    def show_form(self, interview_id: str, document=None) -> "PdfPreviewDialog | None":
        """Preview the interview's form: ``document`` (a StoredDocument) when given, else
        the newest stored revision."""
        from screening_app.ui.pdf_preview import PdfPreviewDialog

        if document is None:
            try:
                document = self.services.documents.latest(self.actor, interview_id)
            except UserError as error:
                QMessageBox.information(self, self.tr("Stored form"), str(error))
                return None
        dialog = PdfPreviewDialog(self.services, self.actor, document, self)
        dialog.setModal(False)
        self.sig_locked.connect(dialog.hide)  # a person's form never stays on a locked screen
        dialog.show()
        self.preview = dialog
        return dialog

    def offer_resume(self) -> Interview | None:
        """Offer to resume this account's unfinished interviews, newest first."""
        if self.wizard is not None or self.actor.role not in (Role.INTERVIEWER,
                                                              Role.SUPERVISOR):
            return None
        drafts = self.services.interviews.drafts(self.actor)
        if not drafts:
            return None
        names = [self.tr("{native} {latin} ({isn}) — at “{step}”, started {started}").format(
                     native=d.record.subject_snapshot.get("name_native") or "",
                     latin=d.record.subject_snapshot.get("name_latin") or "",
                     isn=d.record.subject_isn, step=_step_title(d),
                     started=d.record.started_at[:16].replace("T", " "))
                 for d in reversed(drafts)]
        choice, ok = QInputDialog.getItem(
            self, self.tr("Resume an unfinished interview"),
            self.tr("These interviews were not finished; every answer given was saved.\n"
                    "Resume one now?"), names, 0, False)
        if not ok:
            return None
        interview = list(reversed(drafts))[names.index(choice)]
        self.open_wizard(interview)
        return interview

    def _raised(self, name: str):
        """The dialog kept under ``name`` if it is on screen (raised to the front), else
        None: a shortcut pressed twice brings the same window forward."""
        dialog = getattr(self, name, None)
        if dialog is not None and dialog.isVisible():
            dialog.raise_()
            dialog.activateWindow()
            return dialog
        return None

    def open_dashboard(self):
        from screening_app.ui.dashboard import DashboardDialog

        if self._raised("dashboard_dialog"):
            return self.dashboard_dialog
        self.dashboard_dialog = DashboardDialog(self.services, self.actor, self)
        self.sig_locked.connect(self.dashboard_dialog.hide)
        self.dashboard_dialog.show()
        return self.dashboard_dialog

    def open_review_queue(self):
        from screening_app.ui.review_queue import ReviewQueueDialog

        if self._raised("review_dialog"):
            self.review_dialog.refresh()
            return self.review_dialog
        self.review_dialog = ReviewQueueDialog(self.services, self.actor, self)
        self.review_dialog.sig_show_form.connect(self.show_form)
        self.review_dialog.sig_flags_loaded.connect(self.sig_review_queue_ready)
        self.sig_locked.connect(self.review_dialog.hide)
        self.review_dialog.show()
        return self.review_dialog

    def _update_oversight_actions(self) -> None:
        oversight = self.actor.role in (Role.SUPERVISOR, Role.ADMIN)
        self.sync_action.setVisible(oversight)
        self.backup_action.setVisible(oversight)
        self.backup_banner.setVisible(self.services.backups.needs_reminder(self.actor))

    def open_sync_dialog(self):
        from screening_app.ui.sync_dialog import SyncDialog

        self.sync_dialog = SyncDialog(self.services, self.actor, self)
        self.sig_locked.connect(self.sync_dialog.close)
        self.sync_dialog.show()
        return self.sync_dialog

    def choose_backup_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Back up the station to"))
        if folder:
            self.back_up_to(Path(folder))

    def back_up_to(self, folder: Path) -> None:
        """The copy is made on a pool thread, with its own connection."""
        actor = self.actor
        self.statusBar().showMessage(self.tr("Backing up…"))
        self.backup_task = run_on_services(
            self.services, lambda services, _report, _token: services.backups.backup(
                actor, folder),
            on_success=self._on_backup_made, on_failure=self._on_backup_failed)

    def _on_backup_made(self, made) -> None:
        self.backup_banner.setVisible(self.services.backups.needs_reminder(self.actor))
        message = self.tr("Backed up to {folder} ({events} events, encrypted).").format(
            folder=made.folder, events=made.events)
        self.statusBar().showMessage(message, 15000)
        self.sig_backup_done.emit(message)

    def _on_backup_failed(self, message: str) -> None:
        self.statusBar().showMessage(
            self.tr("No backup was made: {reason}").format(reason=message), 15000)
        QMessageBox.warning(self, self.tr("No backup was made"), message)
        self.sig_backup_done.emit(f"failed: {message}")

    def _update_account_actions(self) -> None:
        self.accounts_action.setVisible(self.actor.role == Role.ADMIN)
        self.known_people_action.setVisible(self.actor.role in (Role.SUPERVISOR, Role.ADMIN))

    def open_known_people_dialog(self):
        from screening_app.ui.known_people_dialog import KnownPeopleDialog

        self.known_people_dialog = KnownPeopleDialog(self.services, self.actor, self)
        self.sig_locked.connect(self.known_people_dialog.close)
        self.known_people_dialog.show()
        return self.known_people_dialog

    def open_accounts_dialog(self):
        from screening_app.ui.accounts_dialog import AccountsDialog

        self.accounts_dialog = AccountsDialog(self.services, self.actor, self)
        self.sig_locked.connect(self.accounts_dialog.close)
        self.accounts_dialog.show()
        return self.accounts_dialog

    def open_change_password_dialog(self):
        from screening_app.ui.accounts_dialog import ChangePasswordDialog

        dialog = ChangePasswordDialog(self.services, self.actor, self)
        self.sig_locked.connect(dialog.close)
        dialog.accepted.connect(lambda: self.statusBar().showMessage(
            self.tr("Your password is changed; use the new one from now on."), 8000))
        dialog.open()
        self.change_password_dialog = dialog
        return dialog

    def open_verify_dialog(self):
        from screening_app.ui.verify_dialog import VerifyDialog

        self.verify_dialog = VerifyDialog(self.services, self.actor, self)
        self.verify_dialog.show()
        return self.verify_dialog

    def offer_sent_back(self) -> Interview | None:
        """Interviews a supervisor sent back to this interviewer, with the reason; choosing
        one starts a new interview of that person, linked to the one sent back."""
        if self.wizard is not None:
            return None
        items = self.services.reviews.sent_back_to(self.actor)
        if not items:
            self.statusBar().showMessage(self.tr("Nothing was sent back to you."), 5000)
            return None
        labels = [f"{i.subject_name} ({i.subject_isn}): {i.reason}" for i in items]
        choice, ok = QInputDialog.getItem(
            self, self.tr("Sent back to you"),
            self.tr("A supervisor sent these back. Interview the person again?"), labels, 0,
            False)
        if not ok:
            return None
        item = items[labels.index(choice)]
        try:
            interview = self.services.interviews.start(self.actor, item.subject_isn,
                                                       supersedes_id=item.interview_id)
        except UserError as error:
            QMessageBox.warning(self, self.tr("Cannot start"), str(error))
            return None
        self.open_wizard(interview)
        return interview

    # -- locking --------------------------------------------------------------------
    def lock(self) -> None:
        """Hide everything behind a password; the work under way is kept as it is."""
        if self.lock_dialog is not None:
            return
        self.idle_lock.pause()
        self.services.sign_out()  # the station key is forgotten until a password unlocks it
        self.stack.setVisible(False)
        self.sig_locked.emit()
        self.lock_dialog = SignInDialog(self.services, self, locked_user=self.actor.name,
                                        demo_accounts=self._demo_accounts)
        self.lock_dialog.setModal(True)
        self.lock_dialog.finished.connect(self._on_lock_finished)
        self.lock_dialog.open()

    def _on_lock_finished(self, result: int) -> None:
        dialog, self.lock_dialog = self.lock_dialog, None
        if result != SignInDialog.DialogCode.Accepted or dialog.actor is None:
            self.lock()  # there is no way past the lock but a password
            return
        if dialog.actor.user_id != self.actor.user_id:
            self.switch_user(dialog.actor)
        self.stack.setVisible(True)
        self.idle_lock.restart()
        self.sig_unlocked.emit()
        # The keyboard goes back to where the work is.
        self.activateWindow()
        if self.wizard is not None:
            self.wizard.focus_current()
        else:
            self.search_edit.setFocus()

    def switch_user(self, actor: Actor) -> None:
        """Another person takes the station: any open interview stays saved as a draft
        for its own interviewer, and the roster is shown as the new user may see it."""
        self.close_wizard()
        self.actor = actor
        self.roster_model = RosterTableModel(self.services, actor, self)
        self.roster_view.setModel(self.roster_model)
        self.roster_view.selectionModel().currentRowChanged.connect(self._on_row_changed)
        self.search_edit.clear()
        self._update_user_label()
        self.review_action.setVisible(actor.role in (Role.SUPERVISOR, Role.ADMIN))
        self.dashboard_action.setVisible(actor.role in (Role.SUPERVISOR, Role.ADMIN))
        self._show_subject(None)

    def _on_set_lock_minutes(self) -> None:
        minutes, ok = QInputDialog.getDouble(
            self, self.tr("Lock after"), self.tr("Lock after this many idle minutes (0 = never):"),
            self.idle_lock.minutes, 0, 240, 1)
        if ok:
            QSettings("screening-app", "screening-app").setValue("lock_after_minutes", minutes)
            self.idle_lock.set_minutes(minutes)

    def closeEvent(self, event) -> None:
        # Typing not yet saved is saved now; the draft itself is already on disk.
        if self.wizard is not None and self.wizard.current_step in self.wizard.step_pages:
            self.wizard.step_pages[self.wizard.current_step].flush()
        super().closeEvent(event)


def _step_title(interview: Interview) -> str:
    """Where a draft stopped, in the protocol's words."""
    step_id = interview.record.current_step or interview.protocol.steps[0].id
    try:
        return interview.protocol.step(step_id).title.get(interface_language())
    except UserError:
        return interview.protocol.steps[0].title.get(interface_language())
