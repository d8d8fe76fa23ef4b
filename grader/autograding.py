"""Parallel, resumable, sandboxed autograding of a cohort with nbgrader's own pipeline.

Each submission is graded by ``NbGraderAPI.autograde`` (sanitize → execute → SaveAutoGrades, the
steps and configuration of ``nbgrader autograde``) in one of several worker processes, with two
changes (:mod:`grader.preprocessors`): the learner's code runs in a bubblewrap sandbox of its own
(:mod:`grader.sandbox`), and hidden tests run in the worker on the answer values the sandbox sends
back as data (:mod:`grader.scoring`), so no learner code ever runs where a score is made.

SQLite does not like several writers, so every worker grades against its *own copy* of the
gradebook, in a private scratch folder (mode 0700, ``COURSE/.academy/scratch``, removed at the end
and, after a crash, at the next start), and hands back what nbgrader wrote there: the
submission's timestamp, late penalty, auto scores, "needs manual grade" flags and auto comments.
The main process copies those values into the real gradebook through nbgrader's Gradebook API,
one submission per transaction, so a crash never leaves half a submission and manual grades that a
trainer already entered are kept.

A worker that dies (killed, out of memory) costs only the submission it was grading: that one is
tried once more on a fresh worker and, if the worker dies again, reported as the culprit; the rest
are graded. Workers and their sandboxes die with the main process (``PR_SET_PDEATHSIG``).

Before grading, each submission is checked (:mod:`grader.diagnose`); after grading, the
autograded notebook is read for notes (tampering, stopped cells, errors in the learner's cells).
A fingerprint of every graded submission is kept in ``.academy/graded/``, so running the step
again skips work already done unless ``force`` is given or the learner submitted again.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import sys
import tempfile
import time
from dataclasses import dataclass, field
from multiprocessing import get_context
from multiprocessing.connection import wait
from pathlib import Path
from typing import Any

from . import diagnose
from .i18n import _, join

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
    sandboxed: bool = True


@dataclass
class Options:
    """How a run grades: per-cell time limit, sandbox on or off, memory per submission."""

    timeout: int | None = None
    sandbox: bool = True
    memory: int | None = None
    preload: tuple[str, ...] | None = None  # modules each sandbox imports ahead (see preload_for)


# --------------------------------------------------------------------------- worker side
_WORKER: dict[str, Any] = {}


def _init_worker(root: str, source: str | None, template_db: str, scratch: str,
                 options: Options) -> None:
    """Give this worker its own copy of the gradebook and an nbgrader API pointed at it."""
    from .workspace import Workspace

    os.environ.setdefault("ACADEMY_NO_PROGRESS", "1")
    db = Path(scratch) / f"worker-{os.getpid()}.db"
    shutil.copyfile(template_db, db)
    os.chmod(db, 0o600)
    ws = Workspace(Path(root), Path(source) if source else None)
    config = ws.config(db_url=f"sqlite:///{db}")
    configure(config, options, scratch)
    from . import course

    _speedups(scratch_db=f"sqlite:///{db}")
    _WORKER.update(api=course.make_api(config), db_url=f"sqlite:///{db}")


def configure(config, options: Options, scratch: str | None = None) -> None:
    """nbgrader's autograde pipeline with the course's steps (:mod:`grader.preprocessors`)."""
    from .preprocessors import autograde_pipeline

    autograde_pipeline(config)
    if options.timeout:
        config.SandboxedExecute.timeout = int(options.timeout)
    if options.memory:
        config.SandboxedExecute.memory_limit = int(options.memory)
    config.SandboxedExecute.sandbox = bool(options.sandbox)
    if options.preload is not None:
        config.SandboxedExecute.preload = list(options.preload)
    if scratch:
        config.SandboxedExecute.scratch_dir = str(scratch)


def _speedups(scratch_db: str | None = None) -> None:
    """Open this worker's gradebook once instead of ten times per notebook.

    nbgrader opens a new ``Gradebook`` (a new SQLAlchemy engine, a schema inspection and a
    ``create_all``) at every step of every notebook; that was half of a worker's own CPU time.
    Inside a worker, engines are kept per database URL and the schema is checked once. The
    database, the queries and the commits are nbgrader's own, unchanged.

    ``scratch_db`` is the worker's private, disposable copy of the gradebook: nbgrader commits
    about 25 times per notebook, and on SQLite each commit waits for the disk (a fifth of a
    worker's time). That copy is written without waiting for the disk (``synchronous=OFF``, the
    journal in memory): if the machine fails mid-run the copy is lost, which costs nothing, since
    a submission counts only once :func:`_merge` has written it to the real gradebook in one
    ordinary, durable transaction.
    """
    import nbgrader
    import nbgrader.api as nbapi
    from sqlalchemy import create_engine

    if getattr(nbapi, "_academy_fast", False):
        return
    # This reaches into nbgrader.api's module globals; it is written for nbgrader 0.9.
    if not nbgrader.__version__.startswith("0.9.") or not all(
            hasattr(nbapi, n) for n in ("create_engine", "inspect", "Base", "Gradebook")):
        raise RuntimeError(f"grader.autograding._speedups is written for nbgrader 0.9.x, found "
                           f"{nbgrader.__version__}: check nbgrader.api.Gradebook.__init__ still opens "
                           "its engine with create_engine/inspect/create_all, then update the guard")
    engines: dict[str, Any] = {}
    checked: set[str] = set()

    def cached_engine(url, **kw):
        if url not in engines:
            engines[url] = create_engine(url, **kw)
            if scratch_db and str(url) == scratch_db:
                from sqlalchemy import event

                @event.listens_for(engines[url], "connect")
                def _disposable(dbapi_conn, _record):
                    cur = dbapi_conn.cursor()
                    cur.execute("PRAGMA synchronous=OFF")
                    cur.execute("PRAGMA journal_mode=MEMORY")
                    cur.close()
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


def _die_with_parent() -> None:
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def _worker_main(conn, parent: int, init: tuple) -> None:
    """A grading worker: set up once, then grade one submission per message until told to stop."""
    _die_with_parent()
    if os.getppid() != parent:  # the main process died before we could ask to die with it
        os._exit(1)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle
    from .preprocessors.sandboxed_execute import shutdown_spare

    try:
        _init_worker(*init)
        conn.send(("ready", None))
        while True:
            job = conn.recv()
            if job is None:
                break
            conn.send(("done", _grade_one(*job)))
    except (EOFError, OSError, KeyboardInterrupt):
        pass
    finally:
        shutdown_spare()


class _Pool:
    """Worker processes that each grade one submission at a time; a dead worker is replaced."""

    def __init__(self, n: int, init: tuple) -> None:
        self.ctx = get_context("fork")
        self.init = init
        self.workers: list[dict] = [self._spawn() for _ in range(n)]

    def _spawn(self) -> dict:
        parent_end, child_end = self.ctx.Pipe()
        p = self.ctx.Process(target=_worker_main, args=(child_end, os.getpid(), self.init), daemon=True)
        p.start()
        child_end.close()
        return {"proc": p, "conn": parent_end, "job": None, "ready": False}

    def run(self, jobs: list[tuple], on_result) -> None:
        """Grade every job; on_result(job, result or None, why) for each, as they finish."""
        queue = list(jobs)
        tries: dict[tuple, int] = {}
        while queue or any(w["job"] for w in self.workers):
            for w in self.workers:
                if w["job"] is None and w["ready"] and queue:
                    w["job"] = queue.pop(0)
                    try:
                        w["conn"].send(w["job"])
                    except OSError:
                        pass  # seen as a dead worker below
            ready = wait([w["conn"] for w in self.workers] + [w["proc"].sentinel for w in self.workers])
            for w in list(self.workers):
                msg = None
                if w["conn"] in ready or w["proc"].sentinel in ready:
                    try:
                        if w["conn"].poll():
                            msg = w["conn"].recv()
                    except (EOFError, OSError):
                        msg = None
                if msg is not None:
                    kind, payload = msg
                    if kind == "ready":
                        w["ready"] = True
                    elif kind == "done":
                        job, w["job"] = w["job"], None
                        on_result(job, payload, "")
                    continue
                if w["proc"].sentinel in ready and not w["proc"].is_alive():
                    job = w["job"]
                    code = w["proc"].exitcode
                    self.workers.remove(w)
                    w["conn"].close()
                    if job is not None:
                        tries[job] = tries.get(job, 0) + 1
                        if tries[job] < 2:
                            queue.insert(0, job)
                        else:
                            on_result(job, None, _death(code))
                    elif not w["ready"]:
                        raise RuntimeError(_("a grading worker could not start ({why})").format(why=_death(code)))
                    self.workers.append(self._spawn())

    def close(self) -> None:
        for w in self.workers:
            try:
                w["conn"].send(None)
            except OSError:
                pass
        for w in self.workers:
            w["proc"].join(timeout=10)
            if w["proc"].is_alive():
                w["proc"].kill()
                w["proc"].join(timeout=5)
            w["conn"].close()


def _death(code: int | None) -> str:
    if code is not None and code < 0:
        try:
            return _("killed by {signal}").format(signal=signal.Signals(-code).name)
        except ValueError:
            return _("killed by signal {number}").format(number=-code)
    return _("exit code {code}").format(code=code)


# --------------------------------------------------------------------------- scratch space
def scratch_root(ws) -> Path:
    """The workspace's private scratch folder (0700), with leftovers of dead runs removed."""
    root = ws.root.resolve() / ".academy" / "scratch"
    root.mkdir(parents=True, exist_ok=True)
    os.chmod(root, 0o700)
    for old in root.glob("run-*"):
        try:
            pid = int(old.name.split("-")[1])
            os.kill(pid, 0)
            alive = True
        except (ValueError, IndexError, ProcessLookupError):
            alive = False
        except PermissionError:
            alive = True
        if not alive:
            shutil.rmtree(old, ignore_errors=True)
    return root


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


