"""Interview protocols: the definition model, loading and validation, and the engine that
walks one interview through a protocol."""

from screening_app.protocol.definition import (
    SIGNERS,
    ChoiceConfig,
    Condition,
    Option,
    Protocol,
    ProtocolError,
    Question,
    Reason,
    Step,
    Text,
    describe_protocol,
    protocol_sha256,
)
from screening_app.protocol.engine import (
    AnswerError,
    Flag,
    InterviewEngine,
    Outcome,
    StepStatus,
    randomised_option_order,
)
from screening_app.protocol.examples import complete_answers
from screening_app.protocol.kinds import ANSWER_FORMATS, QUESTION_KINDS, SIGNATURE_MODES
from screening_app.protocol.loader import (
    DEFAULT_PROTOCOL_ID,
    available_protocols,
    default_protocol,
    load_protocol,
    parse_protocol,
)

__all__ = [
    "ANSWER_FORMATS",
    "DEFAULT_PROTOCOL_ID",
    "QUESTION_KINDS",
    "SIGNATURE_MODES",
    "SIGNERS",
    "AnswerError",
    "ChoiceConfig",
    "Condition",
    "Flag",
    "InterviewEngine",
    "Option",
    "Outcome",
    "Protocol",
    "ProtocolError",
    "Question",
    "Reason",
    "Step",
    "StepStatus",
    "Text",
    "available_protocols",
    "complete_answers",
    "default_protocol",
    "describe_protocol",
    "load_protocol",
    "parse_protocol",
    "protocol_sha256",
    "randomised_option_order",
]
