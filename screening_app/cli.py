"""The command line. With no command it opens the desktop app.

Exit status: 0 success; 2 bad input, a refused action or a usage error (one clear
message, no traceback); 1 an unexpected failure (the message, and the path of a log
holding the traceback).
"""

import argparse
import getpass
import logging
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path

from screening_app import __version__
from screening_app.cli_output import (
    EXIT_BAD_INPUT,
    EXIT_FAILURE,
    EXIT_OK,
    CliError,
    print_json,
    table,
)
from screening_app.domain.accounts import Role
from screening_app.domain.errors import UserError
from screening_app.store.connection import DATABASE_ERRORS, storage_failure
from screening_app.store.durable import write_atomically
from screening_app.store.station import PRIVATE_UMASK, default_data_dir

log = logging.getLogger("screening_app")


# -- passwords -------------------------------------------------------------------------
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


# -- commands ----------------------------------------------------------------------------
def _open_signed_in(args):
    """Open the station with the --user account's password (the database is encrypted;
    the password opens it) and sign in."""
    from screening_app.services.app import StationServices

    if not args.user:
        raise CliError("This command needs --user NAME (and a password).")
    password = args.passwords.read(f"Password for {args.user}: ")
    services, actor = StationServices.unlock(args.data_dir, args.user, password)
    args.session_password = password  # for "user passwd", which checks the current one
    return services, actor


def cmd_init(args) -> int:
    from screening_app.services.app import init_station

    password = args.passwords.read_new(f"New password for admin {args.admin}: ")
    services = init_station(args.data_dir, args.station_id, args.camp, args.admin, password,
                            time_zone=args.time_zone)
    services.close()
    print(f"Station {args.station_id} ({args.camp}) created in {args.data_dir}; "
          f"admin account {args.admin!r} is ready.")
    return EXIT_OK


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
    _print_warning(change.warning)
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
    _print_warning(change.warning)
    return EXIT_OK


def _print_warning(warning: str | None) -> None:
    if warning:
        print(f"screening-app: warning: {warning}", file=sys.stderr)


def cmd_roster_import(args, services, actor) -> int:
    report = services.roster.import_file(actor, Path(args.file), dry_run=args.dry_run,
                                         encoding=args.encoding)
    print(report.summary())
    return EXIT_OK


def cmd_roster_search(args, services, actor) -> int:
    found = services.roster.search(actor, args.text, limit=args.limit)
    if args.json:
        print_json([s.as_dict() for s in found])
    elif not found:
        print(f"No one on the roster matches {args.text!r}.")
    else:
        print(table([(s.isn, s.name_native, s.name_latin, s.nationality, s.compound)
                      for s in found], ("ISN", "NATIVE NAME", "LATIN NAME", "NATIONALITY",
                                        "COMPOUND")))
    return EXIT_OK


def cmd_protocol_show(args) -> int:
    from screening_app.protocol import default_protocol, describe_protocol
    from screening_app.protocol.examples import complete_answers

    protocol = default_protocol()
    if args.example_answers:
        answers = complete_answers(args.choice) if args.choice else complete_answers()
        print_json({"answers": answers})
        return EXIT_OK
    description = describe_protocol(protocol)
    if args.json:
        print_json(description)
        return EXIT_OK
    print(f"{protocol.title.get('en')}: {protocol.id} version {protocol.version}")
    print(f"sha256 {protocol.sha256}")
    for number, step in enumerate(protocol.steps, start=1):
        print(f"\n{number}. {step.title.get('en')} [{step.id}]"
              + (f" requires {', '.join(step.requires)}" if step.requires else ""))
        for question in step.questions:
            options = ""
            if question.options:
                options = " (" + " | ".join(o.id for o in question.options) + ")"
            required = "" if question.required else ", optional"
            print(f"   {question.id}: {question.kind}{required}{options}")
    reasons = ", ".join(r.id for r in protocol.non_completion_reasons)
    print(f"\nNon-completion reasons: {reasons}")
    print("An answers file for 'interview record': screening-app protocol show --example-answers")
    return EXIT_OK


