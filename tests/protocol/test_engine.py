"""The interview engine on the default protocol: gates, stops, randomised order, firmness,
follow-ups, flags, finalisation and answer checking."""

import random

import pytest

from screening_app.protocol import (
    AnswerError,
    InterviewEngine,
    complete_answers,
    default_protocol,
    randomised_option_order,
)

SIGNED = {"mode": "signature", "signature_id": "sig-1"}


@pytest.fixture(scope="module")
def protocol():
    return default_protocol()


def engine(answers=None, order=None) -> InterviewEngine:
    return InterviewEngine(default_protocol(), answers or {}, order or {})


def answers_through(step_id: str, choice: str = "repatriate") -> dict:
    """The complete answers of every step up to and including ``step_id``."""
    protocol = default_protocol()
    full = complete_answers(choice)
    wanted = []
    for step in protocol.steps:
        wanted.extend(q.id for q in step.questions)
        if step.id == step_id:
            break
    return {qid: value for qid, value in full.items() if qid in wanted}


# -- gates -----------------------------------------------------------------------------------
def test_the_choice_is_locked_until_privacy_language_and_explanation_are_complete():
    status = engine().step_status("choice")
    assert not status.complete
    assert status.locked_reason == (
        "'Choice' cannot be started until 'Privacy check', 'Language and interpreter' and"
        " 'Explanation' are complete."
    )
    with pytest.raises(AnswerError, match="'Choice' cannot be started until"):
        engine().check_answer("choice", "enlist")


def test_the_choice_lock_names_only_what_is_still_missing():
    answers = answers_through("language")
    status = engine(answers).step_status("choice")
    assert status.locked_reason == "'Choice' cannot be started until 'Explanation' is complete."


def test_the_choice_opens_once_its_gates_pass():
    answers = answers_through("explanation")
    current = engine(answers)
    assert current.step_status("choice").locked_reason is None
    assert current.check_answer("choice", "enlist") == "enlist"
    assert current.next_step().id == "choice"


def test_identity_does_not_gate_the_choice():
    answers = answers_through("explanation")
    for question_id in ("isn_matches", "name_matches", "unit_matches"):
        del answers[question_id]
    assert engine(answers).step_status("choice").locked_reason is None
    assert engine(answers).next_step().id == "identity"


def test_signatures_are_locked_before_firmness():
    answers = answers_through("choice")
    status = engine(answers).step_status("signatures")
    assert "'Confirming the choice'" in status.locked_reason
    with pytest.raises(AnswerError, match="'Signatures' cannot be started until"):
        engine(answers).check_answer("person_signature", SIGNED)


def test_firmness_is_locked_before_the_choice():
    answers = answers_through("explanation")
    assert engine(answers).step_status("firmness").locked_reason == (
        "'Confirming the choice' cannot be started until 'Choice' is complete."
    )


def test_signatures_wait_for_the_coercion_questions_too():
    answers = answers_through("firmness")
    status = engine(answers).step_status("signatures")
    assert status.locked_reason == (
        "'Signatures' cannot be started until 'Safety questions' is complete."
    )


def test_statement_not_read_blocks_progress_without_ending_the_interview():
    answers = answers_through("explanation")
    answers["statement_read"] = "no"
    current = engine(answers)
    status = current.step_status("explanation")
    assert not status.complete
    assert status.stop_reason is None
    assert status.blocked == [
        "“Has the whole statement been read to the person in their language?” must be answered"
        " Yes before the interview can go on."
    ]
    assert current.stop_reason() is None
    assert "'Explanation'" in current.step_status("choice").locked_reason


# -- stops -----------------------------------------------------------------------------------
@pytest.mark.parametrize("question_id", ["no_other_detainees", "not_overheard"])
def test_no_privacy_forces_the_interview_to_stop(question_id):
    answers = answers_through("privacy")
    answers[question_id] = "no"
    current = engine(answers)
    assert current.stop_reason() == "no_privacy"
    assert current.step_status("privacy").stop_reason == "no_privacy"
    assert not current.step_status("privacy").complete
    with pytest.raises(AnswerError, match="stopped at 'Privacy check' \\(Privacy could not be ensured\\)"):
        current.check_answer("interview_language", "ko")
    outcome = current.outcome()
    assert (outcome.status, outcome.reason, outcome.step, outcome.choice) == (
        "not_completed",
        "no_privacy",
        "privacy",
        None,
    )


