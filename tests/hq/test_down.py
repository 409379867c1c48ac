"""What goes down to a station: acknowledgements, published rosters and protocols, and
revocations, applied by a real station; each publication is sent until applied."""

import pytest
import yaml

from screening_app.bundled import forms_dir
from screening_app.domain.errors import NotFound, UserError
from screening_app.hq.down import (
    build_down_bundle,
    publish_protocol,
    publish_roster,
    revoke_certificate,
    revoke_user,
)
from screening_app.hq.intake import RevokedStation, ingest
from screening_app.hq.registry import list_stations, register_station
from screening_app.pki import certificates
from tests.conftest import PASSWORD, write_csv
from tests.hq.conftest import export


@pytest.fixture
def synced(hq, linked, tmp_path):
    """The station after its first bundle reached headquarters."""
    ingest(hq, export(linked, tmp_path / "up"))
    return linked


def apply_down(hq, station, folder):
    return station.services.sync.apply(station.supervisor,
                                       build_down_bundle(hq, "TEST-01", folder))


def test_a_station_that_never_sent_a_bundle_gets_a_clear_error(hq, linked, tmp_path):
    with pytest.raises(UserError) as refused:
        build_down_bundle(hq, "TEST-01", tmp_path)
    assert str(refused.value) == ("Station TEST-01 has not sent a bundle yet; its first bundle"
                                  " tells headquarters how to encrypt to it.")
    with pytest.raises(NotFound, match="no registered station 'TEST-09'"):
        build_down_bundle(hq, "TEST-09", tmp_path)


def test_the_down_bundle_acknowledges_everything_headquarters_holds(hq, synced, tmp_path):
    result = apply_down(hq, synced, tmp_path / "down")
    assert result.not_matching == []
    assert result.acknowledged == {"users": 4, "protocols": 1, "subjects": 5, "interviews": 4,
                                   "reviews": 2, "documents": 5}
    assert result.events_acknowledged == hq.store.station("TEST-01").events_seq
    status = synced.services.sync.status(synced.supervisor)
    assert sum(status.pending.values()) == 0
    assert status.events_acknowledged == result.events_acknowledged


def test_only_the_stations_own_age_key_opens_the_down_bundle(hq, synced, tmp_path):
    from screening_app.sync import bundle as bundles

    path = build_down_bundle(hq, "TEST-01", tmp_path / "down")
    sealed = bundles.read_header(path)
    assert (sealed.header.sender, sealed.header.recipient) == ("headquarters", "TEST-01")
    assert bundles.verify_sender(sealed, [hq.root]) == hq.certificate
    with pytest.raises(bundles.BundleError, match="cannot be decrypted with our key"):
        list(bundles.open_members(sealed, hq.age_identity))


def test_a_published_roster_is_applied_once(hq, synced, tmp_path):
    rows = [{"isn": "NK-100001", "name_latin": "Kim Min-jun", "compound": "Compound 90"},
            {"isn": "NK-200001", "name_latin": "Choi Yun", "compound": "Compound 90"}]
    assert publish_roster(hq, write_csv(tmp_path / "roster.csv", rows), "TEST-01") == 2
    result = apply_down(hq, synced, tmp_path / "one")
    assert (result.roster_added, result.roster_updated) == (1, 1)
    moved = synced.services.roster.search(synced.admin, "NK-100001")[0]
    assert moved.compound == "Compound 90"
    assert moved.name_native == "김민준"  # the file had no name_native column: kept
    # The station's next bundle says it applied them; they are not sent again.
    ingest(hq, export(synced, tmp_path / "up2"))
    result = apply_down(hq, synced, tmp_path / "two")
    assert (result.roster_added, result.roster_updated) == (0, 0)


def test_a_roster_for_every_station_or_for_an_unknown_one(hq, synced, tmp_path):
    path = write_csv(tmp_path / "roster.csv", [{"isn": "CN-800001", "name_native": "李明"}])
    with pytest.raises(NotFound, match="TEST-09"):
        publish_roster(hq, path, "TEST-09")
    assert publish_roster(hq, path, None) == 1
    assert apply_down(hq, synced, tmp_path / "one").roster_added == 1


def test_a_bad_roster_file_publishes_nothing(hq, synced, tmp_path):
    path = write_csv(tmp_path / "bad.csv", [{"isn": "NK-1", "name_latin": "A"},
                                            {"isn": "NK-1", "name_latin": "B"}])
    with pytest.raises(UserError, match="bad.csv"):
        publish_roster(hq, path, None)
    assert hq.store.outbox_through() == 0


def new_version(tmp_path, version: int, title: str):
    source = yaml.safe_load((forms_dir() / "unc-screening-v1.yaml").read_text())
    source["version"] = version
    source["title"]["en"] = title
    path = tmp_path / f"unc-screening-v{version}-{len(title)}.yaml"
    path.write_text(yaml.safe_dump(source, allow_unicode=True))
    return path


def test_a_published_protocol_reaches_the_station_once(hq, synced, tmp_path):
    path = new_version(tmp_path, 2, "Individual screening interview, second version")
    sha = publish_protocol(hq, path)
    assert publish_protocol(hq, path) == sha  # publishing again changes nothing
    assert hq.store.outbox_through() == 1
    result = apply_down(hq, synced, tmp_path / "one")
    assert result.protocols_added == ["unc-screening version 2"]
    stored = synced.services.station.db.execute("SELECT version FROM protocols WHERE sha256 = ?",
                                                [sha]).fetchone()
    assert stored == (2,)


