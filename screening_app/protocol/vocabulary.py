"""The protocol's vocabulary as the rest of the program reads it.

Code outside ``protocol/`` never names a question id: it asks this module for the question
that plays a role (who is in the room, the interview language, the names that sign), the
answer a step reads back, or the declaration the person signs.

Roles are declared in the protocol file (``role:`` on a question). unc-screening v1 was
published before roles existed and cannot change (its hash is in every record taken on
it), so its roles are given here, once.
"""

from collections.abc import Callable, Mapping

from screening_app.protocol.definition import Outcome, Protocol, Question, Step, Text

# Protocols published before the role keys existed, by protocol id: the roles and the
# multi-line text questions their files would declare today.
LEGACY_VOCABULARY: dict[str, dict[str, dict[str, str] | frozenset[str]]] = {
    "unc-screening": {
        "roles": {
            "present_persons": "present_persons",
            "interview_language": "interview_language",
            "interpreter_name": "interpreter_name",
            "observer_name": "observer_name",
            "observer_body": "observer_body",
            "identity_note": "identity_note",
        },
        "multiline": frozenset({"present_persons", "identity_note", "coercion_note",
                                "refusal_reason_other"}),
        "outcomes": (
            {"option": "repatriate", "list": "repatriate",
             "list_title": {"en": "To be repatriated", "ko": "송환 대상", "zh": "遣返名单"}},
            {"option": "enlist", "list": "removed",
             "list_title": {"en": "Removed: refuses repatriation", "ko": "송환 거부",
                            "zh": "拒绝遣返"}},
        ),
        "skew_option": "enlist",
        # The sentence the review explains each of its flags with (``explanation``).
        "flag_explanations": {
            "identity_mismatch": {
                "en": "An answer at the identity check did not match the roster.",
                "ko": "신원 확인의 답변 가운데 명부와 일치하지 않는 것이 있었습니다.",
                "zh": "身份核对中有回答与名册不符。"},
            "coercion_reported": {
                "en": "The person reported threats, marks or pressure at the coercion"
                      " screen.",
                "ko": "본인이 강압 확인 단계에서 위협, 강제로 새긴 표시 또는 압력을"
                      " 보고했습니다.",
                "zh": "本人在胁迫筛查时报告受到威胁、被强加标记或施压。"},
            "coached": {
                "en": "The person said that someone had told them what to answer.",
                "ko": "본인이 누군가 답변할 내용을 일러 주었다고 말했습니다.",
                "zh": "本人表示有人指使其如何回答。"},
        },
        "safety_step": "coercion",
        # The form printed this over the follow-up step's answers, not the step's title.
        "printed_titles": {"refusal_followup": {"en": "Reasons", "ko": "이유", "zh": "理由"}},
    },
}

# The revised lists the program keeps beside one list per outcome (services/lists.py at a
# station, hq/merged_lists.py at headquarters): a protocol's outcome lists take other names.
NOT_COMPLETED_LIST, AWAITING_REVIEW_LIST, UNSCREENED_LIST = (
    "not-completed", "awaiting-review", "unscreened")
CONFLICTS_LIST, PENDING_LIST = "conflicts", "pending"
PROGRAM_LISTS = frozenset({NOT_COMPLETED_LIST, AWAITING_REVIEW_LIST, UNSCREENED_LIST,
                           CONFLICTS_LIST, PENDING_LIST})


def legacy_roles(protocol_id: str) -> Mapping[str, str]:
    """question id -> role, for a protocol published before roles were declared."""
    legacy = LEGACY_VOCABULARY.get(protocol_id, {})
    return {question: role for role, question in legacy.get("roles", {}).items()}


def legacy_multiline(protocol_id: str) -> frozenset[str]:
    return LEGACY_VOCABULARY.get(protocol_id, {}).get("multiline", frozenset())


def legacy_flag_explanations(protocol_id: str) -> Mapping[str, Mapping[str, str]]:
    """flag id -> the sentence (in each language) a protocol published before flags
    carried an ``explanation`` would give."""
    return LEGACY_VOCABULARY.get(protocol_id, {}).get("flag_explanations", {})


def legacy_choice_vocabulary(protocol_id: str) -> dict:
    """The outcomes (with their lists), skew option and safety step a protocol published
    before those keys existed would declare today, as its file would give them."""
    legacy = LEGACY_VOCABULARY.get(protocol_id, {})
    return {key: legacy[key] for key in ("outcomes", "skew_option", "safety_step")
            if key in legacy}


# The roles a question may play (``role:`` in the protocol file), as code names them.
PRESENT_PERSONS = "present_persons"  # who is in the room
INTERVIEW_LANGUAGE = "interview_language"
INTERPRETER_NAME = "interpreter_name"
OBSERVER_NAME = "observer_name"
OBSERVER_BODY = "observer_body"  # the body the observer represents
IDENTITY_NOTE = "identity_note"  # how the person differs from the roster

# The question roles that name a person the station may know (services/known_people.py),
# with the kind of person each names; the same kinds sign the form.
NAMED_PERSON_ROLES: Mapping[str, str] = {INTERPRETER_NAME: "interpreter",
                                         OBSERVER_NAME: "observer"}


def list_title(outcome: Outcome) -> str:
    """"To be repatriated · 송환 대상 · 遣返名单": an outcome's list title in every language
    the protocol gives it, as the revised lists print their titles."""
    return " · ".join(outcome.list_title.get(language)
                      for language in outcome.list_title.languages)


def printed_title(protocol: Protocol, step: Step) -> Text:
    """The heading the form prints over a step's answers: the step's title (for
    unc-screening v1's follow-up step, the heading its forms have always had)."""
    legacy = LEGACY_VOCABULARY.get(protocol.id, {}).get("printed_titles", {})
    return Text.from_dict(legacy[step.id]) if step.id in legacy else step.title


def question_with_role(protocol: Protocol, role: str) -> Question | None:
    for question in protocol.questions():
        if question.role == role:
            return question
    return None


def answer_for_role(protocol: Protocol, answers: Mapping[str, object], role: str) -> object:
    """The recorded answer of the question playing ``role``, or None."""
    question = question_with_role(protocol, role)
    return answers.get(question.id) if question is not None else None


def signer_name(protocol: Protocol, answers: Mapping[str, object], signer: str) -> str | None:
    """The name recorded at the interview for a signer who is named there (the interpreter
    and the observer); None for the others."""
    role = next((role for role, kind in NAMED_PERSON_ROLES.items() if kind == signer), None)
    value = answer_for_role(protocol, answers, role) if role else None
    return value if isinstance(value, str) and value.strip() else None


def role_question_reader(protocol_of: Callable[[str], Protocol | None], role: str
                         ) -> Callable[[object], str | None]:
    """The id of the question playing ``role`` in a record's protocol, for records taken on
    any protocol: ``protocol_of`` gives a protocol by its hash; each protocol's question is
    looked up once (a review reads thousands of records)."""
    question_ids: dict[str, str | None] = {}

    def question_of(record) -> str | None:
        sha256 = record.protocol_sha256
        if sha256 not in question_ids:
            protocol = protocol_of(sha256)
            question = question_with_role(protocol, role) if protocol is not None else None
            question_ids[sha256] = question.id if question is not None else None
        return question_ids[sha256]
    return question_of


def role_reader(protocol_of: Callable[[str], Protocol | None], role: str
                ) -> Callable[[object], object]:
    """A reader of the answer playing ``role`` in records taken on any protocol."""
    question_of = role_question_reader(protocol_of, role)

    def read(record) -> object:
        question_id = question_of(record)
        return record.answers.get(question_id) if question_id is not None else None
    return read