@pytest.mark.parametrize("question_id", ["interpreter_language_confirmed", "interpreter_no_tie"])
def test_no_suitable_interpreter_forces_no_interpreter(question_id):
    answers = answers_through("language")
    answers[question_id] = "no"
    current = engine(answers)
    assert current.stop_reason() == "no_interpreter"
    assert current.outcome().step == "language"


def test_correcting_a_stop_answer_lets_the_interview_go_on():
    answers = answers_through("privacy")
    answers["not_overheard"] = "no"
    assert engine(answers).stop_reason() == "no_privacy"
    answers["not_overheard"] = "yes"
    assert engine(answers).stop_reason() is None
    assert engine(answers).step_status("privacy").complete


def test_a_stop_even_after_a_choice_means_no_choice_is_recorded():
    answers = complete_answers("enlist")
    answers["no_other_detainees"] = "no"
    current = engine(answers)
    ok, reasons = current.can_finalise()
    assert not ok
    assert reasons == [
        "The interview was stopped at 'Privacy check' (Privacy could not be ensured); it can only"
        " be ended as"
        " not completed."
    ]
    assert current.outcome().choice is None
    assert current.effective_choice() is None


# -- randomised order ------------------------------------------------------------------------
def test_both_option_orders_occur_across_seeds(protocol):
    orders = {
        tuple(randomised_option_order(protocol, random.Random(seed))["choice"])
        for seed in range(40)
    }
    assert orders == {("enlist", "repatriate"), ("repatriate", "enlist")}


def test_the_same_seed_gives_the_same_order(protocol):
    first = randomised_option_order(protocol, random.Random(7))
    again = randomised_option_order(protocol, random.Random(7))
    assert first == again
    assert list(first) == ["choice"]  # only the choice is marked randomise


@pytest.mark.parametrize("order", [["enlist", "repatriate"], ["repatriate", "enlist"]])
def test_read_back_and_final_choice_show_the_options_in_the_choice_order(order):
    current = engine(complete_answers(), {"choice": order})
    for question_id in ("choice", "confirmed_choice", "final_choice"):
        assert [option.id for option in current.options(question_id)] == order


def test_questions_without_randomise_keep_the_protocol_order():
    current = engine({}, {"choice": ["repatriate", "enlist"]})
    assert [o.id for o in current.options("interview_language")] == ["ko", "zh", "en"]


def test_a_recorded_order_that_is_not_a_permutation_is_refused():
    with pytest.raises(AnswerError, match="must list each of enlist, repatriate once"):
        engine({}, {"choice": ["enlist", "enlist"]})
    with pytest.raises(AnswerError, match="'choise', which is not a question"):
        engine({}, {"choise": ["enlist", "repatriate"]})


# -- firmness ----------------------------------------------------------------------------------
def test_a_firmness_mismatch_requires_the_final_choice():
    answers = answers_through("firmness", "enlist")
    answers["confirmed_choice"] = "repatriate"
    current = engine(answers)
    assert current.firmness_mismatch()
    status = current.step_status("firmness")
    assert status.missing == ["final_choice"]
    assert current.effective_choice() is None
    assert "final_choice" in [q.id for q in current.visible_questions("firmness")]


@pytest.mark.parametrize(
    ("confirmed", "final"), [("repatriate", "enlist"), ("enlist", "repatriate")]
)
def test_the_final_choice_becomes_the_effective_choice(confirmed, final):
    answers = complete_answers(final)
    answers.update(
        {
            "choice": "repatriate" if confirmed == "enlist" else "enlist",
            "confirmed_choice": confirmed,
            "final_choice": final,
        }
    )
    current = engine(answers)
    assert current.effective_choice() == final
    outcome = current.outcome()
    assert (outcome.status, outcome.choice, outcome.firmness_mismatch) == (
        "completed",
        final,
        True,
    )


