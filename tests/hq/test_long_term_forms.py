"""Issue 16's acceptance, end to end: forms a station signed and headquarters stamped stay
verifiable, with only the PDF and the root, after their signers' certificates expire or
are revoked; forms never stamped do not, and a form signed after a revocation is refused
with the revocation's date and reason. "Today" is moved by the tests (verify's clock)."""

import datetime
import re

import pytest

from screening_app.domain.canonical import format_timestamp
from screening_app.hq import down, revocation_lists
from screening_app.hq.archive import restamp_expiring, stamp_pending
from screening_app.hq.down import revoke_certificate
from screening_app.hq.headquarters import add_timestamp_authority
from screening_app.hq.intake import ingest
from screening_app.pki import certificates
from screening_app.protocol.examples import complete_answers
from screening_app.records.verifying import verify_pdf
from screening_app.services.ca import open_ca
from screening_app.services.verification import verify_form
from tests.hq.conftest import CA_PASSPHRASE, HQ_PASSPHRASE, export


@pytest.fixture
def stamped(hq, linked, tmp_path):
    """The approved form (the interviewer's signature and the supervisor's
    countersignature) as the station sent it, and headquarters' archival copy of it."""
    ingest(hq, export(linked, tmp_path / "out"))
    stamp_pending(hq)  # what intake does after its commit ('hq ingest' does too)
    [(document_id,)] = hq.store.query("SELECT id FROM documents WHERE revision = 2")
    original = hq.store.document_content(document_id)
    return original, hq.store.archived_document(document_id)[1]


def signers_certificates(pdf: bytes, root) -> list:
    return [check.signer_certificate for check in verify_pdf(pdf, [root]).signatures]


def minute(moment: datetime.datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def test_a_stamped_form_verifies_after_every_signer_certificate_expired(hq, stamped):
    original, copy = stamped
    ended = max(c.not_valid_after_utc for c in signers_certificates(copy, hq.root))
    later = ended + datetime.timedelta(days=1)
    result = verify_form(copy, [hq.root], now=later)
    assert result.valid, result.reason
    proofs = [note for note in result.notes if ", proven to exist at " in note]
    assert len(proofs) == 2  # the interviewer's signature and the supervisor's
    assert all(note.endswith(f"by headquarters' timestamp ({hq.name} timestamp authority)")
               for note in proofs)
    assert any(re.match(r"Its certificate expired on .*, after headquarters' timestamp"
                        r" proved the form existed \(.*\): the signature stands\.$", note)
               for note in result.notes)
    # The same form as the station sent it, never stamped, does not outlive the certificate.
    unstamped = verify_form(original, [hq.root], now=later)
    assert not unstamped.valid
    assert unstamped.reason.endswith("and no headquarters timestamp proves the form existed"
                                     " before then (it was never stamped at headquarters).")
    assert verify_form(original, [hq.root]).valid  # while the certificates are valid, it is


def test_a_revoked_signer_keeps_stamped_forms_and_loses_later_ones(hq, linked, stamped,
                                                                   ca_folder, monkeypatch):
    _, copy = stamped
    interviewer_certificate = signers_certificates(copy, hq.root)[0]
    # The revocation comes a minute after the stamp (a CRL states whole seconds, and a
    # revocation in the very second of a timestamp counts against the form).
    a_minute_on = datetime.datetime.now(datetime.UTC) + datetime.timedelta(minutes=1)
    monkeypatch.setattr(down, "utc_now", lambda: format_timestamp(a_minute_on))
    revoke_certificate(hq, certificates.to_pem(interviewer_certificate), "ivan's certificate",
                       "The laptop bag with ivan's token was stolen.", code="key-compromise")
    revocation_list = revocation_lists.issue(hq, open_ca(ca_folder, CA_PASSPHRASE))
    [entry] = revocation_list.entries
    revoked_on = minute(entry.revoked_at)

    # Stamped before the revocation: it stands, and says what happened since.
    before = verify_form(copy, [hq.root], crls=[revocation_list.der])
    assert before.valid, before.reason
    assert any(note.startswith(f"Its certificate was revoked on {revoked_on} (key"
                               " compromise), after headquarters' timestamp proved the form"
                               " existed") for note in before.notes)

    # The station has not heard yet and signs another form with the certificate; nothing
    # proves that form existed before the revocation, so once it is in force the form fails.
    services = linked.services
    final = services.transcription.record(linked.interviewer, "CN-700002",
                                          {"answers": complete_answers("enlist")}, "paper")
    after = services.documents.latest(linked.supervisor, final.id).content
    result = verify_form(after, [hq.root], crls=[revocation_list.der],
                         now=a_minute_on + datetime.timedelta(minutes=1))
    assert not result.valid
    assert result.reason == (
        f"The signature is by {certificates.common_name(interviewer_certificate)!r}, whose"
        f" certificate was revoked on {revoked_on} (key compromise), and no headquarters"
        " timestamp proves the form existed before then.")


def test_a_restamped_form_outlives_the_first_timestamp_certificate(hq, linked, ca_folder,
                                                                   tmp_path):
    # The first authority's certificate ends in 400 days; a new authority stamps the copy
    # again before then ('hq archive restamp'), and the form verifies in year three, after
    # the first authority's certificate and every signer's have ended.
    add_timestamp_authority(hq, HQ_PASSPHRASE, ca_folder=ca_folder,
                            ca_passphrase=CA_PASSPHRASE, renew=True, days=400)
    ingest(hq, export(linked, tmp_path / "out"))
    stamp_pending(hq)
    [(document_id,)] = hq.store.query("SELECT id FROM documents WHERE revision = 2")
    once = hq.store.archived_document(document_id)[1]
    year_three = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=3 * 365)
    lapsed = verify_form(once, [hq.root], now=year_three)
    assert not lapsed.valid
    add_timestamp_authority(hq, HQ_PASSPHRASE, ca_folder=ca_folder,
                            ca_passphrase=CA_PASSPHRASE, renew=True)
    assert restamp_expiring(hq, 730).stamped == 5
    twice = hq.store.archived_document(document_id)[1]
    assert twice.startswith(once)
    result = verify_form(twice, [hq.root], now=year_three)
    assert result.valid, result.reason
    assert sum(", proven to exist at " in note for note in result.notes) == 2
