"""The choice form and the non-completion record as PDFs: what they say, in which languages
and fonts, on which page sizes, where the reserved boxes and the QR code are, that they are
reproducible, and that bad input is refused in one sentence."""

import hashlib
import math
import re
import shutil
import struct
import subprocess
import sys
import zlib
from dataclasses import replace
from io import BytesIO
from pathlib import Path

import pytest

from screening_app.domain.errors import UserError
from screening_app.domain.interview import InterviewRecord, InterviewStatus, OutcomeStatus
from screening_app.protocol import complete_answers, default_protocol
from screening_app.protocol.declaration import built_declaration as declaration
from screening_app.records.choice_form import (
    FormContext,
    SignatureImage,
    countersignature_box,
    render_choice_form,
    render_document,
    render_non_completion,
    signature_box,
)
from screening_app.records.fonts import FORM_FONT, form_font
from screening_app.records.form_text import LABELS
from screening_app.records.layout import MARGIN_BOTTOM, MARGIN_X, QR_SIZE, page_dimensions
from screening_app.records.qr import QR_QUIET_MODULES, qr_matrix, record_qr_text

REPO = Path(__file__).resolve().parents[2]
POPPLER_TOOLS = ("pdftotext", "pdffonts", "pdfinfo", "pdftoppm", "pdfimages")
needs_poppler = pytest.mark.skipif(
    not all(shutil.which(tool) for tool in POPPLER_TOOLS),
    reason="poppler-utils (pdftotext, pdffonts, pdfinfo, pdftoppm, pdfimages) is not installed",
)
BASE_14 = ("Helvetica", "Times", "Courier", "Symbol", "ZapfDingbats")

KOREAN = {
    "isn": "NK-100001", "name_native": "김민준", "name_latin": "Kim Min-jun",
    "nationality": "Korean", "rank": "Private", "unit": "KPA 4th Division",
    "camp": "Koje-do", "compound": "Compound 62", "birth_year": 1928,
}
CHINESE = {
    "isn": "CN-700001", "name_native": "王伟", "name_latin": "Wang Wei",
    "nationality": "Chinese", "rank": "Lieutenant", "unit": "CPV 180th Division",
    "camp": "Koje-do", "compound": "Compound 72", "birth_year": 1931,
}
RECORD_ID = "3f2b8c1e-5d4a-4c1b-9e0f-2a6b7c8d9e01"
CONTEXT = FormContext("KOJE-01", "Koje-do", demo=False)
ENLIST_EN = "Enter the armed forces of the United Nations Command"
ENLIST_KO = "유엔군사령부의 군대에 들어간다"
REPATRIATE_EN = "Accept repatriation"
REPATRIATE_ZH = "接受遣返"


# -- building records and signatures without a database -------------------------------------
def signature_png(width: int = 160, height: int = 48) -> bytes:
    """A real RGBA PNG: a dark stroke on a transparent background, as a signature pad draws."""
    rows = []
    for y in range(height):
        row = bytearray(b"\x00" + b"\x00\x00\x00\x00" * width)
        x = int(y * width / height)
        for column in range(x, min(width, x + 4)):
            row[1 + 4 * column:5 + 4 * column] = b"\x10\x10\x40\xff"
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"".join(rows))) + chunk(b"IEND", b""))


def drawn(*signers: str) -> list[SignatureImage]:
    return [SignatureImage(signer, "signature", None, signature_png()) for signer in signers]


