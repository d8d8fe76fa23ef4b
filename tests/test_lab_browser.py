"""A learner's loop in real JupyterLab: open an exercise, run it, answer, check, see feedback."""
from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from academy_testing import first_choice_question, free_port, wait_http
from grader import course, paths

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("lab")]


@pytest.fixture()
def lab(tmp_path):
    """JupyterLab serving a copy of exercises/ on 127.0.0.1 (as `make lab` would)."""
    shutil.copytree(paths.EXERCISES, tmp_path / "exercises")
    shutil.copy(paths.NBGRADER_CONFIG, tmp_path / "nbgrader_config.py")
    port, token = free_port(), secrets.token_hex(16)
    cmd = [str(Path(sys.executable).parent / "jupyter"), "lab", "--no-browser", f"--port={port}",
           "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}",
           f"--ServerApp.root_dir={tmp_path}", "--LabApp.news_url=None",
           "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
           "--LabApp.extension_manager=readonly", "--allow-root"]
    log = open(tmp_path / "lab.log", "w")
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(tmp_path / ".jupyter")}
    proc = subprocess.Popen(cmd, cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        wait_http(f"http://127.0.0.1:{port}/api/status?token={token}", proc)
        yield f"http://127.0.0.1:{port}", token, tmp_path
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def _accept_kernel_dialog(page) -> None:
    """Take the default kernel if JupyterLab still asks (the course's lab settings, installed by
    make from grader/jupyterlab/overrides.json, tell it to start the preferred kernel)."""
    dialog = page.locator(".jp-Dialog", has_text="Select Kernel")
    for _ in range(3):
        if not dialog.count():
            return
        try:
            dialog.get_by_role("button", name="Select").click(timeout=10_000)
            dialog.wait_for(state="detached", timeout=20_000)
        except Exception:
            page.keyboard.press("Enter")


def test_learner_runs_checks_in_jupyterlab(lab, page):
    """In JupyterLab, does a check cell say 'not answered yet', then react to a typed answer?"""
    base, token, root = lab
    aid = course.assignments()[0]
    nb_path = course.notebooks(aid, paths.EXERCISES)[0]
    qname = first_choice_question(nb_path)
    page.goto(f"{base}/lab/tree/exercises/{aid}/{nb_path.name}?token={token}")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    # nbgrader's and the widgets' lab extensions are loaded
    page.wait_for_selector(".lm-MenuBar-itemLabel:text-is('Nbgrader')", timeout=30_000)
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=60_000)

    # Run All Cells, as a learner would from the menu. A request sent while the kernel is still
    # connecting can be dropped by JupyterLab, so try again (running all cells twice is harmless).
    for attempt in range(3):
        _accept_kernel_dialog(page)
        page.click(".lm-MenuBar-itemLabel:text-is('Run')")
        page.click(".lm-Menu-itemLabel:text-is('Run All Cells')")
        try:
            page.get_by_text("Not answered yet").first.wait_for(timeout=40_000)
            break
        except Exception:
            if attempt == 2:
                page.screenshot(path=str(root / "lab-failed.png"))
                raise

    # Let Run All finish before typing (under load the rest of the notebook is still queued).
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=120_000)
    # Type an answer into the first question's answer cell and run it and its check cell.
    answer_cell = page.locator(".jp-CodeCell", has_text=f"{qname} = ...").first
    answer_cell.locator(".cm-content").click()
    page.keyboard.press("Control+A")
    page.keyboard.type(f"{qname} = 42")
    page.keyboard.press("Shift+Enter")   # run the answer cell, move to the check cell
    page.keyboard.press("Shift+Enter")   # run the check cell
    page.get_by_text("one letter in quotes, like").first.wait_for(timeout=120_000)
    assert page.locator(".jp-CodeCell .cm-content", has_text=f"{qname} = 42").count() == 1
    page.screenshot(path=str(root / "lab.png"))
