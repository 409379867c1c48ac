"""The power-cut file system: a FUSE passthrough over a backing folder that keeps what a
disk would still hold after a power cut (durable_state.py), and on a cut stops taking
operations, and once unmounted rewrites the folder to that durable state.

    python -m tests.faults.power_cut.fs BACKING MOUNTPOINT [--torn SEED]

Its control channel is its standard input and output, one line each way:

    in:  PID <pid>            the child to kill (SIGKILL) the moment the power is cut
         ARM fsync <n>        cut instead of the nth fsync (files and folders, counted
                              over the whole mount)
         ARM write <n>        cut instead of the nth write (with --torn, the writes before
                              it since each file's last fsync may reach the disk, torn)
         ARM <kind> +<n>      cut instead of the nth operation of that kind from now
         CUT                  cut now
         COUNTS               answer with the counts so far
    out: READY                mounted
         CUT <why>            the power is cut: every later operation fails with EIO
         COUNTS fsync=<n> write=<n> rename=<n>
         RESTORED <counts>    (after the unmount, when cut) the folder is as it was durable
         UNMOUNTED            (after the unmount, when not cut) the folder is as written

When its standard input closes (the harness is gone), it cuts the power and unmounts.
"""

import argparse
import contextlib
import errno
import os
import signal
import sys
import threading
from pathlib import Path

import mfusepy as fuse

from tests.faults.power_cut.durable_state import DurableState


