"""Station settings: a few values every account at the station shares.

Each has a default, a validator and a one-line description; changing one is an admin's
job and an event in the chain.
"""

from collections.abc import Callable
from dataclasses import dataclass

from screening_app.domain.accounts import Actor, Role
from screening_app.domain.canonical import utc_now
from screening_app.domain.errors import UserError
from screening_app.services.authz import require_role
from screening_app.store.connection import write_transaction
from screening_app.store.station import Station


@dataclass(frozen=True)
class SettingSpec:
    key: str
    default: str
    description: str
    parse: Callable[[str], str]


def _page_size(value: str) -> str:
    sizes = {"a4": "A4", "letter": "Letter"}
    if value.strip().lower() not in sizes:
        raise UserError(f"page_size must be A4 or Letter, not {value!r}.")
    return sizes[value.strip().lower()]


def _whole_number(low: int, high: int) -> Callable[[str], str]:
    def parse(value: str) -> str:
        try:
            number = int(value)
        except ValueError:
            number = None
        if number is None or not low <= number <= high:
            raise UserError(f"Expected a whole number from {low} to {high}, not {value!r}.")
        return str(number)
    return parse


def _probability(value: str) -> str:
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if not 0 < number < 1:
        raise UserError(f"Expected a probability between 0 and 1, not {value!r}.")
    return repr(number)


SETTINGS = {
    spec.key: spec
    for spec in (
        SettingSpec("page_size", "A4", "paper size of stored choice forms (A4 or Letter)",
                    _page_size),
        SettingSpec("flag_max_prints", "2", "flag a form printed more than this many times",
                    _whole_number(1, 100)),
        SettingSpec("flag_skew_min_interviews", "20", "interviews an interviewer or"
                    " interpreter needs before outcome skew is tested", _whole_number(2, 10_000)),
        SettingSpec("flag_skew_alpha", "0.001", "how unlikely by chance a skew must be to be"
                    " flagged (exact binomial test)", _probability),
        SettingSpec("flag_uniform_min_interviews", "15", "interviews a compound needs on a day"
                    " before a uniform answer is flagged", _whole_number(2, 10_000)),
    )
}


class SettingsService:
    def __init__(self, station: Station):
        self._station = station
        self._db = station.db

    def get(self, key: str) -> str:
        spec = self._spec(key)
        row = self._db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
        return row[0] if row else spec.default

    def all(self) -> dict[str, str]:
        return {key: self.get(key) for key in SETTINGS}

    def set(self, actor: Actor, key: str, value: str) -> str:
        require_role(actor, Role.ADMIN, action="change station settings")
        value = self._spec(key).parse(value)
        with write_transaction(self._db):
            self._db.execute(
                "INSERT INTO settings (key, value, updated_at, updated_by) VALUES (?, ?, ?, ?)"
                " ON CONFLICT(key) DO UPDATE SET value = excluded.value,"
                " updated_at = excluded.updated_at, updated_by = excluded.updated_by",
                [key, value, utc_now(), actor.user_id],
            )
            self._station.events.append("settings.changed", {"key": key, "value": value},
                                        actor_id=actor.user_id)
        return value

    @staticmethod
    def _spec(key: str) -> SettingSpec:
        if key not in SETTINGS:
            raise UserError(f"Unknown setting {key!r}; known: {', '.join(SETTINGS)}.")
        return SETTINGS[key]
