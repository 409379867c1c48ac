"""What a disk would still hold after a power cut, kept beside a folder that a FUSE layer
passes writes through to: the folder always holds what programs see (as the operating
system's cache would), and this records how to go back to what was made durable.

- A file (by its inode in the folder) is durable as of its last fsync: before its first
  write or truncation since then, the bytes about to change are kept (an undo log), and
  the changes themselves too, so that a cut can put back the durable bytes and then,
  if asked, a random prefix of the lost changes with the last one torn.
- A directory is durable as of its last fsync: before its first change since then (a
  create, rename, unlink, mkdir or rmdir in it), its entries (name -> inode) are kept.
  A file or folder that leaves a directory whose entry may still be durable is kept
  alive under a stash folder beside the backing folder (a hard link, or the folder
  moved), so that a cut can bring it back.
- Everything in the folder when it is mounted is durable.

``restore`` rewrites the folder to the durable state; it runs after the file system is
unmounted, when nothing else touches the folder.
"""

import os
import random
import stat
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class FileChanges:
    """A file's changes since its last fsync."""

    durable_size: int
    undo: list[tuple[int, bytes]] = field(default_factory=list)  # (offset, old bytes)
    changes: list[tuple] = field(default_factory=list)  # ("write", offset, data) | ("truncate", n)


@dataclass
class DirEntry:
    inode: int
    is_dir: bool


class DurableState:
    def __init__(self, backing: Path, stash: Path):
        self.backing = Path(backing)
        self.stash = Path(stash)
        self.stash.mkdir(parents=True, exist_ok=True)
        self.files: dict[int, FileChanges] = {}
        self.dirs: dict[int, dict[str, DirEntry]] = {}  # durable entries of changed dirs

    # -- files -------------------------------------------------------------------------------
    def before_write(self, fd: int, offset: int, data: bytes) -> None:
        info = os.fstat(fd)
        changes = self._file(info)
        end = min(offset + len(data), info.st_size, changes.durable_size)
        if end > offset:
            changes.undo.append((offset, os.pread(fd, end - offset, offset)))
        changes.changes.append(("write", offset, bytes(data)))

    def before_truncate(self, fd: int, length: int) -> None:
        info = os.fstat(fd)
        changes = self._file(info)
        end = min(info.st_size, changes.durable_size)
        if end > length:
            changes.undo.append((length, os.pread(fd, end - length, length)))
        changes.changes.append(("truncate", length))

    def file_created(self, fd: int) -> None:
        """A new file: durable, once its folder is synced, as an empty file. (Its inode
        may be one a removed file or folder had: what was kept of that goes.)"""
        inode = os.fstat(fd).st_ino
        self.dirs.pop(inode, None)
        self.files[inode] = FileChanges(durable_size=0)

    def file_synced(self, fd: int) -> None:
        self.files.pop(os.fstat(fd).st_ino, None)

    def _file(self, info: os.stat_result) -> FileChanges:
        changes = self.files.get(info.st_ino)
        if changes is None:
            changes = self.files[info.st_ino] = FileChanges(durable_size=info.st_size)
        return changes

    # -- directories -------------------------------------------------------------------------
    def before_dir_change(self, folder: Path) -> None:
        """Keep ``folder``'s entries as they are, if it has no unsynced change yet."""
        inode = os.lstat(folder).st_ino
        if inode not in self.dirs:
            self.dirs[inode] = _entries(folder)

    def dir_created(self, folder: Path) -> None:
        inode = os.lstat(folder).st_ino
        self.files.pop(inode, None)
        self.dirs[inode] = {}

    def link_created(self, path: Path) -> None:
        self.files.pop(os.lstat(path).st_ino, None)

    def dir_synced(self, fd: int) -> None:
        self.dirs.pop(os.fstat(fd).st_ino, None)

    def may_be_durable(self, inode: int) -> bool:
        return any(entry.inode == inode for entries in self.dirs.values()
                   for entry in entries.values())

    def keep_before_removal(self, path: Path) -> None:
        """``path`` is about to be unlinked, replaced or removed: keep its inode in the
        stash if a durable entry may still name it (called after before_dir_change)."""
        info = os.lstat(path)
        if not self.may_be_durable(info.st_ino):
            return
        if stat.S_ISDIR(info.st_mode):
            return  # rmdir moves the folder itself into the stash (see stash_folder)
        kept = self.stash / str(info.st_ino)
        if not kept.exists():
            os.link(path, kept, follow_symlinks=False)

    def stash_folder(self, path: Path) -> bool:
        """Move an (empty) folder about to be removed into the stash when a durable entry
        may still name it; False when it may simply be removed."""
        inode = os.lstat(path).st_ino
        if not self.may_be_durable(inode):
            return False
        os.rename(path, self.stash / f"dir-{inode}")
        return True

    # -- the cut -----------------------------------------------------------------------------
    def restore(self, torn_seed: int | None = None) -> dict[str, int]:
        """Rewrite the backing folder to its durable state; with ``torn_seed``, each file
        also gets a random prefix of its lost changes, the last one torn. Returns counts
        of what was put back."""
        rng = random.Random(torn_seed)
        where = _inode_paths(self.backing, self.stash)
        torn = 0
        for inode, changes in sorted(self.files.items()):
            path = where.get(inode)
            if path is None or path.is_symlink() or path.is_dir():
                continue  # created and removed again, never durable anywhere
            with open(path, "r+b") as handle:
                fd = handle.fileno()
                for offset, old in reversed(changes.undo):
                    os.pwrite(fd, old, offset)
                os.ftruncate(fd, changes.durable_size)
                if torn_seed is not None and changes.changes:
                    torn += _apply_prefix(fd, changes.changes, rng)
        removed = self._remove_new_entries()
        returned = self._return_durable_entries()
        return {"files": len(self.files), "torn": torn, "dirs": len(self.dirs),
                "entries_removed": removed, "entries_returned": returned}

    def _remove_new_entries(self) -> int:
        removed = 0
        for inode in list(self.dirs):
            folder = _inode_paths(self.backing, self.stash, dirs_only=True).get(inode)
            if folder is None:
                continue
            durable = self.dirs[inode]
            for name, entry in _entries(folder).items():
                wanted = durable.get(name)
                if wanted is not None and wanted.inode == entry.inode:
                    continue
                path = folder / name
                if entry.is_dir:
                    os.rename(path, self.stash / f"dir-{entry.inode}")
                else:
                    kept = self.stash / str(entry.inode)
                    if not kept.exists():
                        os.link(path, kept, follow_symlinks=False)
                    os.unlink(path)
                removed += 1
        return removed

    def _return_durable_entries(self) -> int:
        returned = 0
        progress = True
        pending = dict(self.dirs)
        while pending and progress:
            progress = False
            folders = _inode_paths(self.backing, self.stash, dirs_only=True)
            for inode in list(pending):
                folder = folders.get(inode)
                if folder is None or self.stash in (folder, *folder.parents):
                    continue  # its own entry comes back first
                files = _inode_paths(self.backing, self.stash)
                for name, entry in pending.pop(inode).items():
                    path = folder / name
                    if path.exists() or path.is_symlink():
                        continue
                    source = files.get(entry.inode)
                    if source is None:
                        raise RuntimeError(f"inode {entry.inode} of {path} is nowhere to be"
                                           " found: the layer lost a durable file")
                    if entry.is_dir:
                        os.rename(source, path)
                    else:
                        os.link(source, path, follow_symlinks=False)
                    returned += 1
                progress = True
                break  # folders moved: find them again
        # What is left are folders made since their parent's last fsync and gone with it.
        return returned


