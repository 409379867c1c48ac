"""PDFs given to 'screening-app verify', damaged or signed with odd contents: the answer is
always a verdict (valid, or invalid with one sentence why), never an exception, and checking
a form changes nothing at the station."""

import io
import json

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from reportlab.pdfgen import canvas

from screening_app.domain.canonical import canonical_json, sha256_hex
from screening_app.protocol.examples import complete_answers
from screening_app.records.layout import signature_box
from screening_app.records.signing import sign_pdf
from screening_app.services.documents import RECORD_ATTACHMENT
from screening_app.services.verification import FormVerification, verify_form
from tests.fuzz.checks import (
    assert_clear_message,
    assert_unchanged,
    assert_unchanged_but_sign_ins,
    examples,
    fingerprint,
    outcome,
    run_cli,
)
from tests.fuzz.damage import (
    RAW_JSON,
    Deep,
    Seed,
    damaged,
    materialise,
    mutated,
    odd_text,
    to_json,
)

EXIT_INVALID = 3


@pytest.fixture
def forms(roster_station) -> dict[str, Seed]:
    """A station's stored forms: a choice form, and the same form countersigned (two
    signatures, two revisions)."""
    services = roster_station.services
    final = services.transcription.record(roster_station.interviewer, "NK-100001",
                                          {"answers": complete_answers("enlist")}, "paper.json")
    first = services.documents.latest(roster_station.admin, final.id).content
    services.reviews.decide(roster_station.supervisor, final.id, "approved",
                            reason="The signed paper form is complete.")
    countersigned = services.documents.latest(roster_station.admin, final.id).content
    assert countersigned != first
    return {"form": Seed(first), "countersigned": Seed(countersigned), "id": final.id}


def check(station, pdf: bytes, *, with_station: bool = True) -> FormVerification:
    """Verify ``pdf`` as 'screening-app verify' does: a verdict, one clear sentence when it
    is invalid, and nothing changed at the station."""
    services = station.services
    before = fingerprint(services)
    root = services.keys.station_certificate().root
    result = verify_form(pdf, [root], services.station if with_station else None,
                         station.admin if with_station else None)
    assert isinstance(result, FormVerification)
    if result.valid:
        assert result.reason is None and result.record_id
        outcome("valid")
    else:
        assert_clear_message(result.reason or "")
        outcome("invalid")
    assert_unchanged(services, before)
    return result


def test_the_seeds_are_genuine(roster_station, forms):
    for name in ("form", "countersigned"):
        result = check(roster_station, forms[name])
        assert result.valid, result.reason
        assert result.record_id == forms["id"]


# -- damaged forms ---------------------------------------------------------------------------------
APPENDED = st.sampled_from((
    b"\n%%EOF\n", b"garbage", b"\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
    b"\nxref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size 1 /Root 1 0 R >>\nstartxref\n0\n%%EOF\n",
    b"\n" + b"[" * 5000 + b"\n%%EOF\n",
))


@examples(0.6)
@given(data=st.data(), which=st.sampled_from(("form", "countersigned")),
       with_station=st.booleans())
def test_damaged_forms_get_a_verdict(roster_station, forms, data, which, with_station):
    seed = forms[which]
    pdf = data.draw(st.one_of(
        damaged(seed), damaged(seed, focus="tail"), damaged(seed, focus="tail", tail=200),
        APPENDED.map(lambda tail: seed + tail),
        st.integers(0, len(seed)).map(lambda n: seed[:n]),
    ), label="pdf")
    check(roster_station, pdf, with_station=with_station)


@examples(0.4)
@given(pdf=st.one_of(st.binary(max_size=200),
                     st.binary(max_size=200).map(lambda tail: b"%PDF-1.7\n" + tail),
                     odd_text(200).map(lambda text: text.encode("utf-8", "surrogatepass"))))
@example(pdf=b"")
@example(pdf=b"%PDF-")
@example(pdf=b"%PDF-1.7\n" + b"<<" * 3000)
def test_anything_else_gets_a_verdict(roster_station, pdf):
    check(roster_station, pdf)


# -- genuinely signed, with odd contents -----------------------------------------------------------
def _unsigned_page() -> bytes:
    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.drawString(72, 720, "Not a choice form")
    page.save()
    return out.getvalue()


UNSIGNED = _unsigned_page()
CHAIN_HEADS = st.one_of(
    odd_text(30),
    st.sampled_from(("", ":", "abc:def", "1", "1:", "-1:x", "0:0", "99999999999999999999999:x",
                     "1e3:x", " 1:x", "１:x", "1:" + "0" * 64)),
)


