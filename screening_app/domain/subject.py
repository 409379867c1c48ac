"""A person on the station's roster (a "subject" of screening)."""

from dataclasses import asdict, dataclass

# The canonical roster columns, in the order they are stored and shown.
ROSTER_FIELDS: tuple[str, ...] = (
    "isn",
    "name_native",
    "name_latin",
    "nationality",
    "rank",
    "unit",
    "camp",
    "compound",
    "birth_year",
)

# Nationality values met in rosters, mapped to the language of the person's forms.
_LANGUAGE_BY_NATIONALITY = {
    "korean": "ko",
    "north korean": "ko",
    "south korean": "ko",
    "kor": "ko",
    "kp": "ko",
    "kr": "ko",
    "prk": "ko",
    "dprk": "ko",
    "chinese": "zh",
    "chn": "zh",
    "cn": "zh",
    "prc": "zh",
}


@dataclass(frozen=True)
class Subject:
    isn: str
    name_native: str | None = None
    name_latin: str | None = None
    nationality: str | None = None
    rank: str | None = None
    unit: str | None = None
    camp: str | None = None
    compound: str | None = None
    birth_year: int | None = None

    @property
    def display_name(self) -> str:
        names = [n for n in (self.name_native, self.name_latin) if n]
        return " / ".join(names)

    @property
    def language(self) -> str | None:
        """The language of the person's forms ('ko' or 'zh'), from the nationality."""
        return language_for_nationality(self.nationality)

    def as_dict(self) -> dict:
        return asdict(self)


def language_for_nationality(nationality: str | None) -> str | None:
    if not nationality:
        return None
    return _LANGUAGE_BY_NATIONALITY.get(nationality.strip().lower())
