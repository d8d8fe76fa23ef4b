"""Tests for grader.datasets.workforce: same bytes, documented columns, the intended patterns."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from grader.datasets import workforce
from grader.paths import DATASETS

FILES = {
    "interval_history.csv": ["date", "weekday", "interval", "calls", "aht_s", "promotion"],
    "forecast_day.csv": ["date", "weekday", "interval", "calls", "aht_s"],
    "queue_calls.csv": ["call_id", "arrival_time", "interval", "outcome", "wait_s", "talk_s",
                        "hold_s", "acw_s", "agent_id"],
    "agent_schedule.csv": ["date", "agent_id", "name", "activity", "start", "end"],
    "agent_states.csv": ["date", "agent_id", "state", "start", "end"],
}


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("wf")
    workforce.generate(d, 2026)
    return d


def test_same_seed_same_bytes(out, tmp_path):
    """Does the same seed give byte-identical files, and a different seed different ones?"""
    again = tmp_path / "again"
    workforce.generate(again, 2026)
    for name in FILES:
        assert (out / name).read_bytes() == (again / name).read_bytes(), name
    other = tmp_path / "other"
    workforce.generate(other, 7)
    assert (other / "queue_calls.csv").read_bytes() != (out / "queue_calls.csv").read_bytes()


def test_committed_files_match_the_generator(out):
    """Are the committed datasets/ files exactly what seed 2026 gives (nobody edited them)?"""
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


def test_history_has_weekday_time_and_promotion_patterns(out):
    """Is Monday busiest, the weekend quiet, 10:00 busier than 13:00, and the promotion week higher?"""
    h = pd.read_csv(out / "interval_history.csv")
    assert len(h) == 8 * 7 * 24
    by_day = h[h.promotion == 0].groupby("weekday").calls.sum()
    assert by_day.idxmax() == "Monday" and by_day.idxmin() == "Sunday"
    by_slot = h.groupby("interval").calls.mean()
    assert by_slot["10:00"] > 1.5 * by_slot["13:00"]
    weekly = h.assign(week=pd.to_datetime(h.date).dt.isocalendar().week).groupby("week").calls.sum()
    promo_week = pd.to_datetime(h[h.promotion == 1].date).dt.isocalendar().week.iloc[0]
    others = weekly.drop(promo_week)
    assert weekly[promo_week] > 1.2 * others.mean()
    assert others.iloc[-1] > others.iloc[0]  # slow upward trend


def test_forecast_is_a_monday_with_a_morning_peak(out):
    """Does the forecast cover the 24 half-hours of a Monday with its peak in the morning?"""
    f = pd.read_csv(out / "forecast_day.csv")
    assert len(f) == 24 and set(f.weekday) == {"Monday"}
    assert f.loc[f.calls.idxmax(), "interval"] in ("09:30", "10:00", "10:30")


def test_queue_log_is_realistic(out):
    """Are a few percent of calls abandoned, waits mostly short, and the morning peak the worst?"""
    q = pd.read_csv(out / "queue_calls.csv")
    share_abandoned = (q.outcome == "abandoned").mean()
    assert 0.02 < share_abandoned < 0.10
    ans = q[q.outcome == "answered"]
    assert ans[["talk_s", "acw_s"]].notna().all().all() and ans.agent_id.notna().all()
    assert q[q.outcome == "abandoned"].talk_s.isna().all()
    sl = q.assign(ok=(q.outcome == "answered") & (q.wait_s <= 20)).groupby("interval").ok.mean()
    assert sl[["10:00", "10:30"]].mean() < sl.mean()
    assert ans.talk_s.mean() > ans.talk_s.median()  # long right tail


def test_schedules_are_eight_hour_days_and_states_show_slips(out):
    """Is every shift 8 hours with breaks and lunch, one agent perfect and the others slipping?"""
    s = pd.read_csv(out / "agent_schedule.csv")
    st = pd.read_csv(out / "agent_states.csv")
    for agent, g in s.groupby("agent_id"):
        mins = sum(workforce._hm(e) - workforce._hm(b) for b, e in zip(g.start, g.end))
        assert mins == 480 and {"Break", "Lunch", "Work"} <= set(g.activity)
    scores = {a: workforce.adherence(s.to_dict("records"), st.to_dict("records"), a)
              for a in s.agent_id.unique()}
    assert scores["E301"] == (100.0, 100.0)
    assert all(75 < adh < 100 for a, (adh, conf) in scores.items() if a != "E301")
    assert set(st.state) <= {"Available", "On call", "After-call work", "Break", "Lunch", "Meeting"}


def test_adherence_differs_from_conformance_for_a_shifted_break(out):
    """Does an early break hurt adherence but not conformance (work done, at the wrong time)?"""
    s = pd.read_csv(out / "agent_schedule.csv").to_dict("records")
    st = pd.read_csv(out / "agent_states.csv").to_dict("records")
    adh, conf = workforce.adherence(s, st, "E303")
    assert adh < conf


def test_adherence_names_an_unknown_agent():
    """Is an agent with no schedule reported by id?"""
    with pytest.raises(ValueError, match="E999"):
        workforce.adherence([], [], "E999")
