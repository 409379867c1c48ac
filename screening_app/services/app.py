"""The composition root: one station and the services that work on it.

The GUI, the CLI and the tests all build their services here, so each uses the same
code paths and the same role checks.
"""

from dataclasses import dataclass
from pathlib import Path

from screening_app.services.accounts import AccountService, check_new_password, check_user_name
from screening_app.services.checks import CheckService
from screening_app.services.documents import DocumentService
from screening_app.services.interviews import InterviewService
from screening_app.services.roster import RosterService
from screening_app.services.settings import SettingsService
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

    @classmethod
    def for_station(cls, station: Station, **interview_options) -> "StationServices":
        interviews = InterviewService(station, **interview_options)
        settings = SettingsService(station)
        documents = DocumentService(station, interviews, settings)
        interviews.on_sealed = documents.store_for
        return cls(
            station=station,
            accounts=AccountService(station),
            roster=RosterService(station),
            interviews=interviews,
            transcription=TranscriptionService(station, interviews),
            checks=CheckService(station),
            documents=documents,
            settings=settings,
        )

    @classmethod
    def open(cls, data_dir: Path) -> "StationServices":
        return cls.for_station(Station.open(data_dir))

    def close(self) -> None:
        self.station.close()


def init_station(data_dir: Path, station_id: str, camp: str, admin_name: str,
                 admin_password: str, *, demo: bool = False) -> StationServices:
    """Create a station and its first admin. Inputs are checked before anything is
    written, so a refused init leaves no half-made station behind."""
    check_user_name(admin_name)
    check_new_password(admin_password)
    station = Station.create(data_dir, station_id, camp, demo=demo)
    services = StationServices.for_station(station)
    services.accounts.create_first_admin(admin_name, admin_password)
    return services
