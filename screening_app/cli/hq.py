"""`screening-app hq ...`: headquarters' side of sync, for HQ operators.

Every command works on an HQ folder (``--dir``, default ``$SCREENING_APP_HQ_DIR``).
Commands that decrypt, sign or change what headquarters holds or sends ask for the HQ
passphrase; views (status, station list, conflicts) open without it; resolving a conflict
asks for the operator's own password, because the decision carries their name. With
``--password-stdin`` each secret is read from its own line of standard input, in the
order the command asks for them.
"""

import argparse
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path

from screening_app.cli import output

HQ_DIR_VARIABLE = "SCREENING_APP_HQ_DIR"


# -- opening headquarters ---------------------------------------------------------------------
def _hq_dir(args) -> Path:
    folder = args.dir or os.environ.get(HQ_DIR_VARIABLE)
    if not folder:
        raise output.CliError(f"Give the headquarters folder with --dir or ${HQ_DIR_VARIABLE}.")
    return Path(folder).expanduser()


@contextmanager
def _opened(args, *, keys: bool) -> Iterator:
    """The headquarters of ``--dir``; with ``keys`` unlocked by its passphrase."""
    if not keys:
        from screening_app.hq.headquarters import Headquarters

        hq = Headquarters.open_locked(_existing_hq_dir(args))
        try:
            yield hq
        finally:
            hq.close()
        return
    with _unlocked(args) as (hq, _):
        yield hq


@contextmanager
def _unlocked(args) -> Iterator:
    """(headquarters, its passphrase): for the TLS key, sealed under the same passphrase."""
    from screening_app.hq.headquarters import Headquarters

    folder = _existing_hq_dir(args)
    passphrase = args.passwords.read(f"Passphrase of headquarters in {folder}: ")
    hq = Headquarters.open(folder, passphrase)
    try:
        yield hq, passphrase
    finally:
        hq.close()


def _existing_hq_dir(args) -> Path:
    from screening_app.hq.databases import holds_headquarters

    folder = _hq_dir(args)
    if not holds_headquarters(folder):
        raise output.CliError(f"There is no headquarters in {folder}; create one with"
                              " 'screening-app hq init'.")
    return folder


def _read_file(path_text: str) -> bytes:
    path = Path(path_text)
    try:
        return path.read_bytes()
    except OSError as error:
        raise output.CliError(f"{path}: {error.strerror or error}.") from None


def _when(text: str | None) -> str:
    return (text or "never")[:16].replace("T", " ")


# -- making and serving -----------------------------------------------------------------------
def cmd_init(args) -> int:
    from screening_app.hq.headquarters import init_headquarters

    folder = _hq_dir(args)
    ca_passphrase = args.passwords.read(f"Passphrase of the CA key in {args.ca}: ")
    passphrase = args.passwords.read_new("New passphrase for headquarters (12 or more"
                                         " characters): ")
    own = _own_tls(args)
    password = args.passwords.read_new(f"New password for operator {args.operator}: ")
    public = init_headquarters(folder, ca_folder=Path(args.ca), ca_passphrase=ca_passphrase,
                               passphrase=passphrase, operator=args.operator,
                               operator_password=password, name=args.name,
                               database=args.database, tls_names=args.tls_name,
                               tls_own=own)
    print(f"Headquarters {args.name!r} created in {folder}; operator {args.operator!r} is"
          f" ready. Give {public} to every station ('screening-app sync trust-hq').")
    _print_tls(folder)
    return output.EXIT_OK


def _own_tls(args) -> tuple[Path, Path] | None:
    """--tls-cert/--tls-key as a pair of paths, checked to come together, and not with
    --tls-name (an operator's own certificate already names its hosts)."""
    if bool(args.tls_cert) != bool(args.tls_key):
        raise output.CliError("Give both --tls-cert and --tls-key, or neither.")
    if args.tls_cert and args.tls_name:
        raise output.CliError("--tls-name is for a certificate headquarters makes; your own"
                              " certificate (--tls-cert) already names its hosts.")
    return (Path(args.tls_cert), Path(args.tls_key)) if args.tls_cert else None


def _print_tls(folder: Path) -> None:
    from screening_app.hq import tls

    chain = tls.tls_chain(folder)
    if chain is None:
        print(tls.no_certificate_sentence(folder))
        return
    certificate = chain[0]
    print(f"TLS certificate for {', '.join(tls.host_names(certificate)) or 'no names'},"
          f" valid until {certificate.not_valid_after_utc:%Y-%m-%d}, SHA-256"
          f" {tls.spaced(tls.fingerprint(certificate))} (stations pin it from"
          " headquarters-public.json).")


def cmd_operator_add(args) -> int:
    from screening_app.hq.headquarters import add_operator

    with _opened(args, keys=True) as hq:
        password = args.passwords.read_new(f"New password for operator {args.name}: ")
        add_operator(hq, args.name, password)
    print(f"Operator {args.name!r} added.")
    return output.EXIT_OK


