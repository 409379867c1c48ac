"""The interviewer signs the forms they finalise with their own key: what the form, verify
and pdfsig then say, who may start an interview, and who signs a paper interview entered
for someone else."""

import shutil
import subprocess

import pytest

from screening_app.domain.errors import UserError
from screening_app.pki import certificates
from screening_app.protocol.examples import complete_answers
from screening_app.records.signing import SigningIdentity
from screening_app.records.verifying import verify_pdf
from screening_app.services.keys import StationKeyUnavailable
from screening_app.services.verification import verify_form
from tests.conftest import PASSWORD, cli, install_test_user_certificate

needs_poppler = pytest.mark.skipif(shutil.which("pdfsig") is None,
                                   reason="poppler-utils (pdfsig, pdftotext) is not installed")


def root_of(station):
    return station.services.keys.station_certificate().root


def signers(pdf: bytes, root) -> list[str]:
    checked = verify_pdf(pdf, [root])
    assert checked.valid, checked.reason
    return [signature.signer for signature in checked.signatures]


def page_text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


@needs_poppler
def test_the_interviewer_signs_the_form_and_verify_and_pdfsig_accept_it(
        roster_station, tmp_path, capsys, monkeypatch):
    services = roster_station.services
    services.accounts.set_display_name(roster_station.admin, "ivan", "Lt. I. Petrov")
    final = services.transcription.record(roster_station.interviewer, "NK-100001",
                                          {"answers": complete_answers("enlist")}, "paper")
    form = services.documents.latest(roster_station.interviewer, final.id).content
    assert signers(form, root_of(roster_station)) == ["Interviewer ivan"]
    assert verify_form(form, [root_of(roster_station)], services.station,
                       roster_station.supervisor).valid
    path = tmp_path / "form.pdf"
    services.documents.export(roster_station.supervisor, final.id, path)
    # The visible block names the interviewer, the station and the time.
    text = " ".join(page_text(path).split())
    assert "Station TEST-01" in text and "Interviewer: Lt. I. Petrov" in text
    assert "Signature is Valid" in subprocess.run(["pdfsig", str(path)], capture_output=True,
                                                  text=True).stdout
    code, out, err = cli(capsys, monkeypatch, "--data-dir", roster_station.data_dir, "verify",
                         path, "--user", "sup", "--password-stdin", stdin=PASSWORD + "\n")
    assert code == 0, err
    assert "signed by Interviewer ivan; covers the whole document" in out
    assert "matches the stored record" in out


@needs_poppler
def test_a_form_the_station_signed_before_personal_keys_still_verifies(
        roster_station, tmp_path, monkeypatch):
    services = roster_station.services
    station_key = services.keys.signing_identity(roster_station.admin)
    with monkeypatch.context() as older_version:  # signed as store_for did before
        older_version.setattr(services.keys, "personal_identity",
                              lambda actor, doing: station_key)
        final = services.transcription.record(roster_station.interviewer, "NK-100002",
                                              {"answers": complete_answers()}, "paper")
    form = services.documents.latest(roster_station.interviewer, final.id).content
    assert signers(form, root_of(roster_station)) == ["Station TEST-01"]
    result = verify_form(form, [root_of(roster_station)], services.station,
                         roster_station.supervisor)
    assert result.valid, result.reason
    services.reviews.decide(roster_station.supervisor, final.id, "approved",
                            reason="The signed paper form is complete.")
    path = tmp_path / "approved.pdf"
    path.write_bytes(services.documents.latest(roster_station.supervisor, final.id).content)
    assert subprocess.run(["pdfsig", str(path)], capture_output=True,
                          text=True).stdout.count("Signature is Valid") == 2


def test_an_account_without_a_usable_certificate_starts_no_interview(roster_station,
                                                                      test_keys):
    services, admin = roster_station.services, roster_station.admin
    petr = services.accounts.add_user(admin, "petr", "interviewer", PASSWORD)
    drafts_before = services.station.db.execute("SELECT count(*) FROM interviews").fetchone()
    with pytest.raises(StationKeyUnavailable) as no_key:
        services.interviews.start(petr, "NK-100002")
    assert str(no_key.value) == (
        "petr cannot start interviews yet: petr has no personal signing key; make one with"
        " 'screening-app user csr', have headquarters issue its certificate, and install it"
        " with 'screening-app user import-cert'.")
    services.sign_in("petr", PASSWORD)  # the key is sealed under petr's own keys
    csr = certificates.load_csr(services.keys.create_user_key(petr), "petr.csr")
    assert certificates.common_name(csr) == "Interviewer petr"
    assert "OU=Station TEST-01" in csr.subject.rfc4514_string()
    with pytest.raises(StationKeyUnavailable, match="petr cannot start interviews yet:"
                       " petr's certificate is not installed; send the request"):
        services.interviews.start(petr, "NK-100002")
    assert services.station.db.execute("SELECT count(*) FROM interviews").fetchone() \
        == drafts_before
    install_test_user_certificate(services, petr, test_keys)
    assert services.interviews.start(petr, "NK-100002").record.interviewer_id == petr.user_id


