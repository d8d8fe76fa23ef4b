"""The one place that reads nbgrader's gradebook: bulk queries into rows or pandas tables.

Everything the trainer's tools read from the gradebook (the grade table behind export, report
and demo, nbgrader's CSV export, the roster, per-submission totals for tracks, progress and
certificates) comes from here, in a few bulk queries per table (never one per learner), written
with SQLAlchemy Core over nbgrader's own tables, so a score means exactly what nbgrader means:

* a grade's **score** is nbgrader's ``Grade.score`` expression: the manual score when a trainer
  gave one, else the autograder's, plus any extra credit; 0 when neither is set;
* a grade's **max_score** is its grade cell's (or task cell's) points, as ``Grade.max_score``;
* a submission's **score** is the sum of its grades (``SubmittedAssignment.score``), its
  **max_score** the assignment's points (``Assignment.max_score``), its late penalty the sum of
  its notebooks' (``SubmittedAssignment.late_submission_penalty``), and it **needs manual
  grading** while any of its grades does (``SubmittedAssignment.needs_manual_grade``).

The database is given as a URL (``sqlite:///…/gradebook.db``, ``postgresql://…``) or a
path to a SQLite file. Like nbgrader's own queries, these read every course in the database.
Reading never writes: a SQLite gradebook is opened read-only, and a missing file, a database
that is not an nbgrader gradebook (or not of the schema read here) or an unknown assignment or
learner raises :class:`GradebookError` with a message that says what to do. Nothing is swallowed.

nbgrader's tables are read as the database has them (their columns are read from the database
when it is opened), never through :mod:`nbgrader.api`, whose import brings nbgrader's server
extensions, nbconvert and the ORM (1-2 s): ``academy progress``, ``candidates``, ``verify`` and
``export`` answer in under a second. nbgrader's definitions of a grade's score, an assignment's
points and a submission's totals are written out once here (:func:`_grade_score`,
:func:`_assignment_points`, :meth:`Gradebook.submission_rows`, :meth:`Gradebook.export_rows`);
they are guarded twice: a gradebook whose schema revision is not :data:`SCHEMA_REVISION`, or
that lacks a column read here, is refused with a message that says so, and
``tests/test_gradebook.py`` checks every value against nbgrader's own ORM objects (and the CSV
export against nbgrader's own exporter, byte for byte).

Two ways of reading, so a command pays only for what it asks:

* **Rows** (:meth:`Gradebook.learner_rows`, :meth:`~Gradebook.assignment_rows`,
  :meth:`~Gradebook.notebook_names`, :meth:`~Gradebook.submission_rows`,
  :meth:`~Gradebook.export_rows`): plain named tuples, dicts or names. They load no pandas.
* **Tables** (everything else): pandas DataFrames.

Tables are pandas DataFrames whose id columns (learner, assignment, notebook, question) are
categoricals: a cohort of 10,000 learners × 100 questions is a million rows, and categories keep
them at a few bytes each. The roster's learners are written here too (:meth:`Gradebook.set_learners`);
other writers go through nbgrader's own :class:`~nbgrader.api.Gradebook`, opened with the course
id by :func:`open_nbgrader` (autograding, in :mod:`grader.autograding`, opens its own while it
writes grades).

Where a cohort's gradebook lives (the ``--gradebook`` option, ``$ACADEMY_GRADEBOOK``, default
``COURSE/gradebook.db``) is worked out here too (:func:`resolve`); for parallel autograding,
:func:`snapshot` makes each worker's private SQLite copy from either kind of database, and the
workers' results go back into the real one through nbgrader's Gradebook API.
"""
from __future__ import annotations

import contextlib
import difflib
import os
import re
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Iterator, NamedTuple
from urllib.parse import quote

from .i18n import N_, _, join

if TYPE_CHECKING:  # numpy and pandas load when a table is read: `import grader.tracks` stays light
    import numpy as np
    import pandas as pd


COURSE_ID = "call-center-academy"  # as in nbgrader_config.py

GRADE_COLUMNS = ["learner", "assignment", "notebook", "question", "score", "max_score", "auto_score",
                 "manual_score", "needs_manual_grade", "written"]
LEARNER_COLUMNS = ["learner", "first_name", "last_name", "email"]
SUBMISSION_COLUMNS = ["learner", "assignment", "score", "max_score", "needs_manual_grade"]
# nbgrader's CSV export columns (nbgrader.plugins.CsvExportPlugin), in its order
EXPORT_COLUMNS = ["assignment", "duedate", "timestamp", "student_id", "last_name", "first_name", "email",
                  "raw_score", "late_submission_penalty", "score", "max_score"]
