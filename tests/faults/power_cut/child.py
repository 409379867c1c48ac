"""A command of the program as the power-cut tests' child runs it: the suite's quick
password settings (as tests/conftest.py and the kill workload use), then the command line.

    python -m tests.faults.power_cut.child --data-dir D interview record ...

Headquarters' module is patched only for an `hq` command: importing it takes two seconds,
most of a station command's time.
"""

import sys


def main(argv: list[str]) -> int:
    from argon2 import PasswordHasher

    from screening_app.cli import run
    from screening_app.pki import sealed
    from screening_app.services import accounts

    quick = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
    sealed.ARGON2 = {"time_cost": 1, "memory_cost": 64, "parallelism": 1}
    accounts._hasher = quick
    if argv[:1] == ["hq"]:
        from screening_app.hq import headquarters

        headquarters._operator_hasher = quick
    return run(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
