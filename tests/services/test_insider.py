"""An insider with one interviewer's password and a copy of the data folder, working on the
database directly (SQLCipher and the key file, not the services), as the threat model says
(README, "Protecting the station"). What they change in another account's history, and
what they rewrite before a checkpoint, shows in `audit verify` and `check`."""

import json
import re

import pytest

from screening_app.domain.canonical import chain_hash
from screening_app.protocol.examples import complete_answers
from screening_app.services.app import StationServices
from screening_app.store.connection import open_database
from screening_app.store.events import event_content
from screening_app.store.keyfile import KeyFile
from tests.conftest import PASSWORD, answer_all, cli


class Insider:
    """The station's database opened with one interviewer's password, and no program."""

    def __init__(self, data_dir, name: str, password: str):
        self.db = open_database(data_dir / "station.sqlite3",
                                KeyFile.load(data_dir).unlock(name, password).database_key)

    def drop_guards(self) -> None:
        for (trigger,) in self.db.execute("SELECT name FROM sqlite_master WHERE"
                                          " type = 'trigger'").fetchall():
            self.db.execute(f'DROP TRIGGER "{trigger}"')

    def rechain_from(self, seq: int) -> None:
        """Recompute every hash from ``seq`` on with plain SHA-256, as a careful forger
        would, so that the chain itself is whole again."""
        (prev,) = self.db.execute("SELECT hash FROM events WHERE seq = ?", [seq - 1]).fetchone()
        rows = self.db.execute("SELECT seq, id, at, station_id, actor_id, kind, interview_id,"
                               " payload FROM events WHERE seq >= ? ORDER BY seq",
                               [seq]).fetchall()
        for seq_, id_, at, station, actor, kind, interview, payload in rows:
            digest = chain_hash(prev, event_content(seq_, id_, at, station, actor, kind,
                                                    interview, json.loads(payload)))
            self.db.execute("UPDATE events SET prev_hash = ?, hash = ? WHERE seq = ?",
                            [prev, digest, seq_])
            prev = digest

    def done(self) -> None:
        self.db.conn.commit()
        self.db.close()


@pytest.fixture
def worked(roster_station):
    """Two interviewers' finalised interviews, then a supervisor's sign-in (a checkpoint)."""
    services = roster_station.services
    olga_s = services.transcription.record(roster_station.other_interviewer, "NK-100002",
                                           {"answers": complete_answers("enlist")}, "paper")
    services.transcription.record(roster_station.interviewer, "NK-100001",
                                  {"answers": complete_answers("repatriate")}, "paper")
    services.close()
    roster_station.services, _ = StationServices.unlock(roster_station.data_dir, "sup",
                                                        PASSWORD)
    return roster_station, olga_s


def audit(station, capsys, monkeypatch) -> tuple[int, str]:
    code, out, err = cli(capsys, monkeypatch, "--data-dir", station.data_dir, "audit", "verify",
                         "--user", "sup", "--password-stdin", stdin=PASSWORD + "\n")
    return code, out + err


def check(station, capsys, monkeypatch) -> tuple[int, str]:
    code, out, err = cli(capsys, monkeypatch, "--data-dir", station.data_dir, "check",
                         "--user", "sup", "--password-stdin", stdin=PASSWORD + "\n")
    return code, out + err


def test_the_untouched_history_is_signed_and_checks(worked, capsys, monkeypatch):
    station, _ = worked
    station.services.close()
    code, out = audit(station, capsys, monkeypatch)
    assert code == 0, out
    code, out = check(station, capsys, monkeypatch)
    assert code == 0, out
    assert "ok   signed history:" in out and "checkpoints of the station" in out


