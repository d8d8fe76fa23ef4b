"""`make lab` and `academy formgrader` start JupyterLab cleanly, on 127.0.0.1, for a few seconds.

Jupyter used to print "ServerApp.token config is deprecated" at every start (notebook_shim's
trait proxy reads every server setting, the deprecated token among them), and the learner's lab
logged a formgrader error about a course outside the learner's folder. Both are configured away
(grader/commands/lab.py), not silenced: these tests read the server's own stderr.
"""
from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from academy_testing import ROOT, free_port, wait_http

TROUBLE = re.compile(r"deprecat|^\[E |Traceback", re.I | re.M)


def _serve(args: list[str], tmp_path: Path):
    """Start `academy ARGS` (it becomes JupyterLab); returns (process, base URL, token, stderr path)."""
    port, token = free_port(), secrets.token_hex(12)
    err = tmp_path / f"server-{port}.err"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "JUPYTER_CONFIG_DIR": str(tmp_path / ".jupyter"),
           "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime")}
    with open(err, "w") as fh:
        proc = subprocess.Popen([sys.executable, "-m", "grader.cli", *args, f"--port={port}",
                                 "--no-browser", f"--token={token}"],
                                stdout=subprocess.DEVNULL, stderr=fh, env=env, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_http(f"{base}/api/status?token={token}", proc, timeout=60)
    except Exception:
        _stop(proc)
        raise AssertionError(err.read_text()) from None
    return proc, base, token, err


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_make_lab_runs_academy_lab():
    """Does `make lab` start the learner's JupyterLab through `academy lab` (what the next test runs)?"""
    recipe = re.search(r"^lab:.*\n((?:\t.*\n)+)", (ROOT / "Makefile").read_text(), re.M).group(1)
    assert recipe.strip() == "$(BIN)/academy lab --dir $(LEARNER_DIR)"


def test_learner_lab_starts_without_deprecation_warnings(tmp_path):
    """Does the learner's JupyterLab start with nothing deprecated or broken on stderr, serve the
    course copy, and leave out the trainer's formgrader?"""
    learner = tmp_path / "learner"
    proc, base, token, err = _serve(["lab", "--dir", str(learner)], tmp_path)
    try:
        assert _status(f"{base}/lab?token={token}") == 200
        with urllib.request.urlopen(f"{base}/api/contents?token={token}", timeout=10) as r:
            names = {c["name"] for c in json.load(r)["content"]}
        assert {"course", "exercises"} <= names
        assert _status(f"{base}/formgrader?token={token}") == 404
        time.sleep(2)  # anything logged just after the server answers
    finally:
        _stop(proc)
    log = err.read_text()
    assert "Jupyter Server" in log and "is running at" in log, log
    assert not TROUBLE.search(log), log


@pytest.mark.nbgrader
def test_formgrader_opens_on_a_cohort_folder(tmp_path):
    """Does `academy formgrader --course DIR` (what the demo summary tells a trainer to run) serve
    that cohort's formgrader, with its assignment, and start cleanly?"""
    from grader.synthetic.sample_course import ASSIGNMENT, build_sample_course

    ws = build_sample_course(tmp_path / "cohort", n_learners=2)
    proc, base, token, err = _serve(["formgrader", "--course", str(ws.root),
                                     "--source", str(ws.source_dir)], tmp_path)
    try:
        with urllib.request.urlopen(f"{base}/formgrader/api/assignments?token={token}", timeout=20) as r:
            assignments = {a["name"] for a in json.load(r)}
        assert ASSIGNMENT in assignments
        req = urllib.request.Request(f"{base}/?token={token}")
        opener = urllib.request.build_opener(_NoRedirect())
        try:
            opener.open(req, timeout=10)
            location = ""
        except urllib.error.HTTPError as exc:
            location = exc.headers.get("Location", "")
        assert "/formgrader" in location
    finally:
        _stop(proc)
    assert not TROUBLE.search(err.read_text()), err.read_text()
    config = (ws.root / "nbgrader_config.py").read_text()
    assert repr(str(ws.root.resolve())) in config and oct((ws.root / "nbgrader_config.py").stat().st_mode)[-3:] == "600"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
