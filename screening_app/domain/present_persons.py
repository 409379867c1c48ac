"""Reading "who is in the room" so that nobody types the interpreter's and the observer's
names twice.

The answer is free text, one person per line, the name and the role in any order:
"Pak Sung-ho, interpreter", "Observer: L. Berg (ICRC)", "통역 박성호". Lines whose role
cannot be told are kept as they are and simply pre-fill nothing.
"""

import re
from dataclasses import dataclass

# Words that name a role, in the languages of the interviews (lower case).
ROLE_WORDS = {
    "interpreter": ("interpreter", "translator", "통역인", "통역원", "통역관", "통역",
                    "翻译员", "翻译", "译员", "口译"),
    "observer": ("observer", "witness", "참관인", "참관", "입회인", "观察员", "观察", "见证人"),
    "interviewer": ("interviewer", "면담관", "면담자", "面谈人员", "面谈员"),
}
_SEPARATORS = re.compile(r"^[\s,;:()\-–—/·]+|[\s,;:()\-–—/·]+$")
_BODY = re.compile(r"\(([^()]+)\)\s*$")


@dataclass(frozen=True)
class PresentPerson:
    name: str
    role: str | None  # interpreter, observer, interviewer, or None when not told
    body: str | None = None  # what follows the name in brackets: "L. Berg (ICRC)"


def parse_present_persons(text: str | None) -> list[PresentPerson]:
    people = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        role, rest = _take_role(line)
        body = None
        match = _BODY.search(rest)
        if match and role == "observer":
            body = match.group(1).strip()
            rest = rest[:match.start()]
        name = _SEPARATORS.sub("", rest).strip()
        if name:
            people.append(PresentPerson(name, role, body))
    return people


def first_with_role(people: list[PresentPerson], role: str) -> PresentPerson | None:
    return next((person for person in people if person.role == role), None)


def _take_role(line: str) -> tuple[str | None, str]:
    """The role named in the line and the line without that word."""
    lowered = line.casefold()
    for role, words in ROLE_WORDS.items():
        for word in words:  # longer words first within each role, so 통역인 beats 통역
            at = lowered.find(word)
            if at >= 0 and _is_word_edge(lowered, at, at + len(word)):
                return role, line[:at] + " " + line[at + len(word):]
    return None, line


def _is_word_edge(text: str, start: int, end: int) -> bool:
    # A Latin role word must stand alone ("interpreter", not "interpreters' hall"); Hangul
    # and Hanzi words are not separated by spaces from a name, so they need no edge.
    if not text[start:end].isascii():
        return True
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not before.isalnum() and not after.isalnum()
