"""A learner's score: the one definition the demo summary, the report and the risk list share.

A learner's score is the average of their percentages on the assignments they submitted, each
assignment counting the same. An assignment's percentage counts the answers graded so far:
every auto-graded answer, and written answers once a trainer has marked them; a written answer
still waiting for a trainer is left out of both the points earned and the points possible until
it is marked. :data:`SCORE_DEFINITION` says this in one sentence for trainers, and
:func:`format_score` is how both outputs print it (a whole percent).

The track pass marks are a different rule, per assignment, kept by :mod:`grader.tracks`.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..i18n import N_

# In English; the report and the demo summary show it in their language with _(SCORE_DEFINITION).
SCORE_DEFINITION = N_("A learner's score is the average of their percentages on the assignments they "
                      "submitted; each percentage counts the answers graded so far, and a written "
                      "answer still waiting for a trainer is left out until it is marked.")


def format_score(percent: float) -> str:
    """A score as both outputs print it: a whole percent, or a dash when there is none."""
    return "–" if percent is None or pd.isna(percent) else f"{percent:.0f}%"


def learner_averages(table: pd.DataFrame | None = None, *, per: pd.DataFrame | None = None) -> pd.Series:
    """Each learner's score (see the module docstring), indexed by learner, in percent: from a
    grade table, or from its :func:`learner_scores` ``per`` when already computed."""
    per = learner_scores(table) if per is None else per
    return per.groupby("learner", observed=True).percent.mean()


def learner_scores(table: pd.DataFrame) -> pd.DataFrame:
    """Per learner × assignment: points graded so far, their possible points and the percent."""
    per = submission_totals(table, auto_only=True).drop(columns="needs_manual_grade")
    per["percent"] = 100 * per.score / per.max_score.where(per.max_score > 0)
    return per


def submission_totals(table: pd.DataFrame, *, auto_only: bool = False) -> pd.DataFrame:
    """Per learner × assignment: score, max_score and needs_manual_grade (any grade waiting);
    with ``auto_only`` the grades still waiting for a trainer are left out of the sums.

    Summed with numpy's bincount over (learner, assignment) codes: on a million grades it needs a
    few arrays of one number per grade, where a group-by needs several times that.
    """
    needs = table.needs_manual_grade.to_numpy(dtype=bool) if "needs_manual_grade" in table \
        else np.zeros(len(table), dtype=bool)
    keep = ~needs if auto_only and needs.any() else None
    lc, learners = _codes(table.learner, keep)
    ac, assignments = _codes(table.assignment, keep)
    n_a = max(len(assignments), 1)
    key = lc.astype(np.int64) * n_a + ac
    score = table.score.to_numpy(dtype=float)
    points = table.max_score.to_numpy(dtype=float)
    if keep is not None:
        score, points, needs = score[keep], points[keep], needs[keep]
    size = len(learners) * n_a
    if size <= 4 * len(key) + 1024:  # dense: one slot per learner and assignment
        pairs = np.flatnonzero(np.bincount(key, minlength=size))
        got, possible, waiting = (np.bincount(key, weights=w, minlength=size)[pairs]
                                  for w in (score, points, needs))
    else:  # a sparse cohort: only the pairs that occur
        pairs, inv = np.unique(key, return_inverse=True)
        got, possible, waiting = (np.bincount(inv, weights=w) for w in (score, points, needs))
    return pd.DataFrame({"learner": pd.Categorical.from_codes(pairs // n_a, categories=learners),
                         "assignment": pd.Categorical.from_codes(pairs % n_a, categories=assignments),
                         "score": got, "max_score": possible, "needs_manual_grade": waiting > 0})


def _codes(col: pd.Series, keep: np.ndarray | None) -> tuple[np.ndarray, pd.Index]:
    """(codes of the kept rows, unique values): a categorical's own codes, else factorized."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        codes = col.cat.codes.to_numpy()
        return (codes if keep is None else codes[keep]), pd.Index(col.cat.categories)
    codes, uniques = pd.factorize(col if keep is None else col[keep])
    return codes, pd.Index(uniques)
