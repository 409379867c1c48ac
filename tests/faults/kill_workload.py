"""The child of the kill test: real work against a station and its headquarters, in a loop
that never ends, until the parent kills the process with SIGKILL.

    python -m tests.faults.kill_workload DATA_DIR HQ_DIR SEED

Standard input holds the accounts' password on its first line (every account of the
prepared station has the same one, as in the test fixtures) and the headquarters
passphrase on its second. With SCREENING_TEST_FAST=1 the child uses the smallest argon2
costs, as tests/conftest.py does for the test suite (never set in product code).

Each piece of work goes through the same services as the desktop app and the CLI: roster
imports (a generated roster, re-imported with growth and corrections), interviews started
and answered question by question (drafts), drafts resumed and finalised, paper interviews
transcribed, approvals (each countersigns the stored form), export of a sync bundle, intake
of the bundles at headquarters and the acknowledgements that come back down.

Standard output is the parent's record of what must survive. Every line is flushed, and a
line naming a commit is printed only after that commit returned:

    READY                              set-up done; the parent may kill from now on
    WORK <kind>                        about to start one piece of work
    ROSTER <people>                    a roster import committed
    DRAFT <id> <step> <answers json>   a draft as committed (its step and every answer)
    FINAL <id> <record_sha256>         a finalised record
    APPROVED <id>                      an approval, with its countersigned form
    EXPORTED <bundle id>               a bundle written and its export recorded
    INGESTED <bundle id>               headquarters took a bundle in
    APPLIED <bundle id>                the station applied headquarters' answer
"""

import csv
import functools
import json
import os
import random
import sys
from pathlib import Path

from screening_app.demo.roster_generator import generate_roster
from screening_app.domain.subject import ROSTER_FIELDS

SUPERVISOR = "sup"
INTERVIEWER = "ivan"
FAST_ENV = "SCREENING_TEST_FAST"

# The people a station may ever hold, always the same: imports take a growing prefix, so a
# re-import both adds people and meets people it knows (some of them corrected). Each
# interview takes someone not interviewed yet; 300 kills use about 1,500 people.
POOL_SIZE = 6000
POOL_SEED = 1953
INITIAL_ROSTER = 150
ROSTER_GROWTH = 5
ROSTER_CORRECTIONS = 8
RANKS = ("Private", "Corporal", "Sergeant", "Lieutenant")

# How often each kind of work is drawn: interviews are most of a station's day.
WORK = {"draft": 3, "resume": 2, "record": 2, "approve": 2, "roster": 1, "export": 1,
        "ingest": 1, "apply": 1}
DRAFT_MOVES = (1, 12)  # a new draft gets this many steps or answers before it is left
ABANDON_SHARE = 0.2  # of transcribed interviews, ended early as non-completion records


def outbox_folder(data_dir: Path | str) -> Path:
    """Where bundles for headquarters are written (as 'sync push' writes them)."""
    return Path(data_dir) / "outbox"


def down_folder(hq_dir: Path | str) -> Path:
    return Path(hq_dir) / "down"


def roster_folder(data_dir: Path | str) -> Path:
    return Path(data_dir).parent / "roster-files"


def roster_pool() -> list[dict]:
    return generate_roster(POOL_SIZE, seed=POOL_SEED)


def write_roster_file(path: Path, rows: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(ROSTER_FIELDS))
        writer.writeheader()
        writer.writerows(rows)
    return path


def use_fast_test_settings() -> None:
    """argon2id at its smallest cost for key slots and password hashes, exactly as the
    test suite's fixtures patch it: otherwise each sign-in would rehash every password."""
    from argon2 import PasswordHasher

    from screening_app.hq import headquarters
    from screening_app.pki import sealed
    from screening_app.services import accounts

    sealed.ARGON2 = {"time_cost": 1, "memory_cost": 64, "parallelism": 1}
    quick = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
    accounts._hasher = quick
    headquarters._operator_hasher = quick


def planned_choice(interview_id: str) -> str:
    """The choice an interview's answers give, fixed by its id: a draft resumed in another
    process continues with the same person's same choice."""
    from screening_app.protocol.examples import EXAMPLE_CHOICES

    return EXAMPLE_CHOICES[int(interview_id.replace("-", "")[:8], 16) % len(EXAMPLE_CHOICES)]


