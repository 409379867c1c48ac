"""Every role-guarded service call, made as each role that may not make it: refused with
the authorisation error, and nothing written (no row, no event, no file).

The checks live in the services, so the GUI and the CLI cannot forget one; this table
calls the services directly, the way any front end would."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pytest

from screening_app.domain.accounts import Actor, Role
from screening_app.domain.errors import PermissionDenied
from screening_app.protocol.examples import complete_answers
from tests.conftest import PASSWORD, SMALL_ROSTER, StationFixture, write_csv

ADMIN, SUPERVISOR, INTERVIEWER = Role.ADMIN, Role.SUPERVISOR, Role.INTERVIEWER
OVERSIGHT = (SUPERVISOR, ADMIN)
INTERVIEWING = (INTERVIEWER, SUPERVISOR)
NEW_PASSWORD = "staple battery horse"


class Scene:
    """The station and what the calls act on, made only when a case needs it."""

    def __init__(self, station: StationFixture, out: Path):
        self.station = station
        self.services = station.services
        self.out = out  # where refused exports would have written

    @cached_property
    def final_id(self) -> str:
        return self.services.transcription.record(
            self.station.interviewer, "NK-100001", {"answers": complete_answers()}, "t").id

    @cached_property
    def draft_id(self) -> str:
        return self.services.interviews.start(self.station.interviewer, "NK-100002").id

    @cached_property
    def roster_file(self) -> Path:
        return write_csv(self.out.parent / "roster.csv",
                         [dict(SMALL_ROSTER[0], name_latin="Kim Min-jun (corrected)")])


@dataclass(frozen=True)
class Guarded:
    name: str
    allowed: tuple[Role, ...]
    call: Callable[[Scene, Actor], object]
    on_final_interview: bool = False  # made first, so that it is not counted as written


GUARDED = [
    # accounts
    Guarded("accounts.add_user", (ADMIN,),
            lambda s, a: s.services.accounts.add_user(a, "newbie", "interviewer", PASSWORD)),
    Guarded("accounts.list_users", (ADMIN, SUPERVISOR),
            lambda s, a: s.services.accounts.list_users(a)),
    Guarded("accounts.disable", (ADMIN,),
            lambda s, a: s.services.accounts.disable(a, "olga")),
    Guarded("accounts.enable", (ADMIN,),
            lambda s, a: s.services.accounts.enable(a, "olga", NEW_PASSWORD)),
    Guarded("accounts.reset_password", (ADMIN,),
            lambda s, a: s.services.accounts.reset_password(a, "olga", NEW_PASSWORD)),
    Guarded("accounts.set_display_name", (ADMIN,),
            lambda s, a: s.services.accounts.set_display_name(a, "olga", "Lt. O. Sokolova")),
    # roster
    Guarded("roster.import_file", (ADMIN, SUPERVISOR),
            lambda s, a: s.services.roster.import_file(a, s.roster_file)),
    # interviews
    Guarded("interviews.start", INTERVIEWING,
            lambda s, a: s.services.interviews.start(a, "CN-700001")),
    Guarded("interviews.drafts", INTERVIEWING,
            lambda s, a: s.services.interviews.drafts(a)),
    Guarded("transcription.record", INTERVIEWING,
            lambda s, a: s.services.transcription.record(
                a, "CN-700002", {"answers": complete_answers()}, "paper")),
    # reviews
    Guarded("reviews.queue", OVERSIGHT, lambda s, a: s.services.reviews.queue(a)),
    Guarded("reviews.filter_values", OVERSIGHT,
            lambda s, a: s.services.reviews.filter_values(a)),
    Guarded("reviews.flags", OVERSIGHT, lambda s, a: s.services.reviews.flags(a)),
    Guarded("reviews.kept_flags", OVERSIGHT, lambda s, a: s.services.reviews.kept_flags(a)),
    Guarded("reviews.last_flags", OVERSIGHT, lambda s, a: s.services.reviews.last_flags(a)),
    Guarded("reviews.decide", OVERSIGHT,
            lambda s, a: s.services.reviews.decide(a, s.final_id, "approved",
                                                   reason="Transcribed from a signed form."),
            True),
    Guarded("reviews.flags_for", OVERSIGHT,
            lambda s, a: s.services.reviews.flags_for(a, s.final_id), True),
    Guarded("reviews.item", OVERSIGHT,
            lambda s, a: s.services.reviews.item(a, s.final_id), True),
    # the revised lists, the dashboard, the audit and checks
    Guarded("lists.build", OVERSIGHT, lambda s, a: s.services.lists.build(a)),
    Guarded("lists.export", OVERSIGHT,
            lambda s, a: s.services.lists.export(a, s.out / "lists")),
    Guarded("dashboard.figures", OVERSIGHT, lambda s, a: s.services.dashboard.figures(a)),
    Guarded("dashboard.export", OVERSIGHT,
            lambda s, a: s.services.dashboard.export(a, s.out / "figures.csv")),
    Guarded("audit.verify", OVERSIGHT, lambda s, a: s.services.audit.verify(a)),
    Guarded("checks.run", OVERSIGHT, lambda s, a: s.services.checks.run(a)),
    # settings and keys
    Guarded("settings.set", (ADMIN,),
            lambda s, a: s.services.settings.set(a, "page_size", "Letter")),
    Guarded("keys.import_certificate", (ADMIN,),
            lambda s, a: s.services.keys.import_certificate(a, b"any bytes", "cert.pem")),
    Guarded("keys.add_slot", (ADMIN,),
            lambda s, a: s.services.keys.add_slot(a, s.station.other_interviewer.user_id,
                                                  bytes(32), Role.SUPERVISOR)),
    Guarded("keys.remove_slot", (ADMIN,),
            lambda s, a: s.services.keys.remove_slot(a, s.station.other_interviewer.user_id)),
    Guarded("keys.discard_user_key", (ADMIN,),
            lambda s, a: s.services.keys.discard_user_key(a, s.station.supervisor.user_id)),
    Guarded("documents.countersign", OVERSIGHT,
            lambda s, a: s.services.documents.countersign(a, s.final_id), True),
    # A form leaves the encrypted database only when a supervisor exports it on purpose.
    Guarded("documents.export", OVERSIGHT,
            lambda s, a: s.services.documents.export(a, s.final_id, s.out / "form.pdf"), True),
    # sync and backups
    Guarded("sync.export", OVERSIGHT, lambda s, a: s.services.sync.export(a, s.out / "sync")),
    Guarded("sync.status", OVERSIGHT, lambda s, a: s.services.sync.status(a)),
    Guarded("backups.backup", OVERSIGHT,
            lambda s, a: s.services.backups.backup(a, s.out / "backups")),
]

# Calls open to a role but only for the interviewer's own records.
OWN_RECORDS_ONLY = [
    Guarded("documents.latest", (),
            lambda s, a: s.services.documents.latest(a, s.final_id)),
    Guarded("interviews.load", (), lambda s, a: s.services.interviews.load(a, s.final_id)),
    Guarded("interviews.answer", (),
            lambda s, a: s.services.interviews.answer(a, s.draft_id, "isn_matches", "yes")),
    Guarded("interviews.abandon", (),
            lambda s, a: s.services.interviews.abandon(a, s.draft_id, "security_incident")),
    Guarded("interviews.finalise", (),
            lambda s, a: s.services.interviews.finalise(a, s.draft_id)),
]


@pytest.fixture
def scene(roster_station, tmp_path) -> Scene:
    out = tmp_path / "out"
    out.mkdir()
    return Scene(roster_station, out)


def actors_by_role(station: StationFixture) -> dict[Role, Actor]:
    return {ADMIN: station.admin, SUPERVISOR: station.supervisor,
            INTERVIEWER: station.interviewer}


def assert_refused_and_nothing_written(scene: Scene, actor: Actor, case: Guarded) -> None:
    db = scene.services.station.db
    events_before = db.execute("SELECT count(*) FROM events").fetchone()[0]
    changes_before = db.conn.total_changes
    with pytest.raises(PermissionDenied) as refused:
        case.call(scene, actor)
    assert actor.name in str(refused.value), f"{case.name}: the refusal names who was refused"
    assert db.execute("SELECT count(*) FROM events").fetchone()[0] == events_before, case.name
    assert db.conn.total_changes == changes_before, f"{case.name} wrote to the database"
    assert list(scene.out.iterdir()) == [], f"{case.name} wrote a file"


@pytest.mark.parametrize("case", GUARDED,
                         ids=[c.name if isinstance(c, Guarded) else c.id for c in GUARDED])
def test_each_wrong_role_is_refused_and_nothing_is_written(scene, case):
    actors = actors_by_role(scene.station)
    if case.on_final_interview:
        assert scene.final_id
    wrong = [role for role in Role if role not in case.allowed]
    assert wrong, f"{case.name} is open to every role; it does not belong in this table"
    for role in wrong:
        assert_refused_and_nothing_written(scene, actors[role], case)


@pytest.mark.parametrize("case", OWN_RECORDS_ONLY, ids=[c.name for c in OWN_RECORDS_ONLY])
def test_another_interviewer_is_refused_and_nothing_is_written(scene, case):
    assert scene.final_id and scene.draft_id  # ivan's records, made before counting
    assert_refused_and_nothing_written(scene, scene.station.other_interviewer, case)


@pytest.mark.parametrize("case", [c for c in OWN_RECORDS_ONLY if c.name.startswith("interviews.")
                                  and c.name != "interviews.load"],
                         ids=lambda c: c.name)
def test_an_admin_does_not_conduct_interviews(scene, case):
    assert scene.draft_id
    assert_refused_and_nothing_written(scene, scene.station.admin, case)


def test_an_interviewer_prints_only_their_own_forms(scene):
    mine = scene.final_id
    theirs = scene.services.transcription.record(
        scene.station.other_interviewer, "CN-700001", {"answers": complete_answers()}, "t").id
    documents = scene.services.documents
    assert [f.interview_id for f in documents.printable(scene.station.interviewer)] == [mine]
    assert [f.interview_id for f in documents.printable(scene.station.other_interviewer)] \
        == [theirs]
    assert {f.interview_id for f in documents.printable(scene.station.supervisor)} \
        == {mine, theirs}
