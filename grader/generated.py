"""nbgrader's generated assignments, made once per version of their inputs and reused.

``nbgrader generate_assignment`` turns an assignment's source (``solutions/<a>/``, with solutions
and hidden tests) into what learners get (``release/<a>/``) and records the grading model in
the gradebook: the notebooks, their grade, solution and task cells with points, and the source
and checksum of every locked cell, which autograding restores. It takes 1-2 s (it loads
nbgrader, nbconvert and nbformat, and commits every cell on its own), and what it makes depends
only on its inputs. So it runs once per version of them, into
``build/generated/<assignment>-<digest>/`` (``release/<assignment>/`` and a ``gradebook.db`` that
holds only that assignment), and a cohort's release copies from there (:func:`install`):

* **the grading model**: a gradebook without the assignment gets its rows, copied in one
  transaction with fresh ids; a gradebook that has it with the same notebooks and cells is left
  as it is (nbgrader would rewrite the same values). A gradebook whose model differs (the
  source changed after an earlier release), or that does not hold nbgrader's tables yet, is
  handed to nbgrader's own ``generate_assignment``, with its rules (no cell added or removed
  once learners have submitted);
* **the release**: ``release/<assignment>/`` is replaced by the generated one.

The digest covers everything the output depends on: every file of the assignment's source
folder (names and bytes), ``nbgrader_config.py``, the ``grader`` package's code (its
preprocessors run inside generate) and ``requirements.lock`` (nbgrader's version). A change to
any of them makes a new folder; an interrupted run leaves none (each is made in a scratch folder
and renamed into place), and an assignment's older versions go once unused for a week. Each
generate starts from a copy of an empty gradebook nbgrader made once per pinned environment
(nbgrader stamps a new gradebook by running its ``alembic`` program, 1-3 s).
``$ACADEMY_GENERATED`` puts the folders elsewhere. They hold hidden tests, so each is open to
its owner only (0700); the grading sandbox does not mount ``build/``.

``tests/test_generated.py`` checks that a cohort's gradebook and release made this way hold
exactly what nbgrader's ``generate_assignment`` writes, and that stock nbgrader grades them alike.
"""
from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from pathlib import Path

from .course import KEEP_UNUSED_S, BuildError, cache_dir, digest, generated  # noqa: F401 - the cache itself
from .i18n import _

# nbgrader's tables that hold an assignment's grading model, parents first
MODEL_TABLES = ("assignment", "notebook", "base_cell", "grade_cells", "solution_cells", "task_cells",
                "source_cell")


# --------------------------------------------------------------------------- the grading model
def _tables(engine):
    from sqlalchemy import MetaData

    meta = MetaData()
    meta.reflect(bind=engine, only=[*MODEL_TABLES, "course", "alembic_version"])
    return meta.tables


def _model_rows(con, t, assignment: str) -> dict[str, list[dict]] | None:
    """The assignment's rows in each model table, or None when the gradebook lacks it."""
    from sqlalchemy import select

    a = con.execute(select(t["assignment"]).where(t["assignment"].c.name == assignment)).mappings().first()
    if a is None:
        return None
    nbs = [dict(r) for r in con.execute(select(t["notebook"]).where(t["notebook"].c.assignment_id == a["id"])).mappings()]
    nb_ids = [n["id"] for n in nbs]
    cells = [dict(r) for r in con.execute(select(t["base_cell"]).where(t["base_cell"].c.notebook_id.in_(nb_ids))).mappings()]
    cell_ids = [c["id"] for c in cells]
    out = {"assignment": [dict(a)], "notebook": nbs, "base_cell": cells}
    for k in ("grade_cells", "solution_cells", "task_cells"):
        out[k] = [dict(r) for r in con.execute(select(t[k]).where(t[k].c.id.in_(cell_ids))).mappings()]
    out["source_cell"] = [dict(r) for r in con.execute(
        select(t["source_cell"]).where(t["source_cell"].c.notebook_id.in_(nb_ids))).mappings()]
    return out


