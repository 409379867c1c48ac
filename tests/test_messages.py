"""The catalogue of the layers below ui/ (domain/messages.py): every sentence marked with
``_()`` is translated into Korean and Chinese, keeps its placeholders, and is compiled; and
a process set to Korean or Chinese writes the engine's gate sentences in that language,
naming the protocol's steps in it too, while everything else stays in English."""

import gettext
import re
import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from sqlite_utils import Database

import screening_app
from screening_app.domain import messages
from screening_app.domain.accounts import Actor, Role
from screening_app.domain.errors import PermissionDenied, UserError
from screening_app.domain.messages import set_message_language
from screening_app.importers.roster_file import RosterFileError, read_roster
from screening_app.protocol import InterviewEngine, default_protocol
from screening_app.protocol.examples import complete_answers
from screening_app.records.verifying import verify_pdf
from screening_app.services.accounts import check_new_password
from screening_app.services.authz import require_role
from screening_app.services.sync import ExportResult
from screening_app.store.chain import verify_chain
from screening_app.sync.incoming import ApplyResult
from screening_app.sync.members import UP_MEMBERS, count_records

PACKAGE = Path(screening_app.__file__).parent
# The layers whose sentences are collected (as tools/update_translations.py collects them).
SOURCES = ("domain", "protocol", "services", "store", "importers", "sync", "records",
           "analysis")


@pytest.fixture
def message_language():
    """Set the message language for one test, and English again after it."""
    yield set_message_language
    set_message_language("en")


def marked_messages() -> set[str]:
    """Every msgid marked in the sources (the singular, for a plural)."""
    found = set()
    for layer in SOURCES:
        if not (PACKAGE / layer).is_dir():
            continue
        for _filename, _line, message, _comments, _context in extract_from_dir(
                PACKAGE / layer, method_map=[("**.py", "python")]):
            found.add(message[0] if isinstance(message, tuple) else message)
    return found


def catalogue(language: str):
    po = messages.catalogue_path(language).with_suffix(".po")
    with po.open("rb") as file:
        return read_po(file)


def translations(message) -> list[str]:
    return list(message.string) if isinstance(message.string, tuple) else [message.string]


def placeholders(text: str) -> set[tuple[str, str | None, str]]:
    """Each ``{field!conversion:spec}``: a translation keeps them all, as written."""
    return {(field, conversion, spec)
            for _literal, field, spec, conversion in string.Formatter().parse(text)
            if field is not None}


def test_the_sources_mark_messages():
    assert "No confirmed choice has been recorded yet." in marked_messages()


@pytest.mark.parametrize("language", messages.CATALOGUE_LANGUAGES)
def test_every_marked_message_is_translated(language):
    by_id = {(m.id[0] if isinstance(m.id, tuple) else m.id): m
             for m in catalogue(language) if m.id}
    missing = sorted(marked_messages() - set(by_id))
    unfinished = sorted(key for key, message in by_id.items()
                        if "fuzzy" in message.flags or not all(translations(message)))
    assert missing == [], "run tools/update_translations.py"
    assert unfinished == []


@pytest.mark.parametrize("language", messages.CATALOGUE_LANGUAGES)
def test_every_translation_keeps_its_placeholders(language):
    wrong = []
    for message in catalogue(language):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        expected = set().union(*(placeholders(text) for text in ids))
        wrong += [(ids[0], text) for text in translations(message)
                  if text and placeholders(text) != expected]
    assert wrong == []


@pytest.mark.parametrize("language", messages.CATALOGUE_LANGUAGES)
def test_the_compiled_catalogue_matches_the_po(language):
    with messages.catalogue_path(language).open("rb") as file:
        compiled = gettext.GNUTranslations(file)
    stale = []
    for message in catalogue(language):
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            shown = compiled.ngettext(message.id[0], message.id[1], 1)
        else:
            shown = compiled.gettext(message.id)
        if shown != translations(message)[0]:
            stale.append(message.id)
    assert stale == [], "run tools/update_translations.py --release"


