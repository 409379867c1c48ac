"""The merged revised lists of a whole operation: PEOPLE people (default 200,000) on forty
stations' rosters, each screened once, most records approved, a few disagreeing between
two stations; time to build the lists and write every section as CSV, and to render and
sign the PDF; peak resident memory. Headquarters on PostgreSQL (a throwaway cluster from
Debian's `postgresql`, as the tests start one) or, with BENCH_HQ_LISTS_STORE=sqlite, on
SQLite.

Baseline, in the same run: the same rows read back from the store (every roster row,
record and review opened, as the lists must) and written as CSV with the standard library,
and the same rows as bare lines of text on reportlab's canvas (no table, no embedded font,
no signature). The lists also decide each
person's section (conflicts, pending, unscreened), which the baseline does not: the ratio
says what that and the signed, bilingual PDF cost. No target is set by the issue; it asks
for the figures.

The records are written straight into the store through its own methods (sealed as intake
seals them): a read benchmark, as benches/bench_review_queue.py is.

    python benches/bench_hq_lists.py                  # 200,000 people, PostgreSQL
    BENCH_HQ_LISTS_PEOPLE=20000 python benches/bench_hq_lists.py
"""

import csv
import io
import os
import random
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benches.common import CA_PASSPHRASE, PASSWORD, workdir  # noqa: E402
from screening_app.domain.canonical import canonical_json, sha256_hex  # noqa: E402

PEOPLE = int(os.environ.get("BENCH_HQ_LISTS_PEOPLE", "200000"))
STORE = os.environ.get("BENCH_HQ_LISTS_STORE", "postgresql")
STATIONS = 40
HQ_PASSPHRASE = "benchmark hq passphrase"
BATCH = 5000
LINES_PER_PAGE = 62


def fill(store, people: int) -> None:
    """Every person on one station's roster (one in fifty on a second station's too, one in
    ten of those screened there as well, half of them differently: conflicts), a final
    record for nine in ten, approved for eight in ten of those."""
    from screening_app.demo.roster_generator import generate_roster

    rng = random.Random(1952)
    roster = generate_roster(people, seed=1952)
    stations = [f"CAMP-{n:02d}" for n in range(STATIONS)]
    with store.transaction():
        for station_id in stations:
            store.insert_station(station_id, "Koje-do", "(certificate)",
                                 sha256_hex(station_id), "1952-04-01T00:00:00.000Z")
    for start in range(0, people, BATCH):
        with store.transaction(), store.batched():
            for n in range(start, min(people, start + BATCH)):
                person = roster[n]
                where = [stations[n % STATIONS]]
                if n % 50 == 0:
                    where.append(stations[(n + 1) % STATIONS])
                for station_id in where:
                    store.put_subject(station_id, person, sha256_hex(canonical_json(person)))
                if n % 10 == 9:
                    continue  # not screened yet
                choice = rng.choice(["repatriate", "enlist"])
                for number, station_id in enumerate(where[: 1 + (n % 500 == 0)]):
                    chosen = choice if number == 0 or n % 1000 else \
                        {"repatriate": "enlist", "enlist": "repatriate"}[choice]
                    record = {"id": f"{station_id}-{n:07d}", "station_id": station_id,
                              "subject_isn": person["isn"], "outcome": "completed",
                              "choice": chosen, "finalised_at": "1952-04-20T10:00:00.000Z",
                              "supersedes_id": None, "interviewer_name": "ivan",
                              "subject_snapshot": person}
                    store.insert_interview(station_id, record,
                                           sha256_hex(canonical_json(record)))
                    if n % 5:
                        review = {"id": f"review-{station_id}-{n}",
                                  "interview_id": record["id"], "state": "approved",
                                  "reason": None, "at": "1952-04-21T10:00:00.000Z"}
                        store.insert_review(station_id, review,
                                            sha256_hex(canonical_json(review)))


