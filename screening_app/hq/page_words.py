"""What the operators' page says for what the store holds: the protocol's labels for the
choices records store as codes, the review states by their names, and times in
headquarters' own time zone (stored times are UTC)."""

import json
from datetime import UTC, datetime

from screening_app.domain.canonical import local_minute
from screening_app.domain.errors import NotFound
from screening_app.hq.store_interface import HqStore
from screening_app.protocol import DEFAULT_PROTOCOL_ID, Protocol, available_protocols
from screening_app.services.protocol_labels import ProtocolLabels
from screening_app.services.reviews import state_label
from screening_app.services.settings import system_time_zone


def time_zone() -> str:
    """The zone the page's times are in: this computer's (as the pattern flags' days)."""
    return system_time_zone()


def local_time(timestamp: str | None, *, missing: str = "never") -> str:
    """A stored UTC timestamp as "YYYY-MM-DD HH:MM" in headquarters' time zone."""
    if not timestamp:
        return missing
    return local_minute(timestamp, time_zone())


def age(timestamp: str | None, now: datetime | None = None) -> str:
    """"3 days ago": how long since a stored UTC timestamp."""
    if not timestamp:
        return ""
    now = now or datetime.now(UTC)
    then = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    minutes = int((now - then).total_seconds() // 60)
    for unit, size in (("day", 1440), ("hour", 60)):
        if minutes >= size:
            count = minutes // size
            return f"{count} {unit}{'s' if count != 1 else ''} ago"
    return "just now" if minutes < 2 else f"{minutes} minutes ago"


def review_state(state: str) -> str:
    return state_label(state)


class _StoredProtocols:
    """Headquarters' stored protocols, as ProtocolLabels reads a station's."""

    def __init__(self, store: HqStore):
        self._store = store

    def protocol_source(self, sha256: str) -> dict | None:
        definition = self._store.protocol_definition(sha256)
        return json.loads(definition) if definition else None


class ChoiceLabels:
    """"Accept repatriation" for a record storing "repatriate": the label of the protocol
    the record was taken on; for a record that does not name one it holds, the label the
    bundled protocols give the option (the default protocol first)."""

    def __init__(self, store: HqStore):
        self._store = store
        self._stored = ProtocolLabels(_StoredProtocols(store))
        self._bundled = _bundled_choice_labels()

    def of(self, interview_id: str, choice: str | None) -> str:
        if not choice:
            return "(no choice)"
        record = self._store.interview_record(interview_id) or {}
        sha = record.get("protocol_sha256")
        protocol = self._stored.protocol(sha) if sha else None
        if protocol is not None:
            label = _option_label(protocol, choice)
            if label:
                return label
        return self._bundled.get(choice, choice.replace("_", " "))


def _option_label(protocol: Protocol, choice: str) -> str | None:
    try:
        return protocol.option_label(protocol.choice.question, choice, "en")
    except NotFound:
        return None


def _bundled_choice_labels() -> dict[str, str]:
    newest: dict[str, Protocol] = {}
    for protocol in available_protocols():  # by id and version: the newest wins
        newest[protocol.id] = protocol
    ordered = sorted(newest.values(), key=lambda p: (p.id != DEFAULT_PROTOCOL_ID, p.id))
    labels: dict[str, str] = {}
    for protocol in ordered:
        for option in protocol.question(protocol.choice.question).options:
            labels.setdefault(option.id, option.label.en)
    return labels
