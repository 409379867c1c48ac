"""Start of the desktop program to a usable window on a station with 200,000 people,
against a bare PySide6 QMainWindow start in the same run.

Every start runs in a fresh Python process, so each one pays for its imports, the Qt
platform plugin and the first paint, as a person starting the program does:
  - bare: PySide6, QApplication, a QMainWindow holding an empty QTableView, shown;
  - sign-in window (the target is judged on this): the program as a person starts it,
    `screening-app --data-dir DIR` (`cli.main`), until the sign-in window has been painted
    with its fields ready to type in: what a person waits for before typing a password;
  - main window: `application()`, `StationServices.open`, sign-in, `MainWindow(...,
    lock_minutes=0)`, shown, until the table has been painted with the first page of the
    roster in it.
The time counted is from just before the parent spawns the child to the child's first paint
(CLOCK_MONOTONIC is the same clock in both processes), so interpreter start-up is counted and
tear-down is not. The sign-in check (argon2id: 0.10-0.16 s here and 64 MiB of memory, on
purpose) is part of the way from the sign-in window to the main window but would dominate
its figures, so the main window is started twice: with `authenticate`, and with the account
read straight from the database. Starts alternate after one warm-up of each; medians are
reported, and the best beside them.
Targets: the sign-in window at most 1.5x the bare window's time; peak resident memory of
the main window at most the bare window's plus 80 MB (VmHWM from /proc/self/status: a
child's ru_maxrss on Linux starts at its parent's peak, here that of a process holding the
whole roster). The main window's ratio is printed for information.
Also runs each app start once under `python -X importtime` and lists the modules it loads
that its window does not need, with what each costs.
Run: python benches/bench_gui_start.py [RUNS]
"""

import json
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from common import ADMIN, PASSWORD, ROSTER_SIZE, station_with_roster, use_offscreen_qt, workdir

RUNS = 7
TIME_TARGET = 1.5
MEMORY_TARGET_MB = 80

# Both children start with the same lines and end with the same measurement, so that the
# only difference between them is what each does to show its window.
CHILD_START = """\
import time
STARTED = time.perf_counter()
import json
import os
import sys
"""

CHILD_FIRST_PAINT = """
from PySide6.QtCore import QEvent, QObject


class FirstPaint(QObject):
    # The moment a person sees the table: its viewport is painted with `ready()` true.
    def __init__(self, viewport, ready):
        super().__init__()
        self.painted = False
        self._ready = ready
        viewport.installEventFilter(self)

    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and self._ready():
            self.painted = True
        return False


def wait_until_painted(app, watcher):
    deadline = time.perf_counter() + 60
    while not watcher.painted:
        if time.perf_counter() > deadline:
            sys.exit("the table was not painted within 60 s")
        app.processEvents()
"""

CHILD_REPORT = """
usable_at = time.clock_gettime(time.CLOCK_MONOTONIC)
usable = time.perf_counter()
phases["show and first paint"] = usable - mark
# VmHWM, not ru_maxrss: on Linux a child's ru_maxrss keeps its parent's peak across fork and
# exec, so every child of a benchmark holding a 200,000-person station would report it.
memory = {line.split(":")[0]: int(line.split()[1]) / 1024 for line in open("/proc/self/status")
          if line.startswith(("VmHWM:", "VmRSS:"))}
print(json.dumps({
    "usable_at": usable_at,
    "in_process": usable - STARTED,
    "phases": phases,
    "peak_rss_mb": memory["VmHWM"],
    "rss_mb": memory["VmRSS"],
}))
sys.stdout.flush()
os._exit(0)  # tear-down is not part of a start
"""

BARE_CHILD = CHILD_START + """
from PySide6.QtWidgets import QApplication, QMainWindow, QTableView
""" + CHILD_FIRST_PAINT + """
phases = {"imports": time.perf_counter() - STARTED}
mark = time.perf_counter()
app = QApplication(sys.argv[:1])
phases["QApplication"] = time.perf_counter() - mark
mark = time.perf_counter()
window = QMainWindow()
table = QTableView()
window.setCentralWidget(table)
window.resize(1200, 780)
watcher = FirstPaint(table.viewport(), lambda: True)
phases["main window built"] = time.perf_counter() - mark
mark = time.perf_counter()
window.show()
wait_until_painted(app, watcher)
""" + CHILD_REPORT