_NEEDED_TABLES = {"assignment", "notebook", "base_cell", "grade_cells", "student",
                  "submitted_assignment", "submitted_notebook", "grade"}
_CHUNK = 5_000  # rows fetched at a time: little alive at once (and faster than big chunks)

# The schema revision (nbgrader's alembic ``version_num``) of the gradebooks the row reads below
# were written and checked for: nbgrader 0.9's head, "added course table and relationships".
# tests/test_gradebook.py fails when the installed nbgrader creates gradebooks of another revision.
SCHEMA_REVISION = "e43177bfe90b"
# The columns the row reads use, per table: checked against the database when it is opened.
_ROW_COLUMNS = {
    "student": ("id", "first_name", "last_name", "email"),
    "assignment": ("id", "name", "duedate"),
    "notebook": ("id", "name", "assignment_id"),
    "base_cell": ("id", "notebook_id", "name", "type"),
    "grade_cells": ("id", "max_score"),
    "task_cells": ("id", "max_score"),
    "submitted_assignment": ("id", "assignment_id", "student_id", "timestamp"),
    "submitted_notebook": ("id", "assignment_id", "notebook_id", "late_submission_penalty"),
    "grade": ("notebook_id", "cell_id", "auto_score", "manual_score", "extra_credit", "needs_manual_grade"),
}


class LearnerRow(NamedTuple):
    learner: str
    first_name: str | None
    last_name: str | None
    email: str | None


class AssignmentInfo(NamedTuple):
    assignment: str
    duedate: object  # a datetime, or None
    max_score: float  # nbgrader's Assignment.max_score


class Submission(NamedTuple):
    learner: str
    assignment: str
    score: float  # nbgrader's SubmittedAssignment.score
    max_score: float  # nbgrader's SubmittedAssignment.max_score
    needs_manual_grade: bool  # nbgrader's SubmittedAssignment.needs_manual_grade


class GradebookError(ValueError):
    """The gradebook cannot be read as asked; the message says why and what to do."""


# --------------------------------------------------------------------------- where it is
def database_url(value: str | Path) -> str:
    """A SQLAlchemy URL from a URL or a path to a SQLite file (made absolute). A plain
    ``postgresql://`` URL gets the driver the lock pins (psycopg2); SQLAlchemy 2.1 alone would
    pick psycopg 3, which is not installed."""
    text = str(value)
    if "://" not in text:
        return f"sqlite:///{Path(text).resolve()}"
    for plain in ("postgres://", "postgresql://"):
        if text.startswith(plain):
            text = "postgresql+psycopg2://" + text[len(plain):]
    return text


def _sqlite_file(url: str) -> Path | None:
    if not url.startswith("sqlite:"):
        return None
    rest = url[len("sqlite:///"):] if url.startswith("sqlite:///") else ""
    rest = rest.split("?", 1)[0]
    if not rest or rest == ":memory:":
        raise GradebookError(_("{url} is not a gradebook file: give sqlite:///PATH/gradebook.db").format(url=url))
    return Path(rest)


def _engine(url: str, write: bool = False):
    """An engine; read-only unless ``write``: SQLite files are opened with ``mode=ro`` (or ``rw``:
    never created either way)."""
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    file = _sqlite_file(url)
    if file is None:
        try:
            return create_engine(url, poolclass=NullPool)
        except ModuleNotFoundError as exc:
            raise GradebookError(_("Cannot open {url}: its database driver is not installed ({driver}); for "
                                   "PostgreSQL that is psycopg2-binary, pinned in requirements.lock.").format(
                url=_safe_url(url), driver=exc.name)) from None
        except Exception as exc:  # noqa: BLE001 - a malformed URL: say which and why, re-raise as ours
            raise GradebookError(_("{url} is not a database URL nbgrader can use: {error}").format(
                url=_safe_url(url), error=exc)) from None
    if not file.is_file():
        raise GradebookError(_("No nbgrader gradebook at {file}. Give the course folder where the "
                               "assignments were released and graded (it holds gradebook.db), or the "
                               "gradebook's path or database URL.").format(file=file))
    uri = f"file:{quote(str(file.resolve()))}?mode={'rw' if write else 'ro'}"
    return create_engine("sqlite://", creator=lambda: sqlite3.connect(uri, uri=True, timeout=30),
                         poolclass=NullPool)


def _safe_url(url: str) -> str:
    """The URL without its password, for messages."""
    return re.sub(r"//([^:/@]+):[^@/]*@", r"//\1:***@", url)