def test_the_final_choice_is_not_asked_when_both_answers_agree():
    current = engine(answers_through("firmness"))
    assert current.firmness_mismatch() is False
    assert [q.id for q in current.visible_questions("firmness")] == ["confirmed_choice"]
    with pytest.raises(
        AnswerError, match="asked only when the answers to “Which do you choose\\?” and “You have heard"
    ):
        current.check_answer("final_choice", "enlist")


def test_a_stale_final_choice_is_ignored_once_the_answers_agree():
    answers = complete_answers("repatriate")
    answers["final_choice"] = "enlist"  # left over from an earlier disagreement
    assert engine(answers).effective_choice() == "repatriate"


def test_no_effective_choice_before_the_confirmation():
    current = engine(answers_through("choice", "enlist"))
    assert current.effective_choice() is None


# -- refusal follow-up -------------------------------------------------------------------------
def test_the_follow_up_is_asked_only_after_a_confirmed_enlist():
    steps_for_enlist = [s.id for s in engine(complete_answers("enlist")).visible_steps()]
    steps_for_repatriate = [s.id for s in engine(complete_answers("repatriate")).visible_steps()]
    assert "refusal_followup" in steps_for_enlist
    assert "refusal_followup" not in steps_for_repatriate
    assert (
        engine(answers_through("choice", "enlist")).step_status("refusal_followup").visible is False
    )


def test_follow_up_answers_are_ignored_after_the_choice_changes():
    answers = complete_answers("enlist")
    answers["told_what_to_answer"] = "yes"
    assert [f.id for f in engine(answers).flags()] == ["coached"]
    answers.update({"choice": "repatriate", "confirmed_choice": "repatriate"})
    current = engine(answers)
    assert current.flags() == []
    assert current.can_finalise() == (True, [])
    assert current.outcome().choice == "repatriate"
    assert current.outcome().flags == ()
    with pytest.raises(AnswerError, match="'Follow-up questions' is not part of this interview"):
        current.check_answer("refusal_strength", 5)


def test_the_follow_up_is_left_out_when_the_final_choice_is_repatriation():
    answers = complete_answers("enlist")
    answers.update({"confirmed_choice": "repatriate", "final_choice": "repatriate"})
    current = engine(answers)
    assert "refusal_followup" not in [s.id for s in current.visible_steps()]
    assert current.outcome().choice == "repatriate"


def test_other_reasons_are_asked_for_only_when_other_is_named():
    answers = complete_answers("enlist")
    assert "refusal_reason_other" not in [
        q.id for q in engine(answers).visible_questions("refusal_followup")
    ]
    answers["refusal_reasons"] = ["family", "other"]
    current = engine(answers)
    assert current.step_status("refusal_followup").missing == ["refusal_reason_other"]
    answers["refusal_reason_other"] = "My village is near the border."
    assert engine(answers).step_status("refusal_followup").complete


def test_the_strength_of_the_choice_may_be_left_unsaid():
    answers = complete_answers("enlist")
    del answers["refusal_strength"]
    assert engine(answers).can_finalise() == (True, [])


# -- flags -------------------------------------------------------------------------------------
def test_an_identity_mismatch_is_flagged_with_an_explanation():
    answers = complete_answers()
    answers["isn_matches"] = "no"
    flags = engine(answers).flags()
    assert [(f.id, f.question_id) for f in flags] == [("identity_mismatch", "isn_matches")]
    assert flags[0].explanation == (
        "Identity does not match the roster: “Does the prisoner serial number the person gives"
        " match the roster?” was answered No."
    )


