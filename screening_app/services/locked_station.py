"""A station no one has signed in to yet: what the sign-in screen needs.

Kept apart from ``services.app`` so that the sign-in screen shows without importing every
service of the station (and what they import: sqlite-utils, cryptography, the protocol...):
those load while the first password is checked, which takes a moment anyway.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from screening_app.domain.accounts import Actor
from screening_app.store.connection import is_plain_sqlite
from screening_app.store.keyfile import KeyFile
from screening_app.store.station import database_path

if TYPE_CHECKING:
    from screening_app.services.app import StationServices


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
        from screening_app.services.app import StationServices  # the first sign-in opens it

        self.services, actor = StationServices.unlock(self.data_dir, name, password)
        return actor


def station_facts(data_dir: Path) -> StationFacts:
    if is_plain_sqlite(database_path(data_dir)):
        from screening_app.store.station import Station

        station = Station.open(data_dir)  # an old station, encrypted at its first sign-in
        try:
            return StationFacts(data_dir, station.station_id, station.camp, station.demo)
        finally:
            station.close()
    keyfile = KeyFile.load(data_dir)
    return StationFacts(data_dir, keyfile.station_id, keyfile.public.get("camp", ""),
                        bool(keyfile.public.get("demo", False)))
