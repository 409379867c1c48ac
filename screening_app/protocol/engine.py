"""The interview engine: which steps and questions apply, whether an answer is acceptable,
what is still missing, and what the outcome is. Plain Python, no I/O.

The engine is rebuilt from the stored answers after every change, so it holds no state of
its own. Everything is judged on *visible* answers only: an answer to a question whose
condition no longer holds (a refusal follow-up after the choice changed to repatriation)
is kept in the record but ignored everywhere.
"""

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from screening_app.domain.messages import N_, message_language, ngettext
from screening_app.domain.messages import gettext as _
from screening_app.protocol.definition import (
    Condition,
    Option,
    Protocol,
    Question,
    Step,
    Text,
)
from screening_app.protocol.kinds import AnswerError, normalise_answer

# Whole sentences per signer, so that each language words its own.
MISSING_SIGNATURES = {
    "person": N_("The signature or thumbprint of the person interviewed is missing."),
    "interpreter": N_("The interpreter's signature is missing."),
    "observer": N_("The observer's signature is missing."),
    "interviewer": N_("The interviewer's signature is missing."),
}


@dataclass(frozen=True)
class StepStatus:
    step_id: str
    complete: bool
    # Required, visible questions still unanswered.
    missing: list[str]
    # Why the step may not be entered yet (a gate, an earlier stop, or its condition).
    locked_reason: str | None
    # A non-completion reason forced by a stop_unless answer in this step.
    stop_reason: str | None
    # Answers that keep the step from being complete until changed (must_be rules).
    blocked: list[str] = field(default_factory=list)
    visible: bool = True


@dataclass(frozen=True)
class Flag:
    id: str
    question_id: str
    explanation: str


@dataclass(frozen=True)
class Outcome:
    status: str  # "completed" or "not_completed"
    choice: str | None
    reason: str | None
    step: str | None
    firmness_mismatch: bool
    flags: tuple[str, ...]


def randomised_option_order(protocol: Protocol, rng: random.Random) -> dict[str, list[str]]:
    """A freshly shuffled option order for every question marked ``randomise``."""
    order = {}
    for question in protocol.questions():
        if question.randomise:
            option_ids = question.option_ids()
            rng.shuffle(option_ids)
            order[question.id] = option_ids
    return order


