"""Injected I/O errors: one command of the program, run in a child process under strace,
with one system call that touches the site's folders failing with EIO or ENOSPC.

A command is first run clean, traced, to list the calls it makes on the site's folders
(the station's, headquarters', the sticks and folders it writes to): each ``write`` or
``pwrite64``, ``fsync`` or ``fdatasync``, ``rename``, ``renameat`` or ``renameat2``, and
``openat`` for writing (O_WRONLY, O_RDWR or O_CREAT). Then, on a fresh copy of the site,
the same command runs with one of those calls failing. Calls on anything else (standard
output and error, Python's own files) never fail, so the sentence can still be printed.

strace counts the calls of one system call in one thread (its ``when=N``): the command is
deterministic, so the Nth call of the clean run is the Nth call of the injected one, and
the injected run's own trace says which call failed (``(INJECTED)``). A run whose failed
call was not the one aimed at is reported as such, never taken for a pass.

What must hold after each run (``problems_after``): exit 2 with exactly one sentence on
standard error, or exit 0 when the failed call did not matter (the result must then be
whole and correct); no ``.partial`` file left; what the operation reports saved is there,
and nothing is there that it says was not; the station opens with its password, ``check``
and ``audit verify`` pass, and the same command run again without a fault succeeds.

Used by tests/faults/test_injected_io_errors.py (a sample of calls) and
benches/bench_io_errors.py (every call, both errors).
"""

import contextlib
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from tests.faults.kill_workload import (
    FAST_ENV,
    INTERVIEWER,
    SUPERVISOR,
    roster_pool,
    write_roster_file,
)
from tests.faults.site import ADMIN, KillSite, prepare_site, warm_up

REPOSITORY = Path(__file__).resolve().parents[2]
CHILD_TIMEOUT_SECONDS = 120
_CHECKING = threading.Lock()
# The system calls of each kind, as strace names them.
KINDS = {
    "write": ("write", "pwrite64"),
    "fsync": ("fsync", "fdatasync"),
    "rename": ("rename", "renameat", "renameat2"),
    "open": ("openat",),
}
ERRNOS = ("EIO", "ENOSPC")
_WRITE_FLAGS = re.compile(r"\bO_(WRONLY|RDWR|CREAT)\b")
_LINE = re.compile(r"^(?P<name>\w+)\((?P<args>.*)\) += (?P<result>.*)$")
_FD_PATH = re.compile(r"^-?\d+<(?P<path>[^>]*)>")
_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')
# Parts of a name that differ from run to run: the random part of a whole-or-nothing
# write's hidden file (durable.write_atomically), and a bundle's or backup's moment and id.
_PARTIAL = re.compile(r"(/\.[^/]+)\.[a-z0-9_]{8}(\.partial)$")
_MOMENT = re.compile(r"\d{4}-?\d\d-?\d\dT\d{4,6}(-[0-9a-f]{8})?")
_DIRFD = re.compile(r"^AT_FDCWD<(?P<cwd>[^>]*)>|^\d+<(?P<dir>[^>]*)>")
NEW_PASSWORD = "another long pass phrase"
CHILD_CODE = ("import sys; from tests.faults.kill_workload import use_fast_test_settings;"
              " use_fast_test_settings(); from screening_app.cli import run;"
              " sys.exit(run(sys.argv[1:]))")


