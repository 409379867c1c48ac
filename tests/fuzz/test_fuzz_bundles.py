"""Bundles coming down from headquarters, damaged on the way (bytes anywhere, the header,
the ciphertext re-signed) or signed by headquarters with odd contents: each is applied
whole or refused whole, with one sentence naming the bundle or the member at fault."""

from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from hypothesis import given
from hypothesis import strategies as st

from screening_app.domain.canonical import canonical_json
from screening_app.domain.errors import UserError
from screening_app.protocol import default_protocol
from screening_app.sync.members import MEMBERS_BY_KIND, record_digest, record_id
from screening_app.sync.outgoing import OutgoingRecords
from tests.fuzz.checks import (
    assert_clear_refusal,
    assert_cli_refused,
    assert_unchanged,
    assert_unchanged_but_sign_ins,
    examples,
    fingerprint,
    outcome,
    run_cli,
)
from tests.fuzz.damage import (
    PLAUSIBLE_CELLS,
    Deep,
    Seed,
    damaged,
    json_values,
    mutated,
    odd_text,
    to_json,
)
from tests.fuzz.headquarters import (
    ciphertext_of,
    header_fields,
    jsonl,
    manifest,
    reseal,
    signed_bundle,
    station_recipient,
)

STATION = "TEST-01"
MEMBER_NAMES = ("manifest.json", "acks/", "roster/", "protocols/", "revocations.json")


def apply_or_refuse(station, path: Path, extra_names: tuple[str, ...] = ()) -> None:
    """Apply ``path``; a refusal must be one sentence naming the bundle or a member in it,
    and leave the database exactly as it was."""
    services = station.services
    before = fingerprint(services)
    try:
        services.sync.apply(station.supervisor, path)
    except UserError as error:
        assert_clear_refusal(error, [path.name, *MEMBER_NAMES, *extra_names])
        assert_unchanged(services, before)
        outcome("refused")
        return
    outcome("applied")


# -- bundles damaged on the way --------------------------------------------------------------------
@pytest.fixture
def seed_bundle(syncing_station, headquarters, tmp_path) -> bytes:
    """A genuine bundle for the station, with a little of everything, not yet applied."""
    services = syncing_station.services
    path = signed_bundle(headquarters, tmp_path / "seed", STATION, station_recipient(services), [
        ("manifest.json", canonical_json(manifest(STATION)).encode()),
        ("acks/000001.jsonl", jsonl(user_acks(services))),
        ("roster/000001.jsonl", jsonl(ROSTER_ROWS)),
        ("protocols/000001.jsonl", jsonl([{"definition": canonical_json(NEXT_PROTOCOL)}])),
        ("revocations.json", canonical_json(REVOCATIONS).encode()),
    ])
    return Seed(path.read_bytes())


def user_acks(services) -> list[dict]:
    """Acknowledgements headquarters would send for the station's accounts."""
    return [{"kind": "users", "id": record_id("users", row),
             "digest": record_digest("users", row)}
            for row in OutgoingRecords(services.station.db).rows(MEMBERS_BY_KIND["users"])]


ROSTER_ROWS = [{"isn": "NK-100900", "name_native": "리영호", "name_latin": "Ri Yong Ho",
                "nationality": "KP", "rank": "Private", "unit": "KPA 4th Division",
                "camp": "Koje-do", "compound": "Compound 62", "birth_year": 1930},
               {"isn": "NK-100001", "name_latin": "Kim Min-jun", "compound": "Compound 76"}]
NEXT_PROTOCOL = {**default_protocol().source, "version": default_protocol().version + 1}
REVOCATIONS = {"users": [{"name": "olga", "reason": "left the service", "at": "2026-11-20"}],
               "certificates": [{"fingerprint_sha256": "ab" * 32, "serial_hex": "1f",
                                 "subject": "CN=Supervisor sup", "reason": "lost",
                                 "at": "2026-11-20T10:00:00Z"}]}


@examples(1.0)
@given(data=st.data())
def test_bundles_damaged_on_the_way_are_refused_whole(syncing_station, seed_bundle, tmp_path,
                                                     data):
    raw = data.draw(st.one_of(damaged(seed_bundle), damaged(seed_bundle, focus="tail"),
                              st.integers(0, len(seed_bundle)).map(lambda n: seed_bundle[:n])),
                    label="bundle")
    path = tmp_path / "from-hq.scb"
    path.write_bytes(raw)
    apply_or_refuse(syncing_station, path)