APP_CHILD = CHILD_START + """
from pathlib import Path

from screening_app.domain.accounts import Actor, Role
from screening_app.services.app import StationServices
from screening_app.ui.app import application
from screening_app.ui.main_window import MainWindow
""" + CHILD_FIRST_PAINT + """
station_dir, user, password, mode = sys.argv[1:5]
KEY = bytes.fromhex(sys.argv[5]) if len(sys.argv) > 5 else None
phases = {"imports": time.perf_counter() - STARTED}
mark = time.perf_counter()
app = application()
phases["QApplication and font"] = time.perf_counter() - mark
mark = time.perf_counter()
if mode == "sign-in":
    # The encrypted database opens with the account's key slot (argon2id), then the
    # account signs in (argon2id again, and the station key is unwrapped).
    services, actor = StationServices.unlock(Path(station_dir), user, password)
else:
    # The same account with the database key already in hand: the start minus argon2id.
    services = StationServices.open(Path(station_dir), KEY)
    row = services.station.db.execute(
        "SELECT id, name, role FROM users WHERE name = ?", [user]).fetchone()
    actor = Actor(user_id=row[0], name=row[1], role=Role(row[2]))
phases["open station"] = 0.0
phases["sign-in"] = time.perf_counter() - mark
mark = time.perf_counter()
window = MainWindow(services, actor, lock_minutes=0)
watcher = FirstPaint(window.roster_view.viewport(), lambda: window.roster_model.rowCount() > 0)
phases["main window built"] = time.perf_counter() - mark
mark = time.perf_counter()
window.show()
wait_until_painted(app, watcher)
""" + CHILD_REPORT

# The program as a person starts it. The QApplication is made first (as `run_gui` does
# first); the sign-in window, once built, tells of its password field's first paint. (A
# filter on the whole application would slow every event of the start down: it costs
# Python calls for each of thousands of events.)
SIGN_IN_CHILD = CHILD_START + """
from screening_app.ui.app import application
from screening_app.ui import sign_in
from screening_app import cli
from PySide6.QtCore import QEvent, QObject

phases = {"imports": time.perf_counter() - STARTED}
mark = time.perf_counter()
app = application()
phases["QApplication and font"] = time.perf_counter() - mark
mark = time.perf_counter()


class PasswordFieldPainted(QObject):
    # The moment a person can type a password: the sign-in window's password field painted.
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            report()
        return False


built = sign_in.SignInDialog.__init__


def watched_init(self, *args, **kwargs):
    built(self, *args, **kwargs)
    self.paint_watcher = PasswordFieldPainted(self)
    self.password_edit.installEventFilter(self.paint_watcher)


sign_in.SignInDialog.__init__ = watched_init


def report():
""" + "\n".join("    " + line for line in CHILD_REPORT.strip().splitlines()) + """


cli.main(["--data-dir", sys.argv[1]])
sys.exit("the program ended before its sign-in window was painted")
"""

# Loaded at start though the roster window does not need them, and what each is for: each
# could be imported when first used instead.
NOT_NEEDED_AT_START = {
    "openpyxl": "reading XLSX roster files",
    "jsonschema": "checking a protocol file",
    "yaml": "reading a protocol file",
    "reportlab": "drawing PDF forms",
    "pyhanko": "signing PDF forms",
    "cryptography": "signing keys and certificates",
    "asn1crypto": "signing keys and certificates",
    "qrcode": "QR codes on forms",
    "PIL": "images on forms",
    "PySide6.QtPdf": "the PDF preview",
    "PySide6.QtPdfWidgets": "the PDF preview",
    "PySide6.QtPrintSupport": "printing",
    "screening_app.records": "drawing PDF forms",
    "screening_app.protocol": "running an interview",
    "screening_app.importers.roster_file": "importing a roster",
    "screening_app.ui.interview_wizard": "running an interview",
    "screening_app.ui.pdf_preview": "previewing and printing forms",
    "screening_app.ui.first_run": "setting up a new station",
    "screening_app.ui.batch_print": "printing many forms",
    "screening_app.ui.verify_dialog": "checking a signed form",
}
# The sign-in window needs none of the above either, nor what opens and uses the database.
NOT_NEEDED_FOR_SIGN_IN = {
    **NOT_NEEDED_AT_START,
    "sqlite_utils": "the database (opened at sign-in)",
    "argon2": "checking a password",
    "screening_app.services.app": "the station's services (after sign-in)",
    "screening_app.store.migrations": "opening the database",
    "screening_app.ui.main_window": "the main window",
}
QT_PACKAGES = ("PySide6", "shiboken6", "shibokensupport")

@dataclass
class Start:
    from_spawn: float
    in_process: float
    phases: dict[str, float]
    peak_rss_mb: float
    rss_mb: float


def start_once(script: Path, *args: str) -> Start:
    spawned = time.clock_gettime(time.CLOCK_MONOTONIC)
    done = subprocess.run([sys.executable, str(script), *args], capture_output=True,
                          text=True, cwd=script.parent, timeout=300)
    if done.returncode != 0:
        sys.exit(f"{script.name} failed (exit {done.returncode}):\n{done.stderr.strip()}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return Start(result["usable_at"] - spawned, result["in_process"], result["phases"],
                 result["peak_rss_mb"], result["rss_mb"])


