"""Accounts: adding, naming, disabling and enabling them, passwords, and each person's
signing key and certificate."""

import argparse
from dataclasses import asdict
from pathlib import Path

from screening_app.cli.common import print_warning, write_or_print
from screening_app.cli.output import (
    EXIT_OK,
    CliError,
    print_json,
    table,
)
from screening_app.domain.accounts import Role


def cmd_user_add(args, services, actor) -> int:
    password = args.passwords.read_new(f"Password for the new account {args.name}: ")
    user = services.accounts.add_user(actor, args.name, args.role, password,
                                      display_name=args.display_name)
    shown = f" (shown as {user.display_name!r})" if user.display_name else ""
    print(f"Account {user.name!r}{shown} added with role {user.role.value}.")
    return EXIT_OK


def cmd_user_set_display_name(args, services, actor) -> int:
    user = services.accounts.set_display_name(actor, args.name, args.display_name)
    if user.display_name:
        print(f"Account {user.name!r} is now shown as {user.display_name!r} on forms, flags"
              " and lists.")
    else:
        print(f"Account {user.name!r} has no display name now; its login name is shown.")
    return EXIT_OK


def cmd_user_list(args, services, actor) -> int:
    users = services.accounts.list_users(actor)
    if args.json:
        print_json([asdict(u) for u in users])
    else:
        print(table([(u.name, u.display_name or "", u.role.value, u.created_at,
                       "disabled" if u.disabled else "") for u in users],
                     ("NAME", "DISPLAY NAME", "ROLE", "CREATED", "")))
    return EXIT_OK


def cmd_user_disable(args, services, actor) -> int:
    user = services.accounts.disable(actor, args.name)
    print(f"Account {user.name!r} disabled: it can no longer sign in nor unlock the station"
          " key. 'user enable' brings it back with a new password.")
    return EXIT_OK


def cmd_user_enable(args, services, actor) -> int:
    password = args.passwords.read_new(f"New password for {args.name}: ")
    change = services.accounts.enable(actor, args.name, password)
    print(f"Account {change.name!r} enabled with its new password.")
    print_warning(change.warning)
    return EXIT_OK


def cmd_user_passwd(args, services, actor) -> int:
    """Without a name (or with one's own): change one's own password; the sign-in
    password is the current one. With another account's name: an admin's reset."""
    if args.name is None or args.name.strip().casefold() == actor.name.casefold():
        password = args.passwords.read_new("New password: ")
        change = services.accounts.change_password(actor, args.session_password, password)
        print(f"The password of {change.name!r} is changed; use the new one from now on.")
    else:
        password = args.passwords.read_new(f"New password for {args.name}: ")
        change = services.accounts.reset_password(actor, args.name, password)
        print(f"The password of {change.name!r} is reset; give it to them in person.")
    print_warning(change.warning)
    return EXIT_OK


def cmd_user_csr(args, services, actor) -> int:
    return write_or_print(services.keys.create_user_key(actor), args.to,
                           f"Wrote {actor.name}'s certificate signing request to {{to}};"
                           " headquarters issues it with 'screening-app ca issue-station'.")


USES_OF_A_PERSONAL_KEY = {
    Role.INTERVIEWER: "the forms you finalise are now signed with it",
    Role.SUPERVISOR: "the forms you finalise and your approvals are now signed with it",
    Role.ADMIN: "your approvals are now countersigned with it",
}


def cmd_user_import_cert(args, services, actor) -> int:
    path = Path(args.file)
    try:
        pem = path.read_bytes()
    except OSError as error:
        raise CliError(f"{path}: {error.strerror}.") from None
    services.install_user_certificate(actor, pem, str(path))
    print(f"Installed {actor.name}'s certificate: {USES_OF_A_PERSONAL_KEY[actor.role]}.")
    return EXIT_OK


def register(commands, auth: argparse.ArgumentParser) -> None:
    user = commands.add_parser("user", help="accounts").add_subparsers(
        dest="user_command", metavar="ACTION", required=True)
    add = user.add_parser("add", parents=[auth], help="add an account (admin)")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=[r.value for r in Role])
    add.add_argument("--display-name", metavar="TEXT",
                     help="the name people read on forms and lists: full name and rank,"
                          " such as \"Capt. R. Hughes\" (default: the login name)")
    add.set_defaults(handler=cmd_user_add)
    display = user.add_parser("set-display-name", parents=[auth],
                              help="change the name people read for an account (admin);"
                                   " \"\" clears it")
    display.add_argument("name")
    display.add_argument("display_name", metavar="DISPLAY_NAME")
    display.set_defaults(handler=cmd_user_set_display_name)
    listing = user.add_parser("list", parents=[auth], help="list accounts")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=cmd_user_list)
    disable = user.add_parser("disable", parents=[auth],
                              help="disable an account: no sign-in, no station key (admin)")
    disable.add_argument("name")
    disable.set_defaults(handler=cmd_user_disable)
    enable = user.add_parser("enable", parents=[auth],
                             help="enable a disabled account with a new password (admin)")
    enable.add_argument("name")
    enable.set_defaults(handler=cmd_user_enable)
    passwd = user.add_parser(
        "passwd", parents=[auth],
        help="change your password (the sign-in password is the current one, then the new"
             " one); with NAME, an admin resets that account's password")
    passwd.add_argument("name", nargs="?", metavar="NAME")
    passwd.set_defaults(handler=cmd_user_passwd)
    user_csr = user.add_parser("csr", parents=[auth],
                               help="your own signing key's request, for headquarters"
                                    " (every account: interviewers sign their forms with it)")
    user_csr.add_argument("--to", metavar="FILE.pem")
    user_csr.set_defaults(handler=cmd_user_csr)
    user_cert = user.add_parser("import-cert", parents=[auth],
                                help="install your certificate from headquarters")
    user_cert.add_argument("file")
    user_cert.set_defaults(handler=cmd_user_import_cert)
