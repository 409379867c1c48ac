import json

import pytest

from screening_app.domain.accounts import Role
from screening_app.domain.errors import (
    AuthenticationFailed,
    NotFound,
    PermissionDenied,
    UserError,
)
from screening_app.services.accounts import (
    AccountDisabled,
    SignInThrottled,
    check_new_password,
)
from screening_app.services.app import StationServices, init_station
from screening_app.services.keys import StationKeyUnavailable
from screening_app.store.sign_in_throttle import SIGN_IN_ATTEMPTS_FILE, SignInThrottle
from tests.conftest import PASSWORD

NEW_PASSWORD = "staple battery horse"
OTHER_PASSWORD = "a quiet harbour at dusk"


class FakeClock:
    def __init__(self):
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def events(station, kind=None):
    rows = station.services.station.db.execute(
        "SELECT kind, actor_id, payload FROM events ORDER BY seq").fetchall()
    return [(k, a, json.loads(p)) for k, a, p in rows if kind is None or k == kind]


def all_event_text(station) -> str:
    return "".join(str(r) for r in station.services.station.db.execute(
        "SELECT * FROM events").fetchall())


def has_slot(station, actor) -> bool:
    return station.services.keys.has_slot(actor.user_id)


def test_no_password_or_password_hash_is_stored(station):
    """The account's slot in the key file checks its password (an argon2id derivation
    opening AES-GCM): the database holds no hash to take away and crack."""
    db = station.services.station.db
    hashes = [r[0] for r in db.execute("SELECT password_hash FROM users")]
    assert hashes and all(h == "" for h in hashes)
    everything = "".join(str(r) for r in db.execute("SELECT * FROM events").fetchall())
    assert PASSWORD not in everything
    key_file = (station.data_dir / "station-keys.json").read_text()
    assert "$argon2" not in key_file and PASSWORD not in key_file


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
    with pytest.raises(UserError, match="at least 10"):
        accounts.add_user(station.admin, "newbie", "interviewer", "short pw")
    with pytest.raises(UserError, match="contain the user name"):
        accounts.add_user(station.admin, "newbie", "interviewer", "i am NEWBIE here")
    with pytest.raises(UserError, match="Unknown role"):
        accounts.add_user(station.admin, "newbie", "boss", PASSWORD)
    assert "newbie" not in [u.name for u in accounts.list_users(station.admin)]


def test_a_refused_init_leaves_no_station(tmp_path):
    with pytest.raises(UserError, match="at least 10"):
        init_station(tmp_path / "s", "S-1", "Camp", "admin", "short")
    assert not (tmp_path / "s" / "station.sqlite3").exists()
    with pytest.raises(UserError, match="contain the user name"):
        init_station(tmp_path / "s", "S-1", "Camp", "alice", "alice in the camp")
    assert not (tmp_path / "s" / "station.sqlite3").exists()


# -- password rules -----------------------------------------------------------------------
@pytest.mark.parametrize("password, name, message", [
    ("tiny pass", None, "The password must have at least 10 characters."),
    (" leading space here", None, "The password must not start or end with a space."),
    ("zzzzzzzzzzzz", None, "The password must not be one character repeated."),
    ("202612250930", None, "The password must not be digits only; add letters or words."),
    ("my name is Ivan ok", "ivan", "The password must not contain the user name."),
    ("Password123", None, "This password is one of the most common ones; choose another."),
    ("QWERTYUIOP", None, "This password is one of the most common ones; choose another."),
])
def test_weak_passwords_are_refused_with_one_sentence(password, name, message):
    with pytest.raises(UserError) as refused:
        check_new_password(password, name)
    assert str(refused.value) == message


@pytest.mark.parametrize("password, name", [
    (PASSWORD, "ivan"), ("benchmark password", "admin"), ("a password", None),
    ("another password", "sup2"), ("1234567890x", None),
])
def test_reasonable_passwords_pass(password, name):
    check_new_password(password, name)


