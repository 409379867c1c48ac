"""Writing files whole or not at all, and durably: the same few steps every file the
program writes outside its database needs (key slots, attempts, exported forms, bundles,
backups, headquarters' public file)."""

import contextlib
import os
import tempfile
from pathlib import Path


def write_atomically(path: Path | str, data: bytes) -> Path:
    """``data`` at ``path``, or nothing: written beside it under a hidden name of its own
    (two programs may write the same file at once), synced, renamed over it (one atomic
    step), and the rename synced too. A failed write leaves the old file, if any, and no
    partial file behind."""
    path = Path(path)
    handle, partial = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial",
                                       dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(partial, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(partial)
        raise
    fsync_folder(path.parent)
    return path


def fsync_file(path: Path | str) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def fsync_folder(folder: Path | str) -> None:
    """Make a rename in ``folder`` durable where the platform allows it (not on Windows,
    where the file itself being synced is all there is)."""
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(handle)
    finally:
        os.close(handle)


def make_folders(folder: Path | str) -> Path:
    """``folder`` and any missing parents, each new one's name made durable (its parent
    synced): a file made durable in a folder that a power cut then takes away with it is
    as lost as a file never synced."""
    folder = Path(folder)
    missing = []
    for parent in (folder, *folder.parents):
        if parent.is_dir():
            break
        missing.append(parent)
    folder.mkdir(parents=True, exist_ok=True)
    for made in reversed(missing):
        fsync_folder(made.parent)
    return folder
