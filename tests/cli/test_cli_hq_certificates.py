"""`screening-app hq crl ...`, `hq revoke ... --code/--ca` and `hq certificates renew` as an
operator types them: the CA's passphrase after headquarters', numbers going up, warnings in
the status, one sentence and nothing written for a wrong passphrase."""

from cryptography import x509

from screening_app.pki import crl
from tests.cli.test_cli_hq import hq, hq_dir, linked, station_cert  # noqa: F401
from tests.conftest import cli
from tests.hq.conftest import (  # noqa: F401 -- fixtures used by the tests below
    CA_PASSPHRASE,
    HQ_PASSPHRASE,
    ca_folder,
    export,
    hq_database,
    hq_key,
    quick_operator_hashing,
    records_station,
)

BOTH = f"{HQ_PASSPHRASE}\n{CA_PASSPHRASE}\n"


def test_revocations_wait_for_the_next_crl_whose_numbers_go_up(
        hq_dir, linked, station_cert, ca_folder, tmp_path, capsys, monkeypatch):  # noqa: F811
    code, out, err = hq(capsys, monkeypatch, hq_dir, "status")
    assert code == 0, err
    assert "WARNING: No certificate revocation list has been issued yet" in out
    code, out, err = hq(capsys, monkeypatch, hq_dir, "revoke", "cert", station_cert,
                        "--reason", "The laptop was stolen.", "--code", "key-compromise")
    assert code == 0, err
    assert ("The revocation list (CRL) lacks it until the CA issues the next one:"
            " 'screening-app hq crl issue --ca CADIR'.") in out
    code, out, err = hq(capsys, monkeypatch, hq_dir, "status")
    assert "WARNING: 1 revocation is in no CRL yet." in out

    code, out, err = hq(capsys, monkeypatch, hq_dir, "crl", "issue", "--ca", ca_folder,
                        stdin=BOTH)
    assert code == 0, err
    assert out.startswith("Issued CRL number 1: 1 revoked certificates, next update")
    code, out, err = hq(capsys, monkeypatch, hq_dir, "status")
    assert "WARNING" not in out
    code, out, err = hq(capsys, monkeypatch, hq_dir, "crl", "issue", "--ca", ca_folder,
                        stdin=BOTH)
    assert code == 0 and "Issued CRL number 2" in out, err

    serial = format(x509.load_pem_x509_certificate(station_cert.read_bytes()).serial_number,
                    "x")
    code, out, err = cli(capsys, monkeypatch, "hq", "crl", "show", "--dir", hq_dir)
    assert code == 0 and "CRL number 2, issued" in out, err
    assert serial in out and "key-compromise" in out
    code, out, err = cli(capsys, monkeypatch, "hq", "crl", "show", "--dir", hq_dir, "--to",
                         tmp_path / "revocation-list.crl")
    root = x509.load_pem_x509_certificate((ca_folder / "ca-cert.pem").read_bytes())
    written = crl.load_crl((tmp_path / "revocation-list.crl").read_bytes(), "file", root)
    assert written.number == 2 and written.entries[0].reason == "key-compromise"

    code, out, err = hq(capsys, monkeypatch, hq_dir, "crl", "issue", "--ca", ca_folder,
                        stdin=f"{HQ_PASSPHRASE}\nnot the CA passphrase\n")
    assert code == 2 and err.strip() == (
        f"screening-app: Wrong passphrase for the CA key in {ca_folder}.")
    code, out, _ = cli(capsys, monkeypatch, "hq", "crl", "show", "--dir", hq_dir)
    assert "CRL number 2," in out  # nothing issued


def test_a_revocation_with_ca_issues_the_crl_at_once_or_is_not_recorded(
        hq_dir, linked, ca_folder, capsys, monkeypatch):  # noqa: F811
    code, _, err = hq(capsys, monkeypatch, hq_dir, "station", "revoke", "TEST-01",
                      "--reason", "Stolen.", "--code", "stolen")
    assert code == 2 and err.strip() == (
        "screening-app: 'stolen' is not a revocation reason; give one of unspecified,"
        " key-compromise, ca-compromise, affiliation-changed, superseded,"
        " cessation-of-operation, privilege-withdrawn.")
    code, _, err = hq(capsys, monkeypatch, hq_dir, "station", "revoke", "TEST-01",
                      "--reason", "Stolen.", "--ca", ca_folder,
                      stdin=f"{HQ_PASSPHRASE}\nnot the CA passphrase\n")
    assert code == 2 and "Wrong passphrase for the CA key" in err
    code, out, _ = cli(capsys, monkeypatch, "hq", "station", "list", "--dir", hq_dir)
    assert "revoked" not in out  # nothing half-done
    code, out, err = hq(capsys, monkeypatch, hq_dir, "station", "revoke", "TEST-01",
                        "--reason", "Stolen.", "--code", "key-compromise", "--ca", ca_folder,
                        stdin=BOTH)
    assert code == 0, err
    assert "Station TEST-01 is revoked" in out
    assert "CRL number 1 lists it (1 revoked in all), valid until" in out


def test_certificates_nearing_their_end_are_renewed_from_the_command_line(
        hq_dir, linked, ca_folder, tmp_path, capsys, monkeypatch):  # noqa: F811
    code, out, err = hq(capsys, monkeypatch, hq_dir, "ingest", export(linked, tmp_path / "s"))
    assert code == 0, err
    code, out, err = hq(capsys, monkeypatch, hq_dir, "certificates", "renew", "--ca",
                        ca_folder, stdin=BOTH)
    assert code == 0, err
    assert out.strip() == "No certificate headquarters knows expires within 60 days."
    code, out, err = hq(capsys, monkeypatch, hq_dir, "certificates", "renew", "--ca",
                        ca_folder, "--within-days", "800", stdin=BOTH)
    assert code == 0, err
    assert "Station TEST-01" in out and "Interviewer ivan" in out
    assert "each station installs its own with its next bundle" in out
    code, out, err = hq(capsys, monkeypatch, hq_dir, "down", "export", "--station",
                        "TEST-01", "--to", tmp_path / "down")
    assert code == 0, err
    (down,) = (tmp_path / "down").iterdir()
    applied = linked.services.sync.apply(linked.supervisor, down)
    assert "Station TEST-01" in applied.renewed and "Interviewer ivan" in applied.renewed