def make_record(choice: str | None = "enlist", subject: dict = KOREAN, *,
                answers: dict | None = None, drawn_by: tuple[str, ...] = ("person",),
                **changes) -> InterviewRecord:
    """A finalised, sealed record of the default protocol, as the interview service makes."""
    protocol = default_protocol()
    all_answers: dict = complete_answers(choice or "repatriate")
    for signer in drawn_by:
        all_answers[f"{signer}_signature"] = {"mode": "signature", "signature_id": f"s-{signer}"}
    all_answers.update(answers or {})
    record = InterviewRecord(
        id=RECORD_ID,
        station_id="KOJE-01",
        subject_isn=subject["isn"],
        subject_snapshot=dict(subject),
        protocol_sha256=protocol.sha256,
        protocol_id=protocol.id,
        protocol_version=protocol.version,
        option_order={"choice": ["repatriate", "enlist"]},
        interviewer_id="u-1",
        interviewer_name="Lt. J. Smith",
        language=None,
        status=InterviewStatus.FINAL,
        answers=all_answers,
        current_step="signatures",
        started_at="1952-04-10T09:15:30.000Z",
        ended_at="1952-04-10T09:52:02.000Z",
        finalised_at="1952-04-10T09:52:03.000Z",
        outcome=OutcomeStatus.COMPLETED,
        choice=choice,
        firmness_mismatch=False,
    )
    record = replace(record, **changes)
    return replace(record, record_sha256=record.computed_hash())


def stopped_record(**changes) -> InterviewRecord:
    """An interview stopped at the safety questions for suspected coercion, before signing."""
    answers = {k: v for k, v in complete_answers("repatriate").items()
               if not k.endswith("_signature")}
    answers["threatened"] = "yes"
    record = make_record(None, answers=answers, drawn_by=(), outcome=OutcomeStatus.NOT_COMPLETED,
                         non_completion_reason="suspected_coercion",
                         non_completion_step="coercion", flags=("coercion_reported",))
    record = replace(record, answers={k: v for k, v in record.answers.items()
                                      if not k.endswith("_signature")}, **changes)
    return replace(record, record_sha256=record.computed_hash())


