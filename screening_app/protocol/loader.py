"""Reading protocol definitions: YAML form files, or the JSON copy stored with interviews.

A definition passes two checks before it becomes a ``Protocol``: the JSON Schema in
``schema.json`` (shapes and types) and the checks below it (ids, references and
translations). Every problem is one sentence naming the file and the place inside it,
such as ``forms/x.yaml: at steps[3].questions[0].prompt.ko: the Korean (ko) text is
missing.``
"""

import copy
import dataclasses
import functools
import json
from collections.abc import Hashable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import yaml

if TYPE_CHECKING:  # jsonschema is imported when a protocol is first loaded, not at start
    from jsonschema import Draft202012Validator, ValidationError

from screening_app.bundled import forms_dir
from screening_app.protocol.definition import (
    ChoiceConfig,
    Condition,
    Option,
    Outcome,
    Protocol,
    ProtocolError,
    Question,
    Reason,
    Step,
    Text,
    protocol_sha256,
)
from screening_app.protocol.kinds import CHOICE_KINDS, KIND_KEYS, kinds_taking
from screening_app.protocol.vocabulary import (
    PROGRAM_LISTS,
    legacy_choice_vocabulary,
    legacy_flag_explanations,
    legacy_multiline,
    legacy_roles,
)

DEFAULT_PROTOCOL_ID = "unc-screening"
SCHEMA_PATH = Path(__file__).with_name("schema.json")
LANGUAGE_NAMES = {"en": "English", "ko": "Korean", "zh": "Chinese"}

PathParts = tuple[str | int, ...]
# Far deeper than any definition goes (steps[2].questions[0].when.in[1] is 6 levels); a
# limit keeps a hostile document from exhausting the stack of the checks below.
MAX_NESTING = 32


# -- entry points ------------------------------------------------------------------------
def load_protocol(path: str | Path) -> Protocol:
    """Read, validate and build the protocol in a YAML (or JSON) file."""
    source_name = str(path)
    data = _read_yaml(Path(path), source_name)
    return parse_protocol(data, source_name)


def parse_protocol(data: Any, source_name: str) -> Protocol:
    """Validate and build a protocol from its plain-data form. ``source_name`` names it in
    error messages (a file path, or for example "stored protocol 3f2a...")."""
    if not isinstance(data, dict):
        raise ProtocolError(
            f"{source_name}: the top level must be a mapping of keys (id, version, title,"
            f" languages, steps, ...), not {_describe_type(data)}."
        )
    _check_plain_data(data, (), source_name)
    _check_schema(data, source_name)
    return _ProtocolBuilder(copy.deepcopy(data), source_name).build()


def available_protocols() -> list[Protocol]:
    """Every protocol bundled in forms/, ordered by id and version."""
    return list(_bundled_protocols())


def default_protocol() -> Protocol:
    """The newest bundled version of the default protocol."""
    versions = [p for p in _bundled_protocols() if p.id == DEFAULT_PROTOCOL_ID]
    if not versions:
        raise ProtocolError(
            f"{forms_dir()}: no {DEFAULT_PROTOCOL_ID} protocol is there; the installation is"
            " incomplete."
        )
    return max(versions, key=lambda protocol: protocol.version)


@functools.cache
def _bundled_protocols() -> tuple[Protocol, ...]:
    folder = forms_dir()
    paths = sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml"))
    seen: dict[tuple[str, int], Path] = {}
    protocols = []
    for path in paths:
        protocol = load_protocol(path)
        key = (protocol.id, protocol.version)
        if key in seen:
            raise ProtocolError(
                f"{path}: {protocol.label} is also defined in {seen[key].name}; each published"
                " change needs a new version number."
            )
        seen[key] = path
        protocols.append(protocol)
    return tuple(sorted(protocols, key=lambda p: (p.id, p.version)))