def cmd_serve(args) -> int:
    from screening_app.hq import tls
    from screening_app.hq.databases import holds_headquarters
    from screening_app.sync.pinning import is_loopback_host

    if bool(args.tls_cert) != bool(args.tls_key):
        raise output.CliError("Give both --tls-cert and --tls-key, or neither.")
    own = (Path(args.tls_cert), Path(args.tls_key)) if args.tls_cert else None
    folder = _hq_dir(args)
    if args.plain_http:
        if own:
            raise output.CliError("Give --plain-http or --tls-cert/--tls-key, not both.")
        if not is_loopback_host(args.host):
            raise output.CliError(
                f"Plain HTTP is served only to this computer (--host 127.0.0.1, ::1 or"
                f" localhost), not on {args.host}, because operators' passwords and the"
                " merged lists would cross the network in clear; leave out --plain-http to"
                " serve TLS.")
    elif holds_headquarters(folder):
        pinned = tls.tls_chain(folder)
        if pinned is None:
            raise output.CliError(tls.no_certificate_sentence(folder))
        if own:
            _check_pinned(own, pinned[0])
    scheme = "http" if args.plain_http else "https"
    with _unlocked(args) as (hq, passphrase):
        print(f"Headquarters {hq.name!r} serves {scheme}://{args.host}:{args.port}/ (stations"
              f" push to {scheme}://{args.host}:{args.port}{web_path()}); Ctrl+C stops it.")
        if args.plain_http:
            _serve(hq, args, {})
        elif own:
            _serve(hq, args, {"ssl_certfile": str(own[0]), "ssl_keyfile": str(own[1])})
        else:
            _print_tls(hq.folder)
            with _stopped_by_sigterm(), tls.served_files(hq.folder, passphrase) as files:
                _serve(hq, args, files)
    return output.EXIT_OK


def _serve(hq, args, options: dict) -> None:
    from screening_app.hq import web

    if args.workers == 1:
        web.serve(hq, args.host, args.port, **options)
    else:
        serve_with_workers(hq, args.host, args.port, args.workers, options)


@contextmanager
def _stopped_by_sigterm() -> Iterator[None]:
    """uvicorn shuts down on SIGTERM and then raises it again, which would end the process
    before the temporary TLS key file is removed: here it ends it through SystemExit, so
    the ``with`` blocks around serving clean up. (With several workers the parent stops
    them on SIGTERM itself and returns.)"""
    import signal

    def stop(signum, frame):
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _check_pinned(own: tuple[Path, Path], pinned) -> None:
    """Stations accept only the certificate in the public file: serving another one would
    have every push refused, so say so now."""
    from screening_app.hq import tls
    from screening_app.pki import certificates

    given = certificates.load_certificates(_read_file(str(own[0])), str(own[0]))[0]
    if tls.fingerprint(given) != tls.fingerprint(pinned):
        raise output.CliError(
            f"{own[0]} is not the TLS certificate stations pin (the one in"
            " headquarters-public.json); put it there with 'screening-app hq tls renew"
            f" --tls-cert {own[0]} --tls-key {own[1]}' and give stations the new file.")


def cmd_tls_init(args) -> int:
    from screening_app.hq import tls

    folder = _existing_hq_dir(args)
    if tls.tls_chain(folder) is not None:
        raise output.CliError(f"Headquarters in {folder} already has a TLS certificate;"
                              " replace it with 'screening-app hq tls renew'.")
    return cmd_tls_renew(args)


def cmd_tls_renew(args) -> int:
    from screening_app.hq.headquarters import renew_tls

    own = _own_tls(args)
    with _unlocked(args) as (hq, passphrase):
        _, public = renew_tls(hq, passphrase, names=args.tls_name, own=own)
        folder = hq.folder
    _print_tls(folder)
    print(f"Rewrote {public}: give it to every station again ('screening-app sync"
          " trust-hq'); until a station trusts it, its pushes over https are refused.")
    return output.EXIT_OK


def cmd_tls_show(args) -> int:
    from screening_app.hq import tls
    from screening_app.pki import certificates

    folder = _existing_hq_dir(args)
    chain = tls.tls_chain(folder)
    if chain is None:
        raise output.CliError(tls.no_certificate_sentence(folder))
    if args.pem:
        print(certificates.chain_pem(chain).decode(), end="")
    else:
        _print_tls(folder)
    return output.EXIT_OK


def serve_with_workers(hq, host: str, port: int, workers: int, options: dict) -> None:
    from screening_app.hq import web
    from screening_app.hq.operator_sessions import share_checks_between_processes
    from screening_app.hq.workers import check_workers, listening_sockets
    from screening_app.hq.workers import serve_with_workers as fork_workers

    check_workers(hq, workers)
    sockets = listening_sockets(host, port, workers)
    share_checks_between_processes()  # a bound for the server, not each worker
    fork_workers(hq, sockets, lambda hq, sock: web.make_server(
        hq, host, port, **options).run(sockets=[sock]))