def test_another_accounts_event_rewritten_and_rechained_is_found(worked, capsys, monkeypatch):
    station, olga_s = worked
    station.services.close()
    insider = Insider(station.data_dir, "ivan", PASSWORD)
    insider.drop_guards()
    (seq, payload), = insider.db.execute(
        "SELECT seq, payload FROM events WHERE kind = 'interview.finalised' AND"
        " interview_id = ?", [olga_s.id]).fetchall()
    changed = {**json.loads(payload), "choice": "repatriate"}
    insider.db.execute("UPDATE events SET payload = ? WHERE seq = ?",
                       [json.dumps(changed), seq])
    insider.rechain_from(seq)
    insider.done()
    code, out = audit(station, capsys, monkeypatch)
    assert code == 3
    assert f"Event {seq} (interview.finalised) does not carry a valid signature" in out
    assert "the history before it was rewritten" in out  # the supervisor's checkpoint
    code, out = check(station, capsys, monkeypatch)
    assert code == 3 and "BAD  signed history:" in out


def test_another_accounts_record_changed_and_sealed_again_is_found(
        worked, capsys, monkeypatch):
    """The insider cannot read olga's record, so they forge one: the answers of the other
    choice, sealed to the review key (whose public half every session knows), with the
    record's own hash recomputed by the program's code, leaving the history alone. The
    hash no longer matches the one her signed finalisation event recorded."""
    from dataclasses import replace

    from screening_app.pki.review_seal import ReviewSeal
    from screening_app.store.interviews import InterviewRepository
    from screening_app.store.review_key import ReviewKeyRepository

    station, olga_s = worked
    station.services.close()
    insider = Insider(station.data_dir, "ivan", PASSWORD)
    insider.drop_guards()
    seal = ReviewSeal()
    seal.know(ReviewKeyRepository(insider.db).public())
    record = InterviewRepository(insider.db, seal).get(olga_s.id)
    assert record.unreadable and record.choice is None and record.answers == {}
    forged = replace(record, choice="repatriate", answers=complete_answers("repatriate"),
                     unreadable=False)
    forged = replace(forged, signatures=())
    insider.db.execute(
        "UPDATE interviews SET sealed_answers = ?, sealed_choice = ?, record_sha256 = ?,"
        " sealed_progress = NULL WHERE id = ?",  # a record without a journal, as of old
        [seal.seal(json.dumps(forged.answers).encode(), f"interview:{olga_s.id}:answers"
                   .encode()),
         seal.seal(b"repatriate", f"interview:{olga_s.id}:choice".encode()),
         forged.computed_hash(), olga_s.id])
    insider.done()
    message = f"Interview {olga_s.id} does not match the hash its finalisation event recorded"
    code, out = audit(station, capsys, monkeypatch)
    assert code == 3 and message in out
    code, out = check(station, capsys, monkeypatch)
    assert code == 3 and "BAD  finalised records: " + message in out


def test_an_interviewers_password_reads_no_choice_their_own_included(worked):
    """What a finalised record says, and what its history says the person answered, is
    sealed to the review key: the interviewer's password opens neither, for olga's record
    nor for ivan's own (his session that sealed it has closed)."""
    from screening_app.pki import sealed
    from screening_app.pki.review_seal import ReviewSeal
    from screening_app.store.documents import DocumentRepository
    from screening_app.store.interviews import InterviewRepository
    from screening_app.store.review_key import ReviewKeyRepository

    station, olga_s = worked
    station.services.close()
    contents = KeyFile.load(station.data_dir).unlock("ivan", PASSWORD)
    insider = Insider(station.data_dir, "ivan", PASSWORD)
    db = insider.db
    seal = ReviewSeal()
    seal.know(ReviewKeyRepository(db).public())
    repository = InterviewRepository(db, seal)
    records = [r for r in repository.find() if r.is_final]
    assert len(records) == 2
    for record in records:
        assert record.unreadable and record.choice is None and record.answers == {}
    rows = db.execute("SELECT choice, answers, sealed_choice, current_step, flags,"
                      " non_completion_step, sealed_progress FROM interviews").fetchall()
    assert all(row[:2] == (None, "{}") and row[3:6] == (None, "[]", None) and row[2] and row[6]
               for row in rows)
    # The history holds no step, question, answer or signature of the interview: those are
    # in its sealed journal. What the finalisation says beyond the outcome is sealed.
    history = [(kind, json.loads(payload)) for kind, payload in db.execute(
        "SELECT kind, payload FROM events WHERE interview_id IS NOT NULL")]
    assert not {kind for kind, _ in history} & {
        "interview.step_entered", "interview.answered", "interview.signed"}
    keys = {key for kind, payload in history if kind != "interview.started" for key in payload}
    assert not keys & {"choice", "value", "step", "question", "flags", "non_completion_step"}
    assert {"choice_sealed", "flags_sealed", "non_completion_step_sealed"} <= keys
    # The stored forms print the choice: they are sealed too, and open for no one here.
    forms = DocumentRepository(db, seal)
    stored_forms = db.execute("SELECT id, content FROM documents").fetchall()
    assert len(stored_forms) == 2
    for document_id, content in stored_forms:
        assert not content.startswith(b"%PDF") and b"repatriate" not in content
        assert forms.content(document_id) is None
    # The review key's private half is sealed under the KEK, which ivan does not hold.
    stored = ReviewKeyRepository(db).sealed_private()
    station_id = station.services.station.station_id
    for candidate in (contents.database_key, contents.account_key):
        with pytest.raises(Exception, match="could not be decrypted"):
            sealed.unseal(candidate, stored, f"screening-app:{station_id}:review".encode())
    insider.done()


