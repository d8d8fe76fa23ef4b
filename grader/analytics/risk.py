"""Learners at risk, each with the reasons a trainer can act on.

Three signals, each optional:

* **behind**: missing assignments that most of the cohort (at least half) has already submitted;
* **low score**: the learner's score (:mod:`.scores`, the same number the demo summary prints)
  below ``low_pct`` (default 50 %), or in the bottom tenth of the cohort when the cohort has at
  least 20 learners;
* **failed self-checks**: where check logs were collected (``.academy/checks.jsonl``), at least
  ``min_checks`` checks and more than ``fail_share`` of them not correct.

A learner appears once, with every reason that applies, most reasons first; the reasons are
sentences in the current language (:mod:`grader.i18n`).
"""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from .. import i18n
from ..i18n import _
from .scores import learner_averages, learner_scores

FAILED = {"incorrect", "form", "partial"}


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
    """Columns: learner, reasons (list of sentences), score (percent, :mod:`.scores`), submitted,
    expected."""
    per = learner_scores(table)
    submitted = per.groupby("assignment").learner.nunique()
    n = max(1, len(learners))
    common = sorted(a for a, k in submitted.items() if k >= n / 2)
    idx = pd.Index(learners, name="learner")
    done = (per[per.assignment.isin(common)].assign(one=True)
            .pivot_table(index="learner", columns="assignment", values="one", aggfunc="any")
            .reindex(index=idx, columns=common).notna())
    n_done = per.groupby("learner").size().reindex(idx).fillna(0).astype(int)
    avg = learner_averages(per=per).reindex(idx)
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
            reasons.append(_("behind: has not submitted {assignments} (most of the cohort has)")
                           .format(assignments=i18n.join(missing)))
        a = avg[lid]
        if pd.notna(a) and a < low_pct:
            reasons.append(_("low score: {score:.0f}%, below {low:.0f}%").format(score=a, low=low_pct))
        elif pd.notna(a) and low[lid]:
            reasons.append(_("low score: {score:.0f}%, in the bottom tenth of the cohort").format(score=a))
        if failing[lid]:
            s, k = fails.loc[lid]
            reasons.append(_("many failed self-checks: {failed} of {total} not correct")
                           .format(failed=int(s), total=int(k)))
        rows.append({"learner": lid, "reasons": reasons, "score": a,
                     "submitted": int(n_done[lid]), "expected": len(common)})
    out = pd.DataFrame(rows, columns=["learner", "reasons", "score", "submitted", "expected"])
    if out.empty:
        return out
    out["n"] = out.reasons.map(len)
    return out.sort_values(["n", "score"], ascending=[False, True]).drop(columns="n").reset_index(drop=True)
