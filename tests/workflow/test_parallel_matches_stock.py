"""Parallel autograding gives exactly the per-cell scores of stock ``nbgrader autograde``."""
from __future__ import annotations

import shutil

import pytest

from grader.autograding import stock_autograde
from grader.synthetic.sample_course import ASSIGNMENT
from grader.workflow import Workspace, autograde, grade_table

from .conftest import learner_ids

pytestmark = pytest.mark.nbgrader
N = 6


def _copy(prepared, dest) -> Workspace:
    shutil.copytree(prepared, dest)
    ws = Workspace(dest / "course", source=dest / "source")
    for extra in learner_ids(ws)[N:]:
        shutil.rmtree(ws.submitted / extra)
    return ws


def _cells(ws: Workspace):
    from nbgrader.api import Gradebook

    out = {}
    with Gradebook(ws.db_url) as gb:
        for sub in gb.find_assignment(ASSIGNMENT).submissions:
            for nb in sub.notebooks:
                for g in nb.grades:
                    out[(sub.student.id, g.name)] = (g.auto_score, g.needs_manual_grade)
                for c in nb.comments:
                    out[(sub.student.id, c.name, "comment")] = c.auto_comment
    return out


def test_same_scores_as_stock_nbgrader(prepared, tmp_path):
    """Does every learner get the same score on every grade cell as with stock nbgrader?"""
    stock = _copy(prepared, tmp_path / "stock")
    proc = stock_autograde(stock, ASSIGNMENT)
    assert proc.returncode == 0, proc.stderr[-2000:]
    ours = _copy(prepared, tmp_path / "ours")
    results = autograde(ours, ASSIGNMENT, learner_ids(ours), progress=False, workers=2)
    assert all(r.ok for r in results)
    expected, got = _cells(stock), _cells(ours)
    assert len({k[0] for k in expected}) == N
    assert got == expected
    t = grade_table(ours.db_url)
    assert t.score.nunique() > 2, "the comparison is only meaningful on varied answers"


def test_same_scores_on_a_course_exercise(tmp_path):
    """On a real exercise (which loads datasets with pandas), are scores identical to stock too?"""
    from grader import course, paths
    from grader.synthetic.learners import make_learners, write_submissions
    from grader.workflow import add_learners, prepare

    ids = course.assignments()
    if not ids:
        pytest.skip("no exercises in solutions/ yet")
    aid = ids[0]
    copies = []
    for name in ("stock", "ours"):
        ws = Workspace(tmp_path / name)
        if not copies:
            prepare(ws, [aid])
            learners = make_learners(3, seed=21)
            add_learners(ws, learners)
            write_submissions(learners, aid, ws.release, paths.SOLUTIONS, ws.submitted, seed=21)
        else:
            shutil.copytree(tmp_path / "stock", tmp_path / name)
        copies.append(ws)
    proc = stock_autograde(copies[0], aid)
    assert proc.returncode == 0, proc.stderr[-2000:]
    results = autograde(copies[1], aid, learner_ids(copies[1]), progress=False)
    assert all(r.ok for r in results), [r.message for r in results]

    def cells(ws):
        t = grade_table(ws.db_url)
        return t.sort_values(["learner", "question"]).reset_index(drop=True)

    a, b = cells(copies[0]), cells(copies[1])
    assert len(a) > 0
    assert a.equals(b)
