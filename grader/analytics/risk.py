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

import pandas as pd

FAILED = {"incorrect", "form", "partial"}


def learner_scores(table: pd.DataFrame) -> pd.DataFrame:
    """Per learner × assignment: auto-graded points, possible points and percent."""
    t = table[~table.needs_manual_grade.astype(bool)] if "needs_manual_grade" in table else table
    per = t.groupby(["learner", "assignment"], sort=False)[["score", "max_score"]].sum()
    per["percent"] = 100 * per.score / per.max_score.where(per.max_score > 0)
    return per.reset_index()


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
    done = per.groupby("learner").assignment.agg(set)
    avg = per.groupby("learner").percent.mean()
    cutoff = avg.quantile(0.10) if len(avg) >= 20 else None
    fails = None
    if checks is not None and not checks.empty:
        c = checks.assign(failed=checks.status.isin(FAILED))
        fails = c.groupby("learner").failed.agg(["sum", "count"])
    rows = []
    for lid in learners:
        reasons = []
        mine = done.get(lid, set())
        missing = [a for a in common if a not in mine]
        if missing:
            reasons.append(f"behind: has not submitted {', '.join(missing)} (most of the cohort has)")
        a = avg.get(lid)
        if a is not None and pd.notna(a):
            if a < low_pct:
                reasons.append(f"low scores: averages {a:.0f}% on auto-graded questions")
            elif cutoff is not None and a <= cutoff:
                reasons.append(f"low scores: averages {a:.0f}%, in the bottom tenth of the cohort")
        if fails is not None and lid in fails.index:
            s, k = fails.loc[lid]
            if k >= min_checks and s / k > fail_share:
                reasons.append(f"many failed self-checks: {int(s)} of {int(k)} not correct")
        if reasons:
            rows.append({"learner": lid, "reasons": reasons, "average %": a,
                         "submitted": len(mine), "expected": len(common)})
    out = pd.DataFrame(rows, columns=["learner", "reasons", "average %", "submitted", "expected"])
    if out.empty:
        return out
    out["n"] = out.reasons.map(len)
    return out.sort_values(["n", "average %"], ascending=[False, True]).drop(columns="n").reset_index(drop=True)