@dataclass
class ImportLine:
    self_us: int
    cumulative_us: int
    depth: int
    name: str
    parent: int | None = None

    @property
    def package(self) -> str:
        return self.name.split(".")[0]


def import_tree(stderr: str) -> list[ImportLine]:
    """`-X importtime` lines, each with the index of the module whose import loaded it."""
    lines = []
    for text in stderr.splitlines():
        if not text.startswith("import time:"):
            continue
        self_us, cumulative_us, name = text[len("import time:"):].split("|")
        if not self_us.strip().isdigit():
            continue  # the header line
        depth = (len(name) - len(name.lstrip(" ")) - 1) // 2
        lines.append(ImportLine(int(self_us), int(cumulative_us), depth, name.strip()))
    # A module is printed when it has finished loading, after everything it imported: the
    # parent of the lines waiting at one level down is the next line printed.
    waiting: dict[int, list[int]] = {}
    for index, line in enumerate(lines):
        for child in waiting.pop(line.depth + 1, []):
            lines[child].parent = index
        waiting.setdefault(line.depth, []).append(index)
    return lines


def ancestors(lines: list[ImportLine], index: int) -> list[ImportLine]:
    found = []
    while (index := lines[index].parent) is not None:
        found.append(lines[index])
    return found


def outermost(lines: list[ImportLine], wanted) -> list[int]:
    """Lines that `wanted` accepts and that no accepted line imported: their cumulative
    times add up without counting anything twice."""
    return [i for i, line in enumerate(lines)
            if wanted(line) and not any(wanted(a) for a in ancestors(lines, i))]


def app_module_that_imported(lines: list[ImportLine], index: int) -> str:
    return next((a.name for a in ancestors(lines, index)
                 if a.package == "screening_app"), "(the start script)")


def import_report(window: str, script: Path, args: list[str],
                  not_needed_at_start: dict[str, str]) -> None:
    done = subprocess.run([sys.executable, "-X", "importtime", str(script), *args],
                          capture_output=True, text=True, cwd=script.parent, timeout=300)
    if done.returncode != 0:
        print(f"  import-time run failed (exit {done.returncode}): {done.stderr[-500:]}")
        return
    lines = import_tree(done.stderr)
    ms = 1 / 1000

    def in_app(index: int) -> bool:
        return any(a.package == "screening_app" for a in ancestors(lines, index))

    app_total = sum(lines[i].cumulative_us for i in outermost(
        lines, lambda line: line.package == "screening_app"))
    qt_total = sum(lines[i].cumulative_us for i in outermost(
        lines, lambda line: line.package in QT_PACKAGES) if in_app(i))
    print(f"imports at the start of {window} (python -X importtime, one start; the"
          " measurement inflates them):")
    print(f"  screening_app and all it imports: {app_total * ms:.0f} ms, of which PySide6"
          f" {qt_total * ms:.0f} ms (the bare window loads that too)")

    # Third-party packages by cost, whoever imported them.
    third_party: dict[str, tuple[int, str]] = {}
    for i in outermost(lines, lambda line: line.package not in sys.stdlib_module_names
                       and line.package not in (*QT_PACKAGES, "screening_app")):
        if in_app(i):
            cost, via = third_party.get(lines[i].package, (0, ""))
            third_party[lines[i].package] = (cost + lines[i].cumulative_us,
                                             via or app_module_that_imported(lines, i))
    heaviest = sorted(((name, found) for name, found in third_party.items()
                       if found[0] >= 1000), key=lambda item: -item[1][0])[:6]
    print("  heaviest other packages: " + "; ".join(
        f"{name} {cost * ms:.0f} ms (via {via})" for name, (cost, via) in heaviest))

    def not_needed(line: ImportLine) -> bool:
        return any(line.name == name or line.name.startswith(name + ".")
                   for name in not_needed_at_start)

    skippable = outermost(lines, not_needed)
    if not skippable:
        print(f"  nothing on the list of modules {window} does not need was loaded")
        return
    print(f"  loaded at start though {window} does not need them:")
    for i in sorted(skippable, key=lambda i: -lines[i].cumulative_us):
        line = lines[i]
        why = next(why for name, why in not_needed_at_start.items()
                   if line.name == name or line.name.startswith(name + "."))
        print(f"    {line.name:<36} {line.cumulative_us * ms:5.0f} ms, for {why};"
              f" imported by {app_module_that_imported(lines, i)}")
    print(f"    together {sum(lines[i].cumulative_us for i in skippable) * ms:.0f} ms")


def median_start(starts: list[Start]) -> Start:
    """Medians of each figure (not one particular run)."""
    phases = {name: statistics.median(s.phases[name] for s in starts)
              for name in starts[0].phases}
    return Start(statistics.median(s.from_spawn for s in starts),
                 statistics.median(s.in_process for s in starts), phases,
                 statistics.median(s.peak_rss_mb for s in starts),
                 statistics.median(s.rss_mb for s in starts))


