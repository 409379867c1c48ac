"""Revocation lists at headquarters: the CA issues them from the revocations recorded (each
with its date and reason code), numbered one above the last; every down bundle carries the
one in force, which the station keeps after checking it against its root; the operators'
page lists the revocations and serves the CRL."""

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from screening_app.domain.errors import UserError
from screening_app.hq import revocation_lists
from screening_app.hq.down import build_down_bundle, revoke_certificate
from screening_app.hq.intake import ingest
from screening_app.hq.registry import revoke_station
from screening_app.pki import certificates, crl
from screening_app.services.ca import open_ca
from screening_app.store.sync_records import SyncRecords
from screening_app.sync.bundle import BundleError
from tests.hq.conftest import CA_PASSPHRASE, export, station_certificate
from tests.hq.test_operators_page import app, client, clock, form_token  # noqa: F401
from tests.hq.test_web import sign_in


@pytest.fixture
def authority(ca_folder):
    return open_ca(ca_folder, CA_PASSPHRASE)


@pytest.fixture
def synced(hq, linked, tmp_path):
    ingest(hq, export(linked, tmp_path / "up"))
    return linked


def a_person_certificate(test_keys, name: str = "olga"):
    ca_key, root = test_keys["ca"]
    csr = certificates.create_csr(test_keys["station"], f"Interviewer {name}", "UNC Screening",
                                  unit="Station TEST-01")
    return certificates.issue_certificate(ca_key, root, csr)


def test_each_crl_lists_every_revocation_with_its_date_and_reason_numbered_upwards(
        hq, linked, authority, test_keys):
    assert revocation_lists.problems(hq)[0].startswith("No certificate revocation list has"
                                                       " been issued yet")
    olga = a_person_certificate(test_keys)
    revoke_certificate(hq, certificates.to_pem(olga), "olga.pem", "Left the programme.",
                       "affiliation-changed")
    assert revocation_lists.problems(hq)[1] == "1 revocation is in no CRL yet."
    first = revocation_lists.issue(hq, authority)
    assert first.number == 1 and revocation_lists.problems(hq) == []
    [entry] = first.entries
    assert (entry.serial_number, entry.reason) == (olga.serial_number, "affiliation-changed")
    recorded_at = next(hq.store.outbox(("revoke_certificate",))).payload["at"]
    assert entry.revoked_at.strftime("%Y-%m-%dT%H:%M:%S") == recorded_at[:19]

    # A revoked station's certificate is revoked with it; the CRL in force lacks it until
    # the CA issues the next one, and says so.
    revoke_station(hq, "TEST-01", "The laptop was stolen.", "key-compromise")
    [lacking] = revocation_lists.problems(hq)
    assert lacking == ("The CRL in force (number 1) lacks 1 revocation recorded since"
                       " (CN=Station TEST-01,OU=Koje-do,O=UNC Screening); issue one with"
                       " 'screening-app hq crl issue --ca CADIR'.")
    second = revocation_lists.issue(hq, authority)
    assert second.number == 2
    station = station_certificate(linked)
    assert second.revocation_of(station).reason == "key-compromise"
    assert second.revocation_of(olga).reason == "affiliation-changed"
    assert revocation_lists.current(hq).number == 2
    assert hq.store.current_crl() == second.der


def test_only_the_ca_headquarters_trusts_issues_its_crl(hq, tmp_path):
    from screening_app.services.ca import init_ca

    init_ca(tmp_path / "other-ca", "Other CA", "Other Org", "another passphrase")
    other = open_ca(tmp_path / "other-ca", "another passphrase")
    with pytest.raises(UserError, match="holds the CA 'Other CA', not 'Test Root CA', which"
                                        " this headquarters trusts"):
        revocation_lists.issue(hq, other)
    assert hq.store.current_crl() is None


def test_a_crl_nearing_or_past_its_next_update_is_pointed_out(hq, authority):
    import datetime

    issued = revocation_lists.issue(hq, authority)
    soon = issued.next_update - datetime.timedelta(days=10)
    assert revocation_lists.problems(hq, soon) == [
        f"The CRL in force (number 1) expires on {issued.next_update:%Y-%m-%d}; issue one"
        " with 'screening-app hq crl issue --ca CADIR' before then."]
    late = issued.next_update + datetime.timedelta(days=1)
    assert "expired on" in revocation_lists.problems(hq, late)[0]


