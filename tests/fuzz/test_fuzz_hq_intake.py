"""Headquarters' intake of station bundles, damaged on the way, re-signed after the damage,
or signed by the station with odd contents: each is taken in whole or refused whole, with
one sentence naming the bundle or the member at fault, and written down as one incident."""

import io
import json
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from screening_app.cli import run
from screening_app.domain.errors import UserError
from screening_app.hq.intake import ingest
from screening_app.sync import bundle as bundles
from tests.fuzz.checks import (
    EXIT_BAD_INPUT,
    assert_clear_message,
    assert_clear_refusal,
    examples,
    outcome,
    table_digests,
)
from tests.fuzz.damage import Seed, damaged, mutated, to_json
from tests.fuzz.headquarters import ciphertext_of, header_fields, reseal, station_recipient
from tests.hq.conftest import HQ_PASSPHRASE, export


def ingest_or_refuse(hq, path, member_names=()) -> None:
    """Take ``path`` in; a refusal must be one sentence naming the bundle or a member of
    it, and leave headquarters as it was but for the one incident that records it."""
    before = table_digests(hq.store.db)
    try:
        ingest(hq, path)
    except UserError as error:
        assert_clear_refusal(error, [path.name, *member_names, ".jsonl", "manifest.json",
                                     "files/"])
        after = table_digests(hq.store.db)
        assert after["incidents"][0] == before["incidents"][0] + 1
        changed = [name for name in before if name != "incidents" and before[name] != after[name]]
        assert not changed, f"a refused bundle changed {changed}"
        outcome("refused")
        return
    outcome("taken in")


@pytest.fixture
def up_bundle(linked, tmp_path) -> Seed:
    """A genuine first bundle of the linked station, not yet taken in."""
    return Seed(export(linked, tmp_path / "seed").read_bytes())


@pytest.fixture
def up_members(hq, up_bundle, tmp_path) -> list[tuple[str, bytes]]:
    """What that bundle holds, decrypted, in order."""
    path = tmp_path / "members.scb"
    path.write_bytes(up_bundle)
    sealed = bundles.read_header(path)
    return [(member.name, member.read()) for member in bundles.open_members(sealed,
                                                                            hq.age_identity)]


@pytest.fixture
def station_signer(linked):
    identity = linked.services.keys.signing_identity(linked.supervisor)
    return identity, station_recipient(linked.services)


# -- damaged on the way, or re-signed after the damage --------------------------------------------
@examples(0.5)
@given(data=st.data())
def test_bundles_damaged_on_the_way_are_refused_as_one_incident(hq, up_bundle, tmp_path, data):
    raw = data.draw(st.one_of(damaged(up_bundle), damaged(up_bundle, focus="tail"),
                              st.integers(0, len(up_bundle)).map(lambda n: up_bundle[:n])),
                    label="bundle")
    path = tmp_path / "station-TEST-01.scb"
    path.write_bytes(raw)
    ingest_or_refuse(hq, path)


@examples(0.3)
@given(data=st.data(), part=st.sampled_from(("ciphertext", "header")))
def test_bundles_damaged_then_signed_again_by_the_station_are_refused_whole(
        hq, up_bundle, station_signer, tmp_path, data, part):
    identity, _ = station_signer
    if part == "ciphertext":
        raw = reseal(up_bundle, identity.key, ciphertext=data.draw(
            damaged(ciphertext_of(up_bundle)), label="ciphertext"))
    else:
        raw = reseal(up_bundle, identity.key,
                     fields=data.draw(mutated(header_fields(up_bundle)), label="header"))
    path = tmp_path / "station-TEST-01-resealed.scb"
    path.write_bytes(raw)
    ingest_or_refuse(hq, path)