def model(rows: dict[str, list[dict]]) -> dict[str, list[tuple]]:
    """The grading model without ids: each row by the names it belongs to (notebook, cell), for
    comparing two gradebooks. The assignment row's own values (a due date a trainer set) are not
    part of it: nbgrader's generate_assignment keeps them."""
    nb = {n["id"]: n["name"] for n in rows["notebook"]}
    cell = {c["id"]: (nb[c["notebook_id"]], c["name"], c["type"]) for c in rows["base_cell"]}

    def plain(r: dict, drop=("id", "notebook_id")) -> tuple:
        return tuple(sorted((k, v) for k, v in r.items() if k not in drop))

    out = {"notebook": sorted(plain(n, ("id", "assignment_id")) for n in rows["notebook"]),
           "base_cell": sorted(cell.values()),
           "source_cell": sorted((nb[s["notebook_id"]],) + plain(s) for s in rows["source_cell"])}
    for k in ("grade_cells", "solution_cells", "task_cells"):
        out[k] = sorted(cell[r["id"]] + plain(r) for r in rows[k])
    return out


def install(assignment: str, made: Path, db_url: str) -> str:
    """Put the grading model of ``made`` (a :func:`generated` folder) into the gradebook at
    ``db_url``. Returns what happened: "copied" (the gradebook lacked the assignment, or did not
    exist: a SQLite one is then the generated one itself), "same" (it holds the same model), or
    "differs" / "not a gradebook yet" (nothing was written: let nbgrader's generate_assignment
    do it, see the module's docstring)."""
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    from .gradebook import sqlite_path

    file = sqlite_path(db_url)
    if file is not None and not file.exists():
        file.parent.mkdir(parents=True, exist_ok=True)
        tmp = file.with_name(f".{file.name}.{os.getpid()}.tmp")
        shutil.copyfile(made / "gradebook.db", tmp)
        os.replace(tmp, file)
        return "copied"
    from sqlalchemy.exc import SQLAlchemyError

    src_engine = create_engine(f"sqlite:///{made / 'gradebook.db'}", poolclass=NullPool)
    dst_engine = create_engine(db_url, poolclass=NullPool)
    try:
        return _install(assignment, src_engine, dst_engine)
    except SQLAlchemyError as exc:  # unreachable, locked, or a release of it running at the same time
        from .gradebook import shown

        why = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        raise BuildError(_("Could not record {assignment} in the gradebook {gradebook}: {why}").format(
            assignment=assignment, gradebook=shown(db_url), why=why)) from None
    finally:
        src_engine.dispose()
        dst_engine.dispose()


def _install(assignment: str, src_engine, dst_engine) -> str:
    from sqlalchemy import select

    from .gradebook import SCHEMA_REVISION

    src_t, dst_t = _tables(src_engine), _tables(dst_engine)
    if not all(k in dst_t for k in (*MODEL_TABLES, "course", "alembic_version")):
        return "not a gradebook yet"
    with src_engine.connect() as con:
        rows = _model_rows(con, src_t, assignment)
        course = con.execute(select(src_t["course"])).mappings().all()
    with dst_engine.begin() as con:
        revision = con.execute(select(dst_t["alembic_version"].c.version_num)).scalar()
        if revision != SCHEMA_REVISION or any(
                {c.name for c in src_t[k].columns} != {c.name for c in dst_t[k].columns} for k in MODEL_TABLES):
            return "differs"
        have = _model_rows(con, dst_t, assignment)
        if have is not None:
            return "same" if model(have) == model(rows) else "differs"
        known = {r[0] for r in con.execute(select(dst_t["course"].c.id))}
        for c in course:
            if c["id"] not in known:
                con.execute(dst_t["course"].insert().values(**c))
        new = {}  # nbgrader's ids are uuid4().hex; the copies get their own

        def renamed(value):
            if value not in new:
                new[value] = uuid.uuid4().hex
            return new[value]

        for k in MODEL_TABLES:
            fresh = [{c: (renamed(v) if c == "id" or (c.endswith("_id") and c != "course_id") else v)
                      for c, v in r.items()} for r in rows[k]]
            if fresh:
                con.execute(dst_t[k].insert(), fresh)
    return "copied"


def copy_release(assignment: str, made: Path, release_dir: Path) -> None:
    """Replace ``release_dir/<assignment>`` with the generated release."""
    dest = release_dir / assignment
    release_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{assignment}-", dir=release_dir))
    try:
        shutil.copytree(made / "release" / assignment, tmp / assignment)
        if dest.exists():
            shutil.rmtree(dest)
        os.rename(tmp / assignment, dest)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
