"""Shared fixtures: a fresh station with one account per role, and a small roster."""

import csv
import os
from dataclasses import dataclass
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Offscreen, every GUI test runs on the smallest laptop screen the app is made for
# (1280x720), so a dialog that does not fit fails a test instead of a person.
if os.environ["QT_QPA_PLATFORM"] == "offscreen":
    os.environ["QT_QPA_PLATFORM"] = (
        "offscreen:configfile=" + str(Path(__file__).parent / "ui" / "data" / "laptop-1280x720.json"))

from screening_app.domain.accounts import Actor  # noqa: E402
from screening_app.services.app import StationServices, init_station  # noqa: E402

PASSWORD = "correct horse battery"


@pytest.fixture(scope="session")
def test_keys():
    """RSA keys made once for the whole test run: a root CA and one key every test
    station uses (making a 3072-bit key per station would dominate the suite's time)."""
    from screening_app.pki import certificates

    ca_key, ca_certificate = certificates.create_root_ca("Test Root CA", "Test Org")
    return {"ca": (ca_key, ca_certificate), "station": certificates.new_private_key()}


@pytest.fixture(scope="session")
def postgres():
    """A throwaway PostgreSQL server for the session (tests/postgres_server.py)."""
    from tests.postgres_server import PostgresServer

    server, reason = PostgresServer.find()
    if server is None:
        pytest.skip(reason)
    server.start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def quick_keys(monkeypatch, test_keys):
    from screening_app.pki import certificates, sealed

    monkeypatch.setattr(certificates, "new_private_key", lambda: test_keys["station"])
    monkeypatch.setattr(sealed, "ARGON2", {"time_cost": 1, "memory_cost": 64,
                                           "parallelism": 1})


def install_test_certificate(services, admin, test_keys) -> None:
    """Issue this station's certificate from the test root CA and install it."""
    from screening_app.pki import certificates

    ca_key, ca_certificate = test_keys["ca"]
    csr = certificates.load_csr(services.keys.csr_pem(), "test csr")
    issued = certificates.issue_certificate(ca_key, ca_certificate, csr)
    services.keys.import_certificate(
        admin, certificates.chain_pem([issued, ca_certificate]), "test certificate")


def install_test_user_certificate(services, actor, test_keys, password=PASSWORD) -> None:
    """Give a person their own signing key (interviewers sign the forms they finalise with
    it, supervisors their countersignatures) and a certificate from the test root CA; the
    key stays unlocked in this session, as after the person signs in."""
    from screening_app.pki import certificates

    ca_key, ca_certificate = test_keys["ca"]
    # A test shortcut (see unlock_personal_keys): the session signs in as the person to make
    # their key, then gets back what it held before (the station key among it).
    keys = services.keys
    unlocked, kek, account = dict(keys._personal), keys._kek, keys._account
    services.sign_in(actor.name, password)  # the key is sealed under the person's own keys
    csr = certificates.load_csr(keys.create_user_key(actor), "user csr")
    issued = certificates.issue_certificate(ca_key, ca_certificate, csr)
    services.install_user_certificate(
        actor, certificates.chain_pem([issued, ca_certificate]), "user certificate")
    keys._personal.update(unlocked)
    if kek is not None:
        keys._kek, keys._account = kek, account


def unlock_personal_keys(services, *names: str) -> None:
    """Unlock these people's own keys in this session too, beside the signed-in person's,
    as the station fixtures leave them so that one test can act as several people. A test
    shortcut: at a station each person signs in, and a sign-in forgets the one before."""
    for name in names:
        session = StationServices.open(services.station.data_dir, services.station.key)
        try:
            session.sign_in(name, PASSWORD)
            services.keys._personal.update(session.keys._personal)
        finally:
            session.close()


@pytest.fixture(autouse=True)
def quick_password_hashing(monkeypatch):
    """argon2id with its smallest cost: the same algorithm, a hundredth of the time.
    Station set-up in every test would otherwise take most of the suite's time."""
    from argon2 import PasswordHasher

    from screening_app.services import accounts

    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=64,
                                                           parallelism=1))

SMALL_ROSTER = [
    {"isn": "NK-100001", "name_native": "김민준", "name_latin": "Kim Min-jun",
     "nationality": "Korean", "rank": "Private", "unit": "KPA 4th Division", "camp": "Koje-do",
     "compound": "Compound 62", "birth_year": "1928"},
    {"isn": "NK-100002", "name_native": "이서연", "name_latin": "Lee Seo-yeon",
     "nationality": "Korean", "rank": "Corporal", "unit": "KPA 6th Division", "camp": "Koje-do",
     "compound": "Compound 76", "birth_year": "1930"},
    {"isn": "NK-100013", "name_native": "박지호", "name_latin": "Park Ji-ho",
     "nationality": "Korean", "rank": "Sergeant", "unit": "KPA 4th Division", "camp": "Koje-do",
     "compound": "Compound 62", "birth_year": "1925"},
    {"isn": "CN-700001", "name_native": "王伟", "name_latin": "Wang Wei",
     "nationality": "Chinese", "rank": "Private", "unit": "CPV 180th Division", "camp": "Koje-do",
     "compound": "Compound 72", "birth_year": "1931"},
    {"isn": "CN-700002", "name_native": "张小明", "name_latin": "Zhang Xiaoming",
     "nationality": "Chinese", "rank": "Lieutenant", "unit": "CPV 180th Division",
     "camp": "Koje-do", "compound": "Compound 86", "birth_year": "1927"},
]


