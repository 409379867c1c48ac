"""`screening-app` with no command, or only --data-dir, opens the desktop app on that
directory (without building the parser of every command first)."""

import pytest

from screening_app.ui import app as ui_app
from tests.conftest import cli


@pytest.fixture
def opened(monkeypatch):
    """The data directories the desktop app was opened on, instead of opening it."""
    seen = []
    monkeypatch.setattr(ui_app, "run_gui", lambda data_dir: seen.append(data_dir) or 0)
    return seen


@pytest.mark.parametrize("argv", [["--data-dir", "{d}"], ["--data-dir={d}"]])
def test_only_a_data_directory_opens_the_desktop_app_on_it(capsys, monkeypatch, tmp_path,
                                                           opened, argv):
    code, out, err = cli(capsys, monkeypatch, *[a.format(d=tmp_path) for a in argv])

    assert (code, out, err) == (0, "", "")
    assert opened == [tmp_path]


def test_no_argument_opens_the_desktop_app_on_the_default_directory(capsys, monkeypatch,
                                                                   tmp_path, opened):
    monkeypatch.setenv("SCREENING_APP_DATA_DIR", str(tmp_path / "station"))

    assert cli(capsys, monkeypatch)[0] == 0
    assert opened == [tmp_path / "station"]


def test_a_data_directory_with_anything_else_goes_to_the_commands(capsys, monkeypatch,
                                                                  tmp_path, opened):
    with pytest.raises(SystemExit) as done:
        cli(capsys, monkeypatch, "--data-dir", tmp_path, "--version")

    assert done.value.code == 0
    assert "screening-app" in capsys.readouterr().out
    assert opened == []
    with pytest.raises(SystemExit):
        cli(capsys, monkeypatch, "--data-dir", "--version")  # a value is missing
    assert opened == []
