"""Supervisors' review (the queue, its flags, decisions) and the revised lists."""

import argparse
from dataclasses import asdict
from pathlib import Path

from screening_app.cli.output import (
    EXIT_OK,
    CliError,
    print_json,
    table,
)


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


def cmd_lists_export(args, services, actor) -> int:
    written, lists = services.lists.export(actor, Path(args.to))
    for slug, _title, rows in lists.sections():
        print(f"{slug}: {len(rows)}")
    print(f"Wrote {len(written)} files to {args.to} (the PDF is signed by the station).")
    return EXIT_OK


def register(commands, auth: argparse.ArgumentParser) -> None:
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
    lists = commands.add_parser("lists", help="the revised lists").add_subparsers(
        dest="lists_command", metavar="ACTION", required=True)
    lists_export = lists.add_parser("export", parents=[auth],
                                    help="CSV files and a signed PDF, from approved records")
    lists_export.add_argument("--to", required=True, metavar="DIR")
    lists_export.set_defaults(handler=cmd_lists_export)