def cmd_interview_record(args, services, actor) -> int:
    from screening_app.services.transcription import read_answers_file

    document = read_answers_file(Path(args.answers))
    interview = services.transcription.record(actor, args.isn, document, source=args.answers)
    record, protocol = interview.record, interview.protocol
    if record.choice:
        label = protocol.option_label(protocol.choice.question, record.choice, "en")
        result = f"completed ({label})"
    else:
        reason = protocol.reason(record.non_completion_reason).label.en
        result = f"not completed ({reason}, at “{protocol.step(record.non_completion_step).title.en}”)"
    print(f"Recorded transcribed interview {record.id} for ISN {record.subject_isn}: {result}.")
    if record.supersedes_id:
        print(f"It follows interview {record.supersedes_id} as a"
              f" {record.purpose.replace('_', '-')}.")
    if record.flags:
        labels = [protocol.flag_kind(flag).label.en for flag in record.flags]
        print(f"Flags for the supervisor: {'; '.join(labels)}.")
    return EXIT_OK


def cmd_interview_list(args, services, actor) -> int:
    rows = services.interviews.list(actor, subject_isn=args.isn)
    if args.json:
        print_json([asdict(r) for r in rows])
        return EXIT_OK
    if not rows:
        print("No interviews yet.")
        return EXIT_OK
    show_choice = actor.role in (Role.SUPERVISOR, Role.ADMIN)
    headers = ["ID", "ISN", "NAME", "INTERVIEWER", "STATUS", "STARTED"]
    if show_choice:
        headers.append("CHOICE / REASON")
    lines = []
    for r in rows:
        row = [r.id[:8], r.subject_isn, r.subject_name, r.interviewer_label or r.interviewer,
               r.status + (" (paper)" if r.transcribed else ""), r.started_at[:16]]
        if show_choice:
            row.append(r.outcome_label)
        lines.append(row)
    print(table(lines, headers))
    return EXIT_OK


def cmd_form_export(args, services, actor) -> int:
    interview_id = services.documents.find_interview_id(actor, args.interview_id)
    document = services.documents.export(actor, interview_id, Path(args.to))
    print(f"Wrote the stored {document.kind.replace('_', ' ')} of interview {interview_id}"
          f" to {args.to} (SHA-256 {document.sha256}).")
    return EXIT_OK


def cmd_settings_show(args, services, actor) -> int:
    from screening_app.services.settings import SETTINGS

    for key, value in services.settings.all().items():
        print(f"{key} = {value}    ({SETTINGS[key].description})")
    return EXIT_OK


def cmd_settings_set(args, services, actor) -> int:
    value = services.settings.set(actor, args.key, args.value)
    print(f"{args.key} = {value}")
    return EXIT_OK


def cmd_people_list(args, services, actor) -> int:
    people = services.people.with_role(actor, args.role)
    if args.json:
        print_json([{"id": p.id, "name": p.name, "name_native": p.name_native,
                      "languages": list(p.languages), "body": p.body} for p in people])
        return EXIT_OK
    for person in people:
        extra = ", ".join(filter(None, (" ".join(person.languages), person.body)))
        print(f"{person.shown}{f'  ({extra})' if extra else ''}")
    if not people:
        print(f"The station knows no {args.role} yet.")
    return EXIT_OK


def cmd_people_add(args, services, actor) -> int:
    person = services.people.add(actor, args.role, args.name, name_native=args.name_native,
                                 languages=tuple((args.languages or "").split(",")),
                                 body=args.body)
    print(f"The station now knows {args.role} {person.shown}.")
    return EXIT_OK


def _known_person(services, actor, role: str, name: str):
    person = services.people.find(actor, role, name)
    if person is None:
        raise CliError(f"The station offers no {role} named {name!r}.")
    return person


