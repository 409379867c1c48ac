"""The command line as a user types it: exit codes, messages, UTF-8 JSON."""

import json
import subprocess
import sys

import pytest

from screening_app.protocol.examples import complete_answers
from tests.conftest import PASSWORD, SMALL_ROSTER, cli, write_csv


@pytest.fixture
def data_dir(tmp_path, capsys, monkeypatch):
    data = tmp_path / "station"
    code, _, err = cli(capsys, monkeypatch, "--data-dir", data, "init", "--station-id", "CAMP-7",
                       "--camp", "Koje-do", "--admin", "boss", "--password-stdin",
                       stdin=PASSWORD + "\n")
    assert code == 0, err
    code, _, err = cli(capsys, monkeypatch, "--data-dir", data, "user", "add", "ivan", "--role",
                       "interviewer", "--user", "boss", "--password-stdin",
                       stdin=f"{PASSWORD}\n{PASSWORD}\n")
    assert code == 0, err
    # Headquarters makes a CA and issues the station's certificate from its request.
    ca_dir = tmp_path / "ca"
    passphrase = "a long CA passphrase"
    assert cli(capsys, monkeypatch, "ca", "init", "--dir", ca_dir, "--password-stdin",
               stdin=passphrase + "\n")[0] == 0
    assert cli(capsys, monkeypatch, "--data-dir", data, "station", "csr", "--to",
               tmp_path / "csr.pem", "--user", "boss", "--password-stdin",
               stdin=PASSWORD + "\n")[0] == 0
    assert cli(capsys, monkeypatch, "ca", "issue-station", tmp_path / "csr.pem", "--dir", ca_dir,
               "--out", tmp_path / "cert.pem", "--password-stdin",
               stdin=passphrase + "\n")[0] == 0
    code, out, err = cli(capsys, monkeypatch, "--data-dir", data, "station", "import-cert",
                         tmp_path / "cert.pem", "--user", "boss", "--password-stdin",
                         stdin=PASSWORD + "\n")
    assert code == 0, err
    assert "now signs its forms" in out
    roster = write_csv(tmp_path / "roster.csv", SMALL_ROSTER)
    code, out, err = cli(capsys, monkeypatch, "--data-dir", data, "roster", "import", roster,
                         "--user", "boss", "--password-stdin", stdin=PASSWORD + "\n")
    assert code == 0, err
    assert "added 5" in out
    return data


def test_search_json_writes_hangul_and_hanzi_as_themselves(data_dir, capsys, monkeypatch):
    code, out, _ = cli(capsys, monkeypatch, "--data-dir", data_dir, "roster", "search", "김민준",
                       "--json", "--user", "ivan", "--password-stdin", stdin=PASSWORD + "\n")
    assert code == 0
    assert "김민준" in out and "\\u" not in out
    assert json.loads(out)[0]["isn"] == "NK-100001"
    code, out, _ = cli(capsys, monkeypatch, "--data-dir", data_dir, "roster", "search", "王伟",
                       "--user", "ivan", "--password-stdin", stdin=PASSWORD + "\n")
    assert code == 0 and "CN-700001" in out and "王伟" in out


def test_a_wrong_password_is_a_clear_refusal(data_dir, capsys, monkeypatch):
    code, out, err = cli(capsys, monkeypatch, "--data-dir", data_dir, "roster", "search", "kim",
                         "--user", "ivan", "--password-stdin", stdin="nope nope\n")
    assert code == 2
    assert err.strip() == "screening-app: Wrong user name or password."
    assert "Traceback" not in err and out == ""


def test_commands_need_a_user(data_dir, capsys, monkeypatch):
    code, _, err = cli(capsys, monkeypatch, "--data-dir", data_dir, "check")
    assert code == 2 and "--user" in err


def test_roles_are_checked_behind_the_command_line(data_dir, capsys, monkeypatch):
    code, _, err = cli(capsys, monkeypatch, "--data-dir", data_dir, "user", "add", "eve",
                       "--role", "admin", "--user", "ivan", "--password-stdin",
                       stdin=f"{PASSWORD}\n{PASSWORD}\n")
    assert code == 2 and "may not add accounts" in err


def test_record_an_interview_from_an_answers_file(data_dir, tmp_path, capsys, monkeypatch):
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"answers": complete_answers("repatriate")}), encoding="utf-8")
    code, out, err = cli(capsys, monkeypatch, "--data-dir", data_dir, "interview", "record",
                         "--isn", "CN-700002", "--answers", answers, "--user", "ivan",
                         "--password-stdin", stdin=PASSWORD + "\n")
    assert code == 0, err
    assert "completed (Accept repatriation)" in out
    code, out, _ = cli(capsys, monkeypatch, "--data-dir", data_dir, "interview", "list", "--json",
                       "--user", "ivan", "--password-stdin", stdin=PASSWORD + "\n")
    listed = json.loads(out)
    assert listed[0]["subject_name"] == "张小明 / Zhang Xiaoming"
    assert listed[0]["choice"] is None  # an interviewer sees status only
    code, out, _ = cli(capsys, monkeypatch, "--data-dir", data_dir, "check", "--user", "boss",
                       "--password-stdin", stdin=PASSWORD + "\n")
    assert code == 0 and "BAD" not in out


