"""A process killed in the middle of a roster import leaves the previous roster intact."""

import os
import signal
import subprocess
import sys
import time

import pytest

from screening_app.demo.roster_generator import write_roster_csv
from screening_app.services.app import StationServices
from tests.conftest import PASSWORD


@pytest.mark.slow
def test_kill_during_import_keeps_the_previous_roster(roster_station, tmp_path):
    data_dir = roster_station.data_dir
    before = roster_station.services.roster.count(roster_station.admin)
    roster_station.services.close()
    big = write_roster_csv(tmp_path / "big.csv", 120_000, seed=7)
    wal = data_dir / "station.sqlite3-wal"
    start_size = wal.stat().st_size if wal.exists() else 0

    child = subprocess.Popen(
        [sys.executable, "-m", "screening_app", "--data-dir", str(data_dir), "roster", "import",
         str(big), "--user", "admin", "--password-stdin"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    child.stdin.write(PASSWORD + "\n")
    child.stdin.close()
    # Wait until the import is writing (its transaction spills pages into the WAL), then kill.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and child.poll() is None:
        if wal.exists() and wal.stat().st_size > start_size + 2_000_000:
            break
        time.sleep(0.002)
    assert child.poll() is None, "the import finished before it could be killed"
    os.kill(child.pid, signal.SIGKILL)
    child.wait()

    services, _ = StationServices.unlock(data_dir, "admin", PASSWORD)
    try:
        db = services.station.db
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert services.roster.count(roster_station.admin) == before
        assert [s.isn for s in services.roster.search(roster_station.admin, "王伟")] == [
            "CN-700001"]
        assert db.execute("SELECT count(*) FROM events WHERE kind = 'roster.imported'"
                          ).fetchone()[0] == 1
    finally:
        services.close()
