"""Headquarters on PostgreSQL taking in many stations at once: STATIONS stations, each with
COUNT interviews and their signed PDFs, pushed over HTTP at the same time to `hq serve`
with WORKERS processes; against a baseline in the same run: PostgreSQL's COPY of the same
rows plus writing the same PDF bytes to files. Target: at most 3x; each worker's peak
memory flat (printed beside the largest bundle). Then the merged lists of everyone: time to
CSV and to the signed PDF. Archival stamping (hq/archive.py), which a pushed bundle's
request does after intake, is switched off in the server and timed apart, after intake: as
many held forms as BENCH_HQ_STAMP_SECONDS allow, stamped in one process (forms per second).

Set-up (not timed): a throwaway PostgreSQL cluster (tests/postgres_server.py), a CA, a
headquarters on it, and the stations, made in parallel (one process per core), each as
benches/bench_sync.py makes one (a few interviews recorded and signed through the real
services, then COUNT made from them, each a sealed record with its own id, hash and chain
events and one of the real signed PDFs), and each station's bundle exported. To fit 40 x
5,000 on one disk, a station's folder is removed once its bundle and the baseline's rows are
written out; the baseline's PDFs are removed after each station's part is timed. Stations
push PUSHERS at a time (by default two per worker): headquarters holds at most 4 GiB of
uploads at once and answers more with "busy", as a camp's station would be told.

    python benches/bench_hq_postgres.py                        # 40 stations x 5,000: long
    BENCH_HQ_STATIONS=8 BENCH_HQ_COUNT=250 python benches/bench_hq_postgres.py
"""

import hashlib
import json
import multiprocessing
import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benches.bench_sync import clone  # noqa: E402
from benches.common import (  # noqa: E402
    ADMIN,
    CA_PASSPHRASE,
    PASSWORD,
    install_own_certificate,
    roster_csv,
    workdir,
)
from screening_app.hq.upload_limits import MAX_RECEIVING_BYTES  # noqa: E402
from screening_app.pki import certificates  # noqa: E402
from screening_app.protocol.examples import complete_answers  # noqa: E402
from screening_app.services.app import init_station  # noqa: E402
from screening_app.store.durable import write_atomically  # noqa: E402
from screening_app.sync.members import MEMBERS_BY_KIND  # noqa: E402
from screening_app.sync.outgoing import OutgoingRecords  # noqa: E402
from tests.postgres_server import PostgresServer, _free_port  # noqa: E402

STATIONS = int(os.environ.get("BENCH_HQ_STATIONS", "40"))
COUNT = int(os.environ.get("BENCH_HQ_COUNT", "5000"))
WORKERS = int(os.environ.get("BENCH_HQ_WORKERS", "4"))
STAMP_SECONDS = float(os.environ.get("BENCH_HQ_STAMP_SECONDS", "30"))
PUSHERS = int(os.environ.get("BENCH_HQ_PUSHERS", str(2 * WORKERS)))
SETUP_PROCESSES = int(os.environ.get("BENCH_HQ_SETUP_PROCESSES", str(os.cpu_count() or 1)))
REAL = 4
HQ_PASSPHRASE = "benchmark hq passphrase"
TARGET_RATIO = 3.0

SERVER = """
import sys
from screening_app.hq import web, workers
from screening_app.hq.headquarters import Headquarters

folder, port, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
web.stamp_after_intake = lambda hq, station_id: None  # timed apart, after intake
hq = Headquarters.open(folder, sys.stdin.readline().rstrip("\\n"))
sockets = workers.listening_sockets("127.0.0.1", port, count)
print("listening", flush=True)
workers.serve_with_workers(hq, sockets, lambda hq, sock: web.make_server(
    hq, "127.0.0.1", port).run(sockets=[sock]))
"""