# -- throttling ------------------------------------------------------------------------------
@pytest.fixture
def clock(station):
    """The station's throttle on a clock the test moves, in the real file."""
    fake = FakeClock()
    station.services.accounts.throttle = SignInThrottle(
        station.data_dir / SIGN_IN_ATTEMPTS_FILE, clock=fake)
    return fake


def fail_sign_ins(services, name, times):
    for _ in range(times):
        with pytest.raises(AuthenticationFailed, match="Wrong user name or password"):
            services.sign_in(name, "not the password")


def test_five_failures_make_the_name_wait_even_with_the_right_password(station, clock):
    services = station.services
    fail_sign_ins(services, "ivan", 5)
    services.sign_out()
    with pytest.raises(SignInThrottled) as refused:
        services.sign_in("ivan", PASSWORD)
    assert str(refused.value) == "Too many failed sign-ins for 'ivan': try again in 30 seconds."
    assert services.keys.readiness() is not None  # nothing was unlocked
    kind, actor_id, payload = events(station)[-1]
    assert (kind, actor_id, payload) == ("auth.throttled", None,
                                         {"name": "ivan", "wait_seconds": 30})
    assert PASSWORD not in all_event_text(station)
    assert "not the password" not in all_event_text(station)
    clock.now += 30
    assert services.sign_in("ivan", PASSWORD).name == "ivan"


def test_the_wait_doubles_and_a_success_resets_it(station, clock):
    services = station.services
    fail_sign_ins(services, "ivan", 5)
    for wait in (30, 60, 120):
        clock.now += wait
        fail_sign_ins(services, "ivan", 1)
    with pytest.raises(SignInThrottled, match="try again in 4 minutes"):
        services.sign_in("ivan", PASSWORD)
    clock.now += 240
    services.sign_in("ivan", PASSWORD)
    fail_sign_ins(services, "ivan", 4)  # counted afresh: four more are not yet refused
    assert services.sign_in("ivan", PASSWORD).name == "ivan"


def test_unknown_names_and_other_spellings_are_throttled_alike(station, clock):
    services = station.services
    fail_sign_ins(services, "ghost", 5)
    with pytest.raises(SignInThrottled, match="'ghost'"):
        services.sign_in("ghost", PASSWORD)
    fail_sign_ins(services, "IVAN", 3)
    fail_sign_ins(services, "Ivan", 2)
    with pytest.raises(SignInThrottled):
        services.sign_in("ivan", PASSWORD)
    assert services.sign_in("olga", PASSWORD).name == "olga"  # other names are not held


def test_the_wait_survives_a_restart_and_lives_beside_the_database(station):
    fail_sign_ins(station.services, "ivan", 5)
    key = station.services.station.key
    station.services.close()
    with pytest.raises(SignInThrottled, match="try again in 30 seconds"):
        StationServices.unlock(station.data_dir, "ivan", PASSWORD)  # before the database opens
    reopened = StationServices.open(station.data_dir, key)
    station.services = reopened
    with pytest.raises(SignInThrottled, match="try again in 30 seconds"):
        reopened.sign_in("ivan", PASSWORD)
    saved = json.loads((station.data_dir / SIGN_IN_ATTEMPTS_FILE).read_text(encoding="utf-8"))
    assert saved["names"]["ivan"]["failures"] == 5