def web_path() -> str:
    from screening_app.sync.push_client import BUNDLES_PATH

    return BUNDLES_PATH


# -- bundles ----------------------------------------------------------------------------------
def cmd_ingest(args) -> int:
    from screening_app.hq.intake import ingest
    from screening_app.hq.resend import answer_gap
    from screening_app.sync.bundle import BundleError

    refused = 0
    with _opened(args, keys=True) as hq:
        for bundle in args.bundles:
            try:
                receipt = ingest(hq, Path(bundle), via="file")
            except BundleError as refusal:
                refused += 1
                print(f"REFUSED {bundle}: {refusal}")
                answer = args.reply_to and answer_gap(hq, bundle, refusal, Path(args.reply_to))
                if answer:
                    print(f"  Reply for station {answer.station_id}, asking it to send again"
                          f" everything after event {answer.after_seq}: {answer.path} (apply"
                          " it there with 'screening-app sync apply', then export again).")
                continue
            print(receipt.summary())
            _stamp_for_archive(hq, receipt.station_id)
            if args.reply_to:
                reply = _write_reply(hq, receipt.station_id, Path(args.reply_to))
                print(f"  Reply for station {receipt.station_id}: {reply} (apply it there with"
                      " 'screening-app sync apply').")
    if refused:
        print(f"{refused} of {len(args.bundles)} bundles refused; each is recorded as an"
              " incident ('screening-app hq status').")
        return output.EXIT_BAD_INPUT
    return output.EXIT_OK


def _write_reply(hq, station_id: str, folder: Path) -> Path:
    """The down bundle answering an intake; a disk that fails it does not undo the intake,
    and the sentence says so (a storage failure's own says nothing was saved)."""
    from screening_app.hq.down import build_down_bundle
    from screening_app.store.connection import (
        DiskFailed,
        DiskFull,
        FolderNotWritable,
        StorageFailure,
        storage_failure,
    )

    try:
        return build_down_bundle(hq, station_id, folder)
    except (OSError, StorageFailure) as error:
        failure = storage_failure(error, folder)
        if failure is None:
            raise
        why = ("the disk is full" if isinstance(failure, DiskFull)
               else "the disk failed while writing" if isinstance(failure, DiskFailed)
               else "the folder cannot be written to" if isinstance(failure, FolderNotWritable)
               else "it could not be written")
        raise output.CliError(
            f"The bundle is taken in, but its reply could not be written to {folder} ({why});"
            f" write it with 'screening-app hq down export --station {station_id} --to"
            f" {folder}' once that is fixed.") from error


def _stamp_for_archive(hq, station_id: str) -> None:
    """Stamp the forms a bundle brought; the intake stands whatever happens here."""
    from screening_app.hq.archive import stamp_after_intake

    report = stamp_after_intake(hq, station_id)
    if report is None:
        print("  Its forms are not stamped for the archive yet (see the log); run"
              " 'screening-app hq archive stamp' once that is fixed.")
    elif report.stamped or report.refused:
        print(f"  Archive: {report.summary()}")


def cmd_down_export(args) -> int:
    from screening_app.hq.down import build_down_bundle

    with _opened(args, keys=True) as hq:
        path = build_down_bundle(hq, args.station, Path(args.to))
    print(f"Wrote {path} for station {args.station}; apply it there with 'screening-app sync"
          " apply'.")
    return output.EXIT_OK


# -- stations ---------------------------------------------------------------------------------
def cmd_station_add(args) -> int:
    from screening_app.hq.registry import register_station

    pem = _read_file(args.cert)
    with _opened(args, keys=True) as hq:
        entry = register_station(hq, pem, args.cert)
    print(f"Station {entry.station_id} ({entry.camp}) is registered; headquarters accepts its"
          " bundles.")
    return output.EXIT_OK


def cmd_enrol(args) -> int:
    from screening_app.hq import tls
    from screening_app.hq.enrolment import enrol_station

    data = _read_file(args.request)
    with _opened(args, keys=True) as hq:
        authority = _authority(args)
        enrolled = enrol_station(hq, authority, data, Path(args.request).name, Path(args.to))
    crl = (f"CRL number {enrolled.crl_number}" if enrolled.crl_number
           else "no CRL (none issued yet)")
    again = " again (it was registered with this key before)" if enrolled.again else ""
    print(f"Station {enrolled.station_id} ({enrolled.camp}) is registered{again}; wrote"
          f" {enrolled.kit} with its certificate and admin {enrolled.admin_name}'s,"
          f" {enrolled.protocols} protocols, {enrolled.roster_rows} roster rows and {crl}."
          f" The admin installs it with 'screening-app enrol {enrolled.kit.name}'.")
    # What the station prints after installing the kit, for the officer to compare.
    print(f"Root certificate SHA-256: {tls.spaced(enrolled.root_sha256)}")
    return output.EXIT_OK


