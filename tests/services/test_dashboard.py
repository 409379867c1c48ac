import csv

import pytest
from openpyxl import load_workbook

from screening_app.domain.errors import PermissionDenied
from screening_app.protocol.examples import complete_answers
from tests.conftest import write_csv


@pytest.fixture
def figures_station(roster_station):
    services, ivan, olga = (roster_station.services, roster_station.interviewer,
                            roster_station.other_interviewer)
    record = services.transcription.record
    record(ivan, "NK-100001", {"answers": complete_answers("enlist")}, "p")
    record(ivan, "NK-100002", {"answers": complete_answers("repatriate")}, "p")
    record(olga, "CN-700001", {"answers": complete_answers("enlist"),
                               "abandon": {"reason": "unfit"}}, "p")
    return roster_station


def test_progress_and_outcomes(figures_station):
    board = figures_station.services.dashboard.figures(figures_station.supervisor)
    assert (board.roster, board.screened, board.not_completed_only, board.not_yet) == (5, 2, 1, 2)
    assert board.not_completed_by_reason == {"unfit": 1}
    assert board.by_compound["Compound 62"]["enlist"] == 1
    assert board.by_interviewer["ivan"]["repatriate"] == 1
    assert board.by_interviewer["olga"]["not_completed"] == 1
    # What people read comes with the figures, from the records' protocol.
    assert board.outcomes == ("enlist", "repatriate", "not_completed")
    assert [board.outcome_label(o) for o in board.outcomes] == [
        "Enter the armed forces of the United Nations Command", "Accept repatriation",
        "Not completed"]
    assert board.reason_label("unfit") == "Not fit to be interviewed (illness or injury)"


def test_interviewers_are_counted_under_their_display_names(figures_station):
    services = figures_station.services
    services.accounts.set_display_name(figures_station.admin, "ivan", "Lt. I. Petrov")
    board = services.dashboard.figures(figures_station.supervisor)
    assert board.by_interviewer["Lt. I. Petrov"]["repatriate"] == 1
    assert "ivan" not in board.by_interviewer


def test_exports_neutralise_formulas_and_are_for_supervisors(figures_station, tmp_path):
    services, sup = figures_station.services, figures_station.supervisor
    write_csv(tmp_path / "r.csv", [{"isn": "NK-100013", "name_latin": "Park Ji-ho", "compound": "=HYPERLINK(1)"}])
    services.roster.import_file(figures_station.admin, tmp_path / "r.csv")
    services.transcription.record(figures_station.interviewer, "NK-100013",
                                  {"answers": complete_answers()}, "p")
    csv_path = services.dashboard.export(sup, tmp_path / "figures.csv")
    with csv_path.open(encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["table", "group", "measure", "value"]
    assert ["by compound", "'=HYPERLINK(1)", "repatriate", "1"] in rows
    xlsx = services.dashboard.export(sup, tmp_path / "figures.xlsx")
    values = [row for row in load_workbook(xlsx).active.iter_rows(values_only=True)]
    assert ("progress", "roster", "people", 5) in values
    assert not any(isinstance(v, str) and v.startswith("=") for row in values for v in row)
    with pytest.raises(PermissionDenied):
        services.dashboard.figures(figures_station.interviewer)
