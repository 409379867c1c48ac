"""Upgrading: a database made by the first migration (kept as a real file in
tests/store/data, made by scripts in that folder's README) upgrades to the newest."""

import shutil
from pathlib import Path

from screening_app.store.connection import open_database
from screening_app.store.migrations import migrate, migrations, pending
from screening_app.store.station import Station

DATA = Path(__file__).parent / "data"


def test_a_station_made_by_the_first_migration_upgrades_to_the_newest(tmp_path):
    data_dir = tmp_path / "old-station"
    data_dir.mkdir()
    shutil.copy(DATA / "station-0001.sqlite3", data_dir / "station.sqlite3")
    db = open_database(data_dir / "station.sqlite3")
    applied = [m.name for m in migrations.applied(db)]
    assert applied == ["0001_initial"]
    db.close()

    station = Station.open(data_dir)  # opening applies what is pending
    assert pending(station.db) == []
    assert station.station_id == "OLD-01"
    # The data written by the old version is all still there and readable.
    assert station.db.execute("SELECT count(*) FROM subjects").fetchone()[0] == 3
    assert station.db.execute("SELECT name FROM users").fetchone()[0] == "admin"
    # What later migrations added is there and usable on the old data.
    assert "settings" in station.db.table_names()
    assert "discarded_drafts" in station.db.table_names()
    assert "purpose" in station.db["interviews"].columns_dict
    integrity = station.db.execute("PRAGMA integrity_check").fetchone()[0]
    assert integrity == "ok"
    station.close()


def test_migrations_stop_part_way_and_resume(tmp_path):
    db = open_database(tmp_path / "s.sqlite3")
    names = [m.name for m in migrations.pending(db)]
    migrations.apply(db, stop_before=names[1:] or None)
    assert [m.name for m in migrations.applied(db)] == names[:1]
    migrate(db)
    assert pending(db) == []
