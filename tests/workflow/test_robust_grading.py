"""One learner's broken submission never stops the cohort and never costs anyone else's grades.

A cohort of 12 is graded twice with real nbgrader: once as submitted, once after ten learners
each broke their notebook in one way. Every broken learner is graded as far as possible (the
questions they did not break score exactly as in the clean run) or reported with the learner,
the notebook and what to do; the two untouched learners score exactly as before.
"""
from __future__ import annotations

import copy
import shutil

import pytest

from grader.synthetic.sample_course import ASSIGNMENT
from grader.workflow import Workspace, autograde, grade_table

from .conftest import cell, edit, learner_ids, notebook_of

pytestmark = pytest.mark.nbgrader
TIMEOUT = 5  # seconds per cell, instead of the course's 60


def _scores(ws: Workspace):
    t = grade_table(ws.db_url)
    return {(r.learner, r.question): r.score for r in t.itertuples() if r.question != "q0_9"}


def _copy(prepared, dest) -> Workspace:
    shutil.copytree(prepared, dest)
    return Workspace(dest / "course", source=dest / "source")


@pytest.fixture(scope="module")
def clean(prepared, tmp_path_factory):
    ws = _copy(prepared, tmp_path_factory.mktemp("clean") / "c")
    results = autograde(ws, ASSIGNMENT, learner_ids(ws), progress=False, timeout=TIMEOUT)
    assert all(r.ok for r in results), [r.message for r in results]
    return _scores(ws)


def _delete(nb):
    nb.cells.remove(cell(nb, "q0_1_test"))


def _duplicate(nb):
    c = cell(nb, "q0_2_test")
    nb.cells.insert(nb.cells.index(c), copy.deepcopy(c))


def _retype(nb):
    c = cell(nb, "q0_3_test")
    c.cell_type = "markdown"
    c.pop("outputs", None)
    c.pop("execution_count", None)


def _cheat(nb):
    cell(nb, "q0_1_check").source = "q0_1 = 'C'  # locked cell edited to force the right answer"


def _loop(nb):
    cell(nb, "q0_2").source = "while True:\n    pass\nq0_2 = 80"


def _exception(nb):
    cell(nb, "q0_3").source = "q0_3 = ['A', 'C'][5]"


def _huge(nb):
    cell(nb, "q0_4").source = "print('x' * 3_000_000)\nprint('line\\n' * 100_000)\n" + cell(nb, "q0_4").source


def _wrong_type(nb):
    cell(nb, "q0_2").source = "q0_2 = '80%'"


BREAKAGES = ["invalid_json", "missing", "deleted", "duplicated", "retyped", "cheat", "loop",
             "exception", "huge", "wrong_type"]
AFFECTED = {"deleted": set(), "duplicated": set(), "retyped": set(), "cheat": set(),
            "loop": {"q0_2"}, "exception": {"q0_3"}, "huge": set(), "wrong_type": {"q0_2"}}


@pytest.fixture(scope="module")
def broken(prepared, clean, tmp_path_factory):
    ws = _copy(prepared, tmp_path_factory.mktemp("broken") / "c")
    ids = learner_ids(ws)
    # the cheat only shows if the learner's own q0_1 was wrong
    cheater = next(l for l in ids if clean[(l, "q0_1")] == 0)
    others = [l for l in ids if l != cheater]
    who = dict(zip([b for b in BREAKAGES if b != "cheat"], others))
    who["cheat"] = cheater
    controls = [l for l in ids if l not in who.values()]
    assert len(controls) >= 2
    notebook_of(ws, who["invalid_json"]).write_text('{"cells": [ {"cell_type": "code", ', encoding="utf-8")
    nb = notebook_of(ws, who["missing"])
    nb.rename(nb.with_name(f"Copy of {ASSIGNMENT}.ipynb"))
    for kind, change in [("deleted", _delete), ("duplicated", _duplicate), ("retyped", _retype),
                         ("cheat", _cheat), ("loop", _loop), ("exception", _exception),
                         ("huge", _huge), ("wrong_type", _wrong_type)]:
        edit(ws, who[kind], change)
    results = {r.learner: r for r in autograde(ws, ASSIGNMENT, ids, progress=False, timeout=TIMEOUT)}
    return ws, who, controls, results, _scores(ws)


