"""A team's calls and anonymous mood check-ins over four weeks, for Module 2's supervisor part.

Ten agents of "Team East" work weekdays 09:00-18:00 (3-28 March 2025). Two files:

* ``mood_calls.csv`` - the phone system's hourly agent report: for each day, hour and agent on
  the floor, how many calls they handled, how many were complaints, and the minutes spent
  handling them. Volume has the usual Monday-morning peak, and complaints cluster there too.
* ``mood_checkins.csv`` - the team's mood meter: at the top of each hour every agent on the
  floor may tap a mood (1 = very low ... 5 = very good) and a stress level (1 = calm ... 5 =
  overwhelmed). Check-ins are anonymous (no agent column), as a supervisor's pulse should be.

Mood follows workload and complaints: it dips hardest on Monday at 09:00-10:59 (the team's
"emotion cycle" the supervisor should find), sags a little after lunch each day, and lifts on
Friday afternoon. Everything comes from one ``numpy`` generator seeded with ``seed``.
"""
from __future__ import annotations

import math
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from . import write_csv

START = date(2025, 3, 3)  # a Monday
WEEKS = 4
HOURS = list(range(9, 18))  # check-ins and calls 09:00-17:59
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
AGENTS = [("E311", "Chloe Martin"), ("E312", "Samuel Osei"), ("E313", "Ines Duarte"),
          ("E314", "Wei Zhang"), ("E315", "Fatima Noor"), ("E316", "Oliver Grant"),
          ("E317", "Anika Patel"), ("E318", "Mateo Silva"), ("E319", "Leah Cohen"),
          ("E320", "Kenji Mori")]


def calls_per_agent_hour(weekday: int, hour: int) -> float:
    """Expected calls per agent in one hour: a Monday-morning peak, a mid-afternoon hump."""
    shape = 4.2 + 3.0 * math.exp(-((hour - 10) / 1.4) ** 2) + 1.6 * math.exp(-((hour - 14.5) / 1.5) ** 2)
    monday = 1.35 if weekday == 0 and hour < 12 else 1.0
    friday_late = 0.8 if weekday == 4 and hour >= 15 else 1.0
    return shape * monday * friday_late


def complaint_rate(weekday: int, hour: int) -> float:
    """Chance that a call is a complaint: higher on Monday mornings (weekend backlog)."""
    return 0.05 + (0.07 if weekday == 0 and hour in (9, 10) else 0.0)


def mood_mean(weekday: int, hour: int) -> float:
    """The mood the generator aims at for one weekday x hour (before noise)."""
    m = 3.85
    if weekday == 0 and hour == 9:
        m -= 1.25
    elif weekday == 0 and hour == 10:
        m -= 0.8
    elif weekday == 0 and hour == 11:
        m -= 0.35
    if hour == 14:
        m -= 0.25  # the post-lunch slump
    if weekday == 4 and hour >= 15:
        m += 0.3
    return m


def generate(out_dir: Path, seed: int) -> list[Path]:
    """Write ``mood_calls.csv`` and ``mood_checkins.csv`` into ``out_dir``; same seed, same bytes."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng([seed, 2])
    calls, checkins = [], []
    for d in range(WEEKS * 7):
        day = START + timedelta(days=d)
        wd = day.weekday()
        if wd > 4:
            continue
        # One or two agents are off each day (leave, training): the floor is 8-10 people.
        off = set(rng.choice(len(AGENTS), size=int(rng.integers(0, 3)), replace=False).tolist())
        present = [a for i, a in enumerate(AGENTS) if i not in off]
        for hour in HOURS:
            hour_complaints = 0
            hour_calls = 0
            for agent_id, _name in present:
                n = int(rng.poisson(calls_per_agent_hour(wd, hour)))
                complaints = int(rng.binomial(n, complaint_rate(wd, hour))) if n else 0
                handle = float(rng.lognormal(math.log(230), 0.45, n).sum()) + 40.0 * complaints
                calls.append([day.isoformat(), WEEKDAYS[wd], hour, agent_id, n, complaints,
                              round(handle / 60, 1)])
            # Check-ins at the top of the hour: most people on the floor answer.
            responders = int(rng.binomial(len(present), 0.85))
            mu = mood_mean(wd, hour)
            for _ in range(responders):
                mood = int(np.clip(round(rng.normal(mu, 0.7)), 1, 5))
                stress = int(np.clip(round(rng.normal(6.0 - mu + 0.2, 0.7)), 1, 5))
                checkins.append([day.isoformat(), WEEKDAYS[wd], hour, mood, stress])
    return [
        write_csv(out_dir / "mood_calls.csv",
                  ["date", "weekday", "hour", "agent_id", "calls", "complaints", "handle_min"],
                  calls),
        write_csv(out_dir / "mood_checkins.csv", ["date", "weekday", "hour", "mood", "stress"],
                  checkins),
    ]
