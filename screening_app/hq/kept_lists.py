"""The merged lists, kept once made: the operators' page serves them again while nothing
they are made from has changed, instead of building them for every download (for a whole
operation, most of a minute for the lists and minutes for the signed PDF). The patterns
across stations (hq/flags.py), which read every record too, are found by the same build and
kept beside them (``page.sealed``), with the lists' names the page links to.

What is kept lives in ``merged-lists/`` in the HQ folder, shared by every worker of the
server: ``lists.sealed`` (every CSV) and ``pdf.sealed`` (the signed PDF), each written whole
(store/durable.py). Each is one line of JSON in clear, naming no one (the key of what it was
made from, when it was made), then the lists sealed with the store's data key, that line
being the associated data: a copy does not open under another key or time. The key sums up
what ``merged_lists.build`` and ``signed_pdf`` read (``store.merged_lists_inputs``), so any
new record, decision or publication makes the kept copy stale.

A stale copy is rebuilt in the background, one build at a time per headquarters (a lock
file: every worker runs on this machine), lists first then the PDF; a build that fails
leaves its sentence in ``failed.json`` (sealed) for the page to show.
"""

import fcntl
import hashlib
import json
import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from screening_app import __version__
from screening_app.domain.canonical import canonical_json, utc_now
from screening_app.domain.errors import UserError
from screening_app.hq import flags as pattern_flags
from screening_app.hq import merged_lists
from screening_app.store.durable import make_folders, write_atomically

log = logging.getLogger(__name__)

KEPT_FOLDER = "merged-lists"
LISTS_FILE = "lists.sealed"
PDF_FILE = "pdf.sealed"
FAILED_FILE = "failed.json"
LOCK_FILE = "building.lock"
PAGE_FILE = "page.sealed"
_SEALED_AS = {LISTS_FILE: "merged-lists.csv", PDF_FILE: "merged-lists.pdf",
              PAGE_FILE: "operators-page"}
UNEXPECTED = "it stopped on an unexpected error; the server's log says where."


