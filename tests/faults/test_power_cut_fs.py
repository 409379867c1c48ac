"""The power-cut file system itself (tests/faults/power_cut): after a cut, a disk holds
what was fsynced and nothing else; a file or a rename is durable only once its folder is
synced too; a torn write leaves a prefix; and SQLite in WAL mode works on it and keeps
every transaction it committed with synchronous=FULL."""

import os
import sqlite3
import sys
import textwrap

import pytest

from tests.faults.power_cut.harness import power_cut_mount


@pytest.fixture
def disk(tmp_path):
    backing = tmp_path / "backing"
    backing.mkdir()
    return backing, tmp_path / "mount"


def python(mount, code: str):
    """A child running ``code`` with ``MOUNT`` (the mount's path) and the helpers below."""
    prelude = textwrap.dedent(f"""\
        import os, sqlite3, sys
        MOUNT = {str(mount.path)!r}
        def put(name, data, sync=False):
            fd = os.open(os.path.join(MOUNT, name), os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
            os.write(fd, data)
            if sync:
                os.fsync(fd)
            os.close(fd)
        def sync_folder(name=""):
            fd = os.open(os.path.join(MOUNT, name), os.O_RDONLY)
            os.fsync(fd)
            os.close(fd)
        """)
    run = mount.run([sys.executable, "-c", prelude + textwrap.dedent(code)])
    assert run.cut or run.code == 0, run.stderr
    return run


def test_an_unsynced_write_is_lost_and_a_synced_one_kept(disk):
    backing, mountpoint = disk
    (backing / "lost").write_bytes(b"old")
    (backing / "kept").write_bytes(b"old")
    with power_cut_mount(backing, mountpoint) as mount:
        run = python(mount, """
            put("lost", b"new, never synced")
            put("kept", b"new and synced", sync=True)
            print(open(os.path.join(MOUNT, "lost"), "rb").read().decode())
            """)
        assert run.lines == ["new, never synced"]  # what programs saw before the cut
        mount.cut_now()
    assert (backing / "lost").read_bytes() == b"old"
    assert (backing / "kept").read_bytes() == b"new and synced"
    assert mount.counts["fsync"] == 1 and mount.counts["write"] == 2


def test_a_new_file_lives_only_once_its_folder_is_synced(disk):
    backing, mountpoint = disk
    (backing / "sub").mkdir()
    with power_cut_mount(backing, mountpoint) as mount:
        python(mount, """
            put("synced-file-only", b"data", sync=True)
            put("sub/both-synced", b"data", sync=True)
            put("sub/folder-only", b"data")
            sync_folder("sub")
            """)
        mount.cut_now()
    assert sorted(os.listdir(backing)) == ["sub"]
    assert sorted(os.listdir(backing / "sub")) == ["both-synced", "folder-only"]
    assert (backing / "sub" / "both-synced").read_bytes() == b"data"
    assert (backing / "sub" / "folder-only").read_bytes() == b""  # the name, not the data


def test_a_rename_without_a_folder_sync_is_undone(disk):
    backing, mountpoint = disk
    (backing / "undone").write_bytes(b"old")
    (backing / "made").write_bytes(b"old")
    (backing / "removed").write_bytes(b"still here")
    with power_cut_mount(backing, mountpoint) as mount:
        python(mount, """
            put(".undone.partial", b"new", sync=True)
            os.replace(os.path.join(MOUNT, ".undone.partial"), os.path.join(MOUNT, "undone"))
            os.unlink(os.path.join(MOUNT, "removed"))
            os.mkdir(os.path.join(MOUNT, "new-folder"))
            put("new-folder/inside", b"x", sync=True)
            """)
        assert mount.current_counts()["rename"] == 1
        mount.cut_now()
    assert sorted(os.listdir(backing)) == ["made", "removed", "undone"]
    assert (backing / "undone").read_bytes() == b"old"
    assert (backing / "removed").read_bytes() == b"still here"

    with power_cut_mount(backing, mountpoint) as mount:
        python(mount, """
            put(".made.partial", b"new", sync=True)
            os.replace(os.path.join(MOUNT, ".made.partial"), os.path.join(MOUNT, "made"))
            sync_folder()
            """)
        mount.cut_now()
    assert (backing / "made").read_bytes() == b"new"
    assert sorted(os.listdir(backing)) == ["made", "removed", "undone"]