# Heavy modules worth importing in a sandbox before its submission arrives (while the previous
# one is graded), when an assignment's notebooks import them; the self-check is always needed.
PRELOADABLE = ("pandas", "numpy", "matplotlib", "scipy", "grader.datasets", "grader.staffing",
               "grader.widgets")


def preload_for(sources: list[Path]) -> tuple[str, ...]:
    """What the sandboxes should import ahead for these assignment folders: grader.check, and each
    module of PRELOADABLE the source notebooks import (pandas for an exercise on data, nothing
    heavy for a quiz). Importing pandas costs a sandbox about 0.2-0.4 s of CPU; skipping it for
    assignments that never use it is a fifth of a quiz notebook's grading time."""
    import ast

    import nbformat

    found: set[str] = set()
    for source in sources:
        for path in sorted(Path(source).glob("*.ipynb")):
            try:
                nb = nbformat.read(path, as_version=4)
            except Exception:  # noqa: BLE001 - then preload everything, as before
                return ("pandas", "grader.check", "grader.datasets")
            for cell in nb.cells:
                if cell.cell_type != "code":
                    continue
                try:
                    tree = ast.parse(cell.source)
                except SyntaxError:
                    continue
                for node in ast.walk(tree):
                    names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                        [node.module or ""] if isinstance(node, ast.ImportFrom) else []
                    for name in names:
                        found |= {m for m in PRELOADABLE if name == m or name.startswith(m + ".")}
    if "grader.datasets" in found:
        found.add("pandas")  # the datasets come as DataFrames
    return tuple(sorted(found)) + ("grader.check",)


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
                 label: str | None = None, sandbox: bool = True,
                 memory: int | None = None) -> list[GradeResult]:
    """Autograde these learners' submissions of one assignment; never stops for one learner."""
    return grade_assignments(ws, [assignment], learner_ids, workers=workers, timeout=timeout,
                             force=force, progress=progress, label=label, sandbox=sandbox,
                             memory=memory)


