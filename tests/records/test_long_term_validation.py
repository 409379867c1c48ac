"""Forms that stay verifiable after their certificates lapse: a form headquarters stamped is
judged at the time its timestamp proves, with the validation data it carries; one never
stamped only while its certificates are valid. The tests move "today" instead of waiting."""

from datetime import UTC, datetime, timedelta
from io import BytesIO

import pytest
from cryptography import x509
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from screening_app.protocol import default_protocol
from screening_app.records.choice_form import render_choice_form
from screening_app.records.signing import SigningIdentity
from screening_app.records.verifying import verify_pdf
from tests.records.pki_helpers import CertificateAuthority, issue_identity, make_crl, make_root_ca
from tests.records.stamping_helpers import stamp
from tests.records.test_choice_form import CONTEXT, drawn, make_record
from tests.records.test_signing import (
    flip_byte,
    inside_first_content_stream,
    station_signs,
    supervisor_countersigns,
)

NOW = datetime.now(UTC)
TWO_YEARS_ON = NOW + timedelta(days=730)


@pytest.fixture(scope="module")
def org_ca() -> CertificateAuthority:
    return make_root_ca("Org Root CA")


@pytest.fixture(scope="module")
def authority(org_ca) -> SigningIdentity:
    return issue_identity(org_ca, "Headquarters timestamps", timestamping=True,
                          valid_for=timedelta(days=3650))


@pytest.fixture(scope="module")
def short_lived(org_ca) -> SigningIdentity:
    """A station certificate that expires tomorrow."""
    return issue_identity(org_ca, "Station SHORT-01", valid_for=timedelta(days=1))


@pytest.fixture(scope="module")
def form() -> bytes:
    return render_choice_form(make_record(), default_protocol(), drawn("person"), CONTEXT)


@pytest.fixture(scope="module")
def signed_short(form, short_lived) -> bytes:
    return station_signs(form, short_lived)


@pytest.fixture(scope="module")
def stamped_short(signed_short, org_ca, authority) -> tuple[bytes, datetime, datetime]:
    """The stamped form, and the moments just before and after the stamp was made."""
    before = datetime.now(UTC)
    stamped = stamp(signed_short, org_ca.certificate, authority,
                    crls=[make_crl(org_ca, [], issued=NOW - timedelta(hours=1))])
    return stamped, before, datetime.now(UTC)