def cmd_people_change(args, services, actor) -> int:
    person = _known_person(services, actor, args.role, args.name)
    changed = services.people.change(
        actor, person, name=_given_or(args.new_name, person.name),
        name_native=_given_or(args.name_native, person.name_native),
        languages=(person.languages if args.languages is None
                   else tuple(args.languages.split(","))),
        body=_given_or(args.body, person.body))
    print(f"The station now knows {args.role} {person.shown} as {changed.shown}.")
    return EXIT_OK


def _given_or(value, kept):
    """An option's value, or what the entry has when the option was not given."""
    return kept if value is None else value


def cmd_people_merge(args, services, actor) -> int:
    person = _known_person(services, actor, args.role, args.name)
    into = _known_person(services, actor, args.role, args.into)
    services.people.merge(actor, person, into)
    print(f"{person.shown} and {into.shown} are now one {args.role}, {into.shown}: the review"
          " counts their interviews together.")
    return EXIT_OK


def cmd_people_retire(args, services, actor) -> int:
    person = _known_person(services, actor, args.role, args.name)
    services.people.retire(actor, person)
    print(f"The interview no longer offers {args.role} {person.shown}.")
    return EXIT_OK


def cmd_ca_init(args) -> int:
    from screening_app.pki.certificates import common_name
    from screening_app.services.ca import init_ca

    passphrase = args.passwords.read_new("New passphrase for the CA key: ")
    certificate = init_ca(Path(args.dir), args.name, args.organisation, passphrase)
    print(f"Root CA {common_name(certificate)!r} created in {args.dir}: ca-cert.pem is the"
          " certificate everyone trusts; keep ca-key.pem and its passphrase safe.")
    return EXIT_OK


def cmd_ca_issue_station(args) -> int:
    from screening_app.pki.certificates import load_certificates
    from screening_app.services.ca import open_ca

    authority = open_ca(Path(args.dir), args.passwords.read("Passphrase for the CA key: "))
    csr_path = Path(args.csr)
    try:
        csr_pem = csr_path.read_bytes()
    except OSError as error:
        raise CliError(f"{csr_path}: {error.strerror}.") from None
    issued = authority.issue(csr_pem, str(csr_path))
    Path(args.out).write_bytes(issued)
    # The subject is what later tells whose signature a form carries: say it.
    print(_issued_sentence(load_certificates(issued, args.out)[0], args.out))
    return EXIT_OK


def _issued_sentence(certificate, out: str) -> str:
    from screening_app.pki.certificates import common_name
    from screening_app.pki.people import person_of

    person = person_of(certificate)
    if person is None:
        return (f"Wrote the certificate of {common_name(certificate)!r} (with the root) to"
                f" {out}; install it at the station with 'screening-app station import-cert'.")
    return (f"Wrote the certificate of {common_name(certificate)!r} of station"
            f" {person.station_id} (with the root) to {out}; {person.name} installs it with"
            " 'screening-app user import-cert'.")


def _write_or_print(pem: bytes, to: str | None, wrote: str) -> int:
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


def cmd_station_csr(args, services, actor) -> int:
    return _write_or_print(services.keys.csr_pem(), args.to,
                           "Wrote this station's certificate signing request to {to}.")


def cmd_station_cert(args, services, actor) -> int:
    from screening_app.pki.certificates import chain_pem

    installed = services.keys.station_certificate()
    if installed is None:
        raise CliError("This station has no certificate yet ('station csr', then"
                       " 'station import-cert').")
    return _write_or_print(chain_pem([installed.certificate, *installed.chain]), args.to,
                           "Wrote this station's certificate to {to}; headquarters registers it"
                           " with 'screening-app hq station add'.")


def cmd_station_import_cert(args, services, actor) -> int:
    from screening_app.pki.certificates import common_name

    path = Path(args.file)
    try:
        pem = path.read_bytes()
    except OSError as error:
        raise CliError(f"{path}: {error.strerror}.") from None
    installed = services.keys.import_certificate(actor, pem, str(path))
    print(f"Installed {common_name(installed.certificate)!r}, issued by"
          f" {common_name(installed.root)!r}; this station now signs its lists and bundles,"
          " and its people can start interviews once each has a certificate of their own"
          " ('screening-app user csr').")
    return EXIT_OK