def _apply_prefix(fd: int, changes: list[tuple], rng: random.Random) -> int:
    """Apply the first n lost changes (n at random), the last of them cut at a random
    byte; 1 when a write was torn."""
    count = rng.randint(0, len(changes))
    for index, change in enumerate(changes[:count]):
        if change[0] == "truncate":
            os.ftruncate(fd, change[1])
            continue
        _, offset, data = change
        if index == count - 1:
            data = data[:rng.randint(0, len(data))]
            os.pwrite(fd, data, offset)
            return 1
        os.pwrite(fd, data, offset)
    return 0


def _entries(folder: Path) -> dict[str, DirEntry]:
    found = {}
    for entry in os.scandir(folder):
        info = entry.stat(follow_symlinks=False)
        found[entry.name] = DirEntry(info.st_ino, stat.S_ISDIR(info.st_mode))
    return found


def _inode_paths(*roots: Path, dirs_only: bool = False) -> dict[int, Path]:
    """Every inode under ``roots`` (the roots' own too) and one path to it."""
    found: dict[int, Path] = {}
    for root in roots:
        found.setdefault(os.lstat(root).st_ino, root)
        for folder, dirnames, filenames in os.walk(root):
            base = Path(folder)
            for name in dirnames if dirs_only else (*dirnames, *filenames):
                path = base / name
                found.setdefault(os.lstat(path).st_ino, path)
    return found
