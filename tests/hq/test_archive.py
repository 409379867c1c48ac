"""Archival copies of forms at headquarters (hq/archive.py): stamped when a bundle comes in,
acknowledged to the station with their digest, checked with poppler's pdfsig and with
pyHanko, stamped again before their timestamp's certificate expires, and caught up after
the timestamp authority failed."""

import datetime
import hashlib
import logging
import shutil
import subprocess
from io import BytesIO

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp
from pyhanko.sign.validation.status import SignatureCoverageLevel
from starlette.testclient import TestClient

from screening_app.domain.errors import UserError
from screening_app.hq.archival_pdf import validation_context
from screening_app.hq.archive import (
    export_archival_copy,
    restamp_expiring,
    stamp_pending,
)
from screening_app.hq.headquarters import add_timestamp_authority
from screening_app.hq.intake import ingest
from screening_app.hq.web import create_app
from screening_app.store.sync_records import SyncRecords
from tests.hq.conftest import CA_PASSPHRASE, export
from tests.hq.test_operators_page import app, clock  # noqa: F401  (fixtures)
from tests.hq.test_web import sign_in

BUNDLES = "/api/v1/bundles"
needs_poppler = pytest.mark.skipif(shutil.which("pdfsig") is None
                                   or shutil.which("pdftoppm") is None,
                                   reason="poppler-utils (pdfsig, pdftoppm) is not installed")


@pytest.fixture
def client(hq):
    with TestClient(create_app(hq, max_bundle_bytes=64 << 20)) as test_client:
        yield test_client


def push(client, linked, tmp_path):
    """The station's bundle posted to headquarters, and headquarters' answer applied."""
    path = export(linked, tmp_path / "out")
    with path.open("rb") as body:
        response = client.post(BUNDLES, content=body,
                               headers={"Content-Type": "application/octet-stream"})
    assert response.status_code == 200, response.text
    reply = tmp_path / "reply.scb"
    reply.write_bytes(response.content)
    return linked.services.sync.apply(linked.supervisor, reply)


def archive_rows(hq) -> dict[str, list[tuple[int, str]]]:
    rows: dict[str, list[tuple[int, str]]] = {}
    for document_id, generation, sha256 in hq.store.query(
            "SELECT document_id, generation, sha256 FROM archived_documents"
            " ORDER BY document_id, generation"):
        rows.setdefault(document_id, []).append((generation, sha256))
    return rows


def held_forms(hq) -> dict[str, str]:
    return dict(hq.store.query("SELECT id, sha256 FROM documents"))


def archival_copy(hq, document_id: str) -> bytes:
    return hq.store.archived_document(document_id)[1]


def countersigned_form(hq) -> str:
    """The id of the approved form: signed by the station, then countersigned."""
    return hq.store.query("SELECT id FROM documents WHERE revision = 2")[0][0]


# -- at intake -----------------------------------------------------------------------------------
def test_forms_pushed_to_headquarters_are_stamped_and_the_station_keeps_the_digest(
        client, hq, linked, tmp_path):
    applied = push(client, linked, tmp_path)
    forms = held_forms(hq)
    assert len(forms) == 5 and applied.acknowledged["documents"] == 5
    archived = archive_rows(hq)
    assert set(archived) == set(forms)
    records = SyncRecords(linked.services.station.db)
    for document_id, original_sha256 in forms.items():
        [(generation, copy_sha256)] = archived[document_id]
        assert generation == 1
        # The original stays as the station sent it; the copy adds to its end.
        original = hq.store.document_content(document_id)
        assert hashlib.sha256(original).hexdigest() == original_sha256
        copy = archival_copy(hq, document_id)
        assert copy.startswith(original) and len(copy) > len(original)
        assert hashlib.sha256(copy).hexdigest() == copy_sha256
        # The station holds the digest of the archival copy with the acknowledgement.
        assert records.archive_digest(document_id) == copy_sha256
    assert linked.services.sync.status(linked.supervisor).forms_stamped == 5


def test_an_archival_copy_validates_with_pyhanko_against_the_root_alone(hq, linked,
                                                                       tmp_path):
    ingest(hq, export(linked, tmp_path / "out"))
    assert stamp_pending(hq).stamped == 5
    reader = PdfFileReader(BytesIO(archival_copy(hq, countersigned_form(hq))))
    context = validation_context(hq.root, None)
    signatures = reader.embedded_regular_signatures
    assert len(signatures) == 2  # the station's and the supervisor's
    for signature in signatures:
        status = validate_pdf_signature(signature, signer_validation_context=context)
        assert status.intact and status.valid and status.trusted
    [timestamp] = reader.embedded_timestamp_signatures
    status = validate_pdf_timestamp(timestamp, validation_context=context)
    assert status.intact and status.valid and status.trusted
    assert timestamp.field_name == "HeadquartersTimestamp1"
    # The timestamp covers every byte: its own validation data went in before it.
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    # The validation data is in the file: the document security store holds the chain.
    assert "/DSS" in reader.root
    assert "/VRI" in reader.root["/DSS"]


