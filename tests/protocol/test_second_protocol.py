"""The second bundled protocol (nnrc-explanations v1): its gates and conditions as the engine
walks them, its translations, and the proof that the program outside protocol/ knows none
of its ids."""

import ast
import re
from pathlib import Path

import pytest

from screening_app.protocol import InterviewEngine, available_protocols, default_protocol
from screening_app.protocol.examples import example_answers

PACKAGE = Path(__file__).parents[2] / "screening_app"
HANGUL = re.compile(r"[\uac00-\ud7a3]")
HAN = re.compile(r"[\u4e00-\u9fff]")
# String literals outside protocol/ that happen to equal one of its ids and mean something
# else: the form's own "safety" heading key, and the kind of key a person signs with.
COINCIDENCES = {"safety": {"records/form_text.py", "records/choice_form.py"},
                "signing": {"store/key_material.py"}}


@pytest.fixture(scope="module")
def protocol():
    return next(p for p in available_protocols() if p.id == "nnrc-explanations")


def ids_of(protocol) -> set[str]:
    ids = {protocol.id}
    for step in protocol.steps:
        ids.add(step.id)
        for question in step.questions:
            ids.add(question.id)
            ids.update(option.id for option in question.options)
    ids.update(outcome.list_slug for outcome in protocol.outcomes)
    ids.update(r.id for r in (*protocol.non_completion_reasons, *protocol.flag_kinds))
    return ids - set(protocol.languages)  # language codes are the program's own


def test_it_is_a_protocol_of_its_own_with_three_outcomes(protocol):
    default = default_protocol()
    assert protocol.id != default.id and protocol.version == 1
    assert not ids_of(protocol) & ids_of(default)
    assert [o.option for o in protocol.outcomes] == ["return_home", "civilian_status",
                                                     "neutral_nation"]
    assert protocol.question(protocol.choice.question).randomise
    assert protocol.skew_option == "return_home" and protocol.safety_step == "safety"


def test_every_text_is_translated_and_in_its_own_script(protocol):
    texts = [step.title for step in protocol.steps]
    texts += [step.statement for step in protocol.steps if step.statement]
    texts += [q.prompt for q in protocol.questions()]
    texts += [o.label for q in protocol.questions() for o in q.options]
    for text in texts:
        assert HANGUL.search(text.get("ko")), text.en
        assert HAN.search(text.get("zh")), text.en


def test_the_destination_is_asked_only_of_those_who_choose_a_neutral_nation(protocol):
    for choice in ("return_home", "civilian_status"):
        engine = InterviewEngine(protocol, example_answers(protocol, choice))
        assert "destination" not in [step.id for step in engine.visible_steps()]
        assert engine.can_finalise()[0]
    answers = example_answers(protocol, "neutral_nation")
    del answers["neutral_destination"]
    engine = InterviewEngine(protocol, answers)
    assert not engine.can_finalise()[0]
    assert engine.step_status("signing").locked_reason  # nothing signed before it
    answers["neutral_destination"] = "another_country"
    assert not InterviewEngine(protocol, answers).can_finalise()[0]  # which country?
    answers["destination_named"] = "Sweden"
    engine = InterviewEngine(protocol, answers)
    assert engine.can_finalise()[0] and engine.outcome().choice == "neutral_nation"


def test_a_changed_answer_at_the_read_back_asks_for_the_final_one(protocol):
    answers = example_answers(protocol, "civilian_status")
    answers["decision_repeated"] = "return_home"
    engine = InterviewEngine(protocol, answers)
    assert engine.firmness_mismatch() and not engine.can_finalise()[0]
    answers["decision_final"] = "neutral_nation"
    answers["neutral_destination"] = "india"
    engine = InterviewEngine(protocol, answers)
    assert engine.effective_choice() == "neutral_nation" and engine.can_finalise()[0]


@pytest.mark.parametrize("question, reason", [
    ("no_other_prisoners_present", "session_not_private"),
    ("commission_member_present", "commission_absent"),
    ("interpreter_impartial", "no_interpreter_available"),
])
def test_without_privacy_a_commission_member_or_an_interpreter_the_session_stops(
        protocol, question, reason):
    answers = example_answers(protocol, "return_home")
    answers[question] = "no"
    assert InterviewEngine(protocol, answers).stop_reason() == reason


def test_no_code_outside_protocol_names_its_ids(protocol):
    """The program takes the second protocol from its file alone: no string literal
    outside protocol/ is one of its ids (beyond the coincidences named above)."""
    ids = ids_of(protocol)
    found = {}
    for path in PACKAGE.rglob("*.py"):
        where = path.relative_to(PACKAGE).as_posix()
        if where.startswith("protocol/"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and node.value in ids \
                    and where not in COINCIDENCES.get(node.value, ()):
                found.setdefault(node.value, set()).add(where)
    assert found == {}