def main() -> int:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else RUNS
    use_offscreen_qt()
    folder = workdir("gui-start")
    try:
        return compare_starts(folder, runs)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


SIGN_IN = "sign-in window (the program)"
BARE = "bare QMainWindow + QTableView"
MAIN = "main window, sign-in check excluded"
MAIN_SIGNED = "main window, with sign-in (argon2id)"


def compare_starts(folder: Path, runs: int) -> int:
    services, _admin = station_with_roster(folder, ROSTER_SIZE)
    station_dir = services.station.data_dir
    key = services.station.key.hex()
    services.close()
    bare_script = folder / "bare_start.py"
    bare_script.write_text(BARE_CHILD, encoding="utf-8")
    sign_in_script = folder / "sign_in_start.py"
    sign_in_script.write_text(SIGN_IN_CHILD, encoding="utf-8")
    app_script = folder / "app_start.py"
    app_script.write_text(APP_CHILD, encoding="utf-8")
    kinds = {
        BARE: (bare_script,),
        SIGN_IN: (sign_in_script, str(station_dir)),
        MAIN: (app_script, str(station_dir), ADMIN, PASSWORD, "no-sign-in", key),
        MAIN_SIGNED: (app_script, str(station_dir), ADMIN, PASSWORD, "sign-in"),
    }
    for command in kinds.values():  # warm the file cache and the bytecode caches
        start_once(*command)
    starts: dict[str, list[Start]] = {name: [] for name in kinds}
    for _ in range(runs):
        for name, command in kinds.items():
            starts[name].append(start_once(*command))

    print(f"GUI start to a usable window, {ROSTER_SIZE} people on the station;"
          f" {runs} starts of each, alternating (median, best; spawn to first paint)")
    medians = {name: median_start(runs_of) for name, runs_of in starts.items()}
    for name, runs_of in starts.items():
        m = medians[name]
        spread = max(s.from_spawn for s in runs_of) - min(s.from_spawn for s in runs_of)
        print(f"  {name:<37} {m.from_spawn:6.3f} s, best {min(s.from_spawn for s in runs_of):6.3f}"
              f" s, spread {spread:5.3f} s; peak RSS {m.peak_rss_mb:5.0f} MB"
              f" (at first paint {m.rss_mb:4.0f} MB)")
    for name in kinds:
        phases = ", ".join(f"{phase} {seconds * 1000:.0f}"
                           for phase, seconds in medians[name].phases.items())
        print(f"  {name}, in-process phases (median ms): {phases};"
              f" in all {medians[name].in_process * 1000:.0f}")

    bare, sign_in = medians[BARE], medians[SIGN_IN]
    app, signed = medians[MAIN], medians[MAIN_SIGNED]
    ratio = sign_in.from_spawn / bare.from_spawn
    time_ok = ratio <= TIME_TARGET
    print(f"  time: sign-in window / bare = {ratio:.2f} (target <= {TIME_TARGET})"
          f" {'ok' if time_ok else 'OVER TARGET'}")
    # The other way to leave the check out: the signed-in starts less their own check.
    signed_less_check = statistics.median(s.from_spawn - s.phases["sign-in"]
                                          for s in starts[MAIN_SIGNED])
    print(f"  for information: main window (sign-in check excluded) / bare ="
          f" {app.from_spawn / bare.from_spawn:.2f}; with sign-in"
          f" {signed.from_spawn / bare.from_spawn:.2f}; signed-in starts less their check"
          f" {signed_less_check:.3f} s = {signed_less_check / bare.from_spawn:.2f}")
    extra = app.peak_rss_mb - bare.peak_rss_mb
    memory_ok = extra <= MEMORY_TARGET_MB
    print(f"  memory: main window peak RSS - bare = {extra:+.0f} MB (target <="
          f" {MEMORY_TARGET_MB} MB) {'ok' if memory_ok else 'OVER TARGET'}; with sign-in"
          f" {signed.peak_rss_mb - bare.peak_rss_mb:+.0f} MB at its peak (argon2id works in"
          f" 64 MiB) and {signed.rss_mb - bare.rss_mb:+.0f} MB at first paint; sign-in window"
          f" {sign_in.peak_rss_mb - bare.peak_rss_mb:+.0f} MB")
    import_report("the sign-in window", sign_in_script, [str(station_dir)],
                  NOT_NEEDED_FOR_SIGN_IN)
    import_report("the main window", app_script,
                  [str(station_dir), ADMIN, PASSWORD, "no-sign-in", key], NOT_NEEDED_AT_START)
    return 0 if time_ok and memory_ok else 1


if __name__ == "__main__":
    sys.exit(main())