def test_a_signed_out_interviewer_is_told_to_sign_in_again(roster_station):
    services = roster_station.services
    services.sign_in("olga", PASSWORD)  # a sign-in forgets everyone else's key
    with pytest.raises(StationKeyUnavailable, match="ivan's key is locked; sign in again"):
        services.interviews.start(roster_station.interviewer, "NK-100002")


@needs_poppler
def test_a_paper_interview_entered_for_another_interviewer_is_signed_by_who_entered_it(
        roster_station, tmp_path):
    services = roster_station.services
    final = services.transcription.record(
        roster_station.supervisor, "CN-700001",
        {"answers": complete_answers(), "interviewer": "olga"}, "paper")
    assert final.record.interviewer_id == roster_station.other_interviewer.user_id
    form = services.documents.latest(roster_station.supervisor, final.id).content
    assert signers(form, root_of(roster_station)) == ["Supervisor sup"]
    path = tmp_path / "form.pdf"
    path.write_bytes(form)
    text = " ".join(page_text(path).split())
    assert "Interviewer: olga" in text and "Entered and signed by sup" in text


def test_verify_refuses_a_form_first_signed_by_someone_of_another_station(
        roster_station, test_keys, monkeypatch):
    ca_key, ca_certificate = test_keys["ca"]
    key = test_keys["station"]
    stranger = SigningIdentity(key, certificates.issue_certificate(
        ca_key, ca_certificate, certificates.create_csr(
            key, "Interviewer ivan", "UNC Screening", unit="Station TEST-02")),
        (ca_certificate,))
    services = roster_station.services
    monkeypatch.setattr(services.keys, "personal_identity", lambda actor, doing: stranger)
    final = services.transcription.record(roster_station.interviewer, "NK-100001",
                                          {"answers": complete_answers()}, "paper")
    form = services.documents.latest(roster_station.interviewer, final.id).content
    result = verify_form(form, [root_of(roster_station)])
    assert not result.valid
    assert result.reason == ("The form is station TEST-01's, but its first signature is by"
                             " 'Interviewer ivan', who does not sign for that station.")


def test_a_certificate_from_another_ca_is_not_installed(roster_station):
    services = roster_station.services
    olga = roster_station.other_interviewer
    key, other_root = certificates.create_root_ca("Someone Else's CA", "Elsewhere")
    csr = certificates.load_csr(services.keys.user_csr_pem(olga), "olga.csr")
    issued = certificates.issue_certificate(key, other_root, csr)
    with pytest.raises(UserError, match="issued by \"Someone Else's CA\", not by"
                       " headquarters' CA 'Test Root CA'"):
        services.keys.import_user_certificate(
            olga, certificates.chain_pem([issued, other_root]), "olga.pem")


def test_every_demo_account_has_its_own_certificate(tmp_path):
    from screening_app.services.app import StationServices
    from screening_app.services.demo import prepare_demo

    demo = prepare_demo(tmp_path / "demo", roster_size=20)
    for name, _role, password in demo.accounts:
        services, actor = StationServices.unlock(tmp_path / "demo", name, password)
        try:
            assert services.keys.personal_problem(actor, "start interviews") is None, name
            if name == "interviewer1":
                isn = services.roster.page_after(actor, None, 1)[0].isn
                final = services.transcription.record(
                    actor, isn, {"answers": complete_answers()}, "paper")
                form = services.documents.latest(actor, final.id).content
                assert signers(form, services.keys.station_certificate().root) == [
                    "Interviewer interviewer1"]
        finally:
            services.close()


def test_a_lapsed_certificate_signs_nothing_and_is_named_with_its_end(roster_station,
                                                                      monkeypatch):
    """A form signed under a certificate that has ended would never verify, stamped or not:
    the interviewer is stopped before the interview, with the date and what to do."""
    import datetime

    from screening_app.services import keys
    from screening_app.store.key_material import UserKeys

    services, ivan = roster_station.services, roster_station.interviewer
    row = UserKeys(services.station.db).row(ivan.user_id)
    ends = certificates.load_certificates(row.certificate_pem.encode(),
                                          "ivan")[0].not_valid_after_utc
    monkeypatch.setattr(keys, "today", lambda: ends + datetime.timedelta(days=1))
    with pytest.raises(StationKeyUnavailable) as lapsed:
        services.interviews.start(ivan, "NK-100002")
    assert str(lapsed.value) == (
        f"ivan cannot start interviews: ivan's certificate ended on {ends:%Y-%m-%d}; sync"
        " with headquarters, which sends its renewal ('hq certificates renew'), or install a"
        " new one with 'screening-app user import-cert'.")
    monkeypatch.setattr(keys, "today", lambda: ends - datetime.timedelta(days=1))
    assert services.interviews.start(ivan, "NK-100002").record.interviewer_id == ivan.user_id