# -- disabling and enabling -------------------------------------------------------------------
def test_a_disabled_account_cannot_sign_in_nor_unlock_the_station_key(station):
    # A supervisor: interviewers hold no copy of the station key's KEK at all.
    services = station.services
    sup = station.supervisor
    assert has_slot(station, sup) and not has_slot(station, station.interviewer)
    summary = services.accounts.disable(station.admin, "sup")
    assert summary.disabled and summary.name == "sup"
    assert not has_slot(station, sup)
    with pytest.raises(AccountDisabled) as refused:
        services.sign_in("sup", PASSWORD)
    assert str(refused.value) == "The account 'sup' is disabled; ask an admin."
    with pytest.raises(AuthenticationFailed, match="Wrong user name or password"):
        services.sign_in("sup", "a wrong guess")
    assert services.keys.unlock(sup, None, PASSWORD) is False  # it opens nothing
    kind, actor_id, payload = events(station, "account.disabled")[-1]
    assert actor_id == station.admin.user_id
    assert payload == {"user_id": sup.user_id, "name": "sup", "key_slot_removed": True}
    assert [u.disabled for u in services.accounts.list_users(station.admin)
            if u.name == "sup"] == [True]


def test_disabling_refuses_yourself_the_last_admin_and_repeats(station):
    services = station.services
    accounts = services.accounts
    with pytest.raises(UserError, match="your own account"):
        accounts.disable(station.admin, "admin")
    second = accounts.add_user(station.admin, "root2", "admin", OTHER_PASSWORD)
    accounts.disable(station.admin, "root2")
    # root2's session, opened before the change, cannot take the last admin away.
    with pytest.raises(UserError, match="last enabled admin"):
        accounts.disable(second, "admin")
    with pytest.raises(UserError, match="already disabled"):
        accounts.disable(station.admin, "ROOT2")
    with pytest.raises(NotFound, match="no account named 'nobody'"):
        accounts.disable(station.admin, "nobody")
    assert accounts.list_users(station.admin)[0].name == "admin"
    assert not accounts.list_users(station.admin)[0].disabled


def test_enabling_needs_a_new_password_and_makes_a_new_slot(station):
    services = station.services
    accounts = services.accounts
    accounts.disable(station.admin, "ivan")
    with pytest.raises(UserError, match="at least 10"):
        accounts.enable(station.admin, "ivan", "short")
    with pytest.raises(AccountDisabled):
        services.sign_in("ivan", PASSWORD)  # a refused enable changed nothing
    change = accounts.enable(station.admin, "ivan", NEW_PASSWORD)
    # ivan's own signing key opened only with the old password (interviewers have one too).
    assert "ivan's personal signing key was discarded" in change.warning
    with pytest.raises(AuthenticationFailed):
        services.sign_in("ivan", PASSWORD)
    ivan = services.sign_in("ivan", NEW_PASSWORD)
    # The new slot opens ivan's account; an interviewer holds no copy of the station key.
    assert services.keys.session_contents(ivan).account_key
    assert not services.keys.has_slot(ivan.user_id)
    assert events(station, "account.enabled")[-1][2] == {
        "user_id": ivan.user_id, "name": "ivan", "personal_key_discarded": True}
    with pytest.raises(UserError, match="not disabled"):
        accounts.enable(station.admin, "ivan", OTHER_PASSWORD)
    assert NEW_PASSWORD not in all_event_text(station)


def test_enabling_a_supervisor_discards_the_key_only_the_old_password_opened(station):
    services = station.services
    services.accounts.disable(station.admin, "sup")
    change = services.accounts.enable(station.admin, "sup", NEW_PASSWORD)
    assert change.personal_key_discarded
    assert "user csr" in change.warning
    supervisor = services.sign_in("sup", NEW_PASSWORD)
    with pytest.raises(StationKeyUnavailable, match="cannot countersign yet"):
        services.keys.personal_identity(supervisor)


def test_only_admins_disable_or_enable(station):
    for actor in (station.supervisor, station.interviewer):
        with pytest.raises(PermissionDenied):
            station.services.accounts.disable(actor, "olga")
        with pytest.raises(PermissionDenied):
            station.services.accounts.enable(actor, "olga", NEW_PASSWORD)