def test_a_supervisor_reads_every_choice(worked):
    station, olga_s = worked
    services = station.services
    supervisor = services.accounts.authenticate("sup", PASSWORD)
    choices = {item.interview_id: item.choice
               for item in services.reviews.queue(supervisor)}
    assert choices[olga_s.id] == "enlist"
    assert sorted(choices.values()) == ["enlist", "repatriate"]


def test_an_event_signed_by_the_insider_in_another_accounts_name_is_found(
        worked, capsys, monkeypatch):
    """The insider writes a new event in olga's name through the program's own code, with
    their own session: it is signed, but by them."""
    station, olga_s = worked
    station.services.close()
    services, ivan = StationServices.unlock(station.data_dir, "ivan", PASSWORD)
    from screening_app.store.connection import write_transaction

    with write_transaction(services.station.db):
        services.station.events.append("review.approved", {"reason": "looks fine"},
                                       actor_id=station.other_interviewer.user_id,
                                       interview_id=olga_s.id)
    services.close()
    code, out = audit(station, capsys, monkeypatch)
    assert code == 3
    assert "(review.approved) is in the name of another account than the one that signed it" \
        in out


def test_an_unsigned_event_added_by_hand_is_found(worked, capsys, monkeypatch):
    station, _ = worked
    station.services.close()
    insider = Insider(station.data_dir, "ivan", PASSWORD)
    (seq, prev), = insider.db.execute("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1"
                                      ).fetchall()
    content = event_content(seq + 1, "forged", "2026-12-03T10:00:00.000Z", "TEST-01", None,
                            "account.role_changed", None, {"role": "admin"})
    insider.db.execute("INSERT INTO events (seq, id, at, station_id, actor_id, kind,"
                       " interview_id, payload, prev_hash, hash) VALUES"
                       " (?, ?, ?, ?, NULL, ?, NULL, ?, ?, ?)",
                       [seq + 1, "forged", content["at"], "TEST-01", "account.role_changed",
                        json.dumps({"role": "admin"}), prev, chain_hash(prev, content)])
    insider.done()
    code, out = audit(station, capsys, monkeypatch)
    assert code == 3 and f"Event {seq + 1} (account.role_changed) is not signed" in out


def test_a_checkpoint_removed_with_the_history_before_it_is_found(worked, capsys, monkeypatch):
    station, olga_s = worked
    station.services.close()
    insider = Insider(station.data_dir, "ivan", PASSWORD)
    insider.drop_guards()
    (seq,), = insider.db.execute("SELECT seq FROM events WHERE kind = 'chain.checkpoint'"
                                 " ORDER BY seq DESC LIMIT 1").fetchall()
    insider.db.execute("UPDATE events SET payload = ? WHERE seq = ?",
                       [json.dumps({"seq": 1, "hash": "00" * 32, "signature": "00"}), seq])
    insider.rechain_from(seq)
    insider.done()
    code, out = audit(station, capsys, monkeypatch)
    assert code == 3
    assert f"Event {seq} (chain.checkpoint) does not carry a valid signature" in out


