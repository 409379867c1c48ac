"""Each account's own key: one argon2id derivation at sign-in opens the account's slot, and
with it everything that is the account's (its copy of the KEK, its signing key); no
password hash is kept; and a station from before account keys upgrades at each account's
next sign-in."""

import json

import pytest

from screening_app.domain.errors import AuthenticationFailed
from screening_app.pki import sealed
from screening_app.services import accounts
from screening_app.services.app import StationServices
from screening_app.store.keyfile import KeyFile
from tests.conftest import PASSWORD

NEW_PASSWORD = "an entirely new passphrase"


@pytest.fixture
def derivations(monkeypatch):
    """Every argon2id derivation (a slot opened, a password checked), counted."""
    counted = []
    derive, verify = sealed._password_key, accounts._verify

    def counting_derive(*args, **kwargs):
        counted.append("slot")
        return derive(*args, **kwargs)

    def counting_verify(*args, **kwargs):
        counted.append("hash")
        return verify(*args, **kwargs)

    monkeypatch.setattr(sealed, "_password_key", counting_derive)
    monkeypatch.setattr(accounts, "_verify", counting_verify)
    return counted


def test_signing_in_costs_one_derivation(station, derivations):
    station.services.close()
    services, supervisor = StationServices.unlock(station.data_dir, "sup", PASSWORD)
    try:
        assert derivations == ["slot"]
        # It opened the database, checked the password and unlocked the account's keys.
        assert services.keys.readiness() is None
        assert services.keys.personal_identity(supervisor)
        derivations.clear()
        services.sign_in("ivan", PASSWORD)  # another account at the open station's lock
        assert derivations == ["slot"]
    finally:
        services.close()
    station.services, _ = StationServices.unlock(station.data_dir, "admin", PASSWORD)


def as_before_account_keys(station, name: str) -> None:
    """Rewrite one account as the version before account keys left it: its slot holding
    the database key alone, its copy of the KEK and its signing key each wrapped under its
    password (one derivation each), and an argon2id hash of the password in the database."""
    services = station.services
    services.sign_in(name, PASSWORD)
    user_id, = services.station.db.execute("SELECT id FROM users WHERE name = ?",
                                           [name]).fetchone()
    keys, station_id = services.keys, services.station.station_id
    keyfile = KeyFile.load(station.data_dir)
    keyfile.slots[keyfile._slot_id(name)] = [
        sealed.wrap_for_password(services.station.key, PASSWORD, keyfile._context())]
    keyfile.save()
    db = services.station.db
    kek_wrap = sealed.wrap_for_password(keys._kek, PASSWORD,
                                        f"screening-app:{station_id}:kek".encode())
    personal_wrap = sealed.wrap_for_password(
        keys._personal[user_id], PASSWORD, f"screening-app:{station_id}:user:{user_id}".encode())
    db.execute("UPDATE key_slots SET wrapped_kek = ? WHERE user_id = ?",
               [json.dumps(kek_wrap), user_id])
    db.execute("UPDATE user_keys SET wrapped_private_key = ? WHERE user_id = ?",
               [json.dumps(personal_wrap), user_id])
    db.execute("UPDATE users SET password_hash = ? WHERE id = ?",
               [accounts._hasher.hash(PASSWORD), user_id])
    db.conn.commit()
    services.close()


def test_an_account_from_before_account_keys_moves_to_one_at_its_next_sign_in(
        station, derivations):
    as_before_account_keys(station, "sup")
    derivations.clear()
    services, supervisor = StationServices.unlock(station.data_dir, "sup", PASSWORD)
    try:
        # Once: the old slot, the two older wraps (one derivation each), and the new slot
        # written under the same password; everything still opens.
        assert derivations == ["slot"] * 4
        assert services.keys.readiness() is None
        assert services.keys.personal_identity(supervisor)
        db = services.station.db
        wrapped_kek, = db.execute("SELECT wrapped_kek FROM key_slots WHERE user_id = ?",
                                  [supervisor.user_id]).fetchone()
        wrapped_key, = db.execute("SELECT wrapped_private_key FROM user_keys WHERE"
                                  " user_id = ?", [supervisor.user_id]).fetchone()
        assert json.loads(wrapped_kek)["sealed_under"] == "account_key"
        assert json.loads(wrapped_key)["sealed_under"] == "account_key"
        assert db.execute("SELECT password_hash FROM users WHERE id = ?",
                          [supervisor.user_id]).fetchone() == ("",)
    finally:
        services.close()
    derivations.clear()
    services, supervisor = StationServices.unlock(station.data_dir, "sup", PASSWORD)
    try:
        assert derivations == ["slot"]  # from now on, one
        assert services.keys.personal_identity(supervisor)
        with pytest.raises(AuthenticationFailed):
            services.sign_in("sup", "not the password at all")
    finally:
        services.close()
    station.services, _ = StationServices.unlock(station.data_dir, "admin", PASSWORD)


def test_a_changed_password_keeps_the_account_key_and_what_it_seals(station):
    services = station.services
    supervisor = services.sign_in("sup", PASSWORD)
    services.accounts.change_password(supervisor, PASSWORD, NEW_PASSWORD)
    services.close()
    with pytest.raises(AuthenticationFailed):
        StationServices.unlock(station.data_dir, "sup", PASSWORD)
    station.services, supervisor = StationServices.unlock(station.data_dir, "sup",
                                                          NEW_PASSWORD)
    # The countersigning key, sealed under the unchanged account key, still opens.
    assert station.services.keys.personal_identity(supervisor)


def test_a_disabled_accounts_slot_keeps_nothing_to_open(station):
    services = station.services
    services.sign_in("admin", PASSWORD)
    services.accounts.disable(station.admin, "ivan")
    keyfile = KeyFile.load(station.data_dir)
    (slot,) = keyfile.slots[keyfile._slot_id("ivan")]
    assert slot["disabled"] and "sealed" not in slot and "verifier" not in slot
    from screening_app.store.keyfile import DisabledAccount

    with pytest.raises(DisabledAccount):  # its right password learns only that
        StationServices.unlock(station.data_dir, "ivan", PASSWORD)
