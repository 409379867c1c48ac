"""Answers files for 'interview record', damaged and generated: each is recorded whole as
one interview or refused in one sentence naming the file, and nothing is left behind."""

import json
from pathlib import Path

from hypothesis import example, given
from hypothesis import strategies as st

from screening_app.domain.errors import UserError
from screening_app.protocol import default_protocol
from screening_app.protocol.examples import complete_answers
from screening_app.services.transcription import read_answers_file
from tests.fuzz.checks import (
    assert_clear_refusal,
    assert_cli_refused,
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
    RawJson,
    damaged,
    json_values,
    mutated,
    odd_text,
    reencoded,
    to_json,
)

ISN = "NK-100002"
COMPLETE = {"answers": complete_answers("enlist"), "option_order": {"choice": ["repatriate",
                                                                               "enlist"]},
            "started_at": "2026-11-20T09:00:00Z", "ended_at": "2026-11-20T09:40:00Z",
            "interviewer": "ivan", "language": "ko"}
STOPPED = {"answers": {key: value for key, value in complete_answers().items()
                       if key in ("isn_matches", "name_matches", "unit_matches")},
           "abandon": {"reason": "refused_to_answer", "step": "privacy", "note": "Left."}}
SEEDS = tuple(json.dumps(seed, ensure_ascii=False, indent=2).encode() for seed in (COMPLETE,
                                                                                  STOPPED))


def record_or_refuse(station, path: Path, *, isn: str = ISN) -> None:
    """Record ``path`` as the interviewer would from the command line; a refusal must be one
    sentence naming the file and leave the database exactly as it was; a recording must
    add exactly one final interview."""
    services = station.services
    db = services.station.db
    before = fingerprint(services)
    finals = db.execute("SELECT count(*) FROM interviews WHERE status = 'final'").fetchone()[0]
    try:
        document = read_answers_file(path)
        services.transcription.record(station.interviewer, isn, document, source=str(path))
    except UserError as error:
        assert_clear_refusal(error, [path.name])
        assert_unchanged(services, before)
        outcome("refused")
        return
    outcome("recorded")
    after = db.execute("SELECT count(*) FROM interviews WHERE status = 'final'").fetchone()[0]
    drafts = db.execute("SELECT count(*) FROM interviews WHERE status != 'final'").fetchone()[0]
    assert (after, drafts) == (finals + 1, 0)


def write(tmp_path: Path, raw: bytes, name: str = "paper-interview.json") -> Path:
    path = tmp_path / name
    path.write_bytes(raw)
    return path


# -- damaged files ------------------------------------------------------------------------------
@examples(1.0)
@given(raw=st.one_of(*(damaged(seed) for seed in SEEDS),
                     reencoded(SEEDS[0].decode("utf-8"))))
@example(raw=b"")
@example(raw=b"[]")
@example(raw=b"[" * 5000)
@example(raw=b'{"answers": {"present_persons": "\\ud800"}}')
@example(raw=SEEDS[0].replace(b'"interviewer": "ivan"', b'"interviewer": ["ivan"]'))
def test_damaged_answers_files_are_recorded_whole_or_refused_clearly(roster_station, tmp_path,
                                                                     raw):
    record_or_refuse(roster_station, write(tmp_path, raw))


# -- documents with odd values in odd places -------------------------------------------------------
ODD_ANSWERS = st.one_of(
    RAW_JSON,
    st.sampled_from((Deep(3), Deep(3000), Deep(3000, "dict"), {"mode": "on_paper", "name": 5},
                     {"mode": "on_paper", "name": ["a"]}, {"mode": "thumbprint", "name": None},
                     {"mode": "signature", "signature_id": "x"}, ["fear_of_reprisal"] * 2,
                     "2026-11-20T09:00:00", "2026-11-20T09:00:00+14:00", "2026-13-45T99:00:00Z",
                     "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "ivan", "sup", "admin",
                     "olga", "refused_to_answer", "privacy", "coercion", "nowhere")),
)


@examples(1.0)
@given(document=st.one_of(mutated(COMPLETE, extra_values=ODD_ANSWERS),
                          mutated(STOPPED, extra_values=ODD_ANSWERS)))
@example(document={**COMPLETE, "option_order": {"choice": [1, "enlist"]}})
@example(document={**COMPLETE, "started_at": "2026-11-20T09:00:00"})
@example(document={**COMPLETE, "answers": {**COMPLETE["answers"],
                                           "present_persons": RawJson('"\\ud800"')}})
@example(document={**STOPPED, "abandon": {"reason": "nonsense"}})
@example(document={**STOPPED, "abandon": {"reason": "refused_to_answer", "step": ["x"]}})
def test_mutated_answers_documents_are_recorded_whole_or_refused_clearly(
        roster_station, tmp_path, document):
    record_or_refuse(roster_station, write(tmp_path, to_json(document).encode(
        "utf-8", errors="surrogatepass")))


QUESTION_IDS = tuple(question.id for question in default_protocol().questions())


@st.composite
def generated_documents(draw) -> dict:
    """Answers to random questions, in random order, with values of any kind."""
    answers = {**complete_answers(draw(st.sampled_from(("enlist", "repatriate"))))}
    for _ in range(draw(st.integers(0, 5))):
        question = draw(st.one_of(st.sampled_from(QUESTION_IDS), odd_text(10)))
        answers[question] = draw(st.one_of(ODD_ANSWERS, json_values(3),
                                           st.sampled_from(("yes", "no", "enlist", "ko", 3))))
    for question in draw(st.lists(st.sampled_from(QUESTION_IDS), max_size=3)):
        answers.pop(question, None)
    document: dict = {"answers": dict(draw(st.permutations(list(answers.items()))))}
    for key in draw(st.lists(st.sampled_from(("option_order", "started_at", "ended_at",
                                              "interviewer", "abandon", "protocol",
                                              "language")), max_size=3)):
        document[key] = draw(st.one_of(ODD_ANSWERS, json_values(3)))
    return document


@examples(0.8)
@given(document=generated_documents())
def test_generated_answers_documents_are_recorded_whole_or_refused_clearly(
        roster_station, tmp_path, document):
    record_or_refuse(roster_station, write(tmp_path, to_json(document).encode(
        "utf-8", errors="surrogatepass")))


# -- the command line -------------------------------------------------------------------------
@examples(0.15)
@given(raw=st.one_of(damaged(SEEDS[0]), mutated(COMPLETE, extra_values=ODD_ANSWERS).map(
    lambda document: to_json(document).encode("utf-8", errors="surrogatepass"))))
@example(raw=b"{")
@example(raw=b'{"answers": {"choice": "stay"}}')
def test_the_cli_refuses_a_bad_answers_file_with_exit_2_and_one_line(
        roster_station, tmp_path, capsys, monkeypatch, raw):
    path = write(tmp_path, raw, "종이 면담.json")
    services = roster_station.services
    before = fingerprint(services)
    result = run_cli(capsys, monkeypatch, roster_station.data_dir, "interview", "record",
                     "--isn", ISN, "--answers", path, user="ivan")
    if result.code == 0:
        assert "Recorded transcribed interview" in result.out
        outcome("recorded")
        return
    outcome("refused")
    assert_cli_refused(result, [path.name])
    assert_unchanged_but_sign_ins(services, before)
