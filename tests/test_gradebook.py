"""The gradebook layer (grader.gradebook) against nbgrader's own API objects.

Every score the layer reads in bulk must be the one nbgrader computes for the same grade or
submission (``Grade.score``, ``SubmittedAssignment.score`` …), on a course graded by the real
autograder and on a gradebook bulk-built into nbgrader's schema; and reading must never write.
"""
from __future__ import annotations

import hashlib
import warnings

import pandas as pd
import pytest
from pathlib import Path
from nbgrader.api import Gradebook as NbGradebook

from grader import gradebook
from grader.synthetic.grades import synthetic_grades, write_gradebook
from grader.gradebook import Gradebook, GradebookError, grade_table, learner_table, submission_table
from grader.synthetic.sample_course import ASSIGNMENT, build_sample_course
from grader.workflow import autograde


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """A sample course graded by the autograder, then marked by hand the way a trainer would:
    one written answer marked, one with extra credit, one autograded score overridden."""
    ws = build_sample_course(tmp_path_factory.mktemp("gradebook"), n_learners=6, seed=7)
    ids = sorted(p.name for p in ws.submitted.iterdir())
    assert all(r.ok for r in autograde(ws, ASSIGNMENT, ids, progress=False))
    with NbGradebook(ws.db_url, course_id=gradebook.COURSE_ID) as gb, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # nbgrader's SQLAlchemy autoflush chatter
        g = gb.find_grade("q0_9", ASSIGNMENT, ASSIGNMENT, ids[0])
        g.manual_score, g.needs_manual_grade = 1.5, False
        g = gb.find_grade("q0_9", ASSIGNMENT, ASSIGNMENT, ids[1])
        g.manual_score, g.extra_credit, g.needs_manual_grade = 2.0, 0.5, False
        g = gb.find_grade("q0_2_test", ASSIGNMENT, ASSIGNMENT, ids[2])
        g.manual_score = 0.25  # a trainer's override takes precedence over the autograder
        gb.db.commit()
    return ws, ids


def _api_grades(url: str) -> dict:
    """{(learner, question): (score, max_score, auto, manual, needs_manual_grade)} via nbgrader."""
    out = {}
    with NbGradebook(url, course_id=gradebook.COURSE_ID) as gb:
        for a in gb.assignments:
            for sub in a.submissions:
                for nb in sub.notebooks:
                    for g in nb.grades:
                        out[(sub.student.id, g.name.removesuffix("_test"))] = (
                            g.score, g.max_score, g.auto_score, g.manual_score, g.needs_manual_grade)
    return out


@pytest.mark.nbgrader
def test_per_learner_scores_equal_nbgrader_api(graded):
    """Does every learner's assignment score from the layer equal nbgrader's
    Gradebook.find_submission(...).score, with max_score and manual-grading state too?"""
    ws, ids = graded
    table = grade_table(ws.db_url)
    subs = submission_table(ws.db_url).set_index("learner")
    totals = table.groupby("learner").score.sum()
    with NbGradebook(ws.db_url, course_id=gradebook.COURSE_ID) as gb:
        for lid in ids:
            sub = gb.find_submission(ASSIGNMENT, lid)
            assert totals[lid] == pytest.approx(sub.score)
            assert subs.loc[lid, "score"] == pytest.approx(sub.score)
            assert subs.loc[lid, "max_score"] == pytest.approx(sub.max_score)
            assert bool(subs.loc[lid, "needs_manual_grade"]) == bool(sub.needs_manual_grade)
    assert len(set(totals.round(2))) > 2, "varied answers, or the comparison proves little"
    assert subs.needs_manual_grade.any() and not subs.needs_manual_grade.all()