def _plan(ws, assignment: str, learner_ids: list[str], force: bool, results: dict, todo: dict) -> None:
    """Check each submission of one assignment; put the ones to grade in ``todo``."""
    expected = diagnose.expected_notebooks(ws.db_url, assignment)
    if not expected:
        msg = _("{assignment} is not in this workspace's gradebook yet: run `academy release {assignment}` "
                "(or nbgrader generate_assignment) first, then autograde again").format(assignment=assignment)
        results.update({(assignment, lid): GradeResult(lid, assignment, False, msg, "failed")
                        for lid in learner_ids})
        return
    graded_before = set() if force else _graded_learners(ws.db_url, assignment)
    for lid in learner_ids:
        key = (assignment, lid)
        folder = ws.submitted / lid / assignment
        if not folder.is_dir():
            results[key] = GradeResult(lid, assignment, False, _("no submission: nothing collected for this "
                                       "learner (expected {folder})").format(folder=folder), "not submitted")
            continue
        problem, notes = diagnose.precheck(folder, expected, ws.release / assignment)
        if problem:
            results[key] = GradeResult(lid, assignment, False, problem, "failed", notes)
            continue
        fp = fingerprint(folder)
        if _already_graded(ws, assignment, lid, fp, graded_before):
            results[key] = GradeResult(lid, assignment, True, _("already graded (unchanged since)"),
                                       "skipped", notes)
            continue
        todo[key] = (fp, notes)


