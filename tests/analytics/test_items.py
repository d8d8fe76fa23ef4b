"""Item difficulty and discrimination match a published worked example and independent maths."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from grader.analytics.items import item_matrix, item_stats

# "Item Analysis Worksheet" (studylib.net/doc/25270846): ten students, ten 1-point questions,
# upper and lower groups are the top and bottom five by total. Published answers per question:
# difficulty p and discrimination D = (correct in upper - correct in lower) / 5.
WORKSHEET = {
    "Joe": "1111111111", "Dave": "1111111101", "Sujie": "1101111100", "Darrell": "0111110101",
    "Eliza": "1110111001", "Zoe": "1110110100", "Grace": "0110110101", "Hannah": "0111001010",
    "Ricky": "1110100001", "Anita": "0100010010",
}
PUBLISHED_P = [0.6, 1.0, 0.8, 0.5, 0.8, 0.8, 0.5, 0.6, 0.3, 0.6]
PUBLISHED_D = [0.4, 0.0, 0.0, 0.6, 0.4, 0.4, 0.6, 0.4, -0.2, 0.4]


def _wide(data: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame({name: [int(c) for c in row] for name, row in data.items()},
                        index=[f"Q{i}" for i in range(1, 11)]).T.astype(float)


def test_matches_published_worksheet():
    """Do difficulty and the upper-lower index reproduce the worksheet's published answers?"""
    s = item_stats(_wide(WORKSHEET), fraction=0.5)
    np.testing.assert_allclose(s.difficulty.values, PUBLISHED_P)
    np.testing.assert_allclose(s.upper_lower_d.values, PUBLISHED_D, atol=1e-12)


def test_item_rest_correlation_equals_scipy():
    """Is the corrected item-total correlation Pearson's r of the item with the rest score?"""
    wide = _wide(WORKSHEET)
    s = item_stats(wide, fraction=0.5)
    for q in ["Q1", "Q4", "Q9"]:
        rest = wide.drop(columns=q).mean(axis=1)
        assert s.loc[q, "item_rest_r"] == pytest.approx(sps.pearsonr(wide[q], rest)[0])
    assert np.isnan(s.loc["Q2", "item_rest_r"]), "an item everyone got right has no correlation"
    assert s.loc["Q9", "item_rest_r"] < 0 < s.loc["Q4", "item_rest_r"]


def test_gradebook_table_partial_credit_and_missing():
    """Are partial credit, unsubmitted assignments and ungraded written answers handled?"""
    rows = []
    for l, (a, b, c) in {"l1": (1, 2, 1), "l2": (0, 1, 0), "l3": (1, 0, 1), "l4": (0, 2, None)}.items():
        rows.append(("A1", "q1", l, a, 1, False))
        rows.append(("A1", "q2", l, b, 2, False))
        if c is not None:
            rows.append(("A2", "q3", l, c, 1, False))
        rows.append(("A1", "w", l, 0, 3, True))
    t = pd.DataFrame(rows, columns=["assignment", "question", "learner", "score", "max_score",
                                    "needs_manual_grade"])
    wide, maxima = item_matrix(t)
    assert list(wide.columns) == ["A1/q1", "A1/q2", "A2/q3"]
    assert wide.loc["l2", "A1/q2"] == 0.5 and np.isnan(wide.loc["l4", "A2/q3"])
    s = item_stats(wide, maxima)
    assert s.loc["A2/q3", "n"] == 3 and s.loc["A1/q2", "difficulty"] == pytest.approx(0.625)