# --------------------------------------------------------------------------- reading
class Gradebook:
    """Bulk access to an nbgrader gradebook (reads, and the roster's learners). Use as a context
    manager or call close()."""

    def __init__(self, url: str | Path, *, write: bool = False):
        """``write``: open it for :meth:`set_learners` too (otherwise nothing can change it)."""
        self.url = database_url(url)
        self.writable = write
        self._engine = _engine(self.url, write)
        try:
            from sqlalchemy import inspect

            tables = set(inspect(self._engine).get_table_names())
        except Exception as exc:  # noqa: BLE001 - any driver's connection error, reported as ours
            self._engine.dispose()
            why = str(getattr(exc, "orig", None) or exc).splitlines()[0]
            if _sqlite_file(self.url) is not None:
                raise GradebookError(_("{file} is not an nbgrader gradebook ({why}). Give the gradebook.db "
                                       "of your course folder.").format(file=_sqlite_file(self.url), why=why)) from None
            raise GradebookError(_("Cannot read the gradebook at {url}: {why}").format(
                url=_safe_url(self.url), why=why)) from None
        missing = _NEEDED_TABLES - tables
        if missing:
            self._engine.dispose()
            raise GradebookError(_("{url} is not an nbgrader gradebook (no {tables} table). Give the "
                                   "gradebook.db of your course folder.").format(
                url=_safe_url(self.url), tables=", ".join(sorted(missing))))
        try:
            self._t = self._row_tables(tables)
        except BaseException:
            self._engine.dispose()
            raise

    def _row_tables(self, tables: set[str]) -> dict:
        """nbgrader's tables as this database has them (only the columns the row reads use),
        after checking its schema revision and that every such column is there."""
        from sqlalchemy import Column, MetaData, Table, inspect, text

        where = _safe_url(self.url)
        revision = None
        if "alembic_version" in tables:
            with self._engine.connect() as con:
                revision = con.execute(text("SELECT version_num FROM alembic_version")).scalar()
        if revision != SCHEMA_REVISION:
            raise GradebookError(_(
                "{url} has nbgrader schema revision {revision}, but grader.gradebook reads revision "
                "{expected} (nbgrader 0.9). A gradebook from an older nbgrader: upgrade it with "
                "`nbgrader db upgrade`. After upgrading nbgrader itself: check grader/gradebook.py's row "
                "reads against the new schema (tests/test_gradebook.py) and update SCHEMA_REVISION.").format(
                url=where, revision=revision or _("(none)"), expected=SCHEMA_REVISION))
        inspector, meta, out, lacking = inspect(self._engine), MetaData(), {}, []
        for name, wanted in _ROW_COLUMNS.items():
            have = {c["name"]: c["type"] for c in inspector.get_columns(name)} if name in tables else {}
            lacking += [f"{name}.{c}" for c in wanted if c not in have]
            out[name] = Table(name, meta, *(Column(c, have[c]) for c in wanted if c in have))
        if lacking:
            raise GradebookError(_("{url} lacks {columns}, which nbgrader 0.9's gradebook has: it was not "
                                   "made by the nbgrader this course pins. Upgrade it with `nbgrader db "
                                   "upgrade`.").format(url=where, columns=", ".join(lacking)))
        return out

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> "Gradebook":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ rows (no pandas, no ORM)
    def learner_rows(self) -> list[LearnerRow]:
        """Every learner (nbgrader's students), ordered as nbgrader lists them (last name, first
        name), then by id."""
        from sqlalchemy import select

        s = self._t["student"].c
        stmt = select(s.id, s.first_name, s.last_name, s.email).order_by(s.last_name, s.first_name, s.id)
        with self._engine.connect() as con:
            return [LearnerRow(str(r[0]), *r[1:]) for r in con.execute(stmt)]

    def set_learners(self, learners: Iterable[dict]) -> None:
        """Add or update learners (dicts with id, first_name, last_name, email) in one
        transaction: what nbgrader's ``Gradebook.update_or_create_student`` does for each, on the
        same ``student`` table (tests/test_gradebook.py compares the two), without starting
        nbgrader. The roster is the only thing this layer writes."""
        from sqlalchemy import select

        if not self.writable:
            raise GradebookError(_("This gradebook was opened for reading; open it with write=True."))
        t = self._t["student"]
        rows = [{k: l.get(k) for k in ("id", "first_name", "last_name", "email")} for l in learners]
        with self._engine.begin() as con:
            have = {r[0] for r in con.execute(select(t.c.id).where(t.c.id.in_([r["id"] for r in rows])))}
            for r in rows:
                if r["id"] in have:
                    con.execute(t.update().where(t.c.id == r["id"]).values(
                        first_name=r["first_name"], last_name=r["last_name"], email=r["email"]))
                else:
                    con.execute(t.insert().values(**r))

    def assignment_rows(self) -> list[AssignmentInfo]:
        """Every assignment with its due date and points (nbgrader's ``Assignment.max_score``), by name."""
        from sqlalchemy import select

        a = self._t["assignment"].c
        stmt = select(a.name, a.duedate, _assignment_points(self._t)).order_by(a.name)
        with self._engine.connect() as con:
            return [AssignmentInfo(r[0], r[1], float(r[2])) for r in con.execute(stmt)]

    def notebook_names(self, assignment: str) -> list[str]:
        """The names of an assignment's notebooks (as nbgrader's ``Assignment.notebooks``), sorted;
        [] for an assignment the gradebook does not have."""
        from sqlalchemy import select

        a, nb = self._t["assignment"].c, self._t["notebook"].c
        stmt = select(nb.name).join(self._t["assignment"], nb.assignment_id == a.id).where(a.name == assignment)
        with self._engine.connect() as con:
            return sorted(r[0] for r in con.execute(stmt))

    def submission_rows(self, *, learners: list[str] | None = None) -> list[Submission]:
        """One row per submitted assignment, as nbgrader's ``SubmittedAssignment`` has it: score
        (the sum of its grades' scores), max_score (the assignment's points), needs_manual_grade
        (while any of its grades does). Sorted by learner, then assignment. One query: grades are
        summed per submitted notebook first, then per submission."""
        from sqlalchemy import case, func, select

        if learners is not None:
            self.require_learners(learners)
        points = {a.assignment: a.max_score for a in self.assignment_rows()}
        t = self._t
        g, sn, sa, a = (t[k].c for k in ("grade", "submitted_notebook", "submitted_assignment", "assignment"))
        per_nb = select(g.notebook_id.label("nid"), func.sum(_grade_score(t)).label("score"),
                        # nbgrader's needs_manual_grade: an EXISTS over the grades, i.e. any of them
                        func.max(case((g.needs_manual_grade, 1), else_=0)).label("needs"))
        if learners is not None:
            per_nb = per_nb.where(g.notebook_id.in_(
                select(sn.id).join(t["submitted_assignment"], sn.assignment_id == sa.id)
                .where(sa.student_id.in_(learners))))
        per_nb = per_nb.group_by(g.notebook_id).subquery()
        stmt = (select(sa.student_id, a.name,
                       func.coalesce(func.sum(per_nb.c.score), 0.0), func.coalesce(func.max(per_nb.c.needs), 0))
                .select_from(t["submitted_assignment"])
                .join(t["assignment"], sa.assignment_id == a.id)
                .outerjoin(t["submitted_notebook"], sn.assignment_id == sa.id)
                .outerjoin(per_nb, per_nb.c.nid == sn.id)
                .group_by(sa.id, sa.student_id, a.name))
        if learners is not None:
            stmt = stmt.where(sa.student_id.in_(learners))
        with self._engine.connect() as con:
            rows = [Submission(str(lid), name, float(score), points[name], bool(needs))
                    for lid, name, score, needs in con.execute(stmt)]
        return sorted(rows, key=lambda r: (r.learner, r.assignment))

    def export_rows(self) -> list[dict[str, str]]:
        """nbgrader's grade export (``nbgrader export``'s CsvExportPlugin), row for row: one per
        assignment × learner, assignments by due date then name, learners as nbgrader lists them
        (last name, first name; then id). Keys are :data:`EXPORT_COLUMNS`; every value is a string
        as nbgrader writes it (``str()`` of the value, '' for none). A learner who submitted
        nothing gets '' as timestamp and 0.0 scores; ``score`` is the raw score less the late
        penalty, never below 0. Four queries, whatever the cohort's size (nbgrader's plugin makes
        one per learner and assignment); tests/test_gradebook.py compares the file with nbgrader's."""
        from sqlalchemy import func, select

        t = self._t
        a, s, sa, sn = (t[k].c for k in ("assignment", "student", "submitted_assignment", "submitted_notebook"))
        penalty = (select(sn.assignment_id.label("sid"),
                          func.coalesce(func.sum(sn.late_submission_penalty), 0.0).label("penalty"))
                   .group_by(sn.assignment_id).subquery())
        with self._engine.connect() as con:
            assignments = con.execute(select(a.name, a.duedate, _assignment_points(t))
                                      .order_by(a.duedate, a.name)).all()
            people = con.execute(select(s.id, s.last_name, s.first_name, s.email)
                                 .order_by(s.last_name, s.first_name, s.id)).all()
            done = {(str(lid), name): (ts, pen) for lid, name, ts, pen in con.execute(
                select(sa.student_id, a.name, sa.timestamp, func.coalesce(penalty.c.penalty, 0.0))
                .join(t["assignment"], sa.assignment_id == a.id)
                .outerjoin(penalty, penalty.c.sid == sa.id))}
        scores = {(r.learner, r.assignment): r.score for r in self.submission_rows()}

        def text(value) -> str:
            return "" if value is None else str(value)

        rows = []
        for name, due, points in assignments:
            for lid, last, first, email in people:
                key = (str(lid), name)
                ts, pen = done.get(key, ("", 0.0))
                raw, pen = (float(scores[key]), float(pen)) if key in done else (0.0, 0.0)
                rows.append(dict(zip(EXPORT_COLUMNS, map(text, (
                    name, due, ts, lid, last, first, email, raw, pen, max(0.0, raw - pen), float(points))))))
        return rows

    def require_assignments(self, names: Iterable[str]) -> None:
        """Refuse names the gradebook has no assignment for, suggesting close ones."""
        known = [a.assignment for a in self.assignment_rows()]
        for name in names:
            if name not in known:
                raise GradebookError(_unknown("assignment", name, known))

    def require_learners(self, ids: Iterable[str]) -> None:
        known = [p.learner for p in self.learner_rows()]
        for lid in ids:
            if lid not in known:
                raise GradebookError(_unknown("learner", lid, known))

    # ------------------------------------------------------------------ small tables
    def learners(self) -> pd.DataFrame:
        """:meth:`learner_rows` as a table: columns learner, first_name, last_name, email."""
        import pandas as pd

        return pd.DataFrame(self.learner_rows(), columns=LEARNER_COLUMNS, dtype=object).astype({"learner": str})

    def assignments(self) -> pd.DataFrame:
        """:meth:`assignment_rows` as a table: columns assignment, duedate, max_score."""
        import pandas as pd

        return pd.DataFrame(self.assignment_rows(), columns=["assignment", "duedate", "max_score"]).astype(
            {"max_score": float})

    # ------------------------------------------------------------------ big tables
    def grades(self, *, assignments: list[str] | None = None,
               learners: list[str] | None = None) -> pd.DataFrame:
        """One row per learner × assignment × question graded: the course's grade table.

        Columns: learner, assignment, notebook, question (the grade cell's name without the
        ``_test`` suffix), score, max_score, auto_score, manual_score (NaN when not set),
        needs_manual_grade, written (the grade cell is also a solution cell: a written answer a
        trainer marks, not a hidden test). Sorted by assignment, notebook, learner, question.
        ``assignments``/``learners`` limit the rows; an unknown name raises GradebookError.

        Three queries: the graded cells (a few hundred rows), the submitted notebooks (one per
        learner and notebook) and the grades themselves, read without joins in chunks straight
        from the database cursor and matched to the first two by id in pandas.
        """
        import numpy as np
        import pandas as pd
        from sqlalchemy import func, select

        if assignments is not None:
            self.require_assignments(assignments)
        if learners is not None:
            self.require_learners(learners)
        cells = self._cells(assignments)
        which = self._submitted_notebooks_query(assignments, learners)
        subs = self._submitted_notebooks(which)
        g = self._t["grade"].c
        stmt = select(g.notebook_id, g.cell_id,
                      _grade_score(self._t),  # nbgrader's Grade.score: manual, else auto, + extra credit
                      g.auto_score, g.manual_score, g.needs_manual_grade)
        if assignments is not None or learners is not None:
            stmt = stmt.where(g.notebook_id.in_(which.with_only_columns(self._t["submitted_notebook"].c.id)))
        with self._engine.connect() as con:  # to fill arrays made once, not lists of chunks
            n = con.execute(select(func.count()).select_from(stmt.subquery())).scalar_one()
        sub_at, cell_at = np.empty(n, dtype=np.int32), np.empty(n, dtype=np.int32)
        nums = {k: np.empty(n) for k in ("score", "auto_score", "manual_score")}
        needs = np.empty(n, dtype=bool)
        at = 0
        for chunk in self._chunks(stmt):
            k = len(chunk)
            if at + k > len(sub_at):  # grades added since the count (an autograde running)
                grow = lambda a: np.resize(a, at + k)  # noqa: E731
                sub_at, cell_at, needs = grow(sub_at), grow(cell_at), grow(needs)
                nums = {key: grow(v) for key, v in nums.items()}
            sub_at[at:at + k] = subs.index.get_indexer(chunk[:, 0])
            cell_at[at:at + k] = cells.index.get_indexer(chunk[:, 1])
            for i, key in enumerate(nums, start=2):
                nums[key][at:at + k] = chunk[:, i].astype(float)  # None -> NaN
            needs[at:at + k] = chunk[:, 5].astype(bool)
            at += k
        # grades of other assignments (when limited), or rows removed since the count, go
        keep = (sub_at[:at] >= 0) & (cell_at[:at] >= 0)
        if at < len(sub_at) or not keep.all():
            sub_at, cell_at, needs = sub_at[:at][keep], cell_at[:at][keep], needs[:at][keep]
            nums = {key: v[:at][keep] for key, v in nums.items()}
        ids = {"learner": subs.learner.array, "assignment": subs.assignment.array,
               "notebook": subs.notebook.array}
        order = np.lexsort([cells.question.array.codes[cell_at]]
                           + [ids[k].codes[sub_at] for k in ("learner", "notebook", "assignment")])
        # one column at a time in sorted order, each unsorted one let go as soon as it is done
        sub_at, cell_at = sub_at[order], cell_at[order]
        columns = {key: pd.Categorical.from_codes(v.codes[sub_at], dtype=v.dtype) for key, v in ids.items()}
        del sub_at
        columns["question"] = pd.Categorical.from_codes(cells.question.array.codes[cell_at],
                                                        dtype=cells.question.dtype)
        columns["max_score"] = cells.max_score.to_numpy(dtype=float)[cell_at]
        columns["written"] = cells.written.to_numpy(dtype=bool)[cell_at]
        del cell_at
        for key in list(nums):
            columns[key] = nums.pop(key)[order]
        columns["needs_manual_grade"] = needs[order]
        del needs, order
        return pd.DataFrame(columns, columns=GRADE_COLUMNS, copy=False)

    def _chunks(self, stmt) -> Iterator[np.ndarray]:
        """Rows of a big query as 2-D object arrays of up to _CHUNK rows.

        The statement is compiled by SQLAlchemy for the database and run on the driver's own
        cursor (a server-side one on PostgreSQL), so no per-row Python objects are made beyond
        the driver's tuples, and only one chunk of those is alive at a time.
        """
        import numpy as np

        dialect = self._engine.dialect
        compiled = stmt.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
        params = compiled.construct_params()
        if dialect.positional:
            params = tuple(params[k] for k in compiled.positiontup)
        with self._engine.connect() as con:
            raw = con.connection.dbapi_connection
            cursor = raw.cursor(name="academy_bulk_read") if dialect.name == "postgresql" else raw.cursor()
            try:
                cursor.execute(str(compiled), params)
                while True:
                    rows = cursor.fetchmany(_CHUNK)
                    if not rows:
                        break
                    yield np.array(rows, dtype=object).reshape(len(rows), -1)
            finally:
                cursor.close()

    def _cells(self, assignments: list[str] | None) -> pd.DataFrame:
        """Graded cells by id: assignment, notebook, question, max_score, written (categoricals
        ordered naturally, q1_2 before q1_10)."""
        import pandas as pd
        from sqlalchemy import and_, exists, func, or_, select

        t = self._t
        cell, gc, tc, nb, a = (t[k] for k in ("base_cell", "grade_cells", "task_cells", "notebook", "assignment"))
        sol = cell.alias("solution")
        written = exists().where(and_(sol.c.notebook_id == cell.c.notebook_id, sol.c.name == cell.c.name,
                                      sol.c.type == "SolutionCell"))  # nbgrader's polymorphic identity
        stmt = (select(cell.c.id, a.c.name, nb.c.name, cell.c.name,
                       func.coalesce(gc.c.max_score, tc.c.max_score, 0.0),  # as nbgrader's Grade.max_score
                       written)
                .select_from(cell)
                .join(nb, cell.c.notebook_id == nb.c.id)
                .join(a, nb.c.assignment_id == a.c.id)
                .outerjoin(gc, gc.c.id == cell.c.id)
                .outerjoin(tc, tc.c.id == cell.c.id)
                .where(or_(gc.c.id.is_not(None), tc.c.id.is_not(None))))
        if assignments is not None:
            stmt = stmt.where(a.c.name.in_(assignments))
        with self._engine.connect() as con:
            rows = con.execute(stmt).all()
        df = pd.DataFrame(rows, columns=["id", "assignment", "notebook", "question", "max_score", "written"])
        df["question"] = [str(q).removesuffix("_test") for q in df.question]
        for col in ("assignment", "notebook", "question"):
            df[col] = _natural_categorical(df[col])
        return df.astype({"max_score": float, "written": bool}).set_index("id")

    def _submitted_notebooks_query(self, assignments: list[str] | None, learners: list[str] | None):
        from sqlalchemy import select

        t = self._t
        sn, sa, nb, a = (t[k] for k in ("submitted_notebook", "submitted_assignment", "notebook", "assignment"))
        stmt = (select(sn.c.id, sa.c.student_id, sn.c.notebook_id)
                .select_from(sn)
                .join(sa, sn.c.assignment_id == sa.c.id))
        if assignments is not None:
            stmt = (stmt.join(nb, sn.c.notebook_id == nb.c.id)
                    .join(a, nb.c.assignment_id == a.c.id)
                    .where(a.c.name.in_(assignments)))
        if learners is not None:
            stmt = stmt.where(sa.c.student_id.in_(learners))
        return stmt

    def _submitted_notebooks(self, stmt) -> pd.DataFrame:
        """Submitted notebooks by id: learner, assignment, notebook (categoricals).

        Read in chunks; of each chunk only the submitted notebook's id is kept, the learner and
        notebook are turned into codes straight away (against the student and notebook tables)."""
        import numpy as np
        import pandas as pd
        from sqlalchemy import select

        nb, a = self._t["notebook"].c, self._t["assignment"].c
        with self._engine.connect() as con:
            students = pd.Index([r[0] for r in con.execute(select(self._t["student"].c.id))])
            nbs = pd.DataFrame(con.execute(select(nb.id, a.name, nb.name)
                                           .join(self._t["assignment"], nb.assignment_id == a.id)).all(),
                               columns=["id", "assignment", "notebook"]).set_index("id")
        ids, learner_at, nb_at = [], [], []
        for chunk in self._chunks(stmt):
            ids.append(chunk[:, 0].copy())  # a copy: the chunk's other columns are let go
            learner_at.append(students.get_indexer(chunk[:, 1]))
            nb_at.append(nbs.index.get_indexer(chunk[:, 2]))
        ids_ = np.concatenate(ids) if ids else np.array([], dtype=object)
        lcode = np.concatenate(learner_at) if ids else np.array([], dtype=np.intp)
        ncode = np.concatenate(nb_at) if ids else np.array([], dtype=np.intp)
        learner = _natural_categorical(students).take(lcode)  # every submission has a student (FK)
        df = pd.DataFrame({"learner": learner,
                           "assignment": _natural_categorical(nbs.assignment.to_numpy(dtype=object)).take(ncode),
                           "notebook": _natural_categorical(nbs.notebook.to_numpy(dtype=object)).take(ncode)},
                          index=pd.Index(ids_, name="id", dtype=object))
        for col in df:
            df[col] = df[col].cat.remove_unused_categories()
        return df

    def submissions(self, *, learners: list[str] | None = None) -> pd.DataFrame:
        """:meth:`submission_rows` as a table: columns learner, assignment, score, max_score,
        needs_manual_grade."""
        import pandas as pd

        out = pd.DataFrame(self.submission_rows(learners=learners), columns=SUBMISSION_COLUMNS)
        return out.astype({"score": float, "max_score": float, "needs_manual_grade": bool})


