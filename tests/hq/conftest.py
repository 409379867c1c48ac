"""Headquarters fixtures: a CA folder holding the test root (so station certificates from
tests/conftest.py chain to it), a headquarters made with it, and a station with a few
signed records."""

import shutil
import socket
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from cryptography.hazmat.primitives import serialization

from screening_app.hq import headquarters as hq_module
from screening_app.hq.databases import create_hq_store
from screening_app.hq.headquarters import Headquarters, init_headquarters
from screening_app.hq.sealing import RecordSealer, new_data_key
from screening_app.hq.store import SqliteHqStore
from screening_app.pki import certificates
from screening_app.protocol.examples import complete_answers
from screening_app.services.app import StationServices
from screening_app.services.ca import CA_CERT_FILE, CA_KEY_FILE
from tests.conftest import PASSWORD, StationFixture, stored_forms, unlock_personal_keys

CA_PASSPHRASE = "test ca passphrase"
APPROVAL_NOTE = "Approved despite: transcribed from the complete signed paper form."
HQ_PASSPHRASE = "headquarters passphrase"
OPERATOR = "olivia"


@pytest.fixture(scope="session")
def hq_key():
    """Headquarters' own RSA key: not the station key every test station shares, so that
    a check made with the wrong key cannot pass by accident."""
    return certificates.new_private_key()


@pytest.fixture(autouse=True)
def quick_operator_hashing(monkeypatch):
    monkeypatch.setattr(hq_module, "_operator_hasher",
                        PasswordHasher(time_cost=1, memory_cost=64, parallelism=1))


@pytest.fixture
def ca_folder(tmp_path, test_keys) -> Path:
    """A CA folder (as 'screening-app ca init' writes it) holding the test root CA."""
    key, certificate = test_keys["ca"]
    folder = tmp_path / "ca"
    folder.mkdir()
    (folder / CA_KEY_FILE).write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(CA_PASSPHRASE.encode())))
    (folder / CA_CERT_FILE).write_bytes(certificates.to_pem(certificate))
    return folder


def make_headquarters(folder: Path, ca_folder: Path, hq_key, monkeypatch,
                      database: str | None = None, **tls) -> Path:
    with monkeypatch.context() as patch:
        patch.setattr(certificates, "new_private_key", lambda: hq_key)
        return init_headquarters(folder, ca_folder=ca_folder, ca_passphrase=CA_PASSPHRASE,
                                 passphrase=HQ_PASSPHRASE, operator=OPERATOR,
                                 operator_password=PASSWORD, database=database, **tls)


@pytest.fixture(params=["sqlite", "postgresql"])
def hq_database(request) -> str | None:
    """Where headquarters keeps its records: every test that uses it runs twice, on SQLite
    in the HQ folder (None) and on a new database of the session's PostgreSQL server."""
    if request.param == "sqlite":
        return None
    return request.getfixturevalue("postgres").new_database()


@pytest.fixture
def hq_folder(tmp_path, ca_folder, hq_key, monkeypatch, hq_database) -> Path:
    folder = tmp_path / "hq"
    make_headquarters(folder, ca_folder, hq_key, monkeypatch, hq_database)
    return folder


@pytest.fixture
def empty_store(tmp_path, hq_database):
    """A new, empty headquarters store on either database (no identity, no operator),
    sealing with a data key of its own."""
    store = create_hq_store(tmp_path, hq_database)
    store.sealer = RecordSealer(new_data_key())
    yield store
    store.close()


def flush_to_files(hq) -> None:
    """Move what SQLite's WAL holds into hq.sqlite3 (nothing to do on PostgreSQL)."""
    if isinstance(hq.store, SqliteHqStore):
        hq.store.query("PRAGMA wal_checkpoint(TRUNCATE)")


def sqlite_only(hq) -> None:
    """Skip a test about SQLite's own files (its WAL, a copy of hq.sqlite3) on PostgreSQL,
    whose files are the server's, backed up with its own tools."""
    if not isinstance(hq.store, SqliteHqStore):
        pytest.skip("about hq.sqlite3's files; PostgreSQL keeps its own")


@pytest.fixture
def hq(hq_folder):
    opened = Headquarters.open(hq_folder, HQ_PASSPHRASE)
    yield opened
    opened.close()


_TEMPLATE: dict = {}


