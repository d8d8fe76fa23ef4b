"""The team QA and KPI data behind Module 4's "who needs which coaching first" exercise."""
from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from grader.datasets import team_kpis

ROOT = Path(__file__).resolve().parents[2]
SEEDS = [2026, 0, 7, 12345]


def focus(qa: pd.DataFrame) -> dict[str, str]:
    """The exercise's rule: the lowest-scoring section if it is under 80, else 'none'."""
    means = qa.groupby("agent_id")[list(team_kpis.SECTIONS)].mean()
    return {a: (row.idxmin() if row.min() < team_kpis.SECTION_TARGET else "none")
            for a, row in means.iterrows()}


@pytest.fixture(scope="module", params=SEEDS)
def data(request, tmp_path_factory):
    out = tmp_path_factory.mktemp(f"seed{request.param}")
    team_kpis.generate(out, request.param)
    return pd.read_csv(out / "team_qa.csv"), pd.read_csv(out / "team_kpis.csv")


def test_same_seed_same_bytes(tmp_path):
    """Does the same seed give byte-identical files, and a different seed different numbers?"""
    a, b, c = (tmp_path / x for x in "abc")
    pa, pb, pc = (team_kpis.generate(d, s) for d, s in ((a, 5), (b, 5), (c, 6)))
    assert [p.read_bytes() for p in pa] == [p.read_bytes() for p in pb]
    assert pa[0].read_bytes() != pc[0].read_bytes()


def test_committed_files_match_the_generator(tmp_path):
    """Are the committed datasets/team_*.csv exactly what seed 2026 produces?"""
    for p in team_kpis.generate(tmp_path, 2026):
        assert p.read_bytes() == (ROOT / "datasets" / p.name).read_bytes(), p.name


def test_profiles_hold_for_every_seed(data):
    """For any seed, does each agent miss exactly the targets and have exactly the weakest QA
    section their profile says, so the exercise's answers never depend on the seed?"""
    qa, kpis = data
    got_focus = focus(qa)
    for agent, _, _, misses, weakest in team_kpis.PROFILES:
        row = kpis.set_index("agent_id").loc[agent]
        assert set(team_kpis.missed_targets(row.to_dict())) == misses, agent
        assert got_focus[agent] == (weakest or "none"), agent


def test_coach_first_has_a_tie_at_the_top(data):
    """Is the exercise's 'coach first' group a genuine tie (two agents with the most missed
    targets), one a new starter and one a veteran, so learners must handle ties?"""
    _, kpis = data
    counts = {r.agent_id: len(team_kpis.missed_targets(r._asdict())) for r in kpis.itertuples()}
    top = max(counts.values())
    first = sorted(a for a, c in counts.items() if c == top)
    assert first == ["A101", "A107"]
    tenure = kpis.set_index("agent_id")["tenure_months"]
    assert tenure["A101"] < 6 and tenure["A107"] > 24


def test_qa_score_is_the_mean_of_the_evaluations(data):
    """Is each agent's monthly qa_score the mean of their evaluation totals, and each total the
    mean of its four sections (so learners can recompute either)?"""
    qa, kpis = data
    means = qa.groupby("agent_id")["total"].mean()
    assert (kpis.set_index("agent_id")["qa_score"] - means).abs().max() < 0.051
    section_mean = qa[list(team_kpis.SECTIONS)].mean(axis=1)
    assert (qa["total"] - section_mean).abs().max() < 0.051
    assert qa.groupby("agent_id").size().eq(team_kpis.EVALS_PER_AGENT).all()


def test_values_are_realistic(data):
    """Are the numbers in plausible ranges: scores 0-100, dates inside March 2024, handle times
    of minutes, new starters handling fewer calls than experienced agents?"""
    qa, kpis = data
    assert qa[list(team_kpis.SECTIONS)].stack().between(0, 100).all()
    assert qa["date"].between("2024-03-01", "2024-03-31").all()
    assert kpis["aht_s"].between(240, 600).all()
    new = kpis[kpis.tenure_months < 6].calls_handled.mean()
    assert new < kpis[kpis.tenure_months >= 6].calls_handled.mean()


def test_readme_documents_every_column():
    """Does the modules 4-5 README section list exactly the columns of each file?"""
    text = (ROOT / "datasets" / "README.md").read_text(encoding="utf-8")
    for name in ("team_qa.csv", "team_kpis.csv"):
        section = text.split(f"## `{name}`")[1].split("\n## ")[0]
        documented = [line.split("`")[1] for line in section.splitlines() if line.startswith("| `")]
        with open(ROOT / "datasets" / name, newline="", encoding="utf-8") as fh:
            assert documented == next(csv.reader(fh)), name
