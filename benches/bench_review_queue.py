"""Opening the review queue and the dashboard on a station with 2,000 and with 20,000
finalised interviews: each under 300 ms on this machine (an absolute target, measured
here). The queue opens with its rows. The first time, its flags follow from a background
task; once computed they are kept (sealed to the review key) and open with the queue while
no record changes. The queue is opened three times, its flags arriving in each: the best
of the three is with the flags kept. The background pass is timed separately (the first
time with loading statsmodels and scipy, then again).

The queue shows a page of rows at a time (ui/review_queue.py, services/review_pages.py):
the parts timed after the openings are its first page as it opens (received interviews by
ISN, with their count), the same sorted by the interviewer (sorted in SQL without an index),
by the choice (each record's choice opened, from those the flags' pass kept) and with
"Flagged only", and the whole list as the command line's `review` reads it.

The interviews are written straight into the database (a read benchmark: taking 20,000
interviews through the services would render and sign 20,000 PDFs first).
Run: python benches/bench_review_queue.py [INTERVIEWS ...]   (default: 2000 20000)
"""

import json
import random
import shutil
import sys
import time
import uuid

from common import PASSWORD, new_station, roster_csv, use_offscreen_qt, workdir

from screening_app.domain.canonical import canonical_json
from screening_app.pki.review_seal import ReviewSeal
from screening_app.protocol import default_protocol
from screening_app.store.connection import write_transaction
from screening_app.store.interviews import answers_context, choice_context, progress_context
from screening_app.store.review_key import ReviewKeyRepository

TARGET_MS = 300


def fill(services, admin, count: int) -> None:
    """Each record sealed to the review key as interviewers' sessions seal them (one
    session's key for all), so that the queue opens them as it does at a station: its
    answers, choice, and its progress with a journal of three steps and thirty answers
    (the steps the timing flags read)."""
    db = services.station.db
    protocol = default_protocol()
    interviewers = [services.accounts.add_user(admin, f"interviewer{n}", "interviewer",
                                               PASSWORD) for n in range(12)]
    with write_transaction(db):
        db.execute("INSERT OR IGNORE INTO protocols VALUES (?, ?, ?, ?, ?)",
                   [protocol.sha256, protocol.id, protocol.version,
                    canonical_json(protocol.source), "2026-11-27T00:00:00.000Z"])
    insert(services, [i.user_id for i in interviewers], 0, count)


def insert(services, interviewer_ids: list[str], first: int, count: int) -> None:
    """Interviews number ``first`` to ``first + count - 1``, of the roster's people in
    that order."""
    rng = random.Random(7 + first)
    db = services.station.db
    interviewers_seal = ReviewSeal()
    interviewers_seal.know(ReviewKeyRepository(db).public())
    protocol = default_protocol()
    people = [r[0] for r in db.execute("SELECT isn FROM subjects ORDER BY isn"
                                       " LIMIT ? OFFSET ?", [count, first])]
    with write_transaction(db):
        interviews = []
        questions = [q.id for q in protocol.questions()][:30]
        for n, isn in enumerate(people, start=first):
            interview_id = str(uuid.uuid4())
            day = f"2026-11-{1 + n % 27:02d}"
            started = f"{day}T08:{n % 60:02d}:00.000Z"
            ended = f"{day}T08:{n % 60:02d}:59.000Z" if n % 7 == 0 else f"{day}T09:30:00.000Z"
            completed = n % 10 != 0
            choice = rng.choice(["enlist", "repatriate"]) if completed else None
            snapshot = {"isn": isn, "name_native": "김민준", "name_latin": "Kim Min-jun",
                        "nationality": "Korean", "rank": None, "unit": None, "camp": "Koje-do",
                        "compound": f"Compound {60 + n % 20}", "birth_year": 1928}
            answers = json.dumps({"interpreter_name": f"interpreter {n % 5}"}).encode()
            journal = [{"at": f"{day}T08:{minute}:00.000Z", "step": step}
                       for step, minute in (("identity", "00"), ("explanation", "05"),
                                            ("choice", "09"))]
            journal += [{"at": f"{day}T08:09:{q:02d}.000Z", "step": "choice",
                         "question": question, "value": "yes"}
                        for q, question in enumerate(questions)]
            progress = {"current_step": "signatures", "flags": [], "journal": journal,
                        "non_completion_step": None if completed else "identity"}
            interviews.append([
                interview_id, "BENCH-01", isn, canonical_json(snapshot), protocol.sha256,
                "{}", interviewer_ids[n % 12], "ko", "final", "{}", None,
                started, ended, ended, "completed" if completed else "not_completed", None,
                0, "[]", None if completed else "unfit", None, 0,
                None, "0" * 64,
                interviewers_seal.seal(answers, answers_context(interview_id)),
                interviewers_seal.seal(choice.encode(), choice_context(interview_id))
                if choice else None,
                interviewers_seal.seal(canonical_json(progress).encode(),
                                       progress_context(interview_id))])
        db.conn.executemany(
            "INSERT INTO interviews (id, station_id, subject_isn, subject_snapshot,"
            " protocol_sha256, option_order, interviewer_id, language, status, answers,"
            " current_step, started_at, ended_at, finalised_at, outcome, choice,"
            " firmness_mismatch, flags, non_completion_reason, non_completion_step,"
            " transcribed, supersedes_id, record_sha256, sealed_answers, sealed_choice,"
            f" sealed_progress) VALUES ({', '.join('?' * 26)})", interviews)


