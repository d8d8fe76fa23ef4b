"""The roster and competency data behind Module 5's promotion and gap-analysis exercises."""
from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from grader.datasets import roster

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module", params=[2026, 0, 99])
def files(request, tmp_path_factory):
    out = tmp_path_factory.mktemp(f"seed{request.param}")
    roster.generate(out, request.param)
    return {p: pd.read_csv(out / p) for p in
            ("roster.csv", "competency_requirements.csv", "competency_ratings.csv")}


def test_same_seed_same_bytes_and_committed_files(tmp_path):
    """Does seed 2026 reproduce the committed files byte for byte?"""
    for p in roster.generate(tmp_path, 2026):
        assert p.read_bytes() == (ROOT / "datasets" / p.name).read_bytes(), p.name


def test_no_age_or_personal_attributes():
    """Does the roster hold nothing that could make age (or another personal attribute) a
    promotion criterion: no age, birth date, gender or marital column?"""
    with open(ROOT / "datasets" / "roster.csv", newline="", encoding="utf-8") as fh:
        header = [h.lower() for h in next(csv.reader(fh))]
    banned = ("age", "birth", "dob", "gender", "sex", "married", "marital")
    assert not [h for h in header if any(b == h or h.startswith(b + "_") or b in h.split("_")
                                         for b in banned)]


def test_promotion_answers_do_not_depend_on_the_seed(files):
    """Are exactly E2001-E2004 eligible for any seed, and do the named near-misses fail exactly
    the one rule the exercise asks about?"""
    df = files["roster.csv"]
    fails = {r["employee_id"]: roster.eligible(r) for r in df.to_dict("records")}
    assert sorted(e for e, f in fails.items() if not f) == ["E2001", "E2002", "E2003", "E2004"]
    expected = {"E2005": "tenure", "E2006": "tenure", "E2007": "performance", "E2008": "performance",
                "E2009": "conduct", "E2010": "programme", "E2011": "programme", "E2014": "performance"}
    assert {e: fails[e] for e in expected} == {e: [r] for e, r in expected.items()}
    assert len(fails["E2012"]) > 1 and len(fails["E2013"]) > 1


def test_tenure_matches_hire_date(files):
    """Does tenure_months agree with hire_date as of 1 April 2024 (so either can be used)?"""
    df = files["roster.csv"]
    hired = pd.to_datetime(df["hire_date"])
    months = (2024 - hired.dt.year) * 12 + (4 - hired.dt.month)
    assert (months == df["tenure_months"]).all()


def test_gap_agent_has_the_gaps_the_exercise_teaches(files):
    """Does E2003 fall short of the team-leader profile in coaching (by 2), coordination and
    data analysis (by 1 each) and exceed it elsewhere, for every seed?"""
    req = files["competency_requirements.csv"]
    rat = files["competency_ratings.csv"]
    tl = req[req.role == "team_leader"].set_index("competency")["required_level"]
    mine = rat[rat.employee_id == roster.GAP_AGENT].set_index("competency")["rating"]
    gap = (tl - mine).clip(lower=0)
    assert gap[gap > 0].to_dict() == {"coaching": 2, "coordination": 1, "data_analysis": 1}
    assert int((mine - tl).clip(lower=0).sum()) == 2  # surpluses a careless net sum would subtract


def test_every_agent_rated_on_every_competency(files):
    """Is each roster agent rated once on each of the nine competencies, 1-5, and does each
    role have a requirement for each competency?"""
    rat, req, ros = files["competency_ratings.csv"], files["competency_requirements.csv"], files["roster.csv"]
    assert len(rat) == len(ros) * len(roster.COMPETENCIES)
    assert not rat.duplicated(["employee_id", "competency"]).any()
    assert rat.rating.between(1, 5).all() and req.required_level.between(1, 5).all()
    assert req.groupby("role").size().eq(len(roster.COMPETENCIES)).all()


def test_readme_documents_every_column():
    """Does the modules 4-5 README section list exactly the columns of each file?"""
    text = (ROOT / "datasets" / "README.md").read_text(encoding="utf-8")
    for name in ("roster.csv", "competency_requirements.csv", "competency_ratings.csv"):
        section = text.split(f"## `{name}`")[1].split("\n## ")[0]
        documented = [line.split("`")[1] for line in section.splitlines() if line.startswith("| `")]
        with open(ROOT / "datasets" / name, newline="", encoding="utf-8") as fh:
            assert documented == next(csv.reader(fh)), name
