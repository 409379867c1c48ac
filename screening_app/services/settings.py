"""Station settings: a few values every account at the station shares.

Each has a default, a validator and a one-line description; changing one is an event in
the chain, and an admin's job, except the flags' thresholds, which supervisors (who read
the flags) change too.
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass

from screening_app.domain.accounts import Actor, Role
from screening_app.domain.canonical import utc_now
from screening_app.domain.errors import UserError
from screening_app.domain.messages import gettext as _
from screening_app.protocol import DEFAULT_PROTOCOL_ID
from screening_app.services.authz import require_role
from screening_app.services.protocols import PROTOCOL_SETTING, StationProtocols
from screening_app.store.connection import write_transaction
from screening_app.store.interviews import InterviewRepository
from screening_app.store.settings import SettingsRepository
from screening_app.store.station import Station


@dataclass(frozen=True)
class SettingSpec:
    key: str
    default: str
    description: str
    parse: Callable[[str], str]
    changed_by: tuple[Role, ...] = (Role.ADMIN,)
    # For a value only the station can judge (a protocol it holds): returns it, or raises.
    check_at: Callable[[Station, str], str] | None = None


_REVIEWERS = (Role.SUPERVISOR, Role.ADMIN)


def _page_size(value: str) -> str:
    sizes = {"a4": "A4", "letter": "Letter"}
    if value.strip().lower() not in sizes:
        raise UserError(_("page_size must be A4 or Letter, not {value!r}.").format(value=value))
    return sizes[value.strip().lower()]


def _whole_number(low: int, high: int) -> Callable[[str], str]:
    def parse(value: str) -> str:
        try:
            number = int(value)
        except ValueError:
            number = None
        if number is None or not low <= number <= high:
            raise UserError(_("Expected a whole number from {low} to {high}, not"
                              " {value!r}.").format(low=low, high=high, value=value))
        return str(number)
    return parse


def _time_zone(value: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    value = value.strip()
    if value:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise UserError(_("{value!r} is not a time zone; give one as the IANA database"
                              " names it, such as Asia/Seoul or UTC.").format(
                                  value=value)) from None
    return value


@functools.cache
def system_time_zone() -> str:
    """This computer's time zone, by its IANA name (UTC where the system names none); read
    once a run (tzlocal reads system files)."""
    import tzlocal

    try:
        return tzlocal.get_localzone_name() or "UTC"
    except Exception:  # noqa: BLE001 - an unreadable system setting is not worth a crash
        return "UTC"


def _probability(value: str) -> str:
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if not 0 < number < 1:
        raise UserError(_("Expected a probability between 0 and 1, not {value!r}.").format(
            value=value))
    return repr(number)


def _text(value: str) -> str:
    return value.strip()


def _known_protocol(station: Station, value: str) -> str:
    return StationProtocols(InterviewRepository(station.db, station.review),
                            SettingsRepository(station.db)).check_known(value)


SETTINGS = {
    spec.key: spec
    for spec in (
        SettingSpec(PROTOCOL_SETTING, DEFAULT_PROTOCOL_ID, "the protocol new interviews are"
                    " taken on, by its id (bundled, or published from headquarters); its newest"
                    " version is used", _text, check_at=_known_protocol),
        SettingSpec("page_size", "A4", "paper size of stored choice forms (A4 or Letter)",
                    _page_size),
        SettingSpec("time_zone", "", "the station's time zone (IANA name, such as"
                    " Asia/Seoul): days are counted and shown in it; empty: this computer's",
                    _time_zone),
        SettingSpec("flag_max_prints", "2", "flag a form printed more than this many times",
                    _whole_number(1, 100), _REVIEWERS),
        SettingSpec("flag_skew_min_interviews", "20", "interviews an interviewer or"
                    " interpreter needs before outcome skew is tested", _whole_number(2, 10_000),
                    _REVIEWERS),
        SettingSpec("flag_group_q", "0.05", "flag a pattern when its q-value (the"
                    " false-discovery rate over all of one review's pattern tests) is below"
                    " this", _probability, _REVIEWERS),
        SettingSpec("flag_group_min_shift", "10", "and only when it differs from others in"
                    " the same compounds by at least this many percentage points",
                    _whole_number(1, 100), _REVIEWERS),
        SettingSpec("flag_uniform_min_interviews", "15", "interviews a compound needs on a day"
                    " before the day is tested", _whole_number(2, 10_000), _REVIEWERS),
    )
}


class SettingsService:
    def __init__(self, station: Station):
        self._station = station
        self._db = station.db
        self._stored = SettingsRepository(station.db)

    def get(self, key: str) -> str:
        spec = self._spec(key)
        value = self._stored.value(key)
        return spec.default if value is None else value

    def all(self) -> dict[str, str]:
        return {key: self.get(key) for key in SETTINGS}

    def time_zone(self) -> str:
        """The station's time zone, or this computer's where the station states none."""
        return self.get("time_zone") or system_time_zone()

    def set(self, actor: Actor, key: str, value: str) -> str:
        spec = self._spec(key)
        require_role(actor, *spec.changed_by, action=_("change the setting {key}").format(key=key))
        value = spec.parse(value)
        if spec.check_at is not None:
            value = spec.check_at(self._station, value)
        with write_transaction(self._db):
            self._stored.put(key, value, utc_now(), actor.user_id)
            self._station.events.append("settings.changed", {"key": key, "value": value},
                                        actor_id=actor.user_id)
        return value

    @staticmethod
    def _spec(key: str) -> SettingSpec:
        if key not in SETTINGS:
            raise UserError(_("Unknown setting {key!r}; known: {known}.").format(
                key=key, known=", ".join(SETTINGS)))
        return SETTINGS[key]
