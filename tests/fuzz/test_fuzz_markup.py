"""Hostile names and answers through every PDF the program makes: the choice form, the
station's revised lists and headquarters' merged lists (the same renderer).

Roster names and answers are untrusted: a name must print as the characters it is, never
as markup. After each rendering, the text read back by poppler holds the name as given
(with any reordering control shown as its code), and the PDF holds no link, no image and
no font beyond what the same document with a plain name holds."""

import re
import shutil
import subprocess

import pytest
from hypothesis import given
from hypothesis import strategies as st

from screening_app.records.choice_form import render_choice_form
from screening_app.records.markup import neutralised
from screening_app.records.revised_lists import render_revised_lists
from tests.fuzz.checks import examples
from tests.records.test_choice_form import CONTEXT, KOREAN, drawn, make_record

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="poppler-utils (pdftotext, pdffonts) is not installed")

HOSTILE = [
    "Kim <unknown>", "Kim & Lee", "<b>Bold</b>", "<img src='/etc/passwd' width=400/>",
    "<font color=white size=1>hidden</font>", "<a href='javascript:alert(1)'>click</a>",
    "<a href=\"file:///etc/shadow\">x</a>", "<para>", "</para></para>", "<br/><br/>",
    "Kim <i", "a > b < c", "&amp;&lt;", "\u202eevil\u202c", "김<strike>민</strike>준",
    "王<super>伟</super>", "<onDraw name=x/>", "<seq id=a/>", "<unichar name='BULLET'/>",
]
fragments = st.sampled_from(HOSTILE + ["Park", "박", "张", " ", "-"])
hostile_names = st.lists(fragments, min_size=1, max_size=4).map("".join).filter(str.strip)


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    return " ".join(text.split())


def fonts(pdf: bytes, tmp_path) -> set[str]:
    path = tmp_path / "fonts.pdf"
    path.write_bytes(pdf)
    lines = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True,
                           check=True).stdout.splitlines()[2:]
    return {line.split()[0] for line in lines if line.strip()}


def structure(pdf: bytes) -> dict[str, int]:
    """What markup would have added: links, images, external references."""
    return {"links": len(re.findall(rb"/Subtype\s*/Link", pdf)),
            "uris": len(re.findall(rb"/URI", pdf)),
            "launch": len(re.findall(rb"/Launch|/JavaScript|/JS\b", pdf)),
            "images": len(re.findall(rb"/Subtype\s*/Image", pdf))}


def squashed(text: str) -> str:
    """Text as pdftotext gives it back: runs of white space as one space."""
    return " ".join(neutralised(text).split())


def appears(name: str, text: str) -> bool:
    # A long name may wrap inside a table cell; compare without spaces as well.
    return squashed(name) in text or squashed(name).replace(" ", "") in text.replace(" ", "")


@pytest.fixture(scope="module")
def plain_form():
    return render_choice_form(make_record("enlist", dict(KOREAN, name_latin="Kim Plain")),
                              _protocol(), drawn("person"), CONTEXT)


def _protocol():
    from screening_app.protocol import default_protocol

    return default_protocol()


@given(name=hostile_names, note=hostile_names)
@examples(0.25)
def test_a_hostile_name_and_note_print_as_text_on_the_choice_form(tmp_path_factory, plain_form,
                                                                  name, note):
    tmp_path = tmp_path_factory.mktemp("form")
    subject = dict(KOREAN, name_latin=name, unit=name)
    record = make_record("enlist", subject, answers={"coercion_note": note,
                                                     "present_persons": note})
    pdf = render_choice_form(record, _protocol(), drawn("person"), CONTEXT)
    text = pdf_text(pdf, tmp_path)
    assert appears(name, text), (name, text[:400])
    assert appears(note, text), (note, text[:400])
    assert structure(pdf) == structure(plain_form)
    assert fonts(pdf, tmp_path) <= fonts(plain_form, tmp_path) | {"[none]"}


@given(names=st.lists(hostile_names, min_size=1, max_size=5), camp=hostile_names)
@examples(0.25)
def test_hostile_names_print_as_text_in_the_revised_and_merged_lists(tmp_path_factory, names,
                                                                     camp):
    tmp_path = tmp_path_factory.mktemp("lists")
    rows = [(f"NK-{n:06d}", name, name, f"Compound {name}", name)
            for n, name in enumerate(names)]

    def lists(rows, camp, issuer=None):
        return render_revised_lists(station_id="KOJE-01", camp=camp, demo=False,
                                    made_at="1952-04-20T10:00:00Z", chain_head="12:abcdef",
                                    sections=[("Repatriate", rows), ("Removed", [])],
                                    issuer=issuer)

    plain = lists([(f"NK-{n:06d}", "Kim", "Kim", "Compound 62", "") for n in range(len(names))],
                  "Koje-do")
    for issuer in (None, "Headquarters <b>HQ</b>"):  # the station's lists and HQ's merged
        pdf = lists(rows, camp, issuer)
        text = pdf_text(pdf, tmp_path)
        for name in names + [camp] + ([issuer] if issuer else []):
            assert appears(name, text), (name, text[:400])
        assert structure(pdf) == structure(plain)
        assert fonts(pdf, tmp_path) <= fonts(plain, tmp_path)


def test_a_right_to_left_override_cannot_reorder_what_is_printed(tmp_path):
    record = make_record("enlist", dict(KOREAN, name_latin="Kim \u202eoC-nuJ"))
    text = pdf_text(render_choice_form(record, _protocol(), drawn("person"), CONTEXT), tmp_path)
    assert "Kim [U+202E]oC-nuJ" in text
