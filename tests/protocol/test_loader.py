"""Loading protocol definitions: the hash, and one clear sentence for every bad definition."""

import copy
import json
from pathlib import Path

import pytest
import yaml

from screening_app.domain.canonical import canonical_json, sha256_hex
from screening_app.domain.errors import UserError
from screening_app.protocol import ProtocolError, load_protocol, parse_protocol
from screening_app.protocol.loader import SCHEMA_PATH, format_path

DATA = Path(__file__).parent / "data"
DEFAULT_FILE = Path(__file__).parents[2] / "forms" / "unc-screening-v1.yaml"

# Step positions in the default protocol, so the mutations below read as what they change.
IDENTITY, PRIVACY, LANGUAGE, EXPLANATION, CHOICE, FIRMNESS, FOLLOWUP, COERCION, SIGNATURES = range(
    9
)


def default_data() -> dict:
    return yaml.safe_load(DEFAULT_FILE.read_text(encoding="utf-8"))


def write_variant(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "variant.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def load_error(path: Path) -> str:
    with pytest.raises(ProtocolError) as caught:
        load_protocol(path)
    message = str(caught.value)
    assert "\n" not in message, "a bad definition is explained in one line"
    assert isinstance(caught.value, UserError)
    return message


# -- the hash --------------------------------------------------------------------------------
def test_sha256_is_the_hash_of_the_canonical_json_of_the_definition():
    protocol = load_protocol(DEFAULT_FILE)
    expected = sha256_hex(
        json.dumps(default_data(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    )
    assert protocol.sha256 == expected
    assert len(protocol.sha256) == 64


def test_sha256_is_stable_across_loads_and_the_stored_json_copy():
    first = load_protocol(DEFAULT_FILE)
    again = load_protocol(DEFAULT_FILE)
    stored = json.loads(canonical_json(first.source))  # what a station keeps in its database
    rebuilt = parse_protocol(stored, "stored protocol")
    assert first.sha256 == again.sha256 == rebuilt.sha256
    assert rebuilt.question("choice").option_ids() == ["enlist", "repatriate"]


def test_changing_one_character_of_a_text_changes_the_sha256(tmp_path):
    data = default_data()
    original = load_protocol(write_variant(tmp_path, data)).sha256
    statement = data["steps"][EXPLANATION]["statement"]
    statement["zh"] = statement["zh"].replace("保密", "保蜜", 1)
    changed = load_protocol(write_variant(tmp_path, data)).sha256
    assert changed != original


def test_parse_protocol_keeps_its_own_copy_of_the_source():
    data = default_data()
    protocol = parse_protocol(data, "in memory")
    data["title"]["en"] = "Changed afterwards"
    assert protocol.source["title"]["en"] != "Changed afterwards"
    assert protocol.title.en != "Changed afterwards"


# -- bad definitions -------------------------------------------------------------------------
def _remove_korean_prompt(data):
    del data["steps"][EXPLANATION]["questions"][0]["prompt"]["ko"]


def _duplicate_question_id(data):
    data["steps"][PRIVACY]["questions"][0]["id"] = "isn_matches"


def _require_later_step(data):
    data["steps"][CHOICE]["requires"] = ["privacy", "language", "signatures"]


def _unknown_stop_reason(data):
    data["steps"][PRIVACY]["questions"][1]["stop_reason"] = "too_noisy"


def _condition_on_unknown_question(data):
    data["steps"][FIRMNESS]["questions"][1]["when"] = {"differs": ["choice", "confirmed_choise"]}


def _unknown_kind(data):
    data["steps"][IDENTITY]["questions"][0]["kind"] = "checkbox"


def _duplicate_step_id(data):
    data["steps"][COERCION]["id"] = "privacy"


def _single_option(data):
    del data["steps"][CHOICE]["questions"][0]["options"][1]


def _condition_on_unknown_option(data):
    data["steps"][FOLLOWUP]["when"] = {"effective_choice": "stay"}


def _condition_on_later_question(data):
    data["steps"][IDENTITY]["questions"][3]["when"] = {"answer": "threatened", "equals": "yes"}


def _unknown_choice_question(data):
    data["choice"]["confirm"] = "reconfirmed_choice"


def _missing_kind(data):
    del data["steps"][LANGUAGE]["questions"][1]["kind"]


def _misspelt_key(data):
    question = data["steps"][COERCION]["questions"][0]
    question["promt"] = question.pop("prompt")


def _undeclared_language(data):
    data["steps"][SIGNATURES]["title"]["ru"] = "Подписи"


def _stop_without_reason(data):
    del data["steps"][LANGUAGE]["questions"][3]["stop_reason"]


def _effective_choice_too_early(data):
    data["steps"][FIRMNESS]["when"] = {"effective_choice": "enlist"}


def _stop_value_not_an_answer(data):
    data["steps"][PRIVACY]["questions"][2]["stop_unless"] = "perhaps"


def _no_english(data):
    data["languages"] = ["ko", "zh"]


def _signature_without_signer(data):
    del data["steps"][SIGNATURES]["questions"][2]["signer"]


def _outcomes(data, **changed):
    outcomes = [{"option": "enlist", "list": "enlisted",
                 "list_title": {"en": "Enlisted", "ko": "입대", "zh": "入伍"}},
                {"option": "repatriate", "list": "repatriated",
                 "list_title": {"en": "Repatriated", "ko": "송환", "zh": "遣返"}}]
    outcomes[1].update(changed)
    data["outcomes"] = outcomes


def _outcome_of_no_option(data):
    _outcomes(data, option="stay")


def _outcome_list_the_program_keeps(data):
    _outcomes(data, list="pending")


def _option_without_outcome(data):
    _outcomes(data)
    del data["outcomes"][1]


def _unknown_skew_option(data):
    data["skew_option"] = "stay"


def _unknown_safety_step(data):
    data["safety_step"] = "threats"


BAD_DEFINITIONS = [
    (
        _remove_korean_prompt,
        "steps[3].questions[0].prompt.ko",
        "the Korean (ko) text is missing; every text needs en, ko, zh.",
    ),
    (
        _duplicate_question_id,
        "steps[1].questions[0].id",
        "the question id 'isn_matches' is already used at steps[0].questions[0].",
    ),
    (
        _require_later_step,
        "steps[4].requires[2]",
        "requires the later step 'signatures'; a step may only require steps before it.",
    ),
    (
        _unknown_stop_reason,
        "steps[1].questions[1].stop_reason",
        "'too_noisy' is not one of the non_completion_reasons",
    ),
    (
        _condition_on_unknown_question,
        "steps[5].questions[1].when.differs[1]",
        "names the unknown question 'confirmed_choise'.",
    ),
    (
        _unknown_kind,
        "steps[0].questions[0].kind",
        "'checkbox' is not allowed; use one of yes_no, single_choice, multi_choice, text, scale,"
        " signature.",
    ),
    (_duplicate_step_id, "steps[7].id", "the step id 'privacy' is already used at steps[1]."),
    (
        _single_option,
        "steps[4].questions[0].options",
        "a choice question needs at least two options.",
    ),
    (
        _condition_on_unknown_option,
        "steps[6].when.effective_choice",
        "'stay' is not an option of 'choice' (enlist, repatriate).",
    ),
    (
        _condition_on_later_question,
        "steps[0].questions[3].when.answer",
        "the question 'threatened' is not asked before this point",
    ),
    (
        _unknown_choice_question,
        "choice.confirm",
        "names the unknown question 'reconfirmed_choice'.",
    ),
    (_missing_kind, "steps[2].questions[1].kind", "the required key 'kind' is missing."),
    (_misspelt_key, "steps[7].questions[0].promt", "unknown key 'promt'"),
    (_undeclared_language, "steps[8].title.ru", "'ru' is not one of the protocol's languages"),
    (
        _stop_without_reason,
        "steps[2].questions[3].stop_unless",
        "'stop_unless' needs 'stop_reason' beside it.",
    ),
    (
        _effective_choice_too_early,
        "steps[5].when",
        "effective_choice can only be used in steps after the one that asks 'confirmed_choice'",
    ),
    (
        _stop_value_not_an_answer,
        "steps[1].questions[2].stop_unless",
        "'perhaps' is not an answer to the yes_no question 'not_overheard'; use yes or no.",
    ),
    (_no_english, "languages", "must include en"),
    (
        _signature_without_signer,
        "steps[8].questions[2].signer",
        "the required key 'signer' is missing.",
    ),
    (_outcome_of_no_option, "outcomes[1].option",
     "'stay' is not an option of the choice question 'choice'."),
    (_outcome_list_the_program_keeps, "outcomes[1].list", "the list name 'pending' is taken."),
    (_option_without_outcome, "outcomes", "the option 'repatriate' of the choice has no"
     " outcome."),
    (_unknown_skew_option, "skew_option", "'stay' is not an option of the choice."),
    (_unknown_safety_step, "safety_step", "names the unknown step 'threats'."),
]


def test_the_protocol_names_its_outcomes_lists_skew_option_and_safety_step(tmp_path):
    """A protocol declares them; one published before the keys existed (the default, v1)
    has them from the vocabulary; another protocol that gives none lists each option under
    its own id and counts its first option."""
    default = load_protocol(DEFAULT_FILE)
    assert [(o.option, o.list_slug) for o in default.outcomes] == [
        ("repatriate", "repatriate"), ("enlist", "removed")]
    assert (default.skew_option, default.safety_step) == ("enlist", "coercion")
    data = default_data()
    _outcomes(data)
    data.update(skew_option="repatriate", safety_step="privacy")
    declared = load_protocol(write_variant(tmp_path, data))
    assert [(o.option, o.list_slug, o.list_title.get("ko")) for o in declared.outcomes] == [
        ("enlist", "enlisted", "입대"), ("repatriate", "repatriated", "송환")]
    assert (declared.skew_option, declared.safety_step) == ("repatriate", "privacy")
    other = default_data()
    other["id"] = "another-protocol"
    plain = load_protocol(write_variant(tmp_path, other))
    assert [(o.option, o.list_slug, o.list_title.en) for o in plain.outcomes] == [
        (option["id"], option["id"], option["label"]["en"])
        for option in other["steps"][CHOICE]["questions"][0]["options"]]
    assert (plain.skew_option, plain.safety_step) == ("enlist", None)


@pytest.mark.parametrize(
    ("mutate", "path", "problem"), BAD_DEFINITIONS, ids=[m.__name__ for m, _, _ in BAD_DEFINITIONS]
)
def test_bad_definition_names_the_file_and_the_place(tmp_path, mutate, path, problem):
    data = default_data()
    mutate(data)
    file = write_variant(tmp_path, data)
    message = load_error(file)
    assert message.startswith(f"{file}: at {path}: "), message
    assert problem in message


def test_not_yaml_gives_line_and_column():
    file = DATA / "not_yaml.yaml"
    message = load_error(file)
    assert message.startswith(f"{file}: not valid YAML at line ")
    assert "column" in message


def test_empty_file_is_one_clear_sentence():
    file = DATA / "empty.yaml"
    assert load_error(file) == (
        f"{file}: the file is empty; a protocol is a YAML mapping with id, version, title,"
        " languages and steps."
    )


def test_a_list_at_the_top_is_refused():
    file = DATA / "list_at_top.yaml"
    assert load_error(file).startswith(f"{file}: the top level must be a mapping of keys")


def test_a_key_given_twice_is_refused_rather_than_silently_overwritten():
    file = DATA / "duplicate_key.yaml"
    assert (
        load_error(file)
        == f"{file}: at line 6, column 3: the key 'ko' appears twice in one mapping."
    )


def test_missing_file():
    file = DATA / "no-such-protocol.yaml"
    assert load_error(file) == f"{file}: no such file."


def test_a_date_in_the_definition_is_refused_with_its_place(tmp_path):
    file = tmp_path / "dated.yaml"
    file.write_text(
        DEFAULT_FILE.read_text(encoding="utf-8").replace(
            "version: 1\n", "version: 1\npublished: 2026-11-27\n", 1
        ),
        encoding="utf-8",
    )
    assert load_error(file) == (
        f"{file}: at published: a date value is not allowed here; put it in quotes to make it text."
    )


def test_stored_protocol_that_is_not_a_mapping():
    with pytest.raises(ProtocolError, match=r"^stored protocol abc: the top level must be"):
        parse_protocol(["not", "a", "protocol"], "stored protocol abc")


def test_unquoted_yes_in_a_rule_means_yes(tmp_path):
    # PyYAML reads `stop_unless: yes` as True; authors should not have to know that.
    data = default_data()
    data["steps"][PRIVACY]["questions"][1]["stop_unless"] = True
    protocol = load_protocol(write_variant(tmp_path, data))
    assert protocol.question("no_other_detainees").stop_unless == "yes"


def test_the_shipped_schema_is_a_valid_draft_2020_12_schema():
    from jsonschema import Draft202012Validator

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_every_top_level_key_is_documented_in_the_schema():
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    for key in default_data():
        assert schema["properties"][key].get("description"), key


def test_format_path():
    assert format_path(("steps", 3, "questions", 0, "prompt", "ko")) == (
        "steps[3].questions[0].prompt.ko"
    )
    assert format_path(()) == "the top level"


def test_all_bad_definitions_leave_the_default_untouched():
    # The mutations work on copies; the shipped file must still load.
    before = copy.deepcopy(default_data())
    assert load_protocol(DEFAULT_FILE).source == before


def test_roles_and_read_backs_of_the_default_protocol():
    """unc-screening v1 predates the role keys: its roles come from protocol/vocabulary.py,
    and what its steps read back follows from its choice configuration."""
    from screening_app.protocol import default_protocol
    from screening_app.protocol.vocabulary import question_with_role

    protocol = default_protocol()
    assert {role: question_with_role(protocol, role).id for role in (
        "present_persons", "interview_language", "interpreter_name", "observer_name",
        "observer_body")} == {"present_persons": "present_persons",
                              "interview_language": "interview_language",
                              "interpreter_name": "interpreter_name",
                              "observer_name": "observer_name",
                              "observer_body": "observer_body"}
    assert protocol.step("firmness").reads_back == "choice"
    assert [s.id for s in protocol.steps if s.shows_declaration] == ["signatures"]
    assert [q.id for q in protocol.questions() if q.thumbprint] == ["person_signature"]


def test_a_protocol_declares_roles_declarations_and_read_backs(tmp_path):
    source = yaml.safe_load(DEFAULT_FILE.read_text(encoding="utf-8"))
    changed = copy.deepcopy(source)
    changed["id"] = "other-protocol"
    language_step = next(s for s in changed["steps"] if s["id"] == "language")
    language_step["questions"][1]["role"] = "interpreter_name"
    signatures = next(s for s in changed["steps"] if s["id"] == "signatures")
    signatures["questions"][1]["thumbprint"] = True
    coercion = next(s for s in changed["steps"] if s["id"] == "coercion")
    coercion["reads_back"] = "choice"
    choice = next(s for s in changed["steps"] if s["id"] == "choice")["questions"][0]
    choice["options"][0]["declaration"] = {"en": "I enlist.", "ko": "입대합니다.",
                                           "zh": "我参军。"}
    protocol = parse_protocol(changed, "other.yaml")
    from screening_app.protocol.declaration import declaration
    from screening_app.protocol.vocabulary import question_with_role

    assert question_with_role(protocol, "interpreter_name").id == "interpreter_name"
    # A protocol that declares roles gets none from the legacy table.
    assert question_with_role(protocol, "observer_name") is None
    assert protocol.question("interpreter_signature").thumbprint
    assert protocol.step("coercion").reads_back == "choice"
    assert declaration(protocol, "enlist", "ko") == "입대합니다."
    assert declaration(protocol, "repatriate", "en").startswith("I have chosen freely")
    twice = copy.deepcopy(changed)
    next(s for s in twice["steps"] if s["id"] == "language")["questions"][4]["role"] = \
        "interpreter_name"
    with pytest.raises(ProtocolError, match="the role 'interpreter_name' is already given"):
        parse_protocol(twice, "twice.yaml")
    wrong_kind = copy.deepcopy(changed)
    next(s for s in wrong_kind["steps"] if s["id"] == "identity")["questions"][0]["role"] = \
        "observer_name"
    with pytest.raises(ProtocolError, match="must be a text question"):
        parse_protocol(wrong_kind, "kind.yaml")
    own = copy.deepcopy(changed)
    next(s for s in own["steps"] if s["id"] == "firmness")["reads_back"] = "confirmed_choice"
    with pytest.raises(ProtocolError, match="is asked in this step"):
        parse_protocol(own, "own.yaml")


def test_aliases_are_refused_before_they_expand(tmp_path):
    """A "billion laughs" file: nine lines that expand to 9^9 strings."""
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [{','.join([f'*{previous}'] * 9)}]")
    path = tmp_path / "laughs.yaml"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(ProtocolError) as caught:
        load_protocol(path)
    assert str(caught.value) == (
        f"{path}: at line 2, column 8: an alias (*a) is not allowed in a protocol file; write"
        " the text out where it is needed.")
