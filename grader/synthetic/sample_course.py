"""A small, self-contained nbgrader source assignment for tests and benchmarks.

The workflow, its tests and the benchmarks must not depend on which exercises exist in
``solutions/`` at any moment, so they build this one in a scratch folder. It follows the course's
exercise pattern exactly (locked setup cell, answer cell, locked check cell, hidden grade cell, a
manually graded written answer) and covers every question kind, so synthetic cohorts
(:mod:`grader.synthetic.learners`) answer it the way they answer the real exercises.
"""
from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ASSIGNMENT = "00-sample"

# name: (kind, prompt, answer, check kwargs, points)
QUESTIONS: dict[str, tuple[str, str, object, dict, float]] = {
    "q0_1": ("choice", "Which greeting follows the standard?", "C",
             {"options": "ABCD", "hints": {"A": "Who is calling?", "B": "Name the company first.",
                                           "D": "Offer help."}}, 1),
    "q0_2": ("number", "Calls answered within 20 s, in percent.", 80,
             {"unit": "%", "hints": {"low": "Too low.", "high": "Too high."}}, 1),
    "q0_3": ("multi", "Pick every empathy phrase.", ["A", "C"],
             {"options": "ABCD", "hints": {"B": "That one blames.", "D": "That one rushes."}}, 2),
    "q0_4": ("order", "Put the call steps in order.", ["B", "A", "D", "C"],
             {"options": "ABCD", "hints": {"A": "Listen first."}}, 2),
    "q0_5": ("classify", "Label each task.", {"T1": "urgent", "T2": "plan", "T3": "urgent"},
             {"categories": ["urgent", "plan"], "hints": {"T2": "Can it wait?"}}, 1),
}


def _meta(grade_id: str, *, grade=False, solution=False, locked=False, points=None) -> dict:
    meta = {"grade": grade, "solution": solution, "locked": locked, "grade_id": grade_id,
            "schema_version": 3}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def sample_notebook(questions: dict | None = None) -> nbformat.NotebookNode:
    """The source notebook (with solutions and hidden tests) of the sample assignment."""
    questions = questions or QUESTIONS
    cells = [new_code_cell("from grader.check import check", metadata=_meta("setup", locked=True)),
             new_markdown_cell("# Sample exercise\nAnswer each question, then run its check.",
                               metadata=_meta("intro", locked=True))]
    for name, (kind, prompt, answer, check_kw, points) in questions.items():
        label = name[1:].replace("_", ".")
        cells.append(new_markdown_cell(f"**Question {label}** · {points:g} point(s)\n\n{prompt}",
                                       metadata=_meta(f"{name}_text", locked=True)))
        cells.append(new_code_cell(
            f"# Replace ... with your answer\n{name} = ...\n### BEGIN SOLUTION\n{name} = {answer!r}\n"
            "### END SOLUTION", metadata=_meta(name, solution=True)))
        kw = ", ".join(f"{k}={v!r}" for k, v in {"kind": kind, **check_kw}.items())
        cells.append(new_code_cell(f'check("{name}", {name}, {kw})',
                                   metadata=_meta(f"{name}_check", locked=True)))
        cells.append(new_code_cell(
            "# Hidden tests check this answer when your trainer grades the notebook.\n"
            "### BEGIN HIDDEN TESTS\nfrom grader.check import grade\n"
            f'grade("{name}", {name}, kind="{kind}", answer={answer!r}, points={points})\n'
            "### END HIDDEN TESTS",
            metadata=_meta(f"{name}_test", grade=True, locked=True, points=points)))
    cells.append(new_markdown_cell("**Question 0.9** · 2 points\n\nWrite what you would say. "
                                   "Rubric: empathy (1), a next step (1).",
                                   metadata=_meta("q0_9_text", locked=True)))
    cells.append(new_markdown_cell("### BEGIN SOLUTION\nI understand how annoying this is; I will "
                                   "call you back by 5 pm.\n### END SOLUTION",
                                   metadata=_meta("q0_9", grade=True, solution=True, points=2)))
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def write_sample_source(source_dir: Path, assignment: str = ASSIGNMENT) -> Path:
    """Write ``source_dir/<assignment>/<assignment>.ipynb`` and return the notebook path."""
    path = source_dir / assignment / f"{assignment}.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(sample_notebook(), path)
    return path


def build_sample_course(base: Path, n_learners: int = 12, seed: int = 11):
    """A prepared sample course in ``base``: source, gradebook with the assignment and a
    synthetic cohort's submissions (not graded). Returns the workspace."""
    from .learners import make_learners, write_submissions
    from ..workflow import Workspace, add_learners, prepare

    write_sample_source(base / "source")
    ws = Workspace(base / "course", source=base / "source")
    prepare(ws, [ASSIGNMENT])
    learners = make_learners(n_learners, seed=seed)
    add_learners(ws, learners)
    write_submissions(learners, ASSIGNMENT, ws.release, base / "source", ws.submitted, seed=seed)
    return ws
