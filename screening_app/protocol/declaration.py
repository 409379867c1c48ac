"""The declaration the person signs: one sentence saying they chose freely, with the choice
in it, in each language of the form.

A protocol may give the sentence itself for each option of the choice (``declaration`` in
the option). Protocols that do not (unc-screening v1) get one built from the option's
label: English and Chinese take the label as a verb phrase ("accept repatriation",
"接受遣返"); Korean turns the label's plain form ("송환을 받아들인다") into "...기로" ("to
accept ..."), and falls back to quoting the label when it is not in that form.

The wizard shows, and the form prints, exactly what ``declaration`` returns; the digest of
those texts is recorded with the person's signature.
"""

from screening_app.domain.canonical import canonical_json, sha256_hex
from screening_app.protocol.definition import Protocol


def declaration(protocol: Protocol, choice: str, language: str) -> str:
    """The sentence the person signs under when ``choice`` is their choice."""
    option = next(o for o in protocol.question(protocol.choice.question).options
                  if o.id == choice)
    if option.declaration is not None:
        return option.declaration.get(language)
    return built_declaration(language, option.label.get(language))


def declarations(protocol: Protocol, choice: str,
                 languages: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """(language, sentence) for each language of the form, in the form's order."""
    return tuple((language, declaration(protocol, choice, language)) for language in languages)


def declaration_sha256(texts: tuple[tuple[str, str], ...]) -> str:
    """The digest recorded with the person's signature: of exactly the texts shown."""
    return sha256_hex(canonical_json([list(pair) for pair in texts]))


def built_declaration(language: str, choice_label: str) -> str:
    if language == "ko":
        return _korean_declaration(choice_label)
    if language == "zh":
        return f"本人出于自己的意愿，自由地选择{choice_label.rstrip('。')}，没有受到任何人的强迫。"
    return (
        "I have chosen freely, of my own will and without being forced by anyone, to"
        f" {_lower_first(choice_label).rstrip('.')}."
    )


def _lower_first(phrase: str) -> str:
    # "Accept repatriation" -> "accept repatriation", but "UNC forces" stays as it is.
    if len(phrase) > 1 and phrase[0].isupper() and phrase[1].islower():
        return phrase[0].lower() + phrase[1:]
    return phrase


_HANGUL_FIRST, _HANGUL_LAST = 0xAC00, 0xD7A3
_FINAL_NIEUN = 4  # index of the final consonant ㄴ in a precomposed Hangul syllable


def _korean_declaration(choice_label: str) -> str:
    stem = _korean_verb_stem(choice_label.strip().rstrip("."))
    if stem:
        return f"본인은 누구의 강요도 받지 않고 스스로의 뜻에 따라 {stem}기로 자유롭게 선택하였습니다."
    return (
        f"본인은 누구의 강요도 받지 않고 스스로의 뜻에 따라 다음과 같이 자유롭게"
        f" 선택하였습니다: {choice_label}"
    )


def _korean_verb_stem(phrase: str) -> str | None:
    """The stem of a plain-form Korean verb phrase: 받아들인다 -> 받아들이, 먹는다 -> 먹."""
    if phrase.endswith("는다") and len(phrase) > 2:
        return phrase[:-2]
    if not phrase.endswith("다") or len(phrase) < 2:
        return None
    syllable = ord(phrase[-2])
    if not _HANGUL_FIRST <= syllable <= _HANGUL_LAST:
        return None
    if (syllable - _HANGUL_FIRST) % 28 != _FINAL_NIEUN:
        return None
    return phrase[:-2] + chr(syllable - _FINAL_NIEUN)
