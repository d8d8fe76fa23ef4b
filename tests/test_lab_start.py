"""`make lab` and `academy formgrader` start JupyterLab cleanly, on 127.0.0.1, for a few seconds.

Jupyter used to print "ServerApp.token config is deprecated" at every start (notebook_shim's
trait proxy reads every server setting, the deprecated token among them), and the learner's lab
logged a formgrader error about a course outside the learner's folder. Both are configured away
(grader/commands/lab.py), not silenced: these tests read the server's own stderr.
"""
from __future__ import annotations

import json
import re
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from academy_testing import ROOT, serve_academy, stop

TROUBLE = re.compile(r"deprecat|^\[E |Traceback", re.I | re.M)


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_make_lab_runs_academy_lab():
    """Does `make lab` start the learner's JupyterLab through `academy lab` (what the next test runs)?"""
    recipe = re.search(r"^lab:.*\n((?:\t.*\n)+)", (ROOT / "Makefile").read_text(), re.M).group(1)
    assert recipe.strip() == "$(BIN)/academy lab --dir $(LEARNER_DIR) --lang $(EDITION)"


@pytest.mark.parametrize("given, lang, folder", [
    ("LANG=zh-CN", "zh-CN", "build/learner-zh-CN"), ("LANG=zh_CN.UTF-8", "zh-CN", "build/learner-zh-CN"),
    ("LANG=C.UTF-8", "en", "build/learner"), ("LANG=en_GB.UTF-8", "en", "build/learner")])
def test_make_lab_language(given, lang, folder):
    """`make lab LANG=zh-CN` (or a Chinese locale) asks academy lab for the Chinese course."""
    out = subprocess.run(["make", "-n", "-W", ".venv/.installed", "lab", given], cwd=ROOT,
                         capture_output=True, text=True).stdout
    line = next(l for l in out.splitlines() if "academy lab" in l)
    assert line.endswith(f"academy lab --dir {folder} --lang {lang}"), line


def test_learner_lab_starts_without_deprecation_warnings(tmp_path):
    """Does the learner's JupyterLab start with nothing deprecated or broken on stderr, serve the
    course copy, and leave out the trainer's formgrader?"""
    learner = tmp_path / "learner"
    proc, base, token, err = serve_academy(["lab", "--dir", str(learner)], tmp_path)
    try:
        assert _status(f"{base}/lab?token={token}") == 200
        with urllib.request.urlopen(f"{base}/api/contents?token={token}", timeout=10) as r:
            names = {c["name"] for c in json.load(r)["content"]}
        assert {"course", "exercises"} <= names
        assert _status(f"{base}/formgrader?token={token}") == 404
        time.sleep(2)  # anything logged just after the server answers
    finally:
        stop(proc)
    log = err.read_text()
    assert "Jupyter Server" in log and "is running at" in log, log
    assert not TROUBLE.search(log), log


@pytest.mark.nbgrader
def test_formgrader_opens_on_a_cohort_folder(tmp_path):
    """Does `academy formgrader --course DIR` (what the demo summary tells a trainer to run) serve
    that cohort's formgrader, with its assignment, and start cleanly?"""
    from grader.synthetic.sample_course import ASSIGNMENT, build_sample_course

    ws = build_sample_course(tmp_path / "cohort", n_learners=2)
    proc, base, token, err = serve_academy(["formgrader", "--course", str(ws.root),
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
        stop(proc)
    assert not TROUBLE.search(err.read_text()), err.read_text()
    config = (ws.root / "nbgrader_config.py").read_text()
    assert repr(str(ws.root.resolve())) in config and oct((ws.root / "nbgrader_config.py").stat().st_mode)[-3:] == "600"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
