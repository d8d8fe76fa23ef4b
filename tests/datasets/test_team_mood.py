"""Tests for grader.datasets.team_mood: same bytes, documented columns, a real Monday-morning dip."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from grader.datasets import team_mood
from grader.paths import DATASETS

FILES = {
    "mood_calls.csv": ["date", "weekday", "hour", "agent_id", "calls", "complaints", "handle_min"],
    "mood_checkins.csv": ["date", "weekday", "hour", "mood", "stress"],
}


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("mood")
    team_mood.generate(d, 2026)
    return d


def test_same_seed_same_bytes(out, tmp_path):
    """Does the same seed give byte-identical files, and a different seed different ones?"""
    team_mood.generate(tmp_path / "a", 2026)
    team_mood.generate(tmp_path / "b", 11)
    for name in FILES:
        assert (tmp_path / "a" / name).read_bytes() == (out / name).read_bytes()
        assert (tmp_path / "b" / name).read_bytes() != (out / name).read_bytes()


def test_committed_files_match_the_generator(out):
    """Are the committed datasets/ files exactly what seed 2026 gives?"""
    for name in FILES:
        assert (DATASETS / name).read_bytes() == (out / name).read_bytes(), name


@pytest.mark.parametrize("name", FILES)
def test_columns_are_the_documented_ones(out, name):
    """Does each file have exactly the columns the README documents?"""
    assert list(pd.read_csv(out / name).columns) == FILES[name]
    readme = (DATASETS / "README.md").read_text(encoding="utf-8")
    assert f"`{name}`" in readme
    for col in FILES[name]:
        assert f"`{col}`" in readme, f"{name}: column {col} not documented"


@pytest.mark.parametrize("seed", [2026, 1, 99])
def test_monday_morning_is_the_dip_for_any_seed(tmp_path, seed):
    """Is Monday 09:00 the lowest-mood, highest-stress slot, clearly below the rest, for any seed?"""
    team_mood.generate(tmp_path, seed)
    c = pd.read_csv(tmp_path / "mood_checkins.csv")
    by = c.groupby(["weekday", "hour"]).mood.mean()
    assert by.idxmin() == ("Monday", 9)
    assert by.min() < c.mood.mean() - 0.8
    stress = c.groupby(["weekday", "hour"]).stress.mean()
    assert stress.idxmax() == ("Monday", 9)


def test_calls_and_complaints_peak_on_monday_morning(out):
    """Do call volume and complaints peak in the same slots as the mood dip?"""
    k = pd.read_csv(out / "mood_calls.csv")
    per_agent = k.groupby(["weekday", "hour"]).calls.mean()
    assert per_agent.idxmax()[0] == "Monday" and per_agent.idxmax()[1] in (9, 10, 11)
    mon = k[(k.weekday == "Monday") & k.hour.isin([9, 10])]
    rest = k[~((k.weekday == "Monday") & k.hour.isin([9, 10]))]
    assert mon.complaints.sum() / mon.calls.sum() > 1.6 * rest.complaints.sum() / rest.calls.sum()
    assert (k.complaints <= k.calls).all() and (k.handle_min[k.calls == 0] == 0).all()


def test_checkins_are_anonymous_and_in_range(out):
    """Do check-ins carry no agent identity, and moods and stress stay on the 1-5 scale?"""
    c = pd.read_csv(out / "mood_checkins.csv")
    assert not any("agent" in col for col in c.columns)
    assert c.mood.between(1, 5).all() and c.stress.between(1, 5).all()
