"""A complete, valid set of answers for a protocol.

The CLI prints it as the starting point of an answers file for a paper interview, and
tests everywhere use it to drive an interview to the end without repeating 30 answers.
"""

from screening_app.protocol.definition import Protocol, Question
from screening_app.protocol.engine import AnswerError, InterviewEngine
from screening_app.protocol.loader import DEFAULT_PROTOCOL_ID

EXAMPLE_CHOICES = ("enlist", "repatriate")


def complete_answers(choice: str = "repatriate") -> dict[str, object]:
    """Answers that complete the default protocol (unc-screening) with ``choice`` given,
    confirmed at once, no flags raised and every signature taken on paper."""
    if choice not in EXAMPLE_CHOICES:
        raise AnswerError(f"An example choice must be one of {', '.join(EXAMPLE_CHOICES)}.")
    answers: dict[str, object] = {
        "isn_matches": "yes",
        "name_matches": "yes",
        "unit_matches": "yes",
        "present_persons": "Interviewer, interpreter, observer",
        "no_other_detainees": "yes",
        "not_overheard": "yes",
        "interview_language": "ko",
        "interpreter_name": "Interpreter name",
        "interpreter_language_confirmed": "yes",
        "interpreter_no_tie": "yes",
        "observer_name": "Observer name",
        "observer_body": "Observer's organisation",
        "statement_read": "yes",
        "understood": "yes",
        "choice": choice,
        "confirmed_choice": choice,
    }
    if choice == "enlist":
        answers.update(
            {
                "refusal_strength": 4,
                "refusal_reasons": ["fear_of_reprisal"],
                "told_what_to_answer": "no",
            }
        )
    answers.update(
        {
            "threatened": "no",
            "marks_or_tattoos": "no",
            "leader_pressure": "no",
            "person_signature": {"mode": "on_paper"},
            "interpreter_signature": {"mode": "on_paper"},
            "observer_signature": {"mode": "on_paper"},
            "interviewer_signature": {"mode": "on_paper"},
        }
    )
    return answers


# What an example answers file writes for a text question by its role; other required
# text questions get a placeholder naming the question.
_EXAMPLE_TEXTS = {
    "present_persons": "Interviewer, interpreter, observer",
    "interpreter_name": "Interpreter name",
    "observer_name": "Observer name",
    "observer_body": "Observer's organisation",
}


def example_answers(protocol: Protocol, choice: str | None = None) -> dict[str, object]:
    """Answers that complete any protocol with ``choice`` (by default its first outcome)
    given and confirmed at once, no flag raised, every required question answered with
    its first option or a placeholder, and every signature taken on paper. The default
    protocol's are ``complete_answers``'s, which its tests were written against."""
    options = protocol.question(protocol.choice.question).option_ids()
    if choice is None:
        choice = options[0]
    if choice not in options:
        raise AnswerError(f"An example choice on {protocol.label} must be one of"
                          f" {', '.join(options)} (another protocol: --protocol ID).")
    if protocol.id == DEFAULT_PROTOCOL_ID:
        return complete_answers(choice)
    answers: dict[str, object] = {}
    for question in protocol.questions():
        # Each answer may open later questions (effective_choice, when), so visibility is
        # judged on the answers so far, in protocol order.
        engine = InterviewEngine(protocol, answers)
        if question not in engine.visible_questions(protocol.step_of(question.id).id):
            continue
        value = _example_value(protocol, question, choice)
        if value is not None:
            answers[question.id] = value
    return answers


def _example_value(protocol: Protocol, question: Question, choice: str) -> object:
    if question.id in (protocol.choice.question, protocol.choice.confirm):
        return choice
    if question.kind == "signature":
        return {"mode": "on_paper"}
    if not question.required:
        return None
    if question.kind == "yes_no":
        wanted = question.must_be or question.stop_unless
        if wanted is not None:
            return wanted
        return "no" if question.flag_if == "yes" else "yes"
    if question.kind == "single_choice":
        return question.option_ids()[0]
    if question.kind == "multi_choice":
        return [question.option_ids()[0]]
    if question.kind == "scale":
        return question.max
    return _EXAMPLE_TEXTS.get(question.role or "", f"Example answer to {question.id}")
