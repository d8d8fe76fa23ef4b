"""The whole trainer cycle through nbgrader's exchange, and re-running any step safely."""
from __future__ import annotations

import json

import nbformat
import openpyxl
import pandas as pd
import pytest

from grader.cli import main
from grader.synthetic.sample_course import ASSIGNMENT, write_sample_source
from grader.workflow import Workspace, autograde, grade_table, read_roster

from .conftest import cell, learner_ids

pytestmark = pytest.mark.nbgrader


def _as_learner(ws: Workspace, learner: str, home, action: str) -> None:
    """Fetch or submit through nbgrader's exchange as this learner would from their Jupyter."""
    from nbgrader.auth import Authenticator
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.exchange.default import ExchangeFetchAssignment, ExchangeSubmit

    config = ws.config()
    config.Exchange.assignment_dir = str(home)
    coursedir = CourseDirectory(config=config)
    coursedir.assignment_id = ASSIGNMENT
    coursedir.student_id = learner
    cls = {"fetch": ExchangeFetchAssignment, "submit": ExchangeSubmit}[action]
    cls(coursedir=coursedir, authenticator=Authenticator(config=config), config=config).start()


def test_cycle_release_to_export(tmp_path, capsys):
    """Can a trainer import a roster, release, collect, autograde, send feedback and export?"""
    write_sample_source(tmp_path / "source")
    course = tmp_path / "cohort"
    opts = ["--course", str(course), "--source", str(tmp_path / "source"), "--quiet"]
    (tmp_path / "roster.csv").write_text("id,first_name,last_name,email\nana,Ana,Silva,ana@example.com\n"
                                         "ben,Ben,Okafor,\ncai,Cai,Li,\n", encoding="utf-8")
    assert main(["roster", str(tmp_path / "roster.csv"), *opts]) == 0
    assert main(["release", ASSIGNMENT, *opts]) == 0
    assert oct((course / "exchange").stat().st_mode & 0o7777) == "0o1777"  # sticky, as nbgrader says
    ws = Workspace(course, source=tmp_path / "source")
    answers = {"ana": "'C'", "ben": "'A'"}  # cai never submits
    for lid, answer in answers.items():
        home = tmp_path / "homes" / lid
        home.mkdir(parents=True)
        _as_learner(ws, lid, home, "fetch")
        path = home / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
        nb = nbformat.read(path, as_version=4)
        cell(nb, "q0_1").source = f"q0_1 = {answer}"
        nbformat.write(nb, path)
        _as_learner(ws, lid, home, "submit")
    capsys.readouterr()
    assert main(["collect", ASSIGNMENT, *opts]) == 0
    out = capsys.readouterr().out
    assert "ana" in out and "collected" in out and "not submitted" in out
    assert main(["autograde", ASSIGNMENT, "--timeout", "10", *opts]) == 0
    out = capsys.readouterr().out
    assert "2 graded" in out and "cai" in out
    table = grade_table(ws.db_url)
    q1 = table[table.question == "q0_1"].set_index("learner").score
    assert q1["ana"] == 1 and q1["ben"] == 0
    assert main(["feedback", ASSIGNMENT, *opts]) == 0
    released = list((course / "exchange").rglob("feedback/*.html"))
    assert len(released) == 2, released
    assert main(["export", *opts]) == 0
    grades = pd.read_csv(course / "export" / "grades.csv")
    assert set(grades.student_id) >= {"ana", "ben"}
    book = openpyxl.load_workbook(course / "export" / "grades.xlsx")
    assert book.sheetnames == ["Summary", "Assignments", "Questions"]
    rows = list(book["Summary"].values)
    header = rows[0]
    assert "average %" in header and {r[0] for r in rows[1:]} == {"ana", "ben", "cai"}
    # a second pass changes nothing and says so
    assert main(["collect", ASSIGNMENT, *opts]) == 0
    assert "unchanged" in capsys.readouterr().out
    assert main(["autograde", ASSIGNMENT, *opts]) == 0
    assert "2 skipped" in capsys.readouterr().out