def current_key(hq) -> str:
    """What the lists would be made from now, summed up: headquarters' name (on the PDF),
    the program (its protocols name the lists) and the store's inputs."""
    inputs = [hq.name, __version__, hq.store.merged_lists_inputs()]
    return hashlib.sha256(canonical_json(inputs).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class KeptHeader:
    key: str
    made_at: str  # UTC


@dataclass(frozen=True)
class ListsState:
    """What the page says of the kept PDF: when it was made, whether it is still current,
    since when one is being made, and why the last build failed (if it did, after the
    PDF kept was made)."""
    pdf_made_at: str | None
    pdf_current: bool
    building_since: str | None
    failure: str | None


@dataclass(frozen=True)
class KeptPage:
    """What the operators' page shows of the last build, current or not: the lists' file
    names and titles, and the patterns found on every station's records (reading every
    record for them took the page minutes at the operation's size)."""
    made_at: str  # UTC
    current: bool
    sections: list[tuple[str, str]]  # (slug, title)
    patterns: list[tuple[str, str, str, int]]  # scope, title, what was found, interviews


class KeptLists:
    """The kept lists of one HQ folder, and the building of them in the background (a
    thread of this process, holding the lock file while it builds)."""

    def __init__(self, hq_folder: Path):
        self.folder = Path(hq_folder) / KEPT_FOLDER
        self._thread: threading.Thread | None = None

    # -- reading ---------------------------------------------------------------------------
    def header(self, name: str) -> KeptHeader | None:
        try:
            with open(self.folder / name, "rb") as kept:
                line = kept.readline()
        except FileNotFoundError:
            return None
        fields = json.loads(line)
        return KeptHeader(fields["key"], fields["made_at"])

    def _open(self, hq, name: str, key: str) -> bytes | None:
        """The kept content when it was made from ``key``."""
        try:
            data = (self.folder / name).read_bytes()
        except FileNotFoundError:
            return None
        line, _, box = data.partition(b"\n")
        if json.loads(line)["key"] != key:
            return None
        return hq.store.sealer.open_bytes(box, f"{_SEALED_AS[name]}:{line.decode()}")

    def csv_text(self, hq, key: str, slug: str) -> str | None:
        """The list's CSV, when lists made from ``key`` are kept ("" for a list they do not
        have: nobody is in it)."""
        kept = self._open(hq, LISTS_FILE, key)
        return None if kept is None else json.loads(kept).get(slug, merged_lists.csv_text([]))

    def pdf(self, hq, key: str) -> bytes | None:
        return self._open(hq, PDF_FILE, key)

    def flags_csv(self, hq, key: str) -> str | None:
        """The patterns' CSV (hq/flags.py), when made from ``key``."""
        kept = self._open(hq, PAGE_FILE, key)
        return None if kept is None else json.loads(kept)["flags_csv"]

    def page(self, hq, key: str) -> KeptPage | None:
        """What the last build made for the page, current (made from ``key``) or not."""
        try:
            data = (self.folder / PAGE_FILE).read_bytes()
        except FileNotFoundError:
            return None
        line, _, box = data.partition(b"\n")
        header = json.loads(line)
        try:
            kept = json.loads(hq.store.sealer.open_bytes(
                box, f"{_SEALED_AS[PAGE_FILE]}:{line.decode()}"))
        except UserError:  # a locked headquarters: the lists' state says so
            return None
        return KeptPage(header["made_at"], header["key"] == key,
                        [tuple(section) for section in kept["sections"]],
                        [tuple(pattern) for pattern in kept["patterns"]])

    def state(self, hq, key: str) -> ListsState:
        made = self.header(PDF_FILE)
        failure = None
        try:
            failed = json.loads((self.folder / FAILED_FILE).read_text("utf-8"))
            if made is None or failed["at"] > made.made_at:
                failure = hq.store.sealer.open_text(failed["sentence"], "merged-lists.failure")
        except FileNotFoundError:
            pass
        except UserError as problem:  # a locked headquarters: that is the news
            failure = str(problem)
        return ListsState(made and made.made_at, made is not None and made.key == key,
                          self._building_since() if self._lock_held() else None, failure)

    def _building_since(self) -> str | None:
        """When the build under way started, as its lock file says (a build that ended
        emptied it; one a killed worker left is written over by the next)."""
        try:
            text = (self.folder / LOCK_FILE).read_text("utf-8").strip()
        except FileNotFoundError:
            return None
        return text or None

    def _lock_held(self) -> bool:
        """Whether a build holds the lock (a worker killed mid-build holds it no more).
        Asking takes the lock shared for an instant: a build starting in that instant is
        not started, and its download's page, asking again, starts it."""
        try:
            probe = os.open(self.folder / LOCK_FILE, os.O_RDONLY)
        except FileNotFoundError:
            return False
        try:
            fcntl.flock(probe, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        finally:
            os.close(probe)  # closing lets go of a lock taken
        return False

    # -- building --------------------------------------------------------------------------
    def start(self, open_hq: Callable[[Callable], object]) -> str:
        """Start building the lists in the background unless a build is under way (in any
        worker); returns since when they are being built. ``open_hq(work)`` runs ``work``
        with headquarters on a connection of the calling thread's own."""
        make_folders(self.folder)
        lock = os.open(self.folder / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(lock)
            return self._building_since() or utc_now()
        since = utc_now()
        os.ftruncate(lock, 0)
        os.pwrite(lock, since.encode("ascii"), 0)
        self._thread = threading.Thread(target=self._build_holding, args=(lock, open_hq),
                                        name="merged-lists", daemon=True)
        self._thread.start()
        return since

    def wait(self, timeout: float) -> bool:
        """Wait until the build this process started has ended; False on timeout."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        return thread is None or not thread.is_alive()

    def _build_holding(self, lock: int, open_hq: Callable[[Callable], object]) -> None:
        try:
            open_hq(self._build)
        except Exception as failure:  # kept for the page; a bug goes to the log too
            sentence = str(failure) if isinstance(failure, UserError) else UNEXPECTED
            if not isinstance(failure, UserError):
                log.exception("building the merged lists failed")
            self._fail(open_hq, sentence)
        finally:
            os.ftruncate(lock, 0)
            fcntl.flock(lock, fcntl.LOCK_UN)
            os.close(lock)

    def _build(self, hq) -> None:
        # The key is read before the lists: what changes meanwhile makes it stale, never
        # the reverse.
        key = current_key(hq)
        made = self.header(PDF_FILE)
        if made is not None and made.key == key:
            return  # another worker made them while this one waited for the lock
        lists = merged_lists.build(hq.store)
        texts = {slug: merged_lists.csv_text(rows) for slug, _title, rows in lists.sections()}
        self._keep(hq, LISTS_FILE, key, canonical_json(texts).encode("utf-8"))
        patterns = pattern_flags.pattern_flags(hq.store)
        self._keep(hq, PAGE_FILE, key, canonical_json({
            "sections": [[slug, title] for slug, title, _rows in lists.sections()],
            "patterns": [[found.scope, found.flag.shown_title, found.flag.explanation,
                          len(found.flag.interview_ids)] for found in patterns],
            "flags_csv": pattern_flags.csv_text(patterns)}).encode("utf-8"))
        made_at = utc_now()
        self._keep(hq, PDF_FILE, key, merged_lists.signed_pdf(hq, lists), made_at)
        (self.folder / FAILED_FILE).unlink(missing_ok=True)

    def _keep(self, hq, name: str, key: str, content: bytes, made_at: str | None = None
              ) -> None:
        line = canonical_json({"key": key, "made_at": made_at or utc_now()})
        box = hq.store.sealer.seal_bytes(content, f"{_SEALED_AS[name]}:{line}")
        write_atomically(self.folder / name, line.encode("utf-8") + b"\n" + box)

    def _fail(self, open_hq: Callable[[Callable], object], sentence: str) -> None:
        try:
            sealed = open_hq(lambda hq: hq.store.sealer.seal_text(sentence,
                                                                   "merged-lists.failure"))
            write_atomically(self.folder / FAILED_FILE, canonical_json(
                {"at": utc_now(), "sentence": sealed}).encode("utf-8"))
        except Exception:
            log.exception("the failed build of the merged lists could not be recorded")
