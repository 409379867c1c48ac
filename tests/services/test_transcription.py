import pytest

from screening_app.domain.errors import UserError
from screening_app.protocol.examples import complete_answers


def _count(db, table):
    return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_a_paper_interview_is_recorded_and_marked(roster_station):
    services = roster_station.services
    final = services.transcription.record(
        roster_station.interviewer, "CN-700001",
        {"answers": complete_answers("repatriate"), "started_at": "2026-11-20T09:00:00Z",
         "ended_at": "2026-11-20T09:40:00Z"}, "paper.json")
    assert final.record.transcribed and final.record.choice == "repatriate"
    assert final.record.started_at == "2026-11-20T09:00:00Z"
    assert [s.mode for s in final.record.signatures] == ["on_paper"] * 4


def test_a_forced_stop_is_a_non_completion(roster_station):
    answers = complete_answers()
    answers = {k: v for k, v in answers.items() if k in (
        "isn_matches", "name_matches", "unit_matches", "present_persons")}
    answers["no_other_detainees"] = "no"
    final = roster_station.services.transcription.record(
        roster_station.interviewer, "CN-700001", {"answers": answers}, "paper.json")
    assert final.record.non_completion_reason == "no_privacy"
    assert final.record.non_completion_step == "privacy"


@pytest.mark.parametrize("document, message", [
    ({"answers": {**complete_answers(), "favourite_colour": "red"}},
     "answers.favourite_colour: the protocol"),
    ({"answers": {**complete_answers("repatriate"), "refusal_strength": 5}},
     "answers.refusal_strength: this question is not asked"),
    ({"answers": {**complete_answers(), "choice": "stay"}}, "answers.choice:"),
    ({"answers": complete_answers(), "colour": 1}, "unknown key 'colour'"),
    ({"answers": complete_answers(), "started_at": "yesterday"}, "started_at"),
    ({"answers": complete_answers(), "option_order": {"choice": ["enlist"]}},
     "option_order.choice"),
    ({"answers": {**complete_answers(),
                  "person_signature": {"mode": "on_paper", "name": ["a"]}}},
     "answers.person_signature: the name of who signed on paper must be text"),
])
def test_a_bad_answers_file_writes_nothing(roster_station, document, message):
    db = roster_station.services.station.db
    before = (_count(db, "interviews"), _count(db, "events"), _count(db, "signatures"))
    with pytest.raises(UserError, match=message.replace("(", r"\(")):
        roster_station.services.transcription.record(
            roster_station.interviewer, "NK-100001", document, "paper.json")
    assert (_count(db, "interviews"), _count(db, "events"), _count(db, "signatures")) == before


def test_an_unknown_person_is_refused(roster_station):
    with pytest.raises(UserError, match="No one with ISN 'XX-1'"):
        roster_station.services.transcription.record(
            roster_station.interviewer, "XX-1", {"answers": complete_answers()}, "paper.json")


def test_a_paper_interview_of_someone_interviewed_before_is_linked_with_its_purpose(roster_station):
    services, ivan = roster_station.services, roster_station.interviewer
    first = services.transcription.record(ivan, "NK-100001", {"answers": complete_answers()},
                                          "first.json")
    again = services.transcription.record(ivan, "NK-100001", {"answers": complete_answers()},
                                          "again.json")
    assert (again.record.supersedes_id, again.record.purpose) == (first.id, "re_interview")
    with pytest.raises(UserError, match="again.json: purpose: use one of"):
        services.transcription.record(ivan, "NK-100001", {"answers": complete_answers(),
                                                          "purpose": "bored"}, "again.json")
    again = services.transcription.record(
        ivan, "NK-100001", {"answers": complete_answers("enlist"), "purpose": "withdrawal"},
        "again.json")
    assert again.record.supersedes_id and again.record.purpose == "withdrawal"
    with pytest.raises(UserError, match="has no finalised interview to follow"):
        services.transcription.record(ivan, "NK-100002", {"answers": complete_answers(),
                                                          "purpose": "withdrawal"}, "x.json")
