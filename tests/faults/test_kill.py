"""A station killed with SIGKILL at random points, over and over, while it imports rosters,
takes and finalises interviews, countersigns approvals, exports bundles and headquarters
takes them in, loses nothing it committed: after every kill both databases are whole, every
finalised record and approval is there unchanged, the history verifies, drafts resume, and
headquarters holds each bundle whole or not at all. (benches/bench_kill.py: a few hundred.)
"""

import pytest

from screening_app.hq.headquarters import Headquarters
from screening_app.hq.store_rows import BundleRow
from screening_app.sync import bundle as bundles
from tests.faults.checks import Expectations, KillChecker
from tests.faults.kill_workload import Workload, outbox_folder
from tests.faults.runner import KillLoop
from tests.faults.site import prepare_site, warm_up

KILLS = 24
SEED = 20261127
# Long enough to land in the middle of the slowest work (an export with its forms, a form
# rendered and signed), short enough for two dozen kills in well under a minute.
MAX_DELAY_SECONDS = 1.0


@pytest.mark.slow
def test_random_kills_lose_nothing_committed(tmp_path, test_keys):
    site = prepare_site(tmp_path / "site", test_keys)
    loop = KillLoop(site, SEED, MAX_DELAY_SECONDS)
    loop.take(warm_up(site))
    warm = loop.expected
    assert warm.finals and warm.approved and warm.ingested and warm.applied and warm.drafts
    landed = []
    for _ in range(KILLS):
        result = loop.kill_once()
        assert result.problems == [], (
            f"kill {result.number} (seed {SEED}, child seed {result.child_seed}, after"
            f" {result.delay:.3f} s, last line {result.last_line!r}): {result.problems}")
        landed.append(result.last_work)
    assert loop.final_check() == []
    # The children committed real work between the kills (each answer is a commit).
    assert loop.reported["DRAFT"] + loop.reported["FINAL"] > 0, landed


def test_the_checks_find_what_a_kill_could_break(tmp_path, test_keys, capsys):
    """The checks are not vacuous: a record lost or changed, an answer lost, a bundle
    reported ingested that headquarters lacks, and a bundle recorded at headquarters
    without its records are each named."""
    site = prepare_site(tmp_path / "site", test_keys)
    workload = Workload(site.data_dir, site.hq_dir, 3, site.password, site.hq_passphrase)
    try:
        workload.record()
        workload.draft()
        workload.approve()
        workload.ingest()  # exports first: nothing is waiting yet
        workload.export()  # a second bundle, not taken in
    finally:
        workload.close()
    expected = Expectations()
    for line in capsys.readouterr().out.splitlines():
        expected.take(line)
    checker = KillChecker(site.data_dir, site.hq_dir, site.station_id, site.password,
                          site.hq_passphrase)
    assert checker.check(expected) == []
    final_id = next(iter(expected.finals))
    draft_id, (step, answers) = next(iter(expected.drafts.items()))

    def problems_with(change) -> str:
        altered = Expectations(dict(expected.finals), set(expected.approved),
                               dict(expected.drafts), set(expected.exported),
                               set(expected.ingested), set(expected.applied),
                               expected.roster_people)
        change(altered)
        return " ".join(checker.check(altered))

    assert "was lost" in problems_with(
        lambda e: e.finals.update({"6c1d9a52-0f3e-4b7a-8d21-5e9f3a7b0c44": "0" * 64}))
    assert f"Finalised interview {final_id} changed" in problems_with(
        lambda e: e.finals.update({final_id: "1" * 64}))
    assert f"Interview {draft_id} lost the answers observer_name" in problems_with(
        lambda e: e.drafts.update({draft_id: (step, {**answers, "observer_name": "X"})}))
    assert "reported ingested but headquarters does not hold it" in problems_with(
        lambda e: e.ingested.add("9b2e0c41-7d3a-4f5e-8a6b-1c2d3e4f5a6b"))

    # A bundle row committed without the records it counted: half-ingested.
    (waiting,) = expected.exported - expected.ingested
    path = next(outbox_folder(site.data_dir).glob(f"*-{waiting[:8]}{bundles.SUFFIX}"))
    header = bundles.read_header(path).header
    hq = Headquarters.open(site.hq_dir, site.hq_passphrase)
    try:
        with hq.store.transaction():
            hq.store.insert_bundle(BundleRow(
                header.bundle_id, site.station_id, header.kind, path.name,
                "2026-11-27T10:00:00.000Z", "file", header.created_at,
                dict(header.fields["counts"]), {}))
    finally:
        hq.close()
    assert f"Bundle {waiting} is half-ingested" in " ".join(checker.check(expected))
