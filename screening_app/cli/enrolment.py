"""`screening-app enrol KIT`: install what headquarters answered the station's enrolment
request with (services/enrolment.py). The request comes from `init --enrol-to`, or from
`station enrol-request` (cli/certificates.py) for a station made without it."""

import argparse
from pathlib import Path

from screening_app.cli.output import EXIT_OK


def cmd_enrol(args, services, actor) -> int:
    from screening_app.services.enrolment import spaced_fingerprint

    enrolled = services.enrolment.install_kit(actor, Path(args.kit))
    if enrolled.already:
        print(f"Station {enrolled.station_id} is already enrolled with this kit; nothing"
              " changed.")
    else:
        crl = (f"revocation list number {enrolled.crl_number}" if enrolled.crl_number
               else "no revocation list yet")
        print(f"Station {enrolled.station_id} is enrolled: its certificate (valid until"
              f" {enrolled.certificate_ends}) and {actor.name}'s are installed, it trusts"
              f" {enrolled.headquarters!r}, and it holds {enrolled.protocols} protocols,"
              f" {enrolled.roster_rows} roster rows and {crl} from headquarters.")
    # Trust on first use: the officer compares this with the paper checklist.
    print(f"Root certificate SHA-256: {spaced_fingerprint(enrolled.root_sha256)}")
    print("Compare it with the fingerprint on headquarters' checklist; if they differ, do"
          " not use this station and call headquarters.")
    return EXIT_OK


def register(commands, auth: argparse.ArgumentParser) -> None:
    enrol = commands.add_parser("enrol", parents=[auth],
                                help="install the kit headquarters made for this station's"
                                     " enrolment request (admin)")
    enrol.add_argument("kit", metavar="KIT.json")
    enrol.set_defaults(handler=cmd_enrol)

