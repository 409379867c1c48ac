"""The command line's entry: the parser (each group of commands adds its own), and running a
command with one sentence for every failure."""

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from screening_app import __version__
from screening_app.cli.common import Passwords, open_signed_in
from screening_app.cli.output import (
    EXIT_BAD_INPUT,
    EXIT_FAILURE,
    EXIT_OK,
    CliError,
)
from screening_app.cli.station import open_gui
from screening_app.domain.errors import UserError
from screening_app.store.connection import DATABASE_ERRORS, storage_failure
from screening_app.store.station import PRIVATE_UMASK, default_data_dir


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="screening-app",
        description="Screening interviews for voluntary repatriation. With no command, "
                    "opens the desktop app.",
    )
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="the station's data directory (default: $SCREENING_APP_DATA_DIR "
                             "or the platform's data folder)")
    parser.add_argument("--version", action="version", version=f"screening-app {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    auth = argparse.ArgumentParser(add_help=False)
    auth.add_argument("--user", help="the account to act as")
    auth.add_argument("--password-stdin", action="store_true",
                      help="read the password (then any new password) from standard input")

    passphrase = argparse.ArgumentParser(add_help=False)
    passphrase.add_argument("--password-stdin", action="store_true",
                            help="read the CA passphrase from standard input")
    # One module per group of commands, each adding its own (in the order --help lists them).
    from screening_app.cli import (
        accounts,
        backup,
        certificates,
        doctor,
        enrolment,
        hq,
        interviews,
        people,
        review,
        station,
        sync,
    )

    station.register(commands, auth)
    accounts.register(commands, auth)
    interviews.register(commands, auth)
    people.register(commands, auth)
    review.register(commands, auth)
    certificates.register(commands, auth, passphrase)
    sync.register(commands, auth)
    enrolment.register(commands, auth)
    backup.register(commands, auth)
    hq.register(commands, passphrase)
    station.register_demo(commands)
    doctor.register(commands)
    return parser


# -- running ---------------------------------------------------------------------------------
def _report_unexpected(data_dir: Path, error: BaseException) -> None:
    from screening_app.failure_log import log_failure

    path = log_failure(data_dir, error)
    where = f"; details are in {path}" if path is not None else ""
    print(f"screening-app: unexpected failure: {error}{where}", file=sys.stderr)


def _written_folder(args) -> Path:
    """Where a failed write most likely went when its error names no file: the command's
    --to (a folder, or a file's folder), else the folder it works in (headquarters' or a
    CA's --dir), else the station's folder."""
    target = getattr(args, "to", None)
    if not target:
        folder = getattr(args, "dir", None)
        return Path(folder).expanduser() if folder else args.data_dir
    target = Path(target)
    return target if target.is_dir() else target.parent


def _desktop_app_only(argv: Sequence[str]) -> Path | None:
    """The data directory when the command line only opens the desktop app (no arguments,
    or only --data-dir): that start skips building the parser of every command, which
    takes tens of milliseconds the sign-in window would wait for."""
    if not argv:
        return default_data_dir().expanduser()
    if len(argv) == 2 and argv[0] == "--data-dir" and not argv[1].startswith("-"):
        return Path(argv[1]).expanduser()
    if len(argv) == 1 and argv[0].startswith("--data-dir=") and argv[0] != "--data-dir=":
        return Path(argv[0].split("=", 1)[1]).expanduser()
    return None


def run(argv: Sequence[str] | None = None) -> int:
    # Everything the program creates (the database, logs, backups, exported forms and lists,
    # bundles) is its owner's alone: 0600 files in 0700 folders.
    os.umask(PRIVATE_UMASK)
    data_dir = _desktop_app_only(list(sys.argv[1:] if argv is None else argv))
    if data_dir is not None:
        return open_gui(data_dir)
    parser = build_parser()
    args = parser.parse_args(argv)
    args.data_dir = (args.data_dir or default_data_dir()).expanduser()
    args.passwords = Passwords(getattr(args, "password_stdin", False))
    args.cli_error = CliError
    handler: Callable | None = getattr(args, "handler", None)
    if handler is None:
        return open_gui(args.data_dir)
    try:
        if not getattr(args, "needs_station", True):
            return handler(args)
        services, actor = open_signed_in(args)
        try:
            return handler(args, services, actor)
        finally:
            services.close()
    except UserError as error:
        print(f"screening-app: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("screening-app: interrupted.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`... | head`): what it read was right; stop quietly.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except (OSError, *DATABASE_ERRORS) as error:
        # A full disk or a read-only folder met outside a write transaction (a bundle, an
        # exported file, the sign-in throttle) is the user's to fix, not a bug.
        failure = storage_failure(error, _written_folder(args))
        if failure is None:
            _report_unexpected(args.data_dir, error)
            return EXIT_FAILURE
        print(f"screening-app: {failure}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except Exception as error:  # noqa: BLE001 - the last line of defence: log, never a traceback
        _report_unexpected(args.data_dir, error)
        return EXIT_FAILURE


def main(argv: Sequence[str] | None = None) -> None:
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8")
    sys.exit(run(argv))
