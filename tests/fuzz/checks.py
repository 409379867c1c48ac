"""What every fuzz test asserts: a refusal is one clear sentence naming the file, and the
database is exactly as it was."""

import hashlib
import io
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from hypothesis import currently_in_test_context, event, settings

from screening_app.cli import run
from screening_app.domain.errors import UserError
from tests.conftest import PASSWORD

SIGN_IN_EVENT = "auth.signed_in"
CHECKPOINT_EVENT = "chain.checkpoint"
EXIT_BAD_INPUT = 2


def examples(share: float) -> settings:
    """The loaded profile's example count scaled by ``share`` (at least 2): a test whose
    examples are costly runs fewer of them, in every profile."""
    return settings(max_examples=max(2, round(settings.default.max_examples * share)))


def outcome(name: str) -> None:
    """Count an outcome for --hypothesis-show-statistics (a no-op outside a @given test)."""
    if currently_in_test_context():
        event(name)


# -- the database unchanged -----------------------------------------------------------------
@dataclass(frozen=True)
class Fingerprint:
    """Every table's row count and a digest of its rows, and the event chain's head."""

    tables: dict[str, tuple[int, str]]
    head: tuple[int, str]


def fingerprint(services) -> Fingerprint:
    return Fingerprint(table_digests(services.station.db), services.station.events.head())


def table_digests(db) -> dict[str, tuple[int, str]]:
    """Each table's row count and a digest of its rows, through an open connection (the
    station's or headquarters' own, so an encrypted database reads as it should)."""
    names = [name for (name,) in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        " ORDER BY name")]
    tables = {}
    for name in names:
        count = total = 0
        for row in db.execute(f'SELECT * FROM "{name}"'):
            digest = hashlib.sha256()
            for value in row:  # stored PDFs are hashed as they are, not through repr()
                digest.update(value if isinstance(value, bytes) else repr(value).encode())
                digest.update(b"\x1f")
            # A sum of the rows' digests: the same whatever order the rows come in.
            total = (total + int.from_bytes(digest.digest(), "big")) % 2**256
            count += 1
        tables[name] = (count, f"{total:064x}")
    return tables


def assert_unchanged(services, before: Fingerprint) -> None:
    after = fingerprint(services)
    changed = [name for name in before.tables if before.tables[name] != after.tables.get(name)]
    assert not changed, f"a refused input changed the tables {changed}"
    assert after == before


def assert_unchanged_but_sign_ins(services, before: Fingerprint) -> None:
    """After a CLI command: only the command's own sign-in events were added."""
    db = services.station.db
    added = [kind for (kind,) in db.execute("SELECT kind FROM events WHERE seq > ? ORDER BY"
                                            " seq", [before.head[0]])]
    # A supervisor's sign-in also checkpoints the history with the station's key.
    assert added and set(added) <= {SIGN_IN_EVENT, CHECKPOINT_EVENT}, f"events added: {added}"
    after = fingerprint(services)
    changed = [name for name in before.tables
               if name != "events" and before.tables[name] != after.tables.get(name)]
    assert not changed, f"a refused input changed the tables {changed}"


# -- one clear sentence ------------------------------------------------------------------------
def assert_clear_message(message: str, names: Sequence[str] = ()) -> None:
    """One non-empty line, no traceback, and (when given) naming one of ``names``."""
    assert message.strip(), "an empty message"
    # splitlines: also U+2028, NEL and the like, which a dialog shows as line breaks
    assert len(message.splitlines()) == 1, f"more than one line: {message!r}"
    assert "Traceback" not in message, message
    if names:
        assert any(name in message for name in names), (
            f"the message does not name {' or '.join(names)}: {message!r}")


def assert_clear_refusal(error: BaseException, names: Sequence[str] = ()) -> None:
    assert isinstance(error, UserError), f"{type(error).__name__} is not a UserError: {error}"
    assert_clear_message(str(error), names)


# -- the real command line, in this process ----------------------------------------------------
@dataclass(frozen=True)
class CliResult:
    code: int
    out: str
    err: str


def run_cli(capsys, monkeypatch, data_dir: Path, *argv, user: str = "admin") -> CliResult:
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    capsys.readouterr()
    code = run(["--data-dir", str(data_dir), *map(str, argv), "--user", user,
                "--password-stdin"])
    out, err = capsys.readouterr()
    return CliResult(code, out, err)


def assert_cli_refused(result: CliResult, names: Sequence[str] = ()) -> str:
    """Exit 2 and one line on standard error; returns the message."""
    assert result.code == EXIT_BAD_INPUT, (result.code, result.out, result.err)
    message = result.err.removesuffix("\n")
    assert message.startswith("screening-app: "), message
    assert_clear_message(message, names)
    return message
