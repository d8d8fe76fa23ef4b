"""Every exercise reads in order: each question heading once, numbered upwards, points as graded."""
from __future__ import annotations

import re

import pytest

from grader import course
from grader.nbgrader_ext import question_specs

from checks_support import notebooks

AIDS = course.assignments()


@pytest.mark.parametrize("aid", AIDS)
def test_each_question_appears_once_in_order_with_its_points(aid):
    """Is every 'Question X.Y' heading shown once, in ascending order, with the points its hidden
    test (or manual grade cell) gives?"""
    src, _ = notebooks(aid)
    heads = [(m.group(1), m.group(2)) for c in src.cells if c.cell_type == "markdown"
             for m in re.finditer(r"\*\*Question (\d+)\.(\d+)\*\* · (\d+)", c.source)]
    labels = [f"q{a}_{b}" for a, b in heads]
    assert len(labels) == len(set(labels)), f"{aid}: a question heading appears twice"
    numbers = [int(b) for _, b in heads]
    assert numbers == sorted(numbers), f"{aid}: questions out of order {numbers}"
    points = {c.metadata["nbgrader"]["grade_id"].removesuffix("_test"): c.metadata["nbgrader"]["points"]
              for c in src.cells if c.metadata.get("nbgrader", {}).get("grade")}
    shown = {f"q{m.group(1)}_{m.group(2)}": float(m.group(3)) for c in src.cells if c.cell_type == "markdown"
             for m in re.finditer(r"\*\*Question (\d+)\.(\d+)\*\* · (\d+)", c.source)}
    for name, pts in shown.items():
        assert points.get(name) == pts, f"{aid} {name}: heading says {pts:g}, graded {points.get(name)}"
    graded = set(question_specs(src)) | {n for n in points}
    assert set(shown) <= graded
