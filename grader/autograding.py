"""Parallel, resumable autograding of a cohort with nbgrader's own pipeline.

Each submission is graded by ``NbGraderAPI.autograde`` (sanitize → execute → SaveAutoGrades, the
exact steps and configuration of ``nbgrader autograde``) in one of several worker processes.
SQLite does not like several writers, so every worker grades against its *own copy* of the
gradebook (taken when the run starts) and hands back what nbgrader wrote there: the submission's
timestamp, late penalty, auto scores, "needs manual grade" flags and auto comments. The main
process copies those values into the real gradebook through nbgrader's Gradebook API, one
submission per transaction, so a crash never leaves half a submission and manual grades that a
trainer already entered are kept (nbgrader's own rule: a re-graded cell with a manual score is
flagged for review).

Before grading, each submission is checked (:mod:`grader.diagnose`): a learner whose notebook is
missing or is not valid notebook JSON is reported with what to do, and nobody else is affected.
After grading, the autograded notebook is read for timeouts and errors in the learner's own
cells, which become notes for that learner. A fingerprint of every graded submission is kept in
``.academy/graded/``, so running the step again skips work already done (an interrupted run
resumes) unless ``force`` is given or the learner submitted again.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from . import diagnose

COURSE_ID = "call-center-academy"


@dataclass
class GradeResult:
    """What happened to one learner's submission of one assignment."""

    learner: str
    assignment: str
    ok: bool
    message: str = ""
    status: str = "graded"  # graded | skipped (already graded) | failed | not submitted
    notes: list[str] = field(default_factory=list)
    score: float | None = None
    max_score: float | None = None
    seconds: float = 0.0


# --------------------------------------------------------------------------- worker side
_WORKER: dict[str, Any] = {}


def _init_worker(root: str, source: str | None, template_db: str, timeout: int | None,
                 scratch: str, prestart: bool = True) -> None:
    """Give this worker its own copy of the gradebook and an nbgrader API pointed at it."""
    from .workflow import Workspace

    os.environ.setdefault("ACADEMY_NO_PROGRESS", "1")
    db = Path(scratch) / f"worker-{os.getpid()}.db"
    shutil.copyfile(template_db, db)
    ws = Workspace(Path(root), Path(source) if source else None)
    config = ws.config(db_url=f"sqlite:///{db}")
    apply_limits(config, timeout, prestart)
    if prestart:
        from multiprocessing.util import Finalize

        from .kernel_pool import shutdown_spare

        Finalize(None, shutdown_spare, exitpriority=10)
    from . import course

    _speedups()
    _WORKER.update(api=course.make_api(config), db_url=f"sqlite:///{db}")


def _speedups() -> None:
    """Open this worker's gradebook once instead of ten times per notebook.

    nbgrader opens a new ``Gradebook`` (a new SQLAlchemy engine, a schema inspection and a
    ``create_all``) at every step of every notebook; that was half of a worker's own CPU time.
    Inside a worker, engines are kept per database URL and the schema is checked once. The
    database, the queries and the commits are nbgrader's own, unchanged.
    """
    import nbgrader.api as nbapi
    from sqlalchemy import create_engine

    if getattr(nbapi, "_academy_fast", False):
        return
    engines: dict[str, Any] = {}
    checked: set[str] = set()

    def cached_engine(url, **kw):
        if url not in engines:
            engines[url] = create_engine(url, **kw)
        return engines[url]

    real_create_all = nbapi.Base.metadata.create_all

    def create_all_once(bind=None, **kw):
        key = str(getattr(bind, "url", bind))
        if key not in checked:
            real_create_all(bind=bind, **kw)
            checked.add(key)

    class _Tables:
        def __init__(self, engine):
            self.engine = engine

        def get_table_names(self):
            key = str(self.engine.url)
            if key in checked:
                return ["(checked)"]
            from sqlalchemy import inspect

            return inspect(self.engine).get_table_names()

    nbapi.create_engine = cached_engine
    nbapi.Base.metadata.create_all = create_all_once
    nbapi.inspect = _Tables
    nbapi._academy_fast = True


