"""A synthetic two-week call log for one team of 12 agents (Module 1 and later modules).

``call_log.csv`` has one row per call, inbound or outbound, from Monday 3 to Saturday 15 March
2025 (the centre opens 08:00-20:00 on weekdays, 09:00-17:00 on Saturdays, closed on Sundays).
Volume follows a weekday x hour-of-day pattern with the familiar Monday-morning peak; inbound
callers ring a few times before an agent answers and a few hang up first (abandoned calls);
talk and handle times have long right tails; holds are mostly short. Each agent has habits
(how fast they pick up, how often they ask before a hold, how long their holds run), so a
realistic minority of calls break the 3-ring rule, the 1-minute hold rule or the
ask-before-holding rule, and they cluster on a few agents, as in a real team. Everything comes
from one :class:`random.Random` seeded with ``seed``, so the same seed gives the same bytes.
"""
from __future__ import annotations

import csv
import math
import random
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

START = date(2025, 3, 3)  # a Monday
DAYS = 14
TARGET_CALLS = 640

#: (agent_id, name, habits). rings: mean extra rings before pickup; ask: chance of asking before
#: a hold; long_hold: chance a hold overruns a minute; hangup: chance the agent ends the call first.
AGENTS: list[tuple[str, str, dict[str, float]]] = [
    ("A1041", "Grace Lin", {"rings": 0.6, "ask": 0.98, "long_hold": 0.04, "hangup": 0.03}),
    ("A1042", "Marcus Bell", {"rings": 0.9, "ask": 0.93, "long_hold": 0.10, "hangup": 0.06}),
    ("A1043", "Priya Raman", {"rings": 0.7, "ask": 0.97, "long_hold": 0.06, "hangup": 0.04}),
    ("A1044", "Tomás Herrera", {"rings": 1.0, "ask": 0.92, "long_hold": 0.12, "hangup": 0.08}),
    ("A1045", "Aisha Karimi", {"rings": 0.8, "ask": 0.95, "long_hold": 0.08, "hangup": 0.05}),
    ("A1046", "Jonas Weber", {"rings": 1.6, "ask": 0.70, "long_hold": 0.30, "hangup": 0.18}),
    ("A1047", "Mei Chen", {"rings": 0.7, "ask": 0.96, "long_hold": 0.07, "hangup": 0.04}),
    ("A1048", "Sofia Alvarez", {"rings": 0.9, "ask": 0.94, "long_hold": 0.10, "hangup": 0.05}),
    ("A1049", "Kwame Mensah", {"rings": 0.8, "ask": 0.95, "long_hold": 0.09, "hangup": 0.06}),
    ("A1050", "Liam Doyle", {"rings": 1.4, "ask": 0.78, "long_hold": 0.22, "hangup": 0.14}),
    ("A1051", "Yuki Tanaka", {"rings": 0.6, "ask": 0.97, "long_hold": 0.05, "hangup": 0.03}),
    ("A1052", "Ruth Abernathy", {"rings": 1.0, "ask": 0.93, "long_hold": 0.11, "hangup": 0.07}),
]

#: Relative volume by weekday (0 = Monday) and by hour of the day; Monday 9-11 gets an extra lift.
WEEKDAY_LOAD = {0: 1.45, 1: 1.15, 2: 0.95, 3: 0.95, 4: 1.0, 5: 0.55}
HOUR_LOAD = {8: 0.8, 9: 1.6, 10: 1.7, 11: 1.4, 12: 0.9, 13: 1.0, 14: 1.1, 15: 1.0, 16: 0.9,
             17: 0.8, 18: 0.6, 19: 0.4}
MONDAY_MORNING_LIFT = 1.35
OPEN_HOURS = {wd: range(8, 20) for wd in range(5)} | {5: range(9, 17)}
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

COLUMNS = ["call_id", "agent_id", "agent_name", "start_time", "weekday", "hour", "direction",
           "rings", "abandoned", "hold_count", "longest_hold_s", "hold_permission_asked",
           "transferred", "talk_s", "handle_s", "customer_hung_up_first", "satisfaction"]


def _poisson(rng: random.Random, lam: float) -> int:
    """Knuth's method: fine for the small rates of one hour of one team."""
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _hour_weight(day: date, hour: int) -> float:
    wd = day.weekday()
    w = WEEKDAY_LOAD[wd] * HOUR_LOAD[hour]
    if wd == 0 and 9 <= hour < 12:
        w *= MONDAY_MORNING_LIFT
    return w


