"""Fixtures for workflow tests: a prepared sample course, copied fresh for each test.

Preparing a course (nbgrader generate_assignment into a new gradebook) takes a while, so it is
done once per session and each test gets its own copy of the folder.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest

from grader.synthetic.sample_course import ASSIGNMENT, build_sample_course
from grader.workflow import Workspace

N_LEARNERS = 12


@pytest.fixture(scope="session")
def prepared(tmp_path_factory) -> Path:
    """A sample course folder: source, gradebook with the assignment and 12 learners, submissions."""
    base = tmp_path_factory.mktemp("sample-course")
    build_sample_course(base, N_LEARNERS, seed=11)
    return base


@pytest.fixture
def sample_ws(prepared, tmp_path) -> Workspace:
    """A private copy of the prepared sample course."""
    shutil.copytree(prepared, tmp_path / "c")
    return Workspace(tmp_path / "c" / "course", source=tmp_path / "c" / "source")


def learner_ids(ws: Workspace) -> list[str]:
    return sorted(p.name for p in ws.submitted.iterdir())


def notebook_of(ws: Workspace, learner: str) -> Path:
    return ws.submitted / learner / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"


def edit(ws: Workspace, learner: str, change) -> None:
    """Apply ``change(nb)`` to a learner's submitted notebook."""
    path = notebook_of(ws, learner)
    nb = nbformat.read(path, as_version=4)
    change(nb)
    nbformat.write(nb, path)


def cell(nb, grade_id: str):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)