@needs_poppler
def test_pdfsig_shows_every_signature_valid_and_headquarters_timestamp(hq, linked,
                                                                      tmp_path):
    ingest(hq, export(linked, tmp_path / "out"))
    stamp_pending(hq)
    document_id = countersigned_form(hq)
    stamped = tmp_path / "stamped.pdf"
    stamped.write_bytes(archival_copy(hq, document_id))
    report = pdfsig(stamped)
    [station, supervisor, timestamp] = signature_blocks(report)
    for block in (station, supervisor):
        assert "Signature Validation: Signature is Valid." in block
    assert "Signature Field Name: HeadquartersTimestamp1" in timestamp
    assert f"Signer Certificate Common Name: {hq.name} timestamp authority" in timestamp
    assert "Total document signed" in timestamp

    # What a person sees on the page is what the station signed: the stamp is invisible.
    original = tmp_path / "original.pdf"
    original.write_bytes(hq.store.document_content(document_id))
    assert rendered(original, tmp_path / "original") == rendered(stamped, tmp_path / "stamped")


@needs_poppler
def test_a_byte_changed_after_stamping_is_caught(hq, linked, tmp_path):
    ingest(hq, export(linked, tmp_path / "out"))
    stamp_pending(hq)
    document_id = countersigned_form(hq)
    original = hq.store.document_content(document_id)
    copy = archival_copy(hq, document_id)
    context = validation_context(hq.root, None)

    # A byte the station signed: pdfsig and pyHanko both see the station's signature broken.
    in_signed_part = changed_in_stream(copy, 0)
    changed = tmp_path / "changed-signed.pdf"
    changed.write_bytes(in_signed_part)
    [station, _, _] = signature_blocks(pdfsig(changed))
    assert "Signature is Valid." not in station
    reader = PdfFileReader(BytesIO(in_signed_part))
    assert not validate_pdf_signature(reader.embedded_regular_signatures[0],
                                      signer_validation_context=context).intact

    # A byte of the validation data headquarters added: only the timestamp covers it.
    in_validation_data = changed_in_stream(copy, len(original))
    reader = PdfFileReader(BytesIO(in_validation_data))
    [timestamp] = reader.embedded_timestamp_signatures
    assert not validate_pdf_timestamp(timestamp, validation_context=context).intact


def pdfsig(path) -> str:
    result = subprocess.run(["pdfsig", "-nocert", str(path)], capture_output=True,
                            text=True, timeout=60, check=False)
    return result.stdout


def signature_blocks(report: str) -> list[str]:
    return report.split("Signature #")[1:]


def changed_in_stream(pdf: bytes, after: int) -> bytes:
    """``pdf`` with one byte inside the first stream after offset ``after`` changed."""
    start = pdf.index(b"stream", after) + len(b"stream\n") + 8
    return pdf[:start] + bytes([pdf[start] ^ 0x01]) + pdf[start + 1:]


def rendered(pdf, stem) -> list[bytes]:
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(stem)], check=True,
                   timeout=60)
    return [page.read_bytes() for page in sorted(stem.parent.glob(f"{stem.name}-*.png"))]


# -- restamping ------------------------------------------------------------------------------
def test_restamping_adds_a_generation_only_where_the_timestamp_certificate_nears_expiry(
        hq, linked, tmp_path, ca_folder):
    # Forms stamped by an authority whose certificate expires in 400 days.
    add_timestamp_authority(hq, "headquarters passphrase", ca_folder=ca_folder,
                            ca_passphrase=CA_PASSPHRASE, renew=True, days=400)
    ingest(hq, export(linked, tmp_path / "out"))
    assert stamp_pending(hq).stamped == 5
    # Its own certificate expires within two years: it cannot restamp for two years.
    with pytest.raises(UserError, match="renew it first"):
        restamp_expiring(hq, 730)
    add_timestamp_authority(hq, "headquarters passphrase", ca_folder=ca_folder,
                            ca_passphrase=CA_PASSPHRASE, renew=True)
    assert restamp_expiring(hq, 300).stamped == 0  # not due yet
    first = archive_rows(hq)
    document_id = countersigned_form(hq)
    first_copy = archival_copy(hq, document_id)
    assert restamp_expiring(hq, 730).stamped == 5
    second = archive_rows(hq)
    for form, generations in second.items():
        assert [generation for generation, _ in generations] == [1, 2]
        assert generations[0] == first[form][0]  # generation 1 is kept as it was
    assert restamp_expiring(hq, 730).stamped == 0  # the new timestamps are good for years

    # The new generation keeps everything and adds a second timestamp, both valid.
    copy = archival_copy(hq, document_id)
    assert copy.startswith(first_copy)
    reader = PdfFileReader(BytesIO(copy))
    context = validation_context(hq.root, None)
    statuses = [validate_pdf_timestamp(ts, validation_context=context)
                for ts in reader.embedded_timestamp_signatures]
    assert [status.valid for status in statuses] == [True, True]
    assert statuses[-1].coverage == SignatureCoverageLevel.ENTIRE_FILE
    # The acknowledgement now carries the newest copy's digest.
    [ack] = [ack for ack in hq.store.acknowledgements("TEST-01")
             if ack["id"] == document_id]
    assert ack["archive_sha256"] == second[document_id][1][1]

    exported, path = export_archival_copy(hq, document_id, tmp_path / "form.pdf")
    assert exported.generation == 2 and path.read_bytes() == copy


