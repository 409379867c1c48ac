"""`screening-app backup`, `restore` and `recover`: keeping a station's records safe."""

import argparse
from pathlib import Path


def cmd_backup(args, services, actor) -> int:
    made = services.backups.backup(actor, Path(args.to))
    print(f"Backed up {made.events} events ({made.size_bytes // 1024} KiB, encrypted) to"
          f" {made.folder}.")
    return 0


def cmd_restore(args) -> int:
    from screening_app.services.app import StationServices
    from screening_app.services.backup import restore_backup

    if not args.user:
        raise args.cli_error("restore needs --user NAME: an account of the backup, whose"
                             " password opens it.")
    password = args.passwords.read(f"Password for {args.user} (as it was in the backup): ")
    restored = restore_backup(Path(args.backup), args.data_dir, args.user, password,
                              replace_station=args.replace_station)
    print(f"Restored station {restored.station_id} as it was at {restored.made_at}"
          f" ({restored.events} events).")
    if restored.replaced_into:
        print(f"The database it replaced is kept in {restored.replaced_into}.")
    services, actor = StationServices.unlock(args.data_dir, args.user, password)
    try:
        return _report_checks(services, actor)
    finally:
        services.close()


def cmd_recover(args) -> int:
    from screening_app.hq.headquarters import Headquarters
    from screening_app.services.recovery import recover_account

    if not args.user:
        raise args.cli_error("recover needs --user NAME: the account that gets a new password.")
    headquarters = Headquarters.open(Path(args.hq_dir),
                                     args.passwords.read("Headquarters passphrase: "))
    try:
        identity = headquarters.age_identity
    finally:
        headquarters.close()
    password = args.passwords.read_new(f"New password for {args.user}: ")
    services, actor = recover_account(args.data_dir, identity, args.user, password)
    try:
        print(f"{actor.name} has a new password; the station's records are unchanged.")
        return _report_checks(services, actor) if actor.role.value != "interviewer" else 0
    finally:
        services.close()


def _report_checks(services, actor) -> int:
    results = services.checks.run(actor)
    for result in results:
        print(f"{'ok ' if result.ok else 'BAD'}  {result.name}: {result.detail}")
    return 0 if all(result.ok for result in results) else 3


def register(commands, auth: argparse.ArgumentParser) -> None:
    backup = commands.add_parser("backup", parents=[auth],
                                 help="an encrypted, consistent copy of the station, made while"
                                      " it works")
    backup.add_argument("--to", required=True, metavar="DIR")
    backup.set_defaults(handler=cmd_backup)
    restore = commands.add_parser("restore", parents=[auth],
                                  help="put a backup in place (the current database is kept"
                                       " aside), then check it")
    restore.add_argument("backup", metavar="BACKUP_DIR")
    restore.add_argument("--replace-station", action="store_true",
                         help="restore a backup of another station over this one")
    restore.set_defaults(handler=cmd_restore, needs_station=False)
    recover = commands.add_parser("recover", parents=[auth],
                                  help="every password lost: headquarters' key gives one"
                                       " account a new password")
    recover.add_argument("--hq-dir", required=True, help="headquarters' folder")
    recover.set_defaults(handler=cmd_recover, needs_station=False)
