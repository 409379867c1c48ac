"""`screening-app doctor`: what this laptop lacks for the program, one line per problem with
its fix, without opening the station or starting Qt."""

from screening_app.cli.output import EXIT_INVALID, EXIT_OK, print_json


def cmd_doctor(args) -> int:
    from screening_app.doctor.checks import run_checks

    findings = run_checks(args.data_dir)
    if args.json:
        print_json([{"name": f.name, "ok": f.ok, "checked": f.checked,
                     "problems": list(f.problems), "notes": list(f.notes)} for f in findings])
    else:
        for finding in findings:
            if finding.ok:
                print(f"ok   {finding.name}: {finding.checked}")
            for problem in finding.problems:
                print(f"FIX  {finding.name}: {problem}")
            for note in finding.notes:
                print(f"note {finding.name}: {note}")
        if all(f.ok for f in findings):
            print("All is well: this laptop has what the program needs.")
    return EXIT_OK if all(f.ok for f in findings) else EXIT_INVALID


def register(commands) -> None:
    doctor = commands.add_parser(
        "doctor", help="check this laptop: Python, Qt and its system libraries, fonts, the"
                       " data folder, free disk, clock, time zone (exit 0 well, 3 not)")
    doctor.add_argument("--json", action="store_true", help="the findings as JSON")
    doctor.set_defaults(handler=cmd_doctor, needs_station=False)