def make_station(folder: Path, number: int, authority, public: Path):
    station_id = f"BENCH-{number:02d}"
    services = init_station(folder / station_id, station_id, "Koje-do", ADMIN, PASSWORD)
    admin = services.sign_in(ADMIN, PASSWORD)
    services.keys.import_certificate(admin, authority.issue(services.keys.csr_pem(), "csr"),
                                     "certificate")
    # Each station its own people (a roster of its own seed), as in the operation: by
    # chance about 15 of 5,000 are also on each other station's roster, and may open
    # conflicts. (The same people at every station made every intake read them all.)
    services.roster.import_file(admin, roster_csv(folder / station_id, COUNT + REAL,
                                                  seed=1952 + number))
    install_own_certificate(services, services.accounts.add_user(
        admin, "ivan", "interviewer", PASSWORD), authority)
    services.sync.trust_headquarters(services.sign_in(ADMIN, PASSWORD), public)
    ivan = services.sign_in("ivan", PASSWORD)
    isns = [row[0] for row in services.station.db.execute(
        "SELECT isn FROM subjects ORDER BY isn")]
    real = [services.transcription.record(ivan, isn, {"answers": complete_answers(
        "repatriate" if n % 2 else "enlist")}, "paper") for n, isn in enumerate(isns[:REAL])]
    clone(services, real, isns[REAL:REAL + COUNT], ivan)
    return services


def prepare_station(folder: Path, number: int, authority, public: Path) -> dict:
    """Make one station and export its bundle; write out what the baseline needs of it (its
    rows, and which of the real PDFs each document is); then remove the station."""
    services = make_station(folder, number, authority, public)
    station_id = services.station.station_id
    try:
        exported = services.sync.export(services.sign_in(ADMIN, PASSWORD),
                                        folder / "stick" / str(number))
        db = services.station.db
        outgoing = OutgoingRecords(db, services.station.review)
        rows = folder / "baseline-rows" / f"{station_id}.tsv"
        rows.parent.mkdir(exist_ok=True)
        with rows.open("w", encoding="utf-8") as out:
            for kind in ("subjects", "events", "interviews", "reviews", "documents"):
                for row in outgoing.rows(MEMBERS_BY_KIND[kind]):
                    out.write(f"{kind}\t{json.dumps(row)}\n")
        documents = []
        for (document_id,) in db.execute("SELECT id FROM documents"):
            content = outgoing.document_content(document_id)
            kept = folder / "baseline-pdfs" / f"{hashlib.sha256(content).hexdigest()}.pdf"
            if not kept.exists():
                kept.parent.mkdir(exist_ok=True)
                write_atomically(kept, content)  # stations made at once may write one each
            documents.append((document_id, kept.name))
        return {"station_id": station_id, "bundle": exported.path, "rows": rows,
                "documents": documents, "certificate": certificates.to_pem(
                    services.keys.station_certificate().certificate)}
    finally:
        services.close()
        shutil.rmtree(folder / station_id)


_SETUP: dict = {}  # what the set-up processes inherit


def _prepare_numbered(number: int) -> dict:
    return prepare_station(_SETUP["folder"], number, _SETUP["authority"], _SETUP["public"])


def copy_baseline(stations: list[dict], url: str, folder: Path) -> float:
    """The same rows COPYed into PostgreSQL and the same PDF bytes written to files. Each
    station's rows and PDFs are read first, untimed (intake's figure does not include the
    export either), and its files removed after, untimed. The throwaway cluster runs without
    fsync, so the files are written without it too."""
    import psycopg

    files = folder / "baseline-files"
    files.mkdir(exist_ok=True)
    pdfs = {path.name: path.read_bytes() for path in (folder / "baseline-pdfs").iterdir()}
    elapsed = 0.0
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS baseline_rows"
                     " (station TEXT, kind TEXT, row TEXT)")
        conn.execute("TRUNCATE baseline_rows")
        for station in stations:
            with station["rows"].open(encoding="utf-8") as lines:
                rows = [(station["station_id"], *line.rstrip("\n").split("\t", 1))
                        for line in lines]
            started = time.perf_counter()
            with conn.cursor().copy("COPY baseline_rows FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            for document_id, pdf in station["documents"]:
                (files / f"{document_id}.pdf").write_bytes(pdfs[pdf])
            elapsed += time.perf_counter() - started
            shutil.rmtree(files)
            files.mkdir()
    return elapsed


def worker_peaks(server_pid: int) -> list[int]:
    """Peak resident memory (KiB) of each worker process of the server."""
    peaks = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in text.splitlines() if ":" in line)
        if fields.get("PPid", "").strip() == str(server_pid):
            peaks.append(int(fields["VmHWM"].split()[0]))
    return sorted(peaks)