@pytest.mark.nbgrader
def test_every_grade_equals_nbgrader_grade(graded):
    """Is every row (score with manual override and extra credit, max, auto, manual, waiting
    flag) what nbgrader's Grade object says, and is the written answer told apart?"""
    ws, ids = graded
    table = grade_table(ws.db_url)
    api = _api_grades(ws.db_url)
    assert len(table) == len(api) == len(ids) * 6
    for r in table.itertuples(index=False):
        score, max_score, auto, manual, needs = api[(r.learner, r.question)]
        assert (r.score, r.max_score, r.needs_manual_grade) == (pytest.approx(score), max_score, needs)
        assert (pd.isna(r.auto_score) if auto is None else r.auto_score == auto)
        assert (pd.isna(r.manual_score) if manual is None else r.manual_score == manual)
    row = table.set_index(["learner", "question"])
    assert row.loc[(ids[1], "q0_9"), "score"] == 2.5  # manual 2 + extra credit 0.5
    assert row.loc[(ids[2], "q0_2"), "score"] == 0.25  # the trainer's override, not the autograder's
    assert set(table[table.written].question) == {"q0_9"}
    assert list(table.columns) == gradebook.GRADE_COLUMNS


@pytest.mark.nbgrader
def test_limits_and_learners(graded):
    """Do the learner and assignment limits give exactly those rows, and the learner table
    the roster nbgrader has?"""
    ws, ids = graded
    full = grade_table(ws.db_url)
    two = grade_table(ws.db_url, learners=ids[:2], assignments=[ASSIGNMENT])
    expected = full[full.learner.isin(ids[:2])].reset_index(drop=True)
    pd.testing.assert_frame_equal(two.astype({c: str for c in ("learner", "assignment", "notebook", "question")}),
                                  expected.astype({c: str for c in ("learner", "assignment", "notebook", "question")}))
    people = learner_table(ws.db_url)
    with NbGradebook(ws.db_url, course_id=gradebook.COURSE_ID) as gb:
        assert sorted(people.learner) == sorted(s.id for s in gb.students)
        first = {s.id: s.first_name for s in gb.students}
    assert dict(zip(people.learner, people.first_name)) == first


@pytest.mark.nbgrader
def test_reading_never_writes(graded):
    """Is the gradebook file byte for byte the same after every kind of read (nbgrader's own
    Gradebook would add a course row when opened without the course id)?"""
    ws, _ = graded
    db = ws.root / "gradebook.db"
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    with Gradebook(ws.db_url) as gb:
        gb.grades()
        gb.submissions()
        gb.learners()
        gb.assignments()
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before


@pytest.mark.nbgrader
def test_errors_are_explained_not_swallowed(graded, tmp_path):
    """A missing gradebook, a file that is not one, an unknown assignment or learner: each a
    GradebookError that says what is wrong, and no gradebook is created on the way."""
    ws, ids = graded
    missing = tmp_path / "nowhere" / "gradebook.db"
    with pytest.raises(GradebookError, match="No nbgrader gradebook at"):
        grade_table(missing)
    assert not missing.exists()
    notes = tmp_path / "notes.db"
    notes.write_text("not a database")
    with pytest.raises(GradebookError, match="is not an nbgrader gradebook"):
        grade_table(notes)
    import sqlite3

    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("create table t (x)").connection.close()
    with pytest.raises(GradebookError, match="is not an nbgrader gradebook .*no assignment"):
        grade_table(f"sqlite:///{other}")
    with pytest.raises(GradebookError, match="No assignment '00-sampel'.*Did you mean 00-sample"):
        grade_table(ws.db_url, assignments=["00-sampel"])
    with pytest.raises(GradebookError, match=f"No learner 'nobody' in the gradebook"):
        grade_table(ws.db_url, learners=["nobody"])
    with pytest.raises(GradebookError, match="driver is not installed|not a database URL"):
        grade_table("postgresql+nosuchdriver://u:secret@127.0.0.1/gradebook")


