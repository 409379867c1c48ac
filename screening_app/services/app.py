"""The composition root: one station and the services that work on it.

The GUI, the CLI and the tests all build their services here, so each uses the same
code paths and the same role checks.
"""

import secrets
from dataclasses import dataclass
from pathlib import Path

from screening_app.domain.accounts import Actor, Role
from screening_app.domain.errors import AuthenticationFailed
from screening_app.services.accounts import (
    AccountService,
    SignInThrottled,
    check_new_password,
    check_user_name,
)
from screening_app.services.audit import AuditService
from screening_app.services.backup import BackupService
from screening_app.services.checks import CheckService
from screening_app.services.dashboard import DashboardService
from screening_app.services.documents import DocumentService
from screening_app.services.enrolment import EnrolmentService
from screening_app.services.form_signing import FormSigning
from screening_app.services.grants import GrantService
from screening_app.services.interviews import InterviewService
from screening_app.services.keys import KeyService
from screening_app.services.known_people import KnownPeopleService
from screening_app.services.lists import ListService
from screening_app.services.resealing import seal_records_in_clear
from screening_app.services.reviews import ReviewService
from screening_app.services.roster import RosterService
from screening_app.services.settings import SETTINGS, SettingsService
from screening_app.services.sync import SyncService
from screening_app.services.transcription import TranscriptionService
from screening_app.store.connection import KEY_BYTES, write_transaction
from screening_app.store.keyfile import KeyFile, SlotContents
from screening_app.store.sign_in_throttle import SIGN_IN_ATTEMPTS_FILE, SignInThrottle
from screening_app.store.station import Station, open_slot


@dataclass
class StationServices:
    station: Station
    accounts: AccountService
    roster: RosterService
    interviews: InterviewService
    transcription: TranscriptionService
    checks: CheckService
    documents: DocumentService
    settings: SettingsService
    keys: KeyService
    grants: GrantService
    audit: AuditService
    reviews: ReviewService
    lists: ListService
    dashboard: DashboardService
    sync: SyncService
    backups: BackupService
    people: KnownPeopleService
    enrolment: EnrolmentService

    @classmethod
    def for_station(cls, station: Station, **interview_options) -> "StationServices":
        settings = SettingsService(station)
        keys = KeyService(station)
        grants = GrantService(station, keys)
        interviews = InterviewService(station, forms=FormSigning(station, settings, keys),
                                      **interview_options)
        documents = DocumentService(station, interviews, settings, keys)
        reviews = ReviewService(station, settings, countersign=documents.countersign)
        sync = SyncService(station, keys)
        return cls(
            station=station,
            accounts=AccountService(station, keys, grants=grants),
            roster=RosterService(station),
            interviews=interviews,
            transcription=TranscriptionService(station, interviews),
            checks=CheckService(station, keys, grants),
            documents=documents,
            settings=settings,
            keys=keys,
            grants=grants,
            audit=AuditService(station, keys),
            reviews=reviews,
            lists=ListService(station, keys, interviews.current_protocol),
            dashboard=DashboardService(station),
            sync=sync,
            backups=BackupService(station, keys),
            people=KnownPeopleService(station),
            enrolment=EnrolmentService(station, keys, sync, grants),
        )

    @classmethod
    def open(cls, data_dir: Path, key: bytes | None = None) -> "StationServices":
        """The station's services on a new connection. ``key`` opens an encrypted database
        (see ``unlock``, which finds it from a name and password)."""
        return cls.for_station(Station.open(data_dir, key))

    @classmethod
    def unlock(cls, data_dir: Path, name: str, password: str
               ) -> tuple["StationServices", Actor]:
        """Open an encrypted station with an account's name and password and sign in.

        The database cannot record a refusal before it is open, so refusals here are
        counted in the sign-in throttle file and written to the history at the account's
        next successful sign-in."""
        data_dir = Path(data_dir)
        throttle = SignInThrottle(data_dir / SIGN_IN_ATTEMPTS_FILE)
        wait = throttle.wait_seconds(name)
        if wait:
            raise SignInThrottled(name, wait)
        failures = throttle.failures(name)
        try:
            contents = open_slot(data_dir, name, password)
        except AuthenticationFailed:
            wait = throttle.record_failure(name)
            if wait:
                raise SignInThrottled(name, wait) from None
            raise
        services = cls.open(data_dir, contents.database_key)
        try:
            actor = services.sign_in(name, password, opened=contents)
            if failures:
                with write_transaction(services.station.db):
                    services.station.events.append(
                        "auth.refused", {"name": name, "known_user": True,
                                         "before_unlock": True, "attempts": failures},
                        actor_id=actor.user_id)
        except BaseException:
            services.close()
            raise
        return services, actor

    def for_thread(self) -> "StationServices":
        """The same station and signed-in session on a new connection, for a pool thread
        (a SQLite connection stays on the thread that made it). Call it on that thread."""
        services = StationServices.open(self.station.data_dir, self.station.key)
        services.keys.adopt_session(self.keys)
        return services

    def sign_in(self, name: str, password: str, opened: SlotContents | None = None) -> Actor:
        """Check the password and unlock the account's keys for this session: one argon2id
        derivation (the account's slot; ``opened`` when the sign-in has already opened it
        to open the database). A slot written before accounts had an account key gets one
        now, and what the old slot's password wrapped is sealed again under it."""
        actor, contents = self.accounts.check_sign_in(name, password, opened)
        # Before any key is unlocked: a role written into the accounts table by hand opens
        # nothing.
        self.grants.check_sign_in(actor)
        account_key = contents.account_key if contents is not None else None
        self.keys.unlock(actor, account_key, password)
        self.keys.drop_interviewers_kek(actor)
        if contents is not None:
            if account_key is None:
                contents = self.keys.new_account_contents()
                self.keys.reseal_for_new_account_key(actor, contents.account_key)
            self.keys.settle_database_slot(actor.user_id, password, contents,
                                           force=account_key is None)
            self.keys.authenticate_key_file()
        if actor.role in (Role.SUPERVISOR, Role.ADMIN):
            # What was finalised before the station had a review key, sealed now (once).
            seal_records_in_clear(self.station, actor)
            # The history so far, vouched for by the station's key, which interviewers'
            # sessions cannot use.
            self.keys.checkpoint(actor)
        if actor.role == Role.ADMIN:
            self.grants.confirm_recorded(actor)
        return actor

    def install_user_certificate(self, actor: Actor, pem: bytes, source: str) -> None:
        """Install the signed-in person's certificate. An admin's lets them sign role
        grants, so the roles the station's history records are confirmed at once."""
        self.keys.import_user_certificate(actor, pem, source)
        if actor.role == Role.ADMIN:
            self.grants.confirm_recorded(actor)

    def sign_out(self) -> None:
        self.keys.lock()

    def close(self) -> None:
        self.keys.lock()
        self.station.close()