def _on_shift(day: date, hour: int) -> list[int]:
    """Indexes of agents working this hour: early (08-16) and late (12-20) shifts that swap
    each week; four agents (rotating) cover Saturdays."""
    week = (day - START).days // 7
    wd = day.weekday()
    if wd == 5:
        return [(week * 4 + k) % len(AGENTS) for k in range(4)]
    early = [i for i in range(len(AGENTS)) if (i % 2 == 0) == (week % 2 == 0)]
    late = [i for i in range(len(AGENTS)) if i not in early]
    return (early if hour < 16 else []) + (late if hour >= 12 else [])


def _one_call(rng: random.Random, when: datetime, busy: float, agent_ix: int) -> dict[str, Any]:
    agent_id, name, habit = AGENTS[agent_ix]
    inbound = rng.random() < (0.86 if when.hour < 12 else 0.74)
    row: dict[str, Any] = {"agent_id": agent_id, "agent_name": name,
                           "direction": "inbound" if inbound else "outbound",
                           "rings": "", "abandoned": False}
    if inbound:
        # rings before pickup: 1 plus a Poisson number of extra rings, more when the queue is busy
        rings = 1 + _poisson(rng, habit["rings"] * (0.6 + 0.35 * busy))
        patience = 2 + _poisson(rng, 2.6)  # rings a caller will wait before hanging up
        if rings > patience:
            row.update(agent_id="", agent_name="", rings=patience, abandoned=True, hold_count=0,
                       longest_hold_s=0, hold_permission_asked="", transferred=False, talk_s=0,
                       handle_s=0, customer_hung_up_first="", satisfaction="")
            return row
        row["rings"] = rings
    talk = rng.lognormvariate(math.log(230 if inbound else 150), 0.6)
    talk = int(min(max(talk, 25), 2400))
    hold_count = 0
    if rng.random() < (0.32 if inbound else 0.12):
        hold_count = 1 + _poisson(rng, 0.35)
    holds = []
    for _ in range(hold_count):
        if rng.random() < habit["long_hold"]:
            holds.append(60 if rng.random() < 0.25 else int(rng.uniform(62, 190)))
        else:
            holds.append(int(rng.triangular(8, 58, 25)))
    asked = ""
    if hold_count:
        asked = all(rng.random() < habit["ask"] for _ in range(hold_count))
    transferred = rng.random() < (0.08 if inbound else 0.02)
    wrap = int(rng.triangular(15, 120, 35))
    handle = talk + sum(holds) + wrap
    hung_first = rng.random() >= habit["hangup"]
    # satisfaction (post-call survey, about half answer): lower after long waits and holds
    score = 4.2 + rng.gauss(0, 0.8)
    if inbound and row["rings"] > 3:
        score -= 0.6
    if holds and max(holds) > 60:
        score -= 0.8
    if hold_count and not asked:
        score -= 0.5
    if not hung_first:
        score -= 0.4
    if talk > 600:
        score -= 0.3
    answered_survey = rng.random() < (0.5 if inbound else 0.3)
    row.update(hold_count=hold_count, longest_hold_s=max(holds) if holds else 0,
               hold_permission_asked=asked, transferred=transferred, talk_s=talk, handle_s=handle,
               customer_hung_up_first=hung_first,
               satisfaction=int(min(5, max(1, round(score)))) if answered_survey else "")
    return row


def simulate(seed: int) -> list[dict[str, Any]]:
    """All calls of the fortnight, in time order, as dicts keyed by :data:`COLUMNS`."""
    rng = random.Random(seed)
    slots = [(START + timedelta(days=d), h) for d in range(DAYS)
             for h in OPEN_HOURS.get((START + timedelta(days=d)).weekday(), ())]
    total_weight = sum(_hour_weight(day, h) for day, h in slots)
    rows = []
    for day, hour in slots:
        weight = _hour_weight(day, hour)
        lam = TARGET_CALLS * weight / total_weight
        busy = weight / (total_weight / len(slots))  # 1.0 = an average hour
        staff = _on_shift(day, hour)
        for _ in range(_poisson(rng, lam)):
            when = datetime(day.year, day.month, day.day, hour) + timedelta(
                seconds=rng.randrange(3600))
            row = _one_call(rng, when, busy, rng.choice(staff))
            row["start_time"] = when.isoformat()
            row["weekday"] = WEEKDAYS[when.weekday()]
            row["hour"] = when.hour
            rows.append(row)
    rows.sort(key=lambda r: r["start_time"])
    for i, row in enumerate(rows):
        row["call_id"] = f"C-{1001 + i}"
    return rows


def generate(out_dir: Path, seed: int) -> list[Path]:
    """Write ``call_log.csv`` into ``out_dir``; returns the path written."""
    out = Path(out_dir) / "call_log.csv"
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        for row in simulate(seed):
            writer.writerow({k: row[k] for k in COLUMNS})
    return [out]
