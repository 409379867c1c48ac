"""What the command groups share beyond printing: passwords, the signed-in station,
warnings, and a PEM written or printed."""

import getpass
import sys
from pathlib import Path

from screening_app.cli.output import EXIT_OK, CliError
from screening_app.store.durable import write_atomically


class Passwords:
    """Passwords come from a prompt, or with --password-stdin one per line of stdin
    (the signed-in user's first, then a new account's)."""

    def __init__(self, from_stdin: bool):
        self._from_stdin = from_stdin

    def read(self, prompt: str) -> str:
        if not self._from_stdin:
            return getpass.getpass(prompt)
        line = sys.stdin.readline()
        if not line:
            raise CliError(f"Expected a line on standard input for: {prompt.strip(' :')}.")
        return line.rstrip("\r\n")

    def read_new(self, prompt: str) -> str:
        password = self.read(prompt)
        if not self._from_stdin and self.read("Repeat it: ") != password:
            raise CliError("The two passwords differ; nothing was changed.")
        return password


def open_signed_in(args):
    """Open the station with the --user account's password (the database is encrypted;
    the password opens it) and sign in."""
    from screening_app.services.app import StationServices

    if not args.user:
        raise CliError("This command needs --user NAME (and a password).")
    password = args.passwords.read(f"Password for {args.user}: ")
    services, actor = StationServices.unlock(args.data_dir, args.user, password)
    args.session_password = password  # for "user passwd", which checks the current one
    return services, actor


def print_warning(warning: str | None) -> None:
    if warning:
        print(f"screening-app: warning: {warning}", file=sys.stderr)


def write_or_print(pem: bytes, to: str | None, wrote: str) -> int:
    """A PEM to the file --to names (saying what it is for), or to standard output."""
    if to:
        folder = Path(to).parent
        if not folder.is_dir():
            raise CliError(f"Cannot write {to}: the folder {folder} does not exist.")
        write_atomically(Path(to), pem)
        print(wrote.format(to=to))
    else:
        sys.stdout.write(pem.decode())
    return EXIT_OK
