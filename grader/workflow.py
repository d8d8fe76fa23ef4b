"""A trainer's cohort workspace on nbgrader: learners, autograding, grade tables.

A workspace is an ordinary nbgrader course folder (``submitted/``, ``autograded/``,
``gradebook.db`` …) whose source is the repository's ``solutions/``. Every step goes through
nbgrader's API and gradebook; one learner's failure is recorded for that learner and the run
goes on.
"""
from __future__ import annotations

import sys
import warnings
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import course, paths

try:  # nbgrader 0.9 with SQLAlchemy 2 warns about harmless autoflush cascades on every grade
    from sqlalchemy.exc import SAWarning

    warnings.filterwarnings("ignore", category=SAWarning)
except ImportError:  # pragma: no cover
    pass


@dataclass
class Workspace:
    root: Path

    @property
    def db_url(self) -> str:
        return f"sqlite:///{(self.root / 'gradebook.db').resolve()}"

    @property
    def release(self) -> Path:
        return self.root / "release"

    @property
    def submitted(self) -> Path:
        return self.root / "submitted"

    def config(self):
        return course.load_config(root=str(self.root.resolve()),
                                  source_directory=str(paths.SOLUTIONS.resolve()),
                                  release_directory=str(self.release.resolve()),
                                  db_url=self.db_url)

    def api(self):
        return course.make_api(self.config())


@dataclass
class GradeResult:
    learner: str
    assignment: str
    ok: bool
    message: str = ""


def prepare(ws: Workspace, assignment_ids: list[str]) -> None:
    """Record the assignments in the workspace gradebook and release them into ``release/``."""
    course.generate(assignment_ids, release_dir=ws.release, workspace=ws.root)


def add_learners(ws: Workspace, learners) -> None:
    from nbgrader.api import Gradebook

    with Gradebook(ws.db_url, course_id="call-center-academy") as gb:
        for l in learners:
            gb.update_or_create_student(l.id, first_name=l.first_name, last_name=l.last_name)


def _explain(result: dict) -> str:
    text = (result.get("error") or "") + "\n" + (result.get("log") or "")
    lines = [l.strip() for l in text.splitlines() if l.strip()]
    errors = [l for l in lines if "ERROR" in l or "Error" in l]
    return (errors[-1] if errors else (lines[-1] if lines else "unknown error"))[:300]


def autograde(ws: Workspace, assignment: str, learner_ids: list[str], progress: bool = True) -> list[GradeResult]:
    """Autograde each learner's submission with nbgrader; failures are per learner."""
    from tqdm import tqdm

    api = ws.api()
    results = []
    bar = tqdm(learner_ids, desc=f"Autograding {assignment}", unit="learner", disable=not progress,
               file=sys.stdout, dynamic_ncols=True)
    for lid in bar:
        if not (ws.submitted / lid / assignment).exists():
            results.append(GradeResult(lid, assignment, False, "no submission"))
            continue
        try:
            r = api.autograde(assignment, lid, force=True, create=True)
            ok = bool(r.get("success"))
            results.append(GradeResult(lid, assignment, ok, "" if ok else _explain(r)))
        except Exception as exc:  # noqa: BLE001 - one learner must never stop the cohort
            results.append(GradeResult(lid, assignment, False, f"{type(exc).__name__}: {exc}"))
    return results


def grade_table(db_url: str) -> pd.DataFrame:
    """One row per learner × assignment × question from nbgrader's gradebook.

    Columns: learner, assignment, notebook, question, score, max_score, auto_score,
    manual_score, needs_manual_grade.
    """
    from nbgrader.api import Gradebook

    rows = []
    with Gradebook(db_url) as gb:
        for assignment in gb.assignments:
            for nb in assignment.notebooks:
                for student in gb.students:
                    try:
                        sub = gb.find_submission_notebook(nb.name, assignment.name, student.id)
                    except Exception:  # noqa: BLE001 - not submitted
                        continue
                    for g in sub.grades:
                        rows.append({
                            "learner": student.id, "assignment": assignment.name, "notebook": nb.name,
                            "question": g.name.removesuffix("_test"), "score": g.score,
                            "max_score": g.max_score, "auto_score": g.auto_score,
                            "manual_score": g.manual_score, "needs_manual_grade": g.needs_manual_grade,
                        })
    return pd.DataFrame(rows, columns=["learner", "assignment", "notebook", "question", "score",
                                       "max_score", "auto_score", "manual_score", "needs_manual_grade"])


def learner_table(db_url: str) -> pd.DataFrame:
    """Learners with names, one row each (nbgrader's student table)."""
    from nbgrader.api import Gradebook

    with Gradebook(db_url) as gb:
        return pd.DataFrame([{"learner": s.id, "first_name": s.first_name, "last_name": s.last_name}
                             for s in gb.students])
