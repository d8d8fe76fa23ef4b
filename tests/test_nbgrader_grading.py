"""Under real nbgrader, each solution earns full marks and each blank release earns zero."""
from __future__ import annotations

import nbformat
import pytest

from grader import course, paths
from grader.synthetic.learners import Learner
from grader.workflow import Workspace, add_learners, autograde, grade_table, prepare

pytestmark = pytest.mark.nbgrader


def _answered_release(aid: str, nb_name: str) -> nbformat.NotebookNode:
    """The released notebook with each answer cell replaced by its solution (as a learner would)."""
    release = nbformat.read(paths.EXERCISES / aid / nb_name, as_version=4)
    solution = nbformat.read(paths.SOLUTIONS / aid / nb_name, as_version=4)
    answers = {c.metadata["nbgrader"]["grade_id"]: c.source for c in solution.cells
               if c.metadata.get("nbgrader", {}).get("solution")}
    for cell in release.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution"):
            cell.source = answers[meta["grade_id"]].replace("### BEGIN SOLUTION\n", "").replace(
                "### END SOLUTION", "")
    return release


@pytest.mark.parametrize("aid", course.assignments())
def test_solution_full_marks_blank_zero(aid, tmp_path):
    """Does the solution get every auto-graded point, and the untouched release none?"""
    ws = Workspace(tmp_path / "course")
    prepare(ws, [aid])
    add_learners(ws, [Learner("solution", "Sol", "Ution", "strong"), Learner("blank", "Bl", "Ank", "skipper")])
    for nb_path in course.notebooks(aid, paths.EXERCISES):
        for lid, nb in (("solution", _answered_release(aid, nb_path.name)),
                        ("blank", nbformat.read(nb_path, as_version=4))):
            out = ws.submitted / lid / aid / nb_path.name
            out.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, out)
    results = autograde(ws, aid, ["solution", "blank"], progress=False)
    assert all(r.ok for r in results), [r.message for r in results]
    table = grade_table(ws.db_url)
    auto = table[~table.needs_manual_grade & (table.auto_score.notna())]
    sol = auto[auto.learner == "solution"]
    assert len(sol) > 0
    short = sol[sol.score < sol.max_score]
    assert short.empty, f"solution lost points on {short.question.tolist()}"
    blank = table[table.learner == "blank"]
    assert blank.score.sum() == 0, blank[blank.score > 0].question.tolist()
    assert not blank.needs_manual_grade.any(), "an untouched written answer should need no marking"
    manual = table[(table.learner == "solution") & table.needs_manual_grade]
    assert set(manual.question) == set(table[table.auto_score.isna() & (table.learner == "solution")].question)