def minute(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


# -- expiry ---------------------------------------------------------------------------------
def test_a_stamped_form_verifies_after_its_station_certificate_expired(stamped_short, org_ca,
                                                                       short_lived):
    stamped, before, after = stamped_short
    result = verify_pdf(stamped, [org_ca.certificate], now=TWO_YEARS_ON)
    assert result.valid, result.reason
    [check] = result.signatures
    assert check.proven_by == "Headquarters timestamps"
    assert check.proven_at is not None
    proven = datetime.fromisoformat(check.proven_at)
    # The timestamp states the moment it was made (to the second).
    assert before - timedelta(seconds=1) <= proven <= after + timedelta(seconds=1)
    expiry = short_lived.certificate.not_valid_after_utc
    assert check.since == (f"Its certificate expired on {minute(expiry)}, after headquarters'"
                           f" timestamp proved the form existed ({minute(proven)}): the"
                           " signature stands.")
    [timestamp] = result.timestamps
    assert timestamp.trusted and timestamp.problem is None


def test_the_same_form_never_stamped_does_not_verify_after_expiry(signed_short, org_ca,
                                                                 short_lived):
    today = verify_pdf(signed_short, [org_ca.certificate], now=NOW)
    assert today.valid, today.reason
    later = verify_pdf(signed_short, [org_ca.certificate], now=TWO_YEARS_ON)
    assert not later.valid
    expiry = minute(short_lived.certificate.not_valid_after_utc)
    assert later.reason == (f"The signature is by 'Station SHORT-01', whose certificate expired"
                            f" on {expiry}, and no headquarters timestamp proves the form"
                            " existed before then (it was never stamped at headquarters).")


def test_a_countersigned_form_keeps_both_signatures_valid_once_stamped(form, org_ca,
                                                                       short_lived, authority):
    supervisor = issue_identity(org_ca, "Supervisor sup", valid_for=timedelta(days=2))
    countersigned = supervisor_countersigns(station_signs(form, short_lived), supervisor)
    stamped = stamp(countersigned, org_ca.certificate, authority)
    result = verify_pdf(stamped, [org_ca.certificate], now=TWO_YEARS_ON)
    assert result.valid, result.reason
    assert [check.signer for check in result.signatures] == ["Station SHORT-01",
                                                             "Supervisor sup"]
    assert all(check.proven_at for check in result.signatures)


def test_a_timestamp_from_an_authority_outside_the_roots_proves_nothing(signed_short, org_ca):
    stranger_ca = make_root_ca("Stranger Root")
    stranger = issue_identity(stranger_ca, "Stranger timestamps", timestamping=True)
    stamped = stamp(signed_short, stranger_ca.certificate, stranger)
    result = verify_pdf(stamped, [org_ca.certificate], now=TWO_YEARS_ON)
    assert not result.valid
    assert "whose certificate" in result.reason and "expired" in result.reason
    [timestamp] = result.timestamps
    assert not timestamp.trusted
    assert "proves nothing" in timestamp.problem


def test_a_restamp_carries_the_proof_past_the_first_authority_certificate(signed_short,
                                                                         org_ca):
    # The first authority's certificate lapses after three years; before then the archive
    # stamps again with a new one, and the form still verifies in year five.
    first = issue_identity(org_ca, "Timestamps 2026", timestamping=True,
                           valid_for=timedelta(days=3 * 365))
    second = issue_identity(org_ca, "Timestamps 2029", timestamping=True,
                            valid_for=timedelta(days=3650))
    once = stamp(signed_short, org_ca.certificate, first)
    year_five = NOW + timedelta(days=5 * 365)
    assert not verify_pdf(once, [org_ca.certificate], now=year_five).valid
    twice = stamp(once, org_ca.certificate, second, at=NOW + timedelta(days=2 * 365))
    result = verify_pdf(twice, [org_ca.certificate], now=year_five)
    assert result.valid, result.reason
    [check] = result.signatures
    assert check.proven_by == "Timestamps 2026"
    assert [t.authority for t in result.timestamps] == ["Timestamps 2026", "Timestamps 2029"]


# -- revocation -----------------------------------------------------------------------------
def test_a_form_stamped_before_its_station_was_revoked_still_verifies(form, org_ca, authority):
    station = issue_identity(org_ca, "Station REV-01", valid_for=timedelta(days=730))
    stamped = stamp(station_signs(form, station), org_ca.certificate, authority,
                    crls=[make_crl(org_ca, [], issued=NOW - timedelta(hours=1))])
    revoked_on = NOW + timedelta(days=10)
    later_list = make_crl(org_ca, [(station.certificate, revoked_on,
                                    x509.ReasonFlags.key_compromise)],
                          issued=revoked_on, number=2)
    result = verify_pdf(stamped, [org_ca.certificate], crls=[later_list],
                        now=NOW + timedelta(days=30))
    assert result.valid, result.reason
    [check] = result.signatures
    assert check.since.startswith(f"Its certificate was revoked on {minute(revoked_on)} (key"
                                  " compromise), after headquarters' timestamp proved the form"
                                  " existed")


def test_a_form_signed_after_the_revocation_is_refused_with_its_date_and_reason(form, org_ca,
                                                                                 authority):
    station = issue_identity(org_ca, "Station REV-02", valid_for=timedelta(days=730))
    revoked_on = NOW - timedelta(days=5)
    revocation_list = make_crl(org_ca, [(station.certificate, revoked_on,
                                         x509.ReasonFlags.key_compromise)],
                               issued=revoked_on, number=2)
    signed_after = station_signs(form, station)
    unstamped = verify_pdf(signed_after, [org_ca.certificate], crls=[revocation_list])
    assert not unstamped.valid
    assert unstamped.reason == (
        f"The signature is by 'Station REV-02', whose certificate was revoked on"
        f" {minute(revoked_on)} (key compromise), and no headquarters timestamp proves the"
        " form existed before then.")
    # Stamped with the list in force, it carries the revocation itself: no list needed.
    stamped = stamp(signed_after, org_ca.certificate, authority, crls=[revocation_list])
    result = verify_pdf(stamped, [org_ca.certificate])
    assert not result.valid
    assert result.reason.startswith(
        f"The signature is by 'Station REV-02', whose certificate was revoked on"
        f" {minute(revoked_on)} (key compromise), before headquarters' timestamp proved the"
        " form existed (")


def test_a_revocation_list_no_root_signed_is_ignored(form, org_ca):
    station = issue_identity(org_ca, "Station REV-03", valid_for=timedelta(days=730))
    forger = make_root_ca("Org Root CA")  # the same name, another key
    forged = make_crl(forger, [(station.certificate, NOW - timedelta(days=1),
                                x509.ReasonFlags.key_compromise)], issued=NOW)
    result = verify_pdf(station_signs(form, station), [org_ca.certificate], crls=[forged])
    assert result.valid, result.reason


# -- changes after stamping -------------------------------------------------------------------
def test_a_byte_changed_after_stamping_is_caught(stamped_short, org_ca):
    stamped_short, _before, _after = stamped_short
    in_the_form = flip_byte(stamped_short, inside_first_content_stream(stamped_short))
    result = verify_pdf(in_the_form, [org_ca.certificate], now=TWO_YEARS_ON)
    assert not result.valid
    assert result.reason.startswith("The PDF was changed after it was signed")
    # A byte of the validation data: after the signature, under the timestamp.
    dss = stamped_short.rindex(b"/DSS")
    in_the_validation_data = stamped_short[:dss] + b"/DSX" + stamped_short[dss + 4:]
    result = verify_pdf(in_the_validation_data, [org_ca.certificate], now=NOW)
    assert not result.valid
    assert result.reason.startswith("The PDF was changed after headquarters stamped it")


def test_an_update_appended_after_the_last_timestamp_is_caught(stamped_short, org_ca):
    stamped_short, _before, _after = stamped_short
    writer = IncrementalPdfFileWriter(BytesIO(stamped_short))
    writer.root["/Lang"] = generic.TextStringObject("xx")
    writer.update_root()
    output = BytesIO()
    writer.write(output)
    result = verify_pdf(output.getvalue(), [org_ca.certificate], now=NOW)
    assert not result.valid
    assert result.reason == ("The PDF was changed after headquarters' last timestamp: an update"
                             " that no signature or timestamp covers was added.")