@st.composite
def record_attachments(draw, record: dict) -> bytes:
    """The record a form embeds: as stored, mutated (with its hash made to match again, so
    the checks go on to the station), or not a record at all."""
    kind = draw(st.sampled_from(("matching", "matching", "mismatched", "raw")))
    if kind == "raw":
        return draw(st.one_of(st.binary(max_size=60), st.just(to_json(Deep(3000)).encode()),
                              RAW_JSON.map(lambda raw: raw.text.encode())))
    content = {key: value for key, value in record.items() if key != "record_sha256"}
    content = draw(mutated(content, extra_values=st.sampled_from(
        (None, 5, ["x"], {"a": 1}, "", "00000000-0000-0000-0000-000000000000"))))
    try:
        plain = materialise(content)
        digest = sha256_hex(canonical_json(plain))
    except (RecursionError, ValueError, TypeError, AttributeError):
        return to_json(content).encode("utf-8", "surrogatepass")
    if kind == "mismatched" or not isinstance(plain, dict):
        return to_json(content).encode("utf-8", "surrogatepass")
    return json.dumps({**plain, "record_sha256": digest}).encode()


@pytest.fixture
def signer(roster_station, forms):
    """The station's signing identity and the record its form embeds (loading the key takes
    a good part of a second, so once per test rather than once per example)."""
    from screening_app.records.verifying import verify_pdf

    identity = roster_station.services.keys.signing_identity(roster_station.admin)
    record = json.loads(verify_pdf(forms["form"], []).attachments[RECORD_ATTACHMENT])
    return identity, record


@examples(0.4)
@given(data=st.data())
def test_forms_signed_by_the_station_with_odd_contents_get_a_verdict(roster_station, forms,
                                                                     signer, data):
    identity, stored = signer
    # Files can be embedded only in the signing update of an unsigned PDF; a signed form
    # gets a further signature with new document information only, as a countersignature.
    base = data.draw(st.sampled_from(("unsigned", "form")), label="base")
    attachments = {}
    if base == "unsigned" and data.draw(st.integers(0, 9), label="no record") > 0:
        attachments = {RECORD_ATTACHMENT: data.draw(record_attachments(stored), label="record")}
    info = {"/ScreeningChainHead": data.draw(CHAIN_HEADS, label="chain head")}
    pdf = sign_pdf(UNSIGNED if base == "unsigned" else forms["form"], identity,
                   field_name=f"Fuzz{data.draw(st.integers(0, 99))}", box=signature_box("A4"),
                   visible_lines=["Fuzz"], reason="Fuzz", location="Test",
                   attachments=attachments, info=info)
    check(roster_station, pdf, with_station=data.draw(st.booleans(), label="with station"))


def _matching(record: dict, **changes) -> bytes:
    content = {key: value for key, value in record.items() if key != "record_sha256"}
    content.update(changes)
    return json.dumps({**content, "record_sha256": sha256_hex(canonical_json(content))}).encode()


# Signed contents that each made verify_form raise before it was fixed.
@pytest.mark.parametrize("chain_head, record", [
    (" :x", None), ("abc:def", None), ("²:x", None), ("99999999999999999999999:x", None),
    ("1:x", {"id": ["not", "an", "id"]}), ("1:x", b"[1, 2]"), ("1:x", b"[" * 5000),
], ids=["a space for a number", "letters", "a superscript digit", "beyond SQLite's integers",
        "an id that is a list", "a record that is a list", "a record nested thousands deep"])
def test_signed_contents_that_once_raised_get_a_verdict(roster_station, signer, chain_head,
                                                        record):
    identity, stored = signer
    attachment = record if isinstance(record, bytes) else _matching(stored, **(record or {}))
    pdf = sign_pdf(UNSIGNED, identity, field_name="Fuzz", box=signature_box("A4"),
                   visible_lines=["Fuzz"], reason="Fuzz", location="Test",
                   attachments={RECORD_ATTACHMENT: attachment},
                   info={"/ScreeningChainHead": chain_head})
    assert not check(roster_station, pdf).valid


# -- the command line ------------------------------------------------------------------------------
@examples(0.1)
@given(data=st.data())
def test_the_cli_answers_a_bad_form_with_exit_3_and_one_line(roster_station, forms, tmp_path,
                                                            capsys, monkeypatch, data):
    pdf = data.draw(st.one_of(damaged(forms["form"]), st.binary(max_size=50)), label="pdf")
    path = tmp_path / "양식.pdf"
    path.write_bytes(pdf)
    services = roster_station.services
    before = fingerprint(services)
    result = run_cli(capsys, monkeypatch, roster_station.data_dir, "verify", path)
    assert result.err == "", result.err
    if result.code == 0:
        assert result.out.startswith(f"VALID: {path}")
        outcome("valid")
    else:
        assert result.code == EXIT_INVALID, (result.code, result.out)
        assert result.out.startswith("INVALID: ") and result.out.endswith("\n")
        assert_clear_message(result.out.removesuffix("\n"))
        outcome("invalid")
    assert_unchanged_but_sign_ins(services, before)


def test_the_cli_refuses_a_missing_file_with_exit_2(roster_station, tmp_path, capsys,
                                                    monkeypatch):
    path = tmp_path / "없는 양식.pdf"
    result = run_cli(capsys, monkeypatch, roster_station.data_dir, "verify", path)
    assert result.code == 2
    assert_clear_message(result.err.removesuffix("\n"), [path.name])