# -- re-signed by headquarters after the damage: past the signature, into the contents -------------
@examples(0.6)
@given(data=st.data(), part=st.sampled_from(("ciphertext", "header")))
def test_bundles_damaged_then_signed_again_are_refused_whole(
        syncing_station, headquarters, seed_bundle, tmp_path, data, part):
    if part == "ciphertext":
        raw = reseal(seed_bundle, headquarters.key,
                     ciphertext=data.draw(damaged(ciphertext_of(seed_bundle)),
                                          label="ciphertext"))
    else:
        fields = data.draw(mutated(header_fields(seed_bundle)), label="header")
        raw = reseal(seed_bundle, headquarters.key, fields=fields)
    path = tmp_path / "resealed.scb"
    path.write_bytes(raw)
    apply_or_refuse(syncing_station, path)


def test_a_signer_certificate_with_an_unknown_key_type_is_refused(
        syncing_station, headquarters, seed_bundle, tmp_path):
    """Found by the test above: one flipped bit in the key's algorithm id left a certificate
    that parses but whose key cannot be read (UnsupportedAlgorithm)."""
    fields = header_fields(seed_bundle)
    chain = [certificate.public_bytes(serialization.Encoding.DER) for certificate in
             x509.load_pem_x509_certificates(fields["certificates"].encode())]
    rsa_encryption = bytes.fromhex("06092a864886f70d010101")
    chain[0] = chain[0].replace(rsa_encryption, bytes.fromhex("06091a864886f70d010101"), 1)
    pem = "".join(x509.load_der_x509_certificate(der).public_bytes(
        serialization.Encoding.PEM).decode() for der in chain)
    path = tmp_path / "from-hq.scb"
    path.write_bytes(reseal(seed_bundle, headquarters.key, fields={**fields,
                                                                  "certificates": pem}))
    services = syncing_station.services
    before = fingerprint(services)
    with pytest.raises(UserError, match="the signer's certificate is not readable"):
        services.sync.apply(syncing_station.supervisor, path)
    assert_unchanged(services, before)


# -- signed by headquarters, with odd contents -----------------------------------------------------
def roster_values():
    return st.one_of(PLAUSIBLE_CELLS, odd_text(20), json_values(3), st.integers(1800, 2100))


@st.composite
def members(draw, acks: list[dict]) -> list[tuple[str, bytes]]:
    """The members of a bundle headquarters might send: each part valid or mutated, in
    order or not, with now and then a part that is no JSON at all."""
    def encoded(value) -> bytes:
        return to_json(value).encode()

    def lines(records) -> bytes:
        records = records if isinstance(records, list) else [records]
        return b"".join(to_json(record).encode() + b"\n" for record in records)

    claimed_events = st.tuples(st.one_of(st.integers(-3, 100), st.integers(-(2**70), 2**70)),
                               st.text("0123456789abcdef", max_size=64))
    manifests = st.one_of(st.just(manifest(STATION)), mutated(manifest(STATION)),
                          claimed_events.map(lambda events: manifest(STATION, events)))
    found = [("manifest.json", encoded(draw(manifests)))]
    for part in draw(st.lists(st.sampled_from(("acks", "roster", "protocols", "revocations",
                                               "raw", "unknown")), max_size=4)):
        if part == "acks":
            records = draw(st.one_of(st.just(acks), mutated(acks or [{}])))
            found.append(("acks/000001.jsonl", lines(records)))
        elif part == "roster":
            rows = draw(st.one_of(
                mutated(ROSTER_ROWS, extra_values=roster_values()),
                st.lists(st.dictionaries(st.sampled_from(("isn", "name_native", "name_latin",
                                                          "nationality", "birth_year",
                                                          "compound", "notes")),
                                         roster_values(), max_size=6), max_size=5)))
            found.append(("roster/000001.jsonl", lines(rows)))
        elif part == "protocols":
            definition = draw(st.one_of(st.just(NEXT_PROTOCOL), mutated(NEXT_PROTOCOL)))
            row = draw(st.one_of(st.just({"definition": to_json(definition)}),
                                 st.just({"definition": definition}),
                                 mutated({"definition": to_json(definition)})))
            found.append(("protocols/000001.jsonl", lines([row])))
        elif part == "revocations":
            found.append(("revocations.json", encoded(draw(mutated(REVOCATIONS)))))
        elif part == "raw":
            name = draw(st.sampled_from(("acks/000002.jsonl", "roster/000002.jsonl",
                                         "protocols/000002.jsonl", "revocations.json",
                                         "manifest.json")))
            found.append((name, draw(st.one_of(damaged(jsonl(ROSTER_ROWS)),
                                               st.just(encoded(Deep(3000))),
                                               st.binary(max_size=40)))))
        else:
            found.append((draw(st.sampled_from(("files/x.pdf", "notes.txt", "acks",
                                                "roster/../../x.jsonl", "évènements.json"))),
                          b"{}"))
    if draw(st.integers(0, 9)) == 0:
        found = draw(st.permutations(found))
    return found


