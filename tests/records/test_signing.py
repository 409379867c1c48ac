"""Signing stored choice forms (PAdES, incremental) and verifying them: what a valid file
looks like to us and to poppler's pdfsig, where the visible signature sits, and that every
kind of tampering is caught with a sentence that says what happened."""

import re
import shutil
import subprocess
import sys
from dataclasses import replace
from io import BytesIO
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.writer import PageObject

from screening_app.domain.errors import UserError
from screening_app.protocol import default_protocol
from screening_app.records.choice_form import (
    FormContext,
    countersignature_box,
    render_choice_form,
    signature_box,
)
from screening_app.records.layout import FieldBox, page_dimensions
from screening_app.records.signing import SigningIdentity, sign_pdf
from screening_app.records.verifying import verify_pdf
from tests.records.pki_helpers import CertificateAuthority, issue_identity, make_root_ca
from tests.records.test_choice_form import CHINESE, CONTEXT, drawn, make_record

needs_pdfsig = pytest.mark.skipif(not shutil.which("pdfsig"),
                                  reason="poppler's pdfsig is not installed")
needs_pdftoppm = pytest.mark.skipif(not shutil.which("pdftoppm"),
                                    reason="poppler's pdftoppm is not installed")

STATION_FIELD = "StationSignature"
SUPERVISOR_FIELD = "SupervisorCountersignature"
STATION_LINES = ("Digitally signed by station DEMO-KOJE-01", "Interviewer: ivan 김민준 王伟",
                 "2026-11-27 08:00 UTC")
SUPERVISOR_LINES = ("Countersigned by supervisor sup", "2026-11-28 10:00 UTC")
RECORD_JSON = b'{"id": "3f2b8c1e-5d4a-4c1b-9e0f-2a6b7c8d9e01", "choice": "enlist"}'
CHAIN_HEAD = "9f" * 32
VALID_LINE = "Signature Validation: Signature is Valid."


# -- the keys and forms every test shares (key generation and rendering take time) -----------
@pytest.fixture(scope="module")
def org_ca() -> CertificateAuthority:
    return make_root_ca("Org Root CA")


@pytest.fixture(scope="module")
def station(org_ca) -> SigningIdentity:
    return issue_identity(org_ca, "Station DEMO-KOJE-01")


@pytest.fixture(scope="module")
def supervisor(org_ca) -> SigningIdentity:
    return issue_identity(org_ca, "Supervisor sup")


@pytest.fixture(scope="module")
def form() -> bytes:
    return render_choice_form(make_record(), default_protocol(), drawn("person"), CONTEXT)


def station_signs(pdf: bytes, identity: SigningIdentity, **changes) -> bytes:
    arguments = dict(field_name=STATION_FIELD, box=signature_box("A4"),
                     visible_lines=STATION_LINES, reason="Choice form sealed by the station",
                     location="Koje-do", attachments={"record.json": RECORD_JSON},
                     info={"/ScreeningChainHead": CHAIN_HEAD})
    arguments.update(changes)
    return sign_pdf(pdf, identity, **arguments)


def supervisor_countersigns(pdf: bytes, identity: SigningIdentity) -> bytes:
    return sign_pdf(pdf, identity, field_name=SUPERVISOR_FIELD, box=countersignature_box("A4"),
                    visible_lines=SUPERVISOR_LINES, reason="Reviewed and countersigned",
                    location="Koje-do")


@pytest.fixture(scope="module")
def signed(form, station) -> bytes:
    return station_signs(form, station)


@pytest.fixture(scope="module")
def countersigned(signed, supervisor) -> bytes:
    return supervisor_countersigns(signed, supervisor)


# -- outside tools --------------------------------------------------------------------------
def pdfsig(pdf: bytes, tmp_path: Path, *options: str) -> str:
    path = tmp_path / "checked.pdf"
    path.write_bytes(pdf)
    # pdfsig exits non-zero for an invalid signature; its report is what is checked.
    result = subprocess.run(["pdfsig", *options, str(path)], capture_output=True, text=True)
    return result.stdout