class InterviewEngine:
    def __init__(
        self,
        protocol: Protocol,
        answers: Mapping[str, object],
        option_order: Mapping[str, Sequence[str]] | None = None,
    ):
        self.protocol = protocol
        self._answers = dict(answers)
        self._step_by_question = {
            question.id: step for step in protocol.steps for question in step.questions
        }
        self._order = self._checked_option_order(option_order or {})
        self._status_cache: dict[str, StepStatus] = {}

    # -- what is asked ---------------------------------------------------------------------
    def visible_steps(self) -> list[Step]:
        return [step for step in self.protocol.steps if self._step_visible(step)]

    def visible_questions(self, step_id: str) -> list[Question]:
        step = self.protocol.step(step_id)
        if not self._step_visible(step):
            return []
        return [q for q in step.questions if q.when is None or self._holds(q.when)]

    def options(self, question_id: str) -> list[Option]:
        """The options in this interview's order. An options_from question shows them in
        the order of its source, so the read-back looks exactly like the first asking."""
        question = self.protocol.question(question_id)
        by_id = {option.id: option for option in question.options}
        return [by_id[option_id] for option_id in self._order_for(question)]

    # -- recording one answer ----------------------------------------------------------------
    def check_answer(self, question_id: str, value: object) -> object:
        """Validate one answer and return it normalised, or raise AnswerError saying why."""
        question = self._question(question_id)
        step = self._step_by_question[question_id]
        locked = self.step_status(step.id).locked_reason
        if locked:
            raise AnswerError(locked)
        if question.when is not None and not self._holds(question.when):
            raise AnswerError(
                _("Question {id} ({prompt}) is not asked in this interview: it is asked only"
                  " {condition}.").format(id=repr(question_id),
                                          prompt=_quoted(_in_language(question.prompt)),
                                          condition=self._describe_condition(question.when))
            )
        return normalise_answer(question, value)

    # -- progress --------------------------------------------------------------------------------
    def step_status(self, step_id: str) -> StepStatus:
        if step_id not in self._status_cache:
            self._status_cache[step_id] = self._compute_status(self.protocol.step(step_id))
        return self._status_cache[step_id]

    def next_step(self) -> Step | None:
        """The first step still to be done; None when every step is complete."""
        for step in self.visible_steps():
            if not self.step_status(step.id).complete:
                return step
        return None

    def stop_reason(self) -> str | None:
        stop = self._first_stop()
        return stop[0] if stop else None

    # -- the choice ------------------------------------------------------------------------------
    def effective_choice(self) -> str | None:
        """The confirmed choice, or the final choice when the read-back differed; None until
        the steps holding the confirmation and the resolution are complete."""
        config = self.protocol.choice
        for question_id in (config.confirm, config.resolve):
            step = self._step_by_question[question_id]
            if not self.step_status(step.id).complete:
                return None
        first, confirmed = self._answer(config.question), self._answer(config.confirm)
        if first is None or confirmed is None:
            return None
        if first == confirmed:
            return confirmed
        return self._answer(config.resolve)

    def firmness_mismatch(self) -> bool:
        config = self.protocol.choice
        first, confirmed = self._answer(config.question), self._answer(config.confirm)
        return first is not None and confirmed is not None and first != confirmed

    def flags(self) -> list[Flag]:
        found = []
        for step in self.visible_steps():
            for question in self.visible_questions(step.id):
                if question.flag_if is None:
                    continue
                value = self._answer(question.id)
                raised = value == question.flag_if or (
                    isinstance(value, list) and question.flag_if in value
                )
                if raised:
                    label = self.protocol.flag_kind(question.flag).label.en
                    found.append(
                        Flag(
                            question.flag,
                            question.id,
                            f"{label}: {_quoted(question.prompt.en)} was answered"
                            f" {_answer_words(question, value)}.",
                        )
                    )
        return found

    # -- ending ----------------------------------------------------------------------------------
    def can_finalise(self) -> tuple[bool, list[str]]:
        """Whether the interview can be sealed as completed, and if not, why (plain English)."""
        stop = self._first_stop()
        if stop:
            reason, step_id = stop
            return False, [
                _("The interview was stopped at {step} ({reason}); it can only be ended as not"
                  " completed.").format(step=repr(self._title(step_id)),
                                        reason=_in_language(self.protocol.reason(reason).label))
            ]
        reasons: list[str] = []
        unsigned: list[str] = []
        all_complete = True
        for step in self.visible_steps():
            status = self.step_status(step.id)
            if status.complete:
                continue
            all_complete = False
            reasons.extend(status.blocked)
            signatures = {q.id for q in step.questions if q.kind == "signature"}
            unanswered = [_in_language(self.protocol.question(qid).prompt)
                          for qid in status.missing if qid not in signatures]
            if unanswered:
                reasons.append(_("{step} still needs an answer to {questions}.").format(
                    step=repr(_in_language(step.title)),
                    questions="; ".join(map(_quoted, unanswered))))
            unsigned.extend(qid for qid in status.missing if qid in signatures)
        for question_id in unsigned:
            signer = self.protocol.question(question_id).signer
            sentence = MISSING_SIGNATURES.get(signer)
            reasons.append(_(sentence) if sentence else
                           _("The {signer}'s signature is missing.").format(signer=signer))
        choice = self.effective_choice()
        if choice is None:
            reasons.append(_("No confirmed choice has been recorded yet."))
        if not all_complete and not reasons:
            # Only locks remain; say what they are rather than fail without a reason.
            reasons.extend(
                self.step_status(step.id).locked_reason or ""
                for step in self.visible_steps()
                if self.step_status(step.id).locked_reason
            )
        ok = all_complete and choice is not None
        return ok, [] if ok else reasons

    def outcome(
        self, abandoned_reason: str | None = None, abandoned_step: str | None = None
    ) -> Outcome:
        mismatch = self.firmness_mismatch()
        flag_ids = tuple(dict.fromkeys(flag.id for flag in self.flags()))
        if abandoned_reason is not None:
            known = [reason.id for reason in self.protocol.non_completion_reasons]
            if abandoned_reason not in known:
                raise AnswerError(
                    _("Unknown non-completion reason {reason}; use one of {known}.").format(
                        reason=repr(abandoned_reason), known=", ".join(known))
                )
            step_id = abandoned_step or self._current_step_id()
            self.protocol.step(step_id)  # an unknown step is refused in one sentence
            return Outcome("not_completed", None, abandoned_reason, step_id, mismatch, flag_ids)
        stop = self._first_stop()
        if stop:
            reason, step_id = stop
            return Outcome("not_completed", None, reason, step_id, mismatch, flag_ids)
        ok, reasons = self.can_finalise()
        if not ok:
            raise AnswerError(
                _("The interview is not complete, so it can only be ended with a non-completion"
                  " reason: {reasons}").format(reasons=" ".join(reasons))
            )
        return Outcome("completed", self.effective_choice(), None, None, mismatch, flag_ids)

    # -- internals -------------------------------------------------------------------------------
    def _question(self, question_id: str) -> Question:
        step = self._step_by_question.get(question_id)
        if step is None:
            raise AnswerError(
                _("The protocol {protocol} has no question {id}.").format(
                    protocol=self.protocol.label, id=repr(question_id))
            )
        return next(q for q in step.questions if q.id == question_id)

    def _checked_option_order(self, order: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
        checked = {}
        for question_id, option_ids in order.items():
            if question_id not in self._step_by_question:
                raise AnswerError(
                    _("The option order names {id}, which is not a question of"
                      " {protocol}.").format(id=repr(question_id), protocol=self.protocol.label)
                )
            question = self._question(question_id)
            expected = question.option_ids()
            if (
                not question.has_options
                or isinstance(option_ids, str)
                or sorted(option_ids) != sorted(expected)
            ):
                raise AnswerError(
                    _("The option order recorded for {id} must list each of {options}"
                      " once.").format(id=repr(question_id),
                                       options=", ".join(expected) or _("its options"))
                )
            checked[question_id] = list(option_ids)
        return checked

    def _order_for(self, question: Question) -> list[str]:
        source = question.options_from or question.id
        return self._order.get(source) or self._order.get(question.id) or question.option_ids()

    def _step_visible(self, step: Step) -> bool:
        return step.when is None or self._holds(step.when)

    def _answer(self, question_id: str) -> object:
        """The answer if its question is asked in this interview as it stands, else None."""
        step = self._step_by_question[question_id]
        if not self._step_visible(step):
            return None
        question = next(q for q in step.questions if q.id == question_id)
        if question.when is not None and not self._holds(question.when):
            return None
        value = self._answers.get(question_id)
        return value if _is_answered(value) else None

    def _holds(self, condition: Condition) -> bool:
        # The loader only lets a condition read earlier answers (and effective_choice only
        # after the confirmation), so this recursion always ends.
        if condition.effective_choice is not None:
            return self.effective_choice() == condition.effective_choice
        if condition.differs is not None:
            first, second = (self._answer(qid) for qid in condition.differs)
            return first is not None and second is not None and first != second
        value = self._answer(condition.answer)
        if condition.in_ is not None:
            return value in condition.in_
        if condition.contains is not None:
            return isinstance(value, list) and condition.contains in value
        return value is not None and value == condition.equals

    def _step_stop(self, step: Step) -> str | None:
        for question in self.visible_questions(step.id):
            if question.stop_unless is None:
                continue
            value = self._answer(question.id)
            if value is not None and value != question.stop_unless:
                return question.stop_reason
        return None

    def _first_stop(self) -> tuple[str, str] | None:
        for step in self.visible_steps():
            reason = self._step_stop(step)
            if reason:
                return reason, step.id
        return None

    def _compute_status(self, step: Step) -> StepStatus:
        if not self._step_visible(step):
            reason = _("{step} is not part of this interview: it applies only"
                       " {condition}.").format(step=repr(_in_language(step.title)),
                                               condition=self._describe_condition(step.when))
            return StepStatus(step.id, False, [], reason, None, [], visible=False)
        questions = self.visible_questions(step.id)
        missing = [q.id for q in questions if q.required and self._answer(q.id) is None]
        blocked = [
            _("{question} must be answered {answer} before the interview can go on.").format(
                question=_quoted(_in_language(q.prompt)), answer=_answer_words(q, q.must_be))
            for q in questions
            if q.must_be is not None
            and self._answer(q.id) is not None
            and self._answer(q.id) != q.must_be
        ]
        stop = self._step_stop(step)
        locked = self._locked_reason(step)
        complete = not (missing or blocked or stop or locked)
        return StepStatus(step.id, complete, missing, locked, stop, blocked)

    def _locked_reason(self, step: Step) -> str | None:
        for earlier in self.protocol.steps:
            if earlier.id == step.id:
                break
            if self._step_visible(earlier):
                reason = self._step_stop(earlier)
                if reason:
                    return _(
                        "The interview was stopped at {step} ({reason}); nothing after that step"
                        " can be recorded unless the answer there is changed."
                    ).format(step=repr(_in_language(earlier.title)),
                             reason=_in_language(self.protocol.reason(reason).label))
        pending = []
        for required_id in step.requires:
            required = self.protocol.step(required_id)
            # A step left out by its condition does not hold anything up.
            if self._step_visible(required) and not self.step_status(required_id).complete:
                pending.append(repr(_in_language(required.title)))
        if not pending:
            return None
        return ngettext("{step} cannot be started until {pending} is complete.",
                        "{step} cannot be started until {pending} are complete.",
                        len(pending)).format(step=repr(_in_language(step.title)),
                                             pending=_join(pending))

    def _current_step_id(self) -> str:
        stop = self._first_stop()
        if stop:
            return stop[1]
        step = self.next_step()
        return step.id if step else self.protocol.steps[-1].id

    def _title(self, step_id: str) -> str:
        return _in_language(self.protocol.step(step_id).title)

    def _describe_condition(self, condition: Condition) -> str:
        """When a step or question applies, in the protocol's own words."""
        if condition.effective_choice is not None:
            choice = self.protocol.question(self.protocol.choice.question)
            return _("when the confirmed choice is {choice}").format(
                choice=_quoted(_answer_words(choice, condition.effective_choice)))
        if condition.differs is not None:
            first, second = (_in_language(self.protocol.question(q).prompt)
                             for q in condition.differs)
            return _("when the answers to {first} and {second} differ").format(
                first=_quoted(first), second=_quoted(second))
        question = self.protocol.question(condition.answer)
        prompt = _quoted(_in_language(question.prompt))
        if condition.in_ is not None:
            values = _(" or ").join(_answer_words(question, value) for value in condition.in_)
            return _("when {question} is answered {answer}").format(question=prompt,
                                                                    answer=values)
        if condition.contains is not None:
            return _("when the answer to {question} includes {answer}").format(
                question=prompt, answer=_answer_words(question, condition.contains))
        return _("when {question} is answered {answer}").format(
            question=prompt, answer=_answer_words(question, condition.equals))


# -- wording ------------------------------------------------------------------------------------
def _is_answered(value: object) -> bool:
    return value is not None and value != "" and value != []


def _in_language(text: Text) -> str:
    """A protocol text in the language the sentence around it is written in."""
    return text.get(message_language())


def _quoted(text: str) -> str:
    return f"“{text}”"


def _answer_words(question: Question, value: object) -> str:
    """An answer as a person reads it: Yes, No, an option's label, a number."""
    if isinstance(value, list):
        return ", ".join(_answer_words(question, item) for item in value)
    if question.kind == "yes_no" and value == "yes":
        return _("Yes")
    if question.kind == "yes_no" and value == "no":
        return _("No")
    for option in question.options:
        if option.id == value:
            return _in_language(option.label)
    return str(value)


def _join(items: list[str]) -> str:
    if len(items) == 1:
        return items[0]
    return _("{items} and {last}").format(items=", ".join(items[:-1]), last=items[-1])
