"""The fast signature check intake runs on every stored form, against real forms signed at
finalisation and countersigned on approval, and against each way of tampering with one.
Where it refuses a file, pyHanko's full validation (verify_pdf) refuses it too."""

import hashlib
from io import BytesIO

import pytest
from asn1crypto.cms import ContentInfo
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from reportlab.pdfgen import canvas

from screening_app.hq.pdf_check import check_and_hash_pdf, check_pdf
from screening_app.pki import certificates
from screening_app.records.layout import countersignature_box
from screening_app.records.signing import SigningIdentity, sign_pdf
from screening_app.records.verifying import verify_pdf
from tests.hq.conftest import station_certificate, stored_document

_FORMS: dict = {}


@pytest.fixture
def forms(request, test_keys):
    """Real stored forms, made once for this module (a station with signed records takes
    a second to set up; the forms stay valid for the session's test root)."""
    if not _FORMS:
        station = request.getfixturevalue("records_station")
        approved = station.finals[0].id
        _FORMS.update({
            "finalised": stored_document(station, approved, 1),
            "countersigned": stored_document(station, approved, 2),
            "non_completion": stored_document(station, station.finals[3].id, 1),
            "station": station_certificate(station)})
    return {**_FORMS, "root": test_keys["ca"][1]}


def refused_by_both(pdf: bytes, root) -> str:
    problem = check_pdf(pdf, root)
    assert problem is not None
    assert not verify_pdf(pdf, [root]).valid
    return problem


def test_real_forms_pass_and_name_their_signers_in_order(forms):
    seen = []

    def signers(found):
        seen.append([certificates.common_name(c) for c in found])
        return None

    for kind in ("finalised", "countersigned", "non_completion"):
        assert check_pdf(forms[kind], forms["root"], signers) is None
        assert verify_pdf(forms[kind], [forms["root"]]).valid
    # The interviewer signs at finalisation; the supervisor countersigns on approval.
    assert seen == [["Interviewer ivan"], ["Interviewer ivan", "Supervisor sup"],
                    ["Interviewer ivan"]]


def test_what_expected_signers_says_is_the_answer(forms):
    assert check_pdf(forms["countersigned"], forms["root"],
                     lambda found: "not by station TEST-02.") == "not by station TEST-02."


