"""Learners at risk are found for the right reasons."""
from __future__ import annotations

import pandas as pd

from grader.analytics.risk import at_risk


def _table(rows):
    return pd.DataFrame([(l, a, "q", s, 10, False) for l, a, s in rows],
                        columns=["learner", "assignment", "question", "score", "max_score", "needs_manual_grade"])


def test_behind_low_and_failed_checks():
    """Is each learner flagged with every reason that applies, and nobody else?"""
    t = _table([("ana", "A1", 9), ("ana", "A2", 9), ("ben", "A1", 8), ("cai", "A1", 3), ("cai", "A2", 4),
                ("dee", "A1", 9), ("dee", "A2", 8)])
    checks = pd.DataFrame({"learner": ["dee"] * 6, "question": "q", "status": ["incorrect"] * 5 + ["correct"]})
    r = at_risk(t, ["ana", "ben", "cai", "dee"], checks).set_index("learner")
    assert set(r.index) == {"ben", "cai", "dee"}
    assert r.loc["ben", "reasons"] == ["behind: has not submitted A2 (most of the cohort has)"]
    assert r.loc["cai", "reasons"] == ["low score: 35%, below 50%"]
    assert r.loc["dee", "reasons"] == ["many failed self-checks: 5 of 6 not correct"]