def blocked_explanation() -> InterviewEngine:
    """An interview whose explanation was not read: the step is blocked until it is."""
    answers = complete_answers("enlist")
    answers["statement_read"] = "no"
    return InterviewEngine(default_protocol(), answers)


def test_english_by_default():
    assert messages.message_language() == "en"
    engine = blocked_explanation()
    assert engine.step_status("explanation").blocked == [
        "“Has the whole statement been read to the person in their language?” must be"
        " answered Yes before the interview can go on."]


@pytest.mark.parametrize("language, sentence, prompt, yes", [
    ("ko", "면담을 계속하려면", "설명문 전체를 본인의 언어로 읽어 주었습니까?", "예"),
    ("zh", "面谈才能继续", "是否已用本人的语言把全部说明读给本人听？", "是"),
])
def test_the_engine_speaks_the_message_language(message_language, language, sentence,
                                                prompt, yes):
    message_language(language)
    engine = blocked_explanation()
    [blocked] = engine.step_status("explanation").blocked
    assert sentence in blocked and prompt in blocked and yes in blocked
    # A locked step names the protocol's step titles in the same language.
    locked = engine.step_status("choice").locked_reason
    title = default_protocol().step("explanation").title.get(language)
    assert title in locked and "cannot be started" not in locked
    ok, reasons = engine.can_finalise()
    assert not ok and blocked in reasons

    message_language("en")
    assert "must be answered Yes" in blocked_explanation().step_status("explanation").blocked[0]


def test_a_language_without_a_catalogue_is_english(message_language):
    message_language("fr")
    assert messages.message_language() == "en"
    assert messages.gettext("Yes") == "Yes"


def refusals() -> list[str]:
    """Two services' refusals: a weak password, and a role that may not act."""
    said = []
    with pytest.raises(UserError) as weak:
        check_new_password("short")
    said.append(str(weak.value))
    ivan = Actor(user_id="u1", name="ivan", role=Role.INTERVIEWER)
    with pytest.raises(PermissionDenied) as refused:
        require_role(ivan, Role.SUPERVISOR, Role.ADMIN, action=messages.N_("review interviews"))
    said.append(str(refused.value))
    return said


@pytest.mark.parametrize("language, expected", [
    ("ko", ["비밀번호는 10자 이상이어야 합니다.",
            "ivan(면담관)에게는 면담 검토 권한이 없습니다. 이 작업에는 감독관 또는 관리자 역할이"
            " 필요합니다."]),
    ("zh", ["密码至少需要 10 个字符。", "ivan（面谈人员）无权审查面谈；此操作需要监督人员或管理员角色。"]),
    ("en", ["The password must have at least 10 characters.",
            "ivan (interviewer) may not review interviews; this needs the supervisor or admin"
            " role."]),
])
def test_the_services_refuse_in_the_message_language(message_language, language, expected):
    message_language(language)
    assert refusals() == expected
    message_language("en")
    assert refusals()[0] == "The password must have at least 10 characters."


@pytest.mark.parametrize("language, expected", [
    ("ko", "roster.csv, 3행, 열 isn: 포로 번호 없음"),
    ("zh", "roster.csv, 第 3 行, 列 isn：缺少战俘编号"),
    ("en", "roster.csv, row 3, column isn: missing ISN"),
])
def test_a_roster_problem_is_in_the_message_language(message_language, tmp_path, language,
                                                     expected):
    roster = tmp_path / "roster.csv"
    roster.write_text("isn,name_latin\nNK-1,Kim\n,Lee\n", encoding="utf-8")
    message_language(language)
    with pytest.raises(RosterFileError) as refused:
        read_roster(roster)
    assert str(refused.value) == expected


