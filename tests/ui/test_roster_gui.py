"""The roster table: a well-behaved model, lazy paging, search as you type."""

from screening_app.demo.roster_generator import write_roster_csv
from screening_app.ui.roster_model import RosterTableModel
from tests.ui.gui_driver import type_text


def test_the_roster_model_passes_qt_model_checks(qtmodeltester, roster_station):
    model = RosterTableModel(roster_station.services, roster_station.interviewer)
    qtmodeltester.check(model)
    model.set_query("王")
    qtmodeltester.check(model)


def test_browsing_fetches_pages_lazily(roster_station, tmp_path):
    big = write_roster_csv(tmp_path / "big.csv", 650, seed=3)
    roster_station.services.roster.import_file(roster_station.admin, big)
    model = RosterTableModel(roster_station.services, roster_station.interviewer)
    assert model.rowCount() == RosterTableModel.PAGE_SIZE
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == 655
    isns = [model.subject_at(r).isn for r in range(model.rowCount())]
    assert isns == sorted(isns) and len(set(isns)) == 655


def test_status_column_shows_status_never_choice(qtbot, window):
    from screening_app.protocol.examples import complete_answers

    services = window.services
    services.transcription.record(window.actor, "NK-100001", {"answers": complete_answers()}, "t")
    window.roster_model.set_query("NK-100001")
    status = window.roster_model.index(0, 5).data()
    assert status == "Completed"


def test_search_as_you_type_in_every_script(qtbot, window):
    for text, isn in (("김 민준", "NK-100001"), ("王伟", "CN-700001"), ("xiaoming", "CN-700002"),
                      ("nk-100013", "NK-100013")):
        window.search_edit.clear()
        type_text(qtbot, window.search_edit, text)
        qtbot.waitUntil(lambda t=text: window.roster_model.query == t.strip())
        assert window.roster_model.subject_at(0).isn == isn
        assert window.subject_panel.subject.isn == isn