class PowerCut(fuse.Operations):
    use_ns = True
    # Operations on an open file get its descriptor, not a path: an unlinked file that is
    # still open (hard_remove) keeps working, as on a disk.
    flag_nopath = True
    flag_nullpath_ok = True

    def __init__(self, backing: Path, state: DurableState, say):
        self.backing = backing
        self.state = state
        self.say = say
        self._guard = threading.RLock()
        self.cut = False
        self.counts = {"fsync": 0, "write": 0, "rename": 0}
        self.armed: dict[str, int] = {}
        self.child_pid: int | None = None

    # -- control -----------------------------------------------------------------------------
    def command(self, line: str) -> None:
        words = line.split()
        with self._guard:
            if words[:1] == ["PID"]:
                self.child_pid = int(words[1])
            elif words[:1] == ["ARM"]:
                relative = words[2].startswith("+")
                self.armed[words[1]] = int(words[2]) + (self.counts[words[1]] if relative else 0)
            elif words == ["CUT"]:
                self.power_cut("on request")
            elif words == ["COUNTS"]:
                self.say(self.counts_line())
            else:
                self.say(f"ERROR unknown command {line!r}")

    def counts_line(self) -> str:
        return "COUNTS " + " ".join(f"{name}={count}" for name, count in self.counts.items())

    def power_cut(self, why: str) -> None:
        if self.cut:
            return
        self.cut = True
        if self.child_pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.child_pid, signal.SIGKILL)
        self.say(f"CUT {why}")

    def _count(self, kind: str) -> None:
        """Count one operation of ``kind``; cut the power instead when it is armed."""
        if self.cut:
            raise fuse.FuseOSError(errno.EIO)
        self.counts[kind] += 1
        if self.armed.get(kind) == self.counts[kind]:
            self.power_cut(f"before {kind} {self.counts[kind]}")
            raise fuse.FuseOSError(errno.EIO)

    def _alive(self) -> None:
        if self.cut:
            raise fuse.FuseOSError(errno.EIO)

    def real(self, path: str) -> Path:
        return self.backing / path.lstrip("/")

    # -- reading -----------------------------------------------------------------------------
    def getattr(self, path, fh=None):
        with self._guard:
            self._alive()
            info = os.fstat(fh) if fh is not None else os.lstat(self.real(path))
        return {"st_mode": info.st_mode, "st_nlink": info.st_nlink, "st_size": info.st_size,
                "st_uid": info.st_uid, "st_gid": info.st_gid, "st_blocks": info.st_blocks,
                "st_atime": info.st_atime_ns, "st_mtime": info.st_mtime_ns,
                "st_ctime": info.st_ctime_ns}

    def readlink(self, path):
        with self._guard:
            self._alive()
            return os.readlink(self.real(path))

    def opendir(self, path):
        with self._guard:
            self._alive()
            return os.open(self.real(path), os.O_RDONLY | os.O_DIRECTORY)

    def readdir(self, path, fh):
        with self._guard:
            self._alive()
            return [".", "..", *os.listdir(fh)]

    def releasedir(self, path, fh):
        os.close(fh)
        return 0

    def statfs(self, path):
        with self._guard:
            self._alive()
            info = os.statvfs(self.backing)
        return {key: getattr(info, key) for key in (
            "f_bsize", "f_frsize", "f_blocks", "f_bfree", "f_bavail", "f_files", "f_ffree",
            "f_favail", "f_flag", "f_namemax")}

    def open(self, path, flags):
        with self._guard:
            self._alive()
            fd = os.open(self.real(path), _backing_flags(flags))
            if flags & os.O_TRUNC:
                self.state.before_truncate(fd, 0)
                os.ftruncate(fd, 0)
            return fd

    def read(self, path, size, offset, fh):
        with self._guard:
            self._alive()
            return os.pread(fh, size, offset)

    # -- writing -----------------------------------------------------------------------------
    def create(self, path, mode, flags=os.O_WRONLY):
        with self._guard:
            self._alive()
            real = self.real(path)
            if real.exists():
                return self.open(path, flags & ~(os.O_CREAT | os.O_EXCL))
            self.state.before_dir_change(real.parent)
            fd = os.open(real, _backing_flags(flags) | os.O_CREAT | os.O_EXCL, mode)
            self.state.file_created(fd)
            return fd

    def write(self, path, data, offset, fh):
        with self._guard:
            self._count("write")
            self.state.before_write(fh, offset, data)
            return os.pwrite(fh, data, offset)

    def truncate(self, path, length, fh=None):
        with self._guard:
            self._alive()
            fd = fh if fh is not None else os.open(self.real(path), os.O_RDWR)
            try:
                self.state.before_truncate(fd, length)
                os.ftruncate(fd, length)
            finally:
                if fh is None:
                    os.close(fd)
            return 0

    def fsync(self, path, datasync, fh):
        with self._guard:
            self._count("fsync")
            self.state.file_synced(fh)
            return 0

    def fsyncdir(self, path, datasync, fh):
        with self._guard:
            self._count("fsync")
            self.state.dir_synced(fh)
            return 0

    def flush(self, path, fh):
        with self._guard:
            self._alive()
            return 0

    def release(self, path, fh):
        os.close(fh)
        return 0

    def chmod(self, path, mode, fh=None):
        with self._guard:
            self._alive()
            os.chmod(fh if path is None else self.real(path), mode)
            return 0

    def chown(self, path, uid, gid):
        with self._guard:
            self._alive()
            os.lchown(self.real(path), uid, gid)
            return 0

    def utimens(self, path, times=None, fh=None):
        with self._guard:
            self._alive()
            if path is None:
                os.utime(fh, ns=times)
            else:
                os.utime(self.real(path), ns=times, follow_symlinks=False)
            return 0

    # -- names -------------------------------------------------------------------------------
    def mkdir(self, path, mode):
        with self._guard:
            self._alive()
            real = self.real(path)
            self.state.before_dir_change(real.parent)
            os.mkdir(real, mode)
            self.state.dir_created(real)
            return 0

    def rmdir(self, path):
        with self._guard:
            self._alive()
            real = self.real(path)
            if any(real.iterdir()):
                raise fuse.FuseOSError(errno.ENOTEMPTY)
            self.state.before_dir_change(real.parent)
            if not self.state.stash_folder(real):
                os.rmdir(real)
            return 0

    def unlink(self, path):
        with self._guard:
            self._alive()
            real = self.real(path)
            self.state.before_dir_change(real.parent)
            self.state.keep_before_removal(real)
            os.unlink(real)
            return 0

    def rename(self, old, new):
        with self._guard:
            self._count("rename")
            source, target = self.real(old), self.real(new)
            self.state.before_dir_change(source.parent)
            self.state.before_dir_change(target.parent)
            if target.exists() and not target.is_dir():
                self.state.keep_before_removal(target)
            os.rename(source, target)
            return 0

    def link(self, target, source):
        with self._guard:
            self._alive()
            made = self.real(target)
            self.state.before_dir_change(made.parent)
            os.link(self.real(source), made)
            return 0

    def symlink(self, target, source):
        with self._guard:
            self._alive()
            made = self.real(target)
            self.state.before_dir_change(made.parent)
            os.symlink(source, made)
            self.state.link_created(made)
            return 0

    def init(self, path):
        self.say("READY")