@examples(1.0)
@given(data=st.data())
def test_signed_bundles_with_odd_contents_are_applied_or_refused_whole(
        syncing_station, headquarters, tmp_path_factory, data):
    services = syncing_station.services
    found = data.draw(members(user_acks(services)), label="members")
    path = signed_bundle(headquarters, tmp_path_factory.mktemp("down"), STATION,
                               station_recipient(services), found)
    apply_or_refuse(syncing_station, path, tuple(name for name, _ in found))


def test_a_roster_member_naming_one_person_twice_is_refused_whole(syncing_station,
                                                                  headquarters, tmp_path):
    """Found by the test above: two rows for one new ISN in one member was an IntegrityError."""
    services = syncing_station.services
    path = signed_bundle(headquarters, tmp_path, STATION, station_recipient(services), [
        ("manifest.json", canonical_json(manifest(STATION)).encode()),
        ("roster/000001.jsonl", jsonl([ROSTER_ROWS[0], {**ROSTER_ROWS[0], "rank": "Corporal"}])),
    ])
    before = fingerprint(services)
    with pytest.raises(UserError) as refused:
        services.sync.apply(syncing_station.supervisor, path)
    assert str(refused.value) == ("roster/000001.jsonl, line 2: ISN 'NK-100900' is already on"
                                  " line 1.")
    assert_unchanged(services, before)


# Members that each broke 'sync apply' with an exception before it was fixed (found by the
# tests above, or by probing next to what they found).
FOUND_BY_FUZZING = {
    "a manifest number beyond any integer": (
        "manifest.json", b'{"station_id":"TEST-01","outbox_through":1e999,'
                         b'"events":{"seq":0,"hash":"0"}}'),
    "revocations that are not a list of objects": (
        "revocations.json", b'{"users":" ","certificates":[]}'),
    "a revoked account named by a list": (
        "revocations.json", b'{"users":[{"name":["olga"]}],"certificates":[]}'),
    "a roster name that is a list": (
        "roster/000001.jsonl", b'{"isn":"NK-100901","name_native":["a"]}\n'),
    "a roster birth year that is text": (
        "roster/000001.jsonl", b'{"isn":"NK-100901","name_latin":"X","birth_year":"1930"}\n'),
    "a roster birth year beyond SQLite's integers": (
        "roster/000001.jsonl", jsonl([{"isn": "NK-100901", "name_latin": "X",
                                       "birth_year": 2**64}])),
    "a manifest sequence number beyond SQLite's integers": (
        "manifest.json", canonical_json(manifest(STATION, events=(-(2**70), "0"))).encode()),
    "an acknowledgement holding half a character": (
        "acks/000001.jsonl", b'{"kind":"users","id":"\\ud800","digest":"0"}\n'),
    "a protocol nested thousands deep": (
        "protocols/000001.jsonl", jsonl([{"definition": "[" * 5000 + "]" * 5000}])),
    "a line nested thousands deep": ("acks/000001.jsonl", b"[" * 5000 + b"]" * 5000 + b"\n"),
}


@pytest.mark.parametrize("member", FOUND_BY_FUZZING.values(), ids=FOUND_BY_FUZZING)
def test_members_that_once_raised_are_refused_whole(syncing_station, headquarters, tmp_path,
                                                    member):
    services = syncing_station.services
    members = [member] if member[0] == "manifest.json" else [
        ("manifest.json", canonical_json(manifest(STATION)).encode()), member]
    path = signed_bundle(headquarters, tmp_path, STATION, station_recipient(services), members)
    before = fingerprint(services)
    with pytest.raises(UserError) as refused:
        services.sync.apply(syncing_station.supervisor, path)
    assert_clear_refusal(refused.value, [member[0], path.name])
    assert_unchanged(services, before)


# -- the command line ------------------------------------------------------------------------------
@examples(0.15)
@given(data=st.data())
def test_the_cli_refuses_a_bad_bundle_with_exit_2_and_one_line(
        syncing_station, headquarters, seed_bundle, tmp_path_factory, capsys, monkeypatch,
        data):
    services = syncing_station.services
    folder = tmp_path_factory.mktemp("cli")
    found: list[tuple[str, bytes]] = []
    if data.draw(st.booleans(), label="damaged on the way"):
        path = folder / "from-hq.scb"
        path.write_bytes(data.draw(damaged(seed_bundle), label="bundle"))
    else:
        found = [(name, body) for name, body in data.draw(members(user_acks(services)),
                                                           label="members")
                 if name != "revocations.json"]  # the CLI signs in as admin: keep it enabled
        path = signed_bundle(headquarters, folder, STATION, station_recipient(services), found)
    before = fingerprint(services)
    result = run_cli(capsys, monkeypatch, syncing_station.data_dir, "sync", "apply", path)
    if result.code == 0:
        outcome("applied")
        return
    outcome("refused")
    assert_cli_refused(result, [path.name, *MEMBER_NAMES, *(name for name, _ in found)])
    assert_unchanged_but_sign_ins(services, before)
