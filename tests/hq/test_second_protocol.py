"""The proof that the program takes a protocol from its file alone (issue 14): stations set
to the second protocol (nnrc-explanations: three outcomes, a destination for one of them,
other question ids and steps) take one session of each outcome through the services, from
the first answer to headquarters' merged lists. Nothing here, nor in the program outside
protocol/, names the second protocol's ids except what this test chooses to answer."""

import shutil
import subprocess

import pytest
import yaml

from screening_app.analysis.group_flags import group_flags
from screening_app.bundled import forms_dir
from screening_app.domain.errors import UserError
from screening_app.hq import flags as pattern_flags
from screening_app.hq import merged_lists
from screening_app.hq.down import build_down_bundle, publish_protocol
from screening_app.hq.intake import ingest
from screening_app.protocol import available_protocols, default_protocol
from screening_app.protocol.examples import example_answers
from screening_app.protocol.vocabulary import list_title
from screening_app.services.reviews import protocol_flag_settings
from tests.conftest import PASSWORD, answer_all, cli, stored_forms
from tests.domain.test_review_flags import make_record
from tests.hq.conftest import export, register, trust
from tests.hq.test_three_stations import PEOPLE, isn, make_station

SECOND = "nnrc-explanations"
NOTE = "Checked against the session's notes."
needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                   reason="poppler-utils (pdftotext) is not installed")


def second_protocol():
    return max((p for p in available_protocols() if p.id == SECOND), key=lambda p: p.version)


def outcomes():
    return [outcome.option for outcome in second_protocol().outcomes]


