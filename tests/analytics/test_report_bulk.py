"""The report on a gradebook bulk-built into nbgrader's schema: the scale benchmark's build, small.

``benchmarks/report_scale.py`` times ``academy report`` on 10,000 learners × 100 questions built
this way; here 200 × 20 checks that what it times is right: the report loads every grade, and
its per-learner totals are the ones nbgrader's own API computes.
"""
from __future__ import annotations

import pytest
from nbgrader.api import Gradebook as NbGradebook

from grader import gradebook
from grader.analytics.report import load, render
from grader.synthetic.grades import synthetic_grades, write_gradebook
from grader.cli import main
from grader.workflow import Workspace


@pytest.fixture(scope="module")
def bulk(tmp_path_factory):
    root = tmp_path_factory.mktemp("bulk") / "course"
    root.mkdir()
    table, people = synthetic_grades(200, 20, seed=9, assignments=["01-service-standards",
                                                                  "02-emotion-management-agent"])
    write_gradebook(f"sqlite:///{root / 'gradebook.db'}", table, people)
    return Workspace(root), table


def test_report_loads_bulk_gradebook_with_nbgrader_totals(bulk, tmp_path):
    """Does the report's data hold every grade, with each learner's total equal to nbgrader's
    Student.score and to grade_table's, and does the report render from it?"""
    ws, written = bulk
    data = load(ws, roleplay_db=tmp_path / "none.db")
    assert len(data.table) == len(written) and len(data.people) == 200
    report_totals = data.table.groupby("learner").score.sum()
    table_totals = gradebook.grade_table(ws.db_url).groupby("learner").score.sum()
    with NbGradebook(ws.db_url, course_id=gradebook.COURSE_ID) as gb:
        api = {s.id: gb.find_student(s.id).score for s in gb.students}
    assert len(api) == 200
    for lid, score in api.items():
        assert report_totals[lid] == pytest.approx(score) == pytest.approx(table_totals[lid])
    assert data.table.needs_manual_grade.any() and data.table.written.any()
    page = render(data)
    assert "01-service-standards/q1_1" in page


def test_academy_report_on_bulk_gradebook(bulk, tmp_path, capsys):
    """Does `academy report --course DIR` (what the benchmark times) succeed on it?"""
    ws, _ = bulk
    out = tmp_path / "r.html"
    assert main(["report", "--course", str(ws.root), "--out", str(out),
                 "--roleplay-db", str(tmp_path / "none.db")]) == 0
    assert "Cohort report for 200 learner(s)" in capsys.readouterr().out
    assert out.stat().st_size > 10_000
