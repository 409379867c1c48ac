"""The station itself: making one (and the demo), its settings, its checks and its
history's chain."""

import argparse
import sys
from pathlib import Path

from screening_app.cli.output import (
    EXIT_BAD_INPUT,
    EXIT_INVALID,
    EXIT_OK,
)


def cmd_init(args) -> int:
    from screening_app.services.app import init_station

    enrol_to = Path(args.enrol_to) if args.enrol_to else None
    if enrol_to is not None and not enrol_to.parent.is_dir():
        # Checked first: a station made without the request it was made for is a chore.
        raise args.cli_error(f"Cannot write {enrol_to}: the folder {enrol_to.parent} does"
                             " not exist.")
    password = args.passwords.read_new(f"New password for admin {args.admin}: ")
    services = init_station(args.data_dir, args.station_id, args.camp, args.admin, password,
                            time_zone=args.time_zone, enrol_to=enrol_to)
    services.close()
    print(f"Station {args.station_id} ({args.camp}) created in {args.data_dir}; "
          f"admin account {args.admin!r} is ready.")
    if enrol_to is not None:
        print(f"Wrote the enrolment request to {enrol_to}: headquarters answers it with"
              " 'screening-app hq enrol', and the admin installs the kit it makes with"
              " 'screening-app enrol KIT'.")
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


def cmd_audit_verify(args, services, actor) -> int:
    report = services.audit.verify(actor)
    if report.ok:
        print(f"The station's history is whole: {report.events} events, head {report.head_seq}"
              f" {report.head_hash}; {report.records} sealed records match.")
        return EXIT_OK
    for problem in report.problems:
        print(f"BROKEN: {problem}")
    return EXIT_INVALID


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
    return open_gui(args.data_dir)


def open_gui(data_dir: Path) -> int:
    try:
        from screening_app.ui.app import run_gui
    except ImportError as error:
        # PySide6 fails to import when a system library its Qt needs is missing: say which.
        from screening_app.doctor.qt_platform import import_problem

        problem = import_problem(error)
        if problem:
            from screening_app.doctor.checks import problems_besides_qt

            for line in [problem, *problems_besides_qt(data_dir)]:
                print(f"screening-app: {line}", file=sys.stderr)
            return EXIT_BAD_INPUT
        print(
            "\nThe desktop app is not part of this version yet. Try the command line:\n"
            f"  screening-app --data-dir {data_dir} roster search 김 --user interviewer1\n"
            f"  screening-app --data-dir {data_dir} protocol show"
        )
        return EXIT_OK
    return run_gui(data_dir)


def register(commands, auth: argparse.ArgumentParser) -> None:
    init = commands.add_parser("init", help="create a station and its first admin")
    init.add_argument("--station-id", required=True)
    init.add_argument("--camp", required=True)
    init.add_argument("--admin", required=True, help="the first admin's user name")
    init.add_argument("--time-zone", help="the station's time zone, as the IANA database"
                      " names it (Asia/Seoul); days are counted in it (default: this"
                      " computer's)")
    init.add_argument("--password-stdin", action="store_true",
                      help="read the new admin's password from the first line of stdin")
    init.add_argument("--enrol-to", metavar="REQUEST.json",
                      help="also write the station's enrolment request here, for"
                           " 'screening-app hq enrol' (the admin's own key is made too)")
    init.set_defaults(handler=cmd_init, needs_station=False)

    settings = commands.add_parser("settings", help="station settings").add_subparsers(
        dest="settings_command", metavar="ACTION", required=True)
    settings.add_parser("show", parents=[auth], help="every setting and its value"
                        ).set_defaults(handler=cmd_settings_show)
    setting = settings.add_parser("set", parents=[auth], help="change a setting (admin)")
    setting.add_argument("key")
    setting.add_argument("value")
    setting.set_defaults(handler=cmd_settings_set)

    audit = commands.add_parser("audit", help="the station's event chain").add_subparsers(
        dest="audit_command", metavar="ACTION", required=True)
    audit.add_parser("verify", parents=[auth],
                     help="walk the chain and the sealed records (exit 0 whole, 3 broken)"
                     ).set_defaults(handler=cmd_audit_verify)

    check = commands.add_parser("check", parents=[auth],
                                help="integrity, schema, event chain and sealed records")
    check.set_defaults(handler=cmd_check)


def register_demo(commands) -> None:
    demo = commands.add_parser("demo", help="prepare a demo station and open it")
    demo.add_argument("--no-gui", action="store_true", help="only prepare it")
    demo.add_argument("--station-id", help="for a second demo camp (default DEMO-KOJE-01)")
    demo.add_argument("--camp", help="the second demo camp's name")
    demo.add_argument("--ca", metavar="DEMO_CA_DIR",
                      help="join another demo station's demo-ca folder (to sync both with one"
                           " demo headquarters)")
    demo.set_defaults(handler=cmd_demo, needs_station=False)