def why_no_strace() -> str | None:
    """None where strace can trace and inject here, else why not (no strace, no ptrace)."""
    if shutil.which("strace") is None:
        return "strace is not installed"
    try:
        probe = subprocess.run(["strace", "-f", "-qq", "-o", os.devnull,
                                "-e", "inject=getppid:error=EIO", "true"],
                               capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"strace does not run: {error}"
    if probe.returncode != 0:
        return f"strace cannot trace here: {probe.stderr.strip() or probe.returncode}"
    return None


# -- the calls --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Call:
    """One call of a clean run that touches the site, and how strace finds it again."""

    kind: str  # a key of KINDS
    syscall: str
    nth: int  # among the calls of ``syscall`` in its thread: strace's when=
    path: str  # relative to the site's root (see _named)
    thread: int  # 0 for the program's main thread, then threads and processes in order
    # Other threads' and processes' ``nth`` call of ``syscall``: strace counts each one's
    # calls apart, so these fail with it.
    also: tuple[str, ...] = ()
    # False when another thread of the program makes an ``nth`` call of ``syscall`` too:
    # the first failure changes what the other thread does next, so the second one could
    # land anywhere (on standard error, where the sentence goes). Only the encryption of a
    # bundle runs on a thread of its own; its writes are left to the full-disk tests.
    alone: bool = True

    def __str__(self) -> str:
        where = f" in thread {self.thread}" if self.thread else ""
        return f"{self.syscall} #{self.nth}{where} ({self.path})"


@dataclass(frozen=True)
class _Traced:
    name: str
    path: str  # what it writes to ("" when it does not write, or shows no path)
    standard: bool  # on standard output or error
    result: str


def _traced(name: str, args: str, result: str) -> _Traced:
    if name in ("write", "pwrite64", "fsync", "fdatasync"):
        match = _FD_PATH.match(args)
        return _Traced(name, match["path"] if match else "", args[:2] in ("1<", "2<"), result)
    strings = _STRING.findall(args)
    if name == "openat":
        path = strings[0] if strings else ""
        if path and not path.startswith("/"):
            where = _DIRFD.match(args)
            path = os.path.join((where["cwd"] or where["dir"]) if where else "", path)
        return _Traced(name, path if _WRITE_FLAGS.search(args) else "", False, result)
    # rename(old, new), renameat(dirfd, old, dirfd, new[, flags]): the new name.
    return _Traced(name, strings[-1] if strings else "", False, result)


class Trace:
    """The calls strace logged (-ff: one log per thread or process), each thread's in
    order; the program's main thread is the one whose log holds its execve, the others are
    numbered in the order they started (their ids grow)."""

    def __init__(self, prefix: Path, root: Path):
        self.inside = f"{root}/"
        logs = sorted(prefix.parent.glob(f"{prefix.name}.*"),
                      key=lambda log: int(log.suffix[1:]))
        threads = []
        for log in logs:
            text = log.read_text(encoding="utf-8", errors="replace")
            calls = [_traced(m["name"], m["args"], m["result"])
                     for m in map(_LINE.match, text.splitlines())
                     if m is not None and m["name"] != "execve"]
            threads.append(("execve(" in text, calls))
        # The main thread first (strace starts it first; its log names the program). Other
        # logs holding an execve are programs it ran (openssl), whose standard output and
        # error are pipes to it, not the person's.
        threads.sort(key=lambda thread: not thread[0])
        self.threads = [calls for _exec, calls in threads]
        self.ours = [number == 0 or not execs for number, (execs, _calls)
                     in enumerate(threads)]

    def calls(self) -> list[Call]:
        """Every call on the site, main thread first."""
        found = []
        for number, calls in enumerate(self.threads):
            seen: dict[str, int] = {}
            for call in calls:
                seen[call.name] = seen.get(call.name, 0) + 1
                if not call.path.startswith(self.inside):
                    continue
                nth = seen[call.name]
                others = [(self._nth(other, call.name, nth), self.ours[index]) for index, other
                          in enumerate(self.threads) if index != number]
                alone = not any(other is not None and ours for other, ours in others)
                others = [other for other, _ours in others if other is not None]
                kind = next(kind for kind, names in KINDS.items() if call.name in names)
                found.append(Call(kind, call.name, nth, self.named(call.path), number,
                                  tuple(f"{o.name} {self.named(o.path) or '(elsewhere)'}"
                                        for o in others), alone))
        return found

    def injected(self) -> list[str]:
        """What the run's trace says failed: each as "syscall path"."""
        return [f"{call.name} {self.named(call.path)}" for calls in self.threads
                for call in calls if "(INJECTED)" in call.result]

    @staticmethod
    def _nth(calls: list[_Traced], name: str, nth: int) -> _Traced | None:
        of_name = [call for call in calls if call.name == name]
        return of_name[nth - 1] if len(of_name) >= nth else None

    def named(self, path: str) -> str:
        """``path`` relative to the site, the same in every run (see _PARTIAL, _MOMENT)."""
        return _MOMENT.sub("*", _PARTIAL.sub(r"\1.*\2", path.removeprefix(self.inside)))


# -- running a command ------------------------------------------------------------------------
@dataclass(frozen=True)
class Outcome:
    code: int
    out: str
    err: str
    injected: list[str]  # what failed, from the trace


def run_traced(root: Path, argv: list[str], stdin: str, *, inject: tuple[Call, str] | None
               = None) -> tuple[Outcome, list[Call]]:
    """Run the command line under strace in a child with the suite's quick password
    settings; with ``inject`` = (call, errno name), that call fails. Returns the outcome
    and the calls the run made on ``root``."""
    names = ",".join(name for names in KINDS.values() for name in names)
    with tempfile.TemporaryDirectory(prefix="strace-") as logs:
        prefix = Path(logs) / "call"
        command = ["strace", "-f", "-ff", "-qq", "-y", "-s", "1", "--seccomp-bpf",
                   "-o", str(prefix), "-e", f"trace=execve,{names}"]
        if inject is not None:
            call, error = inject
            command += ["-e", f"inject={call.syscall}:error={error}:when={call.nth}"]
        env = {**os.environ, FAST_ENV: "1", "PYTHONDONTWRITEBYTECODE": "1",
               "PYTHONPATH": os.pathsep.join(filter(None, [str(REPOSITORY),
                                                           os.environ.get("PYTHONPATH")]))}
        child = subprocess.run([*command, sys.executable, "-c", CHILD_CODE, *argv],
                               input=stdin, capture_output=True, text=True, cwd=REPOSITORY,
                               env=env, timeout=CHILD_TIMEOUT_SECONDS, check=False)
        trace = Trace(prefix, root)
        return Outcome(child.returncode, child.stdout, child.stderr,
                       trace.injected()), trace.calls()


@contextlib.contextmanager
def _stdin(text: str) -> Iterator[None]:
    saved = sys.stdin
    sys.stdin = io.StringIO(text)
    try:
        yield
    finally:
        sys.stdin = saved


def cli_here(*argv: object, stdin: str = "") -> tuple[int, str, str]:
    """The command line in this process (for the checks after a run): code, out, err."""
    from screening_app.cli import run

    out, err = io.StringIO(), io.StringIO()
    with _stdin(stdin), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = run([str(part) for part in argv])
    return code, out.getvalue(), err.getvalue()


# -- the site ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class FaultSite:
    """A prepared site (see prepare_fault_site): a station and headquarters, and the files
    the operations take, all under ``root`` so that one copy holds everything."""

    root: Path
    received_id: str  # an interview waiting for review
    up_bundle: str  # a station bundle headquarters has not taken in (relative to root)
    down_bundle: str  # a bundle from headquarters the station has not applied
    free_isn: str  # someone on the roster with no interview yet

    @property
    def kill_site(self) -> KillSite:
        return KillSite(self.root / "site")

    @property
    def data_dir(self) -> Path:
        return self.kill_site.data_dir

    @property
    def hq_dir(self) -> Path:
        return self.kill_site.hq_dir

    def copy_to(self, root: Path) -> "FaultSite":
        shutil.copytree(self.root, root, symlinks=True)
        return FaultSite(root, self.received_id, self.up_bundle, self.down_bundle,
                         self.free_isn)

    def path(self, relative: str) -> Path:
        return self.root / relative


def prepare_fault_site(root: Path, test_keys: dict) -> FaultSite:
    """prepare_site with a short day's work (site.warm_up: sealed, approved, synced
    records), then: an interview waiting for review, a bundle headquarters has not taken
    in, a bundle from headquarters not yet applied, a roster file that grows the roster
    and corrects some of it, and an answers file."""
    import json

    from screening_app.hq.down import build_down_bundle
    from screening_app.hq.headquarters import Headquarters
    from screening_app.protocol.examples import complete_answers
    from screening_app.services.app import StationServices

    root = Path(root)
    site = prepare_site(root / "site", test_keys)
    with contextlib.redirect_stdout(io.StringIO()):
        warm_up(site)
    inputs = root / "inputs"
    inputs.mkdir()
    (inputs / "answers.json").write_text(json.dumps({"answers": complete_answers("enlist")}),
                                         encoding="utf-8")
    pool = roster_pool()
    services, supervisor = StationServices.unlock(site.data_dir, SUPERVISOR, site.password)
    try:
        held = services.roster.count(supervisor)
        rows = [dict(row) for row in pool[:held + 5]]
        for row in rows[:8]:
            row["compound"] = "Compound 953"
        write_roster_file(inputs / "roster.csv", rows)
        interviewed = {isn for (isn,) in services.station.db.execute(
            "SELECT subject_isn FROM interviews")}
        free = [row["isn"] for row in pool[:held] if row["isn"] not in interviewed]
        interviewing, interviewer = StationServices.unlock(site.data_dir, INTERVIEWER,
                                                           site.password)
        try:
            final = interviewing.transcription.record(
                interviewer, free[0], {"answers": complete_answers("repatriate")}, "paper")
        finally:
            interviewing.close()
        hq = Headquarters.open(site.hq_dir, site.hq_passphrase)
        try:
            down = build_down_bundle(hq, site.station_id, inputs / "down")
        finally:
            hq.close()
        up = services.sync.export(supervisor, inputs / "up").path
    finally:
        services.close()
    return FaultSite(root, final.id, str(up.relative_to(root)), str(down.relative_to(root)),
                     free[1])


# -- the operations ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Operation:
    name: str
    argv: Callable[[FaultSite], list[object]]
    user: str | None  # the station account it signs in as; None: headquarters' passphrase
    more_stdin: tuple[str, ...] = ()
    # The problems with its result: (site, exit code, stdout, stderr) -> sentences.
    result_problems: Callable[[FaultSite, int, str, str], list[str]] = lambda *_: []

    def stdin(self, site: FaultSite) -> str:
        first = site.kill_site.hq_passphrase if self.user is None else site.kill_site.password
        return "".join(f"{line}\n" for line in (first, *self.more_stdin))

    def full_argv(self, site: FaultSite) -> list[str]:
        argv = [str(part) for part in self.argv(site)]
        if self.user is None:
            return [*argv, "--password-stdin"]
        return ["--data-dir", str(site.data_dir), *argv, "--user", self.user,
                "--password-stdin"]


@contextlib.contextmanager
def signed_in(site: FaultSite, user: str = SUPERVISOR, password: str | None = None):
    from screening_app.services.app import StationServices

    services, actor = StationServices.unlock(site.data_dir, user,
                                             password or site.kill_site.password)
    try:
        yield services, actor
    finally:
        services.close()


def _recorded(site: FaultSite, code: int, out: str, err: str) -> list[str]:
    with signed_in(site) as (services, supervisor):
        interviews = services.interviews.list(supervisor, subject_isn=site.free_isn)
        finals = [services.interviews.load(supervisor, interview.id).record
                  for interview in interviews if interview.status != "draft"]
    if code == 0 and (len(finals) != 1 or finals[0].computed_hash() != finals[0].record_sha256
                      or finals[0].id not in out):
        return [f"The command said the interview was recorded, but {len(finals)} whole final"
                f" records of {site.free_isn} are there."]
    if code != 0 and interviews:
        return [f"The command failed, but {len(interviews)} interviews of {site.free_isn}"
                " are there."]
    return []


def _roster(site: FaultSite, code: int, out: str, err: str) -> list[str]:
    expected = sum(1 for _ in site.path("inputs/roster.csv").open(encoding="utf-8")) - 1
    with signed_in(site) as (services, supervisor):
        held = services.roster.count(supervisor)
        corrected = services.station.db.execute(
            "SELECT count(*) FROM subjects WHERE compound = 'Compound 953'").fetchone()[0]
    if code == 0 and (held, corrected) != (expected, 8):
        return [f"The import was reported done, but the roster holds {held} people"
                f" ({corrected} corrected) instead of {expected} (8)."]
    if code != 0 and (held, corrected) != (expected - 5, 0):
        return [f"The import failed, but the roster holds {held} people ({corrected}"
                " corrected): part of it was kept."]
    return []


def _password(site: FaultSite, code: int, out: str, err: str) -> list[str]:
    from screening_app.domain.errors import AuthenticationFailed

    good, bad = ((NEW_PASSWORD, site.kill_site.password) if code == 0
                 else (site.kill_site.password, NEW_PASSWORD))
    problems = []
    try:
        with signed_in(site, INTERVIEWER, good):
            pass
    except AuthenticationFailed:
        problems.append(f"ivan cannot sign in with the {'new' if code == 0 else 'old'}"
                        " password after the command "
                        f"{'said it changed' if code == 0 else 'failed'}.")
    try:
        with signed_in(site, INTERVIEWER, bad):
            problems.append(f"ivan still signs in with the {'old' if code == 0 else 'new'}"
                            " password.")
    except AuthenticationFailed:
        pass
    return problems


def _approved(site: FaultSite, code: int, out: str, err: str) -> list[str]:
    with signed_in(site) as (services, _supervisor):
        state = services.reviews.state(site.received_id)
        forms = services.station.db.execute(
            "SELECT count(*) FROM documents WHERE interview_id = ? AND revision = 2",
            [site.received_id]).fetchone()[0]
    if code == 0 and (state, forms) != ("approved", 1):
        return [f"The approval was reported, but the review is {state!r} with {forms}"
                " countersigned forms."]
    if code != 0 and (state, forms) != ("received", 0):
        return [f"The approval failed, but the review is {state!r} with {forms}"
                " countersigned forms."]
    return []


def _exported(site: FaultSite, code: int, out: str, err: str) -> list[str]:
    from screening_app.sync import bundle as bundles

    stick = site.path("stick")
    files = sorted(stick.iterdir()) if stick.is_dir() else []
    with signed_in(site) as (services, _supervisor):
        recorded = {row[0] for row in services.station.db.execute(
            "SELECT bundle_id FROM sync_exports")}
    problems = []
    if code == 0:
        if len(files) != 1:
            return [f"The export was reported, but the stick holds {len(files)} files."]
        try:
            header = bundles.read_header(files[0]).header
        except bundles.BundleError as error:
            return [f"The exported bundle is damaged: {error}"]
        if header.bundle_id not in recorded:
            problems.append("The exported bundle is not recorded as exported.")
    elif files:
        problems.append(f"The export failed, but the stick holds {[f.name for f in files]}.")
    return problems


def _applied(site: FaultSite, code: int, out: str, err: str) -> list[str]:
    from screening_app.sync import bundle as bundles

    bundle_id = bundles.read_header(site.path(site.down_bundle)).header.bundle_id
    with signed_in(site) as (services, _supervisor):
        applied = services.station.db.execute(
            "SELECT count(*) FROM events WHERE kind = 'sync.applied' AND"
            " json_extract(payload, '$.bundle_id') = ?", [bundle_id]).fetchone()[0]
    if code == 0 and applied != 1:
        return ["The bundle was reported applied, but its application is not recorded."]
    if code != 0 and applied:
        return ["Applying failed, but the bundle's application is recorded."]
    return []


def _backed_up(site: FaultSite, code: int, out: str, err: str) -> list[str]:
    from screening_app.services.backup import read_backup

    folder = site.path("backups")
    made = sorted(folder.iterdir()) if folder.is_dir() else []
    with signed_in(site) as (services, _supervisor):
        events = services.station.db.execute(
            "SELECT count(*) FROM events WHERE kind = 'backup.made'").fetchone()[0]
    if code != 0:
        if made:
            return [f"The backup failed, but {[p.name for p in made]} was left in its folder."]
        return []
    if len(made) != 1 or events != 1:
        return [f"The backup was reported made, but its folder holds {len(made)} entries and"
                f" the history {events} backups."]
    try:
        read_backup(made[0], ADMIN, site.kill_site.password)
    except Exception as error:  # noqa: BLE001 - whatever stops it reading is the finding
        return [f"The backup reported made does not read back: {error}"]
    return []


def _ingested(site: FaultSite, code: int, out: str, err: str) -> list[str]:
    from screening_app.hq.headquarters import Headquarters
    from screening_app.sync import bundle as bundles

    bundle_id = bundles.read_header(site.path(site.up_bundle)).header.bundle_id
    hq = Headquarters.open(site.hq_dir, site.kill_site.hq_passphrase)
    try:
        held = hq.store.bundle(bundle_id) is not None
    finally:
        hq.close()
    problems = []
    if code == 0 and not held:
        problems.append("The intake was reported, but headquarters does not hold the bundle.")
    if code == 0 and not any(site.path("reply").glob("*.scb")):
        problems.append("The intake was reported, but no reply was written.")
    if code != 0 and held and "is taken in, but its reply" not in err:
        # Taken in, but the reply failed: the sentence must say the intake stands.
        problems.append("The intake failed, but headquarters holds the bundle.")
    return problems


OPERATIONS = {operation.name: operation for operation in (
    Operation("interview record", lambda s: ["interview", "record", "--isn", s.free_isn,
                                             "--answers", s.path("inputs/answers.json")],
              INTERVIEWER, result_problems=_recorded),
    Operation("roster import", lambda s: ["roster", "import", s.path("inputs/roster.csv")],
              ADMIN, result_problems=_roster),
    Operation("user passwd", lambda s: ["user", "passwd"], INTERVIEWER, (NEW_PASSWORD,),
              result_problems=_password),
    Operation("review approve", lambda s: ["review", "approve", s.received_id, "--note",
                                           "The signed paper form is complete."], SUPERVISOR,
              result_problems=_approved),
    Operation("sync export", lambda s: ["sync", "export", "--to", s.path("stick")],
              SUPERVISOR, result_problems=_exported),
    Operation("sync apply", lambda s: ["sync", "apply", s.path(s.down_bundle)], SUPERVISOR,
              result_problems=_applied),
    Operation("backup", lambda s: ["backup", "--to", s.path("backups")], ADMIN,
              result_problems=_backed_up),
    Operation("hq ingest", lambda s: ["hq", "ingest", s.path(s.up_bundle), "--dir",
                                      s.hq_dir, "--reply-to", s.path("reply")],
              None, result_problems=_ingested),
)}


# -- one injected failure, checked ------------------------------------------------------------
@dataclass(frozen=True)
class Trial:
    operation: str
    call: Call
    error: str
    outcome: Outcome
    found: list[tuple[str, str]]  # (one of PROBLEM_KINDS, the sentence)

    @property
    def problems(self) -> list[str]:
        return [sentence for _kind, sentence in self.found]

    @property
    def kinds(self) -> set[str]:
        return {kind for kind, _sentence in self.found}

    @property
    def missed(self) -> bool:
        """The call aimed at did not fail (the run went another way than the clean one)."""
        return f"{self.call.syscall} {self.call.path}" not in self.outcome.injected

    def describe(self) -> str:
        return (f"{self.operation}: {self.error} at {self.call}: exit {self.outcome.code},"
                f" {self.outcome.err.strip()!r}: {'; '.join(self.problems)}")


def count_calls(operation: Operation, site: FaultSite, workdir: Path) -> list[Call]:
    """The calls one clean run of ``operation`` makes on a copy of ``site``."""
    copy = site.copy_to(workdir / "clean")
    try:
        outcome, calls = run_traced(copy.root, operation.full_argv(copy), operation.stdin(copy))
        if outcome.code != 0:
            raise AssertionError(f"{operation.name} fails without any fault (exit"
                                 f" {outcome.code}): {outcome.err}")
        return calls
    finally:
        shutil.rmtree(copy.root, ignore_errors=True)


def try_failure(operation: Operation, site: FaultSite, call: Call, error: str,
                workdir: Path) -> Trial:
    """Run ``operation`` on a fresh copy of ``site`` with ``call`` failing with ``error``,
    then check everything that must hold after it (see the module)."""
    copy = site.copy_to(Path(tempfile.mkdtemp(prefix=f"{call.kind}-{error}-", dir=workdir))
                        / "site")
    try:
        outcome, _calls = run_traced(copy.root, operation.full_argv(copy),
                                     operation.stdin(copy), inject=(call, error))
        # The checks run the command line in this process, one at a time (they redirect
        # its standard streams); only the children run side by side.
        with _CHECKING:
            found = problems_after(operation, copy, outcome)
        return Trial(operation.name, call, error, outcome, found)
    finally:
        shutil.rmtree(copy.root.parent, ignore_errors=True)


def try_failures(operation: Operation, site: FaultSite, chosen: list[tuple[Call, str]],
                 workdir: Path, jobs: int = 2) -> Iterator[Trial]:
    """try_failure for each (call, error), ``jobs`` children at a time, in order."""
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        yield from pool.map(lambda chosen: try_failure(operation, site, *chosen, workdir),
                            chosen)


def sentence_problems(outcome: Outcome) -> list[str]:
    """Exit 2 with one sentence, or 0 with nothing on standard error."""
    err = outcome.err
    if outcome.code == 0:
        return [] if "Traceback" not in err and "unexpected" not in err else [
            f"It succeeded but printed {err!r}."]
    lines = err.splitlines()
    if outcome.code != 2 or len(lines) != 1 or not err.endswith(".\n") \
            or "unexpected failure" in err or not err.startswith("screening-app: "):
        return [f"It ended with exit {outcome.code} and {err!r}, not one sentence and exit 2."]
    return []


# What can go wrong after an injected failure, as the bench counts it.
PROBLEM_KINDS = {
    "sentence": "exits that were not one sentence (exit 2) or a clean success",
    "half-written": "failures that left something behind (a partial file, part of the work)",
    "lost": "results reported done that are not there whole (records lost)",
    "unopenable": "stations (or headquarters) left unopenable or failing check/audit",
    "stuck": "stations on which the same command then failed",
}


def problems_after(operation: Operation, site: FaultSite, outcome: Outcome
                   ) -> list[tuple[str, str]]:
    found = [("sentence", problem) for problem in sentence_problems(outcome)]
    partial = [str(path.relative_to(site.root)) for path in site.root.rglob("*.partial")]
    if partial:
        found.append(("half-written", f"Partial files were left: {partial}."))
    try:
        whole = whole_problems(site, operation)
    except Exception as error:  # noqa: BLE001 - whatever stops it opening is the finding
        whole = [f"It does not open: {error!r}."]
    found += [("unopenable", problem) for problem in whole]
    if whole:
        return found
    kind = "lost" if outcome.code == 0 else "half-written"
    try:
        found += [(kind, problem) for problem in operation.result_problems(
            site, outcome.code, outcome.out, outcome.err)]
    except Exception as error:  # noqa: BLE001 - whatever stops the check is the finding
        found.append((kind, f"Checking the result failed: {error!r}."))
    if outcome.code == 0:
        return found  # done once (checked above): the same again may rightly be refused
    again = cli_here(*operation.full_argv(site), stdin=operation.stdin(site))
    if again[0] != 0:
        found.append(("stuck", f"The same command without a fault then fails (exit"
                               f" {again[0]}): {again[2].strip()!r}."))
    return found


def whole_problems(site: FaultSite, operation: Operation) -> list[str]:
    """The station opens with its password, and `check` and `audit verify` pass; for an
    operation of headquarters, headquarters opens and its store passes its checks."""
    problems = []
    password = f"{site.kill_site.password}\n"
    for argv in (["check"], ["audit", "verify"]):
        code, out, err = cli_here("--data-dir", site.data_dir, *argv, "--user", ADMIN,
                                  "--password-stdin", stdin=password)
        if code != 0:
            problems.append(f"'{' '.join(argv)}' fails afterwards (exit {code}):"
                            f" {(err or out).strip()!r}.")
    if operation.user is None:
        from screening_app.hq.headquarters import Headquarters

        hq = Headquarters.open(site.hq_dir, site.kill_site.hq_passphrase)
        try:
            problems += [f"Headquarters: {problem}" for problem
                         in hq.store.integrity_problems()]
        finally:
            hq.close()
    return problems


def sample(calls: list[Call], kinds: tuple[str, ...] = tuple(KINDS)) -> list[Call]:
    """The first, middle and last call of each kind."""
    chosen = []
    for kind in kinds:
        of_kind = [call for call in calls if call.kind == kind]
        for index in sorted({0, len(of_kind) // 2, len(of_kind) - 1}):
            if of_kind and of_kind[index] not in chosen:
                chosen.append(of_kind[index])
    return chosen