def test_a_changed_protocol_under_a_published_version_is_refused(hq, tmp_path):
    publish_protocol(hq, new_version(tmp_path, 2, "First wording"))
    with pytest.raises(UserError, match="unc-screening v2 was already published with other"
                       " content"):
        publish_protocol(hq, new_version(tmp_path, 2, "Changed wording"))


def test_an_invalid_protocol_is_refused_by_the_loader(hq, tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("id: unc-screening\nversion: 3\n")
    with pytest.raises(UserError, match="broken.yaml"):
        publish_protocol(hq, path)
    assert hq.store.outbox_through() == 0


def test_a_revoked_account_is_disabled_at_its_station(hq, synced, tmp_path):
    revoke_user(hq, "TEST-01", "IVAN", "left the service")
    result = apply_down(hq, synced, tmp_path / "one")
    assert result.revoked_users == ["ivan"]
    with pytest.raises(UserError):
        synced.services.sign_in("ivan", PASSWORD)
    with pytest.raises(NotFound, match="no account named 'nobody'"):
        revoke_user(hq, "TEST-01", "nobody", "?")
    with pytest.raises(UserError, match="reason"):
        revoke_user(hq, "TEST-01", "olga", " ")


def test_a_revoked_station_certificate_revokes_the_station(hq, synced, tmp_path):
    installed = synced.services.keys.station_certificate()
    pem = certificates.to_pem(installed.certificate)
    assert revoke_certificate(hq, pem, "station-cert.pem", "key leaked") == "TEST-01"
    assert list_stations(hq)[0].revoke_reason == "key leaked"
    with pytest.raises(RevokedStation):
        ingest(hq, export(synced, tmp_path / "up2"))
    with pytest.raises(UserError, match="was revoked on"):
        build_down_bundle(hq, "TEST-01", tmp_path)
    with pytest.raises(UserError, match="already revoked"):
        revoke_certificate(hq, pem, "station-cert.pem", "again")


def test_a_revoked_certificate_cannot_be_registered(hq, station):
    installed = station.services.keys.station_certificate()
    pem = certificates.to_pem(installed.certificate)
    assert revoke_certificate(hq, pem, "station-cert.pem", "lost before use") is None
    with pytest.raises(UserError, match="was revoked; it cannot be registered"):
        register_station(hq, pem, "station-cert.pem")


def test_a_revoked_supervisor_certificate_reaches_the_station(hq, synced, tmp_path):
    row = synced.services.station.db.execute(
        "SELECT certificate_pem FROM user_keys WHERE user_id = ?",
        [synced.supervisor.user_id]).fetchone()
    supervisor = certificates.load_certificates(row[0].encode(), "supervisor")[0]
    assert revoke_certificate(hq, row[0].encode(), "sup.pem", "left the service") is None
    assert apply_down(hq, synced, tmp_path / "one").revoked_certificates == 1
    assert synced.services.sync.is_revoked(supervisor)
    assert not list_stations(hq)[0].revoked
    waiting = synced.finals[2].id  # received, not yet approved
    with pytest.raises(UserError, match="cannot countersign: headquarters revoked"):
        synced.services.reviews.decide(synced.supervisor, waiting, "approved",
                                       reason="The signed paper form is complete.")


def test_a_certificate_of_another_ca_is_not_revoked_here(hq):
    key, root = certificates.create_root_ca("Someone Else's CA", "Elsewhere")
    with pytest.raises(UserError, match="was issued by"):
        revoke_certificate(hq, certificates.to_pem(root), "other.pem", "why not")
    assert hq.store.outbox_through() == 0


def test_a_published_version_is_the_one_the_station_interviews_and_lists_by(
        hq, synced, tmp_path):
    """Once a newer version of the default protocol is down at the station, a paper
    interview that names no protocol is taken on it, and the revised lists are named as it
    names them."""
    from screening_app.protocol.examples import complete_answers

    source = yaml.safe_load((forms_dir() / "unc-screening-v1.yaml").read_text())
    source["version"] = 2
    source["outcomes"] = [
        {"option": "repatriate", "list": "return-home",
         "list_title": {"en": "Returning home", "ko": "귀환", "zh": "回国"}},
        {"option": "enlist", "list": "stay",
         "list_title": {"en": "Staying", "ko": "잔류", "zh": "留下"}}]
    path = tmp_path / "unc-screening-v2.yaml"
    path.write_text(yaml.safe_dump(source, allow_unicode=True))
    publish_protocol(hq, path)
    apply_down(hq, synced, tmp_path / "down")
    services, sup = synced.services, synced.supervisor
    record = services.transcription.record(synced.interviewer, "NK-100002",
                                           {"answers": complete_answers("repatriate")},
                                           "paper")
    assert record.record.protocol_version == 2
    services.reviews.decide(sup, record.id, "approved",
                            reason="Transcribed from the signed paper form.")
    lists = services.lists.build(sup)
    assert [(slug, title) for slug, title, _rows in lists.sections()][:2] == [
        ("return-home", "Returning home · 귀환 · 回国"), ("stay", "Staying · 잔류 · 留下")]
    assert [row[0] for row in lists.rows("return-home")] == ["NK-100002"]
