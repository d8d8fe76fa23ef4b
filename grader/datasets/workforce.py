"""Workforce-management data for Module 3: schedules, state logs, a queue's call log, history, forecast.

Five files for one inbound queue of "Team East" (open 08:00-20:00 every day):

* ``interval_history.csv`` - eight weeks of half-hour call counts and AHT (3 Feb - 30 Mar 2025):
  weekday and time-of-day patterns (Monday-morning peak, lunch dip, quiet weekends), a slow
  upward trend and a promotion week (calls up about 35%).
* ``forecast_day.csv`` - the planners' half-hour forecast for Monday 7 April 2025.
* ``queue_calls.csv`` - every call offered to the queue on Tuesday 1 April 2025, made by simulating
  the queue: random arrivals, long-tailed handle times, callers who hang up if they wait too long
  (abandoned), agents on shifts with breaks; the morning peak is slightly understaffed.
* ``agent_schedule.csv`` and ``agent_states.csv`` - six agents' planned day (8 hours with breaks
  and lunch) and what their phones actually logged, with the usual slips (a late login, a long
  lunch, a break taken early, leaving early), for schedule adherence and conformance.

Everything comes from one ``numpy`` generator seeded with ``seed``; same seed, same bytes.
"""
from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np

from . import write_csv

HISTORY_START = date(2025, 2, 3)  # a Monday
HISTORY_WEEKS = 8
PROMO_WEEK = 5  # 0-based week index: 3-9 March 2025
FORECAST_DAY = date(2025, 4, 7)  # the Monday after the history (a week gap for planning)
QUEUE_DAY = date(2025, 4, 1)  # a Tuesday
OPEN_H, CLOSE_H = 8, 20
INTERVALS = [f"{h:02d}:{m:02d}" for h in range(OPEN_H, CLOSE_H) for m in (0, 30)]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

#: Relative volume by weekday (Monday busiest, weekends quiet).
DAY_FACTOR = {0: 1.30, 1: 1.10, 2: 1.00, 3: 1.00, 4: 0.95, 5: 0.55, 6: 0.40}
BASE_CALLS = 62.0  # an ordinary weekday's half-hour at the daily peak, before the day factor
BASE_AHT = 285.0  # seconds

#: Six agents on the adherence day: (agent_id, name, shift start "HH:MM").
AGENTS = [("E301", "Nadia Okafor", "08:00"), ("E302", "Daniel Kim", "08:00"),
          ("E303", "Lucía Romero", "09:00"), ("E304", "Ahmed Haddad", "09:00"),
          ("E305", "Hannah Novak", "11:00"), ("E306", "Ravi Shah", "12:00")]
WORK_STATES = ("Available", "On call", "After-call work")
#: Which logged states count as doing each scheduled activity (adherence).
ACCEPTED = {"Work": WORK_STATES, "Break": ("Break",), "Lunch": ("Lunch",), "Meeting": ("Meeting",)}


def _time_shape(slot: int) -> float:
    """Relative volume across the day's 24 half-hours: a 10:00 peak, a lunch dip, a 14:30 hump."""
    t = OPEN_H + slot / 2 + 0.25
    morning = math.exp(-((t - 10.3) / 1.6) ** 2)
    afternoon = 0.80 * math.exp(-((t - 14.8) / 1.9) ** 2)
    evening = 0.30 * math.exp(-((t - 18.5) / 1.5) ** 2)
    return 0.18 + morning + afternoon + evening


def expected_calls(day: date, slot: int, promo: bool = False) -> float:
    """The generator's true mean calls for one half-hour (the pattern the forecast recovers)."""
    weeks = (day - HISTORY_START).days / 7
    trend = 1 + 0.01 * weeks
    monday_morning = 1.15 if day.weekday() == 0 and slot < 8 else 1.0
    return (BASE_CALLS * DAY_FACTOR[day.weekday()] * _time_shape(slot) * trend * monday_morning
            * (1.35 if promo else 1.0))


# --------------------------------------------------------------------------- history + forecast
def _history(rng: np.random.Generator) -> list[list]:
    rows = []
    for d in range(HISTORY_WEEKS * 7):
        day = HISTORY_START + timedelta(days=d)
        promo = d // 7 == PROMO_WEEK
        for slot, label in enumerate(INTERVALS):
            calls = int(rng.poisson(expected_calls(day, slot, promo)))
            aht = BASE_AHT * (1.06 if promo else 1.0) * (1.04 if slot < 4 else 1.0)
            aht_obs = round(float(aht * rng.normal(1, 0.06)), 1) if calls else ""
            rows.append([day.isoformat(), WEEKDAYS[day.weekday()], label, calls, aht_obs,
                         int(promo)])
    return rows


