"""The composition root: one station and the services that work on it.

The GUI, the CLI and the tests all build their services here, so each uses the same
code paths and the same role checks.
"""

from dataclasses import dataclass
from pathlib import Path

from screening_app.domain.accounts import Actor
from screening_app.services.accounts import AccountService, check_new_password, check_user_name
from screening_app.services.audit import AuditService
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
from screening_app.store.station import Station


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

    @classmethod
    def for_station(cls, station: Station, **interview_options) -> "StationServices":
        interviews = InterviewService(station, **interview_options)
        settings = SettingsService(station)
        keys = KeyService(station)
        documents = DocumentService(station, interviews, settings, keys)
        interviews.on_sealed = documents.store_for
        interviews.before_start = documents.check_can_sign
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
        )

    @classmethod
    def open(cls, data_dir: Path) -> "StationServices":
        return cls.for_station(Station.open(data_dir))

    def sign_in(self, name: str, password: str) -> Actor:
        """Check the password and unlock the station key for this session."""
        actor = self.accounts.authenticate(name, password)
        self.keys.unlock(actor, password)
        return actor

    def sign_out(self) -> None:
        self.keys.lock()

    def close(self) -> None:
        self.keys.lock()
        self.station.close()


def init_station(data_dir: Path, station_id: str, camp: str, admin_name: str,
                 admin_password: str, *, demo: bool = False) -> StationServices:
    """Create a station and its first admin. Inputs are checked before anything is
    written, so a refused init leaves no half-made station behind."""
    check_user_name(admin_name)
    check_new_password(admin_password, admin_name)
    station = Station.create(data_dir, station_id, camp, demo=demo)
    services = StationServices.for_station(station)
    admin = services.accounts.create_first_admin(admin_name, admin_password)
    services.keys.create_station_key(admin, admin_password)
    return services
