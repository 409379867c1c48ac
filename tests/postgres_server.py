"""A throwaway PostgreSQL server for the tests: a cluster made with Debian's ``initdb`` in a
temporary folder, listening on 127.0.0.1 and a free port, started once per test session and
removed at its end. Each test that asks for one gets a database of its own.

Durability settings are off (fsync, full page writes): the cluster is thrown away, and the
tests are about what headquarters stores, not about PostgreSQL surviving a power cut.
When the machine has no PostgreSQL, ``PostgresServer.find`` says why, and the tests skip
with that reason (``.ci/run`` installs Debian's ``postgresql`` package).
"""

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import psycopg

SUPERUSER = "postgres"
_numbers = itertools.count(1)


def _binaries() -> Path | None:
    found = shutil.which("initdb")
    if found:
        return Path(os.path.realpath(found)).parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                      key=lambda p: int(Path(p).parent.parent.name))
    return Path(versions[-1]).parent if versions else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PostgresServer:
    def __init__(self, binaries: Path):
        self.binaries = binaries
        self.folder = Path(tempfile.mkdtemp(prefix="screening-pg-"))
        self.data = self.folder / "data"
        self.port = _free_port()
        # initdb and postgres refuse to run as root: run them as Debian's postgres account.
        self._as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self._as:
            shutil.chown(self.folder, "postgres", "postgres")

    @classmethod
    def find(cls) -> "tuple[PostgresServer | None, str]":
        binaries = _binaries()
        if binaries is None:
            return None, ("PostgreSQL is not installed (Debian: apt-get install postgresql);"
                          " .ci/run installs it")
        return cls(binaries), ""

    def _run(self, *command: str) -> None:
        subprocess.run([*self._as, *command], check=True, capture_output=True, timeout=120,
                       cwd=self.folder)

    def start(self) -> None:
        self._run(str(self.binaries / "initdb"), "-D", str(self.data), "-U", SUPERUSER,
                  "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8")
        options = (f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.folder}"
                   " -c fsync=off -c full_page_writes=off -c synchronous_commit=off"
                   " -c max_connections=200")
        self._run(str(self.binaries / "pg_ctl"), "-D", str(self.data), "-o", options,
                  "-l", str(self.folder / "server.log"), "-w", "-t", "60", "start")

    def stop(self) -> None:
        try:
            self._run(str(self.binaries / "pg_ctl"), "-D", str(self.data), "-m", "immediate",
                      "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """The address of a new, empty database."""
        name = f"hq_test_{os.getpid()}_{next(_numbers)}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return self.url(name)

    def psql(self, url: str, sql: str) -> str:
        """What ``psql`` prints for ``sql`` (unaligned, no headers): the way an outside
        reader sees the database."""
        return subprocess.run(
            [str(self.binaries / "psql"), "-X", "-q", "-A", "-t", "-d", url, "-c", sql],
            check=True, capture_output=True, text=True, timeout=60).stdout