EXIT_INVALID = 3


def cmd_verify(args) -> int:
    """Exit 0 valid, 3 invalid (with the reason in one sentence)."""
    from screening_app.pki.certificates import load_certificates
    from screening_app.services.verification import read_pdf, verify_form
    from screening_app.store.station import station_exists

    pdf = read_pdf(Path(args.file))
    roots = []
    if args.trust:
        roots = load_certificates(read_pdf(Path(args.trust)), args.trust)
    services, actor = (None, None)
    if args.user and station_exists(args.data_dir):
        services, actor = _open_signed_in(args)
    try:
        if not roots and services is not None:
            installed = services.keys.station_certificate()
            roots = [installed.root] if installed is not None else []
        elif not roots:
            # The root in a station's key file is only as good as whoever last wrote the
            # file: without a password its MAC cannot be checked, so it is not used.
            raise CliError("Checking a form needs a root certificate you trust: give --trust"
                           " with headquarters' root certificate, or --user to sign in and"
                           " use the station's own copy.")
        result = verify_form(pdf, roots, services.station if actor else None, actor)
        key_file = services.keys.key_file_problem() if services is not None else None
    finally:
        if services is not None:
            services.close()
    if not result.valid:
        print(f"INVALID: {result.reason}")
        return EXIT_INVALID
    print(f"VALID: {args.file}")
    for note in result.notes:
        print(f"  {note}")
    if result.superseded_by:
        print(f"  SUPERSEDED: {result.superseded_by}")
    if actor is None:
        print("  (not compared with a station database: give --user to compare)")
    if key_file:
        print(f"  WARNING: {key_file}")
    return EXIT_OK


def cmd_audit_verify(args, services, actor) -> int:
    report = services.audit.verify(actor)
    if report.ok:
        print(f"The station's history is whole: {report.events} events, head {report.head_seq}"
              f" {report.head_hash}; {report.records} sealed records match.")
        return EXIT_OK
    for problem in report.problems:
        print(f"BROKEN: {problem}")
    return EXIT_INVALID


def cmd_review_list(args, services, actor) -> int:
    from screening_app.services.reviews import describe_flags

    items = services.reviews.queue(actor, state=args.state, interviewer=args.interviewer,
                                   compound=args.compound, day=args.day)
    flags = services.reviews.flags(actor)
    if args.flagged:
        items = [i for i in items if flags.for_interview(i.interview_id)]
    if args.json:
        print_json([{**asdict(i), "flags": [_flag_json(f) for f in
                                             flags.for_interview(i.interview_id)]}
                     for i in items])
    elif not items:
        print("Nothing to review.")
    else:
        print(table([(i.interview_id[:8], i.subject_isn, i.subject_name, i.compound,
                       i.interviewer_label, i.finalised_local, i.outcome_label,
                       i.state_label, describe_flags(flags.for_interview(i.interview_id)),
                       i.reason or "") for i in items],
                     ("ID", "ISN", "NAME", "COMPOUND", "INTERVIEWER", "FINALISED",
                      "CHOICE / OUTCOME", "STATE", "FLAGS", "REASON / NOTE")))
    return EXIT_OK


def cmd_review_flags(args, services, actor) -> int:
    """The camp-wide flags (patterns across interviews), each with its interviews."""
    camp = services.reviews.flags(actor).camp
    if args.json:
        print_json([_flag_json(flag) for flag in camp])
    elif not camp:
        print("No pattern across interviews is flagged.")
    else:
        for flag in camp:
            ids = ", ".join(interview_id[:8] for interview_id in flag.interview_ids)
            print(f"⚑ {flag.shown_title}: {flag.explanation}")
            print(f"  {len(flag.interview_ids)} interviews: {ids}")
    return EXIT_OK


def _flag_json(flag) -> dict:
    return {"kind": flag.kind, "title": flag.shown_title, "explanation": flag.explanation,
            "interview_ids": list(flag.interview_ids)}