def pdfsig_signatures(report: str) -> list[str]:
    """pdfsig's report cut into one block per signature."""
    return re.split(r"^Signature #\d+:$", report, flags=re.MULTILINE)[1:]


def pdfsig_supports_nocert() -> bool:
    result = subprocess.run(["pdfsig", "-h"], capture_output=True, text=True)
    return "-nocert" in result.stdout + result.stderr


def dark_pixels_in(pdf: bytes, box: FieldBox, page_size: str, tmp_path: Path) -> int:
    """How many dark pixels poppler draws inside ``box`` (3 points in from its frame, which
    the form draws itself) on the last page, rendered at 72 dpi: one pixel per point."""
    path = tmp_path / "drawn.pdf"
    path.write_bytes(pdf)
    pages = int(PdfFileReader(BytesIO(pdf)).root["/Pages"]["/Count"])
    _, height = page_dimensions(page_size)
    inset = 3
    x, y = round(box.x1) + inset, round(height - box.y2) + inset
    width, tall = round(box.x2 - box.x1) - 2 * inset, round(box.y2 - box.y1) - 2 * inset
    subprocess.run(["pdftoppm", "-f", str(pages), "-l", str(pages), "-r", "72", "-gray",
                    "-x", str(x), "-y", str(y), "-W", str(width), "-H", str(tall),
                    "-singlefile", str(path), str(tmp_path / "box")], check=True)
    image = (tmp_path / "box.pgm").read_bytes()
    # A binary PGM: "P5", width, height, maximum value, then one byte per pixel.
    header = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", image)
    assert header, "pdftoppm did not write a binary PGM"
    pixels = image[header.end():]
    return sum(1 for value in pixels if value < 128)


def widget(pdf: bytes, field_name: str) -> tuple[generic.DictionaryObject, int]:
    """The signature field's widget annotation and the index of the page that shows it."""
    reader = PdfFileReader(BytesIO(pdf))
    pages = _leaf_pages(reader.root["/Pages"])
    for field_ref in reader.root["/AcroForm"]["/Fields"]:
        field = field_ref.get_object()
        if field["/T"] == field_name:
            for index, page in enumerate(pages):
                annotations = page["/Annots"] if "/Annots" in page else []  # noqa: SIM401
                if any(annotation.get_object() is field for annotation in annotations):
                    return field, index
            raise AssertionError(f"no page shows the widget of {field_name}")
    raise AssertionError(f"no field named {field_name}")


def _leaf_pages(node: generic.PdfObject) -> list[generic.DictionaryObject]:
    node = node.get_object()
    if node["/Type"] == "/Pages":
        return [leaf for kid in node["/Kids"] for leaf in _leaf_pages(kid)]
    return [node]


# -- tampering, done the way an attacker with a PDF library would ----------------------------
def flip_byte(pdf: bytes, offset: int) -> bytes:
    return pdf[:offset] + bytes([pdf[offset] ^ 0x01]) + pdf[offset + 1:]


def inside_first_content_stream(pdf: bytes) -> int:
    """An offset in the middle of the first page's content stream (inside the signed range)."""
    start = pdf.index(b"stream", pdf.index(b"/Contents")) + len(b"stream\n")
    return start + 40


def append_blank_page(pdf: bytes) -> bytes:
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    contents = writer.add_object(generic.StreamObject(stream_data=b"BT ET"))
    writer.insert_page(PageObject(contents=contents, media_box=(0, 0, 595, 842)))
    output = BytesIO()
    writer.write(output)
    return output.getvalue()


def replace_attachment(pdf: bytes, name: str, data: bytes) -> bytes:
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    names = writer.root["/Names"]["/EmbeddedFiles"]["/Names"]
    position = [str(names[index]) for index in range(0, len(names), 2)].index(name) * 2
    streams = names[position + 1]["/EF"]
    new_stream = writer.add_object(generic.StreamObject(stream_data=data))
    streams["/F"] = new_stream
    streams["/UF"] = new_stream
    writer.mark_update(names.raw_get(position + 1))
    output = BytesIO()
    writer.write(output)
    return output.getvalue()