def init_station(data_dir: Path, station_id: str, camp: str, admin_name: str,
                 admin_password: str, *, demo: bool = False,
                 time_zone: str | None = None,
                 enrol_to: Path | None = None) -> StationServices:
    """Create a station and its first admin. Inputs are checked before anything is
    written, so a refused init leaves no half-made station behind. The database is
    encrypted from its first byte under a new random key, which only the admin's
    password opens (more slots come with more accounts). ``time_zone`` (an IANA name) is
    the station's; without one the station counts days in the computer's. With
    ``enrol_to`` the admin's own key is made too, and the enrolment request for
    headquarters written there (services/enrolment.py)."""
    check_user_name(admin_name)
    check_new_password(admin_password, admin_name)
    if time_zone is not None:
        time_zone = SETTINGS["time_zone"].parse(time_zone)
    key = secrets.token_bytes(KEY_BYTES)
    station = Station.create(data_dir, station_id, camp, demo=demo, key=key)
    keyfile = KeyFile.create(station.data_dir, station.station_id)
    keyfile.public.update({"camp": station.camp, "demo": station.demo})
    contents = SlotContents.new(key)
    keyfile.set_slot(admin_name, admin_password, contents)
    keyfile.save(key)
    services = StationServices.for_station(station)
    admin = services.accounts.create_first_admin(admin_name, admin_password)
    services.keys.adopt_account_key(admin, contents.account_key)
    services.keys.create_station_key(admin)
    if time_zone:
        services.settings.set(admin, "time_zone", time_zone)
    if enrol_to is not None:
        services.enrolment.write_request(admin, enrol_to)
    return services
