"""A trainer's cohort workspace on nbgrader: learners, autograding, grade tables.

A workspace is an ordinary nbgrader course folder (``submitted/``, ``autograded/``,
``gradebook.db`` …) whose source is the repository's ``solutions/``. Every step goes through
nbgrader's API and gradebook; one learner's failure is recorded for that learner and the run
goes on.
"""
from __future__ import annotations

import os
import sys
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import course, paths
from .autograding import COURSE_ID, GradeResult, grade_cohort  # noqa: F401 - re-exported

try:  # nbgrader 0.9 with SQLAlchemy 2 warns about harmless autoflush cascades on every grade
    from sqlalchemy.exc import SAWarning

    warnings.filterwarnings("ignore", category=SAWarning)
except ImportError:  # pragma: no cover
    pass


def fix_ipc(config) -> None:
    """Give IPC kernels an absolute, per-process socket path.

    With ``KernelManager.transport = "ipc"`` jupyter_client names the sockets ``kernel-ipc-N``
    relative to the current folder, but nbgrader starts each kernel in the submission's folder:
    the kernel binds in one folder, the grader connects in another, and every notebook fails
    with "Kernel didn't respond in 60 seconds". A short absolute prefix per process fixes that
    and keeps parallel workers from racing for the same socket names.
    """
    if config.KernelManager.get("transport") == "ipc" and "ip" not in config.KernelManager:
        folder = Path(tempfile.gettempdir()) / f"academy-ipc-{os.getuid()}"
        folder.mkdir(mode=0o700, exist_ok=True)
        config.KernelManager.ip = str(folder / f"k{os.getpid()}")


@dataclass
class Workspace:
    root: Path
    source: Path | None = None  # nbgrader source folder; default: the repository's solutions/

    @property
    def source_dir(self) -> Path:
        return (self.source or paths.SOLUTIONS).resolve()

    @property
    def db_url(self) -> str:
        return f"sqlite:///{(self.root / 'gradebook.db').resolve()}"

    @property
    def release(self) -> Path:
        return self.root / "release"

    @property
    def submitted(self) -> Path:
        return self.root / "submitted"

    def config(self, db_url: str | None = None):
        config = course.load_config(root=str(self.root.resolve()),
                                    source_directory=str(self.source_dir),
                                    release_directory=str(self.release.resolve()),
                                    db_url=db_url or self.db_url)
        fix_ipc(config)
        return config

    def api(self):
        return course.make_api(self.config())


def prepare(ws: Workspace, assignment_ids: list[str]) -> None:
    """Record the assignments in the workspace gradebook and release them into ``release/``."""
    course.generate(assignment_ids, release_dir=ws.release, workspace=ws.root, source_dir=ws.source_dir)


def add_learners(ws: Workspace, learners) -> None:
    from nbgrader.api import Gradebook

    with Gradebook(ws.db_url, course_id=COURSE_ID) as gb:
        for l in learners:
            gb.update_or_create_student(l.id, first_name=l.first_name, last_name=l.last_name)


def autograde(ws: Workspace, assignment: str, learner_ids: list[str], progress: bool = True, *,
              workers: int | None = None, timeout: int | None = None,
              force: bool = True) -> list[GradeResult]:
    """Autograde each learner's submission with nbgrader, in parallel; failures are per learner.

    ``force`` (the default here, as for ``academy demo``) regrades everything; ``force=False``
    skips submissions already graded and unchanged, which is how an interrupted run resumes.
    """
    return grade_cohort(ws, assignment, learner_ids, workers=workers, timeout=timeout,
                        force=force, progress=progress)


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