def test_an_interviewers_password_opens_no_station_key_and_no_password_hash(worked):
    """What the interviewer's slot gives (the database key and their own account key)
    unseals their own secrets only: the station's signing key, sealed under the KEK, stays
    shut, and the database holds no password hash to crack."""
    from screening_app.pki import sealed
    from screening_app.store.keyfile import KeyFile

    station, _ = worked
    station.services.close()
    contents = KeyFile.load(station.data_dir).unlock("ivan", PASSWORD)
    insider = Insider(station.data_dir, "ivan", PASSWORD)
    db = insider.db
    (ivan_id,), = db.execute("SELECT id FROM users WHERE name = 'ivan'").fetchall()
    assert db.execute("SELECT count(*) FROM key_slots WHERE user_id = ?",
                      [ivan_id]).fetchone() == (0,)
    (sealed_station_key,), = db.execute("SELECT sealed_private_key FROM station_keys"
                                        " WHERE purpose = 'signing'").fetchall()
    # Nothing the interviewer holds opens it.
    for candidate in (contents.database_key, contents.account_key):
        with pytest.raises(Exception, match="could not be decrypted"):
            sealed.unseal(candidate, sealed_station_key,
                          f"screening-app:{station.services.station.station_id}:signing"
                          .encode())
    assert all(h == "" for (h,) in db.execute("SELECT password_hash FROM users"))
    insider.done()


def test_a_slot_written_for_another_account_signs_nothing_in_its_name(
        worked, capsys, monkeypatch):
    """The insider writes a slot for olga with a password of their own (the key file's MAC
    is under the database key, which they hold) and signs in as her: the session makes an
    event key of its own and signs events in her name with it. The history vouches for no
    such key: olga already had one, and no admin registered another."""
    from screening_app.store.keyfile import SlotContents

    station, olga_s = worked
    station.services.close()
    key = KeyFile.load(station.data_dir).unlock("ivan", PASSWORD).database_key
    keyfile = KeyFile.load(station.data_dir)
    keyfile.set_slot("olga", "a password ivan chose", SlotContents.new(key))
    keyfile.save(key)
    # Her personal key would not open under the new slot and stop the sign-in: gone first.
    insider = Insider(station.data_dir, "ivan", PASSWORD)
    insider.db.execute("DELETE FROM user_keys WHERE user_id = ?",
                       [station.other_interviewer.user_id])
    insider.done()
    services, olga = StationServices.unlock(station.data_dir, "olga", "a password ivan chose")
    from screening_app.store.connection import write_transaction

    with write_transaction(services.station.db):
        services.station.events.append("interview.note", {"note": "forged"},
                                       actor_id=olga.user_id, interview_id=olga_s.id)
    services.close()
    for run in (audit, check):
        code, out = run(station, capsys, monkeypatch)
        assert code == 3, out
        assert ("registers a new event key for an account, signed by that key itself though"
                " the account already had one: a key slot was written outside the program"
                in out)


