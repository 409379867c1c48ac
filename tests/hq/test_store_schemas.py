"""The two databases of headquarters keep the same tables and columns: a migration added to
one and forgotten in the other fails here (hq/migrations.py and hq/pg_migrations.py)."""

from screening_app.hq.databases import create_hq_store
from screening_app.hq.sealing import RecordSealer, new_data_key

# Columns one database needs and the other has by itself (SQLite's rowid).
OWN_COLUMNS = {("reviews", "arrival")}


def test_sqlite_and_postgresql_hold_the_same_tables_and_columns(tmp_path, postgres):
    sqlite = create_hq_store(tmp_path, None)
    postgresql = create_hq_store(tmp_path, postgres.new_database())
    try:
        bookkeeping = {"_sqlite_migrations", "sqlite_sequence"}  # SQLite's and sqlite-utils'
        tables = [name for (name,) in sqlite.query(
            "SELECT name FROM sqlite_master WHERE type = 'table'") if name not in bookkeeping]
        in_sqlite = {(table, column) for table in tables
                     for column in (row[1] for row in sqlite.query(
                         f"PRAGMA table_info({table})"))}
        in_postgresql = set(postgresql.query(
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE table_schema = 'public' AND table_name != 'hq_migrations'"))
        assert len(tables) > 10
        assert in_sqlite - OWN_COLUMNS == in_postgresql - OWN_COLUMNS
        assert postgresql.pending_migrations() == []
    finally:
        sqlite.close()
        postgresql.close()


def test_postgresql_does_not_try_to_compress_sealed_forms_and_records(tmp_path, postgres):
    store = create_hq_store(tmp_path, postgres.new_database())
    try:
        storage = dict(((table, column), mode) for table, column, mode in store.query(
            "SELECT c.relname, a.attname, a.attstorage FROM pg_attribute a"
            " JOIN pg_class c ON c.oid = a.attrelid WHERE c.relname IN"
            " ('documents', 'archived_documents', 'interviews') AND a.attnum > 0"))
        assert storage[("documents", "content")] == "e"  # external, never compressed
        assert storage[("archived_documents", "content")] == "e"
        assert storage[("interviews", "record")] == "e"
    finally:
        store.close()


def test_immutable_records_refuse_changes_on_postgresql_too(tmp_path, postgres):
    store = create_hq_store(tmp_path, postgres.new_database())
    store.sealer = RecordSealer(new_data_key())
    try:
        with store.transaction():
            store.insert_incident(at="1952-04-17T09:00:00Z", station_id=None, bundle_id=None,
                                  file_name="x.scb", kind="refused", reason="damaged")
        for change in ("UPDATE incidents SET reason = 'forgotten'", "DELETE FROM incidents"):
            try:
                with store.transaction():
                    store.query(change)
            except Exception as refused:  # noqa: BLE001 -- psycopg's RaiseException
                assert "incidents are append-only" in str(refused)
            else:
                raise AssertionError(f"{change} was allowed")
        assert [incident.reason for incident in store.incidents()] == ["damaged"]
    finally:
        store.close()


def test_reads_in_order_work_among_batched_writes(empty_store):
    """Intake batches its writes (pipeline mode on PostgreSQL); a streamed read made among
    them still sees every entry, the ones just written included."""
    store = empty_store
    with store.transaction(), store.batched():
        for number in range(3):
            store.insert_outbox(None, "roster", {"isn": f"NK-10000{number}"},
                                "1952-04-17T09:00:00Z")
        seen = [entry.payload["isn"] for entry in store.outbox(("roster",))]
    assert seen == ["NK-100000", "NK-100001", "NK-100002"]
    assert [entry.seq for entry in store.outbox(("roster",), after_seq=1)] == [2, 3]


def upgraded_from(tmp_path, hq_database, monkeypatch, before: str, rows_sql: str):
    """A headquarters store made with every migration before ``before``, holding what
    ``rows_sql`` inserts, then opened by today's code (which migrates it)."""
    from sqlite_utils import Database

    from screening_app.hq import migrations, pg_migrations
    from screening_app.hq.store import database_path

    if hq_database is None:
        db = Database(database_path(tmp_path))
        migrations.migrations.apply(db, stop_before=before)
        db.execute(rows_sql)
        db.conn.commit()
        db.close()
    else:
        with monkeypatch.context() as patch:
            patch.setattr(pg_migrations, "MIGRATIONS", [
                m for m in pg_migrations.MIGRATIONS if m[0] < before])
            old = create_hq_store(tmp_path, hq_database)
            old.conn.execute(rows_sql)
            old.close()
    store = create_hq_store(tmp_path, hq_database)  # opening it migrates it
    store.sealer = RecordSealer(new_data_key())
    return store


def assert_append_only(store, table: str) -> None:
    try:
        with store.transaction():
            store.query(f"DELETE FROM {table}")
    except Exception as refused:  # noqa: BLE001 -- sqlite3's or psycopg's error
        assert "append-only" in str(refused)
    else:
        raise AssertionError(f"{table} was emptied")


def test_an_outbox_made_before_renewals_keeps_its_entries_and_takes_renewals(
        tmp_path, hq_database, monkeypatch):
    """Migration 0008 on a headquarters that has published already: every entry stays with
    its number (stations count what they applied by it), the outbox stays append-only, and
    renewed certificates can be queued."""
    store = upgraded_from(
        tmp_path, hq_database, monkeypatch, "0008_renewed_certificates",
        "INSERT INTO outbox (station_id, kind, payload, created_at)"
        " VALUES (NULL, 'roster', 'one', 'a'), (NULL, 'protocol', 'two', 'b')")
    try:
        assert store.query("SELECT seq, kind, payload FROM outbox ORDER BY seq") == [
            (1, "roster", "one"), (2, "protocol", "two")]
        with store.transaction():
            seq = store.insert_outbox(None, "renewed_certificate", {"certificate_pem": "x"},
                                      "c")
        assert seq == 3
        assert_append_only(store, "outbox")
    finally:
        store.close()


def test_incidents_made_before_the_new_kinds_stay_and_the_new_kinds_are_taken(
        tmp_path, hq_database, monkeypatch):
    """Migration 0009 on a headquarters with incidents already: each stays with its id, the
    table stays append-only, and failed sign-ins and forms not stamped have kinds of their
    own."""
    store = upgraded_from(
        tmp_path, hq_database, monkeypatch, "0009_incident_kinds",
        "INSERT INTO incidents (at, kind, reason) VALUES ('a', 'fork', 'one'),"
        " ('b', 'refused', 'two')")
    try:
        assert store.query("SELECT id, kind, reason FROM incidents ORDER BY id") == [
            (1, "fork", "one"), (2, "refused", "two")]
        with store.transaction():
            for kind in ("sign_in", "archive"):
                store.insert_incident(at="c", station_id=None, bundle_id=None,
                                      file_name=None, kind=kind, reason="new")
        assert [row[0] for row in store.query("SELECT kind FROM incidents ORDER BY id")] == [
            "fork", "refused", "sign_in", "archive"]
        assert_append_only(store, "incidents")
    finally:
        store.close()
