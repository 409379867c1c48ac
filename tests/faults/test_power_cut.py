"""Power cuts in the middle of the station's and headquarters' work lose nothing the
program reported done: each operation (finalising an interview, importing a roster,
changing a password, countersigning, exporting and applying bundles, exporting the
lists, a backup and a restore, a refused sign-in, intake at headquarters) runs as a
child of the program on the power-cut file system (tests/faults/power_cut), and the
power goes before one of its fsyncs or right after it ended; then the disk holds only
what was made durable, and the checks of tests/faults/power_cut/operations.py must all
pass. Finalising and the key change are cut at every fsync; the others after they end
and at one fsync drawn at random; the kill test's workload is cut at a random write,
the lost writes torn.

benches/bench_power_cut.py cuts every operation at every fsync, and the workload many
times. (About 50 s here: each cut is a child process of the program, forked from this
one so that it need not import the program again.)
"""

import random

import pytest

from tests.faults.power_cut import operations
from tests.faults.power_cut.harness import require_fuse

SEED = 20261204
EVERY_FSYNC = ("finalise", "key-change")
WORKLOAD_CUTS = 4


@pytest.fixture(scope="module")
def prepared(tmp_path_factory, test_keys):
    require_fuse()
    return operations.prepare(tmp_path_factory.mktemp("power-cut") / "prepared", test_keys)


def _assert_whole(result: operations.CutResult) -> None:
    assert result.problems == [], result.describe()


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(operations.OPERATIONS))
def test_a_power_cut_loses_nothing_the_operation_reported_done(name, prepared, tmp_path):
    operation = operations.OPERATIONS[name]
    ended = operations.cut_operation(prepared, operation, tmp_path / "after", None)
    _assert_whole(ended)
    assert ended.run.code == operation.expected_code, ended.describe()
    fsyncs = ended.counts["fsync"]
    assert fsyncs >= 2, f"{name} made {fsyncs} fsyncs: nothing it writes would be durable"
    if name in EVERY_FSYNC:
        boundaries = range(1, fsyncs + 1)
    else:
        boundaries = [random.Random(f"{SEED}-{name}").randint(1, fsyncs)]
    for cut_before in boundaries:
        result = operations.cut_operation(prepared, operation, tmp_path / f"cut-{cut_before}",
                                          ("fsync", cut_before))
        _assert_whole(result)
        assert result.run.cut, f"{name} ended before fsync {cut_before} of {fsyncs}"


@pytest.mark.slow
def test_a_power_cut_at_a_random_write_of_the_workload_loses_nothing(prepared, tmp_path):
    rng = random.Random(SEED)
    committed = []
    for number in range(WORKLOAD_CUTS):
        result = operations.cut_workload(prepared, tmp_path / f"cut-{number}",
                                         child_seed=rng.randrange(2**32),
                                         writes=rng.randint(1, 2000),
                                         torn_seed=rng.randrange(2**32))
        _assert_whole(result)
        committed += [line for line in result.run.lines
                      if line.split(" ", 1)[0] in ("DRAFT", "FINAL", "APPROVED", "ROSTER")]
    # The cuts came after commits the children reported, which the checks then found.
    assert committed