@pytest.mark.parametrize("language, short, coercion", [
    ("ko", "면담에 3분이(가) 걸렸습니다.", "위협, 강제로 새긴 표시"),
    ("zh", "面谈用时 3 分钟", "威胁、被强加标记"),
    ("en", "The interview took 3 min;", "threats, marks or pressure"),
])
def test_the_review_flags_speak_the_message_language(message_language, roster_station,
                                                     language, short, coercion):
    """The flags' sentences (the program's own and the protocol's explanations) are
    written in the message language, and kept flags written in another are computed
    again rather than shown."""
    services, supervisor = roster_station.services, roster_station.supervisor
    answers = {**complete_answers("enlist"), "threatened": "yes"}
    record = services.transcription.record(
        roster_station.interviewer, "NK-100013",
        {"answers": answers, "started_at": "2026-11-27T09:30:00Z",
         "ended_at": "2026-11-27T09:33:00Z"}, "paper")
    services.reviews.flags(supervisor)  # kept in English
    message_language(language)
    assert (services.reviews.kept_flags(supervisor) is None) == (language != "en")
    sentences = [flag.explanation
                 for flag in services.reviews.flags(supervisor).for_interview(record.id)]
    assert any(short in sentence for sentence in sentences), sentences
    assert any(coercion in sentence for sentence in sentences), sentences
    assert services.reviews.last_flags(supervisor).fresh


def test_every_member_is_counted_in_the_message_language(message_language):
    message_language("ko")
    hangul = re.compile(r"[\uac00-\ud7af]")
    assert all(hangul.search(count_records(member.kind, 2)) for member in UP_MEMBERS)


def what_sync_says() -> list[str]:
    """An export's summary and a bundle from headquarters' summary, as the sync dialog
    shows them."""
    exported = ExportResult(Path("station-TEST-01-x.scb"), "b1",
                            {"interviews": 2, "subjects": 1}, 4, 9)
    applied = ApplyResult("abcd1234", acknowledged={"interviews": 2}, events_acknowledged=7,
                          roster_added=1, revoked_certificates=1)
    return [exported.summary(), applied.summary()]


@pytest.mark.parametrize("language, expected", [
    ("ko", ["station-TEST-01-x.scb: 면담 2건, 명부 항목 1건, 이벤트 5-9.",
            "본부가 기록 2건과 이벤트 7까지를 수신 확인함; 명부: 1명 추가, 0명 갱신;"
            " 인증서 1개 폐지됨."]),
    ("zh", ["station-TEST-01-x.scb：2 次面谈、1 条名册条目；事件 5-9。",
            "总部已确认收到 2 条记录及截至 7 的事件；名册：新增 1 人，更新 0 人；1 个证书已被吊销。"]),
    ("en", ["station-TEST-01-x.scb: 2 interviews, 1 roster entry; events 5-9.",
            "headquarters acknowledged 2 records and events up to 7; roster: 1 added,"
            " 0 updated; 1 certificate revoked."]),
])
def test_sync_summaries_are_in_the_message_language(message_language, language, expected):
    message_language(language)
    assert what_sync_says() == expected


def a_chain_with_a_gap() -> Database:
    db = Database(memory=True)
    db["events"].insert({"seq": 2, "id": "e2", "at": "2026-12-04T00:00:00Z",
                         "station_id": "S", "actor_id": None, "kind": "station.created",
                         "interview_id": None, "payload": "{}", "prev_hash": "x",
                         "hash": "y"})
    return db


@pytest.mark.parametrize("language, empty, missing", [
    ("ko", "파일이 비어 있습니다. PDF가 아닙니다.", "이벤트 1이(가) 없습니다(다음 이벤트는 2입니다)."),
    ("zh", "该文件是空的，不是 PDF。", "缺少事件 1（下一个是 2）。"),
    ("en", "The file is empty, not a PDF.", "event 1 is missing (the next one is 2)."),
])
def test_verification_findings_are_in_the_message_language(message_language, language, empty,
                                                           missing):
    message_language(language)
    assert verify_pdf(b"", []).reason == empty
    assert verify_chain(a_chain_with_a_gap()).problem == missing
