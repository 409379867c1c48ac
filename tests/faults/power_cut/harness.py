"""Mount the power-cut file system (fs.py) over a folder, run a child of the program on
it, cut the power, and hand back what the child had printed before the cut. The child is
a command, or a function run in a child forked from the calling process (which has
imported the program already: a fresh interpreter would spend most of a command's time
importing it again).

    with power_cut_mount(backing, mountpoint) as mount:
        mount.arm("fsync", 3)                  # the power goes before the 3rd fsync
        run = mount.run([...])                 # the child, killed at the cut
    # here the mount is gone and backing holds only what was durable
    run.lines, run.cut, mount.counts

Nothing here sleeps: the harness waits on the server's and the child's output with select
against deadlines. Where FUSE cannot be used (no /dev/fuse, no fusermount3, no mfusepy, a
mount refused), ``require_fuse`` and the mount skip the test with the reason.
"""

import contextlib
import importlib.util
import io
import os
import select
import shutil
import signal
import subprocess
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[3]
MOUNT_TIMEOUT_SECONDS = 20.0
CHILD_TIMEOUT_SECONDS = 180.0


class PowerCutError(AssertionError):
    """The file system or the harness misbehaved (not the program under test)."""


def why_no_fuse() -> str | None:
    if not os.path.exists("/dev/fuse"):
        return "there is no /dev/fuse"
    if shutil.which("fusermount3") is None:
        return "fusermount3 is not installed (Debian's fuse3)"
    if importlib.util.find_spec("mfusepy") is None:
        return "mfusepy is not installed (the test extra)"
    return None


def require_fuse() -> None:
    why = why_no_fuse()
    if why is not None:
        pytest.skip(f"power-cut tests need FUSE: {why}")


def child_env(**extra: str) -> dict[str, str]:
    """A child's environment: the repository importable, every print written at once
    (what the child printed before the cut is exactly what it had said was done)."""
    return {**os.environ, "PYTHONUNBUFFERED": "1",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(REPOSITORY),
                                                        os.environ.get("PYTHONPATH")])),
            **extra}


@dataclass
class ChildRun:
    lines: list[str]  # whole lines printed before the cut (or before it exited)
    code: int | None  # its exit status; None when the cut killed it
    cut: bool  # the power was cut while it ran
    stderr: str


@dataclass
class Mount:
    backing: Path
    path: Path
    server: subprocess.Popen
    _reader: "_Lines"
    cut: bool = False
    restored: str = ""
    counts: dict[str, int] = field(default_factory=dict)

    def send(self, line: str) -> None:
        self.server.stdin.write(line + "\n")
        self.server.stdin.flush()

    def arm(self, kind: str, number: int, *, from_now: bool = False) -> None:
        """Cut the power instead of the ``number``th operation of ``kind`` (fsync or
        write), counted from the mount (or from now)."""
        self.send(f"ARM {kind} {'+' if from_now else ''}{number}")

    def cut_now(self) -> None:
        if self.cut:
            return
        self.send("CUT")
        self._wait_for("CUT ")
        self.cut = True

    def current_counts(self) -> dict[str, int]:
        self.send("COUNTS")
        return _counts(self._wait_for("COUNTS "))

    def run(self, argv: list[str] | Callable[[], int], stdin: str = "",
            env: dict | None = None, timeout: float = CHILD_TIMEOUT_SECONDS,
            on_line: Callable[[str], None] | None = None) -> ChildRun:
        """Run ``argv`` (a command; or a function, in a child forked from this process,
        which saves the child the program's imports) to its end or to the cut (then it is
        killed at once, by the server, before the operation that cut the power returns);
        ``on_line`` is given each line the child prints, as it prints it."""
        stderr_file = self.backing.parent / f"{self.backing.name}.child-stderr"
        if callable(argv):
            child = _Forked(argv, stderr_file)
        else:
            with stderr_file.open("wb") as stderr:
                child = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         stderr=stderr, cwd=REPOSITORY,
                                         env=env or child_env())
        try:
            self.send(f"PID {child.pid}")
            # The PID line is taken before the child's first operation reaches the layer:
            # the layer answers COUNTS only after every earlier line.
            self.current_counts()
            with contextlib.suppress(BrokenPipeError):
                child.stdin.write(stdin.encode())
                child.stdin.close()
            out = _Lines(child.stdout.fileno())
            deadline = time.monotonic() + timeout
            while not out.closed:
                ready = _select([out.fd, self._reader.fd], deadline)
                if not ready:
                    raise PowerCutError(f"{argv} neither ended nor met the cut in"
                                        f" {timeout:.0f} s")
                if out.fd in ready:
                    seen = len(out.lines)
                    out.read_once()
                    for line in out.lines[seen:] if on_line else ():
                        on_line(line)
                if self._reader.fd in ready:
                    self._reader.read_once()
                    if any(line.startswith("CUT ") for line in self._reader.lines):
                        self.cut = True
                        break
            if self.cut:
                child.kill()  # the server killed it already; this is belt and braces
            code = child.wait()
            out.read_to_end()
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()
            child.stdout.close()
        return ChildRun(out.lines, None if self.cut else code, self.cut,
                        stderr_file.read_text(encoding="utf-8", errors="replace"))

    def _wait_for(self, prefix: str, timeout: float = MOUNT_TIMEOUT_SECONDS) -> str:
        deadline = time.monotonic() + timeout
        while True:
            for index, line in enumerate(self._reader.lines):
                if line.startswith(prefix):
                    del self._reader.lines[: index + 1]
                    return line
            if self._reader.closed:
                raise PowerCutError(f"the power-cut file system stopped before {prefix!r}")
            if not _select([self._reader.fd], deadline):
                raise PowerCutError(f"the power-cut file system did not say {prefix!r} in"
                                    f" {timeout:.0f} s")
            self._reader.read_once()