def apply_limits(config, timeout: int | None, prestart: bool = False) -> None:
    """Add to nbgrader's autograde pipeline: structure repair, per-cell timeout, output cap,
    and (``prestart``) kernels started ahead of time (:mod:`grader.kernel_pool`)."""
    if timeout:
        config.Execute.timeout = int(timeout)
        config.ExecutePreprocessor.timeout = int(timeout)
    from nbgrader.converters import Autograde

    san = list(Autograde.class_traits()["sanitize_preprocessors"].default())
    if diagnose.RepairStructure not in san:
        san.insert(0, diagnose.RepairStructure)
    config.Autograde.sanitize_preprocessors = san
    config.RepairStructure.release_dir = config.CourseDirectory.release_directory
    pre = list(Autograde.class_traits()["autograde_preprocessors"].default())
    if prestart:
        from nbgrader.preprocessors import Execute

        from .kernel_pool import PrestartedExecute

        pre = [PrestartedExecute if p is Execute else p for p in pre]
    if diagnose.LimitOutputSize not in pre:
        pre.insert(pre.index(next(p for p in pre if p.__name__ == "LimitOutput")) + 1,
                   diagnose.LimitOutputSize)
    config.Autograde.autograde_preprocessors = pre


def _grade_one(assignment: str, learner: str) -> dict:
    """Run nbgrader autograde for one submission in this worker; return what it recorded."""
    import warnings

    warnings.filterwarnings("ignore")
    from nbgrader.api import Gradebook

    t0 = time.time()
    try:
        result = _WORKER["api"].autograde(assignment, learner, force=True, create=True)
    except Exception as exc:  # noqa: BLE001 - reported for this learner only
        result = {"success": False, "error": f"{type(exc).__name__}: {exc}", "log": ""}
    out: dict[str, Any] = {"success": bool(result.get("success")), "seconds": time.time() - t0,
                           "log": (result.get("error") or "") + "\n" + (result.get("log") or "")}
    if not out["success"]:
        return out
    with Gradebook(_WORKER["db_url"], course_id=COURSE_ID) as gb:
        sub = gb.find_submission(assignment, learner)
        out["timestamp"] = sub.timestamp
        out["notebooks"] = {
            nb.name: {"late": nb.late_submission_penalty,
                      "grades": {g.name: (g.auto_score, g.needs_manual_grade) for g in nb.grades},
                      "comments": {c.name: c.auto_comment for c in nb.comments}}
            for nb in sub.notebooks}
    return out


# --------------------------------------------------------------------------- main side
def _merge(db_url: str, assignment: str, learner: str, recorded: dict) -> tuple[float, float]:
    """Copy one worker's grading of a submission into the real gradebook (one transaction)."""
    import warnings

    from nbgrader.api import Gradebook

    with warnings.catch_warnings(), Gradebook(db_url, course_id=COURSE_ID) as gb:
        warnings.simplefilter("ignore")  # SQLAlchemy 2 autoflush notes inside nbgrader
        gb.update_or_create_student(learner)
        kwargs = {"timestamp": recorded["timestamp"]} if recorded.get("timestamp") else {}
        sub = gb.update_or_create_submission(assignment, learner, **kwargs)
        for nb in sub.notebooks:
            rec = recorded["notebooks"].get(nb.name)
            if rec is None:
                continue
            nb.late_submission_penalty = rec["late"]
            for g in nb.grades:
                if g.name in rec["grades"]:
                    g.auto_score, g.needs_manual_grade = rec["grades"][g.name]
            for c in nb.comments:
                if c.name in rec["comments"]:
                    c.auto_comment = rec["comments"][c.name]
        gb.db.commit()
        return float(sub.score), float(sub.max_score)


def fingerprint(folder: Path) -> str:
    """A digest of every file of a submission (names and bytes)."""
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file() and ".academy" not in p.relative_to(folder).parts:
            h.update(str(p.relative_to(folder)).encode())
            h.update(hashlib.sha256(p.read_bytes()).digest())
    return h.hexdigest()