def grade_assignments(ws, assignments: list[str], learner_ids: list[str], *,
                      workers: int | None = None, timeout: int | None = None, force: bool = False,
                      progress: bool = True, label: str | None = None, sandbox: bool = True,
                      memory: int | None = None) -> list[GradeResult]:
    """Autograde several assignments in one pool of workers (results by assignment, learner).

    With ``sandbox`` (the default) learner code runs in bubblewrap; where that is impossible this
    raises :class:`grader.sandbox.SandboxUnavailable` with the fix, before anything is graded.
    """
    from tqdm import tqdm

    from . import sandbox as sb

    if sandbox:
        ok, why = sb.available()
        if not ok:
            raise sb.SandboxUnavailable(_("cannot sandbox learner code: {why}. To fix: {fix}.").format(
                why=why, fix=sb.fix_hint()))
    options = Options(timeout=timeout, sandbox=sandbox, memory=memory,
                      preload=preload_for([ws.source_dir / aid for aid in assignments]))
    results: dict[tuple[str, str], GradeResult] = {}
    todo: dict[tuple[str, str], tuple[str, list[str]]] = {}
    for aid in assignments:
        _plan(ws, aid, learner_ids, force, results, todo)
    kinds = {aid: question_kinds(ws.source_dir / aid) for aid in assignments}
    if todo:
        scratch = Path(tempfile.mkdtemp(prefix=f"run-{os.getpid()}-", dir=scratch_root(ws)))
        try:
            template = scratch / "template.db"
            from .gradebook import snapshot

            snapshot(ws.db_url, template)  # SQLite or PostgreSQL, always a private SQLite copy
            n = max(1, min(workers or default_workers(), len(todo)))
            desc = label or (_("Autograding {assignment}").format(assignment=assignments[0])
                             if len(assignments) == 1 else
                             _("Autograding {n} assignments").format(n=len(assignments)))
            bar = tqdm(total=len(todo), desc=desc, unit=_("submission"), disable=not progress,
                       file=sys.stdout, dynamic_ncols=True)
            init = (str(ws.root.resolve()), str(ws.source_dir), str(template), str(scratch), options)

            def on_result(job, recorded, why):
                aid, lid = job
                if recorded is None:
                    results[job] = GradeResult(
                        lid, aid, False, _("{learner}, {assignment}: the grading worker died twice while "
                                           "grading this submission ({why}); it is the cause. Open it, "
                                           "remove the code that crashes, and run autograde again; the "
                                           "other learners were graded").format(
                            learner=lid, assignment=aid, why=why),
                        "failed", todo[job][1], sandboxed=sandbox)
                else:
                    results[job] = _finish(ws, aid, lid, todo[job], recorded, kinds[aid], sandbox)
                bar.update(1)

            pool = _Pool(n, init)
            try:
                pool.run(list(todo), on_result)
            finally:
                pool.close()
                bar.close()
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    return [results[(aid, lid)] for aid in assignments for lid in learner_ids]


def _finish(ws, assignment: str, lid: str, job: tuple[str, list[str]], recorded: dict,
            kinds: dict[str, str], sandboxed: bool) -> GradeResult:
    fp, notes = job
    if not recorded["success"]:
        return GradeResult(lid, assignment, False, diagnose.explain_failure(recorded["log"], lid, assignment),
                           "failed", notes, seconds=recorded["seconds"], sandboxed=sandboxed)
    try:
        score, max_score = _merge(ws.db_url, assignment, lid, recorded)
    except Exception as exc:  # noqa: BLE001 - one learner's record never stops the cohort
        return GradeResult(lid, assignment, False, _("{learner}, {assignment}: graded, but the result could "
                                                     "not be saved in the gradebook ({error}); run autograde "
                                                     "again").format(
            learner=lid, assignment=assignment, error=f"{type(exc).__name__}: {str(exc)[:160]}"),
            "failed", notes, sandboxed=sandboxed)
    notes = notes + diagnose.postcheck(ws.root / "autograded" / lid / assignment, kinds)
    marker = _marker(ws, assignment, lid)
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text(json.dumps({"fingerprint": fp, "graded_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
                                  "score": score, "max_score": max_score, "notes": notes,
                                  "sandboxed": sandboxed}))
    return GradeResult(lid, assignment, True, join(notes, "clause"), "graded", notes, score, max_score,
                       recorded["seconds"], sandboxed)


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