def test_database_url():
    """Paths become absolute SQLite URLs; a plain PostgreSQL URL gets the pinned driver; other URLs
    pass through; passwords never reach messages."""
    assert gradebook.database_url("x/gradebook.db").startswith("sqlite:////")
    assert gradebook.database_url("postgresql://u:p@h/db") == "postgresql+psycopg2://u:p@h/db"
    assert gradebook.database_url("postgresql+psycopg2://u:p@h/db") == "postgresql+psycopg2://u:p@h/db"
    assert gradebook.resolve(None, Path("/c")) == "sqlite:////c/gradebook.db"
    assert gradebook._safe_url("postgresql://u:secret@h/db") == "postgresql://u:***@h/db"


def test_bulk_built_gradebook_reads_as_nbgrader_computes(tmp_path):
    """On a gradebook bulk-inserted into nbgrader's schema (the scale benchmark's, small), do
    the layer, nbgrader's own API and the data that was written agree, learner by learner?"""
    table, people = synthetic_grades(40, 20, seed=4)
    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    write_gradebook(url, table, people)
    got = grade_table(url)
    assert len(got) == len(table)
    mine = got.groupby("learner").score.sum()
    written = table.groupby("learner").score.sum()
    with NbGradebook(url, course_id=gradebook.COURSE_ID) as gb:
        api = {s.id: gb.find_student(s.id).score for s in gb.students}
        waiting = {(sub.student.id, sub.assignment.name): sub.needs_manual_grade
                   for a in gb.assignments for sub in a.submissions}
    for lid, score in api.items():
        assert mine[lid] == pytest.approx(score) == pytest.approx(written[lid])
    subs = submission_table(url)
    assert {(r.learner, r.assignment): r.needs_manual_grade for r in subs.itertuples()} == waiting
    assert got.written.sum() == table.written.sum() and got.needs_manual_grade.any()


def test_commands_explain_a_broken_gradebook(tmp_path, capsys):
    """Do `academy report` and `academy export` on a course whose gradebook.db is not a
    gradebook say so in one line (exit 1), with no traceback and nothing written?"""
    from grader.cli import main

    (tmp_path / "gradebook.db").write_text("not a database")
    for cmd in (["report"], ["export", "--quiet"]):
        assert main([*cmd, "--course", str(tmp_path)]) == 1
        err = capsys.readouterr().err
        assert f"academy {cmd[0]}: " in err and "is not an nbgrader gradebook" in err
        assert "Traceback" not in err
    assert not (tmp_path / "report.html").exists() and not (tmp_path / "export").exists()


# --------------------------------------------------------------------------- the row reads
def _task_cell_gradebook(path: Path) -> str:
    """A gradebook nbgrader made, with what the row reads must get right: a grade cell and a task
    cell in each of two notebooks, an empty assignment, a manual score that overrides the
    autograder's, extra credit, an ungraded grade (score 0) and one still waiting for a trainer."""
    url = f"sqlite:///{path}"
    with NbGradebook(url, course_id=gradebook.COURSE_ID) as gb, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # nbgrader's SQLAlchemy autoflush chatter
        gb.add_assignment("a1")
        gb.add_assignment("a2-empty")
        for nb in ("n1", "n2"):
            gb.add_notebook(nb, "a1")
            gb.add_grade_cell(f"{nb}_q", nb, "a1", max_score=3, cell_type="code")
            gb.add_task_cell(f"{nb}_task", nb, "a1", max_score=2.5, cell_type="markdown")
        for lid, first in (("ana", "Ana"), ("ben", None), ("cai", "Cai")):
            gb.update_or_create_student(lid, first_name=first, last_name="Lima" if first else None)
        for lid in ("ana", "ben", "cai"):
            gb.add_submission("a1", lid)
        scores = {("ana", "n1_q"): dict(auto_score=3.0, needs_manual_grade=False),
                  ("ana", "n1_task"): dict(manual_score=2.0, extra_credit=0.5, needs_manual_grade=False),
                  ("ana", "n2_q"): dict(auto_score=1.0, manual_score=2.0, needs_manual_grade=False),
                  ("ana", "n2_task"): dict(manual_score=1.0, needs_manual_grade=False),
                  ("ben", "n1_q"): dict(auto_score=2.0, extra_credit=1.0, needs_manual_grade=False),
                  ("ben", "n2_task"): dict(needs_manual_grade=True)}
        for (lid, cell), values in scores.items():
            nb = cell.split("_")[0]
            g = gb.find_grade(cell, nb, "a1", lid)
            for k, v in values.items():
                setattr(g, k, v)
        gb.db.commit()
    return url


