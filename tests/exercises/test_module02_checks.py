"""Module 2's exercise: answers follow from the data; written questions have rubrics.

What holds for every question of every exercise is in test_released_checks.py."""
from __future__ import annotations

import pytest

from grader.datasets import load

from checks_support import answers, notebooks

A = "02-emotion-management-supervisor"
SRC, REL = notebooks(A)
ANSWERS = answers(SRC)
AGENT_SRC, _ = notebooks("02-emotion-management-agent")


def test_answers_follow_from_the_data():
    """Are the sealed dip slot and figures what the committed mood data gives?"""
    c, k = load("mood_checkins.csv"), load("mood_calls.csv")
    by = c.groupby(["weekday", "hour"]).mood.mean()
    wd, hr = by.idxmin()
    assert ANSWERS["q2_11"] == {"weekday": wd, "hour": int(hr)}
    assert ANSWERS["q2_12"] == pytest.approx(by.min(), abs=0.001)
    slot = c[(c.weekday == wd) & (c.hour == hr)]
    assert ANSWERS["q2_13"] == pytest.approx(100 * (slot.stress >= 4).mean(), abs=0.01)
    m = k[(k.weekday == "Monday") & k.hour.isin([9, 10])]
    assert ANSWERS["q2_14"] == pytest.approx(100 * m.complaints.sum() / m.calls.sum(), abs=0.01)


def test_manual_questions_have_rubrics_and_model_answers():
    """Do both written questions carry points, a rubric the trainer sees and a model answer?"""
    by_id = {c.metadata.get("nbgrader", {}).get("grade_id"): c for nb in (AGENT_SRC, SRC) for c in nb.cells}
    for q in ("q2_5", "q2_15"):
        meta = by_id[q].metadata["nbgrader"]
        assert meta["grade"] and meta["solution"] and meta["points"] == 3
        assert "BEGIN SOLUTION" in by_id[q].source
        assert "Rubric" in by_id[q + "_task"].source
