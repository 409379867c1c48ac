"""The README's sync walk-through, command by command: two demo camps on one demo CA, a
headquarters, a person screened at both with different choices, bundles carried on a stick,
the answers applied, and a tampered bundle refused with its reason."""

import json

import pytest

from tests.conftest import cli

HQ_PASSPHRASE = "hq passphrase for the demo"


def password(data_dir, name: str) -> str:
    for line in (data_dir / "DEMO-ACCOUNTS.txt").read_text(encoding="utf-8").splitlines()[1:]:
        account, _, secret = line.split("\t")
        if account == name:
            return secret
    raise KeyError(name)


@pytest.mark.slow
def test_two_demo_camps_sync_through_a_stick_and_a_conflict_reaches_headquarters(
        tmp_path, capsys, monkeypatch):
    def ok(*argv, stdin=""):
        code, out, err = cli(capsys, monkeypatch, *argv, stdin=stdin)
        assert code == 0, err + out
        return out

    koje, cheju, hq = tmp_path / "demo-station", tmp_path / "camp2", tmp_path / "hq"
    ok("--data-dir", koje, "demo", "--no-gui")
    ok("--data-dir", cheju, "demo", "--no-gui", "--station-id", "DEMO-CHEJU-02", "--camp",
       "Cheju-do (demo)", "--ca", koje / "demo-ca")
    ca_passphrase = (koje / "demo-ca" / "PASSPHRASE-DEMO-ONLY.txt").read_text().strip()
    ok("hq", "init", "--dir", hq, "--ca", koje / "demo-ca", "--operator", "olivia",
       "--password-stdin", stdin=f"{ca_passphrase}\n{HQ_PASSPHRASE}\noperator password 1\n")
    for camp in (koje, cheju):
        admin = password(camp, "admin") + "\n"
        ok("--data-dir", camp, "station", "cert", "--to", tmp_path / f"{camp.name}.pem",
           "--user", "admin", "--password-stdin", stdin=admin)
        ok("hq", "station", "add", tmp_path / f"{camp.name}.pem", "--dir", hq,
           "--password-stdin", stdin=HQ_PASSPHRASE + "\n")
        ok("--data-dir", camp, "sync", "trust-hq", hq / "headquarters-public.json", "--user",
           "admin", "--password-stdin", stdin=admin)

    answers = {}
    for choice in ("repatriate", "enlist"):
        answers[choice] = tmp_path / f"{choice}.json"
        answers[choice].write_text(ok("protocol", "show", "--example-answers", "--choice",
                                      choice))
    found = json.loads(ok("--data-dir", koje, "roster", "search", "Kim", "--json", "--user",
                          "interviewer1", "--password-stdin",
                          stdin=password(koje, "interviewer1") + "\n"))
    isn = found[0]["isn"]  # the demo rosters share one seed: this person is on both
    for camp, choice in ((koje, "repatriate"), (cheju, "enlist")):
        ok("--data-dir", camp, "interview", "record", "--isn", isn, "--answers",
           answers[choice], "--user", "interviewer1", "--password-stdin",
           stdin=password(camp, "interviewer1") + "\n")

    # The CA issues its first revocation list; every down bundle carries it from now on.
    assert "Issued CRL number 1" in ok("hq", "crl", "issue", "--ca", koje / "demo-ca", "--dir",
                                       hq, "--password-stdin",
                                       stdin=f"{HQ_PASSPHRASE}\n{ca_passphrase}\n")

    stick = tmp_path / "stick"
    for camp in (koje, cheju):
        ok("--data-dir", camp, "sync", "export", "--to", stick / camp.name, "--user",
           "supervisor", "--password-stdin", stdin=password(camp, "supervisor") + "\n")
        bundle = next((stick / camp.name).glob("*.scb"))
        out = ok("hq", "ingest", bundle, "--reply-to", tmp_path / "replies" / camp.name,
                 "--dir", hq, "--password-stdin", stdin=HQ_PASSPHRASE + "\n")
        reply = next((tmp_path / "replies" / camp.name).glob("*.scb"))
        out = ok("--data-dir", camp, "sync", "apply", reply, "--user", "supervisor",
                 "--password-stdin", stdin=password(camp, "supervisor") + "\n")
        assert "headquarters acknowledged" in out
        out = ok("--data-dir", camp, "sync", "status", "--user", "supervisor",
                 "--password-stdin", stdin=password(camp, "supervisor") + "\n")
        assert "Not yet acknowledged: nothing" in out
        assert "Station certificate: valid until 20" in out and "revocation list: 1." in out
        assert "WARNING" not in out  # two years left

    out = ok("hq", "conflicts", "--dir", hq, "--password-stdin", stdin=HQ_PASSPHRASE + "\n")
    assert isn in out and "enlist" in out and "repatriate" in out
    ok("hq", "lists", "export", "--to", tmp_path / "lists", "--dir", hq, "--password-stdin",
       stdin=HQ_PASSPHRASE + "\n")
    conflicts = (tmp_path / "lists" / "conflicts.csv").read_text(encoding="utf-8-sig")
    assert isn in conflicts and "DEMO-CHEJU-02" in conflicts and "DEMO-KOJE-01" in conflicts

    bundle = next((stick / koje.name).glob("*.scb"))
    data = bytearray(bundle.read_bytes())
    data[len(data) // 2] ^= 0x01
    tampered = tmp_path / "tampered.scb"
    tampered.write_bytes(bytes(data))
    code, out, err = cli(capsys, monkeypatch, "hq", "ingest", tampered, "--dir", hq,
                         "--password-stdin", stdin=HQ_PASSPHRASE + "\n")
    assert code == 2
    assert "tampered.scb was altered after it was signed" in out + err
