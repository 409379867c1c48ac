"""Roles signed by a certified admin (services/grants.py): an insider who opens the database
with one interviewer's password and writes ``admin`` into the accounts table gains nothing,
while accounts made through the program keep signing in."""

import pytest

from screening_app.domain.accounts import Role
from screening_app.services.app import StationServices
from screening_app.services.grants import RoleNotConfirmed
from screening_app.store.connection import open_database
from screening_app.store.keyfile import KeyFile, SlotContents
from tests.conftest import PASSWORD, install_test_user_certificate


def insider_db(data_dir, name="ivan", password=PASSWORD):
    """The station's database opened with one account's password, without the program."""
    return open_database(data_dir / "station.sqlite3",
                         KeyFile.load(data_dir).unlock(name, password).database_key)


def role_check(services, actor):
    return next(result for result in services.checks.run(actor) if result.name == "roles")


@pytest.fixture
def certified(station, test_keys):
    """The station after its admin installs their own certificate: every account's role is
    granted at once."""
    install_test_user_certificate(station.services, station.admin, test_keys)
    return station


def test_before_any_admin_has_a_certificate_roles_are_as_the_accounts_table_says(station):
    assert not station.services.grants.enforced()
    check = role_check(station.services, station.admin)
    assert check.ok and "no admin has signed a role grant yet" in check.detail


def test_installing_an_admins_certificate_grants_every_accounts_role(certified):
    services = certified.services
    assert services.grants.enforced()
    assert services.grants.problems() == []
    check = role_check(services, certified.admin)
    assert check.ok and "every account's role is stated" in check.detail
    for name in ("sup", "ivan", "olga"):
        session, actor = StationServices.unlock(certified.data_dir, name, PASSWORD)
        assert actor.name == name
        session.close()


def test_an_interviewer_raised_to_admin_by_hand_is_refused_and_check_says_so(certified):
    certified.services.close()
    db = insider_db(certified.data_dir)
    db.execute("UPDATE users SET role = 'admin' WHERE name = 'ivan'")
    db.conn.commit()
    db.close()

    with pytest.raises(RoleNotConfirmed, match="'ivan' is admin in the accounts table, but"
                                               " an admin's signed grant says interviewer"):
        StationServices.unlock(certified.data_dir, "ivan", PASSWORD)

    services, admin = StationServices.unlock(certified.data_dir, "admin", PASSWORD)
    certified.services = services
    check = role_check(services, admin)
    assert not check.ok and "'ivan'" in check.detail
    refusals = [event.payload for event in services.station.events.since(kinds=("auth.refused",))]
    assert {"name": "ivan", "known_user": True, "role_unconfirmed": True} in refusals
    # The admin's sign-in confirmed nothing new: the history created ivan as an interviewer.
    assert services.grants.problems() == [check.detail]


def test_an_account_added_by_hand_is_refused_even_after_an_admin_signs_in(certified):
    certified.services.close()
    key = KeyFile.load(certified.data_dir).unlock("ivan", PASSWORD).database_key
    db = open_database(certified.data_dir / "station.sqlite3", key)
    db.execute("INSERT INTO users (id, name, role, password_hash, created_at) VALUES"
               " ('forged', 'mallory', 'admin', '', '2026-01-01T00:00:00Z')")
    db.conn.commit()
    db.close()
    keyfile = KeyFile.load(certified.data_dir)
    keyfile.set_slot("mallory", PASSWORD, SlotContents.new(key))
    keyfile.save(key)

    services, _ = StationServices.unlock(certified.data_dir, "admin", PASSWORD)
    services.close()
    with pytest.raises(RoleNotConfirmed, match="No admin's signed grant states the role of"
                                               " the account 'mallory'"):
        StationServices.unlock(certified.data_dir, "mallory", PASSWORD)
    certified.services, _ = StationServices.unlock(certified.data_dir, "admin", PASSWORD)


def test_a_grant_rewritten_by_hand_no_longer_matches_its_signature(certified):
    certified.services.close()
    db = insider_db(certified.data_dir)
    for (trigger,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'"
                                 " AND tbl_name = 'role_grants'").fetchall():
        db.execute(f'DROP TRIGGER "{trigger}"')
    db.execute("UPDATE role_grants SET role = 'admin' WHERE name = 'ivan'")
    db.execute("UPDATE users SET role = 'admin' WHERE name = 'ivan'")
    db.conn.commit()
    db.close()

    with pytest.raises(RoleNotConfirmed, match="The role grant of the account 'ivan' does not"
                                               " match its signature"):
        StationServices.unlock(certified.data_dir, "ivan", PASSWORD)
    certified.services, _ = StationServices.unlock(certified.data_dir, "admin", PASSWORD)


def test_grants_cannot_be_changed_in_place(certified):
    with pytest.raises(Exception, match="a role grant is never changed"):
        certified.services.station.db.execute("UPDATE role_grants SET role = 'admin'")