# -- changing and resetting passwords ------------------------------------------------------
def test_changing_your_password_moves_the_station_key_slot_to_it(station):
    services = station.services
    ivan = services.sign_in("ivan", PASSWORD)
    assert services.accounts.change_password(ivan, PASSWORD, NEW_PASSWORD).warning is None
    services.sign_out()
    with pytest.raises(AuthenticationFailed):
        services.sign_in("ivan", PASSWORD)
    ivan = services.sign_in("ivan", NEW_PASSWORD)
    assert services.keys.personal_identity(ivan)  # ivan's own key opens with the new one
    kind, actor_id, payload = events(station, "account.password_changed")[-1]
    assert actor_id == ivan.user_id
    assert payload == {"user_id": ivan.user_id, "name": "ivan", "key_slot_rewrapped": True,
                       "personal_key_rewrapped": True}
    ivan = services.sign_in("ivan", NEW_PASSWORD)
    assert services.keys.personal_problem(ivan, "start interviews") is None  # it moved too
    assert NEW_PASSWORD not in all_event_text(station)


def test_a_supervisor_keeps_the_countersigning_key_through_a_change(station):
    services = station.services
    supervisor = services.sign_in("sup", PASSWORD)
    services.accounts.change_password(supervisor, PASSWORD, NEW_PASSWORD)
    services.sign_out()
    supervisor = services.sign_in("sup", NEW_PASSWORD)
    identity = services.keys.personal_identity(supervisor)
    assert "sup" in identity.certificate.subject.rfc4514_string()


def test_a_change_needs_the_current_password_and_a_good_new_one(station, clock):
    services = station.services
    ivan = station.interviewer
    with pytest.raises(AuthenticationFailed, match="current password is wrong"):
        services.accounts.change_password(ivan, "not my password", NEW_PASSWORD)
    with pytest.raises(UserError, match="contain the user name"):
        services.accounts.change_password(ivan, PASSWORD, "ivan the terrible")
    with pytest.raises(UserError, match="same as the current"):
        services.accounts.change_password(ivan, PASSWORD, PASSWORD)
    assert services.sign_in("ivan", PASSWORD).name == "ivan"  # nothing changed
    # Guessing the current password in an open session is throttled like signing in.
    for _ in range(5):
        with pytest.raises(AuthenticationFailed):
            services.accounts.change_password(ivan, "guess guess", NEW_PASSWORD)
    with pytest.raises(SignInThrottled):
        services.accounts.change_password(ivan, PASSWORD, NEW_PASSWORD)


def test_a_change_is_all_or_nothing(station, monkeypatch):
    services = station.services
    supervisor = services.sign_in("sup", PASSWORD)

    def broken(*_args):
        raise UserError("A stored key could not be decrypted.")

    monkeypatch.setattr(services.keys, "has_user_key", broken)
    with pytest.raises(UserError, match="could not be decrypted"):
        services.accounts.change_password(supervisor, PASSWORD, NEW_PASSWORD)
    monkeypatch.undo()
    services.sign_out()
    supervisor = services.sign_in("sup", PASSWORD)  # the old password opens everything
    assert services.keys.readiness() is None
    assert services.keys.personal_identity(supervisor)
    assert events(station, "account.password_changed") == []
    with pytest.raises(AuthenticationFailed):  # and the new one nothing
        services.sign_in("sup", NEW_PASSWORD)


def test_an_admin_resets_a_forgotten_password(station, clock):
    services = station.services
    fail_sign_ins(services, "ivan", 5)  # ivan forgot it and is made to wait
    services.sign_in("admin", PASSWORD)
    change = services.accounts.reset_password(station.admin, "ivan", NEW_PASSWORD)
    assert change.warning.startswith("ivan's personal signing key was discarded")
    services.sign_out()
    ivan = services.sign_in("ivan", NEW_PASSWORD)  # at once: the reset lifts the wait
    assert services.keys.session_contents(ivan).account_key
    assert not services.keys.has_slot(ivan.user_id)  # an interviewer holds no station key
    assert events(station, "account.password_reset")[-1][1] == station.admin.user_id