def cmd_station_revoke(args) -> int:
    from screening_app.hq.registry import revoke_station

    with _opened(args, keys=True) as hq:
        authority = _authority(args)
        with hq.store.transaction():
            revoke_station(hq, args.station_id, args.reason, args.code)
            issued = _issue_crl(hq, authority)
    print(f"Station {args.station_id} is revoked: headquarters refuses its bundles from now on."
          f" {_crl_sentence(issued)}")
    return output.EXIT_OK


def _station_rows(stations) -> list[list]:
    return [[s.station_id, s.camp,
             f"revoked {s.revoked_at[:10]}" if s.revoked else "active",
             _when(s.last_bundle_at), s.events_seq, s.interviews, s.documents, s.reviews,
             s.subjects] for s in stations]


_STATION_HEADERS = ("STATION", "CAMP", "STATUS", "LAST BUNDLE (UTC)", "EVENTS", "INTERVIEWS",
                    "DOCUMENTS", "REVIEWS", "ROSTER")


def cmd_station_list(args) -> int:
    from screening_app.hq.registry import list_stations

    with _opened(args, keys=False) as hq:
        stations = list_stations(hq)
    if args.json:
        output.print_json([asdict(s) for s in stations])
    elif not stations:
        print("No station is registered yet ('screening-app hq station add CERT.pem').")
    else:
        print(output.table(_station_rows(stations), _STATION_HEADERS))
    return output.EXIT_OK


def cmd_status(args) -> int:
    from screening_app.hq import revocation_lists
    from screening_app.hq.conflicts import open_conflicts
    from screening_app.hq.registry import list_stations

    with _opened(args, keys=True) as hq:  # the refusals' reasons may name people: sealed
        stations = list_stations(hq)
        opened = open_conflicts(hq.store)
        incidents = hq.store.incidents(10)
        archived, unstamped = hq.store.archive_counts()
        name = hq.name
        crl_problems = revocation_lists.problems(hq)
    print(f"{name}: {len(stations)} stations, {len(opened)} open conflicts,"
          f" {len(incidents)} recent refused bundles.")
    print(f"Archive: {archived} forms stamped"
          + (f", {unstamped} waiting ('screening-app hq archive stamp')." if unstamped
             else "."))
    for problem in crl_problems:
        print(f"WARNING: {problem}")
    if stations:
        print()
        print(output.table(_station_rows(stations), _STATION_HEADERS))
    if opened:
        print("\nOpen conflicts ('screening-app hq conflicts'): "
              + ", ".join(f"{c.id} ({c.isn})" for c in opened))
    if incidents:
        print("\nRefused bundles (latest first):")
        print(output.table([[_when(i.at), i.station_id or "", i.file_name or "",
                           i.kind.replace("_", " "), i.reason] for i in incidents],
                         ("AT (UTC)", "STATION", "FILE", "KIND", "REASON")))
    return output.EXIT_OK


# -- conflicts --------------------------------------------------------------------------------
def _records_text(conflict) -> str:
    return "; ".join(f"{r.station_id}: {r.choice} ({r.review_state.replace('_', ' ')},"
                     f" {r.interview_id[:8]})" for r in conflict.records)


def cmd_conflicts(args) -> int:
    from screening_app.hq.conflicts import all_conflicts

    with _opened(args, keys=True) as hq:  # ISNs and choices are sealed
        found = all_conflicts(hq.store, None if args.all else "open")
    if args.json:
        output.print_json([{"id": c.id, "isn": c.isn, "status": c.status,
                          "detected_at": c.detected_at,
                          "records": [asdict(r) for r in c.records],
                          "resolution": asdict(c.resolution) if c.resolution else None}
                         for c in found])
        return output.EXIT_OK
    if not found:
        print("No open conflicts." if not args.all else "No conflicts.")
        return output.EXIT_OK
    rows = []
    for c in found:
        decided = ""
        if c.resolution:
            decided = (f"kept {c.resolution.keep_interview_id[:8]} ({c.resolution.operator}:"
                       f" {c.resolution.note})")
        rows.append([c.id, c.isn, c.status, _when(c.detected_at), _records_text(c), decided])
    print(output.table(rows, ("ID", "ISN", "STATUS", "DETECTED (UTC)", "RECORDS", "DECISION")))
    if any(c.is_open for c in found):
        print("\nDecide with: screening-app hq conflicts resolve ID --keep INTERVIEW_ID"
              " --note \"why\" --operator NAME")
    return output.EXIT_OK


def cmd_conflicts_resolve(args) -> int:
    from screening_app.domain.errors import AuthenticationFailed
    from screening_app.hq.conflicts import resolve
    from screening_app.hq.headquarters import verify_operator

    with _opened(args, keys=True) as hq:
        password = args.passwords.read(f"Password of operator {args.operator}: ")
        if not verify_operator(hq.store, args.operator, password):
            raise AuthenticationFailed("Wrong operator name or password.")
        decided = resolve(hq, args.conflict_id, args.keep, args.operator, args.note)
    kept = decided.kept
    print(f"Conflict {decided.id} ({decided.isn}) resolved: {kept.station_id}'s record"
          f" {kept.interview_id} ({kept.choice}) is kept; the merged lists now use it.")
    return output.EXIT_OK