def main() -> None:
    from screening_app.hq.headquarters import Headquarters, init_headquarters
    from screening_app.hq.registry import register_station
    from screening_app.services.ca import init_ca, open_ca
    from screening_app.sync.push_client import push_bundle

    server, reason = PostgresServer.find()
    if server is None:
        sys.exit(reason)
    folder = workdir("hq-postgres")
    server.start()
    try:
        url = server.new_database()
        print(f"Preparing {STATIONS} stations x {COUNT} interviews in {folder} ...", flush=True)
        init_ca(folder / "ca", "Bench Root CA", "Bench", CA_PASSPHRASE)
        authority = open_ca(folder / "ca", CA_PASSPHRASE)
        public = init_headquarters(folder / "hq", ca_folder=folder / "ca",
                                   ca_passphrase=CA_PASSPHRASE, passphrase=HQ_PASSPHRASE,
                                   operator="operator", operator_password=PASSWORD,
                                   database=url)
        # One process per core makes stations; each is given the CA and the paths by fork
        # (a key does not go through a pipe).
        _SETUP.update(folder=folder, authority=authority, public=public)
        with multiprocessing.get_context("fork").Pool(SETUP_PROCESSES) as pool:
            stations = pool.map(_prepare_numbered, range(STATIONS))
        hq = Headquarters.open(folder / "hq", HQ_PASSPHRASE)
        for station in stations:
            register_station(hq, station["certificate"], "station certificate")
        hq.close()
        bundles = [station["bundle"] for station in stations]
        largest = max(path.stat().st_size for path in bundles)
        records = STATIONS * (COUNT + REAL)
        pushers = max(1, min(STATIONS, PUSHERS, MAX_RECEIVING_BYTES // largest))

        baseline = copy_baseline(stations, server.new_database(), folder)
        print(f"set-up done; {pushers} stations pushing at a time", flush=True)
        port = _free_port()
        serving = subprocess.Popen(
            [sys.executable, "-c", SERVER, str(folder / "hq"), str(port), str(WORKERS)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
            env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)})
        serving.stdin.write(HQ_PASSPHRASE + "\n")
        serving.stdin.flush()
        assert serving.stdout.readline().strip() == "listening"
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=pushers) as pool:
            list(pool.map(lambda path: push_bundle(f"http://127.0.0.1:{port}", path,
                                                   timeout=3600), bundles))
        intake = time.perf_counter() - started
        peaks = worker_peaks(serving.pid)
        serving.terminate()
        serving.wait(timeout=120)

        hq = Headquarters.open(folder / "hq", HQ_PASSPHRASE)
        try:
            from screening_app.hq import merged_lists

            started = time.perf_counter()
            lists = merged_lists.build(hq.store)
            for _slug, _title, rows in lists.sections():
                merged_lists.csv_text(rows)
            to_csv = time.perf_counter() - started
            started = time.perf_counter()
            merged_lists.signed_pdf(hq, lists)
            to_pdf = time.perf_counter() - started
            held = hq.store.query("SELECT count(*) FROM interviews")[0][0]
            from screening_app.hq.archive import stamp_pending

            started = time.perf_counter()
            stamped = stamp_pending(hq, seconds=STAMP_SECONDS).stamped
            stamping = time.perf_counter() - started
        finally:
            hq.close()
        print(f"stations {STATIONS}, interviews {records} (held {held}), workers {WORKERS};"
              f" largest bundle {largest / 1e6:.0f} MB")
        print(f"COPY of the same rows + the same PDFs written: {baseline:.2f} s")
        print(f"intake over HTTP: {intake:.2f} s, {records / intake:.0f} interviews/s")
        ratio = intake / baseline
        print(f"ratio to the baseline: {ratio:.2f}x (target at most {TARGET_RATIO:.0f}x):"
              f" {'ok' if ratio <= TARGET_RATIO else 'OVER TARGET'}")
        print("worker peak resident memory: "
              + ", ".join(f"{peak / 1024:.0f} MB" for peak in peaks))
        print(f"merged lists of everyone: CSV {to_csv:.2f} s, signed PDF {to_pdf:.2f} s")
        print(f"archival stamping (one process): {stamped} forms in {stamping:.1f} s,"
              f" {stamped / stamping:.1f} forms/s")
        sys.exit(0 if ratio <= TARGET_RATIO else 1)
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)  # tens of GB at the full size


if __name__ == "__main__":
    main()