def _same_as_clean(clean, scores, learner, except_=()):
    diff = {q: (clean[(l, q)], scores.get((l, q))) for (l, q) in clean
            if l == learner and q not in except_ and clean[(l, q)] != scores.get((l, q))}
    assert not diff, f"{learner}: scores changed on questions not broken: {diff}"


def test_untouched_learners_identical(broken, clean):
    """Do learners who broke nothing score exactly as in a clean run, whatever the others did?"""
    ws, who, controls, results, scores = broken
    for l in controls:
        assert results[l].ok and results[l].status == "graded"
        _same_as_clean(clean, scores, l)


def test_invalid_json_reported(broken, clean):
    """Is a notebook that is not valid JSON reported with learner, notebook and what to do?"""
    ws, who, controls, results, scores = broken
    r = results[who["invalid_json"]]
    assert not r.ok and r.status == "failed"
    assert who["invalid_json"] in r.message and f"{ASSIGNMENT}.ipynb" in r.message
    assert "not valid notebook JSON" in r.message and "submit it again" in r.message


def test_missing_notebook_reported(broken):
    """Is a missing notebook reported, pointing at the misnamed copy to rename?"""
    ws, who, controls, results, scores = broken
    r = results[who["missing"]]
    assert not r.ok and who["missing"] in r.message
    assert f"Copy of {ASSIGNMENT}.ipynb" in r.message and "rename it" in r.message


@pytest.mark.parametrize("kind", ["deleted", "duplicated", "retyped"])
def test_grade_cell_changes_graded_as_clean(broken, clean, kind):
    """Is a deleted, duplicated or retyped hidden-test cell repaired and graded as if untouched?"""
    ws, who, controls, results, scores = broken
    r = results[who[kind]]
    assert r.ok, r.message
    assert r.notes, "the trainer should hear what the learner changed"
    _same_as_clean(clean, scores, who[kind])


def test_edited_locked_cell_cannot_cheat(broken, clean):
    """Does editing a locked cell to force the right answer change nothing in the grade?"""
    ws, who, controls, results, scores = broken
    l = who["cheat"]
    assert scores[(l, "q0_1")] == 0
    assert any("locked cell q0_1_check was edited" in n for n in results[l].notes)
    _same_as_clean(clean, scores, l)


def test_endless_loop_stopped_per_cell(broken, clean):
    """Is an endless loop stopped at the per-cell time limit, with the rest graded?"""
    ws, who, controls, results, scores = broken
    l = who["loop"]
    r = results[l]
    assert r.ok and scores[(l, "q0_2")] == 0
    assert any("q0_2" in n and "time limit" in n for n in r.notes)
    _same_as_clean(clean, scores, l, except_={"q0_2"})
    assert r.seconds < 60, "one runaway cell must not hold up the cohort for long"


def test_exception_graded_around(broken, clean):
    """Does an error in one answer cell cost only that question, with the error named?"""
    ws, who, controls, results, scores = broken
    l = who["exception"]
    assert scores[(l, "q0_3")] == 0
    assert any("q0_3" in n and "IndexError" in n for n in results[l].notes)
    _same_as_clean(clean, scores, l, except_={"q0_3"})


def test_huge_output_capped(broken, clean):
    """Is a huge output truncated in the graded notebook without changing any score?"""
    ws, who, controls, results, scores = broken
    l = who["huge"]
    graded = ws.root / "autograded" / l / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    assert graded.stat().st_size < 300_000
    _same_as_clean(clean, scores, l)


def test_wrong_type_scores_zero_with_note(broken, clean):
    """Does an answer of the wrong type earn zero for that question, with a note saying why?"""
    ws, who, controls, results, scores = broken
    l = who["wrong_type"]
    assert scores[(l, "q0_2")] == 0
    assert any("q0_2 should be a number" in n for n in results[l].notes)
    _same_as_clean(clean, scores, l, except_={"q0_2"})
