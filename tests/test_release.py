"""exercises/ is exactly what `academy build` makes from solutions/, and gives nothing away."""
from __future__ import annotations

import filecmp
import json
import re
from pathlib import Path

import nbformat
import pytest

from grader import course, paths
from grader.check import unseal

pytestmark = pytest.mark.xdist_group("release")


@pytest.fixture(scope="module")
def fresh_release(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("release")
    course.build(release_dir=out)
    return out


def test_exercises_in_sync_with_solutions(fresh_release):
    """Is every file in exercises/ byte-identical to a fresh build, with nothing extra or missing?"""
    built = {p.relative_to(fresh_release) for p in course.iter_release_files(fresh_release)}
    committed = {p.relative_to(paths.EXERCISES) for p in course.iter_release_files(paths.EXERCISES)}
    assert built == committed, "exercises/ is out of date: run 'make build' and commit"
    diff = [str(p) for p in built if not filecmp.cmp(fresh_release / p, paths.EXERCISES / p, shallow=False)]
    assert not diff, f"exercises/ is out of date ({diff}): run 'make build' and commit"


def test_every_assignment_is_released():
    """Does each assignment in solutions/ have its notebooks in exercises/?"""
    for aid in course.assignments():
        for nb in course.notebooks(aid):
            assert (paths.EXERCISES / aid / nb.name).exists()


def test_build_is_idempotent(tmp_path):
    """Does building twice change nothing the second time?"""
    aid = course.assignments()[:1]
    course.build(release_dir=tmp_path, assignment_ids=aid)
    assert course.build(release_dir=tmp_path, assignment_ids=aid)["changed"] == []


def _released_notebooks():
    return sorted(paths.EXERCISES.rglob("*.ipynb"))


@pytest.mark.parametrize("nb_path", _released_notebooks(), ids=lambda p: p.parent.name)
def test_release_holds_no_solution_or_hidden_test(nb_path):
    """Does a released notebook hold no solution region, no hidden test and no readable key?"""
    text = nb_path.read_text(encoding="utf-8")
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS",
                   "grade(", "answer="):
        assert marker not in text, f"{nb_path}: contains {marker!r}"
    solutions_nb = nbformat.read(paths.SOLUTIONS / nb_path.parent.name / nb_path.name, as_version=4)
    release_nb = nbformat.read(nb_path, as_version=4)
    released_src = "\n".join(c.source for c in release_nb.cells)
    for cell in solutions_nb.cells:
        for region in re.findall(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", cell.source, re.S):
            for line in region.strip().splitlines():
                if len(line.strip()) > 12:
                    assert line.strip() not in released_src, f"{nb_path}: solution line released: {line!r}"
    for cell in release_nb.cells:
        for sealed in re.findall(r'sealed="([^"]+)"', cell.source):
            unseal(sealed)  # every sealed spec decodes


def test_committed_notebooks_have_no_outputs():
    """Are all notebooks in course/, solutions/ and exercises/ committed without outputs?"""
    bad = []
    for folder in (paths.COURSE, paths.SOLUTIONS, paths.EXERCISES):
        for nb_path in folder.rglob("*.ipynb"):
            if ".ipynb_checkpoints" in nb_path.parts:
                continue
            nb = json.loads(nb_path.read_text(encoding="utf-8"))
            if any(c.get("outputs") or c.get("execution_count") for c in nb["cells"] if c["cell_type"] == "code"):
                bad.append(str(nb_path.relative_to(paths.ROOT)))
    assert not bad, f"notebooks with outputs (clear them): {bad}"