def _marker(ws, assignment: str, learner: str) -> Path:
    return ws.root / ".academy" / "graded" / assignment / f"{learner}.json"


def _already_graded(ws, assignment: str, learner: str, fp: str, graded: set[str]) -> bool:
    marker = _marker(ws, assignment, learner)
    if learner not in graded or not marker.exists():
        return False
    try:
        return json.loads(marker.read_text())["fingerprint"] == fp and \
            (ws.root / "autograded" / learner / assignment).exists()
    except (ValueError, KeyError, OSError):
        return False


def _graded_learners(db_url: str, assignment: str) -> set[str]:
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(db_url, course_id=COURSE_ID) as gb:
        try:
            return {s.student.id for s in gb.find_assignment(assignment).submissions}
        except MissingEntry:
            return set()


def _snapshot(db_path: Path, dest: Path) -> None:
    """A consistent copy of a SQLite file, even while something else reads it."""
    with sqlite3.connect(db_path) as src, sqlite3.connect(dest) as dst:
        src.backup(dst)


def question_kinds(source: Path) -> dict[str, str]:
    """{question: kind} from the hidden grade calls of an assignment's source notebooks."""
    import nbformat

    from .nbgrader_ext import question_specs

    kinds = {}
    for path in sorted(source.glob("*.ipynb")):
        try:
            specs = question_specs(nbformat.read(path, as_version=4))
        except Exception:  # noqa: BLE001 - kinds only improve the notes
            continue
        for name, parts in specs.items():
            kind = parts.get("grade", {}).get("kind") or parts.get("check", {}).get("kind")
            if kind:
                kinds[name] = kind
    return kinds


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def grade_cohort(ws, assignment: str, learner_ids: list[str], *, workers: int | None = None,
                 timeout: int | None = None, force: bool = False, progress: bool = True,
                 label: str | None = None, prestart: bool = True) -> list[GradeResult]:
    """Autograde these learners' submissions of one assignment; never stops for one learner."""
    return grade_assignments(ws, [assignment], learner_ids, workers=workers, timeout=timeout,
                             force=force, progress=progress, label=label, prestart=prestart)


def _plan(ws, assignment: str, learner_ids: list[str], force: bool, results: dict, todo: dict) -> None:
    """Check each submission of one assignment; put the ones to grade in ``todo``."""
    expected = diagnose.expected_notebooks(ws.db_url, assignment)
    if not expected:
        msg = (f"{assignment} is not in this workspace's gradebook yet: run `academy release "
               f"{assignment}` (or nbgrader generate_assignment) first, then autograde again")
        results.update({(assignment, lid): GradeResult(lid, assignment, False, msg, "failed")
                        for lid in learner_ids})
        return
    graded_before = set() if force else _graded_learners(ws.db_url, assignment)
    for lid in learner_ids:
        key = (assignment, lid)
        folder = ws.submitted / lid / assignment
        if not folder.is_dir():
            results[key] = GradeResult(lid, assignment, False, "no submission: nothing collected "
                                       f"for this learner (expected {folder})", "not submitted")
            continue
        problem, notes = diagnose.precheck(folder, expected, ws.release / assignment)
        if problem:
            results[key] = GradeResult(lid, assignment, False, problem, "failed", notes)
            continue
        fp = fingerprint(folder)
        if _already_graded(ws, assignment, lid, fp, graded_before):
            results[key] = GradeResult(lid, assignment, True, "already graded (unchanged since)",
                                       "skipped", notes)
            continue
        todo[key] = (fp, notes)


