"""What people read for the codes a record stores ("repatriate", "unfit"): the labels of
the protocol the record was taken on, never the codes themselves."""

from screening_app.domain.errors import NotFound, UserError
from screening_app.protocol import Protocol, parse_protocol
from screening_app.store.interviews import InterviewRepository

# An outcome the app itself defines (the protocol names the reasons, not the outcome).
NOT_COMPLETED_LABEL = "Not completed"


class ProtocolLabels:
    """Labels by the protocol each record was taken on, each stored protocol parsed once."""

    def __init__(self, interviews: InterviewRepository):
        self._interviews = interviews
        self._protocols: dict[str, Protocol | None] = {}
        # A queue of 20,000 rows asks for the same few labels over and over.
        self._outcomes: dict[tuple, str] = {}

    def protocol(self, sha256: str) -> Protocol | None:
        if sha256 not in self._protocols:
            source = self._interviews.protocol_source(sha256)
            try:
                self._protocols[sha256] = (None if source is None else
                                           parse_protocol(source, f"stored protocol {sha256[:12]}"))
            except UserError:
                self._protocols[sha256] = None
        return self._protocols[sha256]

    def choice(self, sha256: str, choice: str) -> str:
        """The option's label ("Accept repatriation") in English."""
        protocol = self.protocol(sha256)
        if protocol is not None:
            try:
                return protocol.option_label(protocol.choice.question, choice, "en")
            except NotFound:
                pass
        return _readable(choice)

    def reason(self, sha256: str, reason: str | None) -> str:
        """A non-completion reason's label ("Not fit to be interviewed ...")."""
        if not reason:
            return "no reason given"
        protocol = self.protocol(sha256)
        if protocol is not None:
            try:
                return protocol.reason(reason).label.en
            except NotFound:
                pass
        return _readable(reason)

    def outcome(self, sha256: str, outcome: str, choice: str | None,
                reason: str | None) -> str:
        """A completed interview's choice, or "Not completed: <reason>"."""
        key = (sha256, outcome, choice, reason)
        if key not in self._outcomes:
            self._outcomes[key] = (
                self.choice(sha256, choice) if outcome == "completed" and choice
                else f"{NOT_COMPLETED_LABEL}: {self.reason(sha256, reason)}")
        return self._outcomes[key]

    def flag(self, sha256: str, kind: str) -> str | None:
        """A flag the protocol defines, by its label; None when the protocol has none."""
        protocol = self.protocol(sha256)
        if protocol is None:
            return None
        try:
            return protocol.flag_kind(kind).label.en
        except NotFound:
            return None


def _readable(code: str) -> str:
    """Only for a code the record's own protocol does not know (a damaged station):
    better a readable code than nothing."""
    return code.replace("_", " ")
