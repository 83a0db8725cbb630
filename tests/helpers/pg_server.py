"""A real PostgreSQL server for the tests: started in a temporary folder, or one named by URL.

`CRMBID_TEST_DATABASE_URL` (a postgresql:// address of a database whose user may create
databases) uses an existing server. Otherwise `initdb` makes a cluster in a temporary folder
and `pg_ctl` starts it on 127.0.0.1 on a free port, trusting local connections only. PostgreSQL
refuses to run as root, so under root (CI containers) the cluster belongs to an unprivileged
user (`postgres`, or `nobody`) and its commands run through `runuser`.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

URL_ENV = "CRMBID_TEST_DATABASE_URL"


def _bin_dir() -> Path:
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), reverse=True)
    if not candidates:
        raise RuntimeError(
            "PostgreSQL is not installed (no pg_ctl): install Debian's postgresql package, "
            f"or set {URL_ENV} to a server the tests may use."
        )
    return Path(candidates[0]).parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _as_unprivileged(bin_dir: Path) -> list[str]:
    """The prefix that runs PostgreSQL's commands as someone other than root ([] when not root).

    `runuser` to the `postgres` (or `nobody`) account where that account can run them; where it
    cannot (a sandbox whose root folder only root may enter) a user namespace in which this
    process is an ordinary user, which still reaches every file root owns.
    """
    if os.name != "posix" or os.geteuid() != 0:
        return []
    import pwd

    probe = [str(bin_dir / "initdb"), "--version"]
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            prefix = ["runuser", "-u", name, "--"]
            if subprocess.run([*prefix, *probe], capture_output=True).returncode == 0:
                return prefix
    prefix = ["unshare", "--user", "--map-user=1000", "--map-group=1000"]
    if subprocess.run([*prefix, *probe], capture_output=True).returncode == 0:
        return prefix
    raise RuntimeError("running as root, and PostgreSQL cannot be run as another user here")


@dataclass
class TestServer:
    """A running server: `url(database)` gives a postgresql:// address on it."""

    __test__ = False  # a helper, not a test class

    host: str
    port: int
    user: str
    admin_database: str
    _stop: list[object]

    def url(self, database: str) -> str:
        return f"postgresql://{self.user}@{self.host}:{self.port}/{database}"

    def admin(self, sql: str) -> None:
        """Run one statement as the server's user, outside a transaction (CREATE DATABASE)."""
        import psycopg

        with psycopg.connect(
            host=self.host,
            port=self.port,
            user=self.user,
            dbname=self.admin_database,
            autocommit=True,
        ) as connection:
            connection.execute(sql)


@contextlib.contextmanager
def running_server() -> Iterator[TestServer]:
    """The server the tests use, for as long as the block runs."""
    url = os.environ.get(URL_ENV, "").strip()
    if url:
        from urllib.parse import urlsplit

        parts = urlsplit(url)
        yield TestServer(
            parts.hostname or "127.0.0.1",
            parts.port or 5432,
            parts.username or os.environ.get("USER", "postgres"),
            parts.path.lstrip("/") or "postgres",
            [],
        )
        return
    bin_dir = _bin_dir()
    prefix = _as_unprivileged(bin_dir)
    folder = Path(tempfile.mkdtemp(prefix="crmbid-pg-"))
    data = folder / "data"
    port = _free_port()

    def run(*command: str) -> None:
        done = subprocess.run([*prefix, *command], capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"{command[0]} failed: {done.stdout}{done.stderr}")

    if prefix[:1] == ["runuser"]:
        shutil.chown(folder, user=prefix[2])
    user = "crmbid"
    run(str(bin_dir / "initdb"), "-D", str(data), "-U", user, "-A", "trust", "-E", "UTF8",
        "--no-sync")  # fmt: skip
    options = f"-h 127.0.0.1 -p {port} -k {folder} -F"
    run(str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(folder / "log"),
        "-w", "start")  # fmt: skip
    try:
        yield TestServer("127.0.0.1", port, user, "postgres", [])
    finally:
        with contextlib.suppress(RuntimeError):
            run(str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(folder, ignore_errors=True)
