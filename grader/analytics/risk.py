"""Learners at risk, each with the reasons a trainer can act on.

Three signals, each optional:

* **behind**: missing assignments that most of the cohort (at least half) has already submitted;
* **low scores**: average auto-graded score below ``low_pct`` (default 50 %), or in the bottom
  tenth of the cohort when the cohort has at least 20 learners;
* **failed self-checks**: where check logs were collected (``.academy/checks.jsonl``), at least
  ``min_checks`` checks and more than ``fail_share`` of them not correct.

A learner appears once, with every reason that applies, most reasons first.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

FAILED = {"incorrect", "form", "partial"}


def learner_scores(table: pd.DataFrame) -> pd.DataFrame:
    """Per learner × assignment: auto-graded points, possible points and percent."""
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


def read_check_logs(folders: list[Path]) -> pd.DataFrame:
    """(learner, question, status) from ``<folder>/<learner>/**/.academy/checks.jsonl`` files."""
    rows = []
    for base in folders:
        for log in sorted(Path(base).glob("*/**/.academy/checks.jsonl")):
            learner = log.relative_to(base).parts[0]
            for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
                try:
                    r = json.loads(line)
                    rows.append((learner, r["question"], r["status"]))
                except (ValueError, KeyError, TypeError):
                    continue
    return pd.DataFrame(rows, columns=["learner", "question", "status"])


def at_risk(table: pd.DataFrame, learners: list[str], checks: pd.DataFrame | None = None, *,
            low_pct: float = 50.0, min_checks: int = 5, fail_share: float = 0.6) -> pd.DataFrame:
    """Columns: learner, reasons (list of sentences), average %, submitted, expected."""
    per = learner_scores(table)
    submitted = per.groupby("assignment").learner.nunique()
    n = max(1, len(learners))
    common = sorted(a for a, k in submitted.items() if k >= n / 2)
    idx = pd.Index(learners, name="learner")
    done = (per[per.assignment.isin(common)].assign(one=True)
            .pivot_table(index="learner", columns="assignment", values="one", aggfunc="any")
            .reindex(index=idx, columns=common).notna())
    n_done = per.groupby("learner").size().reindex(idx).fillna(0).astype(int)
    avg = per.groupby("learner").percent.mean().reindex(idx)
    cutoff = avg.quantile(0.10) if avg.notna().sum() >= 20 else None
    behind = ~done.all(axis=1) if common else pd.Series(False, index=idx)
    low = (avg < low_pct) | ((avg <= cutoff) if cutoff is not None else False)
    failing = pd.Series(False, index=idx)
    fails = None
    if checks is not None and not checks.empty:
        c = checks.assign(failed=checks.status.isin(FAILED))
        fails = c.groupby("learner").failed.agg(["sum", "count"]).reindex(idx)
        failing = (fails["count"] >= min_checks) & (fails["sum"] / fails["count"] > fail_share)
    flagged = idx[(behind | low | failing).to_numpy()]
    rows = []
    for lid in flagged:
        reasons = []
        if behind[lid]:
            missing = [a for a, ok in done.loc[lid].items() if not ok]
            reasons.append(f"behind: has not submitted {', '.join(missing)} (most of the cohort has)")
        a = avg[lid]
        if pd.notna(a) and a < low_pct:
            reasons.append(f"low scores: averages {a:.0f}% on auto-graded questions")
        elif pd.notna(a) and low[lid]:
            reasons.append(f"low scores: averages {a:.0f}%, in the bottom tenth of the cohort")
        if failing[lid]:
            s, k = fails.loc[lid]
            reasons.append(f"many failed self-checks: {int(s)} of {int(k)} not correct")
        rows.append({"learner": lid, "reasons": reasons, "average %": a,
                     "submitted": int(n_done[lid]), "expected": len(common)})
    out = pd.DataFrame(rows, columns=["learner", "reasons", "average %", "submitted", "expected"])
    if out.empty:
        return out
    out["n"] = out.reasons.map(len)
    return out.sort_values(["n", "average %"], ascending=[False, True]).drop(columns="n").reset_index(drop=True)