def test_the_down_bundle_carries_the_crl_and_the_station_keeps_the_newest(
        hq, synced, authority, test_keys, tmp_path):
    revoke_certificate(hq, certificates.to_pem(a_person_certificate(test_keys)), "olga.pem",
                       "Left.", "superseded")
    revocation_lists.issue(hq, authority)
    applied = synced.services.sync.apply(synced.supervisor,
                                         build_down_bundle(hq, "TEST-01", tmp_path / "one"))
    assert applied.crl_number == 1
    assert "revocation list number 1 kept" in applied.summary()
    kept = SyncRecords(synced.services.station.db).newest_crl()
    assert kept[0] == 1 and kept[3] == hq.store.current_crl()

    revocation_lists.issue(hq, authority)
    applied = synced.services.sync.apply(synced.supervisor,
                                         build_down_bundle(hq, "TEST-01", tmp_path / "two"))
    assert applied.crl_number == 2
    assert SyncRecords(synced.services.station.db).newest_crl()[0] == 2


def test_a_crl_signed_by_another_ca_refuses_the_whole_bundle(hq, synced, tmp_path):
    stranger_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    _, stranger = certificates.create_root_ca("Test Root CA", "Test Org", key=stranger_key)
    forged = crl.issue_crl(stranger_key, stranger, 5, [])
    with hq.store.transaction():
        hq.store.insert_crl(5, "2026-01-01T00:00:00.000Z", "2026-07-01T00:00:00.000Z",
                            forged.der)
    acknowledged_before = synced.services.sync.status(synced.supervisor).events_acknowledged
    with pytest.raises(BundleError) as refused:
        synced.services.sync.apply(synced.supervisor,
                                   build_down_bundle(hq, "TEST-01", tmp_path / "down"))
    assert str(refused.value) == ("The CRL in revocations.json does not carry a valid"
                                  " signature of 'Test Root CA'.")
    # Nothing of the bundle was applied: not its CRL, not its acknowledgements.
    assert SyncRecords(synced.services.station.db).newest_crl() is None
    assert synced.services.sync.status(synced.supervisor).events_acknowledged == \
        acknowledged_before


def test_an_older_station_reads_past_the_crl_in_revocations_json(hq, synced, authority,
                                                                 tmp_path):
    """What a station of the previous version reads of revocations.json: the users and
    certificates lists; the CRL rides in a field of its own, not a member it would refuse."""
    import json

    from screening_app.sync import bundle as bundles

    revocation_lists.issue(hq, authority)
    sealed = bundles.read_header(build_down_bundle(hq, "TEST-01", tmp_path / "down"))
    identity = bundles.load_age_identity(synced.services.sync._station_age_secret())
    names = []
    for member in bundles.open_members(sealed, identity):
        names.append(member.name)
        if member.name == "revocations.json":
            published = json.loads(member.read())
    assert "revocations.json" in names and not any(n.startswith("crl") for n in names)
    assert base64.b64decode(published["crl_der_base64"]) == hq.store.current_crl()
    assert set(published) >= {"users", "certificates"}


def test_the_operators_page_lists_revocations_and_serves_the_crl(
        client, hq, linked, authority, test_keys):  # noqa: F811
    sign_in(client)
    page = client.get("/").text
    assert "No revocation list has been issued yet." in page
    assert client.get("/crl/revocation-list.crl").status_code == 404
    olga = a_person_certificate(test_keys)
    revoke_certificate(hq, certificates.to_pem(olga), "olga.pem", "Left <the> programme.",
                       "affiliation-changed")
    page = client.get("/").text
    assert "Interviewer olga" in page and "affiliation-changed" in page
    assert "Left &lt;the&gt; programme." in page and "not yet" in page
    assert "lacks 1 revocation" not in page  # no CRL at all yet: that is what it says
    issued = revocation_lists.issue(hq, authority)
    page = client.get("/").text
    assert "Revocation list number 1, issued" in page
    assert f"next update {issued.next_update:%Y-%m-%d}" in page
    assert format(olga.serial_number, "x") in page and "number 1" in page
    download = client.get("/crl/revocation-list.crl")
    assert download.status_code == 200
    assert download.headers["content-type"] == "application/pkix-crl"
    assert crl.load_crl(download.content, "download", test_keys["ca"][1]).number == 1
    client.cookies.clear()
    assert client.get("/crl/revocation-list.crl", follow_redirects=False).status_code == 303
    assert form_token(page)  # the page is whole


def test_a_station_revoked_on_the_page_is_listed_with_the_code_chosen(
        client, hq, linked):  # noqa: F811
    sign_in(client)
    page = client.get("/").text
    assert '<option value="key-compromise" selected>' in page
    page = client.post("/stations/TEST-01/revoke", data={
        "form_token": form_token(page), "confirm": "yes", "reason": "The camp closed.",
        "code": "cessation-of-operation"}).text
    assert "Station TEST-01 is revoked" in page
    assert "the revocation list lacks it until the CA issues the next one" in page
    [recorded] = revocation_lists.recorded_revocations(hq)
    assert (recorded.reason_code, recorded.reason) == ("cessation-of-operation",
                                                       "The camp closed.")
    assert "CN=Station TEST-01,OU=Koje-do,O=UNC Screening" in page
    assert "cessation-of-operation" in page