def test_coercion_answers_are_flagged_but_do_not_stop_the_interview():
    answers = complete_answers()
    answers.update({"threatened": "yes", "leader_pressure": "yes"})
    current = engine(answers)
    assert [(f.id, f.question_id) for f in current.flags()] == [
        ("coercion_reported", "threatened"),
        ("coercion_reported", "leader_pressure"),
    ]
    outcome = current.outcome()
    assert outcome.status == "completed"
    assert outcome.flags == ("coercion_reported",)


def test_no_flags_for_a_clean_interview():
    assert engine(complete_answers("enlist")).flags() == []


# -- finalising ------------------------------------------------------------------------------
@pytest.mark.parametrize("choice", ["enlist", "repatriate"])
def test_complete_answers_can_be_finalised(choice):
    current = engine(complete_answers(choice))
    assert current.can_finalise() == (True, [])
    assert current.next_step() is None
    outcome = current.outcome()
    assert (outcome.status, outcome.choice, outcome.reason, outcome.step) == (
        "completed",
        choice,
        None,
        None,
    )
    assert outcome.firmness_mismatch is False


def test_a_missing_signature_is_named():
    answers = complete_answers()
    del answers["interpreter_signature"]
    ok, reasons = engine(answers).can_finalise()
    assert not ok
    assert reasons == ["The interpreter's signature is missing."]


def test_missing_answers_are_named_by_step():
    answers = complete_answers()
    del answers["threatened"]
    ok, reasons = engine(answers).can_finalise()
    assert not ok
    assert ("'Safety questions' still needs an answer to “Has anyone threatened or harmed you because"
            " of this choice, or to make you choose one way?”.") in reasons


def test_a_blocked_explanation_is_a_reason_not_to_finalise():
    answers = complete_answers()
    answers["understood"] = "no"
    ok, reasons = engine(answers).can_finalise()
    assert not ok
    assert any(r.startswith("“Does the person say they have understood the statement?")
               and r.endswith("must be answered Yes before the interview can go on.")
               for r in reasons)


def test_an_empty_interview_cannot_be_finalised_and_says_why():
    ok, reasons = engine().can_finalise()
    assert not ok
    assert "No confirmed choice has been recorded yet." in reasons
    assert "The signature or thumbprint of the person interviewed is missing." in reasons


# -- outcome -----------------------------------------------------------------------------------
def test_abandoning_records_the_reason_and_step_and_no_choice():
    outcome = engine(complete_answers("enlist")).outcome("suspected_coercion", "coercion")
    assert (outcome.status, outcome.choice, outcome.reason, outcome.step) == (
        "not_completed",
        None,
        "suspected_coercion",
        "coercion",
    )


def test_abandoning_without_a_step_uses_the_step_the_interview_is_at():
    outcome = engine(answers_through("privacy")).outcome("refused_to_answer")
    assert outcome.step == "language"


def test_abandoning_with_an_unknown_reason_is_refused():
    with pytest.raises(AnswerError, match="Unknown non-completion reason 'bored'; use one of"):
        engine().outcome("bored", "identity")


def test_an_unfinished_interview_has_no_outcome_unless_abandoned():
    with pytest.raises(AnswerError, match="not complete, so it can only be ended with a"):
        engine(answers_through("choice")).outcome()


# -- checking answers --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "expected"), [(True, "yes"), (False, "no"), (" Yes ", "yes"), ("no", "no")]
)
def test_yes_no_answers_are_normalised(value, expected):
    assert engine().check_answer("isn_matches", value) == expected


@pytest.mark.parametrize("value", ["maybe", 1, None, ["yes"]])
def test_yes_no_refuses_anything_else(value):
    with pytest.raises(AnswerError) as caught:
        engine().check_answer("isn_matches", value)
    assert str(caught.value) == "Answer to 'isn_matches' must be yes or no."


def test_single_choice_must_be_an_option():
    current = engine(answers_through("explanation"))
    with pytest.raises(AnswerError) as caught:
        current.check_answer("choice", "stay")
    assert str(caught.value) == "Answer to 'choice' must be one of enlist, repatriate."


