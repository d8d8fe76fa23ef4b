"""Competency-gap analysis (Module 5): the table, the chart and the explorer."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pandas as pd
import pytest

from grader.widgets import competency_gap as cg

REQ = pd.DataFrame({"role": ["tl"] * 3, "competency": ["coaching", "planning", "communication"],
                    "required_level": [4, 3, 4]})
RAT = pd.DataFrame({"employee_id": ["E1"] * 3, "competency": ["coaching", "planning", "communication"],
                    "rating": [2, 3, 5]})


def test_gap_counts_shortfalls_only():
    """Is a surplus in one competency kept apart rather than cancelling a shortfall in another?"""
    t = cg.gap_table(REQ, RAT, "E1", "tl")
    assert t.iloc[0].to_dict() == {"competency": "coaching", "required": 4, "current": 2, "gap": 2, "surplus": 0}
    assert int(t["gap"].sum()) == 2 and int(t["surplus"].sum()) == 1


def test_bad_inputs_are_explained():
    """Does an unknown role, an unknown person or a missing rating give a clear message?"""
    with pytest.raises(ValueError, match="roles: tl"):
        cg.compare(REQ, RAT, "E1", "manager")
    with pytest.raises(ValueError, match="No ratings for 'E9'"):
        cg.compare(REQ, RAT, "E9", "tl")
    with pytest.raises(ValueError, match="no rating for: communication"):
        cg.compare(REQ, RAT.iloc[:2], "E1", "tl")


def test_chart_shows_both_profiles():
    """Does the chart draw one required and one current bar per competency, labelled?"""
    ax = cg.required_vs_current(cg.compare(REQ, RAT, "E1", "tl"), title="E1")
    assert len(ax.patches) == 6
    assert [t.get_text() for t in ax.get_yticklabels()] == ["coaching", "planning", "communication"]


def test_explorer_on_the_course_data():
    """Does the explorer build on the course's datasets and refresh when the role changes?"""
    from grader.datasets import load

    ex = cg.GapExplorer(load("competency_requirements.csv"), load("competency_ratings.csv"), load("roster.csv"))
    ex.role.value = "data_specialist"
    assert ex.person.value.startswith("E")


def test_explorer_can_hold_back_the_exercise_person():
    """Can a lesson leave out the person a graded exercise is about, so the explorer does not
    hand over that exercise's answers?"""
    from grader.datasets import load

    ex = cg.GapExplorer(load("competency_requirements.csv"), load("competency_ratings.csv"),
                        exclude=("E2003",))
    assert "E2003" not in [v for _, v in ex.person.options]


def test_learners_read_words_not_ids():
    """Do the chart and the role chooser show 'case analysis' and 'QA / trainer', not raw ids?"""
    import matplotlib
    import pandas as pd

    matplotlib.use("Agg")
    from grader.widgets.competency_gap import required_vs_current, words

    assert words("case_analysis") == "case analysis" and words("qa_trainer") == "QA / trainer"
    t = pd.DataFrame({"competency": ["case_analysis", "data_analysis"], "required": [3, 4], "current": [2, 4]})
    ax = required_vs_current(t)
    assert [x.get_text() for x in ax.get_yticklabels()] == ["case analysis", "data analysis"]