def test_a_malformed_answers_file_is_named(data_dir, tmp_path, capsys, monkeypatch):
    answers = tmp_path / "answers.json"
    answers.write_text('{"answers": {"choice": ', encoding="utf-8")
    code, _, err = cli(capsys, monkeypatch, "--data-dir", data_dir, "interview", "record",
                       "--isn", "CN-700002", "--answers", answers, "--user", "ivan",
                       "--password-stdin", stdin=PASSWORD + "\n")
    assert code == 2
    assert "answers.json: not valid JSON at line 1" in err


def test_a_bad_roster_names_row_and_column(data_dir, tmp_path, capsys, monkeypatch):
    bad = tmp_path / "bad.csv"
    bad.write_text("isn,name_latin\nNK-1,Kim\n,Lee\n", encoding="utf-8")
    code, _, err = cli(capsys, monkeypatch, "--data-dir", data_dir, "roster", "import", bad,
                       "--user", "boss", "--password-stdin", stdin=PASSWORD + "\n")
    assert code == 2
    assert "bad.csv" in err and "row 3" in err and "isn" in err


def test_no_station_is_explained(tmp_path, capsys, monkeypatch):
    code, _, err = cli(capsys, monkeypatch, "--data-dir", tmp_path / "none", "check",
                       "--user", "x", "--password-stdin", stdin="whatever\n")
    assert code == 2 and "There is no station" in err


def test_the_data_dir_comes_from_the_environment(data_dir, capsys, monkeypatch):
    monkeypatch.setenv("SCREENING_APP_DATA_DIR", str(data_dir))
    code, out, _ = cli(capsys, monkeypatch, "roster", "search", "NK-100001", "--user", "ivan",
                       "--password-stdin", stdin=PASSWORD + "\n")
    assert code == 0 and "NK-100001" in out


def test_protocol_show_json_lists_step_and_answer_ids(capsys, monkeypatch):
    code, out, _ = cli(capsys, monkeypatch, "protocol", "show", "--json")
    assert code == 0
    description = json.loads(out)
    question_ids = {q["id"] for step in description["steps"] for q in step["questions"]}
    assert set(complete_answers()) <= question_ids


def test_an_unexpected_failure_exits_1_with_a_log(data_dir, capsys, monkeypatch):
    from screening_app.services import roster

    def explode(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(roster.SubjectRepository, "search", explode)
    code, _, err = cli(capsys, monkeypatch, "--data-dir", data_dir, "roster", "search", "x",
                       "--user", "ivan", "--password-stdin", stdin=PASSWORD + "\n")
    assert code == 1
    assert "disk on fire" in err and "screening-app.log" in err
    assert "RuntimeError" in (data_dir / "logs" / "screening-app.log").read_text()


def test_the_installed_entry_points_run(tmp_path):
    for command in ([sys.executable, "-m", "screening_app", "--version"],):
        result = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path)
        assert result.returncode == 0 and "screening-app" in result.stdout


def test_review_from_the_command_line(data_dir, tmp_path, capsys, monkeypatch):
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"answers": complete_answers()}), encoding="utf-8")
    code, out, err = cli(capsys, monkeypatch, "--data-dir", data_dir, "interview", "record",
                         "--isn", "NK-100002", "--answers", answers, "--user", "ivan",
                         "--password-stdin", stdin=PASSWORD + "\n")
    interview_id = out.split()[3]
    code, out, err = cli(capsys, monkeypatch, "--data-dir", data_dir, "review", "send-back",
                         interview_id[:8], "--reason", "Signatures missing on paper.",
                         "--user", "boss", "--password-stdin", stdin=PASSWORD + "\n")
    assert code == 0, err
    code, out, _ = cli(capsys, monkeypatch, "--data-dir", data_dir, "interview", "sent-back",
                       "--user", "ivan", "--password-stdin", stdin=PASSWORD + "\n")
    assert "Signatures missing on paper." in out and "NK-100002" in out
    code, out, _ = cli(capsys, monkeypatch, "--data-dir", data_dir, "review", "list", "--json",
                       "--user", "boss", "--password-stdin", stdin=PASSWORD + "\n")
    assert json.loads(out)[0]["state"] == "sent_back"
    code, _, err = cli(capsys, monkeypatch, "--data-dir", data_dir, "review", "list",
                       "--user", "ivan", "--password-stdin", stdin=PASSWORD + "\n")
    assert code == 2 and "may not review" in err


def test_lists_export_from_the_command_line(data_dir, tmp_path, capsys, monkeypatch):
    code, out, err = cli(capsys, monkeypatch, "--data-dir", data_dir, "lists", "export",
                         "--to", tmp_path / "lists", "--user", "boss", "--password-stdin",
                         stdin=PASSWORD + "\n")
    assert code == 0, err
    assert "unscreened: 5" in out and (tmp_path / "lists" / "revised-lists.pdf").exists()
