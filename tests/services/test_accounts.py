import pytest

from screening_app.domain.accounts import Role
from screening_app.domain.errors import AuthenticationFailed, PermissionDenied, UserError
from screening_app.services.app import init_station
from tests.conftest import PASSWORD


def test_passwords_are_stored_as_argon2id_hashes_only(station):
    db = station.services.station.db
    hashes = [r[0] for r in db.execute("SELECT password_hash FROM users")]
    assert all(h.startswith("$argon2id$") for h in hashes)
    everything = "".join(str(r) for r in db.execute("SELECT * FROM events").fetchall())
    assert PASSWORD not in everything


def test_sign_in_with_the_right_password(station):
    actor = station.services.accounts.authenticate("ivan", PASSWORD)
    assert actor.role is Role.INTERVIEWER and actor.name == "ivan"


@pytest.mark.parametrize("name, password", [("ivan", "wrong password"), ("nobody", PASSWORD)])
def test_a_wrong_name_or_password_is_refused_and_logged(station, name, password):
    with pytest.raises(AuthenticationFailed, match="Wrong user name or password"):
        station.services.accounts.authenticate(name, password)
    kinds = [r[0] for r in station.services.station.db.execute(
        "SELECT kind FROM events ORDER BY seq DESC LIMIT 1")]
    assert kinds == ["auth.refused"]


def test_only_an_admin_adds_accounts(station):
    with pytest.raises(PermissionDenied, match="admin"):
        station.services.accounts.add_user(station.supervisor, "eve", "admin", PASSWORD)
    with pytest.raises(PermissionDenied):
        station.services.accounts.add_user(station.interviewer, "eve", "interviewer", PASSWORD)


def test_account_rules(station):
    accounts = station.services.accounts
    with pytest.raises(UserError, match="already exists"):
        accounts.add_user(station.admin, "IVAN", "interviewer", PASSWORD)
    with pytest.raises(UserError, match="at least 8"):
        accounts.add_user(station.admin, "newbie", "interviewer", "short")
    with pytest.raises(UserError, match="Unknown role"):
        accounts.add_user(station.admin, "newbie", "boss", PASSWORD)


def test_a_refused_init_leaves_no_station(tmp_path):
    with pytest.raises(UserError, match="at least 8"):
        init_station(tmp_path / "s", "S-1", "Camp", "admin", "short")
    assert not (tmp_path / "s" / "station.sqlite3").exists()