def test_a_reset_discards_a_supervisors_key_with_a_warning(station):
    services = station.services
    change = services.accounts.reset_password(station.admin, "sup", NEW_PASSWORD)
    assert change.personal_key_discarded
    assert change.warning.startswith("sup's personal signing key was discarded")
    assert not services.keys.has_user_key(station.supervisor.user_id)
    supervisor = services.sign_in("sup", NEW_PASSWORD)
    with pytest.raises(StationKeyUnavailable, match="cannot countersign yet"):
        services.keys.personal_identity(supervisor)
    assert events(station, "account.password_reset")[-1][2]["personal_key_discarded"] is True


def test_what_a_reset_refuses(station):
    accounts = station.services.accounts
    with pytest.raises(UserError, match="own password is changed"):
        accounts.reset_password(station.admin, "admin", NEW_PASSWORD)
    accounts.disable(station.admin, "olga")
    with pytest.raises(UserError, match="enabling it sets a new password"):
        accounts.reset_password(station.admin, "olga", NEW_PASSWORD)
    with pytest.raises(UserError, match="contain the user name"):
        accounts.reset_password(station.admin, "ivan", "hello ivan hello")
    for actor in (station.supervisor, station.interviewer):
        with pytest.raises(PermissionDenied):
            accounts.reset_password(actor, "ivan", NEW_PASSWORD)


def test_an_account_has_a_display_name_people_read(station):
    services, admin = station.services, station.admin
    hughes = services.accounts.add_user(admin, "hughes", "supervisor", NEW_PASSWORD,
                                        display_name="  Capt.  R. Hughes ")
    assert (hughes.display_name, hughes.label) == ("Capt. R. Hughes", "Capt. R. Hughes")
    assert services.accounts.authenticate("hughes", NEW_PASSWORD).label == "Capt. R. Hughes"
    assert services.accounts.authenticate("ivan", PASSWORD).label == "ivan"  # none given
    listed = {u.name: u.label for u in services.accounts.list_users(admin)}
    assert listed["hughes"] == "Capt. R. Hughes" and listed["ivan"] == "ivan"
    created = events(station, "account.created")[-1][2]
    assert (created["name"], created["display_name"]) == ("hughes", "Capt. R. Hughes")


def test_an_admin_changes_a_display_name_and_each_change_is_an_event(station):
    services, admin = station.services, station.admin
    changed = services.accounts.set_display_name(admin, "ivan", "Lt. I. Petrov")
    assert changed.label == "Lt. I. Petrov"
    kind, actor_id, payload = events(station, "account.display_name_changed")[-1]
    assert actor_id == admin.user_id
    assert payload == {"user_id": station.interviewer.user_id, "name": "ivan",
                       "display_name": "Lt. I. Petrov", "previous": None}
    cleared = services.accounts.set_display_name(admin, "ivan", " ")
    assert (cleared.display_name, cleared.label) == (None, "ivan")
    assert events(station, "account.display_name_changed")[-1][2]["previous"] == "Lt. I. Petrov"
    assert services.audit.verify(admin).ok


@pytest.mark.parametrize("display_name, message", [
    ("", "already reads 'ivan'; nothing was changed"),
    ("x" * 81, "has 81 characters; keep it to 80"),
    ("Lt.\tI. Petrov\x07", "must not contain control characters"),
])
def test_what_a_display_name_refuses(station, display_name, message):
    with pytest.raises(UserError, match=message):
        station.services.accounts.set_display_name(station.admin, "ivan", display_name)
    assert events(station, "account.display_name_changed") == []


def test_only_an_admin_sets_display_names_and_only_of_accounts_that_exist(station):
    with pytest.raises(PermissionDenied):
        station.services.accounts.set_display_name(station.supervisor, "ivan", "Lt. I. Petrov")
    with pytest.raises(NotFound, match="no account named 'nobody'"):
        station.services.accounts.set_display_name(station.admin, "nobody", "Lt. N. Body")