def change_info(pdf: bytes, key: str, value: str) -> bytes:
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    info_ref = writer.trailer.raw_get("/Info")
    info_ref.get_object()[generic.NameObject(key)] = generic.pdf_string(value)
    writer.mark_update(info_ref)
    output = BytesIO()
    writer.write(output)
    return output.getvalue()


# -- a valid signature ----------------------------------------------------------------------
def test_a_signed_form_is_valid_and_names_its_signer(signed, org_ca):
    result = verify_pdf(signed, [org_ca.certificate])
    assert result.valid and result.reason is None
    [check] = result.signatures
    assert check.field_name == STATION_FIELD
    assert check.signer == "Station DEMO-KOJE-01"
    assert check.intact and check.trusted and check.covers_whole_document
    assert check.problem is None
    assert check.signed_at is not None and check.signed_at[:4].isdigit()


def test_signing_only_appends_to_the_original_bytes(form, signed):
    assert signed.startswith(form)
    assert len(signed) > len(form)


@needs_pdfsig
def test_pdfsig_finds_the_signature_valid_and_covering_the_whole_file(signed, tmp_path):
    report = pdfsig(signed, tmp_path)
    [block] = pdfsig_signatures(report)
    assert "Signer Certificate Common Name: Station DEMO-KOJE-01" in block
    assert VALID_LINE in block
    assert "Total document signed" in block
    assert "Signing Hash Algorithm: SHA-256" in block
    assert "ETSI.CAdES.detached" in block  # PAdES, not the older adbe.pkcs7.detached
    if pdfsig_supports_nocert():
        assert VALID_LINE in pdfsig(signed, tmp_path, "-nocert")


def test_the_visible_signature_is_in_the_reserved_box_on_the_last_page(signed):
    annotation, page_index = widget(signed, STATION_FIELD)
    pages = int(PdfFileReader(BytesIO(signed)).root["/Pages"]["/Count"])
    assert page_index == pages - 1 == 1
    box = signature_box("A4")
    assert [float(value) for value in annotation["/Rect"]] == pytest.approx(
        [box.x1, box.y1, box.x2, box.y2], abs=0.01)


@needs_pdftoppm
def test_the_signature_box_is_blank_before_signing_and_shows_text_after(form, signed, tmp_path):
    box = signature_box("A4")
    assert dark_pixels_in(form, box, "A4", tmp_path) == 0
    assert dark_pixels_in(signed, box, "A4", tmp_path) > 200
    # and the supervisor's box stays empty until the countersignature
    assert dark_pixels_in(signed, countersignature_box("A4"), "A4", tmp_path) == 0


@needs_pdftoppm
def test_the_visible_lines_are_readable_text_including_hangul_and_hanzi(signed, tmp_path):
    path = tmp_path / "signed.pdf"
    path.write_bytes(signed)
    text = subprocess.run(["pdftotext", "-f", "2", "-l", "2", str(path), "-"],
                          capture_output=True, text=True, check=True).stdout
    for line in STATION_LINES:
        assert line in text
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True,
                           check=True).stdout
    font_rows = [row for row in fonts.splitlines()[2:] if row.strip()]
    assert font_rows and all("WenQuanYi" in row and " yes yes " in row for row in font_rows)
    subset_names = [row.split()[0] for row in font_rows]
    assert len(set(subset_names)) == len(subset_names), "two font subsets share a name"


def test_a_letter_form_is_signed_in_its_own_box(station, org_ca):
    context = FormContext("KOJE-01", "Koje-do", demo=False, page_size="Letter")
    letter = render_choice_form(make_record(subject=CHINESE), default_protocol(),
                                drawn("person"), context)
    box = signature_box("Letter")
    signed = station_signs(letter, station, box=box)
    annotation, _ = widget(signed, STATION_FIELD)
    assert [float(value) for value in annotation["/Rect"]] == pytest.approx(
        [box.x1, box.y1, box.x2, box.y2], abs=0.01)
    assert verify_pdf(signed, [org_ca.certificate]).valid