def test_row_reads_equal_nbgrader_models(tmp_path):
    """Do the row reads (Core queries on nbgrader's tables, no ORM) give exactly what nbgrader's
    own objects compute: Assignment.max_score with task cells, SubmittedAssignment.score with
    manual overrides and extra credit, needs_manual_grade, and the students?"""
    url = _task_cell_gradebook(tmp_path / "gradebook.db")
    with Gradebook(url) as gb:
        assignments = {a.assignment: a for a in gb.assignment_rows()}
        subs = {(s.learner, s.assignment): s for s in gb.submission_rows()}
        people = gb.learner_rows()
        ben_only = gb.submission_rows(learners=["ben"])
        table, learners = gb.submissions(), gb.learners()  # the pandas tables are the same rows
    assert table.values.tolist() == [list(r) for r in subs.values()]
    assert learners.learner.tolist() == [p.learner for p in people]
    with NbGradebook(url, course_id=gradebook.COURSE_ID) as nb:
        assert {a.name: a.max_score for a in nb.assignments} == {k: a.max_score for k, a in assignments.items()}
        assert assignments["a1"].max_score == 11.0 and assignments["a2-empty"].max_score == 0.0
        api = {(s.student.id, s.assignment.name): (s.score, s.max_score, bool(s.needs_manual_grade))
               for a in nb.assignments for s in a.submissions}
        assert {k: (s.score, s.max_score, s.needs_manual_grade) for k, s in subs.items()} == api
        assert {s.id: (s.first_name, s.last_name) for s in nb.students} == {
            p.learner: (p.first_name, p.last_name) for p in people}
    assert subs[("ana", "a1")].score == 3 + 2.5 + 2 + 1 and subs[("ben", "a1")].needs_manual_grade
    assert ben_only == [subs[("ben", "a1")]]


def test_schema_revision_is_the_installed_nbgrader_one(tmp_path):
    """Is SCHEMA_REVISION the revision the installed nbgrader writes into a new gradebook? (If
    this fails after an nbgrader upgrade: check the row reads against the new schema and the
    test above, then update SCHEMA_REVISION.)"""
    import sqlite3

    url = _task_cell_gradebook(tmp_path / "gradebook.db")
    with sqlite3.connect(url.removeprefix("sqlite:///")) as con:
        (revision,), = con.execute("SELECT version_num FROM alembic_version").fetchall()
    assert revision == gradebook.SCHEMA_REVISION


def test_another_schema_is_refused_clearly(tmp_path):
    """A gradebook of another schema revision, or one lacking a column the row reads use, is
    refused with a message that says which and what to do, never read wrongly."""
    import shutil
    import sqlite3

    url = _task_cell_gradebook(tmp_path / "gradebook.db")
    older = tmp_path / "older.db"
    shutil.copyfile(url.removeprefix("sqlite:///"), older)
    with sqlite3.connect(older) as con:
        con.execute("UPDATE alembic_version SET version_num = '724cde206c17'")
    with pytest.raises(GradebookError, match="schema revision 724cde206c17.*nbgrader db upgrade"):
        Gradebook(older)
    lacking = tmp_path / "lacking.db"
    shutil.copyfile(url.removeprefix("sqlite:///"), lacking)
    with sqlite3.connect(lacking) as con:
        con.execute("ALTER TABLE grade DROP COLUMN extra_credit")
    with pytest.raises(GradebookError, match="lacks grade.extra_credit"):
        Gradebook(lacking)


