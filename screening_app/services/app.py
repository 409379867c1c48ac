"""The composition root: one station and the services that work on it.

The GUI, the CLI and the tests all build their services here, so each uses the same
code paths and the same role checks.
"""

import secrets
from dataclasses import dataclass
from pathlib import Path

from screening_app.domain.accounts import Actor
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
from screening_app.services.interviews import InterviewService
from screening_app.services.keys import KeyService
from screening_app.services.lists import ListService
from screening_app.services.reviews import ReviewService
from screening_app.services.roster import RosterService
from screening_app.services.settings import SettingsService
from screening_app.services.sync import SyncService
from screening_app.services.transcription import TranscriptionService
from screening_app.store.connection import KEY_BYTES, is_plain_sqlite, write_transaction
from screening_app.store.keyfile import KeyFile
from screening_app.store.sign_in_throttle import SIGN_IN_ATTEMPTS_FILE, SignInThrottle
from screening_app.store.station import Station, database_key, database_path


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
    audit: AuditService
    reviews: ReviewService
    lists: ListService
    dashboard: DashboardService
    sync: SyncService
    backups: BackupService

    @classmethod
    def for_station(cls, station: Station, **interview_options) -> "StationServices":
        interviews = InterviewService(station, **interview_options)
        settings = SettingsService(station)
        keys = KeyService(station)
        documents = DocumentService(station, interviews, settings, keys)
        interviews.on_sealed = documents.store_for
        interviews.before_start = documents.check_can_start
        interviews.before_seal = documents.check_can_finalise
        reviews = ReviewService(station, settings)
        reviews.on_approve = documents.countersign
        return cls(
            station=station,
            accounts=AccountService(station, keys),
            roster=RosterService(station),
            interviews=interviews,
            transcription=TranscriptionService(station, interviews),
            checks=CheckService(station),
            documents=documents,
            settings=settings,
            keys=keys,
            audit=AuditService(station),
            reviews=reviews,
            lists=ListService(station, keys),
            dashboard=DashboardService(station),
            sync=SyncService(station, keys),
            backups=BackupService(station),
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
            key = database_key(data_dir, name, password)
        except AuthenticationFailed:
            wait = throttle.record_failure(name)
            if wait:
                raise SignInThrottled(name, wait) from None
            raise
        services = cls.open(data_dir, key)
        try:
            actor = services.sign_in(name, password)
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

    def sign_in(self, name: str, password: str) -> Actor:
        """Check the password and unlock the station key for this session."""
        actor = self.accounts.authenticate(name, password)
        self.keys.unlock(actor, password)
        self.keys.settle_database_slot(actor.user_id, password)
        return actor

    def sign_out(self) -> None:
        self.keys.lock()

    def close(self) -> None:
        self.keys.lock()
        self.station.close()


def init_station(data_dir: Path, station_id: str, camp: str, admin_name: str,
                 admin_password: str, *, demo: bool = False) -> StationServices:
    """Create a station and its first admin. Inputs are checked before anything is
    written, so a refused init leaves no half-made station behind. The database is
    encrypted from its first byte under a new random key, which only the admin's
    password opens (more slots come with more accounts)."""
    check_user_name(admin_name)
    check_new_password(admin_password, admin_name)
    key = secrets.token_bytes(KEY_BYTES)
    station = Station.create(data_dir, station_id, camp, demo=demo, key=key)
    keyfile = KeyFile.create(station.data_dir, station.station_id)
    keyfile.public.update({"camp": station.camp, "demo": station.demo})
    keyfile.set_slot(admin_name, admin_password, key)
    keyfile.save()
    services = StationServices.for_station(station)
    admin = services.accounts.create_first_admin(admin_name, admin_password)
    services.keys.create_station_key(admin, admin_password)
    services.keys.settle_database_slot(admin.user_id, admin_password)
    return services


@dataclass(frozen=True)
class StationFacts:
    """What is public about a station, readable before anyone signs in."""

    data_dir: Path
    station_id: str
    camp: str
    demo: bool


class LockedStation:
    """A station no one has signed in to yet: its database is still closed. Signing in
    opens it; ``services`` is then the open station. The sign-in screen works with this
    or with an open station's services alike."""

    def __init__(self, data_dir: Path):
        self.data_dir = Path(data_dir)
        self.services: StationServices | None = None
        self.station = station_facts(self.data_dir)

    def sign_in(self, name: str, password: str) -> Actor:
        if self.services is not None:
            return self.services.sign_in(name, password)
        self.services, actor = StationServices.unlock(self.data_dir, name, password)
        return actor


def station_facts(data_dir: Path) -> StationFacts:
    if is_plain_sqlite(database_path(data_dir)):
        station = Station.open(data_dir)  # an old station, encrypted at its first sign-in
        try:
            return StationFacts(data_dir, station.station_id, station.camp, station.demo)
        finally:
            station.close()
    keyfile = KeyFile.load(data_dir)
    return StationFacts(data_dir, keyfile.station_id, keyfile.public.get("camp", ""),
                        bool(keyfile.public.get("demo", False)))