def test_one_flipped_byte_is_found(forms):
    for kind in ("finalised", "countersigned"):
        data = bytearray(forms[kind])
        data[len(data) // 3] ^= 0x01
        assert refused_by_both(bytes(data), forms["root"]) == (
            "The PDF was changed after it was signed: the bytes signed by 'Interviewer ivan'"
            " no longer match the signature.")


def test_a_changed_signature_value_is_found(forms):
    data = bytearray(forms["finalised"])
    start = data.index(b"/Contents <") + len(b"/Contents <")
    der_length = ContentInfo.load(bytes.fromhex(
        data[start:data.index(b">", start)].decode())).dump().__len__()
    position = start + 2 * (der_length - 10)  # a hex digit in the RSA signature value
    data[position] = ord("0") if data[position] != ord("0") else ord("1")
    assert refused_by_both(bytes(data), forms["root"]) == (
        "The signature of 'Interviewer ivan' is damaged: it does not verify with the key of"
        " its certificate.")


def test_bytes_appended_after_the_last_signature_are_found(forms):
    for kind in ("finalised", "countersigned"):
        problem = refused_by_both(forms[kind] + b"\n% a note\n", forms["root"])
        assert problem == ("The PDF has 10 bytes added after its last signature, which no"
                           " signature covers.")


def test_a_page_appended_in_an_unsigned_update_is_found(forms):
    writer = IncrementalPdfFileWriter(BytesIO(forms["countersigned"]))
    text = generic.StreamObject(stream_data=b"BT /F1 24 Tf 72 700 Td (I choose otherwise) Tj ET")
    writer.insert_page(generic.DictionaryObject({
        generic.NameObject("/Type"): generic.NameObject("/Page"),
        generic.NameObject("/MediaBox"): generic.ArrayObject(
            [generic.NumberObject(n) for n in (0, 0, 595, 842)]),
        generic.NameObject("/Contents"): writer.add_object(text),
        generic.NameObject("/Resources"): generic.DictionaryObject()}))
    output = BytesIO()
    writer.write(output)
    assert "bytes added after its last signature" in refused_by_both(output.getvalue(),
                                                                     forms["root"])


def test_forms_are_not_trusted_against_another_root(forms):
    _, other_root = certificates.create_root_ca("Someone Else's CA", "Elsewhere")
    assert refused_by_both(forms["finalised"], other_root) == (
        "The signature is by 'Interviewer ivan', whose certificate does not chain to the"
        " trusted root \"Someone Else's CA\".")


def test_a_countersignature_by_a_certificate_of_another_ca_is_refused(forms):
    key, other_root = certificates.create_root_ca("Someone Else's CA", "Elsewhere")
    csr = certificates.create_csr(key, "Supervisor mallory", "Elsewhere")
    impostor = SigningIdentity(key, certificates.issue_certificate(key, other_root, csr),
                               (other_root,))
    signed = sign_pdf(forms["finalised"], impostor, field_name="Impostor",
                      box=countersignature_box("A4"), visible_lines=["Approved"],
                      reason="Approved", location="Elsewhere")
    assert refused_by_both(signed, forms["root"]) == (
        "The signature is by 'Supervisor mallory', whose certificate does not chain to the"
        " trusted root 'Test Root CA'.")


def test_a_pdf_signed_only_by_another_ca_is_refused(forms):
    key, other_root = certificates.create_root_ca("Someone Else's CA", "Elsewhere")
    csr = certificates.create_csr(key, "Station TEST-01", "Elsewhere", unit="Koje-do")
    impostor = SigningIdentity(key, certificates.issue_certificate(key, other_root, csr),
                               (other_root,))
    buffer = BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 720, "Choice: enlist")
    page.save()
    signed = sign_pdf(buffer.getvalue(), impostor, field_name="StationSignature",
                      box=countersignature_box("A4"), visible_lines=["Signed"],
                      reason="Choice form finalised", location="Koje-do")
    assert "does not chain to the trusted root 'Test Root CA'" in refused_by_both(
        signed, forms["root"])


def test_unsigned_and_non_pdf_files_are_named(forms):
    buffer = BytesIO()
    canvas.Canvas(buffer).save()
    assert check_pdf(buffer.getvalue(), forms["root"]) == "The PDF has no signature."
    assert check_pdf(b"PK\x03\x04 a zip file", forms["root"]) == "The file is not a PDF."
    assert check_pdf(b"", forms["root"]) == "The file is not a PDF."


def test_a_truncated_form_is_refused(forms):
    problem = refused_by_both(forms["countersigned"][:-200], forms["root"])
    assert "damaged" in problem or "added after" in problem


def test_a_process_that_checks_a_form_first_can_still_sign_afterwards():
    """Headquarters checks the forms it takes in and later signs merged lists in the same
    process: the check's use of asn1crypto must not leave pyHanko's signed attributes
    unknown (a fresh interpreter, where nothing imported pyHanko before)."""
    import subprocess
    import sys

    script = ("import screening_app.hq.pdf_check\n"
              "from asn1crypto import cms\n"
              "cms.CMSAttributeType('signing_certificate_v2')\n")
    finished = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert finished.returncode == 0, finished.stderr


def test_the_hash_made_on_the_way_is_the_files_own(forms):
    """Intake compares a form with the sha256 its document row gives using the hash the
    signature check makes in the same pass; whatever the file, it is the file's hash."""
    flipped = bytearray(forms["countersigned"])
    flipped[len(flipped) // 2] ^= 0x01
    for pdf in (forms["finalised"], forms["countersigned"], bytes(flipped),
                forms["countersigned"] + b"appended", b"PK\x03\x04 a zip file", b""):
        checked = check_and_hash_pdf(pdf, forms["root"])
        assert checked.sha256 == hashlib.sha256(pdf).hexdigest()
        assert checked.problem == check_pdf(pdf, forms["root"])
    assert check_and_hash_pdf(forms["finalised"], forms["root"]).problem is None