def one_more(services, supervisor, count: int) -> None:
    ids = [row[0] for row in services.station.db.execute(
        "SELECT id FROM users WHERE name LIKE 'interviewer%' ORDER BY name")]
    insert(services, ids, count, 1)
    services.reviews.flags(supervisor)


def timed(action) -> float:
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


def main() -> int:
    counts = [int(arg) for arg in sys.argv[1:]] or [2_000, 20_000]
    use_offscreen_qt()
    return 0 if all([measure(count) for count in counts]) else 1


def measure(count: int) -> bool:
    from PySide6.QtCore import QThreadPool

    from screening_app.ui.app import application
    from screening_app.ui.dashboard import DashboardDialog
    from screening_app.ui.review_queue import ReviewQueueDialog

    folder = workdir("review")
    services, admin = new_station(folder)
    services.roster.import_file(admin, roster_csv(folder, max(count, 20_000)))
    fill(services, admin, count)
    supervisor = services.accounts.add_user(admin, "supervisor", "supervisor", PASSWORD)
    app = application()
    results = {}
    for name, opener in (("review queue", lambda: ReviewQueueDialog(services, supervisor)),
                         ("dashboard", lambda: DashboardDialog(services, supervisor))):
        runs = []
        for _ in range(3):
            def open_and_show(opener=opener):
                dialog = opener()
                dialog.show()
                app.processEvents()  # the kept flags, when there are some, are shown here
                dialog.close()
            runs.append(timed(open_and_show))
            # The queue's flags arrive from a background task after it opens: let it end
            # before the next measurement, so runs do not compete for the CPU.
            QThreadPool.globalInstance().waitForDone()
            app.processEvents()
        results[name] = min(runs)
    kept_flags = services.reviews.kept_flags(supervisor)
    kept = kept_flags is not None
    flagged = [i for i, found in (kept_flags.shown_by_interview() if kept else {}).items()
               if found]

    def first_page(**how):
        return services.reviews.queue_pages(supervisor, state="received",
                                            **how).next_page(200)
    # The kept flags first: timed after the whole queue and the choices they took 142-203
    # ms instead of about 20 at 20,000 (most likely collecting the garbage of the 20,000
    # items just built while they are parsed).
    parts = {
        "kept flags": timed(lambda: services.reviews.kept_flags(supervisor)),
        "first page": timed(lambda: first_page(order="subject_isn", descending=True)),
        "by interviewer": timed(lambda: first_page(order="interviewer")),
        "by choice": timed(lambda: first_page(order="choice")),
        "flagged only": timed(lambda: first_page(only=flagged)),
        "whole queue": timed(lambda: services.reviews.queue(supervisor)),
        # Computed afresh (libraries loaded above): every record opened.
        "flags, every record": timed(lambda: services.reviews._computed_flags(
            services.reviews._flag_settings())),
        # What a new record costs: its person's records opened, the group tests on the
        # facts kept from the last pass.
        "flags after a new record": timed(lambda: one_more(services, supervisor, count)),
        "dashboard figures": timed(lambda: services.dashboard.figures(supervisor)),
    }
    print(f"review queue and dashboard, {count} finalised interviews")
    ok = True
    for name, ms in results.items():
        verdict = "ok" if ms < TARGET_MS else "OVER TARGET"
        ok &= ms < TARGET_MS
        shown = " with its flags kept" if name == "review queue" and kept else ""
        print(f"  open {name}{shown}: {ms:.0f} ms (target < {TARGET_MS} ms) {verdict}")
    print("  of which: " + ", ".join(f"{k} {v:.0f} ms" for k, v in parts.items()))
    services.close()
    shutil.rmtree(folder, ignore_errors=True)
    return ok


if __name__ == "__main__":
    sys.exit(main())
