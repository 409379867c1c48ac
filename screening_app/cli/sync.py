"""`screening-app sync ...`: the station's side of sync with headquarters."""

import argparse
from pathlib import Path

from screening_app.domain.wording import count_of
from screening_app.sync.members import record_counts


def cmd_trust_hq(args, services, actor) -> int:
    trusted = services.sync.trust_headquarters(actor, Path(args.file))
    print(f"This station now sends its records to {trusted.name!r} and accepts bundles signed"
          " by it.")
    return 0


def cmd_export(args, services, actor) -> int:
    exported = services.sync.export(actor, Path(args.to))
    print(f"Wrote {exported.summary()}")
    print("The records stay here and count as synced once headquarters acknowledges them"
          " ('screening-app sync apply' with the bundle headquarters sends back).")
    return 0


def cmd_push(args, services, actor) -> int:
    exported, applied = services.sync.push(actor, args.url, timeout=args.timeout)
    print(f"Sent {exported.summary()}")
    print(f"Headquarters answered: {applied.summary()}")
    return 0


def cmd_apply(args, services, actor) -> int:
    applied = services.sync.apply(actor, Path(args.file))
    print(applied.summary())
    return 0


def cmd_status(args, services, actor) -> int:
    status = services.sync.status(actor)
    print(f"Headquarters: {status.headquarters or 'not set (sync trust-hq)'}")
    waiting = record_counts(status.pending)
    print(f"Not yet acknowledged: {waiting or 'nothing'};"
          f" {count_of(status.events_pending, 'event')} after event"
          f" {status.events_acknowledged}.")
    print(f"Last export: {status.last_export_at or 'never'}; last acknowledgement:"
          f" {status.last_acknowledged_at or 'never'}.")
    print(f"Station certificate: valid until {status.certificate_ends or 'none installed'};"
          f" revocation list: {status.crl_number or 'none yet'}.")
    for warning in status.expiry_warnings:
        print(f"WARNING: {warning}")
    print(f"Forms stamped at headquarters (archival copy with its timestamp):"
          f" {status.forms_stamped}.")
    return 0


def register(commands, auth: argparse.ArgumentParser) -> None:
    sync = commands.add_parser("sync", help="send records to headquarters, apply its answers"
                               ).add_subparsers(dest="sync_command", metavar="ACTION",
                                                required=True)
    trust = sync.add_parser("trust-hq", parents=[auth],
                            help="install headquarters-public.json (admin)")
    trust.add_argument("file", metavar="headquarters-public.json")
    trust.set_defaults(handler=cmd_trust_hq)
    export = sync.add_parser("export", parents=[auth],
                             help="write a bundle of every record headquarters has not"
                                  " acknowledged (for a USB stick)")
    export.add_argument("--to", required=True, metavar="DIR")
    export.set_defaults(handler=cmd_export)
    push = sync.add_parser("push", parents=[auth],
                           help="send a bundle to headquarters over HTTP and apply its answer")
    push.add_argument("--url", required=True, help="for example http://127.0.0.1:8765")
    push.add_argument("--timeout", type=float, default=300.0, help="seconds (default 300)")
    push.set_defaults(handler=cmd_push)
    apply = sync.add_parser("apply", parents=[auth],
                            help="apply a bundle from headquarters (acknowledgements, roster,"
                                 " protocols, revocations)")
    apply.add_argument("file", metavar="BUNDLE.scb")
    apply.set_defaults(handler=cmd_apply)
    sync.add_parser("status", parents=[auth], help="what headquarters has not acknowledged"
                    ).set_defaults(handler=cmd_status)
