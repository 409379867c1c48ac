"""When every password of a station is lost: headquarters opens its recovery slot.

The slot (store/keyfile.py) holds the database key and the key that opens the station's
signing key, both encrypted to headquarters' public key. With headquarters' private key,
one account gets a new password: its hash, its slot for the database and its slot for the
signing key. Everything else stays as it was, and the recovery is an event in the chain.
"""

from pathlib import Path

import pyrage

from screening_app.domain.accounts import Actor, Role
from screening_app.domain.errors import UserError
from screening_app.domain.messages import gettext as _
from screening_app.services.accounts import check_new_password
from screening_app.services.keys import KEK_ROLES
from screening_app.store.connection import write_transaction
from screening_app.store.key_material import UserKeys
from screening_app.store.keyfile import KeyFile
from screening_app.store.users import UserRepository


def recover_account(data_dir: Path, age_identity: pyrage.x25519.Identity, name: str,
                    new_password: str):
    """Give ``name`` a new password with headquarters' key; returns the open services and
    the recovered account, signed in."""
    from screening_app.services.app import StationServices

    database_key, kek = KeyFile.load(data_dir).recover(age_identity)
    services = StationServices.open(data_dir, database_key)
    try:
        users = UserRepository(services.station.db)
        user = users.named(name)
        if user is None:
            raise UserError(_("There is no account named {name!r} at this station.").format(
                name=name))
        check_new_password(new_password, user.name)
        actor = Actor(user_id=user.id, name=user.name, role=Role(user.role))
        # A new account key: the KEK (recovered with headquarters' key) is copied under
        # it; a personal key sealed under the old one cannot be opened and is dropped.
        contents = services.keys.new_account_contents()
        services.keys.stage_database_slot(actor.user_id, new_password, contents)
        with write_transaction(services.station.db):
            # Enabled, with no hash kept: its new slot checks the new password.
            users.enable(actor.user_id, "")
            if kek is not None and services.keys.has_key() and actor.role in KEK_ROLES:
                services.keys.restore_kek(actor.user_id, kek, contents.account_key)
            UserKeys(services.station.db).remove(actor.user_id)
            services.station.events.append(
                "account.recovered", {"user_id": actor.user_id, "name": actor.name,
                                      "by": "headquarters' recovery key",
                                      "signing_key_recovered": kek is not None},
                actor_id=actor.user_id)
        services.keys.settle_database_slot(actor.user_id, new_password, contents, force=True)
        services.accounts.throttle.record_success(actor.name)
        signed_in = services.sign_in(actor.name, new_password)
    except BaseException:
        services.close()
        raise
    return services, signed_in
