"""Protocol definitions, damaged and generated, as YAML or JSON files and as data: each is
either a protocol or one sentence naming the file and the place in it."""

import json
from pathlib import Path

import yaml
from hypothesis import example, given
from hypothesis import strategies as st

from screening_app.bundled import forms_dir
from screening_app.domain.canonical import canonical_json
from screening_app.domain.errors import UserError
from screening_app.protocol import Protocol, default_protocol, load_protocol, parse_protocol
from tests.fuzz.checks import (
    assert_clear_refusal,
    assert_cli_refused,
    assert_unchanged,
    assert_unchanged_but_sign_ins,
    examples,
    fingerprint,
    outcome,
    run_cli,
)
from tests.fuzz.damage import (
    Deep,
    damaged,
    json_values,
    materialise,
    mutated,
    odd_text,
    reencoded,
    to_json,
)
from tests.fuzz.headquarters import jsonl, manifest, signed_bundle, station_recipient

SEED_PATH = forms_dir() / "unc-screening-v1.yaml"
SEED_YAML = SEED_PATH.read_bytes()
SEED_SOURCE = default_protocol().source
SEED_JSON = json.dumps(SEED_SOURCE, ensure_ascii=False, indent=1).encode()


def load_or_refuse(path: Path) -> Protocol | None:
    try:
        protocol = load_protocol(path)
    except UserError as error:
        assert_clear_refusal(error, [str(path)])
        outcome("refused")
        return None
    outcome("loaded")
    assert protocol.steps and protocol.sha256
    return protocol


def parse_or_refuse(data, source_name: str) -> Protocol | None:
    try:
        protocol = parse_protocol(data, source_name)
    except UserError as error:
        assert_clear_refusal(error, [source_name])
        outcome("refused")
        return None
    outcome("parsed")
    return protocol


# -- files -----------------------------------------------------------------------------------------
# Values only YAML has: explicit tags, anchors, merge keys, dates, YAML 1.1 booleans.
YAML_VALUES = (
    "!!int abc", "!!float x", "!!bool maybe", "!!timestamp 2001-13-45", "2026-02-30",
    "2026-01-01", "2001-12-14t21:59:43.10-99:00", "&a x", "*nope", "!!binary AAAA",
    "!!binary '%%%'", "!!set {a, b}", "!!omap [1]", "!!map [1]", "!!seq {}", "!!null [1]",
    "!!python/object/apply:os.system ['true']", "{a: 1, a: 2}", "'unterminated", "|\n  block",
    ".inf", ".nan", "0x1F", "0o9", "0b", "~", "yes", "on", "1_000", "190:20:30", "? [a, b]",
    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[x]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
    "\t- x", "\x00", "\x85", "\ufeff", "- a\n- b", "{", "}", "]", "%YAML 2.0",
)


@st.composite
def yaml_with_odd_values(draw) -> bytes:
    """The default protocol with a few of its values replaced by YAML oddities."""
    lines = SEED_YAML.decode("utf-8").split("\n")
    for _ in range(draw(st.integers(1, 3))):
        index = draw(st.integers(0, len(lines) - 1))
        value = draw(st.one_of(st.sampled_from(YAML_VALUES), odd_text(20)))
        key, colon, _ = lines[index].partition(": ")
        lines[index] = f"{key}: {value}" if colon else f"{lines[index]}{value}"
    return "\n".join(lines).encode("utf-8", errors="surrogatepass")


@examples(1.0)
@given(raw=st.one_of(damaged(SEED_YAML), damaged(SEED_JSON), yaml_with_odd_values(),
                     reencoded(SEED_YAML.decode("utf-8"))),
       name=st.sampled_from(("protocol.yaml", "규약 v2.yml", "protocol.json")))
@example(raw=b"", name="protocol.yaml")
@example(raw=b"[" * 5000, name="protocol.yaml")
@example(raw=b"a: " + b"{a: " * 3000 + b"1" + b"}" * 3000, name="protocol.yaml")
@example(raw=b"id: x\x00\n", name="protocol.yaml")
@example(raw=b"id: !!timestamp 2001-13-45\n", name="protocol.yaml")
@example(raw=SEED_YAML, name="protocol.yaml")
def test_damaged_protocol_files_load_or_are_refused_in_one_sentence(tmp_path, raw, name):
    path = tmp_path / name
    path.write_bytes(raw)
    load_or_refuse(path)


