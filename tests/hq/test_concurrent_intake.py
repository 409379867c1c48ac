"""Headquarters on PostgreSQL with four server processes, ten stations pushing at once (each
bundle twice, by two connections at the same moment): every record is held once, every
station's chain is unbroken, each bundle is taken once, and the person whose choices differ
between camps is in one conflict, not several."""

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from screening_app.hq.headquarters import Headquarters
from screening_app.sync import bundle as bundles
from screening_app.sync.push_client import push_bundle
from tests.hq.conftest import HQ_PASSPHRASE, export, make_headquarters, register, trust
from tests.hq.test_three_stations import isn, make_station, screen
from tests.postgres_server import _free_port

WORKERS = 4
STATIONS = 10
TRANSFERRED = 4  # the person every camp screens, who chose differently at some of them
# Everyone else is screened at one or two camps, always with the same choice.
OTHERS = {1: "repatriate", 2: "enlist", 3: "repatriate", 5: "enlist", 6: "repatriate",
          7: "repatriate", 8: "enlist"}

SERVER = """
import sys
from screening_app.cli.hq import serve_with_workers
from screening_app.hq.headquarters import Headquarters
from screening_app.hq import workers

folder, port, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
hq = Headquarters.open(folder, sys.stdin.readline().rstrip("\\n"))
workers.check_workers(hq, count)
sockets = workers.listening_sockets("127.0.0.1", port, count)
print("listening", flush=True)  # connections wait in the backlog until a worker accepts
workers.serve_with_workers(hq, sockets, lambda hq, sock: __import__(
    "screening_app.hq.web", fromlist=["make_server"]).make_server(
        hq, "127.0.0.1", port).run(sockets=[sock]))
"""


@pytest.fixture
def pg_hq_folder(tmp_path, ca_folder, hq_key, monkeypatch, postgres):
    folder = tmp_path / "hq"
    make_headquarters(folder, ca_folder, hq_key, monkeypatch, postgres.new_database())
    return folder


def camps(tmp_path, test_keys, hq, hq_folder):
    stations = []
    for number in range(STATIONS):
        other = sorted(OTHERS)[number % len(OTHERS)]
        station = make_station(tmp_path, test_keys, f"CAMP-{number:02}", "Koje-do",
                               [other, TRANSFERRED])
        register(hq, station)
        trust(station, hq_folder)
        screen(station, other, OTHERS[other])
        screen(station, TRANSFERRED, "enlist" if number % 2 else "repatriate")
        stations.append(station)
    return stations


@pytest.mark.slow
def test_ten_stations_pushing_at_once_to_four_workers_lose_and_double_nothing(
        pg_hq_folder, tmp_path, test_keys):
    hq = Headquarters.open(pg_hq_folder, HQ_PASSPHRASE)
    try:
        stations = camps(tmp_path, test_keys, hq, pg_hq_folder)
    finally:
        hq.close()
    paths = [export(station, tmp_path / f"out-{n}") for n, station in enumerate(stations)]
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(pg_hq_folder), str(port), str(WORKERS)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        server.stdin.write(HQ_PASSPHRASE + "\n")
        server.stdin.flush()
        assert server.stdout.readline().strip() == "listening", server.stderr.read()
        url = f"http://127.0.0.1:{port}"
        with ThreadPoolExecutor(max_workers=2 * STATIONS) as pool:
            answers = list(pool.map(lambda path: push_bundle(url, path, timeout=120),
                                    [path for path in paths for _ in range(2)]))
    finally:
        server.terminate()
        server.wait(timeout=60)
    answered = []
    for number, (down, name) in enumerate(answers):
        path = tmp_path / f"down-{number}" / name
        path.parent.mkdir()
        path.write_bytes(down)
        header = bundles.read_header(path).header
        answered.append((header.sender, header.recipient))
    assert sorted(answered) == sorted(("headquarters", station.services.station.station_id)
                                      for station in stations for _ in range(2))

    hq = Headquarters.open(pg_hq_folder, HQ_PASSPHRASE)
    try:
        store = hq.store
        assert store.query("SELECT count(*) FROM bundles") == [(STATIONS,)]
        interviews = store.query("SELECT id, station_id FROM interviews")
        assert len(interviews) == 2 * STATIONS == len({row[0] for row in interviews})
        assert store.integrity_problems() == []  # every chain without a hole
        for station in stations:
            station_id = station.services.station.station_id
            held = store.station(station_id)
            (count,) = store.query("SELECT count(*) FROM events WHERE station_id = ?",
                                   [station_id])[0]
            assert held.events_seq == count > 0
        conflicts = store.conflicts()
        assert [(c.isn, c.status) for c in conflicts] == [(isn(TRANSFERRED), "open")]
        assert len(conflicts[0].summary) == STATIONS
    finally:
        hq.close()
