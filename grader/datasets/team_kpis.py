"""One team's month of quality (QA) evaluations and KPIs, for Module 4's coaching exercises.

A team leader decides *who needs which coaching first* from two files: ``team_qa.csv`` (every
QA evaluation of the month, scored by section on the centre's form) and ``team_kpis.csv`` (each
agent's monthly KPIs). The team is built from fixed *profiles* (which targets each agent misses,
which QA section is weakest), so the exercise's answers do not depend on the seed; the seed only
draws the concrete numbers inside each profile's ranges, as a real month would. The generator
checks its own output against the profiles and redraws until every profile holds exactly.
"""
from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from pathlib import Path

#: Targets the team is measured against (also stated in the exercise and the README).
TARGETS = {
    "qa_score": ("min", 80.0),       # mean QA total, points out of 100
    "fcr_pct": ("min", 72.0),        # first-contact resolution, %
    "csat_pct": ("min", 85.0),       # customer satisfaction (top-2-box), %
    "aht_s": ("max", 390.0),         # average handle time, seconds
    "adherence_pct": ("min", 92.0),  # schedule adherence, %
}
SECTIONS = ("opening", "listening", "resolution", "closing")
SECTION_TARGET = 80.0

# agent_id, name, tenure_months, KPI targets missed, weakest QA section below target (or None)
PROFILES = [
    ("A101", "Lena Hoffmann", 2, {"qa_score", "aht_s", "fcr_pct"}, "resolution"),
    ("A102", "Tomás Ortega", 41, {"adherence_pct", "csat_pct"}, "listening"),
    ("A103", "Priya Raman", 5, {"aht_s"}, None),
    ("A104", "Daniel Okafor", 28, set(), None),
    ("A105", "Mei Lin Chua", 14, {"csat_pct"}, "closing"),
    ("A106", "Jonas Berg", 3, {"qa_score", "fcr_pct"}, "opening"),
    ("A107", "Sofia Marques", 52, {"adherence_pct", "csat_pct", "fcr_pct"}, "listening"),
    ("A108", "Ahmed Karim", 19, {"aht_s"}, "resolution"),
    ("A109", "Grace Mwangi", 9, set(), None),
    ("A110", "Kevin Walsh", 33, {"adherence_pct"}, None),
    ("A111", "Yuki Tanaka", 7, {"qa_score"}, "closing"),
    ("A112", "Olivia Brandt", 24, {"fcr_pct"}, "resolution"),
]
MONTH_START = date(2024, 3, 1)
EVALS_PER_AGENT = 4


def _kpi_value(rng: random.Random, key: str, miss: bool) -> float:
    """A monthly KPI value on the chosen side of its target, never on the line itself."""
    kind, target = TARGETS[key]
    ranges = {
        "fcr_pct": ((60.0, 70.5), (73.5, 84.0)),
        "csat_pct": ((74.0, 83.5), (86.5, 94.0)),
        "aht_s": ((402.0, 470.0), (300.0, 380.0)),
        "adherence_pct": ((84.0, 90.5), (93.0, 98.0)),
    }[key]
    lo, hi = ranges[0] if miss else ranges[1]
    return round(rng.uniform(lo, hi), 1) if key != "aht_s" else float(round(rng.uniform(lo, hi)))


def _evaluations(rng: random.Random, agent: str, weakest: str | None, qa_miss: bool) -> list[dict]:
    """QA evaluations whose section means put ``weakest`` lowest (and alone below target)."""
    for _ in range(500):
        base = {s: rng.uniform(84, 93) for s in SECTIONS}
        if weakest:
            base[weakest] = rng.uniform(62, 74)
        if qa_miss:  # pull every section down so the mean total falls under 80
            base = {s: v - 9 for s, v in base.items()}
            base[weakest or SECTIONS[0]] = min(base[weakest or SECTIONS[0]], 66)
        rows = []
        for i in range(EVALS_PER_AGENT):
            scores = {s: max(0, min(100, round(base[s] + rng.gauss(0, 4)))) for s in SECTIONS}
            rows.append(scores)
        means = {s: sum(r[s] for r in rows) / len(rows) for s in SECTIONS}
        total = sum(means.values()) / len(SECTIONS)
        below = [s for s in SECTIONS if means[s] < SECTION_TARGET]
        low = min(SECTIONS, key=lambda s: means[s])
        ok_sections = (below == [] if weakest is None else
                       (low == weakest and sorted(means.values())[0] < sorted(means.values())[1] - 2
                        and (qa_miss or below == [weakest])))
        ok_total = (total < 78.5) if qa_miss else (total > 81.5)
        if ok_sections and ok_total:
            return rows
    raise RuntimeError(f"could not draw evaluations for {agent}")  # pragma: no cover


def generate(out_dir: Path, seed: int) -> list[Path]:
    """Write ``team_qa.csv`` and ``team_kpis.csv`` into ``out_dir``."""
    rng = random.Random(f"team_kpis:{seed}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    evaluators = ["QA-Chen", "QA-Novak", "QA-Haddad"]
    qa_rows, kpi_rows = [], []
    eval_id = 5001
    for agent, name, tenure, misses, weakest in PROFILES:
        evals = _evaluations(rng, agent, weakest, "qa_score" in misses)
        days = sorted(rng.sample(range(0, 29), EVALS_PER_AGENT))
        totals = []
        for day, scores in zip(days, evals):
            d = MONTH_START + timedelta(days=day)
            total = round(sum(scores.values()) / len(SECTIONS), 1)
            totals.append(total)
            qa_rows.append({"eval_id": f"E{eval_id}", "agent_id": agent, "date": d.isoformat(),
                            "evaluator": rng.choice(evaluators), "call_id": f"C{rng.randint(100000, 999999)}",
                            **{s: scores[s] for s in SECTIONS}, "total": total})
            eval_id += 1
        calls = rng.randint(380, 520) if tenure >= 6 else rng.randint(240, 340)
        kpi_rows.append({
            "agent_id": agent, "name": name, "tenure_months": tenure,
            "calls_handled": calls,
            "aht_s": int(_kpi_value(rng, "aht_s", "aht_s" in misses)),
            "fcr_pct": _kpi_value(rng, "fcr_pct", "fcr_pct" in misses),
            "csat_pct": _kpi_value(rng, "csat_pct", "csat_pct" in misses),
            "adherence_pct": _kpi_value(rng, "adherence_pct", "adherence_pct" in misses),
            "qa_score": round(sum(totals) / len(totals), 1),
        })
    qa_rows.sort(key=lambda r: (r["date"], r["eval_id"]))
    paths = [out_dir / "team_qa.csv", out_dir / "team_kpis.csv"]
    for path, rows in zip(paths, (qa_rows, kpi_rows)):
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
    return paths


def missed_targets(row: dict) -> list[str]:
    """The KPI targets a ``team_kpis.csv`` row misses (the rule the exercise teaches)."""
    out = []
    for key, (kind, target) in TARGETS.items():
        value = float(row[key])
        if (kind == "min" and value < target) or (kind == "max" and value > target):
            out.append(key)
    return out
