"""Grading processes: a dead worker costs one submission, kill -9 leaves nothing, no silent fallback."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import psutil
import pytest

from grader import sandbox
from grader.cli import main
from grader.synthetic.sample_course import ASSIGNMENT, build_sample_course
from grader.workflow import autograde

pytestmark = pytest.mark.nbgrader


def _answer(ws, learner: str, gid: str, code: str) -> None:
    path = ws.submitted / learner / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    nb = nbformat.read(path, as_version=4)
    next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == gid).source = code
    nbformat.write(nb, path)


def _ids(ws) -> list[str]:
    return sorted(p.name for p in ws.submitted.iterdir())


def test_dead_worker_costs_only_its_submission(tmp_path):
    """A submission that kills its grading worker (possible only unsandboxed) is named as the cause;
    its worker is replaced and everyone else is graded."""
    ws = build_sample_course(tmp_path, 4, seed=5)
    ids = _ids(ws)
    _answer(ws, ids[0], "q0_1", "import os\nos.kill(os.getppid(), 9)\nq0_1 = 'C'")
    results = {r.learner: r for r in autograde(ws, ASSIGNMENT, ids, progress=False, workers=2,
                                               sandbox=False)}
    bad = results[ids[0]]
    assert not bad.ok and "died twice" in bad.message and ids[0] in bad.message
    for lid in ids[1:]:
        assert results[lid].ok and results[lid].score is not None, results[lid].message


def _tree(pid: int) -> list[psutil.Process]:
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def test_kill_9_of_autograde_leaves_nothing(tmp_path):
    """After kill -9 of `academy autograde`, do its workers and sandboxes die too, and is the
    private scratch folder it left cleaned at the next start?"""
    ws = build_sample_course(tmp_path, 3, seed=5)
    ids = _ids(ws)
    _answer(ws, ids[0], "q0_1", "import time\ntime.sleep(120)\nq0_1 = 'C'")
    exe = Path(sys.executable).parent / "academy"
    cmd = [str(exe), "autograde", ASSIGNMENT, "--course", str(ws.root), "--source", str(ws.source_dir),
           "--quiet", "--workers", "2"]
    proc = subprocess.Popen(cmd + ["--learner", ids[0]], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline, runners = time.time() + 60, []
    while time.time() < deadline and not runners:
        time.sleep(0.3)
        runners = [p for p in _tree(proc.pid) if "grader.sandbox_runner" in " ".join(p.cmdline())]
    assert runners, "grading never started"
    family = _tree(proc.pid)
    scratch = ws.root / ".academy" / "scratch"
    left = list(scratch.glob("run-*"))
    assert left and oct(left[0].stat().st_mode & 0o777) == "0o700"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    def running(p: psutil.Process) -> bool:  # a zombie is dead, only not yet reaped by init
        try:
            return p.is_running() and p.status() != psutil.STATUS_ZOMBIE
        except psutil.Error:
            return False

    deadline = time.time() + 15
    while time.time() < deadline and any(map(running, family)):
        time.sleep(0.2)
    alive = [p for p in family if running(p)]
    assert not alive, [p.pid for p in alive]
    # the next run removes the dead run's folder (gradebook copies) before grading
    again = subprocess.run(cmd + ["--learner", ids[1]], capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stdout + again.stderr
    assert not any(p.exists() for p in left)


def test_no_silent_fallback_without_namespaces(tmp_path, monkeypatch, capsys):
    """Where bubblewrap cannot run, autograde refuses and names the fix; --no-sandbox grades and
    says so in the summary and in the record the report reads."""
    ws = build_sample_course(tmp_path, 2, seed=5)
    monkeypatch.setattr(sandbox, "BWRAP", "bwrap-not-installed-here")
    monkeypatch.setattr(sandbox, "_AVAILABLE", None)
    args = ["autograde", ASSIGNMENT, "--course", str(ws.root), "--source", str(ws.source_dir), "--quiet"]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "bubblewrap" in err and "apt-get install bubblewrap" in err and "--no-sandbox" in err
    assert not (ws.root / "autograded").exists()
    assert main(args + ["--no-sandbox"]) == 0
    out = capsys.readouterr().out
    assert "WARNING: graded with --no-sandbox" in out
    markers = list((ws.root / ".academy" / "graded" / ASSIGNMENT).glob("*.json"))
    assert markers and all(json.loads(m.read_text())["sandboxed"] is False for m in markers)
    assert all("WITHOUT the sandbox" in " ".join(json.loads(m.read_text())["notes"]) for m in markers)


def test_bad_learner_ids_refused_on_the_command_line(tmp_path, capsys):
    ws = build_sample_course(tmp_path, 2, seed=5)
    for bad in ("..", ".hidden", "a/b", "x y"):
        code = main(["autograde", ASSIGNMENT, "--course", str(ws.root), "--source", str(ws.source_dir),
                     "--learner", bad, "--quiet"])
        assert code == 2 and "not allowed" in capsys.readouterr().err


def test_demo_refuses_a_folder_it_did_not_make(tmp_path, capsys):
    mine = tmp_path / "precious"
    mine.mkdir()
    (mine / "thesis.docx").write_text("years of work")
    assert main(["demo", "--out", str(mine), "--learners", "2", "--quiet"]) == 1
    assert "not made by `academy demo`" in capsys.readouterr().err
    assert (mine / "thesis.docx").read_text() == "years of work"


def test_private_dir_refuses_a_planted_folder(tmp_path, monkeypatch):
    """A predictable socket folder someone else made (open mode, or a link) is not used."""
    import tempfile

    from grader.workspace import private_dir

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    planted = tmp_path / f"academy-ipc-{os.getuid()}"
    planted.mkdir(mode=0o777)
    planted.chmod(0o777)
    got = private_dir("academy-ipc")
    assert got != planted and oct(got.stat().st_mode & 0o777) == "0o700"
    planted.rmdir()
    target = tmp_path / "elsewhere"
    target.mkdir(mode=0o700)
    planted.symlink_to(target)
    assert private_dir("academy-ipc") not in (planted, target)
    planted.unlink()
    assert private_dir("academy-ipc") == planted and oct(planted.stat().st_mode & 0o777) == "0o700"


def test_export_with_no_submissions_writes_headers(tmp_path, capsys):
    import csv

    from grader.workflow import Workspace, prepare
    from grader.synthetic.sample_course import write_sample_source

    write_sample_source(tmp_path / "source")
    ws = Workspace(tmp_path / "course", source=tmp_path / "source")
    prepare(ws, [ASSIGNMENT])
    assert main(["export", "--course", str(ws.root), "--source", str(ws.source_dir), "--quiet"]) == 0
    rows = list(csv.reader((ws.root / "export" / "question_scores.csv").open()))
    assert rows[0][:4] == ["learner", "assignment", "notebook", "question"] and len(rows) == 1
    assert (ws.root / "export" / "grades.csv").read_text().startswith("assignment")
    assert (ws.root / "export" / "grades.xlsx").stat().st_size > 0


def test_sandbox_sees_its_read_only_paths_under_tmp(tmp_path, monkeypatch):
    """A course (here its datasets) under /tmp, as in a CI clone there, stays visible in the
    sandbox: its private /tmp must not cover the read-only binds."""
    import shutil as sh

    from grader import paths

    data = tmp_path / "datasets"
    sh.copytree(paths.DATASETS, data)
    monkeypatch.setattr(paths, "DATASETS", data)
    with sandbox.Sandbox(sandbox.Limits(cell_seconds=20)) as box:
        cells = [{"i": 0, "source": f"import os\nseen = sorted(os.listdir({str(data)!r}))"},
                 {"i": 1, "snapshot": ["seen"]}]
        results = list(box.run(cells))
    assert "tracks.yaml" in results[1].values["seen"], results[0].outputs