def signature_png(width: int = 120, height: int = 40) -> bytes:
    """A real PNG with a dark diagonal stroke, made without Qt (for tests below ui/)."""
    import struct
    import zlib

    rows = []
    for y in range(height):
        row = bytearray(b"\x00" + b"\xff" * width)
        x = int(y * width / height)
        row[1 + x:1 + min(width, x + 3)] = b"\x00" * (min(width, x + 3) - x)
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"".join(rows))) + chunk(b"IEND", b""))


def answer_all(services, actor, interview, answers):
    """Walk the protocol in order as the GUI does: enter each step, answer its questions."""
    for step in interview.protocol.steps:
        if step not in interview.engine.visible_steps():
            continue
        interview = services.interviews.enter_step(actor, interview.id, step.id)
        for question in interview.engine.visible_questions(step.id):
            if question.id not in answers:
                continue
            if question.kind == "signature":
                interview = services.interviews.add_signature(
                    actor, interview.id, question.id, mode="signature",
                    strokes=[[[0, 0], [10, 10]]], image_png=signature_png())
            else:
                interview = services.interviews.answer(
                    actor, interview.id, question.id, answers[question.id])
    return interview


def cli(capsys, monkeypatch, *argv, stdin=""):
    """Run the command line in this process: (exit code, stdout, stderr). ``stdin`` feeds
    --password-stdin."""
    import io
    import sys

    from screening_app.cli import run

    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = run([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def change_sealed_choice(services, interview_id: str, choice: str) -> None:
    """What someone with the database and the review key's public half could do: put
    another choice, sealed as the program seals it, in a finalised record (its guards
    dropped first)."""
    from screening_app.store.interviews import choice_context

    db = services.station.db
    db.execute("DROP TRIGGER IF EXISTS interviews_refuse_update")
    db.execute("UPDATE interviews SET sealed_choice = ? WHERE id = ?",
               [services.station.review.seal(choice.encode(), choice_context(interview_id)),
                interview_id])


def stored_forms(services, where: str = "1", params=()) -> list[tuple[str, bytes]]:
    """(id, PDF) of the stored forms matching ``where``, opened with the session's review
    key (they are stored sealed to it)."""
    from screening_app.store.documents import DocumentRepository

    documents = DocumentRepository(services.station.db, services.station.review)
    ids = [row[0] for row in services.station.db.execute(
        f"SELECT id FROM documents WHERE {where} ORDER BY created_at, id", list(params))]
    return [(document_id, documents.content(document_id)) for document_id in ids]


def replace_stored_form(services, document_id: str, content: bytes) -> None:
    """What an insider holding the database could do: put other bytes, sealed as the
    program seals them, in place of a stored form (its guard dropped first)."""
    from screening_app.domain.canonical import sha256_hex
    from screening_app.store.documents import document_context

    db = services.station.db
    db.execute("DROP TRIGGER IF EXISTS documents_refuse_update")
    db.execute("UPDATE documents SET content = ?, sha256 = ? WHERE id = ?",
               [services.station.review.seal(content, document_context(document_id)),
                sha256_hex(content), document_id])


def write_csv(path: Path, rows: list[dict], encoding: str = "utf-8") -> Path:
    with path.open("w", newline="", encoding=encoding) as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


@dataclass
class StationFixture:
    services: StationServices
    admin: Actor
    supervisor: Actor
    interviewer: Actor
    other_interviewer: Actor
    data_dir: Path

    def reopen(self) -> StationServices:
        self.services.close()
        self.services, _ = StationServices.unlock(self.data_dir, "admin", PASSWORD)
        return self.services


@pytest.fixture
def station(tmp_path, test_keys) -> StationFixture:
    data_dir = tmp_path / "station"
    services = init_station(data_dir, "TEST-01", "Koje-do", "admin", PASSWORD)
    admin = services.sign_in("admin", PASSWORD)
    install_test_certificate(services, admin, test_keys)
    supervisor = services.accounts.add_user(admin, "sup", "supervisor", PASSWORD)
    install_test_user_certificate(services, supervisor, test_keys)
    interviewer = services.accounts.add_user(admin, "ivan", "interviewer", PASSWORD)
    other = services.accounts.add_user(admin, "olga", "interviewer", PASSWORD)
    for person in (interviewer, other):
        install_test_user_certificate(services, person, test_keys)
    # The session ends as the admin's (the station key unlocked), with everyone's own key
    # unlocked too, so that a test can act as each person (a test shortcut, see below).
    services.sign_in("admin", PASSWORD)
    unlock_personal_keys(services, "sup", "ivan", "olga")
    fixture = StationFixture(services, admin, supervisor, interviewer, other, data_dir)
    yield fixture
    fixture.services.close()


@pytest.fixture
def roster_station(station, tmp_path) -> StationFixture:
    path = write_csv(tmp_path / "roster.csv", SMALL_ROSTER)
    station.services.roster.import_file(station.admin, path)
    return station


@pytest.fixture
def headquarters(tmp_path, test_keys):
    """A minimal headquarters from the test CA (tests/fake_headquarters.py)."""
    from tests.fake_headquarters import make_fake_headquarters

    return make_fake_headquarters(tmp_path, test_keys)
