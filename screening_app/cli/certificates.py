"""Keys and certificates: the root CA (at headquarters), the station's request and
certificate, and verifying a form."""

import argparse
import sys
from pathlib import Path

from screening_app.cli.common import open_signed_in, write_or_print
from screening_app.cli.output import (
    EXIT_INVALID,
    EXIT_OK,
    CliError,
)


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


def cmd_station_csr(args, services, actor) -> int:
    return write_or_print(services.keys.csr_pem(), args.to,
                           "Wrote this station's certificate signing request to {to}.")


def cmd_station_cert(args, services, actor) -> int:
    from screening_app.pki.certificates import chain_pem

    installed = services.keys.station_certificate()
    if installed is None:
        raise CliError("This station has no certificate yet ('station csr', then"
                       " 'station import-cert').")
    ends = f"{installed.certificate.not_valid_after_utc:%Y-%m-%d}"
    for warning in services.keys.expiry_warnings():
        print(f"WARNING: {warning}", file=sys.stderr)
    return write_or_print(chain_pem([installed.certificate, *installed.chain]), args.to,
                           "Wrote this station's certificate (valid until " + ends + ") to"
                           " {to}; headquarters registers it with 'screening-app hq station"
                           " add'.")


def cmd_station_enrol_request(args, services, actor) -> int:
    path = services.enrolment.write_request(actor, Path(args.to))
    print(f"Wrote the enrolment request to {path}: headquarters answers it with"
          " 'screening-app hq enrol', and the admin installs the kit it makes with"
          " 'screening-app enrol KIT'.")
    return EXIT_OK


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


def cmd_verify(args) -> int:
    """Exit 0 valid, 3 invalid (with the reason in one sentence)."""
    from screening_app.pki.certificates import load_certificates
    from screening_app.records.revocation_lists import trusted_list
    from screening_app.services.verification import read_pdf, verify_form
    from screening_app.store.station import station_exists

    pdf = read_pdf(Path(args.file))
    roots = []
    if args.trust:
        roots = load_certificates(read_pdf(Path(args.trust)), args.trust)
    given_crls = [(read_pdf(Path(path)), path) for path in args.crl or ()]
    services, actor = (None, None)
    if args.user and station_exists(args.data_dir):
        services, actor = open_signed_in(args)
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
        # A list the roots did not sign is refused here, not silently passed over.
        crls = [trusted_list(data, path, roots).der for data, path in given_crls]
        if services is not None:
            crls.extend(services.sync.revocation_lists())
        result = verify_form(pdf, roots, services.station if actor else None, actor,
                             crls=crls)
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


def register(commands, auth: argparse.ArgumentParser,
             passphrase: argparse.ArgumentParser) -> None:
    ca = commands.add_parser("ca", help="the organisation's root CA (headquarters)"
                             ).add_subparsers(dest="ca_command", metavar="ACTION", required=True)
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
    enrol_request = station.add_parser(
        "enrol-request", parents=[auth],
        help="write the enrolment request for 'hq enrol' (admin; 'init --enrol-to' writes"
             " it at once)")
    enrol_request.add_argument("--to", required=True, metavar="REQUEST.json")
    enrol_request.set_defaults(handler=cmd_station_enrol_request)
    import_cert = station.add_parser("import-cert", parents=[auth],
                                     help="install the certificate headquarters issued")
    import_cert.add_argument("file")
    import_cert.set_defaults(handler=cmd_station_import_cert)

    verify = commands.add_parser("verify", parents=[auth],
                                 help="is a choice form PDF genuine? (exit 0 valid, 3 invalid)")
    verify.add_argument("file", metavar="FILE.pdf")
    verify.add_argument("--trust", metavar="ROOT.pem",
                        help="the root certificate to trust (default: this station's root)")
    verify.add_argument("--crl", metavar="LIST.crl", action="append",
                        help="a certificate revocation list from headquarters, besides those"
                             " the form carries (may be given more than once)")
    verify.set_defaults(handler=cmd_verify, needs_station=False)
