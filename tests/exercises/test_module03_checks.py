"""Module 3's exercise: sealed numbers follow from the data, computed independently.

What holds for every question of every exercise is in test_released_checks.py."""
from __future__ import annotations

import pytest

from grader.datasets import load
from grader.datasets.workforce import adherence
from grader.staffing import agents_needed, scheduled_staff

from checks_support import answers, notebooks

A = "03-time-management-supervisor"
SRC, REL = notebooks(A)
ANSWERS = answers(SRC)


def test_answers_follow_from_the_data():
    """Are the sealed numbers what the committed datasets give, computed independently?"""
    s, st = load("agent_schedule.csv"), load("agent_states.csv")
    adh, conf = adherence(s.to_dict("records"), st.to_dict("records"), "E303")
    assert ANSWERS["q3_14"] == pytest.approx(adh, abs=0.01)
    assert ANSWERS["q3_15"] == pytest.approx(conf, abs=0.01)
    q = load("queue_calls.csv")
    offered = len(q)
    ans = q[q.outcome == "answered"]
    assert ANSWERS["q3_6"] == pytest.approx(100 * (ans.wait_s <= 20).sum() / offered, abs=0.01)
    assert ANSWERS["q3_7"] == pytest.approx(ans.wait_s.mean(), abs=0.01)
    assert ANSWERS["q3_8"] == pytest.approx(100 * (offered - len(ans)) / offered, abs=0.01)
    assert ANSWERS["q3_9"] == pytest.approx((ans.talk_s + ans.hold_s + ans.acw_s).mean(), abs=0.01)
    f = load("forecast_day.csv")
    need = [agents_needed(c, h, 0.8, 20) for c, h in zip(f.calls, f.aht_s)]
    assert ANSWERS["q3_10"] == need[list(f.interval).index("10:00")]
    assert ANSWERS["q3_11"] == sum(need) / 2
    assert ANSWERS["q3_12"] == scheduled_staff(max(need), 0.3)


def test_agent_day_figures_follow_from_the_table():
    """Do the agent's hand-worked adherence and conformance match the 90-minute table, minute by
    minute (plan: work 10:30-11:00, break 11:00-11:15, work to 12:00; log: break 10:50-11:05)?"""
    agent = answers(notebooks("03-time-management-agent")[0])
    plan = {m: ("Break" if 660 <= m < 675 else "Work") for m in range(630, 720)}
    log = {m: ("Break" if 650 <= m < 665 else "Work") for m in range(630, 720)}
    adh = 100 * sum(plan[m] == log[m] for m in plan) / len(plan)
    conf = 100 * sum(v == "Work" for v in log.values()) / sum(v == "Work" for v in plan.values())
    assert agent["q3_4"] == pytest.approx(adh, abs=0.05)
    assert agent["q3_5"] == pytest.approx(conf, abs=0.05)


def test_lesson_3_2_worked_examples_match_the_data():
    """Are the figures lesson 3.2 works out on paper (Daniel E302, Ahmed E304) what the committed
    schedule and state log give, and does its code look at one agent's plan and log together?"""
    import nbformat

    from checks_support import ROOT

    s, st = load("agent_schedule.csv"), load("agent_states.csv")
    text = "\n".join(c.source for c in nbformat.read(
        ROOT / "course" / "03-time-management" / "03.2-working-day-adherence.ipynb", 4).cells)
    for agent, (adh_txt, conf_txt) in {"E302": ("98.3%", "98.1%"), "E304": ("89.6%", "90.5%")}.items():
        adh, conf = adherence(s.to_dict("records"), st.to_dict("records"), agent)
        assert f"{adh:.1f}%" == adh_txt and f"{conf:.1f}%" == conf_txt
        assert adh_txt in text and conf_txt in text
    assert 'agent = "E302"' in text and "E301" not in text and "E303" not in text
