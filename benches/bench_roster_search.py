"""1,000 searches over a 200,000-person roster: ISN prefixes, Hangul, Hanzi, Latin.

Median and p99 of the search service against the same queries as raw SQL (the same
index range scans, sent straight to the database connection with the keys already
normalised; the station's database is encrypted, so the baseline opens it the one way the
program does, `store.connection.open_database`, with its key).
Targets: median ratio at most 1.5x; p99 of the service under 5 ms.
Run: python benches/bench_roster_search.py
"""

import random
import shutil
import sys
import time

from common import ROSTER_SIZE, median, new_station, percentile, roster_csv, workdir

from screening_app.domain.search_keys import (
    PREFIX_END,
    is_native_script,
    isn_key,
    latin_query_key,
    native_query_key,
)
from screening_app.store.connection import open_database
from screening_app.store.station import database_path


def queries_from(services, admin, count: int, seed: int = 4) -> list[str]:
    rng = random.Random(seed)
    people = services.station.db.execute(
        "SELECT isn, name_native, name_latin FROM subjects").fetchall()
    queries = []
    for _ in range(count):
        isn, native, latin = rng.choice(people)
        kind = rng.randrange(4)
        if kind == 0:
            queries.append(isn[: rng.randint(4, len(isn))])
        elif kind == 1 or kind == 2:
            # Hangul or Hanzi: a whole name, a surname and part of the given name, or the given
            # name alone, as people type them.
            cut = rng.choice([len(native), 2, 1])
            queries.append(native[:cut] if rng.random() < 0.7 else native[1:])
        else:
            words = latin.split()
            queries.append(" ".join(words)[: rng.randint(3, len(latin))])
    return queries


def raw_sql(conn, text: str, limit: int = 50) -> list:
    """The same statements the repository sends, without the service around them."""
    ranges = []
    key = isn_key(text)
    if key:
        ranges += [("search_isn", key, True), ("search_isn", key, False)]
    if is_native_script(text):
        key = native_query_key(text)
        ranges += [("search_native", key, False), ("search_native_given", key, False)]
    else:
        key = latin_query_key(text)
        ranges += [("search_latin", key, False), ("search_latin_given", key, False)]
    rows = []
    for column, key, exact in ranges:
        if len(rows) >= limit:
            break
        where, params = ((f"{column} = ?", [key]) if exact
                         else (f"{column} >= ? AND {column} < ?", [key, key + PREFIX_END]))
        rows += conn.execute(
            "SELECT isn, name_native, name_latin, nationality, rank, unit, camp, compound,"
            f" birth_year FROM subjects WHERE {where} ORDER BY {column}, isn LIMIT ?",
            [*params, limit]).fetchall()
    return rows


def timed(action, queries) -> list[float]:
    times = []
    for query in queries:
        started = time.perf_counter()
        action(query)
        times.append(time.perf_counter() - started)
    return times


def main() -> int:
    folder = workdir("search")
    services, admin = new_station(folder)
    services.roster.import_file(admin, roster_csv(folder, ROSTER_SIZE))
    queries = queries_from(services, admin, 1000)
    # A plain sqlite3 connection reads an encrypted file as noise ("file is not a database").
    station = services.station
    conn = open_database(database_path(station.data_dir), station.key).conn
    for query in queries[:100]:  # warm both paths the same way
        services.roster.search(admin, query)
        raw_sql(conn, query)
    service_times = timed(lambda q: services.roster.search(admin, q), queries)
    raw_times = timed(lambda q: raw_sql(conn, q), queries)
    ms = 1000
    ratio = median(service_times) / median(raw_times)
    p99 = percentile(service_times, 0.99) * ms
    print(f"roster search, {len(queries)} queries over {ROSTER_SIZE} people")
    print(f"  service: median {median(service_times) * ms:.3f} ms, p99 {p99:.3f} ms")
    print(f"  raw SQL: median {median(raw_times) * ms:.3f} ms,"
          f" p99 {percentile(raw_times, 0.99) * ms:.3f} ms")
    print(f"  median ratio {ratio:.2f} (target <= 1.5) {'ok' if ratio <= 1.5 else 'OVER TARGET'}")
    print(f"  p99 {p99:.2f} ms (target < 5 ms) {'ok' if p99 < 5 else 'OVER TARGET'}")
    conn.close()
    services.close()
    shutil.rmtree(folder, ignore_errors=True)
    return 0 if ratio <= 1.5 and p99 < 5 else 1


if __name__ == "__main__":
    sys.exit(main())
