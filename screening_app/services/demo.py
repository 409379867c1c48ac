"""The demo station: a generated roster and demo accounts, ready to try the program.

A demo station is marked as such in the database (and its documents will say DEMO).
Its account passwords are random and kept in DEMO-ACCOUNTS.txt in the data directory,
so they can be shown again; a real station never writes a password anywhere.
"""

import secrets
from dataclasses import dataclass
from pathlib import Path

from screening_app.demo.roster_generator import write_roster_csv
from screening_app.domain.accounts import Role
from screening_app.domain.errors import UserError
from screening_app.domain.messages import gettext as _
from screening_app.services.app import init_station
from screening_app.services.ca import CertificateAuthority, init_ca, open_ca
from screening_app.store.station import station_exists

DEMO_STATION_ID = "DEMO-KOJE-01"
DEMO_CAMP = "Koje-do (demo)"
DEMO_ROSTER_SIZE = 500
ACCOUNTS_FILE = "DEMO-ACCOUNTS.txt"
DEMO_CA_DIR = "demo-ca"
PASSPHRASE_FILE = "PASSPHRASE-DEMO-ONLY.txt"
# Login name, role, and the name people read on forms and lists (full name and rank).
DEMO_ACCOUNTS = (
    ("admin", Role.ADMIN, "Maj. A. Lindqvist"),
    ("supervisor", Role.SUPERVISOR, "Capt. R. Hughes"),
    ("interviewer1", Role.INTERVIEWER, "Lt. I. Petrov"),
    ("interviewer2", Role.INTERVIEWER, "Lt. S. Park"),
)
DISPLAY_NAMES = {name: display for name, _role, display in DEMO_ACCOUNTS}


@dataclass(frozen=True)
class DemoStation:
    data_dir: Path
    accounts: tuple[tuple[str, str, str], ...]  # (name, role, password)
    created: bool
    station_id: str = DEMO_STATION_ID

    def describe(self) -> str:
        lines = [
            f"Demo station {self.station_id} in {self.data_dir}"
            + (" (created now)" if self.created else " (already prepared)"),
            "Demo accounts (demo only; never put real data on a demo station):",
        ]
        lines += [f"  {name:<13} {role:<12} password: {password}"
                  for name, role, password in self.accounts]
        return "\n".join(lines)


def _new_password() -> str:
    # Readable over a shoulder and typed without mistakes: three groups of letters.
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(3))


DEMO_TIME_ZONE = "Asia/Seoul"  # Koje-do
# The interpreters the demo station knows (the interview offers them as one types).
DEMO_INTERPRETERS = (("Pak Sung-ho", "박성호", ("ko", "en")), ("Yi Mun-sok", "이문석", ("ko", "en")),
                     ("Wang Li", "王力", ("zh", "en")), ("Chen Hua", "陈华", ("zh", "ko")))


def prepare_demo(data_dir: Path, roster_size: int = DEMO_ROSTER_SIZE, *,
                 station_id: str = DEMO_STATION_ID, camp: str = DEMO_CAMP,
                 ca_dir: Path | None = None) -> DemoStation:
    """A ready demo station. With ``ca_dir`` (another demo station's demo-ca folder) it
    joins that demo CA, so that several demo camps can sync with one demo headquarters;
    every demo roster is drawn from the same seed, so their rosters overlap."""
    accounts_file = data_dir / ACCOUNTS_FILE
    if station_exists(data_dir):
        from screening_app.services.locked_station import station_facts

        facts = station_facts(data_dir)
        is_demo = facts.demo
        if not is_demo or not accounts_file.exists():
            raise UserError(
                _("{data_dir} already holds a station that is not a ready demo station; use"
                  " another --data-dir for the demo.").format(data_dir=data_dir)
            )
        return DemoStation(data_dir, _read_accounts(accounts_file), created=False,
                           station_id=facts.station_id)

    accounts = tuple((name, role.value, _new_password()) for name, role, _ in DEMO_ACCOUNTS)
    admin_name, _role, admin_password = accounts[0]
    ca_dir = Path(ca_dir) if ca_dir else data_dir / DEMO_CA_DIR
    if ca_dir != data_dir / DEMO_CA_DIR and not (ca_dir / PASSPHRASE_FILE).exists():
        raise UserError(_("{folder} is not a demo CA folder (it has no {file}).").format(
            folder=ca_dir, file=PASSPHRASE_FILE))
    services = init_station(data_dir, station_id, camp, admin_name, admin_password, demo=True)
    try:
        admin = services.sign_in(admin_name, admin_password)
        services.accounts.set_display_name(admin, admin_name, DISPLAY_NAMES[admin_name])
        services.settings.set(admin, "time_zone", DEMO_TIME_ZONE)
        _install_demo_certificate(services, admin, ca_dir)
        for name, role, password in accounts[1:]:
            services.accounts.add_user(admin, name, role, password,
                                       display_name=DISPLAY_NAMES[name])
        # The roster file is only the way in: names stay inside the encrypted database.
        roster_path = write_roster_csv(data_dir / ".demo-roster.csv", roster_size,
                                       camp="Koje-do")
        try:
            services.roster.import_file(admin, roster_path)
        finally:
            roster_path.unlink(missing_ok=True)
        for name, native, languages in DEMO_INTERPRETERS:
            services.people.add(admin, "interpreter", name, name_native=native,
                                languages=languages)
        # What an admin has each person do at a real station: make a key, send the request
        # to headquarters, install the certificate it issues.
        authority = open_ca(ca_dir, (ca_dir / PASSPHRASE_FILE).read_text(encoding="utf-8")
                            .strip())
        for name, _role, password in accounts:
            _install_demo_user_certificate(services, services.sign_in(name, password),
                                           password, authority)
    finally:
        services.close()
    accounts_file.write_text(
        "Demo station accounts (demo only)\n"
        + "".join(f"{name}\t{role}\t{password}\n" for name, role, password in accounts),
        encoding="utf-8",
    )
    return DemoStation(data_dir, accounts, created=True, station_id=station_id)


def _install_demo_certificate(services, admin, ca_dir: Path) -> None:
    """A local demo CA issues this station's certificate, so the demo signs its forms
    like a real station; its name, and every form, say DEMO."""
    if not (ca_dir / PASSPHRASE_FILE).exists():
        passphrase = secrets.token_urlsafe(18)
        init_ca(ca_dir, "DEMO Root CA (not for real records)", "UNC Screening DEMO", passphrase)
        (ca_dir / PASSPHRASE_FILE).write_text(passphrase + "\n", encoding="utf-8")
    passphrase = (ca_dir / PASSPHRASE_FILE).read_text(encoding="utf-8").strip()
    authority = open_ca(ca_dir, passphrase)
    issued = authority.issue(services.keys.csr_pem(), "demo station request")
    services.keys.import_certificate(admin, issued, "demo certificate")


def _install_demo_user_certificate(services, actor, password: str,
                                   authority: CertificateAuthority) -> None:
    """A demo account gets its own signing certificate from the demo CA: interviewers sign
    the forms they finalise with it, the supervisor (and admin) their countersignatures."""
    csr = services.keys.create_user_key(actor)
    services.install_user_certificate(
        actor, authority.issue(csr, f"demo request of {actor.name}"),
        f"demo certificate of {actor.name}")


def _read_accounts(path: Path) -> tuple[tuple[str, str, str], ...]:
    lines = path.read_text(encoding="utf-8").splitlines()[1:]
    return tuple(tuple(line.split("\t")) for line in lines if line.count("\t") == 2)