# -- reading the PDFs back with poppler ----------------------------------------------------
def write_pdf(pdf: bytes, tmp_path: Path, name: str = "form.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(pdf)
    return path


def run(*command: str | Path) -> str:
    return subprocess.run([str(part) for part in command], check=True, capture_output=True,
                          text=True).stdout


def page_texts(path: Path) -> list[str]:
    """The text of each page, with all runs of whitespace made one space."""
    pages = run("pdftotext", path, "-").split("\f")[:-1]
    return [" ".join(page.split()) for page in pages]


def all_text(path: Path) -> str:
    return " ".join(page_texts(path))


def fonts(path: Path) -> list[tuple[str, str]]:
    """(font name, embedded yes/no) for every font pdffonts lists."""
    rows = run("pdffonts", path).splitlines()[2:]
    return [(row.split()[0], row.split()[-5]) for row in rows if row.strip()]


def page_sizes(path: Path) -> list[tuple[float, float]]:
    info = run("pdfinfo", "-f", "1", "-l", "999", path)
    return [(float(w), float(h))
            for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", info)]


def word_boxes(path: Path) -> list[tuple[int, str, float, float, float, float]]:
    """(page, word, xMin, yMin, xMax, yMax) for every word, y measured from the top."""
    html = run("pdftotext", "-bbox", path, "-")
    words, page = [], 0
    for line in html.splitlines():
        if "<page " in line:
            page += 1
        found = re.search(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">'
                          r"(.*)</word>", line)
        if found:
            x1, y1, x2, y2 = (float(v) for v in found.groups()[:4])
            words.append((page, found.group(5), x1, y1, x2, y2))
    return words


def page_image(path: Path, page: int, tmp_path: Path, dpi: int = 72, crop=None):
    """One page rendered to a greyscale PIL image (1 pixel = 1 point at 72 dpi)."""
    from PIL import Image

    prefix = tmp_path / f"page{page}-{dpi}"
    command = ["pdftoppm", "-gray", "-r", str(dpi), "-f", str(page), "-l", str(page),
               "-singlefile"]
    if crop:
        x, y, w, h = crop
        command += ["-x", str(x), "-y", str(y), "-W", str(w), "-H", str(h)]
    run(*command, "-png", path, prefix)
    return Image.open(f"{prefix}.png").convert("L")


def page_count(path: Path) -> int:
    return len(page_sizes(path))


# -- what the choice form says ---------------------------------------------------------------
@needs_poppler
def test_a_korean_persons_form_has_identity_choice_and_record_in_both_languages(tmp_path):
    record = make_record("enlist", KOREAN)
    text = all_text(write_pdf(render_choice_form(record, default_protocol(), drawn("person"),
                                                 CONTEXT), tmp_path))
    for expected in ("NK-100001", "김민준", "Kim Min-jun", ENLIST_EN, ENLIST_KO, RECORD_ID,
                     "unc-screening, version 1", record.record_sha256, record.protocol_sha256,
                     "Private", "KPA 4th Division", "Korean", "Compound 62", "1952-04-10",
                     "09:15 – 09:52", "Lt. J. Smith", "Interpreter name",
                     "Observer name (Observer's organisation)"):
        assert expected in text, expected
    # the choice's firmness, the refusal follow-up answers and the coercion answers
    assert "Consistent: the same choice was given when it was read back." in text
    assert "4 of 5" in text and "Fear of punishment or reprisal if sent back" in text
    assert "Has anyone threatened or harmed you" in text
    assert "None raised" in text


@needs_poppler
def test_a_chinese_persons_form_is_in_english_and_chinese(tmp_path):
    record = make_record("repatriate", CHINESE, language="zh",
                         answers={"interview_language": "zh"})
    text = all_text(write_pdf(render_choice_form(record, default_protocol(), drawn("person"),
                                                 CONTEXT), tmp_path))
    for expected in ("CN-700001", "王伟", "Wang Wei", REPATRIATE_EN, REPATRIATE_ZH, RECORD_ID,
                     "选择记录表", "Interpreter name (Chinese · 中文)"):
        assert expected in text, expected
    assert ENLIST_KO not in text and "선택 기록서" not in text
    # A repatriation is not followed by the refusal questions.
    assert "What are your reasons?" not in text


@needs_poppler
def test_the_persons_language_comes_from_nationality_when_the_interview_was_in_english(tmp_path):
    record = make_record("repatriate", CHINESE, language="en",
                         answers={"interview_language": "en"})
    text = all_text(write_pdf(render_choice_form(record, default_protocol(), drawn("person"),
                                                 CONTEXT), tmp_path))
    assert REPATRIATE_ZH in text


@needs_poppler
def test_a_person_of_unknown_nationality_gets_an_english_form(tmp_path):
    subject = {**KOREAN, "nationality": None}
    record = make_record("repatriate", subject, language="en",
                         answers={"interview_language": "en"})
    text = all_text(write_pdf(render_choice_form(record, default_protocol(), drawn("person"),
                                                 CONTEXT), tmp_path))
    assert REPATRIATE_EN in text
    assert "송환을 받아들인다" not in text and REPATRIATE_ZH not in text


@needs_poppler
def test_the_declaration_above_the_persons_signature_is_in_both_languages(tmp_path):
    path = write_pdf(render_choice_form(make_record("repatriate"), default_protocol(),
                                        drawn("person"), CONTEXT), tmp_path)
    text = all_text(path)
    english = ("I have chosen freely, of my own will and without being forced by anyone, to"
               " accept repatriation.")
    korean = "송환을 받아들이기로 자유롭게 선택하였습니다."
    assert english in text and korean in text
    # On the same page, right above the person's drawn signature.
    words = word_boxes(path)
    declared = next(w for w in words if w[1] == "받아들이기로")
    signed = next(w for w in words if w[1] == "(drawn")
    assert declared[0] == signed[0] and declared[5] < signed[3] < declared[5] + 120


def test_declarations_are_built_from_the_choice_labels():
    assert declaration("en", ENLIST_EN).endswith(
        "to enter the armed forces of the United Nations Command.")
    assert "유엔군사령부의 군대에 들어가기로 자유롭게 선택하였습니다." in declaration("ko", ENLIST_KO)
    assert "自由地选择接受遣返" in declaration("zh", REPATRIATE_ZH)
    # A Korean label that is not a plain-form verb is quoted rather than mangled.
    assert declaration("ko", "송환").endswith(": 송환")


@needs_poppler
def test_a_changed_answer_on_read_back_is_shown_with_both_answers(tmp_path):
    record = make_record("enlist", firmness_mismatch=True,
                         answers={"choice": "repatriate", "confirmed_choice": "enlist"})
    text = all_text(write_pdf(render_choice_form(record, default_protocol(), drawn("person"),
                                                 CONTEXT), tmp_path))
    assert "Changed on read-back." in text and "다시 읽어 준 뒤 선택이 바뀜." in text
    assert f"First answer · 첫 답변: {REPATRIATE_EN}" in text
    assert f"Answer on read-back · 다시 물었을 때의 답변: {ENLIST_EN}" in text


@needs_poppler
def test_coercion_answers_and_flags_are_shown_with_protocol_labels(tmp_path):
    record = make_record("enlist", flags=("coercion_reported", "coached"),
                         answers={"marks_or_tattoos": "yes", "told_what_to_answer": "yes",
                                  "coercion_note": "Tattoo on the left arm, made in March."})
    text = all_text(write_pdf(render_choice_form(record, default_protocol(), drawn("person"),
                                                 CONTEXT), tmp_path))
    assert "Threats, forced marks or pressure reported" in text
    assert "위협, 강제로 새긴 표시 또는 압력이 보고됨" in text
    assert "Someone told the person what to answer" in text
    assert "Tattoo on the left arm, made in March." in text
    assert "None raised" not in text


@needs_poppler
def test_a_note_on_the_persons_identity_is_printed_with_it(tmp_path):
    """The protocol says which answer is the identity note (its role); the form prints
    it with the person's identity, in the person's block."""
    record = make_record("enlist", answers={"unit_matches": "no",
                                            "identity_note": "Says 6th Division, not 4th."})
    text = all_text(write_pdf(render_choice_form(record, default_protocol(), drawn("person"),
                                                 CONTEXT), tmp_path))
    person = text.split("Person interviewed")[1].split("Interview ·")[0]
    assert "Identity note" in person and "Says 6th Division, not 4th." in person


@needs_poppler
def test_signers_are_named_with_how_they_signed(tmp_path):
    record = make_record("enlist", drawn_by=("person", "interviewer"),
                         answers={"interpreter_signature": {"mode": "thumbprint"}})
    path = write_pdf(render_choice_form(record, default_protocol(),
                                        drawn("person", "interviewer"), CONTEXT), tmp_path)
    text = all_text(path)
    assert text.count("Signed (drawn on the station)") == 2
    assert "Thumbprint, pressed on the paper copy" in text and "Thumbprint here" in text
    assert text.count("Signed on paper") == 1  # the observer
    images = run("pdfimages", "-list", path).splitlines()[2:]
    assert len(images) == 2 and all(row.split()[3:5] == ["160", "48"] for row in images)


@needs_poppler
def test_a_transcribed_record_says_so_and_its_signatures_are_on_paper(tmp_path):
    record = make_record("repatriate", drawn_by=(), transcribed=True)
    text = all_text(write_pdf(render_choice_form(record, default_protocol(), [], CONTEXT),
                              tmp_path))
    assert "Transcribed from a paper form" in text
    assert text.count("Signature on the paper original") == 4


@needs_poppler
def test_the_supervisor_review_area_is_labelled_and_awaits_countersignature(tmp_path):
    text = all_text(write_pdf(render_choice_form(make_record(), default_protocol(),
                                                 drawn("person"), CONTEXT), tmp_path))
    assert "Supervisor review" in text and "Countersigned on approval" in text
    assert "Station digital signature" in text


@needs_poppler
def test_answers_are_printed_as_written_even_with_markup_characters(tmp_path):
    note = 'He said: <b>"sign & go"</b> or else'
    record = make_record("enlist", answers={"coercion_note": note})
    text = all_text(write_pdf(render_choice_form(record, default_protocol(), drawn("person"),
                                                 CONTEXT), tmp_path))
    assert note in text


# -- pages, footer, fonts ---------------------------------------------------------------------
@needs_poppler
@pytest.mark.parametrize("page_size", ["A4", "Letter"])
def test_every_page_has_the_footer_with_page_x_of_y(tmp_path, page_size):
    record = make_record()
    path = write_pdf(render_choice_form(record, default_protocol(), drawn("person"),
                                        replace(CONTEXT, page_size=page_size)), tmp_path)
    pages = page_texts(path)
    assert len(pages) >= 2
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in text
        assert "ISN NK-100001 · 김민준 · Kim Min-jun" in text
        assert f"unc-screening v1 · record {RECORD_ID} · hash {record.record_sha256[:12]}" in text


@needs_poppler
def test_only_the_embedded_bundled_font_is_used(tmp_path):
    for pdf in (render_choice_form(make_record(), default_protocol(), drawn("person"), CONTEXT),
                render_non_completion(stopped_record(), default_protocol(), [], CONTEXT)):
        listed = fonts(write_pdf(pdf, tmp_path))
        assert listed
        for name, embedded in listed:
            assert embedded == "yes", name
            assert "WenQuanYi" in name, name
            assert not any(base in name for base in BASE_14), name


def test_the_forms_own_words_have_glyphs_in_the_bundled_font():
    from reportlab.pdfbase import pdfmetrics

    covered = pdfmetrics.getFont(form_font()).face.charToGlyph
    protocol = default_protocol()
    texts = [text for labels in LABELS.values() for text in labels.values()]
    texts += [protocol.option_label("choice", option, language)
              for option in ("enlist", "repatriate") for language in ("en", "ko", "zh")]
    texts += [declaration(language, protocol.option_label("choice", "enlist", language))
              for language in ("en", "ko", "zh")]
    texts.append("…•–—·")
    missing = {c for text in texts for c in text if not c.isspace() and ord(c) not in covered}
    assert not missing


@needs_poppler
@pytest.mark.parametrize("page_size,expected", [("A4", (595.28, 841.89)),
                                                ("Letter", (612.0, 792.0))])
def test_page_sizes(tmp_path, page_size, expected):
    context = replace(CONTEXT, page_size=page_size)
    for pdf in (render_choice_form(make_record(), default_protocol(), drawn("person"), context),
                render_non_completion(stopped_record(), default_protocol(), [], context)):
        sizes = page_sizes(write_pdf(pdf, tmp_path))
        assert sizes
        for width, height in sizes:
            assert (round(width, 1), round(height, 1)) == (round(expected[0], 1),
                                                           round(expected[1], 1))


@needs_poppler
@pytest.mark.parametrize("page_size", ["A4", "Letter"])
def test_no_text_runs_outside_the_margins_even_with_long_values(tmp_path, page_size):
    long_unit = ("Korean People's Army, 4th Infantry Division, 18th Regiment, 2nd Battalion,"
                 " rear services and supply detachment attached to the divisional hospital ") * 3
    unbroken = "X" * 300  # a "word" wider than any column
    record = make_record("enlist", subject={**KOREAN, "unit": long_unit + unbroken},
                         answers={"coercion_note": ("Pressed by the compound leader. " * 60)
                                  + unbroken,
                                  "refusal_reasons": ["fear_of_reprisal", "family", "other"],
                                  "refusal_reason_other": "长期" * 200})
    context = replace(CONTEXT, page_size=page_size)
    path = write_pdf(render_choice_form(record, default_protocol(), drawn("person"), context),
                     tmp_path)
    width, height = page_dimensions(page_size)
    words = word_boxes(path)
    assert words
    for page, word, x1, y1, x2, y2 in words:
        assert x1 >= MARGIN_X - 1 and x2 <= width - MARGIN_X + 1, (page, word, x1, x2)
        assert y1 > 0 and y2 < height, (page, word)
    text = all_text(path)
    assert "divisional hospital" in text and "长期长期" in text


@needs_poppler
def test_a_very_long_coercion_note_flows_onto_another_page_with_the_footer(tmp_path):
    short = write_pdf(render_choice_form(make_record(), default_protocol(), drawn("person"),
                                         CONTEXT), tmp_path, "short.pdf")
    note = ("The compound leader came to the tent the night before and said that anyone who"
            " refused repatriation would be marked. ") * 20
    note = note[:1990] + " END."
    record = make_record("enlist", answers={"coercion_note": note, "threatened": "yes"},
                         flags=("coercion_reported",))
    long = write_pdf(render_choice_form(record, default_protocol(), drawn("person"), CONTEXT),
                     tmp_path, "long.pdf")
    pages = page_texts(long)
    assert len(pages) > page_count(short)
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in text
    joined = " ".join(pages)
    assert "refused repatriation would be marked" in joined and "END." in joined


# -- determinism -----------------------------------------------------------------------------
def test_the_same_record_gives_the_same_bytes():
    protocol = default_protocol()
    record = make_record()
    first = render_choice_form(record, protocol, drawn("person"), CONTEXT)
    second = render_choice_form(record, protocol, drawn("person"), CONTEXT)
    assert first == second
    other = make_record(answers={"coercion_note": "A different note."})
    assert render_choice_form(other, protocol, drawn("person"), CONTEXT) != first


def test_the_same_record_gives_the_same_bytes_in_another_process():
    """Another process has other hash seeds and object ids: the stored form's hash must be
    reproducible anywhere."""
    script = (
        "import hashlib\n"
        "from tests.records.test_choice_form import CONTEXT, drawn, make_record\n"
        "from screening_app.protocol import default_protocol\n"
        "from screening_app.records.choice_form import render_choice_form\n"
        "pdf = render_choice_form(make_record(), default_protocol(), drawn('person'), CONTEXT)\n"
        "print(hashlib.sha256(pdf).hexdigest())\n"
    )
    output = subprocess.run([sys.executable, "-c", script], cwd=REPO, check=True,
                            capture_output=True, text=True).stdout.strip()
    here = render_choice_form(make_record(), default_protocol(), drawn("person"), CONTEXT)
    assert output == hashlib.sha256(here).hexdigest()


def test_importing_the_renderer_registers_no_font_and_loads_no_qt():
    script = (
        "import sys\n"
        "import screening_app.records.choice_form\n"
        "from reportlab.pdfbase import pdfmetrics\n"
        f"print({FORM_FONT!r} in pdfmetrics.getRegisteredFontNames(), 'PySide6' in sys.modules)\n"
    )
    output = subprocess.run([sys.executable, "-c", script], cwd=REPO, check=True,
                            capture_output=True, text=True).stdout.split()
    assert output == ["False", "False"]


# -- the reserved boxes and the QR code ------------------------------------------------------
@needs_poppler
@pytest.mark.parametrize("page_size", ["A4", "Letter"])
@pytest.mark.parametrize("kind", ["choice_form", "long_choice_form", "non_completion"])
def test_the_signature_boxes_are_empty_bordered_rectangles_where_advertised(
        tmp_path, page_size, kind):
    context = replace(CONTEXT, page_size=page_size)
    if kind == "choice_form":
        pdf = render_choice_form(make_record(), default_protocol(), drawn("person"), context)
    elif kind == "long_choice_form":  # the band lands on a later page, at the same place
        record = make_record(answers={"coercion_note": "A long account of threats. " * 70})
        pdf = render_choice_form(record, default_protocol(), drawn("person"), context)
    else:
        pdf = render_non_completion(stopped_record(), default_protocol(), [], context)
    path = write_pdf(pdf, tmp_path)
    last = page_count(path)
    image = page_image(path, last, tmp_path)
    _, height = page_dimensions(page_size)
    station, review = signature_box(page_size), countersignature_box(page_size)
    assert station.page_index_from_end == review.page_index_from_end == -1
    assert review.x2 < station.x1  # side by side, not overlapping
    for box in (station, review):
        assert box.x2 - box.x1 >= 180 and box.y2 - box.y1 >= 80  # room for a visible stamp
        left, right = round(box.x1), round(box.x2)
        top, bottom = round(height - box.y2), round(height - box.y1)
        inside = image.crop((left + 3, top + 3, right - 3, bottom - 3))
        assert inside.getextrema()[0] >= 250, "the box must be empty"
        for edge in (image.crop((left - 1, top + 5, left + 2, bottom - 5)),
                     image.crop((right - 2, top + 5, right + 1, bottom - 5)),
                     image.crop((left + 5, top - 1, right - 5, top + 2)),
                     image.crop((left + 5, bottom - 2, right - 5, bottom + 1))):
            assert edge.getextrema()[0] < 100, "the box must have a visible border"
    # Each box is labelled just above it: "Station digital signature", "Supervisor review".
    words = [w for w in word_boxes(path) if w[0] == last]
    for label, box in (("digital", station), ("review", review)):
        _, _, x1, _, x2, bottom = next(w for w in words if w[1] == label)
        assert box.x1 <= x1 and x2 <= box.x2
        assert 0 < (height - box.y2) - bottom < 25


@needs_poppler
def test_the_qr_code_carries_the_record_id_and_hash(tmp_path):
    record = make_record()
    path = write_pdf(render_choice_form(record, default_protocol(), drawn("person"), CONTEXT),
                     tmp_path)
    expected = qr_matrix(record_qr_text(record.id, record.record_sha256))
    assert record_qr_text(record.id, record.record_sha256) == (
        f"SCREENING-RECORD:{RECORD_ID}:{record.record_sha256}")
    scale = 4  # pixels per point at 288 dpi
    _, height = page_dimensions("A4")
    x0 = math.floor(MARGIN_X * scale)
    y0 = math.floor((height - MARGIN_BOTTOM - QR_SIZE) * scale)
    size = math.ceil(QR_SIZE * scale) + 2
    image = page_image(path, page_count(path), tmp_path, dpi=72 * scale,
                       crop=(x0, y0, size, size))
    module = QR_SIZE * scale / (len(expected) + 2 * QR_QUIET_MODULES)
    origin_x = MARGIN_X * scale - x0
    origin_y = (height - MARGIN_BOTTOM - QR_SIZE) * scale - y0
    read = [[image.getpixel((int(origin_x + (QR_QUIET_MODULES + c + 0.5) * module),
                             int(origin_y + (QR_QUIET_MODULES + r + 0.5) * module))) < 128
             for c in range(len(expected))] for r in range(len(expected))]
    assert read == [[bool(v) for v in row] for row in expected]


# -- DEMO stations ---------------------------------------------------------------------------
@needs_poppler
def test_a_demo_station_marks_every_page(tmp_path):
    demo = replace(CONTEXT, demo=True)
    path = write_pdf(render_choice_form(make_record(), default_protocol(), drawn("person"),
                                        demo), tmp_path)
    pages = page_texts(path)
    for text in pages:
        assert "DEMO: not a real record · 시연용: 실제 기록이 아님" in text
    # The watermark: letters far larger than any text of the form, on every page.
    large = {page for page, _, _, y1, _, y2 in word_boxes(path) if y2 - y1 > 60}
    assert large == set(range(1, len(pages) + 1))
    real = all_text(write_pdf(render_choice_form(make_record(), default_protocol(),
                                                 drawn("person"), CONTEXT), tmp_path, "r.pdf"))
    assert "DEMO" not in real


# -- the non-completion record ---------------------------------------------------------------
@needs_poppler
def test_the_non_completion_record_names_step_reason_and_note_in_both_languages(tmp_path):
    record = stopped_record()
    path = write_pdf(render_document(record, default_protocol(), [], CONTEXT,
                                     note="A compound leader was waiting outside."), tmp_path)
    text = all_text(path)
    for expected in ("Record of an interview not completed", "완료되지 않은 면담 기록",
                     "Stopped for suspected coercion", "강압이 의심되어 중단함",
                     "Safety questions", "안전에 관한 질문", "Not completed", "완료되지 않음",
                     "A compound leader was waiting outside.", RECORD_ID, record.record_sha256,
                     "NK-100001", "김민준", "Kim Min-jun", "Lt. J. Smith", "Interpreter name",
                     "Observer name", "09:15 – 09:52",
                     "Threats, forced marks or pressure reported"):
        assert expected in text, expected
    assert "I have chosen freely" not in text
    pages = page_texts(path)
    assert len(pages) == 1 and "Page 1 of 1" in pages[0]


def test_render_document_picks_the_document_for_the_outcome():
    protocol = default_protocol()
    completed, stopped = make_record(), stopped_record()
    assert render_document(completed, protocol, drawn("person"), CONTEXT) == (
        render_choice_form(completed, protocol, drawn("person"), CONTEXT))
    assert render_document(stopped, protocol, [], CONTEXT) == (
        render_non_completion(stopped, protocol, [], CONTEXT))


# -- bad input is refused in one sentence ----------------------------------------------------
def one_sentence(error: UserError) -> str:
    message = str(error)
    assert message.endswith(".") and "\n" not in message and "Traceback" not in message
    return message


def test_an_unreadable_signature_image_is_refused_naming_the_signer():
    bad = [SignatureImage("person", "signature", None, b"\x89PNG not really an image")]
    with pytest.raises(UserError) as caught:
        render_choice_form(make_record(), default_protocol(), bad, CONTEXT)
    message = one_sentence(caught.value)
    assert "person" in message and RECORD_ID in message and "PNG" in message


def test_a_drawn_signature_without_its_image_is_refused():
    with pytest.raises(UserError) as caught:
        render_choice_form(make_record(drawn_by=("person", "observer")), default_protocol(),
                           drawn("person"), CONTEXT)
    assert "observer" in one_sentence(caught.value)


def test_a_jpeg_signature_is_refused_as_not_png():
    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (40, 20), "white").save(buffer, "JPEG")
    bad = [SignatureImage("person", "signature", None, buffer.getvalue())]
    with pytest.raises(UserError) as caught:
        render_choice_form(make_record(), default_protocol(), bad, CONTEXT)
    assert "not a PNG" in one_sentence(caught.value)


@pytest.mark.parametrize("signature,words", [
    (SignatureImage("guard", "signature", None, None), "guard"),
    (SignatureImage("person", "stamp", None, None), "stamp"),
])
def test_unknown_signers_and_modes_are_refused(signature, words):
    with pytest.raises(UserError) as caught:
        render_choice_form(make_record(drawn_by=()), default_protocol(), [signature], CONTEXT)
    assert words in one_sentence(caught.value)


def test_an_unknown_page_size_is_refused():
    with pytest.raises(UserError) as caught:
        render_choice_form(make_record(), default_protocol(), drawn("person"),
                           replace(CONTEXT, page_size="A5"))
    assert "A4 or Letter" in one_sentence(caught.value)


def test_a_draft_has_no_form():
    draft = replace(make_record(), status=InterviewStatus.DRAFT, record_sha256=None)
    with pytest.raises(UserError) as caught:
        render_document(draft, default_protocol(), drawn("person"), CONTEXT)
    assert "draft" in one_sentence(caught.value)


def test_a_record_is_not_printed_with_another_protocols_text():
    record = replace(make_record(), protocol_sha256="0" * 64)
    with pytest.raises(UserError) as caught:
        render_choice_form(record, default_protocol(), drawn("person"), CONTEXT)
    assert "000000000000" in one_sentence(caught.value)


def test_each_renderer_refuses_the_other_outcome():
    with pytest.raises(UserError):
        render_choice_form(stopped_record(), default_protocol(), [], CONTEXT)
    with pytest.raises(UserError):
        render_non_completion(make_record(), default_protocol(), drawn("person"), CONTEXT)


def test_an_unreadable_start_time_is_refused():
    record = make_record(started_at="the tenth of April")
    with pytest.raises(UserError) as caught:
        render_choice_form(record, default_protocol(), drawn("person"), CONTEXT)
    assert "start time" in one_sentence(caught.value)