def baseline(store) -> tuple[float, float]:
    """Every roster row, record and review read back and opened; CSV by the standard
    library; the rows as bare lines of text on reportlab's canvas (a built-in font, no table,
no signature)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    started = time.perf_counter()
    rows = [(p.isn, p.name_native or "", p.name_latin or "", p.compound or "", p.station_id)
            for p in store.roster_people()]
    records = {held.subject_isn: held.choice for held in store.final_interviews()}
    for station_id in {row[4] for row in rows}:
        store.reviews(station_id)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerows((*row, records.get(row[0], "")) for row in rows)
    to_csv = time.perf_counter() - started
    started = time.perf_counter()
    canvas = Canvas(io.BytesIO(), pagesize=A4)
    for start in range(0, len(rows), LINES_PER_PAGE):
        canvas.setFont("Helvetica", 8)
        for line, row in enumerate(rows[start:start + LINES_PER_PAGE]):
            canvas.drawString(40, 800 - 12 * line,
                              "  ".join((row[0], row[2], row[3], records.get(row[0]) or "")))
        canvas.showPage()
    canvas.save()
    return to_csv, time.perf_counter() - started


def kept_and_served(hq) -> tuple[float, float]:
    """As the operators' page does it: the lists made in the background and kept (the first
    download), then a download while they are current (the key read, the PDF opened)."""
    from screening_app.hq.kept_lists import KeptLists, current_key

    def on_own_connection(work):
        own = hq.with_new_connection()
        try:
            return work(own)
        finally:
            own.close()

    kept = KeptLists(hq.folder)
    started = time.perf_counter()
    kept.start(on_own_connection)
    assert kept.wait(7200)
    to_keep = time.perf_counter() - started
    started = time.perf_counter()
    assert kept.pdf(hq, current_key(hq)) is not None, "the kept PDF is not current"
    return to_keep, time.perf_counter() - started


def main() -> None:
    from screening_app.hq import merged_lists
    from screening_app.hq.headquarters import Headquarters, init_headquarters
    from screening_app.services.ca import init_ca
    from tests.postgres_server import PostgresServer

    folder = workdir("hq-lists")
    server = None
    url = None
    if STORE == "postgresql":
        server, reason = PostgresServer.find()
        if server is None:
            sys.exit(reason)
        server.start()
        url = server.new_database()
    try:
        init_ca(folder / "ca", "Bench Root CA", "Bench", CA_PASSPHRASE)
        init_headquarters(folder / "hq", ca_folder=folder / "ca", ca_passphrase=CA_PASSPHRASE,
                          passphrase=HQ_PASSPHRASE, operator="operator",
                          operator_password=PASSWORD, database=url)
        hq = Headquarters.open(folder / "hq", HQ_PASSPHRASE)
        try:
            print(f"Filling headquarters ({STORE}) with {PEOPLE} people ...", flush=True)
            started = time.perf_counter()
            fill(hq.store, PEOPLE)
            print(f"  filled in {time.perf_counter() - started:.0f} s", flush=True)
            base_csv, base_pdf = baseline(hq.store)
            started = time.perf_counter()
            lists = merged_lists.build(hq.store)
            sizes = {slug: len(rows) for slug, _title, rows in lists.sections()}
            for _slug, _title, rows in lists.sections():
                merged_lists.csv_text(rows)
            to_csv = time.perf_counter() - started
            started = time.perf_counter()
            pdf = merged_lists.signed_pdf(hq, lists)
            to_pdf = time.perf_counter() - started
            to_keep, to_serve = kept_and_served(hq)
        finally:
            hq.close()
    finally:
        if server is not None:
            server.stop()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"merged lists of {PEOPLE} people on {STATIONS} stations ({STORE}):"
          f" {', '.join(f'{slug} {count}' for slug, count in sizes.items())}")
    print(f"  build + CSV: {to_csv:.1f} s (baseline: read back + csv module {base_csv:.1f} s,"
          f" {to_csv / base_csv:.2f}x)")
    print(f"  signed PDF: {to_pdf:.1f} s, {len(pdf) / 1e6:.1f} MB (baseline: bare lines on"
          f" reportlab's canvas {base_pdf:.1f} s, {to_pdf / base_pdf:.2f}x)")
    print(f"  kept by the operators' page: made and sealed {to_keep:.1f} s; a download while"
          f" current {to_serve:.2f} s")
    print(f"  peak resident memory: {peak:.0f} MB")


if __name__ == "__main__":
    main()
