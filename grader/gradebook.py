"""Where a cohort's nbgrader gradebook lives: a SQLite file (default) or a PostgreSQL database.

nbgrader's gradebook is SQLAlchemy, so ``--gradebook postgresql://user@host/db`` (or the
``ACADEMY_GRADEBOOK`` environment variable) puts a cohort's grades on a database server, for
larger cohorts and for trainers on several machines; ``--gradebook PATH`` names another SQLite file.
The course folder (``--course``) still holds the notebooks: ``submitted/``, ``autograded/`` …

Parallel autograding gives each worker a private SQLite copy of the gradebook (see
:mod:`grader.autograding`); :func:`snapshot` makes that copy from either kind of database, and the
workers' results are merged back into the real one through nbgrader's Gradebook API.
"""
from __future__ import annotations

import os
import sqlite3
from pathlib import Path

ENV = "ACADEMY_GRADEBOOK"


def from_cli(value: str | None) -> str | None:
    """``--gradebook`` as given, else $ACADEMY_GRADEBOOK (commands only; the library never reads it)."""
    return value or os.environ.get(ENV) or None


def resolve(value: str | None, course_root: Path) -> str:
    """A SQLAlchemy URL: the given URL or SQLite path, else COURSE/gradebook.db."""
    if not value:
        return f"sqlite:///{(Path(course_root) / 'gradebook.db').resolve()}"
    if "://" not in value:
        return f"sqlite:///{Path(value).resolve()}"
    for plain in ("postgres://", "postgresql://"):
        # the driver the lock pins (psycopg2-binary); SQLAlchemy 2.1 alone would pick psycopg 3
        if value.startswith(plain):
            value = "postgresql+psycopg2://" + value[len(plain):]
    return value


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite:")


def sqlite_path(url: str) -> Path | None:
    return Path(url[len("sqlite:///"):]) if url.startswith("sqlite:///") else None


def shown(url: str) -> str:
    """The URL with any password hidden, for messages."""
    try:
        from sqlalchemy.engine import make_url

        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - only for display
        return url.split("@")[-1]


def exists(url: str) -> bool:
    """Does the gradebook hold nbgrader's tables (a course was started there)?"""
    path = sqlite_path(url)
    if path is not None:
        return path.exists()
    from sqlalchemy import create_engine, inspect

    engine = create_engine(url)
    try:
        return "submitted_assignment" in inspect(engine).get_table_names()
    except Exception:  # noqa: BLE001 - unreachable server: the caller says what to do
        return False
    finally:
        engine.dispose()


def check_reachable(url: str) -> str | None:
    """None, or a message saying why the database cannot be used."""
    if is_sqlite(url):
        return None
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as con:
            con.execute(text("SELECT 1"))
        return None
    except Exception as exc:  # noqa: BLE001
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return (f"Cannot open the gradebook database {shown(url)}: {first}. Check that the server "
                "runs, the database exists and the user may log in (createdb / CREATE DATABASE).")
    finally:
        engine.dispose()


def snapshot(url: str, dest: Path) -> None:
    """A consistent SQLite copy of the gradebook at ``url`` (SQLite or another database)."""
    path = sqlite_path(url)
    if path is not None:
        with sqlite3.connect(path) as src, sqlite3.connect(dest) as dst:
            src.backup(dst)
        return
    import nbgrader.api as nbapi
    from sqlalchemy import create_engine, text

    source = create_engine(url)
    target = create_engine(f"sqlite:///{dest}")
    try:
        nbapi.Base.metadata.create_all(bind=target)
        with source.connect() as src, target.begin() as dst:
            if source.dialect.name == "postgresql":  # one consistent view of every table
                src.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"))
            for table in nbapi.Base.metadata.sorted_tables:
                rows = [dict(r._mapping) for r in src.execute(table.select())]
                if rows:
                    dst.execute(table.insert(), rows)
            version = src.execute(text("SELECT version_num FROM alembic_version")).scalar()
            dst.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
            dst.execute(text("INSERT INTO alembic_version (version_num) VALUES (:v)"), {"v": version})
    finally:
        source.dispose()
        target.dispose()