def _grade_score(t: dict):
    """nbgrader's ``Grade.score``: the manual score when a trainer gave one, else the
    autograder's, plus any extra credit; 0 when neither is set."""
    from sqlalchemy import case, literal_column

    g = t["grade"].c
    extra = case((g.extra_credit.is_not(None), g.extra_credit), else_=literal_column("0.0"))
    return case((g.manual_score.is_not(None), g.manual_score + extra),
                (g.auto_score.is_not(None), g.auto_score + extra), else_=literal_column("0.0"))


def _assignment_points(t: dict):
    """nbgrader's ``Assignment.max_score``: the points of its notebooks' grade cells plus those
    of their task cells (a correlated subquery each, 0 when there are none)."""
    from sqlalchemy import func, select

    a, nb, cell = t["assignment"], t["notebook"], t["base_cell"]

    def points(kind):
        return (select(func.coalesce(func.sum(kind.c.max_score), 0.0))
                .select_from(kind.join(cell, cell.c.id == kind.c.id).join(nb, nb.c.id == cell.c.notebook_id))
                .where(nb.c.assignment_id == a.c.id)
                .correlate(a).scalar_subquery())

    return points(t["grade_cells"]) + points(t["task_cells"])


def natural_key(text: str) -> list:
    """Sort key that orders the numbers in a name by value: q1_2 before q1_10, l9 before l10."""
    return [(0, int(t), "") if t.isdigit() else (1, 0, t) for t in re.split(r"(\d+)", text) if t]