# -- lists, publishing, revoking -----------------------------------------------------------------
def cmd_lists_export(args) -> int:
    from screening_app.hq import merged_lists

    with _opened(args, keys=True) as hq:
        lists = merged_lists.build(hq.store)
        written = merged_lists.export(hq, Path(args.to), lists)
    for slug, count in lists.counts().items():
        print(f"{slug}: {count}")
    print(f"Wrote {len(written)} files to {args.to} (the PDF is signed by headquarters).")
    return output.EXIT_OK


def cmd_publish_roster(args) -> int:
    from screening_app.hq.down import publish_roster

    with _opened(args, keys=True) as hq:
        count = publish_roster(hq, Path(args.file), args.station)
    target = f"station {args.station}" if args.station else "every station"
    print(f"Published {count} roster rows for {target}; they go down with the next bundle.")
    return output.EXIT_OK


def cmd_publish_protocol(args) -> int:
    from screening_app.hq.down import publish_protocol

    with _opened(args, keys=True) as hq:
        sha256 = publish_protocol(hq, Path(args.file))
    print(f"Published protocol {sha256[:12]} for every station; it goes down with the next"
          " bundle.")
    return output.EXIT_OK


def cmd_revoke_user(args) -> int:
    from screening_app.hq.down import revoke_user

    with _opened(args, keys=True) as hq:
        revoke_user(hq, args.station_id, args.name, args.reason)
    print(f"Account {args.name!r} at station {args.station_id} will be disabled when the"
          " station applies its next bundle from headquarters.")
    return output.EXIT_OK


def cmd_revoke_cert(args) -> int:
    from screening_app.hq.down import revoke_certificate

    pem = _read_file(args.cert)
    with _opened(args, keys=True) as hq:
        authority = _authority(args)
        with hq.store.transaction():
            station_id = revoke_certificate(hq, pem, args.cert, args.reason, args.code)
            issued = _issue_crl(hq, authority)
    print("The certificate is revoked; every station learns it with its next bundle."
          + (f" Station {station_id} is revoked with it." if station_id else "")
          + f" {_crl_sentence(issued)}")
    return output.EXIT_OK


# -- revocation lists and renewals -----------------------------------------------------------
def _authority(args):
    """The CA of ``--ca``, opened with its passphrase (asked after headquarters'), or None
    without --ca."""
    from screening_app.services.ca import open_ca

    if not getattr(args, "ca", None):
        return None
    return open_ca(Path(args.ca), args.passwords.read(f"Passphrase of the CA key in {args.ca}: "))


def _issue_crl(hq, authority):
    from screening_app.hq.revocation_lists import issue

    return issue(hq, authority) if authority is not None else None


def _crl_sentence(issued) -> str:
    if issued is None:
        return ("The revocation list (CRL) lacks it until the CA issues the next one:"
                " 'screening-app hq crl issue --ca CADIR'.")
    return (f"CRL number {issued.number} lists it ({len(issued.entries)} revoked in all),"
            f" valid until {issued.next_update:%Y-%m-%d}; it goes down with every bundle.")


def cmd_crl_issue(args) -> int:
    with _opened(args, keys=True) as hq:
        issued = _issue_crl(hq, _authority(args))
    print(f"Issued CRL number {issued.number}: {len(issued.entries)} revoked certificates,"
          f" next update {issued.next_update:%Y-%m-%d}; it goes down with every bundle and"
          " is on the operators' page.")
    return output.EXIT_OK


def cmd_crl_show(args) -> int:
    from screening_app.hq.revocation_lists import current

    with _opened(args, keys=False) as hq:
        in_force = current(hq)
    if in_force is None:
        raise output.CliError("No certificate revocation list has been issued yet ('hq crl"
                              " issue --ca CADIR').")
    if args.to:
        Path(args.to).write_bytes(in_force.der if args.to.endswith((".crl", ".der"))
                                  else in_force.pem)
        print(f"Wrote CRL number {in_force.number} to {args.to}.")
        return output.EXIT_OK
    print(f"CRL number {in_force.number}, issued {in_force.issued_at:%Y-%m-%d %H:%M} UTC,"
          f" next update {in_force.next_update:%Y-%m-%d}.")
    if in_force.entries:
        print(output.table([[e.serial_hex, f"{e.revoked_at:%Y-%m-%d %H:%M}", e.reason]
                            for e in in_force.entries], ("SERIAL", "REVOKED (UTC)", "REASON")))
    return output.EXIT_OK


