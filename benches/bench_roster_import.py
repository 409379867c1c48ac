"""Import of a generated 200,000-row roster (validation and search index included).

Baselines, measured in the same run on the same file:
- `sqlite-utils insert --csv` plus `sqlite-utils enable-fts`: target at most 0.2 of its time;
- a bare csv-module plus executemany load of the same rows: target at most 1.5x (the floor
  for Python).
Run: python benches/bench_roster_import.py [ROWS]
"""

import csv
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from common import ROSTER_SIZE, new_station, report, roster_csv, workdir


def import_with_screening_app(folder: Path, roster: Path) -> float:
    station_dir = folder / "station"
    shutil.rmtree(station_dir, ignore_errors=True)
    services, admin = new_station(folder)
    started = time.perf_counter()
    services.roster.import_file(admin, roster)
    elapsed = time.perf_counter() - started
    services.close()
    return elapsed


def import_with_sqlite_utils(folder: Path, roster: Path) -> float:
    target = folder / "sqlite-utils.db"
    target.unlink(missing_ok=True)
    tool = Path(sys.executable).with_name("sqlite-utils")
    started = time.perf_counter()
    subprocess.run([str(tool), "insert", str(target), "subjects", str(roster), "--csv"],
                   check=True)
    subprocess.run([str(tool), "enable-fts", str(target), "subjects", "isn", "name_native",
                    "name_latin"], check=True)
    return time.perf_counter() - started


def import_bare(folder: Path, roster: Path) -> float:
    target = folder / "bare.db"
    target.unlink(missing_ok=True)
    started = time.perf_counter()
    conn = sqlite3.connect(target)
    with roster.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        conn.execute(f"CREATE TABLE subjects ({', '.join(header)})")
        conn.executemany(
            f"INSERT INTO subjects VALUES ({', '.join('?' * len(header))})", reader
        )
    conn.commit()
    conn.close()
    return time.perf_counter() - started


def main() -> int:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else ROSTER_SIZE
    folder = workdir("import")
    roster = roster_csv(folder, rows)
    # Alternate the three so that none profits from a warmer cache; keep the best of each.
    ours, tool, bare = [], [], []
    for _ in range(3):
        bare.append(import_bare(folder, roster))
        ours.append(import_with_screening_app(folder, roster))
        tool.append(import_with_sqlite_utils(folder, roster))
    print(f"roster import, {rows} rows ({roster.stat().st_size / 1e6:.1f} MB CSV)")
    ok = report("  vs sqlite-utils insert+enable-fts", min(ours), min(tool), 0.2)
    ok &= report("  vs bare csv+executemany", min(ours), min(bare), 1.5)
    shutil.rmtree(folder, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