def test_roster_problems_refused(tmp_path, capsys):
    """Is a roster with a missing id column or bad ids refused with the line to fix?"""
    bad = tmp_path / "r.csv"
    bad.write_text("name,mail\nAna,a@x\n", encoding="utf-8")
    assert "no id column" in read_roster(bad)[1][0]
    bad.write_text("id,first_name\nana,Ana\nana,Again\nb c,Bee\n,None\nAna,Case\n..,Dots\n"
                   ".hidden,Dot\nx@y,At\n../up,Up\nok_1.a-b,Fine\n", encoding="utf-8")
    learners, problems = read_roster(bad)
    assert any("line 3" in p and "already used" in p for p in problems)
    assert any("line 4" in p and "not allowed" in p for p in problems)
    assert any("line 5" in p and "empty id" in p for p in problems)
    assert any("line 6" in p and "upper/lower case" in p for p in problems)
    for line in (7, 8, 9, 10):
        assert any(f"line {line}:" in p and "not allowed" in p for p in problems), line
    assert [l["id"] for l in learners] == ["ana", "ok_1.a-b"]
    assert main(["roster", str(bad), "--course", str(tmp_path / "c"), "--quiet"]) == 1
    assert "nothing changed" in capsys.readouterr().err


def test_regrading_same_gradebook_and_resume(sample_ws):
    """Does grading twice give the same gradebook, and does an interrupted run resume?"""
    ids = learner_ids(sample_ws)[:4]
    first = autograde(sample_ws, ASSIGNMENT, ids[:2], progress=False, force=False)  # "interrupted"
    assert all(r.status == "graded" for r in first)
    resumed = autograde(sample_ws, ASSIGNMENT, ids, progress=False, force=False)
    assert [r.status for r in resumed] == ["skipped", "skipped", "graded", "graded"]
    once = grade_table(sample_ws.db_url).sort_values(["learner", "question"]).reset_index(drop=True)
    again = autograde(sample_ws, ASSIGNMENT, ids, progress=False, force=True)
    assert all(r.status == "graded" for r in again)
    twice = grade_table(sample_ws.db_url).sort_values(["learner", "question"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(once, twice)
    marker = sample_ws.root / ".academy" / "graded" / ASSIGNMENT / f"{ids[0]}.json"
    assert json.loads(marker.read_text())["fingerprint"]
    # a resubmission is graded again without --force
    nb_path = sample_ws.submitted / ids[0] / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    nb = nbformat.read(nb_path, as_version=4)
    cell(nb, "q0_1").source = "q0_1 = 'C'"
    nbformat.write(nb, nb_path)
    rerun = autograde(sample_ws, ASSIGNMENT, ids, progress=False, force=False)
    assert [r.status for r in rerun] == ["graded", "skipped", "skipped", "skipped"]
    t = grade_table(sample_ws.db_url)
    assert t[(t.learner == ids[0]) & (t.question == "q0_1")].score.item() == 1


def test_manual_grades_survive_regrading(sample_ws):
    """Is a trainer's manual score kept (and flagged for review) when a submission is regraded?"""
    from nbgrader.api import Gradebook

    lid = learner_ids(sample_ws)[0]
    autograde(sample_ws, ASSIGNMENT, [lid], progress=False)
    with Gradebook(sample_ws.db_url) as gb:
        g = gb.find_grade("q0_9", ASSIGNMENT, ASSIGNMENT, lid)
        g.manual_score = 1.5
        g.needs_manual_grade = False
        gb.db.commit()
    autograde(sample_ws, ASSIGNMENT, [lid], progress=False, force=True)
    t = grade_table(sample_ws.db_url).set_index("question")
    assert t.loc["q0_9", "manual_score"] == 1.5 and t.loc["q0_9", "score"] == 1.5
