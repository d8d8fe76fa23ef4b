"""A centre's agent roster, role competency requirements and competency ratings (Module 5).

``roster.csv`` lists the agents a supervisor reviews for promotion to team leader, with only what
the course's promotion rules use (time with the centre, recent quality and KPI record, conduct,
the leadership track) and no personal attributes such as age, which must never be a criterion.
``competency_requirements.csv`` gives the level (1-5) each role asks for in each competency,
drawn from the role descriptions in the sources; ``competency_ratings.csv`` holds each agent's
ratings by their team leader. The people the exercises ask about have fixed profiles, so the
answers do not depend on the seed; the seed only varies everyone else and the small details.
"""
from __future__ import annotations

import csv
import random
from collections.abc import Mapping
from datetime import date
from pathlib import Path

from ..i18n import N_

AS_OF = date(2024, 4, 1)

class _Rules(Mapping):
    """The rules' texts, in the course's current language whenever they are read."""

    def __init__(self, texts: dict[str, str]):
        self._texts = texts

    def __getitem__(self, key: str) -> str:
        from ..i18n import _

        return _(self._texts[key])

    def __iter__(self):
        return iter(self._texts)

    def __len__(self) -> int:
        return len(self._texts)


#: The course's promotion rules for agent -> team leader (stated in Module 5 and the README).
PROMOTION_RULES = _Rules({
    "tenure": N_("at least 24 months with the centre"),
    "performance": N_("QA average of at least 85 over the last 6 months and KPI targets met in at "
                      "least 5 of those 6 months"),
    "conduct": N_("no written warning in the last 12 months (integrity comes before every rule: "
                  "an agent who altered a record or a score is not a candidate)"),
    "programme": N_("leadership track complete"),
})

COMPETENCIES = ("communication", "customer_focus", "product_knowledge", "stress_tolerance",
                "coaching", "coordination", "data_analysis", "case_analysis", "planning")

# Required level (1-5) per role, from the role descriptions in sources 000 and 004.
REQUIREMENTS = {
    "senior_agent":    (4, 4, 5, 4, 2, 2, 2, 3, 2),
    "team_leader":     (4, 4, 4, 4, 4, 4, 3, 3, 3),
    "qa_trainer":      (4, 4, 4, 3, 4, 4, 3, 5, 3),
    "data_specialist": (3, 3, 3, 3, 1, 3, 5, 3, 4),
}

# Fixed profiles: id, name, job grade, tenure months, QA avg, KPI months met (of 6),
# written warnings in 12 months, leadership track status, stated interest.
FIXED = [
    ("E2001", "Aisha Bello", "senior", 38, 91.2, 6, 0, "complete", "management"),
    ("E2002", "Marco Rossi", "senior", 52, 88.4, 5, 0, "complete", "management"),
    ("E2003", "Hannah Schulz", "intermediate", 26, 86.1, 5, 0, "complete", "management"),
    ("E2004", "Wei Zhang", "senior", 31, 92.7, 6, 0, "complete", "qa_trainer"),
    ("E2005", "Carlos Mendez", "intermediate", 19, 90.3, 6, 0, "complete", "management"),      # tenure
    ("E2006", "Fatima Noor", "intermediate", 22, 87.9, 6, 0, "complete", "management"),       # tenure
    ("E2007", "Liam O'Brien", "senior", 45, 82.6, 6, 0, "complete", "management"),            # QA
    ("E2008", "Anna Kowalska", "intermediate", 29, 89.0, 4, 0, "complete", "management"),     # KPI
    ("E2009", "Samuel Osei", "senior", 36, 90.8, 6, 1, "complete", "management"),             # conduct
    ("E2010", "Julia Costa", "senior", 40, 93.5, 6, 0, "in progress", "management"),          # programme
    ("E2011", "Ravi Iyer", "intermediate", 27, 88.8, 5, 0, "not started", "senior_agent"),    # programme
    ("E2012", "Emma Laurent", "junior", 8, 79.4, 3, 0, "not started", "undecided"),           # several
    ("E2013", "Noah Fischer", "junior", 11, 84.0, 4, 1, "in progress", "management"),         # several
    ("E2014", "Chloé Martin", "intermediate", 30, 84.9, 5, 0, "complete", "management"),      # QA (edge)
]
FILLER_NAMES = ["Isabel Duarte", "Kwame Asante", "Sara Lindqvist", "Diego Alvarez",
                "Nadia Haddad", "Tobias Klein"]