# -- reading YAML ------------------------------------------------------------------------
class _StrictYamlLoader(yaml.SafeLoader):
    """SafeLoader that refuses a key given twice in one mapping: PyYAML would silently keep
    the last one, and a translation or rule could vanish without anyone noticing. It also
    refuses aliases (``*name``): a protocol has no use for them, and a few lines of nested
    aliases expand to billions of nodes (a "billion laughs" file took over a minute)."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.constructor.ConstructorError(
                None, None, f"an alias (*{event.anchor}) is not allowed in a protocol file;"
                " write the text out where it is needed", event.start_mark)
        return super().compose_node(parent, index)

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        # PyYAML's constructors raise bare ValueError, KeyError... for a value that does not
        # fit its explicit tag (!!int abc, !!timestamp 2001-13-45); give it its place.
        try:
            return super().construct_object(node, deep)
        except (ValueError, TypeError, KeyError, IndexError, AttributeError):
            kind = node.tag.rsplit(":", 1)[-1]
            shown = f" {node.value[:40]!r}" if isinstance(node, yaml.ScalarNode) else ""
            raise yaml.constructor.ConstructorError(
                None, None, f"the value{shown} is not a valid {kind}", node.start_mark
            ) from None


def _construct_mapping_without_duplicates(loader: yaml.SafeLoader, node: yaml.MappingNode):
    loader.flatten_mapping(node)
    keys = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if isinstance(key, Hashable):
            if key in keys:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"the key {key!r} appears twice in one mapping",
                    key_node.start_mark,
                )
            keys.add(key)
    return loader.construct_mapping(node)


_StrictYamlLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping_without_duplicates
)


def _read_yaml(path: Path, source_name: str) -> Any:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ProtocolError(f"{source_name}: no such file.") from None
    except UnicodeDecodeError:
        raise ProtocolError(f"{source_name}: not UTF-8 text; save the file as UTF-8.") from None
    except OSError as error:
        raise ProtocolError(f"{source_name}: cannot be read ({error.strerror}).") from None
    try:
        data = yaml.load(text, Loader=_StrictYamlLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as error:
        raise ProtocolError(_yaml_error_sentence(source_name, error)) from None
    except yaml.reader.ReaderError as error:
        line = text.count("\n", 0, error.position) + 1
        column = error.position - text.rfind("\n", 0, error.position)
        raise ProtocolError(
            f"{source_name}: not valid YAML at line {line}, column {column}: the character"
            f" U+{error.character:04X} is not allowed in YAML."
        ) from None
    except yaml.YAMLError as error:
        detail = " ".join(str(error).split())
        raise ProtocolError(f"{source_name}: not valid YAML ({detail}).") from None
    except RecursionError:
        raise ProtocolError(
            f"{source_name}: nested too deeply (more than {MAX_NESTING} levels) to be a"
            " protocol definition."
        ) from None
    if data is None:
        raise ProtocolError(
            f"{source_name}: the file is empty; a protocol is a YAML mapping with id, version,"
            " title, languages and steps."
        )
    return data


def _yaml_error_sentence(source_name: str, error: yaml.MarkedYAMLError) -> str:
    mark = error.problem_mark or error.context_mark
    where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "an unknown place"
    problem = (error.problem or error.context or "unreadable").rstrip(".")
    if isinstance(error, yaml.constructor.ConstructorError):
        return f"{source_name}: at {where}: {problem}."
    return f"{source_name}: not valid YAML at {where}: {problem}."


# -- plain data and schema -----------------------------------------------------------------
def _check_plain_data(value: Any, path: PathParts, source_name: str) -> None:
    """Only JSON types may appear: the definition is hashed and stored as canonical JSON."""
    if len(path) > MAX_NESTING:
        raise ProtocolError(
            f"{source_name}: at {format_path(path[:MAX_NESTING])}: nested more than"
            f" {MAX_NESTING} levels deep, deeper than any protocol key."
        )
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise ProtocolError(
                    f"{source_name}: at {format_path(path)}: the key {key!r} is not text;"
                    " put it in quotes."
                )
            _check_plain_data(key, (*path, key), source_name)
            _check_plain_data(item, (*path, key), source_name)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_plain_data(item, (*path, index), source_name)
    elif isinstance(value, str) and not _is_whole_text(value):
        raise ProtocolError(
            f"{source_name}: at {format_path(path)}: the text holds half a character (an"
            " escape such as \\ud800 without its pair); write the character itself."
        )
    elif not isinstance(value, str | int | float | bool) and value is not None:
        raise ProtocolError(
            f"{source_name}: at {format_path(path)}: a {type(value).__name__} value is not"
            " allowed here; put it in quotes to make it text."
        )


def _is_whole_text(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@functools.cache
def _schema_validator() -> "Draft202012Validator":
    from jsonschema import Draft202012Validator

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def _check_schema(data: dict, source_name: str) -> None:
    # Stable order: by place; at one place an unknown key comes first, because a misspelt
    # key is usually also why a required key looks missing.
    errors = sorted(
        _schema_validator().iter_errors(data),
        key=lambda error: (
            _path_sort_key(error.absolute_path),
            error.validator != "additionalProperties",
            error.message,
        ),
    )
    if errors:
        first = errors[0]
        path, problem = _schema_error_sentence(first)
        raise ProtocolError(f"{source_name}: at {format_path(path)}: {problem}")


def _path_sort_key(path) -> tuple:
    return tuple((0, part, "") if isinstance(part, int) else (1, 0, part) for part in path)


def _schema_error_sentence(error: "ValidationError") -> tuple[PathParts, str]:
    """Turn a jsonschema error into (place, plain sentence)."""
    path: PathParts = tuple(error.absolute_path)
    instance = error.instance
    rule = error.validator_value
    match error.validator:
        case "required":
            missing = next(key for key in rule if key not in instance)
            return (*path, missing), f"the required key {missing!r} is missing."
        case "additionalProperties":
            allowed = sorted(error.schema.get("properties", {}))
            unknown = sorted(key for key in instance if key not in allowed)
            return (*path, unknown[0]), (
                f"unknown key {unknown[0]!r}; the keys allowed here are {', '.join(allowed)}."
            )
        case "dependentRequired":
            for key, needed in rule.items():
                absent = [n for n in needed if key in instance and n not in instance]
                if absent:
                    return (*path, key), f"{key!r} needs {absent[0]!r} beside it."
        case "enum":
            return path, f"{instance!r} is not allowed; use one of {', '.join(map(str, rule))}."
        case "type":
            wanted = rule if isinstance(rule, list) else [rule]
            return path, (
                f"must be {' or '.join(_TYPE_WORDS[t] for t in wanted)},"
                f" not {_describe_type(instance)}."
            )
        case "pattern":
            return path, _pattern_sentence(instance, rule)
        case "minItems":
            return path, f"needs at least {rule} item{'s' if rule != 1 else ''}."
        case "maxItems":
            return path, f"may have at most {rule} items."
        case "minProperties" | "minLength":
            return path, "must not be empty."
        case "minimum":
            return path, f"must be at least {rule}."
        case "maximum":
            return path, f"must be at most {rule}."
        case "uniqueItems":
            return path, "lists the same value more than once."
    return path, error.message.rstrip(".") + "."


_TYPE_WORDS = {
    "string": "text",
    "integer": "a whole number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping of keys",
    "number": "a number",
}


def _pattern_sentence(value: str, pattern: str) -> str:
    if pattern == "^[a-z]{2,3}$":
        return f"{value!r} is not a language code (two or three lower-case letters, like en)."
    return (
        f"{value!r} is not a valid id (lower-case letters, digits, '_' and '-', starting with"
        " a letter)."
    )


def _describe_type(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f"the text {value!r}"
    if value is None:
        return "empty"
    return f"{value!r}"


def format_path(path: PathParts) -> str:
    """``("steps", 3, "questions", 0, "prompt", "ko")`` -> ``steps[3].questions[0].prompt.ko``."""
    if not path:
        return "the top level"
    text = ""
    for part in path:
        if isinstance(part, str) and not (part and part.isprintable()):
            part = repr(part)  # a key such as "\r" must not break the one-line message
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


# -- the checks jsonschema cannot do, while building the frozen protocol -----------------------
class _ProtocolBuilder:
    """Builds the protocol in document order and stops at the first problem."""

    def __init__(self, data: dict, source_name: str):
        self.data = data
        self.source_name = source_name
        self.languages: tuple[str, ...] = tuple(data["languages"])
        self.reason_ids: set[str] = set()
        self.flag_ids: set[str] = set()
        # Questions built so far (so conditions can only read earlier answers).
        self.questions: dict[str, Question] = {}
        self.question_paths: dict[str, PathParts] = {}
        # Where every question sits, from a first pass: tells "later" from "unknown".
        self.all_question_steps: dict[str, int] = {}
        for step_index, step in enumerate(data["steps"]):
            for question in step["questions"]:
                self.all_question_steps.setdefault(question["id"], step_index)
        self.all_step_ids = [step["id"] for step in data["steps"]]
        # A protocol that declares no roles may be one published before roles existed.
        declares_roles = any("role" in question for step in data["steps"]
                             for question in step["questions"])
        self.legacy_roles = {} if declares_roles else legacy_roles(data["id"])
        self.legacy_multiline = legacy_multiline(data["id"])
        self.legacy_flag_explanations = legacy_flag_explanations(data["id"])
        self.roles_taken: dict[str, PathParts] = {}

    def fail(self, path: PathParts, problem: str) -> NoReturn:
        raise ProtocolError(f"{self.source_name}: at {format_path(path)}: {problem}")

    def build(self) -> Protocol:
        data = self.data
        if "en" not in self.languages:
            self.fail(("languages",), "must include en, the language every text falls back to.")
        title = self.text(data["title"], ("title",))
        reasons = self.labelled_list("non_completion_reasons", self.reason_ids)
        flag_kinds = self.labelled_list("flags", self.flag_ids)
        choice = self.choice_references()
        steps: list[Step] = []
        for index, raw_step in enumerate(data["steps"]):
            steps.append(self.step(raw_step, index, steps))
        self.check_choice_questions(choice)
        if data["explanation_step"] not in self.all_step_ids:
            self.fail(
                ("explanation_step",), f"names the unknown step {data['explanation_step']!r}."
            )
        # Keys a protocol published before they existed takes from the vocabulary.
        given = {**legacy_choice_vocabulary(data["id"]), **{
            key: data[key] for key in ("outcomes", "skew_option", "safety_step") if key in data}}
        outcomes = self.outcomes(given.get("outcomes"), choice)
        # With two options either tells the same; by default, the first.
        options = self.questions[choice.question].option_ids()
        skew_option = given.get("skew_option", options[0])
        if skew_option not in options:
            self.fail(("skew_option",), f"{skew_option!r} is not an option of the choice.")
        safety_step = given.get("safety_step")
        if safety_step is not None and safety_step not in self.all_step_ids:
            self.fail(("safety_step",), f"names the unknown step {safety_step!r}.")
        return Protocol(
            id=data["id"],
            version=int(data["version"]),
            title=title,
            languages=self.languages,
            steps=tuple(steps),
            non_completion_reasons=reasons,
            flag_kinds=flag_kinds,
            choice=choice,
            minimum_duration_seconds=int(data["minimum_duration_seconds"]),
            minimum_explanation_seconds=int(data["minimum_explanation_seconds"]),
            explanation_step=data["explanation_step"],
            outcomes=outcomes,
            skew_option=skew_option,
            safety_step=safety_step,
            source=data,
            sha256=protocol_sha256(data),
        )

    # texts and labelled lists
    def text(self, value: dict[str, str], path: PathParts) -> Text:
        for language in value:
            if language not in self.languages:
                self.fail(
                    (*path, language),
                    f"{language!r} is not one of the protocol's languages"
                    f" ({', '.join(self.languages)}).",
                )
        for language in self.languages:
            if language not in value:
                name = LANGUAGE_NAMES.get(language, language)
                self.fail(
                    (*path, language),
                    f"the {name} ({language}) text is missing; every text needs"
                    f" {', '.join(self.languages)}.",
                )
            if not value[language].strip():
                self.fail((*path, language), "the text is blank.")
        return Text(tuple((language, value[language]) for language in self.languages))

    def labelled_list(self, key: str, ids: set[str]) -> tuple[Reason, ...]:
        items = []
        for index, raw in enumerate(self.data[key]):
            if raw["id"] in ids:
                self.fail((key, index, "id"), f"the id {raw['id']!r} is listed twice.")
            ids.add(raw["id"])
            explanation = None
            if "explanation" in raw:
                explanation = self.text(raw["explanation"], (key, index, "explanation"))
            elif key == "flags" and raw["id"] in self.legacy_flag_explanations:
                explanation = Text.from_dict(self.legacy_flag_explanations[raw["id"]])
            items.append(Reason(raw["id"], self.text(raw["label"], (key, index, "label")),
                                explanation))
        return tuple(items)

    # the choice configuration
    def choice_references(self) -> ChoiceConfig:
        raw = self.data["choice"]
        for key in ("question", "confirm", "resolve"):
            if raw[key] not in self.all_question_steps:
                self.fail(("choice", key), f"names the unknown question {raw[key]!r}.")
        return ChoiceConfig(raw["question"], raw["confirm"], raw["resolve"])

    def check_choice_questions(self, choice: ChoiceConfig) -> None:
        order = list(self.questions)
        asked = self.questions[choice.question]
        if asked.kind != "single_choice":
            self.fail(("choice", "question"), f"{asked.id!r} must be a single_choice question.")
        for key in ("confirm", "resolve"):
            question = self.questions[getattr(choice, key)]
            if question.kind != "single_choice" or set(question.option_ids()) != set(
                asked.option_ids()
            ):
                self.fail(
                    ("choice", key),
                    f"{question.id!r} must be a single_choice question with the same options as"
                    f" {asked.id!r} (use options_from: {asked.id}).",
                )
        if (
            not order.index(choice.question)
            < order.index(choice.confirm)
            < order.index(choice.resolve)
        ):
            self.fail(
                ("choice",), "the choice must be asked before confirm, and confirm before resolve."
            )

    def outcomes(self, raw: list | None, choice: ChoiceConfig) -> tuple[Outcome, ...]:
        """Each option of the choice with its list: as declared (every option once), or
        each option's list named by the option."""
        asked = self.questions[choice.question]
        if raw is None:
            return tuple(Outcome(option.id, option.id, option.label) for option in asked.options)
        outcomes: list[Outcome] = []
        for index, entry in enumerate(raw):
            path = ("outcomes", index)
            if entry["option"] not in asked.option_ids():
                self.fail(path + ("option",), f"{entry['option']!r} is not an option of the"
                          f" choice question {asked.id!r}.")
            if entry["option"] in {outcome.option for outcome in outcomes}:
                self.fail(path + ("option",), f"{entry['option']!r} is given twice.")
            if entry["list"] in PROGRAM_LISTS | {outcome.list_slug for outcome in outcomes}:
                self.fail(path + ("list",), f"the list name {entry['list']!r} is taken.")
            outcomes.append(Outcome(entry["option"], entry["list"],
                                    self.text(entry["list_title"], path + ("list_title",))))
        missing = [option for option in asked.option_ids()
                   if option not in {outcome.option for outcome in outcomes}]
        if missing:
            self.fail(("outcomes",), f"the option {missing[0]!r} of the choice has no outcome.")
        return tuple(outcomes)

    def effective_choice_step(self) -> int:
        """Steps after this index may use effective_choice: it is known once the steps holding
        the confirmation and the resolution are complete."""
        choice = self.data["choice"]
        return max(
            self.all_question_steps[choice["confirm"]], self.all_question_steps[choice["resolve"]]
        )

    # steps
    def step(self, raw: dict, index: int, earlier: list[Step]) -> Step:
        path: PathParts = ("steps", index)
        earlier_ids = [step.id for step in earlier]
        if raw["id"] in earlier_ids:
            first = earlier_ids.index(raw["id"])
            self.fail(
                (*path, "id"), f"the step id {raw['id']!r} is already used at steps[{first}]."
            )
        title = self.text(raw["title"], (*path, "title"))
        statement = None
        if "statement" in raw:
            statement = self.text(raw["statement"], (*path, "statement"))
        for position, required_id in enumerate(raw.get("requires", [])):
            where = (*path, "requires", position)
            if required_id == raw["id"]:
                self.fail(where, "a step cannot require itself.")
            if required_id not in earlier_ids:
                if required_id in self.all_step_ids:
                    self.fail(
                        where,
                        f"requires the later step {required_id!r}; a step may only"
                        " require steps before it.",
                    )
                self.fail(where, f"requires the unknown step {required_id!r}.")
        when = None
        if "when" in raw:
            when = self.condition(raw["when"], (*path, "when"), index)
        questions = tuple(
            self.question(raw_question, (*path, "questions", position), index)
            for position, raw_question in enumerate(raw["questions"])
        )
        return Step(raw["id"], title, questions, statement, tuple(raw.get("requires", [])), when,
                    reads_back=self.reads_back(raw, path, questions),
                    shows_declaration=raw.get("shows_declaration", any(
                        q.kind == "signature" and q.signer == "person" for q in questions)),
                    printed=raw.get("printed", False))

    def reads_back(self, raw: dict, path: PathParts, questions: tuple[Question, ...]) -> str | None:
        """The question whose answer the step reads back; by default the step that asks the
        choice again reads back the first answer."""
        if "reads_back" in raw:
            read = raw["reads_back"]
            if any(question.id == read for question in questions):
                self.fail((*path, "reads_back"),
                          f"{read!r} is asked in this step; a step reads back an earlier answer.")
            self.earlier_question(read, (*path, "reads_back"))
            return read
        confirm = self.data["choice"]["confirm"]
        if any(question.id == confirm for question in questions):
            return self.data["choice"]["question"]
        return None

    def role(self, raw: dict, path: PathParts) -> str | None:
        role = raw.get("role", self.legacy_roles.get(raw["id"]))
        if role is None:
            return None
        if role in self.roles_taken:
            self.fail((*path, "role"), f"the role {role!r} is already given to the question at"
                      f" {format_path(self.roles_taken[role])}.")
        self.roles_taken[role] = path
        expected = {"interview_language": "single_choice"}.get(role, "text")
        if raw["kind"] != expected:
            self.fail((*path, "role"), f"a question with the role {role!r} must be a {expected}"
                      " question.")
        return role

    # questions
    def question(self, raw: dict, path: PathParts, step_index: int) -> Question:
        question_id, kind = raw["id"], raw["kind"]
        if question_id in self.questions:
            first = format_path(self.question_paths[question_id])
            self.fail((*path, "id"), f"the question id {question_id!r} is already used at {first}.")
        prompt = self.text(raw["prompt"], (*path, "prompt"))
        options = self.options(raw, path)
        self.check_keys_fit_kind(raw, path)
        question = Question(
            id=question_id,
            kind=kind,
            prompt=prompt,
            required=raw.get("required", True),
            options=options,
            options_from=raw.get("options_from"),
            randomise=raw.get("randomise", False),
            signer=raw.get("signer"),
            min=raw.get("min"),
            max=raw.get("max"),
            min_label=self.text(raw["min_label"], (*path, "min_label"))
            if "min_label" in raw
            else None,
            max_label=self.text(raw["max_label"], (*path, "max_label"))
            if "max_label" in raw
            else None,
            role=self.role(raw, path),
            multiline=raw.get("multiline", question_id in self.legacy_multiline),
            # Only the person interviewed may give a thumbprint unless the protocol says.
            thumbprint=raw.get("thumbprint", raw.get("signer") == "person"),
        )
        if kind == "scale" and question.min >= question.max:
            self.fail((*path, "max"), f"must be greater than min ({question.min}).")
        rules: dict[str, Any] = {}
        for key in ("stop_unless", "flag_if", "must_be"):
            if key in raw:
                rules[key] = self.answer_value(question, raw[key], (*path, key), key)
        if "stop_reason" in raw and raw["stop_reason"] not in self.reason_ids:
            self.fail(
                (*path, "stop_reason"),
                f"{raw['stop_reason']!r} is not one of the"
                f" non_completion_reasons ({', '.join(sorted(self.reason_ids))}).",
            )
        if "flag" in raw and raw["flag"] not in self.flag_ids:
            self.fail(
                (*path, "flag"),
                f"{raw['flag']!r} is not one of the flags ({', '.join(sorted(self.flag_ids))}).",
            )
        when = None
        if "when" in raw:
            when = self.condition(raw["when"], (*path, "when"), step_index)
        question = dataclasses.replace(
            question, **rules, when=when, stop_reason=raw.get("stop_reason"), flag=raw.get("flag")
        )
        self.questions[question_id] = question
        self.question_paths[question_id] = path
        return question

    def options(self, raw: dict, path: PathParts) -> tuple[Option, ...]:
        if raw["kind"] not in CHOICE_KINDS:
            return ()
        if "options" in raw and "options_from" in raw:
            self.fail(path, "a question takes options or options_from, not both.")
        if "options_from" in raw:
            source_id = raw["options_from"]
            source = self.questions.get(source_id)
            if source is None:
                self.fail((*path, "options_from"), self.unasked_question(source_id))
            if not source.has_options or source.options_from:
                self.fail(
                    (*path, "options_from"),
                    f"{source_id!r} is not a choice question with its own options.",
                )
            if raw.get("randomise"):
                self.fail(
                    (*path, "randomise"),
                    f"options_from questions show the options in"
                    f" the order {source_id!r} showed them, so randomise is not used.",
                )
            return source.options
        if "options" not in raw:
            self.fail(path, f"a {raw['kind']} question needs options (or options_from).")
        if len(raw["options"]) < 2:
            self.fail((*path, "options"), "a choice question needs at least two options.")
        options, ids = [], set()
        for index, raw_option in enumerate(raw["options"]):
            where = (*path, "options", index)
            if raw_option["id"] in ids:
                self.fail((*where, "id"), f"the option id {raw_option['id']!r} is listed twice.")
            ids.add(raw_option["id"])
            declaration = None
            if "declaration" in raw_option:
                declaration = self.text(raw_option["declaration"], (*where, "declaration"))
            options.append(Option(raw_option["id"],
                                  self.text(raw_option["label"], (*where, "label")), declaration))
        return tuple(options)

    def check_keys_fit_kind(self, raw: dict, path: PathParts) -> None:
        kind = raw["kind"]
        for key in KIND_KEYS:
            kinds = kinds_taking(key)
            if key in raw and kind not in kinds:
                self.fail((*path, key), f"{key!r} is only for {' and '.join(kinds)} questions.")

    # answer values in rules and conditions
    def answer_value(self, question: Question, value: Any, path: PathParts, use: str) -> Any:
        """Check a value some answer to ``question`` could have; return it normalised."""
        if question.kind == "yes_no":
            if isinstance(value, bool):
                return "yes" if value else "no"
            if value in ("yes", "no"):
                return value
            self.fail(
                path,
                f"{value!r} is not an answer to the yes_no question"
                f" {question.id!r}; use yes or no.",
            )
        if question.kind in CHOICE_KINDS:
            if value in question.option_ids():
                return value
            self.fail(
                path,
                f"{value!r} is not an option of {question.id!r}"
                f" ({', '.join(question.option_ids())}).",
            )
        if question.kind == "scale":
            is_number = isinstance(value, int) and not isinstance(value, bool)
            if is_number and question.min <= value <= question.max:
                return value
            self.fail(
                path,
                f"{value!r} is not on the scale of {question.id!r}"
                f" ({question.min} to {question.max}).",
            )
        self.fail(path, f"{use} cannot be used with the {question.kind} question {question.id!r}.")

    # conditions
    def condition(self, raw: dict, path: PathParts, step_index: int) -> Condition:
        keys = set(raw)
        if "answer" in keys:
            tests = keys & {"equals", "in", "contains"}
            if len(tests) != 1 or keys - {"answer", "equals", "in", "contains"}:
                self.fail(
                    path,
                    "a condition on an answer needs exactly one of equals, in or"
                    " contains beside it.",
                )
            question = self.earlier_question(raw["answer"], (*path, "answer"))
            if "equals" in raw:
                if question.kind == "multi_choice":
                    self.fail(
                        (*path, "equals"),
                        f"{question.id!r} is a multi_choice question; use contains.",
                    )
                return Condition(
                    answer=question.id,
                    equals=self.answer_value(question, raw["equals"], (*path, "equals"), "equals"),
                )
            if "in" in raw:
                values = tuple(
                    self.answer_value(question, value, (*path, "in", index), "in")
                    for index, value in enumerate(raw["in"])
                )
                return Condition(answer=question.id, in_=values)
            if question.kind != "multi_choice":
                self.fail(
                    (*path, "contains"),
                    f"contains is for multi_choice questions; {question.id!r} is {question.kind}.",
                )
            return Condition(
                answer=question.id,
                contains=self.answer_value(
                    question, raw["contains"], (*path, "contains"), "contains"
                ),
            )
        if keys == {"effective_choice"}:
            if step_index <= self.effective_choice_step():
                self.fail(
                    path,
                    "effective_choice can only be used in steps after the one"
                    f" that asks {self.data['choice']['confirm']!r} and"
                    f" {self.data['choice']['resolve']!r}.",
                )
            chosen = self.questions[self.data["choice"]["question"]]
            value = self.answer_value(
                chosen, raw["effective_choice"], (*path, "effective_choice"), "effective_choice"
            )
            return Condition(effective_choice=value)
        if keys == {"differs"}:
            first, second = raw["differs"]
            if first == second:
                self.fail((*path, "differs"), "names the same question twice.")
            self.earlier_question(first, (*path, "differs", 0))
            self.earlier_question(second, (*path, "differs", 1))
            return Condition(differs=(first, second))
        self.fail(
            path,
            "a condition is one of {answer, equals}, {answer, in}, {answer,"
            " contains}, {effective_choice} or {differs: [q1, q2]}.",
        )

    def earlier_question(self, question_id: str, path: PathParts) -> Question:
        if question_id not in self.questions:
            self.fail(path, self.unasked_question(question_id))
        return self.questions[question_id]

    def unasked_question(self, question_id: str) -> str:
        if question_id in self.all_question_steps:
            return (
                f"the question {question_id!r} is not asked before this point; only earlier"
                " answers can be used here."
            )
        return f"names the unknown question {question_id!r}."