def session(station, number: int, choice: str, **answers):
    """One session through the interview service, answered step by step as the wizard
    does, and finalised (its form signed and stored)."""
    services, interviewer = station.services, station.interviewer
    interview = services.interviews.start(interviewer, isn(number))
    given = {**example_answers(interview.protocol, choice), **answers}
    interview = answer_all(services, interviewer, interview, given)
    return services.interviews.finalise(interviewer, interview.id).record


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "form.pdf"
    path.write_bytes(content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    return " ".join(text.split())


@pytest.fixture
def second_station(tmp_path, test_keys):
    station = make_station(tmp_path, test_keys, "NNRC-1", "Panmunjom", [1, 2, 3, 4, 5])
    station.services.settings.set(station.admin, "protocol", SECOND)
    yield station
    station.services.close()


def test_a_station_refuses_a_protocol_it_does_not_have_in_one_sentence(station):
    services = station.services
    with pytest.raises(UserError) as refused:
        services.settings.set(station.admin, "protocol", "nnrc-explanation")
    message = str(refused.value)
    assert message.count(".") == 1 and message.endswith(".")
    assert "'nnrc-explanation'" in message and SECOND in message
    assert services.settings.get("protocol") == default_protocol().id
    services.settings.set(station.admin, "protocol", SECOND)
    assert services.interviews.current_protocol().sha256 == second_protocol().sha256


def test_the_command_line_sets_the_protocol_and_refuses_an_unknown_one(tmp_path, capsys,
                                                                      monkeypatch):
    data = tmp_path / "station"
    login = ("--user", "boss", "--password-stdin")
    code, _, err = cli(capsys, monkeypatch, "--data-dir", data, "init", "--station-id", "N-1",
                       "--camp", "Panmunjom", "--admin", "boss", "--password-stdin",
                       stdin=PASSWORD + "\n")
    assert code == 0, err
    code, out, err = cli(capsys, monkeypatch, "--data-dir", data, "settings", "set",
                         "protocol", "nnrc", *login, stdin=PASSWORD + "\n")
    assert code != 0 and out == ""
    assert err.strip() == ("screening-app: No protocol 'nnrc' is bundled or stored at this"
                           " station; known: nnrc-explanations, unc-screening.")
    code, out, err = cli(capsys, monkeypatch, "--data-dir", data, "settings", "set",
                         "protocol", SECOND, *login, stdin=PASSWORD + "\n")
    assert code == 0 and out == f"protocol = {SECOND}\n", err
    code, out, _ = cli(capsys, monkeypatch, "--data-dir", data, "settings", "show", *login,
                       stdin=PASSWORD + "\n")
    assert f"protocol = {SECOND}" in out


@needs_poppler
def test_one_session_of_each_outcome_from_the_wizard_service_to_the_camp_lists(
        second_station, tmp_path):
    station, protocol = second_station, second_protocol()
    services, supervisor = station.services, station.supervisor
    assert len(protocol.outcomes) == 3
    records = {choice: session(station, number, choice, session_language=language)
               for number, choice, language in zip((1, 4), outcomes()[:2], ("ko", "zh"),
                                                   strict=True)}
    # Pressure reported at the safety questions: the protocol's flag, in its own words.
    records["neutral_nation"] = session(station, 2, "neutral_nation",
                                        pressed_by_other_prisoners="yes")
    destination = records["neutral_nation"]
    assert all(r.protocol_sha256 == protocol.sha256 and r.is_final for r in records.values())
    assert destination.answers["neutral_destination"] == "india"
    assert "neutral_destination" not in records["return_home"].answers

    # The signed forms: English and the person's language, the outcome, the destination,
    # and the explanations (a step the protocol prints).
    forms = dict(stored_forms(services, "interview_id = ?", [destination.id]))
    (form,) = forms.values()
    text = pdf_text(form, tmp_path)
    for expected in (isn(2), PEOPLE[2]["name_native"], "Go to a neutral nation", "중립국으로 간다",
                     "To which neutral nation do you ask to go?", "India", "인도",
                     protocol.title.en, "Names of the representatives who gave the explanations",
                     "설명한 대표들의 이름", destination.answers["explaining_representatives"]):
        assert expected in text, expected
    (chinese,) = dict(stored_forms(services, "interview_id = ?",
                                   [records["civilian_status"].id])).values()
    text = pdf_text(chinese, tmp_path)
    assert "Release to civilian status" in text and "释放为平民" in text

    # The review queue shows each by the protocol's labels; the flags compute.
    queue = {item.interview_id: item for item in services.reviews.queue(supervisor)}
    assert {queue[r.id].outcome_label for r in records.values()} == {
        option.label.en for option in protocol.question(protocol.choice.question).options}
    flags = services.reviews.flags(supervisor)
    for record in records.values():
        kinds = {flag.kind for flag in flags.for_interview(record.id)}
        assert "short_interview" in kinds  # answered in a second, against 10 minutes
    pressed = {flag.kind: flag.explanation for flag in flags.for_interview(destination.id)}
    assert pressed["pressure_reported"] == protocol.flag_kind("pressure_reported").explanation.en
    assert destination.flags == ("pressure_reported",)
    for record in records.values():
        services.reviews.decide(supervisor, record.id, "approved", reason=NOTE)

    # The dashboard: three series, named by the protocol, one interview each.
    figures = services.dashboard.figures(supervisor)
    assert figures.outcomes == (*outcomes(), "not_completed")
    assert [figures.outcome_label(o) for o in outcomes()] == [
        protocol.option_label(protocol.choice.question, o, "en") for o in outcomes()]
    assert sum(sum(figures.by_day[day][o] for o in outcomes()) for day in figures.by_day) == 3

    # The revised lists: one per outcome, with the protocol's names and titles.
    lists = services.lists.build(supervisor)
    assert [(slug, title) for slug, title, _ in lists.by_outcome] == [
        (outcome.list_slug, list_title(outcome)) for outcome in protocol.outcomes]
    for outcome, (_slug, _title, rows) in zip(protocol.outcomes, lists.by_outcome,
                                              strict=True):
        assert [row[0] for row in rows] == [records[outcome.option].subject_isn]
    written, _ = services.lists.export(supervisor, tmp_path / "lists")
    assert {path.name for path in written} >= {"return-home.csv", "civilian-status.csv",
                                               "neutral-nation.csv", "revised-lists.pdf"}
    text = pdf_text((tmp_path / "lists" / "revised-lists.pdf").read_bytes(), tmp_path)
    for outcome in protocol.outcomes:
        for language in ("en", "ko", "zh"):
            assert outcome.list_title.get(language) in text


def test_the_group_flags_test_each_of_three_outcomes_and_name_them_by_the_protocol():
    """An interviewer whose sessions go to a neutral nation far more often than their
    colleagues' in the same compound is flagged, with the outcome by its label."""
    protocol = second_protocol()
    settings = protocol_flag_settings(protocol)

    def sessions(interviewer, home, civilian, neutral):
        counts = {"return_home": home, "civilian_status": civilian, "neutral_nation": neutral}
        return [make_record(choice=choice, interviewer=interviewer)
                for choice, n in counts.items() for _ in range(n)]

    usual = (20, 15, 15)
    records = (sessions("ivan", 9, 0, 21) + sessions("olga", *usual)
               + sessions("sven", *usual))
    (flag,) = group_flags(records, settings)
    assert flag.kind == "interviewer_skew"
    assert "70% “Go to a neutral nation” in 30 interviews" in flag.explanation
    assert group_flags(sessions("ivan", *usual) + sessions("olga", *usual), settings) == []
    # Where no one chose the protocol's skew option, the two outcomes chosen are compared.
    records = sessions("ivan", 0, 6, 24) + sessions("olga", 0, 25, 25)
    (flag,) = group_flags(records, settings)
    assert "20% “Release to civilian status” in 30 interviews" in flag.explanation


def test_sessions_on_the_second_protocol_reach_headquarters_conflicts_and_merged_lists(
        hq, hq_folder, tmp_path, test_keys, second_station):
    north = second_station
    south = make_station(tmp_path, test_keys, "NNRC-2", "Panmunjom", [3, 6])
    south.services.settings.set(south.admin, "protocol", SECOND)
    protocol = second_protocol()
    for station in (north, south):
        register(hq, station)
        trust(station, hq_folder)
    chosen = {1: "return_home", 2: "neutral_nation", 4: "civilian_status", 3: "return_home"}
    for number, choice in chosen.items():
        record = session(north, number, choice)
        north.services.reviews.decide(north.supervisor, record.id, "approved", reason=NOTE)
    # The same person, at the other station, asks for a neutral nation instead.
    record = session(south, 3, "neutral_nation", neutral_destination="brazil")
    south.services.reviews.decide(south.supervisor, record.id, "approved", reason=NOTE)
    record = session(south, 6, "civilian_status")
    south.services.reviews.decide(south.supervisor, record.id, "approved", reason=NOTE)

    receipts = [ingest(hq, export(station, tmp_path / "stick"), via="file")
                for station in (north, south)]
    assert receipts[0].conflicts == [] and receipts[1].conflicts == [isn(3)]
    assert receipts[1].added["interviews"] == 2
    assert hq.store.protocol_definition(protocol.sha256) is not None  # the bundle carried it

    lists = merged_lists.build(hq.store)
    sections = [(slug, title) for slug, title, _ in lists.sections()]
    assert sections[:3] == [(o.list_slug, list_title(o)) for o in protocol.outcomes]
    expected = {1: "return-home", 2: "neutral-nation", 4: "civilian-status",
                6: "civilian-status", 3: "conflicts", 5: "unscreened"}
    assert {n: lists.where(isn(n)) for n in expected} == expected
    (conflict_row,) = lists.section("conflicts")
    # Each side in the second protocol's own words, not its stored codes.
    assert "Return to the home country" in conflict_row.detail
    assert "Go to a neutral nation" in conflict_row.detail
    assert "return_home" not in conflict_row.detail
    written = merged_lists.export(hq, tmp_path / "merged", lists)
    assert {path.name for path in written} >= {"return-home.csv", "civilian-status.csv",
                                               "neutral-nation.csv", "conflicts.csv"}

    # Headquarters' pattern flags test the second protocol's records on its own outcomes.
    assert pattern_flags.pattern_flags(hq.store) == []


def test_a_protocol_published_from_headquarters_can_be_the_stations(hq, hq_folder, tmp_path,
                                                                     test_keys):
    """A protocol of an id the program does not bundle, published from headquarters: the
    station may be set to it once the down bundle has brought it, not before, and then
    takes its sessions on it; a newer version of the station's protocol then takes over,
    and a paper session may still name the version it was taken on."""
    station = make_station(tmp_path, test_keys, "NNRC-3", "Panmunjom", [1, 2])
    register(hq, station)
    trust(station, hq_folder)
    ingest(hq, export(station, tmp_path / "up"))  # headquarters learns how to encrypt to it
    source = yaml.safe_load((forms_dir() / f"{SECOND}-v1.yaml").read_text(encoding="utf-8"))
    source["id"] = "nnrc-field-trial"
    path = tmp_path / "nnrc-field-trial-v1.yaml"
    path.write_text(yaml.safe_dump(source, allow_unicode=True), encoding="utf-8")
    sha256 = publish_protocol(hq, path)
    with pytest.raises(UserError, match="No protocol 'nnrc-field-trial'"):
        station.services.settings.set(station.admin, "protocol", "nnrc-field-trial")
    applied = station.services.sync.apply(
        station.supervisor, build_down_bundle(hq, "NNRC-3", tmp_path / "down"))
    assert applied.protocols_added == ["nnrc-field-trial version 1"]
    station.services.settings.set(station.admin, "protocol", "nnrc-field-trial")
    record = session(station, 1, "civilian_status")
    assert record.protocol_sha256 == sha256 and record.choice == "civilian_status"

    source["version"] = 2
    path = tmp_path / "nnrc-field-trial-v2.yaml"
    path.write_text(yaml.safe_dump(source, allow_unicode=True), encoding="utf-8")
    newer = publish_protocol(hq, path)
    station.services.sync.apply(station.supervisor,
                                build_down_bundle(hq, "NNRC-3", tmp_path / "down2"))
    assert station.services.interviews.current_protocol().sha256 == newer
    # A paper session taken on the first version, entered afterwards, names it.
    first = station.services.interviews.protocol_version("nnrc-field-trial", 1)
    paper = station.services.transcription.record(
        station.interviewer, isn(2), {"protocol": {"id": "nnrc-field-trial", "version": 1},
                                      "answers": example_answers(first, "return_home")},
        "paper.json")
    assert paper.record.protocol_sha256 == sha256
    station.services.close()