def cmd_review_decide(args, services, actor) -> int:
    from screening_app.services.reviews import NoteRequired, describe_flags

    interview_id = services.documents.find_interview_id(actor, args.interview_id)
    # Sending back and rejecting take --reason; approving takes --note (why a flagged
    # record is approved despite its flags). Both are the review's reason.
    reason = getattr(args, "reason", None) or getattr(args, "note", None)
    try:
        services.reviews.decide(actor, interview_id, args.decision, reason=reason,
                                comment=args.comment)
    except NoteRequired as refused:
        raise CliError(f"Interview {interview_id[:8]} is flagged ({describe_flags(refused.flags)});"
                       ' approve it with --note "…" saying why it is approved despite'
                       " them.") from None
    item = services.reviews.item(actor, interview_id)
    done = {"approved": f"Approved {item.person}; the form is countersigned.",
            "sent_back": f"Sent {item.person} back to {item.interviewer_label}.",
            "rejected": f"Rejected {item.person}."}[args.decision]
    print(f"{done} (interview {interview_id})")
    return EXIT_OK


def cmd_interview_sent_back(args, services, actor) -> int:
    items = services.reviews.sent_back_to(actor)
    if not items:
        print("Nothing was sent back to you.")
    for item in items:
        print(f"{item.interview_id[:8]}  {item.subject_isn}  {item.subject_name}: {item.reason}")
    return EXIT_OK


def cmd_lists_export(args, services, actor) -> int:
    written, lists = services.lists.export(actor, Path(args.to))
    for slug, _title, rows in lists.sections():
        print(f"{slug}: {len(rows)}")
    print(f"Wrote {len(written)} files to {args.to} (the PDF is signed by the station).")
    return EXIT_OK


