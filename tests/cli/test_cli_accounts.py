"""'user disable', 'user enable', 'user passwd', and the sign-in brake, as typed."""

import json
import re

import pytest

from tests.conftest import PASSWORD, cli

NEW_PASSWORD = "staple battery horse"


@pytest.fixture
def station(tmp_path, capsys, monkeypatch):
    data = tmp_path / "station"

    def as_user(user, *argv, stdin=None):
        lines = stdin if stdin is not None else PASSWORD + "\n"
        return cli(capsys, monkeypatch, "--data-dir", data, *argv, "--user", user,
                   "--password-stdin", stdin=lines)

    code, _, err = cli(capsys, monkeypatch, "--data-dir", data, "init", "--station-id", "CAMP-7",
                       "--camp", "Koje-do", "--admin", "boss", "--password-stdin",
                       stdin=PASSWORD + "\n")
    assert code == 0, err
    for name, role in (("ivan", "interviewer"), ("sup", "supervisor")):
        code, _, err = as_user("boss", "user", "add", name, "--role", role,
                               stdin=f"{PASSWORD}\n{PASSWORD}\n")
        assert code == 0, err
    return as_user


def signs_in(station, user, password) -> tuple[int, str]:
    code, _, err = station(user, "roster", "search", "kim", stdin=password + "\n")
    return code, err.strip()


@pytest.mark.parametrize("own_name", [[], ["IVAN"]], ids=["no name", "own name"])
def test_user_passwd_changes_your_own_password(station, own_name):
    code, out, err = station("ivan", "user", "passwd", *own_name,
                             stdin=f"{PASSWORD}\n{NEW_PASSWORD}\n")
    assert code == 0, err
    assert out.strip() == "The password of 'ivan' is changed; use the new one from now on."
    assert signs_in(station, "ivan", PASSWORD) == (
        2, "screening-app: Wrong user name or password.")
    assert signs_in(station, "ivan", NEW_PASSWORD) == (0, "")


def test_a_weak_new_password_is_one_sentence_and_changes_nothing(station):
    code, out, err = station("ivan", "user", "passwd", stdin=f"{PASSWORD}\n1234567890\n")
    assert (code, out) == (2, "")
    assert err.strip() == ("screening-app: The password must not be digits only; add letters"
                           " or words.")
    assert signs_in(station, "ivan", PASSWORD) == (0, "")


def test_an_admin_resets_a_password_and_is_warned_of_a_lost_key(station, tmp_path):
    code, _, err = station("sup", "user", "csr", "--to", tmp_path / "sup.csr")
    assert code == 0, err
    code, out, err = station("boss", "user", "passwd", "sup", stdin=f"{PASSWORD}\n{NEW_PASSWORD}\n")
    assert code == 0, err
    assert "password of 'sup' is reset" in out
    assert err.startswith("screening-app: warning: sup's personal signing key was discarded")
    assert "user csr" in err
    assert signs_in(station, "sup", NEW_PASSWORD) == (0, "")


def test_only_an_admin_resets_another_accounts_password(station):
    code, out, err = station("sup", "user", "passwd", "ivan",
                             stdin=f"{PASSWORD}\n{NEW_PASSWORD}\n")
    assert (code, out) == (2, "")
    assert "may not reset other accounts' passwords" in err and "Traceback" not in err
    assert signs_in(station, "ivan", PASSWORD) == (0, "")


def test_user_disable_and_enable(station):
    code, out, err = station("boss", "user", "disable", "ivan")
    assert code == 0, err
    assert out.startswith("Account 'ivan' disabled")
    assert signs_in(station, "ivan", PASSWORD) == (
        2, "screening-app: The account 'ivan' is disabled; ask an admin.")
    code, out, _ = station("boss", "user", "list", "--json")
    assert {u["name"]: u["disabled"] for u in json.loads(out)} == {
        "boss": False, "ivan": True, "sup": False}
    code, out, err = station("boss", "user", "enable", "ivan",
                             stdin=f"{PASSWORD}\n{NEW_PASSWORD}\n")
    assert code == 0, err
    assert out.strip() == "Account 'ivan' enabled with its new password."
    assert signs_in(station, "ivan", NEW_PASSWORD) == (0, "")


def test_disabling_yourself_is_refused(station):
    code, out, err = station("boss", "user", "disable", "BOSS")
    assert (code, out) == (2, "")
    assert err.strip() == ("screening-app: You cannot disable your own account; another admin"
                           " can.")


def test_five_wrong_passwords_hold_the_name_across_separate_runs(station, tmp_path):
    for _ in range(5):
        assert signs_in(station, "ivan", "wrong guess")[0] == 2
    # Each command is a new program: the count was kept in the data directory.
    code, message = signs_in(station, "ivan", PASSWORD)
    assert code == 2
    # The wait counts down from 30 seconds in real time while the test runs.
    assert re.fullmatch(r"screening-app: Too many failed sign-ins for 'ivan': try again in"
                        r" (30|[12]?\d) seconds\.", message), message
    assert (tmp_path / "station" / "sign-in-attempts.json").is_file()
    assert signs_in(station, "sup", PASSWORD) == (0, "")


def test_display_names_are_given_at_user_add_and_changed_with_set_display_name(station):
    code, out, err = station("boss", "user", "add", "hughes", "--role", "supervisor",
                             "--display-name", "Capt. R. Hughes",
                             stdin=f"{PASSWORD}\n{PASSWORD}\n")
    assert code == 0, err
    assert out.strip() == ("Account 'hughes' (shown as 'Capt. R. Hughes') added with role"
                           " supervisor.")
    code, out, err = station("boss", "user", "set-display-name", "ivan", "Lt. I. Petrov")
    assert code == 0, err
    assert out.strip() == ("Account 'ivan' is now shown as 'Lt. I. Petrov' on forms, flags and"
                           " lists.")
    code, out, _ = station("boss", "user", "list", "--json")
    assert {u["name"]: u["display_name"] for u in json.loads(out)} == {
        "boss": None, "hughes": "Capt. R. Hughes", "ivan": "Lt. I. Petrov", "sup": None}
    code, out, _ = station("boss", "user", "list")
    assert "DISPLAY NAME" in out and "Lt. I. Petrov" in out
    code, out, err = station("boss", "user", "set-display-name", "ivan", "")
    assert (code, out.strip()) == (0, "Account 'ivan' has no display name now; its login name"
                                      " is shown.")


def test_setting_a_display_name_is_for_admins_and_refusals_are_one_sentence(station):
    code, out, err = station("sup", "user", "set-display-name", "ivan", "Lt. I. Petrov")
    assert (code, out) == (2, "")
    assert "may not change display names" in err and "Traceback" not in err
    code, out, err = station("boss", "user", "set-display-name", "ivan", "x" * 81)
    assert (code, out) == (2, "")
    assert err.strip() == ("screening-app: The display name has 81 characters; keep it to 80"
                           " (full name and rank, such as 'Capt. R. Hughes').")