def test_set_learners_writes_what_nbgrader_would(tmp_path):
    """Does the roster's write (Core on the student table) leave exactly the students nbgrader's
    update_or_create_student leaves, for new learners, changed names and a cleared e-mail?"""
    first = [{"id": "ana", "first_name": "Ana", "last_name": "Lima", "email": "ana@example.org"},
             {"id": "ben", "first_name": None, "last_name": None, "email": None}]
    second = [{"id": "ana", "first_name": "Ana", "last_name": "Li", "email": None},
              {"id": "cai", "first_name": "蔡", "last_name": "明", "email": "cai@example.org"}]
    results = []
    for how in ("nbgrader", "rows"):
        url = f"sqlite:///{tmp_path / how}.db"
        with NbGradebook(url, course_id=gradebook.COURSE_ID) as gb:
            gb.add_assignment("a1")  # a gradebook that exists, as the roster finds it
        for batch in (first, second):
            if how == "nbgrader":
                with NbGradebook(url, course_id=gradebook.COURSE_ID) as gb:
                    for l in batch:
                        gb.update_or_create_student(l["id"], **{k: v for k, v in l.items() if k != "id"})
            else:
                with Gradebook(url, write=True) as gb:
                    gb.set_learners(batch)
        with NbGradebook(url, course_id=gradebook.COURSE_ID) as gb:
            results.append(sorted((s.id, s.first_name, s.last_name, s.email, s.lms_user_id)
                                  for s in gb.students))
    assert results[0] == results[1]
    assert ("ana", "Ana", "Li", None, None) in results[1] and len(results[1]) == 3
    with Gradebook(f"sqlite:///{tmp_path / 'rows'}.db") as gb, pytest.raises(gradebook.GradebookError):
        gb.set_learners(first)  # opened for reading: nothing can change it


def _nbgrader_csv(url: str, path: Path) -> str:
    """The file `nbgrader export` writes for this gradebook (its CsvExportPlugin)."""
    from nbgrader.plugins import CsvExportPlugin

    with NbGradebook(url, course_id=gradebook.COURSE_ID) as gb:
        CsvExportPlugin(to=str(path)).export(gb)
    return path.read_text()


def test_export_csv_is_nbgrader_export(tmp_path, graded):
    """Is `academy export`'s grades.csv, written from the layer's four bulk queries, the very
    file nbgrader's own CsvExportPlugin writes: on a graded course, and on a gradebook with due
    dates, a late penalty larger than the score, submission times, missing names and a learner
    who submitted nothing?"""
    import datetime as dt

    from grader.workflow import write_grades_csv

    url = _task_cell_gradebook(tmp_path / "gradebook.db")
    with NbGradebook(url, course_id=gradebook.COURSE_ID) as gb, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gb.update_or_create_assignment("a1", duedate=dt.datetime(2026, 3, 10, 17, 0))
        gb.add_assignment("a0-early", duedate=dt.datetime(2026, 1, 5))
        gb.update_or_create_student("dee", first_name="Dee", last_name="Lima")  # submits nothing
        sub = gb.find_submission("a1", "ana")
        sub.timestamp = dt.datetime(2026, 3, 11, 9, 30, 15, 250000)
        sub.notebooks[0].late_submission_penalty = 1.5
        ben = gb.find_submission("a1", "ben")
        ben.timestamp = dt.datetime(2026, 3, 10, 16, 0)
        ben.notebooks[1].late_submission_penalty = 99.0  # more than the score: 0, not negative
        gb.db.commit()
    ws, _ = graded
    for name, db in (("varied", url), ("graded", ws.db_url)):
        expected = _nbgrader_csv(db, tmp_path / f"{name}-nbgrader.csv")
        with Gradebook(db) as gb:
            write_grades_csv(tmp_path / f"{name}-academy.csv", gb.export_rows())
        assert (tmp_path / f"{name}-academy.csv").read_text(encoding="utf-8") == expected, name
    lines = expected.splitlines()
    assert len(lines) == 1 + 6 and lines[0].startswith("assignment,duedate,timestamp,student_id")
    varied = (tmp_path / "varied-academy.csv").read_text().splitlines()
    # no due date first (as SQLite orders NULL), then by due date; 3 assignments x 4 learners
    assert [l.split(",")[0] for l in varied[1::4]] == ["a2-empty", "a0-early", "a1"] and len(varied) == 1 + 3 * 4
    assert varied[5].startswith("a0-early,2026-01-05 00:00:00,,")
    assert ",2026-03-11 09:30:15.250000,ana,Lima,Ana,,8.5,1.5,7.0,11.0" in "\n".join(varied)
    assert any(l.startswith("a1,") and ",ben,,,," in l and l.endswith(",99.0,0.0,11.0") for l in varied)