# The agent whose competency gap Module 5 analyses (against team_leader), with fixed ratings.
GAP_AGENT = "E2003"
GAP_RATINGS = dict(zip(COMPETENCIES, (5, 4, 5, 4, 2, 3, 2, 3, 3)))


def _months_ago(months: int, day: int) -> date:
    y, m = AS_OF.year, AS_OF.month - months
    while m <= 0:
        m += 12
        y -= 1
    return date(y, m, min(day, 28))


def eligible(row: dict) -> list[str]:
    """The promotion rules a ``roster.csv`` row fails (empty list: eligible)."""
    failed = []
    if int(row["tenure_months"]) < 24:
        failed.append("tenure")
    if float(row["qa_avg_6m"]) < 85 or int(row["kpi_months_met_6m"]) < 5:
        failed.append("performance")
    if int(row["written_warnings_12m"]) > 0:
        failed.append("conduct")
    if row["leadership_track"] != "complete":
        failed.append("programme")
    return failed


def generate(out_dir: Path, seed: int) -> list[Path]:
    """Write ``roster.csv``, ``competency_requirements.csv`` and ``competency_ratings.csv``."""
    rng = random.Random(f"roster:{seed}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    people = list(FIXED)
    for i, name in enumerate(FILLER_NAMES):
        # Everyone else is early in their career: under 24 months, so never eligible yet.
        tenure = rng.randint(3, 20)
        grade = "junior" if tenure < 12 else "intermediate"
        people.append((f"E{2015 + i}", name, grade, tenure, round(rng.uniform(76, 92), 1),
                       rng.randint(2, 6), rng.choice([0, 0, 0, 1]),
                       rng.choice(["not started", "in progress"]),
                       rng.choice(["undecided", "management", "senior_agent", "other_department"])))
    teams = ["Team North", "Team South", "Team East"]
    roster = []
    for emp, name, grade, tenure, qa, kpi, warn, track, interest in people:
        roster.append({
            "employee_id": emp, "name": name, "job_grade": grade,
            "team": teams[int(emp[1:]) % 3],
            "hire_date": _months_ago(tenure, rng.randint(1, 28)).isoformat(),
            "tenure_months": tenure, "qa_avg_6m": qa, "kpi_months_met_6m": kpi,
            "written_warnings_12m": warn, "leadership_track": track, "career_interest": interest,
        })
    reqs = [{"role": role, "competency": c, "required_level": lvl}
            for role, levels in REQUIREMENTS.items() for c, lvl in zip(COMPETENCIES, levels)]
    ratings = []
    for row in roster:
        emp = row["employee_id"]
        rater = f"TL-{row['team'].split()[1]}"
        for c in COMPETENCIES:
            if emp == GAP_AGENT:
                level = GAP_RATINGS[c]
            else:
                top = 5 if row["job_grade"] == "senior" else 4
                level = rng.randint(2, top)
            ratings.append({"employee_id": emp, "competency": c, "rating": level, "rated_by": rater,
                            "rated_on": _months_ago(rng.randint(1, 3), rng.randint(1, 28)).isoformat()})
    files = {"roster.csv": roster, "competency_requirements.csv": reqs,
             "competency_ratings.csv": ratings}
    paths = []
    for fname, rows in files.items():
        path = out_dir / fname
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        paths.append(path)
    return paths
