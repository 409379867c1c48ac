"""A complete, valid set of answers for the default protocol.

The CLI prints it as the starting point of an answers file for a paper interview, and
tests everywhere use it to drive an interview to the end without repeating 30 answers.
"""

from screening_app.protocol.engine import AnswerError

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
