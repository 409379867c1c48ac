"""Question kinds are declared once (protocol/kinds.py); each layer keeps one table keyed
by kind. A kind added to the registry without its entry in a layer fails here, instead of
being shown as ``str(value)`` or refused at run time."""

import json
from pathlib import Path

import screening_app.protocol
from screening_app.protocol.kinds import ANSWER_FORMATS, KINDS, QUESTION_KINDS
from screening_app.records.sections import ANSWER_LINES


def test_the_schema_allows_exactly_the_declared_kinds():
    schema = json.loads((Path(screening_app.protocol.__file__).parent / "schema.json").read_text())
    enums = []

    def find(node):
        if isinstance(node, dict):
            if node.get("enum") and "yes_no" in node["enum"]:
                enums.append(node["enum"])
            for value in node.values():
                find(value)
        elif isinstance(node, list):
            for value in node:
                find(value)
    find(schema)
    assert enums and all(tuple(enum) == QUESTION_KINDS for enum in enums)


def test_every_kind_is_checked_described_and_printed():
    for name, kind in KINDS.items():
        assert callable(kind.normalise), name
        assert ANSWER_FORMATS[name], name
    assert set(ANSWER_LINES) == set(QUESTION_KINDS)


def test_every_kind_is_asked_and_shown_in_the_desktop_app():
    from screening_app.ui.question_widgets import ANSWER_HTML, WIDGETS

    assert set(WIDGETS) == set(QUESTION_KINDS)
    assert set(ANSWER_HTML) == set(QUESTION_KINDS)
