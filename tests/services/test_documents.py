import pytest

from screening_app.domain.errors import PermissionDenied
from screening_app.protocol.examples import complete_answers


@pytest.fixture
def two_forms(roster_station):
    services = roster_station.services
    mine = services.transcription.record(roster_station.interviewer, "NK-100001",
                                         {"answers": complete_answers()}, "t")
    theirs = services.transcription.record(roster_station.other_interviewer, "CN-700001",
                                           {"answers": complete_answers("enlist")}, "t")
    return roster_station, mine, theirs


def test_finalising_stores_the_form_and_exports_write_its_exact_bytes(two_forms, tmp_path):
    station, mine, _ = two_forms
    documents = station.services.documents
    stored = documents.latest(station.interviewer, mine.id)
    assert stored.kind == "choice_form" and stored.content.startswith(b"%PDF")
    target = tmp_path / "copy.pdf"
    documents.export(station.supervisor, mine.id, target)
    assert target.read_bytes() == stored.content
    kinds = [e.kind for e in station.services.station.events.for_interview(mine.id)]
    assert kinds[-2:] == ["document.created", "document.exported"]


def test_prints_are_counted_per_interview(two_forms):
    station, mine, theirs = two_forms
    documents = station.services.documents
    stored = documents.latest(station.interviewer, mine.id)
    assert [documents.record_print(station.interviewer, stored) for _ in range(3)] == [1, 2, 3]
    assert documents.times_printed(mine.id) == 3
    assert documents.times_printed_each([mine.id, theirs.id]) == {mine.id: 3, theirs.id: 0}


def test_an_interviewer_sees_only_their_own_forms(two_forms):
    station, mine, theirs = two_forms
    documents = station.services.documents
    assert [f.interview_id for f in documents.printable(station.interviewer)] == [mine.id]
    assert {f.interview_id for f in documents.printable(station.supervisor)} == {mine.id,
                                                                                 theirs.id}
    with pytest.raises(PermissionDenied):
        documents.latest(station.interviewer, theirs.id)


def test_printable_filters_by_compound_and_day(two_forms):
    station, mine, _ = two_forms
    documents = station.services.documents
    day = mine.record.finalised_at[:10]
    found = documents.printable(station.supervisor, compound="Compound 62", day=day)
    assert [f.subject_isn for f in found] == ["NK-100001"]
    assert documents.printable(station.supervisor, day="1999-01-01") == []


@pytest.mark.skipif(__import__("shutil").which("pdfinfo") is None,
                    reason="poppler-utils (pdfinfo) is not installed")
def test_the_station_page_size_setting_shapes_new_forms(roster_station):
    import subprocess
    import tempfile

    from screening_app.domain.errors import UserError

    services = roster_station.services
    with pytest.raises(PermissionDenied):
        services.settings.set(roster_station.supervisor, "page_size", "Letter")
    with pytest.raises(UserError, match="A4 or Letter"):
        services.settings.set(roster_station.admin, "page_size", "A3")
    assert services.settings.set(roster_station.admin, "page_size", "letter") == "Letter"
    final = services.transcription.record(roster_station.interviewer, "NK-100002",
                                          {"answers": complete_answers()}, "t")
    content = services.documents.latest(roster_station.interviewer, final.id).content
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(content)
        handle.flush()
        info = subprocess.run(["pdfinfo", handle.name], capture_output=True, text=True).stdout
    assert "612 x 792" in info


def test_prints_before_and_after_the_countersignature_add_up(two_forms):
    station, mine, _ = two_forms
    documents = station.services.documents
    first = documents.latest(station.supervisor, mine.id)
    assert documents.record_print(station.interviewer, first) == 1  # the original
    station.services.reviews.decide(station.supervisor, mine.id, "approved")
    approved = documents.latest(station.supervisor, mine.id)
    assert approved.revision == 2
    # The countersigned revision is a new document, but not a new original on paper.
    assert documents.record_print(station.supervisor, approved) == 2
    assert documents.record_print(station.interviewer, first) == 3
    assert documents.times_printed(mine.id) == 3
    printed = [e.payload for e in station.services.station.events.for_interview(mine.id)
               if e.kind == "document.printed"]
    assert printed == [{"document_id": first.id, "revision": 1, "copy": 1},
                       {"document_id": approved.id, "revision": 2, "copy": 2},
                       {"document_id": first.id, "revision": 1, "copy": 3}]


def test_the_sealed_interview_carries_the_form_stored_with_it(two_forms):
    station, mine, theirs = two_forms
    for final in (mine, theirs):
        assert final.form == station.services.documents.latest(station.supervisor, final.id)
        assert final.form.revision == 1 and final.form.content.startswith(b"%PDF")