def test_a_torn_write_leaves_a_prefix_of_what_was_written(disk):
    backing, mountpoint = disk
    written = b"".join(bytes([letter]) * 1000 for letter in b"ABCD")
    lengths = set()
    for seed in range(6):
        (backing / "file").write_bytes(b"")
        with power_cut_mount(backing, mountpoint, torn_seed=seed) as mount:
            python(mount, f"""
                fd = os.open(os.path.join(MOUNT, "file"), os.O_WRONLY)
                for offset in range(0, 4000, 1000):
                    os.pwrite(fd, {written!r}[offset:offset + 1000], offset)
                print("written")
                """)
            mount.cut_now()
        kept = (backing / "file").read_bytes()
        assert kept == written[:len(kept)], f"seed {seed}: not a prefix"
        lengths.add(len(kept))
    assert any(length % 1000 for length in lengths), lengths  # some write was torn
    assert len(lengths) > 1, lengths


def test_the_cut_comes_before_the_armed_operation_and_kills_the_child(disk):
    backing, mountpoint = disk
    with power_cut_mount(backing, mountpoint) as mount:
        mount.arm("fsync", 4)
        run = python(mount, """
            put("one", b"1", sync=True); sync_folder(); print("one")
            put("two", b"2", sync=True); sync_folder(); print("two")
            """)
    assert run.cut and run.code is None and run.lines == ["one"]
    # The 4th fsync, of the folder holding "two", never came: "two" is synced but unnamed.
    assert sorted(os.listdir(backing)) == ["one"]


def test_sqlite_in_wal_mode_keeps_every_committed_transaction(tmp_path):
    """SQLite's WAL (its -shm file mapped in memory, POSIX locks) works on the layer, and
    whatever fsync the power goes before, every transaction reported committed is there
    and the database is whole."""
    code = """
        db = sqlite3.connect(os.path.join(MOUNT, "test.db"), isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        db.execute("CREATE TABLE IF NOT EXISTS t (n INTEGER PRIMARY KEY, text TEXT)")
        for n in range(40):
            db.execute("BEGIN IMMEDIATE")
            db.execute("INSERT INTO t (text) VALUES (?)", ["x" * 3000])
            db.execute("COMMIT")
            if n == 25:
                db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            print("COMMITTED", db.execute("SELECT max(n) FROM t").fetchone()[0])
        """

    def run_once(name: str, cut_at: int | None):
        backing = tmp_path / name
        backing.mkdir()
        with power_cut_mount(backing, tmp_path / "mount", torn_seed=cut_at) as mount:
            if cut_at is not None:
                mount.arm("fsync", cut_at)
            run = python(mount, code)
        return backing, mount, run

    _, mount, run = run_once("whole", None)
    assert run.lines[-1] == "COMMITTED 40"
    fsyncs = mount.counts["fsync"]
    assert fsyncs >= 40
    for cut_at in (3, fsyncs // 2, fsyncs - 1):
        backing, _, run = run_once(f"cut-{cut_at}", cut_at)
        assert run.cut
        committed = max([int(line.split()[1]) for line in run.lines] or [0])
        db = sqlite3.connect(backing / "test.db")
        try:
            assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            made = db.execute("SELECT 1 FROM sqlite_master WHERE name = 't'").fetchone()
            held = db.execute("SELECT count(*) FROM t").fetchone()[0] if made else 0
        finally:
            db.close()
        assert held >= committed, (f"cut before fsync {cut_at}: {committed} committed,"
                                   f" {held} held")