def test_export_csv_quotes_what_nbgrader_would_split(tmp_path):
    """A name with a comma or a quote in it (nbgrader's plugin joins values with commas, so the
    row would gain a column) is quoted: the file reads back with every value where it belongs."""
    import csv

    from grader.workflow import write_grades_csv

    url = _task_cell_gradebook(tmp_path / "gradebook.db")
    with Gradebook(url, write=True) as gb:
        gb.set_learners([{"id": "ana", "first_name": 'Ana "Nina"', "last_name": "Lima, Jr.", "email": None}])
        rows = gb.export_rows()
    write_grades_csv(tmp_path / "grades.csv", rows)
    with open(tmp_path / "grades.csv", newline="", encoding="utf-8") as f:
        back = list(csv.DictReader(f))
    assert back == rows and {r["last_name"] for r in back} >= {"Lima, Jr."}
    nbgrader_rows = _nbgrader_csv(url, tmp_path / "nbgrader.csv").splitlines()
    assert any(l.count(",") > 10 for l in nbgrader_rows), "nbgrader's own file splits that row"


def test_notebook_names_equal_nbgrader(tmp_path):
    """Are an assignment's notebook names read by the layer those of nbgrader's Assignment, and
    none for an assignment the gradebook lacks?"""
    url = _task_cell_gradebook(tmp_path / "gradebook.db")
    with Gradebook(url) as gb:
        names = {a: gb.notebook_names(a) for a in ("a1", "a2-empty", "nope")}
    with NbGradebook(url, course_id=gradebook.COURSE_ID) as nb:
        assert names["a1"] == sorted(n.name for n in nb.find_assignment("a1").notebooks) == ["n1", "n2"]
    assert names["a2-empty"] == [] and names["nope"] == []


def test_workbook_keeps_names_as_text(tmp_path):
    """A learner whose name (from an LMS roster) looks like a formula or a link is written into
    the HR workbook as plain text, never as a formula or a hyperlink."""
    import openpyxl

    from grader.workflow import write_xlsx

    url = _task_cell_gradebook(tmp_path / "gradebook.db")
    with Gradebook(url, write=True) as gb:
        gb.set_learners([{"id": "ana", "first_name": '=HYPERLINK("http://example.org","x")',
                          "last_name": "http://example.org/a", "email": None}])
    with Gradebook(url) as gb:
        write_xlsx(tmp_path / "grades.xlsx", gb.grades(), gb.learners()[["learner", "first_name", "last_name"]])
    sheet = openpyxl.load_workbook(tmp_path / "grades.xlsx")["Summary"]
    cells = {c.value: c for row in sheet.iter_rows() for c in row if isinstance(c.value, str)}
    first = cells['=HYPERLINK("http://example.org","x")']
    assert first.data_type == "s" and first.hyperlink is None
    assert cells["http://example.org/a"].hyperlink is None