# -- when the timestamp authority fails ----------------------------------------------------------
def test_a_failing_timestamp_authority_leaves_the_intake_whole_and_stamp_catches_up(
        client, hq, linked, tmp_path, monkeypatch, caplog):
    empty = tmp_path / "no-programs"
    empty.mkdir()
    with monkeypatch.context() as patch, caplog.at_level(logging.WARNING):
        patch.setenv("PATH", str(empty))  # no openssl to be found
        applied = push(client, linked, tmp_path)
    assert applied.acknowledged["documents"] == 5  # taken in and acknowledged
    assert len(held_forms(hq)) == 5 and archive_rows(hq) == {}
    assert "not stamped for the archive" in caplog.text and "openssl" in caplog.text
    assert SyncRecords(linked.services.station.db).stamped_forms() == 0
    assert hq.store.archive_counts() == (0, 5)
    # The operators see it among the incidents, with what to run once it is fixed.
    [incident] = hq.store.incidents()
    assert (incident.kind, incident.station_id) == ("archive", "TEST-01")
    assert incident.reason.startswith("The forms of this bundle were not stamped for the"
                                      " archive: ")
    assert incident.reason.endswith("Run 'screening-app hq archive stamp' once this is"
                                    " fixed.")

    assert stamp_pending(hq).stamped == 5
    assert hq.store.archive_counts() == (5, 0)
    assert stamp_pending(hq).stamped == 0  # nothing is stamped twice


def test_stamping_after_intake_stops_when_its_time_is_up_and_leaves_the_rest_pending(
        hq, linked, tmp_path):
    ingest(hq, export(linked, tmp_path / "out"))
    report = stamp_pending(hq, "TEST-01", seconds=0)
    assert (report.stamped, report.left) == (0, 5)
    assert "5 left for later ('screening-app hq archive stamp')" in report.summary()
    assert hq.store.archive_counts() == (0, 5)
    assert stamp_pending(hq, "TEST-01", seconds=600).stamped == 5


def test_the_revocation_list_in_force_goes_into_the_archival_copy(hq, linked, tmp_path,
                                                                  test_keys):
    ca_key, ca_certificate = test_keys["ca"]
    now = datetime.datetime.now(datetime.UTC)
    crl = (x509.CertificateRevocationListBuilder()
           .issuer_name(ca_certificate.subject)
           .last_update(now - datetime.timedelta(minutes=5))
           .next_update(now + datetime.timedelta(days=30))
           .add_extension(x509.CRLNumber(1), critical=False)
           .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
               ca_certificate.public_key()), critical=False)
           .sign(ca_key, hashes.SHA256()))
    der = crl.public_bytes(serialization.Encoding.DER)
    with hq.store.transaction():
        hq.store.insert_crl(1, now.isoformat(), (now + datetime.timedelta(days=30)).isoformat(),
                            der)
    ingest(hq, export(linked, tmp_path / "out"))
    assert stamp_pending(hq).stamped == 5
    reader = PdfFileReader(BytesIO(archival_copy(hq, countersigned_form(hq))))
    held = [stream.get_object().data for stream in reader.root["/DSS"]["/CRLs"]]
    assert der in held
    # Each signature's VRI entry names it too.
    for vri in reader.root["/DSS"]["/VRI"].values():
        if "/CRL" in vri.get_object():
            assert der in [s.get_object().data for s in vri.get_object()["/CRL"]]
            break
    else:
        raise AssertionError("no signature's VRI entry names the CRL")



@pytest.fixture
def page_client(app):  # noqa: F811  (the operators' page, with its desk and clock)
    with TestClient(app) as test_client:
        yield test_client


def test_the_operators_page_counts_the_forms_stamped_and_those_waiting(
        page_client, hq, linked, tmp_path):
    sign_in(page_client)
    ingest(hq, export(linked, tmp_path / "out"))  # a file's intake: stamping comes after
    page = page_client.get("/").text
    assert ("Archive: 0 forms stamped by headquarters&#x27; timestamp authority, 5 waiting:"
            " run 'screening-app hq archive stamp'") in page
    stamp_pending(hq)
    page = page_client.get("/").text
    assert ("Archive: 5 forms stamped by headquarters&#x27; timestamp authority, 0 waiting."
            in page)
