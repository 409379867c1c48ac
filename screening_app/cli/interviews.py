"""The roster, the protocol, interviews (recorded from paper, listed, sent back) and their
stored forms."""

import argparse
from dataclasses import asdict
from pathlib import Path

from screening_app.cli.output import (
    EXIT_OK,
    print_json,
    table,
)
from screening_app.domain.accounts import Role
from screening_app.domain.errors import UserError


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
    from screening_app.protocol import describe_protocol
    from screening_app.protocol.examples import example_answers

    protocol = bundled_protocol(args.protocol)
    if args.example_answers:
        print_json({"answers": example_answers(protocol, args.choice)})
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


def bundled_protocol(protocol_id: str | None):
    """The newest bundled version of ``protocol_id``, or of the default protocol."""
    from screening_app.protocol import available_protocols, default_protocol

    if protocol_id is None:
        return default_protocol()
    versions = [p for p in available_protocols() if p.id == protocol_id]
    if not versions:
        known = ", ".join(sorted({p.id for p in available_protocols()}))
        raise UserError(f"No protocol {protocol_id!r} comes with the program; bundled: {known}.")
    return max(versions, key=lambda protocol: protocol.version)


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


def cmd_interview_sent_back(args, services, actor) -> int:
    items = services.reviews.sent_back_to(actor)
    if not items:
        print("Nothing was sent back to you.")
    for item in items:
        print(f"{item.interview_id[:8]}  {item.subject_isn}  {item.subject_name}: {item.reason}")
    return EXIT_OK


def cmd_form_export(args, services, actor) -> int:
    interview_id = services.documents.find_interview_id(actor, args.interview_id)
    document = services.documents.export(actor, interview_id, Path(args.to))
    print(f"Wrote the stored {document.kind.replace('_', ' ')} of interview {interview_id}"
          f" to {args.to} (SHA-256 {document.sha256}).")
    return EXIT_OK


def register(commands, auth: argparse.ArgumentParser) -> None:
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
    show.add_argument("--protocol", metavar="ID",
                      help="a bundled protocol other than the default (its newest version)")
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

    sent_back = interview.add_parser("sent-back", parents=[auth],
                                     help="your interviews a supervisor sent back, and why")
    sent_back.set_defaults(handler=cmd_interview_sent_back)

    form = commands.add_parser("form", help="stored choice forms").add_subparsers(
        dest="form_command", metavar="ACTION", required=True)
    export = form.add_parser("export", parents=[auth],
                             help="write the stored PDF of an interview, byte for byte")
    export.add_argument("interview_id", help="the interview id (or its first characters)")
    export.add_argument("--to", required=True, metavar="FILE.pdf")
    export.set_defaults(handler=cmd_form_export)
