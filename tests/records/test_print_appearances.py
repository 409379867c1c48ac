"""The copy of a signed form that the preview and the printer render: the signature boxes
drawn into the page, the page otherwise as stored, and the stored bytes untouched."""

from io import BytesIO

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from screening_app.protocol import default_protocol
from screening_app.records.choice_form import render_choice_form
from screening_app.records.layout import countersignature_box, signature_box
from screening_app.records.print_appearances import with_field_appearances_drawn
from tests.records.pki_helpers import issue_identity, make_root_ca
from tests.records.test_choice_form import CONTEXT, drawn, make_record
from tests.records.test_signing import dark_pixels_in, station_signs, supervisor_countersigns

needs_pdftoppm = pytest.mark.skipif(__import__("shutil").which("pdftoppm") is None,
                                    reason="poppler-utils (pdftoppm) is not installed")


@pytest.fixture(scope="module")
def unsigned() -> bytes:
    return render_choice_form(make_record(), default_protocol(), drawn("person"), CONTEXT)


@pytest.fixture(scope="module")
def countersigned(unsigned) -> bytes:
    """A form signed by the station and countersigned by a supervisor, as after approval."""
    authority = make_root_ca("Org Root CA")
    signed = station_signs(unsigned, issue_identity(authority, "Station DEMO-KOJE-01"))
    return supervisor_countersigns(signed, issue_identity(authority, "Supervisor sup"))


def widget_names(pdf: bytes) -> list[str]:
    """The field names of the widget annotations on the last page."""
    reader = PdfFileReader(BytesIO(pdf))
    page = reader.root["/Pages"]["/Kids"][-1].get_object()
    return [str(a.get_object().get("/T")) for a in page.get("/Annots", [])
            if a.get_object().get("/Subtype") == "/Widget"]


def test_the_signature_boxes_move_from_annotations_into_the_page(countersigned):
    drawn = with_field_appearances_drawn(countersigned)
    assert widget_names(countersigned) == ["StationSignature", "SupervisorCountersignature"]
    assert widget_names(drawn) == []
    # An update in memory after the stored bytes, which it leaves as they were.
    assert drawn.startswith(countersigned) and len(drawn) > len(countersigned)


@needs_pdftoppm
def test_poppler_draws_the_copy_as_it_draws_the_stored_form(countersigned, tmp_path):
    drawn = with_field_appearances_drawn(countersigned)
    for box in (signature_box("A4"), countersignature_box("A4")):
        stored = dark_pixels_in(countersigned, box, "A4", tmp_path)
        assert stored > 200
        # Drawn once, in the same place: not doubled, not missing, not moved.
        assert abs(dark_pixels_in(drawn, box, "A4", tmp_path) - stored) <= stored * 0.02


def test_a_form_without_fields_and_a_damaged_file_are_left_as_they_are(unsigned):
    assert with_field_appearances_drawn(unsigned) is unsigned
    damaged = b"%PDF-1.7\n" + b"\x00garbage" * 50
    assert with_field_appearances_drawn(damaged) is damaged