def _natural_categorical(values) -> pd.Categorical:
    """Values as a categorical whose categories sort naturally (q1_2 before q1_10, l9 before l10)."""
    import numpy as np
    import pandas as pd

    uniques = pd.unique(np.asarray(values, dtype=object)) if len(values) else []
    cats = sorted((str(u) for u in uniques), key=natural_key)
    return pd.Categorical(np.asarray(values, dtype=object), categories=pd.Index(cats, dtype=str))


_UNKNOWN = {  # what: (not in the gradebook, how many it has, how many and which, none yet)
    "assignment": (N_("No assignment {name!r} in the gradebook."), N_("The gradebook has {n} assignment(s)."),
                   N_("The gradebook has {n} assignment(s): {names}."), N_("The gradebook has no assignments yet.")),
    "learner": (N_("No learner {name!r} in the gradebook."), N_("The gradebook has {n} learner(s)."),
                N_("The gradebook has {n} learner(s): {names}."), N_("The gradebook has no learners yet.")),
}


def _unknown(what: str, name: str, known: list[str]) -> str:
    missing, count, listed, none = (_(m) for m in _UNKNOWN[what])
    close = difflib.get_close_matches(name, known, n=3)
    if close:
        hint = _("Did you mean {names}?").format(names=join(close))
    elif known:
        hint = (listed if len(known) <= 12 else count).format(n=len(known), names=join(known))
    else:
        hint = none
    return join([missing.format(name=name), hint], "sentence")