class _Fuse(fuse.FUSE):
    """mfusepy drops the open file of a truncate, chmod or utimens under libfuse 3; with
    nopath (see PowerCut) the file is all there is, so pass it on."""

    def truncate_fuse_3(self, path, length, fip):
        return self.operations.truncate(_name(path), length, fip.contents.fh if fip else None)

    def chmod_fuse_3(self, path, mode, fip):
        return self.operations.chmod(_name(path), mode, fip.contents.fh if fip else None)

    def utimens_fuse_3(self, path, buf, fip):
        times = None
        if buf:
            times = (fuse.time_of_timespec(buf.contents.actime, use_ns=True),
                     fuse.time_of_timespec(buf.contents.modtime, use_ns=True))
        return self.operations.utimens(_name(path), times, fip.contents.fh if fip else None)


def _name(path: bytes | None) -> str | None:
    return None if path is None else path.decode("utf-8", "surrogateescape")


def _backing_flags(flags: int) -> int:
    """The backing file is always opened for reading and writing (the layer reads the
    bytes a write replaces), truncated by the layer itself (to keep what it drops), and
    written at the offsets the kernel gives, appends included."""
    keep = flags & ~(os.O_ACCMODE | os.O_TRUNC | os.O_APPEND | os.O_CREAT | os.O_EXCL)
    return keep | os.O_RDWR


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.faults.power_cut.fs")
    parser.add_argument("backing", type=Path)
    parser.add_argument("mountpoint", type=Path)
    parser.add_argument("--torn", type=int, metavar="SEED", default=None,
                        help="on a cut, let a random prefix of each file's lost writes"
                             " through, the last one torn (seeded)")
    args = parser.parse_args(argv)
    backing = args.backing.resolve()
    state = DurableState(backing, backing.parent / f"{backing.name}.power-cut-stash")
    out_lock = threading.Lock()

    def say(line: str) -> None:
        with out_lock:
            sys.stdout.write(line + "\n")
            sys.stdout.flush()

    operations = PowerCut(backing, state, say)
    threading.Thread(target=_read_commands, args=(operations, args.mountpoint),
                     daemon=True).start()
    _Fuse(operations, str(args.mountpoint), foreground=True, hard_remove=True,
              fsname="power-cut", default_permissions=True)
    with operations._guard:
        if operations.cut:
            restored = state.restore(args.torn)
            say("RESTORED " + " ".join(f"{key}={value}" for key, value in restored.items()))
        else:
            say("UNMOUNTED")
        say(operations.counts_line())
    return 0


def _read_commands(operations: PowerCut, mountpoint: Path) -> None:
    for line in sys.stdin:
        if line.strip():
            operations.command(line.strip())
    # The harness is gone: nobody will unmount this file system but itself.
    operations.power_cut("the harness went away")
    os.spawnlp(os.P_WAIT, "fusermount3", "fusermount3", "-u", "-z", str(mountpoint))


if __name__ == "__main__":
    sys.exit(main())
