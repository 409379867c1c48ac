"""Forms signed by the interviewers' own keys at headquarters' intake, forms signed by the
station's key before the upgrade, and interviewers' certificates headquarters revokes."""

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from screening_app.hq.down import build_down_bundle, revoke_certificate
from screening_app.hq.intake import ingest
from screening_app.pki import certificates
from screening_app.protocol.examples import complete_answers
from screening_app.records.signing import SigningIdentity
from screening_app.records.verifying import verify_pdf
from screening_app.services.keys import StationKeyUnavailable
from screening_app.sync.bundle import BundleError
from tests.conftest import PASSWORD, answer_all
from tests.hq.conftest import export
from tests.hq.test_intake import refused


def record(station, isn: str, monkeypatch=None, identity=None):
    """A paper interview entered by ivan; with ``identity``, its form is signed with that
    instead of ivan's own key (as an older station, or a forger, would have signed it)."""
    services = station.services
    if identity is None:
        return services.transcription.record(station.interviewer, isn,
                                             {"answers": complete_answers()}, "paper")
    with monkeypatch.context() as patch:
        patch.setattr(services.keys, "personal_identity", lambda actor, doing: identity)
        return services.transcription.record(station.interviewer, isn,
                                             {"answers": complete_answers()}, "paper")


def identity(test_keys, common_name: str, unit: str, ca=None) -> SigningIdentity:
    """A signing identity from the test CA (or ``ca``) for the subject given."""
    ca_key, ca_certificate = ca or test_keys["ca"]
    key = test_keys["station"]
    csr = certificates.create_csr(key, common_name, "UNC Screening", unit=unit)
    return SigningIdentity(key, certificates.issue_certificate(ca_key, ca_certificate, csr),
                           (ca_certificate,))


def ivans_certificate(station) -> bytes:
    return station.services.station.db.execute(
        "SELECT certificate_pem FROM user_keys WHERE user_id = ?",
        [station.interviewer.user_id]).fetchone()[0].encode()


def first_signer(hq, interview_id: str, root) -> str:
    ((document_id,),) = hq.store.query(
        "SELECT id FROM documents WHERE interview_id = ? AND revision = 1", [interview_id])
    content = hq.store.document_content(document_id)
    return verify_pdf(content, [root]).signatures[0].signer


def test_forms_signed_by_the_interviewer_and_by_the_station_before_the_upgrade_are_taken_in(
        hq, linked, tmp_path, monkeypatch):
    services = linked.services
    older = record(linked, "CN-700002", monkeypatch, services.keys.signing_identity(
        linked.admin))
    receipt = ingest(hq, export(linked, tmp_path / "out"))
    assert receipt.added["documents"] == 6
    root = services.keys.station_certificate().root
    assert first_signer(hq, linked.finals[1].id, root) == "Interviewer ivan"
    assert first_signer(hq, older.id, root) == "Station TEST-01"


def test_a_form_ivan_signed_after_headquarters_revoked_his_certificate_is_refused(
        hq, linked, tmp_path):
    ingest(hq, export(linked, tmp_path / "one"))
    revoke_certificate(hq, ivans_certificate(linked), "ivan.pem", "password given away")
    # The station has not heard yet (its next down bundle would tell it).
    late = record(linked, "CN-700002")
    error = refused(hq, export(linked, tmp_path / "two"), BundleError,
                    "its first signature is by 'Interviewer ivan', whose certificate"
                    " headquarters revoked on .* \\(password given away\\), before this form"
                    " was finalised", "refused")
    assert late.id in str(error)


def test_a_form_ivan_finalised_before_the_revocation_is_still_taken_in(hq, linked, tmp_path):
    earlier = record(linked, "CN-700002")
    revoke_certificate(hq, ivans_certificate(linked), "ivan.pem", "password given away")
    receipt = ingest(hq, export(linked, tmp_path / "out"))
    assert receipt.added["documents"] == 6
    assert hq.store.interview_digest(earlier.id) is not None