# --------------------------------------------------------------------------- shortcuts
def grade_table(url: str | Path, *, assignments: list[str] | None = None,
                learners: list[str] | None = None) -> pd.DataFrame:
    """:meth:`Gradebook.grades` in one call."""
    with Gradebook(url) as gb:
        return gb.grades(assignments=assignments, learners=learners)


def learner_table(url: str | Path) -> pd.DataFrame:
    """Learners with names, one row each: learner, first_name, last_name (nbgrader's students)."""
    with Gradebook(url) as gb:
        return gb.learners()[["learner", "first_name", "last_name"]]


def submission_table(url: str | Path, *, learners: list[str] | None = None) -> pd.DataFrame:
    """:meth:`Gradebook.submissions` in one call."""
    with Gradebook(url) as gb:
        return gb.submissions(learners=learners)


@contextlib.contextmanager
def open_nbgrader(url: str | Path):
    """nbgrader's own :class:`~nbgrader.api.Gradebook` for the course (with its course id), for
    writing and for nbgrader's exporters. It creates a SQLite gradebook that does not exist."""
    from nbgrader.api import Gradebook as NbGradebook

    from .course import _ensure_tools_on_path

    _ensure_tools_on_path()  # nbgrader runs the `alembic` program when it creates a gradebook
    with NbGradebook(database_url(url), course_id=COURSE_ID) as gb:
        yield gb


# --------------------------------------------------------------------------- locating it
ENV = "ACADEMY_GRADEBOOK"


def from_cli(value: str | None) -> str | None:
    """``--gradebook`` as given, else $ACADEMY_GRADEBOOK (commands only; the library never reads it)."""
    return value or os.environ.get(ENV) or None


def resolve(value: str | None, course_root: Path) -> str:
    """A SQLAlchemy URL: the given URL or SQLite path (:func:`database_url`), else
    COURSE/gradebook.db."""
    if not value:
        return f"sqlite:///{(Path(course_root) / 'gradebook.db').resolve()}"
    return database_url(value)


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite:")


def sqlite_path(url: str) -> Path | None:
    return Path(url[len("sqlite:///"):]) if url.startswith("sqlite:///") else None


def shown(url: str) -> str:
    """The URL with any password hidden, for messages."""
    return _safe_url(url)


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
        return _("Cannot open the gradebook database {url}: {error}. Check that the server runs, the "
                 "database exists and the user may log in (createdb / CREATE DATABASE).").format(
            url=shown(url), error=first)
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