def cmd_user_csr(args, services, actor) -> int:
    return _write_or_print(services.keys.create_user_key(actor), args.to,
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


def cmd_check(args, services, actor) -> int:
    results = services.checks.run(actor)
    for result in results:
        print(f"{'ok ' if result.ok else 'BAD'}  {result.name}: {result.detail}")
    return EXIT_OK if all(r.ok for r in results) else EXIT_INVALID


def cmd_demo(args) -> int:
    from screening_app.services.demo import prepare_demo

    options = {"station_id": args.station_id} if args.station_id else {}
    if args.camp:
        options["camp"] = args.camp
    demo = prepare_demo(args.data_dir, ca_dir=Path(args.ca) if args.ca else None, **options)
    print(demo.describe())
    if args.no_gui:
        return EXIT_OK
    return _open_gui(args.data_dir)


def _open_gui(data_dir: Path) -> int:
    try:
        from screening_app.ui.app import run_gui
    except ImportError as error:
        # PySide6 fails to import when a system library its Qt needs is missing: say which.
        from screening_app.ui.qt_preflight import import_problem

        problem = import_problem(error)
        if problem:
            print(f"screening-app: {problem}", file=sys.stderr)
            return EXIT_BAD_INPUT
        print(
            "\nThe desktop app is not part of this version yet. Try the command line:\n"
            f"  screening-app --data-dir {data_dir} roster search 김 --user interviewer1\n"
            f"  screening-app --data-dir {data_dir} protocol show"
        )
        return EXIT_OK
    return run_gui(data_dir)


# -- the parser ----------------------------------------------------------------------------
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

    init = commands.add_parser("init", help="create a station and its first admin")
    init.add_argument("--station-id", required=True)
    init.add_argument("--camp", required=True)
    init.add_argument("--admin", required=True, help="the first admin's user name")
    init.add_argument("--time-zone", help="the station's time zone, as the IANA database"
                      " names it (Asia/Seoul); days are counted in it (default: this"
                      " computer's)")
    init.add_argument("--password-stdin", action="store_true",
                      help="read the new admin's password from the first line of stdin")
    init.set_defaults(handler=cmd_init, needs_station=False)

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

    roster = commands.add_parser("roster", help="the roster of people to screen").add_subparsers(
        dest="roster_command", metavar="ACTION", required=True)
    imp = roster.add_parser("import", parents=[auth], help="import or update a CSV or XLSX roster")
    imp.add_argument("file")
    imp.add_argument("--dry-run", action="store_true", help="validate and count; write nothing")
    imp.add_argument("--encoding", help="the CSV text encoding (utf-8, cp949, gb18030)")
    imp.set_defaults(handler=cmd_roster_import)
    search = roster.add_parser("search", parents=[auth], help="find people by ISN or name")
    search.add_argument("text")
    search.add_argument("--json", action="store_true")
    search.add_argument("--limit", type=int, default=50)
    search.set_defaults(handler=cmd_roster_search)

    protocol = commands.add_parser("protocol", help="the interview protocol").add_subparsers(
        dest="protocol_command", metavar="ACTION", required=True)
    show = protocol.add_parser("show", help="steps, question ids and options")
    show.add_argument("--json", action="store_true")
    show.add_argument("--example-answers", action="store_true",
                      help="print a complete answers file for 'interview record'")
    show.add_argument("--choice", metavar="OPTION",
                      help="the choice in the example answers (an option of the protocol's"
                      " choice; by default the example's own)")
    show.set_defaults(handler=cmd_protocol_show, needs_station=False)

    interview = commands.add_parser("interview", help="interviews").add_subparsers(
        dest="interview_command", metavar="ACTION", required=True)
    record = interview.add_parser("record", parents=[auth],
                                  help="enter an interview taken on paper from a JSON answers file")
    record.add_argument("--isn", required=True)
    record.add_argument("--answers", required=True, metavar="FILE.json")
    record.set_defaults(handler=cmd_interview_record)
    ilist = interview.add_parser("list", parents=[auth], help="list interviews")
    ilist.add_argument("--json", action="store_true")
    ilist.add_argument("--isn", help="only this person's interviews")
    ilist.set_defaults(handler=cmd_interview_list)

    form = commands.add_parser("form", help="stored choice forms").add_subparsers(
        dest="form_command", metavar="ACTION", required=True)
    export = form.add_parser("export", parents=[auth],
                             help="write the stored PDF of an interview, byte for byte")
    export.add_argument("interview_id", help="the interview id (or its first characters)")
    export.add_argument("--to", required=True, metavar="FILE.pdf")
    export.set_defaults(handler=cmd_form_export)

    people = commands.add_parser(
        "people", help="the interpreters and observers the station knows").add_subparsers(
        dest="people_command", metavar="ACTION", required=True)
    # Options shared by the people commands: which list, and an entry's fields.
    role = argparse.ArgumentParser(add_help=False)
    role.add_argument("--role", choices=("interpreter", "observer"), default="interpreter")
    entry = argparse.ArgumentParser(add_help=False)
    entry.add_argument("--name-native", help="the name in the person's own script"
                       " ('' to remove it when changing)")
    entry.add_argument("--languages", help="the languages they interpret, as ko,en")
    entry.add_argument("--body", help="the body an observer represents")
    plist = people.add_parser("list", parents=[auth, role],
                              help="the known interpreters or observers")
    plist.add_argument("--json", action="store_true")
    plist.set_defaults(handler=cmd_people_list)
    padd = people.add_parser("add", parents=[auth, role, entry],
                             help="add an interpreter or an observer")
    padd.add_argument("name", help="the name as records write it (romanised)")
    padd.set_defaults(handler=cmd_people_add)
    pchange = people.add_parser("change", parents=[auth, role, entry],
                                help="correct an interpreter or observer (supervisor)")
    pchange.add_argument("name", help="either of the person's names as the list has them")
    pchange.add_argument("--new-name", help="the corrected name (romanised)")
    pchange.set_defaults(handler=cmd_people_change)
    pmerge = people.add_parser("merge", parents=[auth, role],
                               help="make two entries one person (supervisor)")
    pmerge.add_argument("name", help="the entry that goes (either of its names)")
    pmerge.add_argument("--into", required=True, help="the entry that stays")
    pmerge.set_defaults(handler=cmd_people_merge)
    pretire = people.add_parser("retire", parents=[auth, role],
                                help="no longer offer an interpreter or observer (supervisor)")
    pretire.add_argument("name", help="either of the person's names")
    pretire.set_defaults(handler=cmd_people_retire)

    settings = commands.add_parser("settings", help="station settings").add_subparsers(
        dest="settings_command", metavar="ACTION", required=True)
    settings.add_parser("show", parents=[auth], help="every setting and its value"
                        ).set_defaults(handler=cmd_settings_show)
    setting = settings.add_parser("set", parents=[auth], help="change a setting (admin)")
    setting.add_argument("key")
    setting.add_argument("value")
    setting.set_defaults(handler=cmd_settings_set)

    ca = commands.add_parser("ca", help="the organisation's root CA (headquarters)"
                             ).add_subparsers(dest="ca_command", metavar="ACTION", required=True)
    passphrase = argparse.ArgumentParser(add_help=False)
    passphrase.add_argument("--password-stdin", action="store_true",
                            help="read the CA passphrase from standard input")
    ca_init = ca.add_parser("init", parents=[passphrase], help="make a root CA in a folder")
    ca_init.add_argument("--dir", required=True, help="the CA's folder")
    ca_init.add_argument("--name", default="UNC Screening Root CA")
    ca_init.add_argument("--organisation", default="UNC Screening")
    ca_init.set_defaults(handler=cmd_ca_init, needs_station=False)
    issue = ca.add_parser("issue-station", parents=[passphrase],
                          help="issue a station's or a person's certificate from its"
                               " request")
    issue.add_argument("csr", help="the request (from 'station csr' or 'user csr'); the"
                                   " certificate names whom it names")
    issue.add_argument("--dir", required=True, help="the CA's folder")
    issue.add_argument("--out", required=True, metavar="CERT.pem")
    issue.set_defaults(handler=cmd_ca_issue_station, needs_station=False)

    station = commands.add_parser("station", help="this station's key and certificate"
                                  ).add_subparsers(dest="station_command", metavar="ACTION",
                                                   required=True)
    csr = station.add_parser("csr", parents=[auth], help="print or write the station's request")
    csr.add_argument("--to", metavar="FILE.pem")
    csr.set_defaults(handler=cmd_station_csr)
    cert = station.add_parser("cert", parents=[auth],
                              help="print or write the station's certificate (for 'hq station"
                                   " add')")
    cert.add_argument("--to", metavar="FILE.pem")
    cert.set_defaults(handler=cmd_station_cert)
    import_cert = station.add_parser("import-cert", parents=[auth],
                                     help="install the certificate headquarters issued")
    import_cert.add_argument("file")
    import_cert.set_defaults(handler=cmd_station_import_cert)

    verify = commands.add_parser("verify", parents=[auth],
                                 help="is a choice form PDF genuine? (exit 0 valid, 3 invalid)")
    verify.add_argument("file", metavar="FILE.pdf")
    verify.add_argument("--trust", metavar="ROOT.pem",
                        help="the root certificate to trust (default: this station's root)")
    verify.set_defaults(handler=cmd_verify, needs_station=False)

    audit = commands.add_parser("audit", help="the station's event chain").add_subparsers(
        dest="audit_command", metavar="ACTION", required=True)
    audit.add_parser("verify", parents=[auth],
                     help="walk the chain and the sealed records (exit 0 whole, 3 broken)"
                     ).set_defaults(handler=cmd_audit_verify)

    review = commands.add_parser("review", help="supervisor review of finalised interviews"
                                 ).add_subparsers(dest="review_command", metavar="ACTION",
                                                  required=True)
    rlist = review.add_parser("list", parents=[auth], help="the review queue")
    rlist.add_argument("--state", choices=["received", "approved", "sent_back", "rejected"])
    rlist.add_argument("--interviewer")
    rlist.add_argument("--compound")
    rlist.add_argument("--day", metavar="YYYY-MM-DD")
    rlist.add_argument("--flagged", action="store_true",
                       help="only the interviews that carry a flag of their own")
    rlist.add_argument("--json", action="store_true",
                       help="as JSON, each interview with its flags")
    rlist.set_defaults(handler=cmd_review_list)
    rflags = review.add_parser("flags", parents=[auth],
                               help="the patterns flagged across interviews (by interviewer,"
                                    " interpreter, compound-day), each with its interviews")
    rflags.add_argument("--json", action="store_true")
    rflags.set_defaults(handler=cmd_review_flags)
    for name, decision, needs_reason in (("approve", "approved", False),
                                         ("send-back", "sent_back", True),
                                         ("reject", "rejected", True)):
        decide = review.add_parser(name, parents=[auth], help=f"{name.replace('-', ' ')}"
                                   " an interview")
        decide.add_argument("interview_id")
        if needs_reason:
            decide.add_argument("--reason", required=True,
                                help="why (the interviewer sees it)")
        else:
            decide.add_argument("--note", metavar="TEXT",
                                help="why it is approved despite its flags (required when"
                                     " the interview is flagged; kept with the review)")
        decide.add_argument("--comment", help="a further remark kept with the review")
        decide.set_defaults(handler=cmd_review_decide, decision=decision)
    sent_back = interview.add_parser("sent-back", parents=[auth],
                                     help="your interviews a supervisor sent back, and why")
    sent_back.set_defaults(handler=cmd_interview_sent_back)

    lists = commands.add_parser("lists", help="the revised lists").add_subparsers(
        dest="lists_command", metavar="ACTION", required=True)
    lists_export = lists.add_parser("export", parents=[auth],
                                    help="CSV files and a signed PDF, from approved records")
    lists_export.add_argument("--to", required=True, metavar="DIR")
    lists_export.set_defaults(handler=cmd_lists_export)

    check = commands.add_parser("check", parents=[auth],
                                help="integrity, schema, event chain and sealed records")
    check.set_defaults(handler=cmd_check)

    from screening_app import cli_sync

    cli_sync.register(commands, auth)
    from screening_app import cli_backup

    cli_backup.register(commands, auth)
    from screening_app import cli_hq

    cli_hq.register(commands, passphrase)

    demo = commands.add_parser("demo", help="prepare a demo station and open it")
    demo.add_argument("--no-gui", action="store_true", help="only prepare it")
    demo.add_argument("--station-id", help="for a second demo camp (default DEMO-KOJE-01)")
    demo.add_argument("--camp", help="the second demo camp's name")
    demo.add_argument("--ca", metavar="DEMO_CA_DIR",
                      help="join another demo station's demo-ca folder (to sync both with one"
                           " demo headquarters)")
    demo.set_defaults(handler=cmd_demo, needs_station=False)
    return parser


# -- running ---------------------------------------------------------------------------------
def _report_unexpected(data_dir: Path, error: BaseException) -> None:
    from screening_app.failure_log import log_failure

    path = log_failure(data_dir, error)
    where = f"; details are in {path}" if path is not None else ""
    print(f"screening-app: unexpected failure: {error}{where}", file=sys.stderr)


def _written_folder(args) -> Path:
    """Where a failed write most likely went when its error names no file: the command's
    --to (a folder, or a file's folder), else the station's folder."""
    target = getattr(args, "to", None)
    if not target:
        return args.data_dir
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
        return _open_gui(data_dir)
    parser = build_parser()
    args = parser.parse_args(argv)
    args.data_dir = (args.data_dir or default_data_dir()).expanduser()
    args.passwords = Passwords(getattr(args, "password_stdin", False))
    args.cli_error = CliError
    handler: Callable | None = getattr(args, "handler", None)
    if handler is None:
        return _open_gui(args.data_dir)
    try:
        if not getattr(args, "needs_station", True):
            return handler(args)
        services, actor = _open_signed_in(args)
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


if __name__ == "__main__":
    main()