def cmd_certificates_renew(args) -> int:
    from screening_app.hq.renewal import renew_certificates

    with _opened(args, keys=True) as hq:
        renewed = renew_certificates(hq, _authority(args), within_days=args.within_days)
    if not renewed:
        print(f"No certificate headquarters knows expires within {args.within_days} days.")
        return output.EXIT_OK
    print(output.table([[r.station_id, r.subject, f"{r.expired_on:%Y-%m-%d}",
                         f"{r.valid_until:%Y-%m-%d}"] for r in renewed],
                       ("STATION", "CERTIFICATE", "ENDED/ENDS", "RENEWED UNTIL")))
    print(f"Renewed {len(renewed)} certificates; each station installs its own with its next"
          " bundle from headquarters.")
    return output.EXIT_OK


# -- timestamps and the archive ---------------------------------------------------------------
def cmd_timestamps_init(args, renew: bool = False) -> int:
    from screening_app.hq.headquarters import add_timestamp_authority

    with _unlocked(args) as (hq, passphrase):
        ca_passphrase = args.passwords.read(f"Passphrase of the CA key in {args.ca}: ")
        certificate = add_timestamp_authority(hq, passphrase, ca_folder=Path(args.ca),
                                              ca_passphrase=ca_passphrase, renew=renew)
    print(f"Headquarters' timestamp authority has a {'new ' if renew else ''}certificate,"
          f" valid until {certificate.not_valid_after_utc:%Y-%m-%d}; 'hq serve' answers"
          " RFC 3161 requests at /timestamp.")
    return output.EXIT_OK


def cmd_timestamps_renew(args) -> int:
    return cmd_timestamps_init(args, renew=True)


def cmd_timestamps_show(args) -> int:
    from screening_app.pki import certificates

    with _opened(args, keys=False) as hq:
        rows = hq.store.timestamp_authorities()
    if not rows:
        print("Headquarters has no timestamp authority; make one with 'screening-app hq"
              " timestamps init --ca CADIR'.")
        return output.EXIT_OK
    for index, row in enumerate(rows):
        certificate = certificates.load_certificates(row.certificate_pem.encode(),
                                                     "timestamp authority certificate")[0]
        print(f"{'in use' if index == 0 else 'earlier'}: {certificates.common_name(certificate)},"
              f" made {_when(row.created_at)}, valid until {_when(row.not_after)}")
    return output.EXIT_OK


def cmd_archive_stamp(args) -> int:
    from screening_app.hq.archive import stamp_pending

    with _opened(args, keys=True) as hq:
        report = stamp_pending(hq)
        archived, pending = hq.store.archive_counts()
    print(f"{report.summary()} {archived} forms have an archival copy; {pending} wait for"
          " one.")
    return output.EXIT_BAD_INPUT if report.refused else output.EXIT_OK


def cmd_archive_restamp(args) -> int:
    from screening_app.hq.archive import restamp_expiring

    with _opened(args, keys=True) as hq:
        report = restamp_expiring(hq, args.within_days)
    print(f"{report.summary()[:-1]} again: their last timestamp's certificate expires within"
          f" {args.within_days} days.")
    return output.EXIT_BAD_INPUT if report.refused else output.EXIT_OK


def cmd_archive_export(args) -> int:
    from screening_app.hq.archive import export_archival_copy

    with _opened(args, keys=True) as hq:
        row, path = export_archival_copy(hq, args.document_id, Path(args.to))
    print(f"Wrote {path}: the archival copy of document {row.document_id} (generation"
          f" {row.generation}, stamped {_when(row.stamped_at)}, SHA-256 {row.sha256}).")
    return output.EXIT_OK


def _tls_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--tls-name", action="append", metavar="NAME",
                        help="a host name or IP address stations and operators reach"
                             " headquarters by, for the TLS certificate headquarters makes;"
                             " repeat for each (default: this machine's host name, localhost"
                             " and 127.0.0.1)")
    parser.add_argument("--tls-cert", metavar="CERT.pem",
                        help="your own TLS certificate instead (leaf first), with --tls-key")
    parser.add_argument("--tls-key", metavar="KEY.pem",
                        help="its unencrypted private key; headquarters keeps it sealed under"
                             " its passphrase, so delete your copy")


def _ca_argument(parser: argparse.ArgumentParser, *, required: bool = False) -> None:
    parser.add_argument("--ca", metavar="CADIR", required=required,
                        help="the CA folder ('ca init'); its passphrase is asked after"
                             " headquarters'" + ("" if required else
                                                 ": the new CRL is issued at once"))


def _revocation_arguments(parser: argparse.ArgumentParser) -> None:
    from screening_app.pki.crl import REASONS

    parser.add_argument("--code", default="unspecified", metavar="CODE", help="the reason code the CRL carries: "
                        + ", ".join(REASONS) + " (default unspecified)")
    _ca_argument(parser)