@contextlib.contextmanager
def power_cut_mount(backing: Path, mountpoint: Path, *, torn_seed: int | None = None
                    ) -> Iterator[Mount]:
    """Mount the layer over ``backing`` at ``mountpoint`` for the block; afterwards (the
    power cut if the block cut it, or on request) it is unmounted, and ``backing`` holds
    what was durable. Skips the test where FUSE is missing or the mount is refused."""
    require_fuse()
    mountpoint.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "tests.faults.power_cut.fs", str(backing),
               str(mountpoint)]
    if torn_seed is not None:
        command += ["--torn", str(torn_seed)]
    errors = backing.parent / f"{backing.name}.fs-stderr"
    with errors.open("wb") as stderr:
        server = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=stderr, cwd=REPOSITORY, env=child_env(), text=True)
    reader = _Lines(server.stdout.fileno())
    mount = Mount(Path(backing), Path(mountpoint), server, reader)
    try:
        try:
            mount._wait_for("READY")
        except PowerCutError:
            server.kill()
            server.wait()
            pytest.skip("the power-cut file system could not be mounted: "
                        + _tail(errors))
        yield mount
    finally:
        _unmount(mount, errors)


def _unmount(mount: Mount, errors: Path) -> None:
    try:
        if mount.server.poll() is None:
            result = subprocess.run(["fusermount3", "-u", str(mount.path)],
                                    capture_output=True, check=False)
            if result.returncode != 0:  # still busy (a child's file open): detach it
                subprocess.run(["fusermount3", "-u", "-z", str(mount.path)],
                               capture_output=True, check=False)
        final = mount._wait_for("COUNTS ", timeout=120.0)
        mount.counts = _counts(final)
        done = [line for line in mount._reader.history if line.startswith("RESTORED")]
        mount.restored = done[0] if done else ""
        mount.server.wait(timeout=30)
    except PowerCutError as error:
        raise PowerCutError(f"{error}: {_tail(errors)}") from None
    finally:
        if mount.server.poll() is None:
            mount.server.kill()
            mount.server.wait()
        mount.server.stdin.close()
        mount.server.stdout.close()
    if mount.server.returncode != 0 or "Traceback" in _tail(errors, 10_000):
        # A failure inside the layer answers the program with EINVAL: a test of the
        # program would then say what the layer got wrong.
        raise PowerCutError(f"the power-cut file system failed (exit"
                            f" {mount.server.returncode}): {_tail(errors)}")


class _Forked:
    """A child forked from this process that runs ``main`` (it returns the exit status),
    with its standard streams on pipes as subprocess.Popen's are: the program's modules
    are imported already, which is most of a command's time."""

    def __init__(self, main: Callable[[], int], stderr_file: Path):
        to_child, self._stdin_fd = os.pipe()
        self._stdout_fd, from_child = os.pipe()
        errors = os.open(stderr_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        self.pid = os.fork()
        if self.pid == 0:  # the child: never returns
            _run_forked(main, to_child, from_child, errors)
        for fd in (to_child, from_child, errors):
            os.close(fd)
        self.stdin = os.fdopen(self._stdin_fd, "wb")
        self.stdout = os.fdopen(self._stdout_fd, "rb")
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self) -> int:
        if self.returncode is None:
            _, status = os.waitpid(self.pid, 0)
            self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)


def _run_forked(main: Callable[[], int], stdin: int, stdout: int, stderr: int) -> None:
    code = 1
    try:
        for fd, target in ((stdin, 0), (stdout, 1), (stderr, 2)):
            os.dup2(fd, target)
            os.close(fd)
        os.chdir(REPOSITORY)
        sys.stdin = io.TextIOWrapper(io.FileIO(0, "r"), encoding="utf-8")
        sys.stdout = io.TextIOWrapper(io.FileIO(1, "w"), encoding="utf-8", write_through=True)
        sys.stderr = io.TextIOWrapper(io.FileIO(2, "w"), encoding="utf-8", write_through=True)
        code = main()
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else 1
    except BaseException:  # noqa: BLE001 -- the child reports it as a process would
        traceback.print_exc()
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)


def _counts(line: str) -> dict[str, int]:
    return {key: int(value) for key, value in
            (word.split("=") for word in line.split()[1:])}


def _select(fds: list[int], deadline: float) -> list[int]:
    timeout = max(0.0, deadline - time.monotonic())
    ready, _, _ = select.select(fds, [], [], timeout)
    return ready


class _Lines:
    """Whole lines from a pipe; a line cut in the middle is not a line."""

    def __init__(self, fd: int):
        self.fd = fd
        self._partial = b""
        self.lines: list[str] = []  # not yet taken
        self.history: list[str] = []  # every line
        self.closed = False

    def read_once(self) -> None:
        chunk = os.read(self.fd, 65536)
        if not chunk:
            self.closed = True
            return
        *whole, self._partial = (self._partial + chunk).split(b"\n")
        decoded = [line.decode("utf-8", errors="replace") for line in whole]
        self.lines.extend(decoded)
        self.history.extend(decoded)

    def read_to_end(self) -> None:
        while not self.closed:
            self.read_once()


def _tail(path: Path, lines: int = 20) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "(no stderr)"
    return "\n".join(text.splitlines()[-lines:]) or "(empty stderr)"
