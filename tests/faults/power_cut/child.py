"""A command of the program as the power-cut tests' child runs it: the suite's quick
password settings (as tests/conftest.py and the kill workload use), then the command line.

    python -m tests.faults.power_cut.child --data-dir D interview record ...
"""

import sys

from tests.faults.kill_workload import use_fast_test_settings


def main(argv: list[str]) -> int:
    use_fast_test_settings()
    from screening_app.cli import run

    return run(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