def test_an_elliptic_curve_key_signs_too(form, org_ca):
    identity = issue_identity(org_ca, "Station EC-01", elliptic=True)
    result = verify_pdf(station_signs(form, identity), [org_ca.certificate])
    assert result.valid, result.reason
    assert result.signatures[0].signer == "Station EC-01"


# -- attachments and document information ---------------------------------------------------
def test_attachments_and_info_come_back_and_existing_info_is_kept(signed, org_ca):
    result = verify_pdf(signed, [org_ca.certificate])
    assert result.attachments == {"record.json": RECORD_JSON}
    assert result.info["/ScreeningChainHead"] == CHAIN_HEAD
    assert result.info["/Title"] == "Choice form 3f2b8c1e-5d4a-4c1b-9e0f-2a6b7c8d9e01"
    assert result.info["/Author"] == "KOJE-01"


def test_an_info_key_without_its_slash_gets_one(form, station, org_ca):
    signed = station_signs(form, station, info={"ScreeningChainHead": CHAIN_HEAD})
    assert verify_pdf(signed, [org_ca.certificate]).info["/ScreeningChainHead"] == CHAIN_HEAD


def test_several_attachments_are_embedded_and_read_back(form, station, org_ca):
    files = {"record.json": RECORD_JSON, "audit.txt": "자료 審計".encode(), "empty.bin": b""}
    signed = station_signs(form, station, attachments=files)
    assert verify_pdf(signed, [org_ca.certificate]).attachments == files


def test_an_attachment_changed_after_signing_is_detected(signed, org_ca):
    tampered = replace_attachment(signed, "record.json", b'{"choice": "repatriate"}')
    result = verify_pdf(tampered, [org_ca.certificate])
    assert not result.valid
    assert result.reason == "The embedded file 'record.json' was changed after the last signature."
    # What is returned is what was signed, not the replacement.
    assert result.attachments == {"record.json": RECORD_JSON}


def test_info_changed_after_signing_is_detected(signed, org_ca):
    tampered = change_info(signed, "/ScreeningChainHead", "00" * 32)
    result = verify_pdf(tampered, [org_ca.certificate])
    assert not result.valid
    assert result.reason == ("The PDF was changed after the last signature: an update that no"
                             " signature covers was added.")
    assert result.info["/ScreeningChainHead"] == CHAIN_HEAD


# -- tampering ------------------------------------------------------------------------------
@needs_pdfsig
def test_one_flipped_byte_in_the_signed_range_is_detected(signed, org_ca, tmp_path):
    tampered = flip_byte(signed, inside_first_content_stream(signed))
    result = verify_pdf(tampered, [org_ca.certificate])
    assert not result.valid
    assert result.reason == ("The PDF was changed after it was signed: the bytes signed by"
                             " 'Station DEMO-KOJE-01' in field 'StationSignature' no longer"
                             " match the signature.")
    assert not result.signatures[0].intact
    [block] = pdfsig_signatures(pdfsig(tampered, tmp_path))
    assert "Signature Validation:" in block and VALID_LINE not in block


def test_a_page_appended_after_signing_is_detected(signed, org_ca):
    tampered = append_blank_page(signed)
    assert tampered.startswith(signed)
    result = verify_pdf(tampered, [org_ca.certificate])
    assert not result.valid
    assert result.reason == "A page was added after the last signature."
    [check] = result.signatures
    assert check.intact and check.trusted and not check.covers_whole_document


@needs_pdfsig
def test_pdfsig_sees_that_the_appended_page_is_not_signed(signed, tmp_path):
    [block] = pdfsig_signatures(pdfsig(append_blank_page(signed), tmp_path))
    assert "Not total document signed" in block


def test_a_form_signed_under_another_ca_is_not_trusted(form, org_ca):
    other = issue_identity(make_root_ca("Rogue Root CA"), "Station X")
    result = verify_pdf(station_signs(form, other), [org_ca.certificate])
    assert not result.valid
    assert result.reason == ("The signature is by 'Station X', whose certificate does not chain"
                             " to the trusted root 'Org Root CA'.")
    [check] = result.signatures
    assert check.intact and not check.trusted


