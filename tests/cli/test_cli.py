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
    assert "now signs its lists and bundles" in out
    # The interviewer signs the forms they finalise with a key of their own: a request,
    # the certificate headquarters issues for it, installed by the interviewer.
    code, out, err = cli(capsys, monkeypatch, "--data-dir", data, "user", "csr", "--to",
                         tmp_path / "ivan.csr", "--user", "ivan", "--password-stdin",
                         stdin=PASSWORD + "\n")
    assert code == 0, err
    code, out, err = cli(capsys, monkeypatch, "ca", "issue-station", tmp_path / "ivan.csr",
                         "--dir", ca_dir, "--out", tmp_path / "ivan.pem", "--password-stdin",
                         stdin=passphrase + "\n")
    assert code == 0, err
    assert "'Interviewer ivan' of station CAMP-7" in out and "user import-cert" in out
    code, out, err = cli(capsys, monkeypatch, "--data-dir", data, "user", "import-cert",
                         tmp_path / "ivan.pem", "--user", "ivan", "--password-stdin",
                         stdin=PASSWORD + "\n")
    assert code == 0, err
    assert "the forms you finalise are now signed with it" in out
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


def recorded_by_ivan(data_dir, tmp_path, capsys, monkeypatch, isn: str) -> str:
    """A paper interview of ``isn`` recorded by ivan from an answers file; its id."""
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"answers": complete_answers()}), encoding="utf-8")
    code, out, err = cli(capsys, monkeypatch, "--data-dir", data_dir, "interview", "record",
                         "--isn", isn, "--answers", answers, "--user", "ivan",
                         "--password-stdin", stdin=PASSWORD + "\n")
    assert code == 0, err
    return out.split()[3]


def test_review_from_the_command_line(data_dir, tmp_path, capsys, monkeypatch):
    interview_id = recorded_by_ivan(data_dir, tmp_path, capsys, monkeypatch, "NK-100002")
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


def test_approving_a_flagged_interview_needs_a_note(data_dir, tmp_path, capsys, monkeypatch):
    def as_user(user, *argv, stdin=PASSWORD + "\n"):
        return cli(capsys, monkeypatch, "--data-dir", data_dir, *argv, "--user", user,
                   "--password-stdin", stdin=stdin)

    # A supervisor with a display name and a countersigning certificate from the CA.
    code, _, err = as_user("boss", "user", "add", "hughes", "--role", "supervisor",
                           "--display-name", "Capt. R. Hughes",
                           stdin=f"{PASSWORD}\n{PASSWORD}\n")
    assert code == 0, err
    assert as_user("hughes", "user", "csr", "--to", tmp_path / "hughes.csr")[0] == 0
    assert cli(capsys, monkeypatch, "ca", "issue-station", tmp_path / "hughes.csr", "--dir",
               tmp_path / "ca", "--out", tmp_path / "hughes.pem", "--password-stdin",
               stdin="a long CA passphrase\n")[0] == 0
    assert as_user("hughes", "user", "import-cert", tmp_path / "hughes.pem")[0] == 0
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"answers": complete_answers()}), encoding="utf-8")
    code, out, err = as_user("ivan", "interview", "record", "--isn", "NK-100001", "--answers",
                             answers)
    interview_id = out.split()[3]

    code, out, err = as_user("hughes", "review", "approve", interview_id[:8])
    assert (code, out) == (2, "")
    assert err.strip() == (
        f"screening-app: Interview {interview_id[:8]} is flagged (transcribed from paper);"
        " approve it with --note \"…\" saying why it is approved despite them.")
    code, out, err = as_user("hughes", "review", "approve", interview_id[:8], "--note",
                             "Approved despite: transcribed from the complete paper form.")
    assert code == 0, err
    assert out.strip() == (f"Approved Kim Min-jun (NK-100001); the form is countersigned."
                           f" (interview {interview_id})")
    assert as_user("boss", "user", "set-display-name", "ivan", "Lt. I. Petrov")[0] == 0
    code, out, _ = as_user("hughes", "review", "list")
    assert "Accept repatriation" in out and "Approved" in out and "Lt. I. Petrov" in out
    assert "Approved despite: transcribed from the complete paper form." in out
    code, out, _ = as_user("hughes", "review", "list", "--json")
    (item,) = json.loads(out)
    assert (item["state"], item["reason"], item["reviewer"]) == (
        "approved", "Approved despite: transcribed from the complete paper form.",
        "Capt. R. Hughes")
    code, out, _ = as_user("hughes", "interview", "list")
    assert "Lt. I. Petrov" in out and " ivan " not in out


def test_review_flags_from_the_command_line(data_dir, tmp_path, capsys, monkeypatch):
    """`review list` shows each interview's flags (and `--flagged` only those with some);
    `review flags` the patterns across interviews, each with its interviews."""
    from dataclasses import replace

    from screening_app.services.reviews import ReviewService

    def as_boss(*argv):
        return cli(capsys, monkeypatch, "--data-dir", data_dir, *argv, "--user", "boss",
                   "--password-stdin", stdin=PASSWORD + "\n")

    code, out, _ = as_boss("review", "flags")
    assert (code, out.strip()) == (0, "No pattern across interviews is flagged.")
    interview_id = recorded_by_ivan(data_dir, tmp_path, capsys, monkeypatch, "NK-100001")
    code, out, _ = as_boss("review", "list", "--json")
    (item,) = json.loads(out)
    assert [flag["kind"] for flag in item["flags"]] == ["transcribed"]
    assert item["flags"][0]["explanation"].startswith("The record was transcribed")
    code, out, _ = as_boss("review", "list", "--flagged")
    assert "FLAGS" in out and "transcribed from paper" in out
    # One interview is a whole compound-day once the minimum is one: a pattern.
    settings = ReviewService._flag_settings
    monkeypatch.setattr(ReviewService, "_flag_settings", lambda self: replace(
        settings(self), uniform_min_interviews=1))
    code, out, _ = as_boss("review", "flags")
    assert code == 0 and out.startswith("⚑ ") and "1 of 1 completed interviews" in out
    assert f"1 interviews: {interview_id[:8]}" in out
    code, out, _ = as_boss("review", "flags", "--json")
    (flag,) = json.loads(out)
    assert (flag["kind"], flag["interview_ids"]) == ("compound_uniform", [interview_id])


