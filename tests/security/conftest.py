"""A cohort of hostile and broken submissions of a real exercise, graded once per test session.

Every case is a learner whose notebook does one thing: reads what it must not, writes where it
must not, tampers with grading, or just works hard (huge output, big allocations, endless loops).
Two honest learners (``victim``, graded alongside them, and ``probe``) must come out exactly as
they would alone. Module 1's exercise is used because it is what learners take first; answers
for it are taken from ``solutions/``, so the cases stay valid when questions change.
"""
from __future__ import annotations

import copy
import os
import secrets
import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pytest

from grader import paths
from grader.synthetic.learners import Learner
from grader.workflow import Workspace, add_learners, autograde, grade_table, prepare

AID = "01-service-standards"
TIMEOUT = 2          # seconds per cell in this cohort (the course uses 60)
TOKEN = "ACADEMYATTACK" + secrets.token_hex(4)


@dataclass
class Case:
    name: str
    code: str                 # the learner's code (format fields: see Arena.fields)
    base: str = "blank"       # "blank" (release) or "solved" (every answer right)
    where: str = "q1_1"       # answer cell to put it in, "new" for an added cell, or "meta-lost"
    expect: str = "zero"      # zero | full | lose:q1_2,q1_3 | atmost:N
    note: str = ""            # text the learner's grading notes must contain
    status: str = "graded"
    why: str = ""


@dataclass
class Arena:
    ws: Workspace
    fields: dict
    results: dict
    scores: dict                      # learner -> {question: score}
    points: dict                      # question -> max points
    full: float
    victim_before: bytes
    victim_after: bytes
    connections: list
    survivors: list
    outputs: dict                     # learner -> all text in the autograded notebook
    cases: dict = field(default_factory=dict)


def _answers() -> dict[str, str]:
    sol = nbformat.read(paths.SOLUTIONS / AID / f"{AID}.ipynb", as_version=4)
    out = {}
    for c in sol.cells:
        meta = c.metadata.get("nbgrader", {})
        if meta.get("solution") and c.cell_type == "code":
            out[meta["grade_id"]] = c.source.replace("### BEGIN SOLUTION\n", "").replace("### END SOLUTION", "")
    return out


def _cell(nb, gid):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == gid)


def make_notebook(case: Case, release, answers: dict[str, str], fields: dict):
    nb = copy.deepcopy(release)
    if case.base == "solved":
        for gid, src in answers.items():
            _cell(nb, gid).source = src
    code = case.code.format(**fields)
    if case.where == "new":
        setup = nb.cells.index(_cell(nb, "setup"))
        nb.cells.insert(setup + 1, nbformat.v4.new_code_cell(code))
    elif case.where == "meta-lost":
        for c in nb.cells:
            c.metadata.pop("nbgrader", None)
            c.metadata.pop("editable", None)
            c.metadata.pop("deletable", None)
    elif case.where.startswith("edit:"):
        _cell(nb, case.where[5:]).source = code
    elif case.where.startswith("meta:"):
        exec(code, {"nb": nb, "cell": lambda g: _cell(nb, g), "nbformat": nbformat})  # noqa: S102
    else:
        c = _cell(nb, case.where)
        c.source = code + "\n" + c.source
    return nb


def _listen():
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(16)
    srv.settimeout(0.2)
    hits, stop = [], threading.Event()

    def loop():
        while not stop.is_set():
            try:
                conn, addr = srv.accept()
                hits.append(addr)
                conn.close()
            except OSError:
                pass

    t = threading.Thread(target=loop, daemon=True)
    t.start()
    return srv, hits, stop


def _token_processes() -> list[str]:
    import psutil

    found = []
    for p in psutil.process_iter(["cmdline"]):
        try:
            if TOKEN in " ".join(p.info["cmdline"] or []):
                found.append(f"{p.pid}: {' '.join(p.info['cmdline'])[:120]}")
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            pass
    return found


def build_arena(base: Path, cases: list[Case]) -> Arena:
    ws = Workspace(base / "course")
    prepare(ws, [AID])
    release = nbformat.read(ws.release / AID / f"{AID}.ipynb", as_version=4)
    answers = _answers()
    srv, hits, stop = _listen()
    secret = "S3CRET-" + secrets.token_hex(6)
    os.environ["ACADEMY_TEST_SECRET"] = secret
    fields = {"root": str(paths.ROOT), "course": str(ws.root.resolve()), "port": srv.getsockname()[1],
              "token": TOKEN, "home": os.path.expanduser("~"), "submitted": str(ws.submitted.resolve()),
              "secret_name": "ACADEMY_TEST_SECRET", "tmp": "/tmp"}
    learners = [Learner(c.name, c.name, "Hostile", "skipper") for c in cases]
    learners += [Learner("victim", "Vic", "Tim", "strong"), Learner("probe", "Pro", "Be", "strong")]
    add_learners(ws, learners)
    for case in cases:
        nb = make_notebook(case, release, answers, fields)
        out = ws.submitted / case.name / AID / f"{AID}.ipynb"
        out.parent.mkdir(parents=True)
        nbformat.write(nb, out)
        if case.name.startswith("symlink"):
            (out.parent / "linked.db").symlink_to(ws.root.resolve() / "gradebook.db")
    honest = make_notebook(Case("victim", "", base="solved", where="new"), release, answers, fields)
    for lid in ("victim", "probe"):
        out = ws.submitted / lid / AID / f"{AID}.ipynb"
        out.parent.mkdir(parents=True)
        nbformat.write(honest, out)
    # the probe also checks that nothing an attacker left behind reaches the next learner
    probe = nbformat.read(ws.submitted / "probe" / AID / f"{AID}.ipynb", as_version=4)
    _cell(probe, "q1_2").source = ("import os, glob\n"
                                   "left = glob.glob('/tmp/*poison*') + glob.glob(os.path.expanduser('~/*poison*'))\n"
                                   "q1_2 = 3 if not left else 0\n")
    nbformat.write(probe, ws.submitted / "probe" / AID / f"{AID}.ipynb")
    victim_nb = ws.submitted / "victim" / AID / f"{AID}.ipynb"
    before = victim_nb.read_bytes()
    try:
        results = {r.learner: r for r in autograde(ws, AID, [l.id for l in learners], progress=False,
                                                       timeout=TIMEOUT, workers=2)}
        time.sleep(3)  # give anything detached time to act, if anything survived
    finally:
        stop.set()
        srv.close()
        os.environ.pop("ACADEMY_TEST_SECRET", None)
    table = grade_table(ws.db_url)
    auto = table[~table.written]
    scores: dict = {}
    for r in auto.itertuples():
        scores.setdefault(r.learner, {})[r.question] = float(r.score or 0)
    points = {r.question: float(r.max_score) for r in auto.itertuples()}
    outputs = {}
    for lid in [l.id for l in learners]:
        p = ws.root / "autograded" / lid / AID / f"{AID}.ipynb"
        outputs[lid] = p.read_text(encoding="utf-8") if p.exists() else ""
    return Arena(ws, dict(fields, secret=secret), results, scores, points, sum(points.values()), before,
                 victim_nb.read_bytes(), list(hits), _token_processes(), outputs,
                 {c.name: c for c in cases})


@pytest.fixture(scope="session")
def arena(tmp_path_factory):
    from .cases import CASES

    return build_arena(tmp_path_factory.mktemp("arena"), CASES)
