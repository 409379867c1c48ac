"""The station and headquarters the kill test's child works on, made the way the test
fixtures make theirs: certificates from the test root CA, one account per role, a roster,
and a headquarters that knows the station and that the station trusts."""

import contextlib
import io
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization

from screening_app.pki import certificates
from tests.conftest import PASSWORD, install_test_certificate, install_test_user_certificate
from tests.faults.kill_workload import (
    INITIAL_ROSTER,
    INTERVIEWER,
    SUPERVISOR,
    Workload,
    roster_folder,
    roster_pool,
    write_roster_file,
)

STATION_ID = "KILL-01"
CAMP = "Koje-do"
ADMIN = "admin"
CA_PASSPHRASE = "kill test ca passphrase"
HQ_PASSPHRASE = "kill test headquarters passphrase"
HQ_OPERATOR = "olivia"


@dataclass(frozen=True)
class KillSite:
    root: Path
    password: str = PASSWORD
    hq_passphrase: str = HQ_PASSPHRASE
    station_id: str = STATION_ID

    @property
    def data_dir(self) -> Path:
        return self.root / "station"

    @property
    def hq_dir(self) -> Path:
        return self.root / "hq"

    @property
    def ca_dir(self) -> Path:
        return self.root / "ca"


def prepare_site(root: Path, test_keys: dict, hq_key=None) -> KillSite:
    """A station with a supervisor (who has a countersigning certificate) and an
    interviewer, ``INITIAL_ROSTER`` people from the kill workload's roster pool, and a
    headquarters registered with it both ways. ``test_keys`` is shaped like the
    ``test_keys`` fixture: {"ca": (key, certificate), "station": key}. Headquarters
    signs with ``hq_key`` (a new key when None)."""
    from screening_app.hq.headquarters import PUBLIC_FILE, Headquarters, init_headquarters
    from screening_app.hq.registry import register_station
    from screening_app.services.app import init_station

    site = KillSite(Path(root))
    site.root.mkdir(parents=True, exist_ok=True)
    services = init_station(site.data_dir, STATION_ID, CAMP, ADMIN, PASSWORD)
    try:
        admin = services.sign_in(ADMIN, PASSWORD)
        install_test_certificate(services, admin, test_keys)
        supervisor = services.accounts.add_user(admin, SUPERVISOR, "supervisor", PASSWORD)
        install_test_user_certificate(services, supervisor, test_keys)
        interviewer = services.accounts.add_user(admin, INTERVIEWER, "interviewer", PASSWORD)
        install_test_user_certificate(services, interviewer, test_keys)
        roster = write_roster_file(roster_folder(site.data_dir) / "roster-initial.csv",
                                   roster_pool()[:INITIAL_ROSTER])
        services.roster.import_file(admin, roster)

        _write_ca_folder(site.ca_dir, test_keys["ca"])
        make_key = certificates.new_private_key
        chosen = hq_key if hq_key is not None else make_key()
        certificates.new_private_key = lambda: chosen
        try:
            init_headquarters(site.hq_dir, ca_folder=site.ca_dir, ca_passphrase=CA_PASSPHRASE,
                              passphrase=HQ_PASSPHRASE, operator=HQ_OPERATOR,
                              operator_password=PASSWORD)
        finally:
            certificates.new_private_key = make_key
        hq = Headquarters.open(site.hq_dir, HQ_PASSPHRASE)
        try:
            installed = services.keys.station_certificate()
            register_station(hq, certificates.chain_pem([installed.certificate,
                                                         *installed.chain]),
                             "station-cert.pem")
        finally:
            hq.close()
        services.sync.trust_headquarters(admin, site.hq_dir / PUBLIC_FILE)
    finally:
        services.close()
    return site


def _write_ca_folder(folder: Path, ca: tuple) -> None:
    """A CA folder as 'screening-app ca init' writes it, holding the test root."""
    from screening_app.services.ca import CA_CERT_FILE, CA_KEY_FILE

    key, certificate = ca
    folder.mkdir(parents=True, exist_ok=True)
    (folder / CA_KEY_FILE).write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(CA_PASSPHRASE.encode())))
    (folder / CA_CERT_FILE).write_bytes(certificates.to_pem(certificate))


def warm_up(site: KillSite, seed: int = 0) -> list[str]:
    """A short day's work in this process before the first kill, so that every kill hits
    a station with sealed, approved and synced records and a headquarters holding them:
    two paper interviews, an approval, a bundle exported and taken in, headquarters'
    answer applied, and a draft left open. Returns the lines the work printed."""
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        workload = Workload(site.data_dir, site.hq_dir, seed, site.password,
                            site.hq_passphrase)
        try:
            workload.record()
            workload.record()
            workload.approve()
            workload.ingest()
            workload.apply()
            workload.draft()
        finally:
            workload.close()
    return printed.getvalue().splitlines()