def test_a_member_cut_short_by_damage_in_the_ciphertext_is_one_sentence(
        hq, up_bundle, station_signer, tmp_path):
    """Found by the test above: the decryption stops at the damaged chunk, in the middle
    of a form, and the form's reader saw the archive end early (a tarfile error, not a
    refusal)."""
    identity, _ = station_signer
    ciphertext = bytearray(ciphertext_of(up_bundle))
    ciphertext[len(ciphertext) * 3 // 4] ^= 0x01  # inside the forms, which fill the bundle
    path = tmp_path / "station-TEST-01-resealed.scb"
    path.write_bytes(reseal(up_bundle, identity.key, ciphertext=bytes(ciphertext)))
    with pytest.raises(bundles.BundleError, match=r"^files/[0-9a-f-]+\.pdf is cut short: the"
                       r" bundle was damaged after it was written\.$"):
        ingest(hq, path)
    assert hq.store.incidents(limit=1)[0].file_name == path.name


# -- signed by the station, with odd contents ---------------------------------------------------
@st.composite
def edited_members(draw, members: list[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
    """The station's members with one to three edits: a member's bytes damaged, one JSON
    record mutated, a member dropped, repeated or moved."""
    members = list(members)
    for _ in range(draw(st.integers(1, 3))):
        if not members:
            break
        index = draw(st.integers(0, len(members) - 1))
        name, body = members[index]
        edit = draw(st.sampled_from(("record", "record", "bytes", "drop", "repeat", "move")))
        if edit == "record" and (name.endswith(".jsonl") or name.endswith(".json")):
            lines = body.split(b"\n")
            line = draw(st.integers(0, max(0, len(lines) - 2)))
            try:
                record = json.loads(lines[line])
            except ValueError:
                continue
            lines[line] = to_json(draw(mutated(record))).encode("utf-8", "surrogatepass")
            members[index] = (name, b"\n".join(lines))
        elif edit == "bytes":
            members[index] = (name, draw(damaged(Seed(body))))
        elif edit == "drop":
            del members[index]
        elif edit == "repeat":
            members.insert(index, (name, body))
        elif edit == "move":
            members.insert(draw(st.integers(0, len(members) - 1)), members.pop(index))
    return members


@examples(0.3)
@given(data=st.data())
def test_bundles_signed_by_the_station_with_odd_contents_are_taken_in_or_refused_whole(
        hq, up_members, station_signer, tmp_path_factory, data):
    identity, recipient = station_signer
    members = data.draw(edited_members(up_members), label="members")

    def produce(writer: bundles.BundleWriter) -> None:
        for name, body in members:
            writer.add_bytes(name, body)

    path, _, _ = bundles.write_bundle(
        tmp_path_factory.mktemp("up"), kind=bundles.UP, sender="TEST-01",
        recipient="headquarters", age_recipient=hq.age_recipient, signer_key=identity.key,
        signer_chain=(identity.certificate, *identity.chain), produce=produce,
        extra={"station_age_recipient": recipient})
    ingest_or_refuse(hq, path, tuple(name for name, _ in members))


# -- the command line -------------------------------------------------------------------------
@examples(0.1)
@given(data=st.data())
def test_hq_ingest_reports_a_bad_bundle_as_refused_with_exit_2(
        hq, hq_folder, up_bundle, tmp_path, capsys, monkeypatch, data):
    path = tmp_path / "station-TEST-01.scb"
    path.write_bytes(data.draw(damaged(up_bundle), label="bundle"))
    monkeypatch.setattr(sys, "stdin", io.StringIO(HQ_PASSPHRASE + "\n"))
    capsys.readouterr()
    code = run(["hq", "ingest", str(path), "--dir", str(hq_folder), "--password-stdin"])
    out, err = capsys.readouterr()
    assert err == "", err
    if code == 0:
        outcome("taken in")
        return
    outcome("refused")
    assert code == EXIT_BAD_INPUT, (code, out)
    refused, summary = out.removesuffix("\n").split("\n")
    assert refused.startswith(f"REFUSED {path}: "), refused
    assert_clear_message(refused)
    assert summary.startswith("1 of 1 bundles refused"), summary