def test_accounts_added_disabled_and_enabled_by_a_certified_admin_sign_in(certified):
    services, admin = certified.services, certified.admin
    services.accounts.add_user(admin, "petr", "interviewer", PASSWORD)
    services.accounts.disable(admin, "petr")
    services.accounts.enable(admin, "petr", PASSWORD + "x")
    session, petr = StationServices.unlock(certified.data_dir, "petr", PASSWORD + "x")
    assert petr.role == Role.INTERVIEWER
    session.close()
    assert role_check(services, admin).ok


def test_an_account_added_by_an_admin_without_a_certificate_waits_for_a_certified_admin(
        certified):
    services, admin = certified.services, certified.admin
    services.accounts.add_user(admin, "anna", "admin", PASSWORD)
    services.close()
    # anna has no certificate of her own: she adds an account, but cannot grant its role.
    services, anna = StationServices.unlock(certified.data_dir, "anna", PASSWORD)
    services.accounts.add_user(anna, "petr", "supervisor", PASSWORD)
    services.close()
    with pytest.raises(RoleNotConfirmed, match="an admin with a certificate confirms it at"
                                               " their next sign-in"):
        StationServices.unlock(certified.data_dir, "petr", PASSWORD)

    # The certified admin's sign-in confirms the role the history records.
    services, admin = StationServices.unlock(certified.data_dir, "admin", PASSWORD)
    services.close()
    session, petr = StationServices.unlock(certified.data_dir, "petr", PASSWORD)
    assert petr.role == Role.SUPERVISOR
    session.close()
    certified.services, _ = StationServices.unlock(certified.data_dir, "admin", PASSWORD)


def test_check_from_the_command_line_names_the_account(certified, capsys, monkeypatch):
    from tests.conftest import cli

    certified.services.close()
    db = insider_db(certified.data_dir)
    db.execute("UPDATE users SET role = 'supervisor' WHERE name = 'olga'")
    db.conn.commit()
    db.close()
    code, out, _ = cli(capsys, monkeypatch, "--data-dir", certified.data_dir, "check",
                       "--user", "admin", "--password-stdin", stdin=PASSWORD + "\n")
    assert code != 0
    assert "BAD  roles: The account 'olga' is supervisor in the accounts table" in out
    certified.services, _ = StationServices.unlock(certified.data_dir, "admin", PASSWORD)


def test_disabling_enabling_and_resetting_are_grants_signed_by_the_admin(certified):
    services, admin = certified.services, certified.admin
    services.accounts.disable(admin, "olga")
    services.accounts.enable(admin, "olga", PASSWORD + "x")
    services.accounts.reset_password(admin, "olga", PASSWORD + "y")
    acts = services.station.db.execute(
        "SELECT act, state, granted_by FROM role_grants WHERE name = 'olga'"
        " ORDER BY at, rowid").fetchall()
    assert [(act, state) for act, state, _ in acts][-3:] == [
        ("disabled", "disabled"), ("enabled", "active"), ("password_reset", "active")]
    assert {by for _, _, by in acts} == {admin.user_id}
    assert services.grants.problems() == []


def test_a_disabled_account_enabled_by_hand_is_refused_and_check_says_so(certified):
    """The insider enables a disabled colleague's account in the accounts table and writes
    a slot for it with a password of their own: the admin's signed grant still says
    disabled."""
    services, admin = certified.services, certified.admin
    services.accounts.disable(admin, "olga")
    services.close()
    key = KeyFile.load(certified.data_dir).unlock("ivan", PASSWORD).database_key
    db = open_database(certified.data_dir / "station.sqlite3", key)
    db.execute("UPDATE users SET disabled_at = NULL WHERE name = 'olga'")
    db.conn.commit()
    db.close()
    keyfile = KeyFile.load(certified.data_dir)
    keyfile.set_slot("olga", PASSWORD, SlotContents.new(key))
    keyfile.save(key)

    with pytest.raises(RoleNotConfirmed, match="The account 'olga' was disabled by an admin's"
                                               " signed grant, but the accounts table says it"
                                               " is enabled"):
        StationServices.unlock(certified.data_dir, "olga", PASSWORD)
    certified.services, admin = StationServices.unlock(certified.data_dir, "admin", PASSWORD)
    check = role_check(certified.services, admin)
    assert not check.ok and "'olga' was disabled by an admin's signed grant" in check.detail


def test_a_disabling_grant_rewritten_as_active_no_longer_matches_its_signature(certified):
    services, admin = certified.services, certified.admin
    services.accounts.disable(admin, "olga")
    services.close()
    db = insider_db(certified.data_dir)
    for (trigger,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'"
                                 " AND tbl_name = 'role_grants'").fetchall():
        db.execute(f'DROP TRIGGER "{trigger}"')
    db.execute("UPDATE role_grants SET state = 'active', act = 'granted'"
               " WHERE name = 'olga' AND act = 'disabled'")
    db.execute("UPDATE users SET disabled_at = NULL WHERE name = 'olga'")
    db.conn.commit()
    db.close()
    certified.services, admin = StationServices.unlock(certified.data_dir, "admin", PASSWORD)
    check = role_check(certified.services, admin)
    assert not check.ok
    assert "The role grant of the account 'olga' does not match its signature" in check.detail
