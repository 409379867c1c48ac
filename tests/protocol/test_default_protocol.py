"""The bundled default protocol: its steps, questions, rules and translations."""

import json
import re
from pathlib import Path

import pytest

from screening_app.domain.canonical import canonical_json, sha256_hex
from screening_app.domain.errors import NotFound
from screening_app.protocol import (
    AnswerError,
    available_protocols,
    complete_answers,
    default_protocol,
    describe_protocol,
    load_protocol,
)

DEFAULT_FILE = Path(__file__).parents[2] / "forms" / "unc-screening-v1.yaml"
HANGUL = re.compile(r"[\uac00-\ud7a3]")
HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def protocol():
    return default_protocol()


def all_texts(protocol):
    """Every text of the protocol with a name saying where it is."""
    yield "title", protocol.title
    for reason in (*protocol.non_completion_reasons, *protocol.flag_kinds):
        yield reason.id, reason.label
    for step in protocol.steps:
        yield step.id, step.title
        if step.statement:
            yield f"{step.id} statement", step.statement
        for question in step.questions:
            yield question.id, question.prompt
            if not question.options_from:
                for option in question.options:
                    yield f"{question.id}.{option.id}", option.label
            for end in (question.min_label, question.max_label):
                if end:
                    yield f"{question.id} scale end", end


def test_default_protocol_is_the_bundled_file(protocol):
    assert (protocol.id, protocol.version) == ("unc-screening", 1)
    assert protocol.sha256 == load_protocol(DEFAULT_FILE).sha256
    assert protocol.sha256 == sha256_hex(canonical_json(protocol.source))
    assert protocol in available_protocols()
    assert default_protocol() is protocol  # loaded once


def test_steps_in_the_order_of_a_sound_protocol(protocol):
    assert [step.id for step in protocol.steps] == [
        "identity",
        "privacy",
        "language",
        "explanation",
        "choice",
        "firmness",
        "refusal_followup",
        "coercion",
        "signatures",
    ]
    assert protocol.explanation_step == "explanation"
    assert (protocol.minimum_duration_seconds, protocol.minimum_explanation_seconds) == (420, 120)


def test_every_text_is_in_english_korean_and_chinese(protocol):
    assert protocol.languages == ("en", "ko", "zh")
    for where, text in all_texts(protocol):
        assert text.languages == ("en", "ko", "zh"), where
        assert HANGUL.search(text.get("ko")), f"{where}: the Korean text has no Hangul"
        assert HAN.search(text.get("zh")), f"{where}: the Chinese text has no Chinese characters"
        assert not HANGUL.search(text.get("zh")), f"{where}: Korean inside the Chinese text"
        assert not HAN.search(text.get("en")) and not HANGUL.search(text.get("en")), where


def test_a_missing_language_falls_back_to_english(protocol):
    assert protocol.title.get("ru") == protocol.title.en
    assert protocol.option_label("choice", "repatriate", "ko") == "송환을 받아들인다"
    assert protocol.option_label("choice", "repatriate", None) == "Accept repatriation"


def test_the_non_completion_reasons_are_the_domain_list(protocol):
    assert [r.id for r in protocol.non_completion_reasons] == [
        "refused_to_answer",
        "unfit",
        "absent",
        "no_interpreter",
        "no_privacy",
        "suspected_coercion",
        "security_incident",
        "specialist_needed",
    ]
    assert protocol.reason("no_privacy").label.en == "Privacy could not be ensured"
    with pytest.raises(NotFound, match="Unknown non-completion reason 'bored'"):
        protocol.reason("bored")


def test_the_questions_of_each_step(protocol):
    expected = {
        "identity": ["isn_matches", "name_matches", "unit_matches", "identity_note"],
        "privacy": ["present_persons", "no_other_detainees", "not_overheard"],
        "language": [
            "interview_language",
            "interpreter_name",
            "interpreter_language_confirmed",
            "interpreter_no_tie",
            "observer_name",
            "observer_body",
        ],
        "explanation": ["statement_read", "understood"],
        "choice": ["choice"],
        "firmness": ["confirmed_choice", "final_choice"],
        "refusal_followup": [
            "refusal_strength",
            "refusal_reasons",
            "refusal_reason_other",
            "told_what_to_answer",
        ],
        "coercion": ["threatened", "marks_or_tattoos", "leader_pressure", "coercion_note"],
        "signatures": [
            "person_signature",
            "interpreter_signature",
            "observer_signature",
            "interviewer_signature",
        ],
    }
    assert {s.id: [q.id for q in s.questions] for s in protocol.steps} == expected


