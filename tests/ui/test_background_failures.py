"""Work run off the GUI thread, and failures nothing caught: a refusal is said as it
explains itself; anything unexpected is logged with its traceback (places only, never
what it was about) and said in one sentence with where the log is."""

import sys

from PySide6.QtWidgets import QMessageBox

from screening_app.domain.errors import UserError
from screening_app.failure_log import log_path
from screening_app.ui.failures import install_exception_hook
from screening_app.ui.tasks import run_on_services


def _run(qtbot, services, work):
    outcome = []
    task = run_on_services(services, work, on_success=lambda result: outcome.append(
        ("done", result)), on_failure=lambda sentence: outcome.append(("failed", sentence)))
    qtbot.waitUntil(lambda: bool(outcome), timeout=10_000)
    assert task is not None
    return outcome[0]


def test_work_runs_with_services_of_its_own_thread_and_returns_its_result(
        qtbot, roster_station):
    services = roster_station.services
    kind, result = _run(qtbot, services, lambda own, _report, _token: (
        own is not services, own.roster.get(roster_station.admin, "NK-100001").isn))
    assert (kind, result) == ("done", (True, "NK-100001"))


def test_a_refusal_is_said_as_it_is_and_an_unexpected_failure_is_logged(
        qtbot, roster_station):
    services = roster_station.services

    def refused(_own, _report, _token):
        raise UserError("The roster has no one with ISN NK-9.")

    assert _run(qtbot, services, refused) == ("failed", "The roster has no one with ISN NK-9.")
    assert not log_path(roster_station.data_dir).exists()

    def broken(_own, _report, _token):
        raise RuntimeError("Kim Min-jun chose to enlist")  # what a message may hold

    kind, sentence = _run(qtbot, services, broken)
    log = log_path(roster_station.data_dir)
    assert kind == "failed"
    assert sentence == (f"Unexpected failure: Kim Min-jun chose to enlist. Details are in"
                        f" {log}.")
    logged = log.read_text(encoding="utf-8")
    assert "in broken" in logged and "builtins.RuntimeError (message withheld" in logged
    assert "Kim Min-jun" not in logged


def test_a_failure_nothing_caught_is_logged_and_shown_in_one_sentence(
        qtbot, roster_station, monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "critical", staticmethod(
        lambda _parent, title, text: shown.append((title, text))))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # put back after the test
    install_exception_hook(roster_station.data_dir)
    try:
        raise KeyError("answers")
    except KeyError as error:
        sys.excepthook(KeyError, error, error.__traceback__)
    log = log_path(roster_station.data_dir)
    assert shown == [("Unexpected failure",
                      f"Unexpected failure: 'answers'. Details are in {log}.")]
    assert "builtins.KeyError (message withheld" in log.read_text(encoding="utf-8")