def _forecast() -> list[list]:
    return [[FORECAST_DAY.isoformat(), WEEKDAYS[FORECAST_DAY.weekday()], label,
             int(round(expected_calls(FORECAST_DAY, slot))),
             round(BASE_AHT * (1.04 if slot < 4 else 1.0))]
            for slot, label in enumerate(INTERVALS)]


# --------------------------------------------------------------------------- queue simulation
#: Agents on the phones per half-hour on the queue day (the morning peak is a little short).
QUEUE_STAFF = [7, 10, 13, 14, 15, 15, 15, 12, 10, 9, 11, 13, 15, 16, 15, 13, 11, 10, 9, 8, 8, 8, 7,
               7]


def _agent_ready(agent: int, t: float) -> float:
    """Earliest second >= t at which seat ``agent`` is staffed (inf if never again today)."""
    slot = int(t // 1800)
    while slot < len(QUEUE_STAFF):
        if agent < QUEUE_STAFF[slot]:
            return max(t, slot * 1800.0)
        slot += 1
    return math.inf


def _queue_calls(rng: np.random.Generator) -> list[list]:
    """FIFO multi-agent queue with impatient callers; agents follow QUEUE_STAFF per half-hour."""
    day0 = datetime.combine(QUEUE_DAY, datetime.min.time()) + timedelta(hours=OPEN_H)
    arrivals: list[float] = []
    for slot in range(len(INTERVALS)):
        n = int(rng.poisson(expected_calls(QUEUE_DAY, slot)))
        arrivals += sorted(float(x) for x in rng.uniform(slot * 1800, (slot + 1) * 1800, n))
    busy_until = [0.0] * max(QUEUE_STAFF)
    rows = []
    for i, t in enumerate(arrivals):
        patience = float(rng.exponential(110.0))
        talk = float(rng.lognormal(math.log(200), 0.55))
        hold = float(rng.exponential(40.0)) if rng.random() < 0.3 else 0.0
        acw = float(rng.gamma(4.0, 12.0))
        ready = [_agent_ready(a, max(t, busy_until[a])) for a in range(len(busy_until))]
        agent = min(range(len(ready)), key=lambda a: (ready[a], a))
        wait = ready[agent] - t
        arrival_ts = (day0 + timedelta(seconds=round(t))).isoformat()
        label = INTERVALS[int(t // 1800)]
        cid = f"Q{i + 1:05d}"
        if wait > patience:  # the caller hangs up before an agent is free
            rows.append([cid, arrival_ts, label, "abandoned", round(patience), "", "", "", ""])
            continue
        busy_until[agent] = ready[agent] + talk + hold + acw
        rows.append([cid, arrival_ts, label, "answered", round(wait), round(talk), round(hold),
                     round(acw), f"S{agent + 1:02d}"])
    return rows


# --------------------------------------------------------------------------- schedules + states
def _hm(s: str) -> int:
    h, m = s.split(":")
    return int(h) * 60 + int(m)


def _fmt(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _plan(start: int) -> list[tuple[str, int, int]]:
    """An 8-hour shift: work, two 15-minute breaks and a 30-minute lunch."""
    b1, lunch, b2 = start + 120, start + 240, start + 375
    return [("Work", start, b1), ("Break", b1, b1 + 15), ("Work", b1 + 15, lunch),
            ("Lunch", lunch, lunch + 30), ("Work", lunch + 30, b2), ("Break", b2, b2 + 15),
            ("Work", b2 + 15, start + 480)]


#: Each agent's slips: (kind, minutes). Drawn amounts are added by the generator.
SLIPS = {"E301": [], "E302": [("late_login", 0)], "E303": [("long_lunch", 0), ("early_break", 0)],
         "E304": [("meeting_overrun", 0)], "E305": [("leave_early", 0), ("late_from_break", 0)],
         "E306": [("late_login", 0), ("long_lunch", 0)]}


def _states_for(agent: str, plan: list[tuple[str, int, int]], rng: np.random.Generator
                ) -> list[tuple[str, int, int]]:
    """Minute-by-minute actual activity: the plan bent by this agent's slips, then split into states."""
    start, end = plan[0][1], plan[-1][2]
    actual = {}
    for act, a, b in plan:
        for m in range(a, b):
            actual[m] = act
    slips = [k for k, _ in SLIPS[agent]]
    lunch = next(p for p in plan if p[0] == "Lunch")
    breaks = [p for p in plan if p[0] == "Break"]
    if "late_login" in slips:
        late = int(rng.integers(7, 16))
        for m in range(start, start + late):
            actual[m] = "Logged out"
    if "long_lunch" in slips:
        extra = int(rng.integers(12, 22))
        for m in range(lunch[2], lunch[2] + extra):
            actual[m] = "Lunch"
    if "early_break" in slips:
        shift = int(rng.integers(20, 31))
        a, b = breaks[0][1], breaks[0][2]
        for m in range(a, b):
            actual[m] = "Work"
        for m in range(a - shift, b - shift):
            actual[m] = "Break"
    if "late_from_break" in slips:
        extra = int(rng.integers(6, 11))
        for m in range(breaks[1][2], breaks[1][2] + extra):
            actual[m] = "Break"
    if "leave_early" in slips:
        early = int(rng.integers(20, 36))
        for m in range(end - early, end):
            actual[m] = "Logged out"
    if "meeting_overrun" in slips:
        # A coaching session scheduled as work time, then overrunning into the first break.
        a = breaks[0][1] - 30
        for m in range(a, breaks[0][1] + 10):
            actual[m] = "Meeting"
        for m in range(breaks[0][1] + 10, breaks[0][2] + 10):
            actual[m] = "Break"
    # Split "Work" into phone states: calls of a few minutes, wrap-up, short idle gaps.
    states: list[tuple[str, int, int]] = []
    m = start
    while m < end:
        act = actual[m]
        if act != "Work":
            b = m
            while b < end and actual[b] == act:
                b += 1
            states.append((act, m, b))
            m = b
            continue
        b = m
        while b < end and actual[b] == "Work":
            b += 1
        t = m
        while t < b:
            for state, length in (("Available", int(rng.integers(0, 3))),
                                  ("On call", int(rng.integers(3, 9))),
                                  ("After-call work", int(rng.integers(1, 3)))):
                length = min(length, b - t)
                if length > 0:
                    states.append((state, t, t + length))
                    t += length
        m = b
    merged: list[tuple[str, int, int]] = []
    for s in states:
        if merged and merged[-1][0] == s[0] and merged[-1][2] == s[1]:
            merged[-1] = (s[0], merged[-1][1], s[2])
        else:
            merged.append(s)
    return merged


def _schedules_and_states(rng: np.random.Generator) -> tuple[list[list], list[list]]:
    sched, states = [], []
    day = QUEUE_DAY.isoformat()
    for agent, name, start in AGENTS:
        plan = _plan(_hm(start))
        for act, a, b in plan:
            sched.append([day, agent, name, act, _fmt(a), _fmt(b)])
        for state, a, b in _states_for(agent, plan, rng):
            if state != "Logged out":
                states.append([day, agent, state, _fmt(a), _fmt(b)])
    return sched, states


# --------------------------------------------------------------------------- analysis helpers
def minutes(df_rows, start_col: str = "start", end_col: str = "end") -> dict:
    """{(agent_id, minute): activity} from schedule or state rows (used by tests and lessons)."""
    out = {}
    for r in df_rows:
        for m in range(_hm(r[start_col]), _hm(r[end_col])):
            out[(r["agent_id"], m)] = r.get("activity", r.get("state"))
    return out


def adherence(schedule_rows: list[dict], state_rows: list[dict], agent: str) -> tuple[float, float]:
    """(adherence %, conformance %) for one agent from schedule and state rows (dicts).

    Adherence: scheduled minutes spent in a state that matches the scheduled activity, divided by
    all scheduled minutes. Conformance: minutes actually worked on the phones (any work state,
    at any time) divided by the minutes scheduled for phone work.
    """
    plan = {k[1]: v for k, v in minutes([r for r in schedule_rows if r["agent_id"] == agent]).items()}
    got = {k[1]: v for k, v in minutes([r for r in state_rows if r["agent_id"] == agent]).items()}
    if not plan:
        raise ValueError(f"no schedule rows for agent {agent!r}")
    match = sum(got.get(m) in ACCEPTED[act] for m, act in plan.items())
    worked = sum(s in WORK_STATES for s in got.values())
    planned_work = sum(act == "Work" for act in plan.values())
    return 100 * match / len(plan), 100 * worked / planned_work


def generate(out_dir: Path, seed: int) -> list[Path]:
    """Write the five workforce files into ``out_dir``; same seed, same bytes."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng([seed, 3])
    written = [
        write_csv(out_dir / "interval_history.csv",
                  ["date", "weekday", "interval", "calls", "aht_s", "promotion"], _history(rng)),
        write_csv(out_dir / "forecast_day.csv", ["date", "weekday", "interval", "calls", "aht_s"],
                  _forecast()),
        write_csv(out_dir / "queue_calls.csv",
                  ["call_id", "arrival_time", "interval", "outcome", "wait_s", "talk_s", "hold_s",
                   "acw_s", "agent_id"], _queue_calls(rng)),
    ]
    sched, states = _schedules_and_states(rng)
    written.append(write_csv(out_dir / "agent_schedule.csv",
                             ["date", "agent_id", "name", "activity", "start", "end"], sched))
    written.append(write_csv(out_dir / "agent_states.csv",
                             ["date", "agent_id", "state", "start", "end"], states))
    return written
