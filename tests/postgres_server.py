"""Debian's PostgreSQL, started for one test in a temporary folder (installed by `make`).

The server runs from /usr/lib/postgresql/<version>/bin, with its data folder and socket in a fresh
folder under /tmp, listening on 127.0.0.1 at a free port, password authentication for one user.
PostgreSQL refuses to run as root; as root it runs as the ``postgres`` user Debian's package
creates. It is stopped (fast shutdown) and its folder removed when the block ends.
"""
from __future__ import annotations

import contextlib
import glob
import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from academy_testing import free_port


def bindir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parts[4]) if Path(p).parts[4].isdigit() else 0)
    return Path(found[-1]).parent if found else None


def _as_user(user: str | None):
    if user is None:
        return None
    pw = pwd.getpwnam(user)

    def demote():
        os.setgid(pw.pw_gid)
        os.setuid(pw.pw_uid)
    return demote


@contextlib.contextmanager
def postgres_server(database: str = "cohort"):
    """Yields a SQLAlchemy URL ``postgresql://academy:…@127.0.0.1:PORT/<database>``."""
    import psycopg2

    bins = bindir()
    if bins is None:
        raise RuntimeError("Debian's PostgreSQL is missing: run `make postgres` (apt-get install postgresql)")
    user = "postgres" if os.geteuid() == 0 else None
    base = Path(tempfile.mkdtemp(prefix="academy-pg-"))
    password = secrets.token_hex(12)
    (base / "pw").write_text(password)
    if user:
        pw = pwd.getpwnam(user)
        for p in (base, base / "pw"):
            os.chown(p, pw.pw_uid, pw.pw_gid)
    env = {"PATH": f"{bins}:/usr/bin:/bin", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}
    subprocess.run([str(bins / "initdb"), "-D", str(base / "data"), "-U", "academy", "--auth=scram-sha-256",
                    f"--pwfile={base / 'pw'}", "-E", "UTF8", "--no-sync"], check=True, capture_output=True,
                   env=env, preexec_fn=_as_user(user), cwd=base)
    port = free_port()
    log = open(base / "server.log", "wb")
    proc = subprocess.Popen([str(bins / "postgres"), "-D", str(base / "data"), "-h", "127.0.0.1",
                             "-p", str(port), "-k", str(base), "-c", "fsync=off"],
                            stdout=log, stderr=subprocess.STDOUT, env=env, preexec_fn=_as_user(user),
                            cwd=base)
    try:
        deadline = time.time() + 60
        while True:
            try:
                con = psycopg2.connect(host="127.0.0.1", port=port, user="academy", password=password,
                                       dbname="postgres")
                break
            except psycopg2.OperationalError:
                if proc.poll() is not None or time.time() > deadline:
                    raise RuntimeError("PostgreSQL did not start:\n" + (base / "server.log").read_text())
                time.sleep(0.2)
        con.autocommit = True
        with con.cursor() as cur:
            cur.execute(f'CREATE DATABASE "{database}"')
        con.close()
        yield f"postgresql://academy:{password}@127.0.0.1:{port}/{database}"
    finally:
        proc.send_signal(2)  # SIGINT: fast shutdown
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
        shutil.rmtree(base, ignore_errors=True)
