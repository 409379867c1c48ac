"""Hypothesis profiles for the fuzz tests, chosen by SCREENING_FUZZ_PROFILE.

"ci" (the default) keeps every fuzz test together under about 40 seconds, so the suite
stays quick; "long" runs a thousand and more examples per test for the longer benchmark
form (benches/fuzz_long.py). Tests scale their own example counts from the loaded profile
with ``examples(share)``, so a test whose every example signs or renders a PDF runs fewer
examples than one that only parses text, in both profiles.
"""

import os

import pytest
from hypothesis import HealthCheck, settings

from screening_app.protocol.examples import complete_answers
from tests.hq.conftest import (  # noqa: F401 - headquarters' fixtures, for its intake's fuzz tests
    ca_folder,
    hq,
    hq_folder,
    hq_key,
    linked,
    quick_operator_hashing,
    records_station,
)


@pytest.fixture
def hq_database():
    """Headquarters' intake is fuzzed on SQLite (the tests compare its tables' bytes before
    and after); the HQ suite runs the same intake on PostgreSQL."""
    return None


PROFILE_ENV = "SCREENING_FUZZ_PROFILE"
# One station per test function (making one per example would take most of the time), so
# function-scoped fixtures are meant; and generated files are large on purpose.
_SHARED = dict(
    deadline=None,
    derandomize=False,
    print_blob=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.data_too_large, HealthCheck.large_base_example,
                           HealthCheck.filter_too_much],
)

settings.register_profile("ci", max_examples=30, **_SHARED)
settings.register_profile("long", max_examples=1200, **_SHARED)
settings.load_profile(os.environ.get(PROFILE_ENV, "ci"))


@pytest.fixture
def syncing_station(roster_station, headquarters):
    """The roster station trusting the fake headquarters (tests/conftest.py), with one
    finalised interview."""
    services = roster_station.services
    services.sync.trust_headquarters(roster_station.admin, headquarters.public_file)
    services.transcription.record(roster_station.interviewer, "NK-100001",
                                  {"answers": complete_answers("enlist")}, "paper.json")
    return roster_station