def test_an_event_key_stored_by_hand_signs_nothing(worked, capsys, monkeypatch):
    """The insider stores a key of their own for olga, without any registration, and
    signs a new event in her name with it."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    station, olga_s = worked
    station.services.close()
    insider = Insider(station.data_dir, "ivan", PASSWORD)
    forged = Ed25519PrivateKey.generate()
    public = forged.public_key().public_bytes_raw().hex()
    olga_id = station.other_interviewer.user_id
    insider.db.execute("INSERT INTO account_event_keys (public_key, user_id,"
                       " sealed_private_key, created_at) VALUES (?, ?, '{}', ?)",
                       [public, olga_id, "2026-12-03T00:00:00.000Z"])
    (seq, prev), = insider.db.execute("SELECT seq, hash FROM events ORDER BY seq DESC"
                                      " LIMIT 1").fetchall()
    at, event_id = "2026-12-03T00:00:01.000Z", "forged-event"
    payload = {"note": "forged"}
    digest = chain_hash(prev, event_content(seq + 1, event_id, at,
                                            station.services.station.station_id, olga_id,
                                            "interview.note", olga_s.id, payload))
    insider.db.execute(
        "INSERT INTO events (seq, id, at, station_id, actor_id, kind, interview_id, payload,"
        " prev_hash, hash, signed_by, signature) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [seq + 1, event_id, at, station.services.station.station_id, olga_id,
         "interview.note", olga_s.id, json.dumps(payload, separators=(",", ":"),
                                                 sort_keys=True),
         prev, digest, olga_id, forged.sign(bytes.fromhex(digest)).hex()])
    insider.done()
    code, out = audit(station, capsys, monkeypatch)
    assert code == 3, out
    assert (f"Event {seq + 1} (interview.note) is signed with an event key that no"
            " registration in the history vouches for" in out)


_TIME = re.compile(r"^\d{4}-\d\d-\d\dT[\d:.]+Z$")
_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_HEX = re.compile(r"^[0-9a-f]{16,}$")


def _shape(value):
    """What an insider learns from a stored value without any key: its structure and the
    length of everything sealed or hashed; ids and times stand as placeholders (times are
    compared on their own)."""
    if isinstance(value, bytes):
        return ("bytes", len(value))
    if isinstance(value, str):
        if _TIME.match(value):
            return "<time>"
        if _ID.match(value):
            return "<id>"
        if _HEX.match(value):
            return ("hex", len(value))
        if value[:1] in "{[":
            try:
                return _shape(json.loads(value))
            except ValueError:
                pass
        return value
    if isinstance(value, dict):
        return {key: _shape(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_shape(item) for item in value]
    return value


def _what_an_insider_sees(db, interview_id: str, subject_isn: str) -> dict:
    """Every row the station stores about one interview, shaped (``_shape``): the person's
    roster identity, which a list prints anyway, stands as a placeholder."""
    def rows(sql):
        cursor = db.execute(sql, [interview_id])
        names = [column[0] for column in cursor.description]
        return [{name: _shape(value) for name, value in zip(names, row, strict=True)
                 if name not in ("seq", "rowid")} for row in cursor.fetchall()]

    interview = rows("SELECT * FROM interviews WHERE id = ?")
    for row in interview:
        row["subject_isn"] = row["subject_snapshot"] = "<person>"
        # The order the options were read in is drawn at random for each interview.
        row["option_order"] = {question: sorted(order)
                               for question, order in row["option_order"].items()}
    history = rows("SELECT * FROM events WHERE interview_id = ?")
    for row in history:
        if "option_order" in row["payload"]:
            row["payload"]["option_order"] = {
                question: sorted(order) for question, order in row["payload"]["option_order"].items()}
    seen = {"interview": interview,
            "history": history,
            "signatures": rows("SELECT * FROM signatures WHERE interview_id = ?"),
            "forms": rows("SELECT * FROM documents WHERE interview_id = ?")}
    return json.loads(json.dumps(seen).replace(subject_isn, "<person>"))


def test_one_persons_enlisting_and_anothers_repatriation_look_the_same_to_an_insider(
        roster_station):
    """Two people interviewed by olga, one who chose to enlist (asked the follow-up step
    only that choice brings, answering a question that can raise a flag) and one who chose
    repatriation: with ivan's password and the data folder, everything stored about the
    two (the records, their history, signatures and forms) has the same structure, the
    same number of rows and events, and sealed values of the same lengths. Only the times
    differ: an interview with more steps takes longer (README, "Protecting the station")."""
    services, olga = roster_station.services, roster_station.other_interviewer
    taken = {}
    for isn, choice in (("NK-100001", "enlist"), ("NK-100013", "repatriate")):
        interview = services.interviews.start(olga, isn)
        answers = complete_answers(choice)
        assert ("told_what_to_answer" in answers) == (choice == "enlist")
        interview = answer_all(services, olga, interview, answers)
        taken[choice] = (services.interviews.finalise(olga, interview.id).id, isn)
    services.close()
    insider = Insider(roster_station.data_dir, "ivan", PASSWORD)
    enlisted, repatriated = (_what_an_insider_sees(insider.db, *taken[choice])
                             for choice in ("enlist", "repatriate"))
    insider.done()
    assert enlisted["history"] and enlisted["signatures"] and enlisted["forms"]
    for part in ("interview", "history", "signatures", "forms"):
        assert enlisted[part] == repatriated[part], part