def test_the_choice_and_its_confirmation(protocol):
    choice = protocol.question("choice")
    assert choice.kind == "single_choice" and choice.randomise
    assert choice.option_ids() == ["enlist", "repatriate"]
    assert protocol.option_label("choice", "enlist", "en") == (
        "Enter the armed forces of the United Nations Command"
    )
    for question_id in ("confirmed_choice", "final_choice"):
        question = protocol.question(question_id)
        assert question.options_from == "choice"
        assert question.option_ids() == ["enlist", "repatriate"]
    assert protocol.question("final_choice").when.differs == ("choice", "confirmed_choice")
    assert protocol.step("refusal_followup").when.effective_choice == "enlist"
    assert (protocol.choice.question, protocol.choice.confirm, protocol.choice.resolve) == (
        "choice",
        "confirmed_choice",
        "final_choice",
    )


def test_the_rules(protocol):
    stops = {q.id: (q.stop_unless, q.stop_reason) for q in protocol.questions() if q.stop_reason}
    assert stops == {
        "no_other_detainees": ("yes", "no_privacy"),
        "not_overheard": ("yes", "no_privacy"),
        "interpreter_language_confirmed": ("yes", "no_interpreter"),
        "interpreter_no_tie": ("yes", "no_interpreter"),
    }
    flags = {q.id: (q.flag_if, q.flag) for q in protocol.questions() if q.flag}
    assert flags == {
        "isn_matches": ("no", "identity_mismatch"),
        "name_matches": ("no", "identity_mismatch"),
        "unit_matches": ("no", "identity_mismatch"),
        "told_what_to_answer": ("yes", "coached"),
        "threatened": ("yes", "coercion_reported"),
        "marks_or_tattoos": ("yes", "coercion_reported"),
        "leader_pressure": ("yes", "coercion_reported"),
    }
    assert {q.id: q.must_be for q in protocol.questions() if q.must_be} == {
        "statement_read": "yes",
        "understood": "yes",
    }
    assert {q.id: q.signer for q in protocol.questions() if q.kind == "signature"} == {
        "person_signature": "person",
        "interpreter_signature": "interpreter",
        "observer_signature": "observer",
        "interviewer_signature": "interviewer",
    }
    assert protocol.step("choice").requires == ("privacy", "language", "explanation")
    assert protocol.step("firmness").requires == ("choice",)
    assert "firmness" in protocol.step("signatures").requires


def test_the_explanation_statement_covers_what_the_person_must_know(protocol):
    statement = protocol.step("explanation").statement.en
    for needed in (
        "Accept repatriation",
        "Enter the armed forces of the United Nations Command",
        "confidential",
        "yours alone",
        "punished",
        "asked again",
        "withdraw",
        "no particular order",
    ):
        assert needed in statement, needed
    korean = protocol.step("explanation").statement.get("ko")
    chinese = protocol.step("explanation").statement.get("zh")
    for label_language, text in (("ko", korean), ("zh", chinese)):
        for option in protocol.question("choice").options:
            assert option.label.get(label_language) in text, (label_language, option.id)


def test_describe_protocol_is_enough_to_write_an_answers_file(protocol):
    described = json.loads(json.dumps(describe_protocol(protocol)))
    assert (described["id"], described["version"], described["sha256"]) == (
        "unc-screening",
        1,
        protocol.sha256,
    )
    assert described["non_completion_reasons"][0] == "refused_to_answer"
    by_id = {q["id"]: q for step in described["steps"] for q in step["questions"]}
    assert set(by_id) == {q.id for q in protocol.questions()}
    assert by_id["choice"]["options"] == [
        {"id": "enlist", "label": "Enter the armed forces of the United Nations Command"},
        {"id": "repatriate", "label": "Accept repatriation"},
    ]
    assert by_id["final_choice"]["when"] == {"differs": ["choice", "confirmed_choice"]}
    assert by_id["refusal_reason_other"]["when"] == {
        "answer": "refusal_reasons",
        "contains": "other",
    }
    assert by_id["refusal_strength"]["min"] == 1 and by_id["refusal_strength"]["max"] == 5
    assert by_id["identity_note"]["required"] is False
    assert by_id["person_signature"]["answer_format"].startswith('{"mode"')
    steps = {step["id"]: step for step in described["steps"]}
    assert steps["refusal_followup"]["when"] == {"effective_choice": "enlist"}
    assert steps["choice"]["requires"] == ["privacy", "language", "explanation"]


def test_complete_answers_covers_every_required_question(protocol):
    for choice in ("enlist", "repatriate"):
        answers = complete_answers(choice)
        known = {q.id for q in protocol.questions()}
        assert set(answers) <= known
        assert answers["choice"] == answers["confirmed_choice"] == choice
    assert "refusal_reasons" in complete_answers("enlist")
    assert "refusal_reasons" not in complete_answers("repatriate")
    with pytest.raises(AnswerError, match="must be one of enlist, repatriate"):
        complete_answers("undecided")
