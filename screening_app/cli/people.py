"""The interpreters and observers the station knows."""

import argparse

from screening_app.cli.output import (
    EXIT_OK,
    CliError,
    print_json,
)


def _known_person(services, actor, role: str, name: str):
    person = services.people.find(actor, role, name)
    if person is None:
        raise CliError(f"The station offers no {role} named {name!r}.")
    return person


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


def register(commands, auth: argparse.ArgumentParser) -> None:
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
