"""Item statistics: how hard each question is and how well it separates strong from weak learners.

Classical test theory, computed on the fraction of a question's points each learner earned
(partial credit allowed):

* **difficulty** (p-value): the mean fraction earned; 0.9 is an easy item, 0.3 a hard one.
* **item-rest correlation** (corrected item-total correlation): Pearson correlation between the
  item and the learner's total *without that item*, so the item does not correlate with itself.
  Below about 0.2 the item does not measure what the rest of the test measures.
* **upper-lower index D** (Kelley's 27 %): mean on the item in the top 27 % of learners by total
  minus the mean in the bottom 27 %; from -1 to 1, 0.3 and above is good, negative is a warning.

Learners who did not submit an assignment are left out of its items (not counted as zero), and
totals are taken over the assignments each learner submitted, as percentages. All of it is
vectorised over a learner × item matrix: 10,000 learners × 100 items take well under a second.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .. import i18n
from ..i18n import _

KELLEY = 0.27


def item_matrix(table: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """(learner × item matrix of fractions earned, max points per item) from a grade table.

    Items are ``assignment/question``; manually graded items still waiting for a grader are
    left out (NaN) so they do not count as zero.
    """
    keep = table.max_score.to_numpy(dtype=float) > 0
    if "needs_manual_grade" in table:
        keep &= ~table.needs_manual_grade.to_numpy(dtype=bool)
    # items as (assignment, question) code pairs: no string per row, whatever the cohort's size
    a_codes, a_names = _codes(table.assignment, keep)
    q_codes, q_names = _codes(table.question, keep)
    ii, pairs = pd.factorize(a_codes.astype(np.int64) * max(len(q_names), 1) + q_codes, sort=True)
    names = [f"{a_names[p // len(q_names)]}/{q_names[p % len(q_names)]}" for p in pairs]
    li, learners = _codes(table.learner, keep)
    x = np.full((len(learners), len(names)), np.nan)
    points = table.max_score.to_numpy(dtype=float)[keep]
    frac = np.clip(table.score.to_numpy(dtype=float)[keep] / points, 0, 1)
    x[li, ii] = frac  # one grade per learner and item (the gradebook's own key)
    maxima = np.zeros(len(names))
    np.maximum.at(maxima, ii, points)
    wide = pd.DataFrame(x, index=pd.Index(np.asarray(learners), name="learner"),
                        columns=pd.Index(names, name="item"))
    return wide, pd.Series(maxima, index=wide.columns)


def _codes(col: pd.Series, keep: np.ndarray) -> tuple[np.ndarray, pd.Index]:
    """(codes of the kept rows, the names they index, in order). A categorical's own small codes
    and its category order (as pandas.factorize(sort=True) would give), only categories in use;
    anything else factorized."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        cats = col.cat.categories
        codes = col.cat.codes.to_numpy()[keep]
        used = np.bincount(codes, minlength=len(cats)) > 0  # ids are never missing
        if used.all():
            return codes, pd.Index(cats)
        return (np.cumsum(used) - 1)[codes], pd.Index(cats[used])
    codes, names = pd.factorize(col[keep], sort=True)
    return codes, pd.Index(names)


def _groups(total: np.ndarray, fraction: float) -> tuple[np.ndarray, np.ndarray]:
    """Indices of the upper and lower groups (ties broken by position, i.e. learner id)."""
    n = len(total)
    g = max(1, int(round(fraction * n)))
    order = np.argsort(-total, kind="stable")
    return order[:g], order[::-1][:g]


def item_stats(wide: pd.DataFrame, maxima: pd.Series | None = None,
               fraction: float = KELLEY) -> pd.DataFrame:
    """Difficulty, item-rest correlation and upper-lower index for every column of ``wide``.

    ``wide``: learners × items, fraction of points earned (NaN = not attempted).
    ``maxima``: points per item, to weight the totals; equal weights if omitted.
    """
    x = wide.to_numpy(dtype=float)
    w = np.ones(x.shape[1]) if maxima is None else maxima.to_numpy(dtype=float)
    seen = ~np.isnan(x)
    pts = np.where(seen, x, 0.0) * w
    possible = seen @ w
    with np.errstate(invalid="ignore", divide="ignore"):
        total_pct = np.where(possible > 0, pts.sum(axis=1) / possible, np.nan)
    rows = []
    valid = ~np.isnan(total_pct)
    upper, lower = _groups(np.where(valid, total_pct, -np.inf)[valid], fraction)
    idx = np.flatnonzero(valid)
    upper, lower = idx[upper], idx[lower]
    total_pts = pts.sum(axis=1)
    for j, name in enumerate(wide.columns):
        m = seen[:, j]
        xj = x[m, j]
        rest_pts = total_pts[m] - pts[m, j]
        rest_possible = possible[m] - w[j]
        with np.errstate(invalid="ignore", divide="ignore"):
            rest = np.where(rest_possible > 0, rest_pts / rest_possible, np.nan)
        r = _pearson(xj, rest)
        d = np.nanmean(x[upper, j]) - np.nanmean(x[lower, j]) if m[upper].any() and m[lower].any() else np.nan
        rows.append((name, int(m.sum()), float(xj.mean()) if len(xj) else np.nan, r, float(d)))
    out = pd.DataFrame(rows, columns=["item", "n", "difficulty", "item_rest_r", "upper_lower_d"])
    return out.set_index("item")


def _pearson(a: np.ndarray, b: np.ndarray) -> float:
    """scipy's Pearson r over the pairs where both are known; NaN below 3 pairs or when either
    side does not vary (scipy's own answer there, without its warning)."""
    from scipy.stats import pearsonr

    ok = ~(np.isnan(a) | np.isnan(b))
    a, b = a[ok], b[ok]
    if len(a) < 3 or np.ptp(a) == 0 or np.ptp(b) == 0:
        return float("nan")
    return float(pearsonr(a, b).statistic)


def flag(stats: pd.DataFrame) -> pd.Series:
    """A plain-words verdict per item for the report (in the current language)."""
    def one(r) -> str:
        if np.isnan(r.difficulty):
            return _("no data")
        notes = []
        if r.difficulty >= 0.95:
            notes.append(_("almost everyone gets it right"))
        elif r.difficulty <= 0.25:
            notes.append(_("very hard: check the teaching or the key"))
        if not np.isnan(r.upper_lower_d) and r.upper_lower_d < 0:
            notes.append(_("weaker learners do better: check the key and the wording"))
        elif (not np.isnan(r.item_rest_r) and r.item_rest_r < 0.2) or \
                (not np.isnan(r.upper_lower_d) and r.upper_lower_d < 0.2):
            notes.append(_("separates strong from weak learners poorly"))
        return i18n.join(notes, "clause") or _("fine")
    return stats.apply(one, axis=1)