@pytest.mark.parametrize("subject, expected", [
    (("Interviewer ivan", "Station TEST-02"),
     "its first signature is by 'Interviewer ivan', not by station TEST-01 or one of its"
     " accounts."),
    (("Interviewer ghost", "Station TEST-01"),
     "its first signature is by 'Interviewer ghost', but station TEST-01 has sent"
     " headquarters no account named 'ghost'."),
    (("Station TEST-02", "Pusan"),
     "its first signature is by 'Station TEST-02', not by station TEST-01 or one of its"
     " accounts."),
])
def test_a_form_signed_by_someone_else_under_the_same_ca_is_refused(
        hq, linked, tmp_path, monkeypatch, test_keys, subject, expected):
    forged = record(linked, "CN-700002", monkeypatch, identity(test_keys, *subject))
    error = refused(hq, export(linked, tmp_path / "out"), BundleError,
                    "the form of interview", "refused")
    assert str(error).endswith(f"(the form of interview {forged.id}): {expected}")


def test_a_form_signed_by_a_certificate_of_another_ca_is_refused(hq, linked, tmp_path,
                                                                 monkeypatch, test_keys):
    other_ca = certificates.create_root_ca("Someone Else's CA", "Elsewhere")
    record(linked, "CN-700002", monkeypatch,
           identity(test_keys, "Interviewer ivan", "Station TEST-01", ca=other_ca))
    refused(hq, export(linked, tmp_path / "out"), BundleError,
            "The signature is by 'Interviewer ivan', whose certificate does not chain to the"
            " trusted root 'Test Root CA'", "refused")


def test_a_revoked_interviewer_certificate_finalises_no_draft_and_starts_nothing(
        hq, linked, tmp_path, monkeypatch, test_keys):
    services, ivan = linked.services, linked.interviewer
    # The draft is ivan's, taken in his own session (sealed to his own key and the review
    # key); the supervisor then signs in to sync.
    services.sign_in("ivan", PASSWORD)
    draft = services.interviews.start(ivan, "CN-700002")
    draft = answer_all(services, ivan, draft, complete_answers("enlist"))
    services.sign_in("sup", PASSWORD)
    ingest(hq, export(linked, tmp_path / "up"))
    revoke_certificate(hq, ivans_certificate(linked), "ivan.pem", "password given away")
    services.sync.apply(linked.supervisor, build_down_bundle(hq, "TEST-01", tmp_path / "down"))

    with pytest.raises(StationKeyUnavailable) as refusal:
        services.interviews.finalise(ivan, draft.id)
    assert str(refusal.value).startswith(
        "ivan cannot finalise this interview: headquarters revoked ivan's certificate"
        " (password given away, ")
    assert str(refusal.value).endswith("make a new request with 'screening-app user csr' and"
                                       " install the certificate headquarters issues for it.")
    assert [d.id for d in services.interviews.drafts(ivan)] == [draft.id]
    assert services.station.db.execute("SELECT count(*) FROM documents WHERE interview_id = ?",
                                       [draft.id]).fetchone()[0] == 0
    with pytest.raises(StationKeyUnavailable, match="ivan cannot start interviews:"
                       " headquarters revoked ivan's certificate"):
        services.interviews.start(ivan, "CN-700001")
    with pytest.raises(StationKeyUnavailable, match="headquarters revoked"):
        services.transcription.record(ivan, "CN-700001", {"answers": complete_answers()}, "p")

    # A new request is for a new key (the old one may be in other hands); once its
    # certificate is installed, the draft finalises under it.
    revoked = certificates.load_certificates(ivans_certificate(linked), "ivan.pem")[0]
    monkeypatch.setattr(certificates, "new_private_key", lambda: rsa.generate_private_key(
        public_exponent=65537, key_size=2048))
    services.sign_in("ivan", PASSWORD)  # the key is sealed under ivan's own keys
    csr = certificates.load_csr(services.keys.create_user_key(ivan), "ivan.csr")
    assert csr.public_key().public_numbers() != revoked.public_key().public_numbers()
    ca_key, ca_certificate = test_keys["ca"]
    services.keys.import_user_certificate(ivan, certificates.chain_pem(
        [certificates.issue_certificate(ca_key, ca_certificate, csr), ca_certificate]),
        "ivan.pem")
    final = services.interviews.finalise(ivan, draft.id)
    signature = verify_pdf(final.form.content, [ca_certificate]).signatures[0]
    assert signature.signer == "Interviewer ivan"
    assert signature.signer_certificate != revoked
