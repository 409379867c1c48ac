"""Makes station-0006.sqlite3: a station as the schema through 0006_sync wrote it, with
accounts made before accounts had display names (0007_display_names).

Run once when migration 0007 landed; the file is kept in git and never regenerated,
so the upgrade test always starts from real old bytes.
    python tests/store/data/make_station_0006.py
"""

from pathlib import Path

from screening_app.store.connection import open_database
from screening_app.store.migrations import migrations

HERE = Path(__file__).parent
LAST = "0006_sync"

if __name__ == "__main__":
    path = HERE / "station-0006.sqlite3"
    path.unlink(missing_ok=True)
    db = open_database(path)
    names = [m.name for m in migrations.pending(db)]
    later = names[names.index(LAST) + 1:]
    migrations.apply(db, stop_before=later or None)
    now = "2026-12-01T07:00:00.000Z"
    db.execute("INSERT INTO station VALUES (1, 'OLD-06', 'Koje-do', 0, ?)", [now])
    for user_id, name, role in [("u1", "admin", "admin"), ("u2", "hughes", "supervisor"),
                                ("u3", "petrov", "interviewer")]:
        db.execute("INSERT INTO users VALUES (?, ?, ?, 'argon2-hash-placeholder', ?, NULL)",
                   [user_id, name, role, now])
    db.conn.commit()
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.execute("PRAGMA journal_mode=DELETE")
    db.execute("VACUUM")  # a small file in git
    db.close()
    print(f"wrote {path}")