@pytest.fixture
def records_station(request, tmp_path, tmp_path_factory):
    """The roster station with final interviews: NK-100001 enlist, approved (its form
    countersigned), NK-100002 repatriate, sent back, CN-700001 repatriate, waiting, and a
    non-completion record for NK-100013.

    Made once through the real services, then copied for each test: signing and
    countersigning forms takes seconds, and the copy is the same station byte for byte."""
    if not _TEMPLATE:
        station = request.getfixturevalue("roster_station")
        services = station.services
        finals = [services.transcription.record(station.interviewer, isn,
                                                {"answers": complete_answers(choice)}, "paper")
                  for isn, choice in (("NK-100001", "enlist"), ("NK-100002", "repatriate"),
                                      ("CN-700001", "repatriate"))]
        services.reviews.decide(station.supervisor, finals[0].id, "approved",
                                reason=APPROVAL_NOTE, comment="Checked against the paper.")
        services.reviews.decide(station.supervisor, finals[1].id, "sent_back",
                                reason="The observer's name is missing.")
        finals.append(services.transcription.record(
            station.interviewer, "NK-100013",
            {"answers": complete_answers(), "abandon": {"reason": "security_incident",
                                                        "step": "coercion"}}, "paper"))
        services.station.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        template = tmp_path_factory.mktemp("records-station") / "station"
        shutil.copytree(station.data_dir, template)
        _TEMPLATE.update(folder=template, finals=finals)
        station.finals = finals
        yield station
        return
    data_dir = tmp_path / "station"
    shutil.copytree(_TEMPLATE["folder"], data_dir)
    services, admin = StationServices.unlock(data_dir, "admin", PASSWORD)
    # Signing in as the supervisor unlocks the station key and the supervisor's own key;
    # the interviewers' own keys are unlocked too, as in the station fixture.
    supervisor = services.sign_in("sup", PASSWORD)
    unlock_personal_keys(services, "ivan", "olga")
    station = StationFixture(services, admin, supervisor,
                             services.accounts.authenticate("ivan", PASSWORD),
                             services.accounts.authenticate("olga", PASSWORD), data_dir)
    station.finals = _TEMPLATE["finals"]
    yield station
    station.services.close()


def stored_document(station, interview_id: str, revision: int) -> bytes:
    [(_, content)] = stored_forms(station.services, "interview_id = ? AND revision = ?",
                                  [interview_id, revision])
    return content


def station_certificate(station):
    return station.services.keys.station_certificate().certificate


def register(hq, station):
    """Register the station's certificate at headquarters, as 'hq station add' does."""
    from screening_app.hq.registry import register_station

    installed = station.services.keys.station_certificate()
    pem = certificates.chain_pem([installed.certificate, *installed.chain])
    return register_station(hq, pem, "station-cert.pem")


def trust(station, hq_folder: Path) -> None:
    """The station installs headquarters-public.json, as 'sync trust-hq' does."""
    from screening_app.hq.headquarters import PUBLIC_FILE

    station.services.sync.trust_headquarters(station.admin, hq_folder / PUBLIC_FILE)


def export(station, folder: Path) -> Path:
    return station.services.sync.export(station.supervisor, folder).path


@pytest.fixture
def linked(hq, hq_folder, records_station):
    """The records station, registered at headquarters and trusting it."""
    register(hq, records_station)
    trust(records_station, hq_folder)
    return records_station


def table_counts(hq) -> dict[str, int]:
    tables = ("events", "users", "protocols", "subjects", "interviews", "reviews",
              "documents", "bundles", "incidents", "conflicts", "outbox")
    return {table: hq.store.query(f"SELECT count(*) FROM {table}")[0][0] for table in tables}


@dataclass(frozen=True)
class Served:
    url: str
    app: object  # the Starlette app, whose state tests may read


@pytest.fixture
def served(hq):
    """uvicorn on a free port of 127.0.0.1, in a thread. The socket listens before the
    server starts, so a request made at once waits in the backlog: no polling, no sleep."""
    from screening_app.hq.web import make_server

    listening = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listening.bind(("127.0.0.1", 0))
    listening.listen(64)
    port = listening.getsockname()[1]
    server = make_server(hq, "127.0.0.1", port)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listening]},
                              daemon=True)
    thread.start()
    yield Served(f"http://127.0.0.1:{port}", server.config.app)
    server.should_exit = True
    thread.join(timeout=30)
    listening.close()
    assert not thread.is_alive()