def grade_assignments(ws, assignments: list[str], learner_ids: list[str], *,
                      workers: int | None = None, timeout: int | None = None, force: bool = False,
                      progress: bool = True, label: str | None = None,
                      prestart: bool = True) -> list[GradeResult]:
    """Autograde several assignments in one pool of workers (results by assignment, learner)."""
    from tqdm import tqdm

    results: dict[tuple[str, str], GradeResult] = {}
    todo: dict[tuple[str, str], tuple[str, list[str]]] = {}
    for aid in assignments:
        _plan(ws, aid, learner_ids, force, results, todo)
    kinds = {aid: question_kinds(ws.source_dir / aid) for aid in assignments}
    if todo:
        scratch = Path(tempfile.mkdtemp(prefix="academy-grade-"))
        try:
            template = scratch / "template.db"
            from .gradebook import snapshot

            snapshot(ws.db_url, template)  # SQLite or PostgreSQL, always a private SQLite copy
            n = max(1, min(workers or default_workers(), len(todo)))
            desc = label or (f"Autograding {assignments[0]}" if len(assignments) == 1 else
                             f"Autograding {len(assignments)} assignments")
            bar = tqdm(total=len(todo), desc=desc, unit="submission", disable=not progress,
                       file=sys.stdout, dynamic_ncols=True)
            init = (str(ws.root.resolve()), str(ws.source_dir), str(template), timeout, str(scratch),
                    prestart)
            try:
                with ProcessPoolExecutor(max_workers=n, mp_context=get_context("fork"),
                                         initializer=_init_worker, initargs=init) as pool:
                    futures = {pool.submit(_grade_one, aid, lid): (aid, lid) for aid, lid in todo}
                    for fut in as_completed(futures):
                        aid, lid = futures[fut]
                        results[(aid, lid)] = _finish(ws, aid, lid, todo[(aid, lid)], fut, kinds[aid])
                        bar.update(1)
            except BrokenProcessPool:
                pass  # reported below for every submission without a result
            finally:
                bar.close()
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        for aid, lid in todo:
            results.setdefault((aid, lid), GradeResult(
                lid, aid, False, "a grading worker crashed (out of memory?) before this "
                "submission was finished: run the same command again to resume", "failed"))
    return [results[(aid, lid)] for aid in assignments for lid in learner_ids]


def _finish(ws, assignment: str, lid: str, job: tuple[str, list[str]], fut,
            kinds: dict[str, str]) -> GradeResult:
    fp, notes = job
    try:
        recorded = fut.result()
    except BrokenProcessPool:
        raise
    except Exception as exc:  # noqa: BLE001 - one learner never stops the cohort
        return GradeResult(lid, assignment, False, f"grading failed ({type(exc).__name__}: {exc})",
                           "failed", notes)
    if not recorded["success"]:
        return GradeResult(lid, assignment, False, diagnose.explain_failure(recorded["log"], lid, assignment),
                           "failed", notes, seconds=recorded["seconds"])
    score, max_score = _merge(ws.db_url, assignment, lid, recorded)
    notes = notes + diagnose.postcheck(ws.root / "autograded" / lid / assignment, kinds)
    marker = _marker(ws, assignment, lid)
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text(json.dumps({"fingerprint": fp, "graded_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
                                  "score": score, "max_score": max_score, "notes": notes}))
    return GradeResult(lid, assignment, True, "; ".join(notes), "graded", notes, score, max_score,
                       recorded["seconds"])


def stock_autograde(ws, assignment: str, timeout: int | None = None):
    """Run stock ``nbgrader autograde`` (the CLI, one process) on a workspace, for comparison.

    Uses the repository's ``nbgrader_config.py`` (run from the repository root) with the
    workspace's folders given on the command line, exactly as a trainer would run it.
    """
    import subprocess

    from . import paths

    exe = Path(sys.executable).parent / "nbgrader"
    cmd = [str(exe), "autograde", assignment, "--force",
           f"--CourseDirectory.root={ws.root.resolve()}",
           f"--CourseDirectory.source_directory={ws.source_dir}",
           f"--CourseDirectory.release_directory={ws.release.resolve()}",
           f"--CourseDirectory.db_url={ws.db_url}"]
    if timeout:
        cmd += [f"--Execute.timeout={int(timeout)}"]
    env = dict(os.environ, PATH=str(exe.parent) + os.pathsep + os.environ.get("PATH", ""))
    return subprocess.run(cmd, cwd=paths.ROOT, env=env, capture_output=True, text=True)