def test_lists_export_from_the_command_line(data_dir, tmp_path, capsys, monkeypatch):
    code, out, err = cli(capsys, monkeypatch, "--data-dir", data_dir, "lists", "export",
                         "--to", tmp_path / "lists", "--user", "boss", "--password-stdin",
                         stdin=PASSWORD + "\n")
    assert code == 0, err
    assert "unscreened: 5" in out and (tmp_path / "lists" / "revised-lists.pdf").exists()


def test_a_write_that_waits_too_long_for_a_busy_station_is_one_sentence(
        data_dir, tmp_path, capsys, monkeypatch):
    """Another program holds the station's write lock (a long import, say): the command
    waits out the busy timeout, then says so and exits 2, having written nothing."""
    from screening_app.services.app import StationServices
    from screening_app.store import connection

    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"answers": complete_answers("repatriate")}), encoding="utf-8")
    holder, _ = StationServices.unlock(data_dir, "boss", PASSWORD)
    holder.station.db.conn.execute("BEGIN IMMEDIATE")
    monkeypatch.setattr(connection, "BUSY_TIMEOUT_MS", 300)
    try:
        code, out, err = cli(capsys, monkeypatch, "--data-dir", data_dir, "interview", "record",
                             "--isn", "CN-700002", "--answers", answers, "--user", "ivan",
                             "--password-stdin", stdin=PASSWORD + "\n")
    finally:
        holder.station.db.conn.execute("ROLLBACK")
        holder.close()
    assert code == 2, err
    assert err.strip() == ("screening-app: The station is busy with other work (another"
                           " program, such as a long import, held it for more than 0.3 s):"
                           " nothing was saved; try again when that work has finished.")


def test_a_request_written_to_a_missing_folder_is_one_sentence(data_dir, tmp_path, capsys,
                                                               monkeypatch):
    target = tmp_path / "missing" / "dir" / "x.csr"
    code, out, err = cli(capsys, monkeypatch, "--data-dir", data_dir, "station", "csr", "--to",
                         target, "--user", "boss", "--password-stdin", stdin=PASSWORD + "\n")
    assert code == 2
    assert err.strip() == (f"screening-app: Cannot write {target}: the folder"
                           f" {target.parent} does not exist.")


def test_the_log_of_a_failure_never_quotes_roster_data(data_dir, capsys, monkeypatch):
    from screening_app.services import roster

    def explode(*args, **kwargs):
        raise KeyError("김민준 Kim Min-jun NK-100001")

    monkeypatch.setattr(roster.SubjectRepository, "search", explode)
    code, _, _ = cli(capsys, monkeypatch, "--data-dir", data_dir, "roster", "search", "김민준",
                     "--user", "ivan", "--password-stdin", stdin=PASSWORD + "\n")
    assert code == 1
    log = (data_dir / "logs" / "screening-app.log").read_text(encoding="utf-8")
    assert "KeyError (message withheld, sha256 " in log and "explode" in log
    for private in ("김민준", "Kim Min-jun", "NK-100001"):
        assert private not in log


def test_what_the_program_writes_is_its_owners_alone(data_dir, tmp_path, capsys, monkeypatch):
    import os
    import stat

    lists = tmp_path / "lists"
    code, _, err = cli(capsys, monkeypatch, "--data-dir", data_dir, "backup", "--to",
                       tmp_path / "stick", "--user", "boss", "--password-stdin",
                       stdin=PASSWORD + "\n")
    assert code == 0, err
    code, _, err = cli(capsys, monkeypatch, "--data-dir", data_dir, "lists", "export", "--to",
                       lists, "--user", "boss", "--password-stdin", stdin=PASSWORD + "\n")
    assert code == 0, err
    written = [data_dir, *data_dir.iterdir(), lists, *lists.iterdir(),
               *(tmp_path / "stick").rglob("*")]
    for path in written:
        mode = stat.S_IMODE(os.stat(path).st_mode)
        assert mode & 0o077 == 0, f"{path} is {oct(mode)}"


def test_init_states_the_stations_time_zone_and_refuses_one_that_is_not(tmp_path, capsys,
                                                                        monkeypatch):
    data = tmp_path / "seoul"
    code, _, err = cli(capsys, monkeypatch, "--data-dir", data, "init", "--station-id", "K-1",
                       "--camp", "Koje-do", "--admin", "boss", "--time-zone", "Asia/Seoul",
                       "--password-stdin", stdin=PASSWORD + "\n")
    assert code == 0, err
    code, out, _ = cli(capsys, monkeypatch, "--data-dir", data, "settings", "show", "--user",
                       "boss", "--password-stdin", stdin=PASSWORD + "\n")
    assert code == 0 and "Asia/Seoul" in out
    elsewhere = tmp_path / "nowhere"
    code, _, err = cli(capsys, monkeypatch, "--data-dir", elsewhere, "init", "--station-id",
                       "K-2", "--camp", "Koje-do", "--admin", "boss", "--time-zone",
                       "Korea/Koje", "--password-stdin", stdin=PASSWORD + "\n")
    assert code != 0 and "'Korea/Koje' is not a time zone" in err
    assert not elsewhere.exists() or not any(elsewhere.iterdir())