def test_multi_choice_is_normalised_to_protocol_order():
    current = engine(answers_through("firmness", "enlist"))
    assert current.check_answer("refusal_reasons", ("political", "fear_of_reprisal")) == [
        "fear_of_reprisal",
        "political",
    ]


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (["family", "family"], "names 'family' more than once"),
        (["family", "money"], "names 'money', which is not one of"),
        ("family", "must be a list of option ids"),
        ([], "must name at least one of"),
    ],
)
def test_multi_choice_refuses_bad_lists(value, problem):
    current = engine(answers_through("firmness", "enlist"))
    with pytest.raises(AnswerError, match=problem):
        current.check_answer("refusal_reasons", value)


def test_text_is_stripped_and_keeps_line_breaks_and_tabs():
    assert engine().check_answer("identity_note", "  Unit given as\r\n3rd\tcompany \n") == (
        "Unit given as\n3rd\tcompany"
    )


def test_optional_text_may_be_empty_but_required_text_may_not():
    current = engine(answers_through("identity"))
    assert current.check_answer("identity_note", "   ") == ""
    with pytest.raises(AnswerError, match="Answer to 'present_persons' must not be empty."):
        current.check_answer("present_persons", " ")


def test_text_longer_than_the_limit_is_refused():
    with pytest.raises(AnswerError, match="is 2001 characters long; the limit is 2000"):
        engine().check_answer("identity_note", "x" * 2001)
    assert len(engine().check_answer("identity_note", "x" * 2000)) == 2000


def test_text_with_control_characters_is_refused():
    with pytest.raises(AnswerError, match=r"control character \(U\+0007\)"):
        engine().check_answer("identity_note", "bell\x07")
    with pytest.raises(AnswerError, match="must be text"):
        engine().check_answer("identity_note", 42)


@pytest.mark.parametrize(("value", "expected"), [(1, 1), (5, 5), ("3", 3), (" 4 ", 4)])
def test_scale_answers(value, expected):
    current = engine(answers_through("firmness", "enlist"))
    assert current.check_answer("refusal_strength", value) == expected


@pytest.mark.parametrize("value", [0, 6, True, 2.5, "three", "--3", None])
def test_scale_refuses_values_off_the_scale(value):
    current = engine(answers_through("firmness", "enlist"))
    with pytest.raises(AnswerError) as caught:
        current.check_answer("refusal_strength", value)
    assert str(caught.value) == "Answer to 'refusal_strength' must be a whole number from 1 to 5."


def test_signature_answers():
    current = engine(answers_through("coercion"))
    assert current.check_answer("person_signature", {"mode": "thumbprint"}) == {
        "mode": "thumbprint"
    }
    assert current.check_answer("observer_signature", SIGNED) == SIGNED
    # Only the person interviewed may give a thumbprint in this protocol.
    with pytest.raises(AnswerError, match="does not take a thumbprint from this signer"):
        current.check_answer("interpreter_signature", {"mode": "thumbprint"})
    with pytest.raises(AnswerError, match="a drawn signature needs the signature_id"):
        current.check_answer("observer_signature", {"mode": "signature"})
    with pytest.raises(AnswerError, match="mode one of signature, thumbprint, on_paper"):
        current.check_answer("observer_signature", {"mode": "stamp"})
    with pytest.raises(AnswerError, match="mode one of signature, thumbprint, on_paper"):
        current.check_answer("observer_signature", {"mode": "on_paper", "name": "X"})


def test_an_unknown_question_is_refused():
    with pytest.raises(AnswerError) as caught:
        engine().check_answer("favourite_colour", "blue")
    assert str(caught.value) == "The protocol unc-screening v1 has no question 'favourite_colour'."


def test_every_example_answer_passes_the_checks_in_protocol_order():
    # What a transcribed paper interview does: answer question by question, in order.
    for choice in ("enlist", "repatriate"):
        full = complete_answers(choice)
        recorded: dict = {}
        for question in default_protocol().questions():
            if question.id in full:
                value = engine(recorded).check_answer(question.id, full[question.id])
                recorded[question.id] = value
        assert recorded == full
        assert engine(recorded).can_finalise() == (True, [])