# -- data ------------------------------------------------------------------------------------------
PROTOCOL_KEYS = ("id", "version", "title", "languages", "steps", "choice", "questions", "kind",
                 "prompt", "options", "when", "answer", "equals", "in", "label", "en", "ko",
                 "zh", "requires", "explanation_step", "non_completion_reasons", "flags")


ODD_VALUES = st.sampled_from((Deep(40), Deep(1500, "dict"), float("nan"), float("inf"), -0.0,
                             2**64, -(2**63) - 1, "", "en", "yes"))


@examples(1.0)
@given(document=mutated(SEED_SOURCE, extra_values=ODD_VALUES), as_file=st.booleans())
def test_mutated_protocol_data_parses_or_is_refused_in_one_sentence(tmp_path, document,
                                                                    as_file):
    if as_file:
        path = tmp_path / "mutated.json"
        path.write_text(to_json(document), encoding="utf-8")
        load_or_refuse(path)
    else:
        parse_or_refuse(materialise(document), "stored protocol 3f2a")


@st.composite
def generated_documents(draw):
    """Protocol-shaped nonsense: the right keys, any values."""
    keys = st.one_of(st.sampled_from(PROTOCOL_KEYS), odd_text(8))
    values = st.recursive(
        json_values(2),
        lambda children: st.one_of(st.lists(children, max_size=3),
                                   st.dictionaries(keys, children, max_size=5)),
        max_leaves=20)
    document = draw(st.dictionaries(keys, values, max_size=len(PROTOCOL_KEYS)))
    if draw(st.booleans()):
        document = {**SEED_SOURCE, **document}
    return document


@examples(0.8)
@given(document=st.one_of(generated_documents(), json_values()))
@example(document=[])
@example(document=None)
@example(document={"id": Deep(5000)})
def test_generated_protocol_data_parses_or_is_refused_in_one_sentence(document):
    parse_or_refuse(materialise(document), "protocols/000001.jsonl, line 1")


def test_every_refusal_above_could_also_have_been_a_protocol(tmp_path):
    """The seeds are valid, so the tests above see both outcomes."""
    assert load_or_refuse(SEED_PATH).id == SEED_SOURCE["id"]
    path = tmp_path / "seed.json"
    path.write_bytes(SEED_JSON)
    assert load_or_refuse(path).sha256 == default_protocol().sha256
    assert parse_or_refuse(yaml.safe_load(SEED_YAML), "seed").sha256 == default_protocol().sha256


# -- the command line: a damaged protocol sent down by headquarters --------------------------------
@examples(0.15)
@given(document=st.one_of(mutated(SEED_SOURCE, extra_values=ODD_VALUES), generated_documents()))
@example(document={"id": "unc-screening", "version": 9})
@example(document={**SEED_SOURCE, "version": 2**64})  # parsed, then too big for SQLite
@example(document={**SEED_SOURCE, "version": 2, "steps": Deep(3000)})
def test_the_cli_refuses_a_bundle_holding_a_bad_protocol_and_applies_nothing(
        syncing_station, headquarters, tmp_path_factory, capsys, monkeypatch, document):
    services = syncing_station.services
    definition = to_json(document)
    path = signed_bundle(headquarters, tmp_path_factory.mktemp("down"), "TEST-01",
                         station_recipient(services), [
                             ("manifest.json", canonical_json(manifest("TEST-01")).encode()),
                             ("roster/000001.jsonl", jsonl([{"isn": "NK-100900",
                                                             "name_latin": "New Person"}])),
                             ("protocols/000001.jsonl", jsonl([{"definition": definition}])),
                         ])
    before = fingerprint(services)
    result = run_cli(capsys, monkeypatch, syncing_station.data_dir, "sync", "apply", path)
    if result.code == 0:
        outcome("applied")
        return
    outcome("refused")
    assert_cli_refused(result, [path.name, "protocols/000001.jsonl"])
    assert_unchanged_but_sign_ins(services, before)


def test_a_protocol_refused_by_the_service_leaves_the_database_as_it_was(
        syncing_station, headquarters, tmp_path):
    services = syncing_station.services
    path = signed_bundle(headquarters, tmp_path / "down", "TEST-01", station_recipient(services), [
        ("manifest.json", canonical_json(manifest("TEST-01")).encode()),
        ("protocols/000001.jsonl", jsonl([{"definition": to_json(Deep(5000))}])),
    ])
    before = fingerprint(services)
    try:
        services.sync.apply(syncing_station.supervisor, path)
    except UserError as error:
        assert_clear_refusal(error, [path.name, "protocols/000001.jsonl"])
    else:
        raise AssertionError("a protocol nested 5000 deep was applied")
    assert_unchanged(services, before)