# -- the parser -------------------------------------------------------------------------------
def register(commands, passphrase_parent: argparse.ArgumentParser | None = None) -> None:
    """Add the ``hq`` command group to the CLI's subcommands. ``passphrase_parent`` is the
    CLI's --password-stdin parent; hq commands use their own, whose help names every secret
    they read, so it is accepted only to keep the call the same as the other groups'."""
    del passphrase_parent
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--dir", help=f"the headquarters folder (default: ${HQ_DIR_VARIABLE})")
    common.add_argument("--password-stdin", action="store_true",
                        help="read passphrases and passwords from standard input, one per"
                             " line, in the order the command asks for them")
    hq = commands.add_parser("hq", help="headquarters: take in station bundles, conflicts,"
                                        " merged lists").add_subparsers(
        dest="hq_command", metavar="ACTION", required=True)

    def command(parent, name: str, handler, help_text: str):
        sub = parent.add_parser(name, parents=[common], help=help_text)
        sub.set_defaults(handler=handler, needs_station=False)
        return sub

    init = command(hq, "init", cmd_init, "make headquarters: keys, first operator, public file")
    init.add_argument("--ca", required=True, metavar="CADIR", help="the CA folder ('ca init')")
    init.add_argument("--operator", required=True, help="the first operator's name")
    init.add_argument("--name", default="Headquarters", help="headquarters' name")
    init.add_argument("--database", metavar="postgresql://USER@HOST/DB",
                      help="keep the records in this (empty) PostgreSQL database instead of"
                           " hq.sqlite3 in the folder; its password goes in ~/.pgpass")
    _tls_arguments(init)

    operator = hq.add_parser("operator", help="HQ operators").add_subparsers(
        dest="hq_operator_command", metavar="ACTION", required=True)
    command(operator, "add", cmd_operator_add, "add an operator").add_argument("name")

    serve = command(hq, "serve", cmd_serve, "serve stations' pushes and the operators' page"
                    " over TLS, with the certificate stations pin")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8765)
    serve.add_argument("--plain-http", action="store_true",
                       help="serve plain HTTP instead of TLS, only on a loopback --host")
    serve.add_argument("--tls-cert", metavar="CERT.pem",
                       help="serve this certificate, with an unsealed --tls-key; it must be"
                            " the one stations pin ('hq tls renew --tls-cert' puts it in"
                            " headquarters-public.json)")
    serve.add_argument("--tls-key", metavar="KEY.pem")
    serve.add_argument("--workers", type=int, default=1, metavar="N",
                       help="server processes taking in bundles at once (more than one needs"
                            " headquarters on PostgreSQL)")

    tls = hq.add_parser("tls", help="the TLS certificate hq serve presents and stations pin"
                        ).add_subparsers(dest="hq_tls_command", metavar="ACTION", required=True)
    _tls_arguments(command(tls, "init", cmd_tls_init,
                           "give a headquarters made without one a TLS certificate, and"
                           " rewrite headquarters-public.json"))
    _tls_arguments(command(tls, "renew", cmd_tls_renew,
                           "replace the TLS certificate, and rewrite"
                           " headquarters-public.json"))
    command(tls, "show", cmd_tls_show, "the TLS certificate's names, expiry and SHA-256"
            ).add_argument("--pem", action="store_true", help="print the certificate as PEM")

    ingest = command(hq, "ingest", cmd_ingest, "take in station bundles from files")
    ingest.add_argument("bundles", nargs="+", metavar="BUNDLE")
    ingest.add_argument("--reply-to", metavar="DIR",
                        help="write each station's down bundle here, for the courier")

    station = hq.add_parser("station", help="the stations headquarters accepts"
                            ).add_subparsers(dest="hq_station_command", metavar="ACTION",
                                             required=True)
    command(station, "add", cmd_station_add, "register a station by its certificate"
            ).add_argument("cert", metavar="CERT.pem")
    revoke_station = command(station, "revoke", cmd_station_revoke,
                             "refuse every later bundle of a station")
    revoke_station.add_argument("station_id", metavar="ID")
    revoke_station.add_argument("--reason", required=True)
    _revocation_arguments(revoke_station)
    command(station, "list", cmd_station_list, "registered stations and what HQ holds"
            ).add_argument("--json", action="store_true")

    enrol = command(hq, "enrol", cmd_enrol,
                    "answer a station's enrolment request ('init --enrol-to') with its kit:"
                    " certificates, trust, CRL, protocols and roster, in one file")
    enrol.add_argument("request", metavar="REQUEST.json")
    enrol.add_argument("--to", required=True, metavar="KIT.json")
    _ca_argument(enrol, required=True)

    command(hq, "status", cmd_status, "stations, last sync, conflicts, refused bundles")

    conflicts = command(hq, "conflicts", cmd_conflicts, "people whose stations disagree")
    conflicts.add_argument("--all", action="store_true", help="resolved ones too")
    conflicts.add_argument("--json", action="store_true")
    conflict_actions = conflicts.add_subparsers(dest="hq_conflicts_command", metavar="ACTION")
    resolve = command(conflict_actions, "resolve", cmd_conflicts_resolve,
                      "keep one record of a conflict (with a note)")
    resolve.add_argument("conflict_id", type=int, metavar="ID")
    resolve.add_argument("--keep", required=True, metavar="INTERVIEW_ID",
                         help="the interview id (or its first characters) to keep")
    resolve.add_argument("--note", required=True, help="why this record is kept")
    resolve.add_argument("--operator", required=True, help="who decides (asks their password)")

    lists = hq.add_parser("lists", help="the merged revised lists").add_subparsers(
        dest="hq_lists_command", metavar="ACTION", required=True)
    command(lists, "export", cmd_lists_export, "CSV files and a PDF signed by headquarters"
            ).add_argument("--to", required=True, metavar="DIR")

    publish = hq.add_parser("publish", help="send roster rows or a protocol to stations"
                            ).add_subparsers(dest="hq_publish_command", metavar="ACTION",
                                             required=True)
    roster = command(publish, "roster", cmd_publish_roster, "a CSV or XLSX roster")
    roster.add_argument("file")
    roster.add_argument("--station", metavar="ID", help="only this station (default: all)")
    command(publish, "protocol", cmd_publish_protocol, "a protocol definition (YAML or JSON)"
            ).add_argument("file")

    revoke = hq.add_parser("revoke", help="revoke an account or a certificate at stations"
                           ).add_subparsers(dest="hq_revoke_command", metavar="ACTION",
                                            required=True)
    user = command(revoke, "user", cmd_revoke_user, "disable an account at a station")
    user.add_argument("station_id", metavar="STATION")
    user.add_argument("name")
    user.add_argument("--reason", required=True)
    cert = command(revoke, "cert", cmd_revoke_cert, "revoke a certificate everywhere")
    cert.add_argument("cert", metavar="CERT.pem")
    cert.add_argument("--reason", required=True)
    _revocation_arguments(cert)

    crl = hq.add_parser("crl", help="the certificate revocation list the CA issues"
                        ).add_subparsers(dest="hq_crl_command", metavar="ACTION",
                                         required=True)
    _ca_argument(command(crl, "issue", cmd_crl_issue,
                         "have the CA sign a new CRL listing every revocation recorded"),
                 required=True)
    command(crl, "show", cmd_crl_show, "the CRL in force, or write it to a file"
            ).add_argument("--to", metavar="FILE.crl|FILE.pem",
                           help="write it (DER for .crl/.der, PEM otherwise)")

    issued = hq.add_parser("certificates", help="station and person certificates"
                           ).add_subparsers(dest="hq_certificates_command", metavar="ACTION",
                                            required=True)
    renew = command(issued, "renew", cmd_certificates_renew,
                    "renew every certificate headquarters knows that expires soon; stations"
                    " install them from their next bundle")
    _ca_argument(renew, required=True)
    renew.add_argument("--within-days", type=int, default=60, metavar="DAYS",
                       help="renew what expires within this many days (default 60)")

    timestamps = hq.add_parser("timestamps", help="headquarters' timestamp authority"
                               ).add_subparsers(dest="hq_timestamps_command", metavar="ACTION",
                                                required=True)
    for name, handler, help_text in (
            ("init", cmd_timestamps_init, "give a headquarters made without one a timestamp"
                                          " authority (its certificate from the CA)"),
            ("renew", cmd_timestamps_renew, "a new timestamp authority certificate; the old"
                                            " one is kept to validate what it stamped")):
        command(timestamps, name, handler, help_text).add_argument(
            "--ca", required=True, metavar="CADIR", help="the CA folder ('ca init')")
    command(timestamps, "show", cmd_timestamps_show, "timestamp authorities and their expiry")

    archive = hq.add_parser("archive", help="archival (timestamped) copies of the forms"
                            ).add_subparsers(dest="hq_archive_command", metavar="ACTION",
                                             required=True)
    command(archive, "stamp", cmd_archive_stamp,
            "stamp every form that has no archival copy yet")
    restamp = command(archive, "restamp", cmd_archive_restamp,
                      "add a fresh timestamp to archival copies whose last timestamp's"
                      " certificate expires soon")
    restamp.add_argument("--within-days", type=int, default=730, metavar="DAYS",
                         help="restamp what expires within this many days (default: 730)")
    archive_export = command(archive, "export", cmd_archive_export,
                             "write a form's newest archival copy to a file")
    archive_export.add_argument("document_id", metavar="DOCUMENT_ID")
    archive_export.add_argument("--to", required=True, metavar="FILE")

    down = hq.add_parser("down", help="bundles for stations").add_subparsers(
        dest="hq_down_command", metavar="ACTION", required=True)
    export = command(down, "export", cmd_down_export, "write a station's down bundle")
    export.add_argument("--station", required=True, metavar="ID")
    export.add_argument("--to", required=True, metavar="DIR")