def say(*parts: object) -> None:
    print(*parts, flush=True)


class Workload:
    """One station (the supervisor and the interviewer each signed in on a session of
    their own) and its headquarters, and the pieces of work drawn at random from a seeded
    generator."""

    def __init__(self, data_dir: Path, hq_dir: Path, seed: int, password: str,
                 hq_passphrase: str):
        from screening_app.hq.headquarters import Headquarters
        from screening_app.services.app import StationServices

        self.rng = random.Random(seed)
        self.seed = seed
        self.data_dir = Path(data_dir)
        self.outbox = outbox_folder(data_dir)
        self.down = down_folder(hq_dir)
        self.pool = roster_pool()
        # The supervisor's sign-in unlocks the station key (bundles) and the supervisor's
        # own key (countersignatures); the interviewer's, the interviewer's own key, which
        # signs the forms they finalise.
        self.services, self.supervisor = StationServices.unlock(data_dir, SUPERVISOR, password)
        self.interviewing, self.interviewer = StationServices.unlock(data_dir, INTERVIEWER,
                                                                     password)
        self.hq = Headquarters.open(hq_dir, hq_passphrase)
        self.station_id = self.services.station.station_id
        self._imports = 0

    def close(self) -> None:
        self.hq.close()
        self.interviewing.close()
        self.services.close()

    def run(self) -> None:
        say("READY")
        kinds, weights = list(WORK), list(WORK.values())
        while True:
            kind = self.rng.choices(kinds, weights)[0]
            say("WORK", kind)
            getattr(self, kind)()

    # -- the roster ------------------------------------------------------------------------
    def roster(self) -> None:
        held = self.services.roster.count(self.supervisor)
        size = min(max(held, INITIAL_ROSTER) + ROSTER_GROWTH, len(self.pool))
        rows = [dict(row) for row in self.pool[:size]]
        for row in self.rng.sample(rows, k=min(ROSTER_CORRECTIONS, len(rows))):
            row["compound"] = f"Compound {self.rng.randint(60, 99)}"
            row["rank"] = self.rng.choice(RANKS)
        self._imports += 1
        path = roster_folder(self.data_dir) / f"roster-{self.seed}-{self._imports}.csv"
        self.services.roster.import_file(self.supervisor, write_roster_file(path, rows))
        say("ROSTER", size)

    def _free_person(self) -> str:
        """Someone on the roster with no interview yet (the roster grows when none is)."""
        rows = self.services.station.db.execute(
            "SELECT isn FROM subjects WHERE NOT EXISTS (SELECT 1 FROM interviews"
            " WHERE interviews.subject_isn = subjects.isn) ORDER BY isn LIMIT 100").fetchall()
        if not rows:
            if self.services.roster.count(self.supervisor) >= len(self.pool):
                raise RuntimeError(f"All {len(self.pool)} people of the roster pool have"
                                   " been interviewed; raise POOL_SIZE.")
            self.roster()
            return self._free_person()
        return self.rng.choice(rows)[0]

    # -- interviews ------------------------------------------------------------------------
    def draft(self) -> None:
        interview = self.interviewing.interviews.start(self.interviewer, self._free_person())
        self._say_draft(interview)
        self._advance(interview, self.rng.randint(*DRAFT_MOVES))

    def resume(self) -> None:
        drafts = self.interviewing.interviews.drafts(self.interviewer)
        if not drafts:
            return self.draft()
        interview = self._advance(self.rng.choice(drafts), None)
        final = self.interviewing.interviews.finalise(self.interviewer, interview.id)
        say("FINAL", final.id, final.record.record_sha256)

    def record(self) -> None:
        from screening_app.protocol.examples import EXAMPLE_CHOICES, complete_answers

        document: dict = {"answers": complete_answers(self.rng.choice(EXAMPLE_CHOICES))}
        if self.rng.random() < ABANDON_SHARE:
            document["abandon"] = {"reason": "security_incident", "step": "coercion"}
        final = self.interviewing.transcription.record(
            self.interviewer, self._free_person(), document, "kill-test answers")
        say("FINAL", final.id, final.record.record_sha256)

    def _advance(self, interview, moves: int | None):
        """Go on with a draft as the desktop app does, one committed change at a time:
        enter the next step, answer its questions in order. ``moves`` None: to the end."""
        from screening_app.protocol.examples import complete_answers

        plan = complete_answers(planned_choice(interview.id))
        done = 0
        while moves is None or done < moves:
            move = self._next_move(interview, plan)
            if move is None:
                break
            interview = move()
            self._say_draft(interview)
            done += 1
        return interview

    def _next_move(self, interview, plan: dict):
        interviews, actor = self.interviewing.interviews, self.interviewer
        engine, record = interview.engine, interview.record
        order = [step.id for step in interview.protocol.steps]
        current = order.index(record.current_step)
        for step in engine.visible_steps():
            if order.index(step.id) < current:
                continue
            if engine.stop_reason() or engine.step_status(step.id).locked_reason:
                return None
            if step.id != record.current_step:
                return functools.partial(interviews.enter_step, actor, interview.id, step.id)
            for question in engine.visible_questions(step.id):
                if question.id in record.answers or question.id not in plan:
                    continue
                value = plan[question.id]
                if question.kind == "signature":
                    return functools.partial(interviews.add_signature, actor, interview.id,
                                             question.id, mode=value["mode"])
                return functools.partial(interviews.answer, actor, interview.id, question.id,
                                         value)
        return None

    @staticmethod
    def _say_draft(interview) -> None:
        record = interview.record
        say("DRAFT", record.id, record.current_step,
            json.dumps(record.answers, sort_keys=True, ensure_ascii=True,
                       separators=(",", ":")))

    # -- review ----------------------------------------------------------------------------
    def approve(self) -> None:
        waiting = self.services.reviews.queue(self.supervisor, state="received")
        if not waiting:
            return self.record()
        interview_id = self.rng.choice(waiting).interview_id
        self.services.reviews.decide(self.supervisor, interview_id, "approved",
                                     reason="The signed paper form is complete.")
        say("APPROVED", interview_id)

    # -- sync ------------------------------------------------------------------------------
    def export(self) -> None:
        exported = self.services.sync.export(self.supervisor, self.outbox)
        say("EXPORTED", exported.bundle_id)

    def ingest(self) -> None:
        from screening_app.hq.intake import ingest

        waiting = self._bundles_not_ingested()
        if not waiting:
            self.export()
            waiting = self._bundles_not_ingested()
        for path in waiting:
            receipt = ingest(self.hq, path)
            say("INGESTED", receipt.bundle_id)

    def _bundles_not_ingested(self) -> list[Path]:
        """Whole bundle files headquarters has not taken in, oldest first (a killed export
        leaves only a hidden partial file, never a bundle)."""
        from screening_app.sync import bundle as bundles

        found = []
        for path in self.outbox.glob(f"*{bundles.SUFFIX}"):
            header = bundles.read_header(path).header
            if self.hq.store.bundle(header.bundle_id) is None:
                found.append((header.created_at, path.name, path))
        return [path for _, _, path in sorted(found)]

    def apply(self) -> None:
        from screening_app.hq.down import build_down_bundle

        station = self.hq.store.station(self.station_id)
        if station is None or not station.age_recipient:
            return self.ingest()  # headquarters learns how to answer from a first bundle
        path = build_down_bundle(self.hq, self.station_id, self.down)
        applied = self.services.sync.apply(self.supervisor, path)
        say("APPLIED", applied.bundle_id)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 3:
        print("usage: python -m tests.faults.kill_workload DATA_DIR HQ_DIR SEED",
              file=sys.stderr)
        return 2
    if os.environ.get(FAST_ENV) == "1":
        use_fast_test_settings()
    password = sys.stdin.readline().rstrip("\n")
    hq_passphrase = sys.stdin.readline().rstrip("\n")
    Workload(Path(args[0]), Path(args[1]), int(args[2]), password, hq_passphrase).run()
    return 0  # not reached: the parent kills the loop


if __name__ == "__main__":
    sys.exit(main())