def test_with_no_trust_roots_nothing_is_trusted(signed):
    result = verify_pdf(signed, [])
    assert not result.valid
    assert "does not chain to any trusted root, as none was given" in result.reason


def test_several_trust_roots_are_each_accepted(signed, org_ca):
    other = make_root_ca("Other Org Root CA")
    assert verify_pdf(signed, [other.certificate, org_ca.certificate]).valid


# -- the countersignature -------------------------------------------------------------------
def test_a_countersignature_keeps_the_first_signature_valid(countersigned, signed, org_ca):
    assert countersigned.startswith(signed)
    result = verify_pdf(countersigned, [org_ca.certificate])
    assert result.valid, result.reason
    first, second = result.signatures
    assert (first.field_name, first.signer) == (STATION_FIELD, "Station DEMO-KOJE-01")
    assert (second.field_name, second.signer) == (SUPERVISOR_FIELD, "Supervisor sup")
    assert all(c.intact and c.trusted and c.covers_whole_document for c in result.signatures)
    assert result.attachments == {"record.json": RECORD_JSON}


@needs_pdfsig
def test_pdfsig_finds_both_signatures_valid(countersigned, tmp_path):
    report = pdfsig(countersigned, tmp_path)
    first, second = pdfsig_signatures(report)
    assert "Signature #1:" in report and "Signature #2:" in report
    assert VALID_LINE in first and VALID_LINE in second
    assert "Supervisor sup" in second and "Not total document signed" in first
    assert "Total document signed" in second


def test_the_countersignature_sits_in_its_own_box(countersigned):
    annotation, page_index = widget(countersigned, SUPERVISOR_FIELD)
    box = countersignature_box("A4")
    assert page_index == 1
    assert [float(value) for value in annotation["/Rect"]] == pytest.approx(
        [box.x1, box.y1, box.x2, box.y2], abs=0.01)


def test_a_page_added_after_the_countersignature_is_blamed_on_the_last(countersigned, org_ca):
    result = verify_pdf(append_blank_page(countersigned), [org_ca.certificate])
    assert result.reason == "A page was added after the last signature."


def test_a_countersignature_under_another_ca_is_named(signed, org_ca):
    outsider = issue_identity(make_root_ca("Rogue Root CA"), "Supervisor Y")
    result = verify_pdf(supervisor_countersigns(signed, outsider), [org_ca.certificate])
    assert result.reason == ("The signature is by 'Supervisor Y', whose certificate does not"
                             " chain to the trusted root 'Org Root CA'.")
    assert result.signatures[0].problem is None


def test_a_changed_first_revision_is_caught_even_after_a_countersignature(countersigned, org_ca):
    result = verify_pdf(flip_byte(countersigned, inside_first_content_stream(countersigned)),
                        [org_ca.certificate])
    assert not result.valid
    assert result.reason.startswith("The PDF was changed after it was signed: the bytes signed"
                                    " by 'Station DEMO-KOJE-01'")


# -- files that are not signed forms --------------------------------------------------------
@pytest.mark.parametrize(("data", "reason"), [
    (b"", "The file is empty, not a PDF."),
    (b"\x89PNG\r\n\x1a\n not a document at all", "This is not a PDF file."),
    (bytes(range(256)) * 8, "This is not a PDF file."),
])
def test_files_that_are_not_pdfs_get_a_clear_reason(data, reason, org_ca):
    result = verify_pdf(data, [org_ca.certificate])
    assert (result.valid, result.reason, result.signatures) == (False, reason, ())


