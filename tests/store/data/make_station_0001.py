"""Makes station-0001.sqlite3: a station as the first schema version wrote it.

Run once when migration 0001 landed; the file is kept in git and never regenerated,
so the upgrade test always starts from real old bytes.
    python tests/store/data/make_station_0001.py
"""

from pathlib import Path

from screening_app.store.connection import open_database
from screening_app.store.migrations import migrations

HERE = Path(__file__).parent

if __name__ == "__main__":
    path = HERE / "station-0001.sqlite3"
    path.unlink(missing_ok=True)
    db = open_database(path)
    later = [m.name for m in migrations.pending(db)][1:]
    migrations.apply(db, stop_before=later or None)
    now = "2026-11-27T07:00:00.000Z"
    db.execute("INSERT INTO station VALUES (1, 'OLD-01', 'Koje-do', 0, ?)", [now])
    db.execute("INSERT INTO users VALUES ('u1', 'admin', 'admin', 'argon2-hash-placeholder',"
               " ?, NULL)", [now])
    for isn, native, latin in [("NK-1", "김민준", "Kim Min-jun"), ("NK-2", "이서연", "Lee Seo-yeon"),
                               ("CN-1", "王伟", "Wang Wei")]:
        db.execute(
            "INSERT INTO subjects (isn, name_native, name_latin, search_isn, added_at,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?)",
            [isn, native, latin, isn.replace("-", ""), now, now],
        )
    db.conn.commit()
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.execute("PRAGMA journal_mode=DELETE")
    db.close()
    print(f"wrote {path}")