def test_a_broken_pdf_gets_a_reason_not_an_exception(signed, org_ca):
    for damaged in (b"%PDF-1.7\n" + b"\x00garbage" * 50, signed[: len(signed) // 2]):
        result = verify_pdf(damaged, [org_ca.certificate])
        assert not result.valid
        assert result.reason.endswith(".") and "PDF" in result.reason


def test_an_unsigned_pdf_has_no_signature(form, org_ca):
    result = verify_pdf(form, [org_ca.certificate])
    assert (result.valid, result.reason, result.signatures) == (
        False, "The PDF has no signature.", ())
    assert result.info["/Author"] == "KOJE-01"


def test_checking_a_bad_file_prints_no_traceback(signed, tmp_path):
    """pyHanko logs failed paths and suspicious updates with tracebacks; a program that sets
    up no logging (the CLI) would print them. Run as such a program would."""
    (tmp_path / "tampered.pdf").write_bytes(append_blank_page(signed))
    (tmp_path / "root.pem").write_bytes(make_root_ca("Someone Else").certificate.public_bytes(
        serialization.Encoding.PEM))
    script = (
        "import sys; from pathlib import Path; from cryptography import x509\n"
        "from screening_app.records.verifying import verify_pdf\n"
        "folder = Path(sys.argv[1])\n"
        "root = x509.load_pem_x509_certificate((folder / 'root.pem').read_bytes())\n"
        "print(verify_pdf((folder / 'tampered.pdf').read_bytes(), [root]).reason)\n"
    )
    result = subprocess.run([sys.executable, "-c", script, str(tmp_path)], capture_output=True,
                            text=True, check=True)
    assert result.stdout.startswith("The signature is by 'Station DEMO-KOJE-01'")
    assert result.stderr == ""


# -- what signing refuses -------------------------------------------------------------------
def test_signing_something_that_is_not_a_pdf_is_refused(station):
    with pytest.raises(UserError, match=r"^The file to sign is not a PDF"):
        station_signs(b"PK\x03\x04 a zip file", station)
    with pytest.raises(UserError, match=r"^The file to sign is empty"):
        station_signs(b"", station)
    with pytest.raises(UserError, match=r"^The file to sign is not a readable PDF"):
        station_signs(b"%PDF-1.7\n" + b"\x00" * 100, station)


def test_a_truncated_pdf_is_refused_in_one_sentence(form, station):
    with pytest.raises(UserError, match=r"^The file to sign is not a readable PDF"):
        station_signs(form[: len(form) // 2], station)


def test_a_key_that_does_not_match_the_certificate_is_refused(form, station, supervisor):
    mismatched = replace(station, key=supervisor.key)
    with pytest.raises(UserError, match="signing key does not match the certificate of"
                                        " 'CN=Station DEMO-KOJE-01"):
        station_signs(form, mismatched)


def test_signing_into_an_existing_field_name_is_refused(signed, station):
    with pytest.raises(UserError, match="already has a field named 'StationSignature'"):
        station_signs(signed, station, attachments={}, info={})


def test_embedding_files_into_a_signed_pdf_is_refused(signed, supervisor):
    with pytest.raises(UserError, match="already signed"):
        sign_pdf(signed, supervisor, field_name=SUPERVISOR_FIELD, box=countersignature_box("A4"),
                 visible_lines=SUPERVISOR_LINES, reason="r", location="l",
                 attachments={"review.json": b"{}"})


def test_a_bad_field_name_or_box_is_refused(form, station):
    with pytest.raises(UserError, match="field name"):
        station_signs(form, station, field_name="")
    with pytest.raises(UserError, match="page index -3, but the PDF has 2 page"):
        station_signs(form, station, box=FieldBox(-3, 10, 10, 100, 60))


def test_lines_too_long_for_the_box_are_refused(form, station):
    with pytest.raises(UserError, match="do not fit in its"):
        station_signs(form, station, visible_lines=["signed " * 40] * 12)


def test_a_form_signed_with_an_expired_certificate_is_not_trusted(form, org_ca):
    expired = issue_identity(org_ca, "Station OLD-01", expired=True)
    result = verify_pdf(station_signs(form, expired), [org_ca.certificate])
    assert not result.valid
    expired_on = expired.certificate.not_valid_after_utc.strftime("%Y-%m-%d %H:%M UTC")
    assert result.reason == (f"The signature is by 'Station OLD-01', whose certificate expired"
                             f" on {expired_on}, and no headquarters timestamp proves the form"
                             f" existed before then (it was never stamped at headquarters).")
