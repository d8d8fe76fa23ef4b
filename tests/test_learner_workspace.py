"""The learner's workspace (``make lab``): a copy of the course; updates never overwrite their work."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from grader import learner_workspace as lw
from grader import paths


def _status(changes):
    return {c.path: c.status for c in changes}


@pytest.fixture()
def upstream(tmp_path):
    course = tmp_path / "up" / "course"
    ex = tmp_path / "up" / "exercises"
    (course / "01-a").mkdir(parents=True)
    (ex / "01-a").mkdir(parents=True)
    (course / "01-a" / "lesson.ipynb").write_text("lesson v1")
    (ex / "01-a" / "01-a.ipynb").write_text("exercise v1")
    (ex / "01-a" / ".ipynb_checkpoints").mkdir()
    (ex / "01-a" / ".ipynb_checkpoints" / "01-a-checkpoint.ipynb").write_text("never copied")
    return {"course": course, "exercises": ex}


def test_first_sync_copies_course_and_exercises_only(tmp_path, upstream):
    dest = tmp_path / "learner"
    changes = lw.sync(dest, upstream)
    assert _status(changes) == {"course/01-a/lesson.ipynb": "added", "exercises/01-a/01-a.ipynb": "added"}
    assert (dest / "exercises/01-a/01-a.ipynb").read_text() == "exercise v1"
    assert not (dest / "exercises/01-a/.ipynb_checkpoints").exists()
    manifest = json.loads((dest / lw.MANIFEST).read_text())["files"]
    assert set(manifest) == {"course/01-a/lesson.ipynb", "exercises/01-a/01-a.ipynb"}


def test_update_keeps_learner_edits_and_says_so(tmp_path, upstream):
    dest = tmp_path / "learner"
    lw.sync(dest, upstream)
    answered = dest / "exercises/01-a/01-a.ipynb"
    answered.write_text("exercise v1 + my answers")
    # the course changes both files and adds one
    (upstream["exercises"] / "01-a" / "01-a.ipynb").write_text("exercise v2")
    (upstream["course"] / "01-a" / "lesson.ipynb").write_text("lesson v2")
    (upstream["course"] / "01-a" / "extra.ipynb").write_text("new lesson")

    changes = lw.sync(dest, upstream)
    st = _status(changes)
    assert st == {"course/01-a/lesson.ipynb": "updated", "course/01-a/extra.ipynb": "added",
                  "exercises/01-a/01-a.ipynb": "kept"}
    assert answered.read_text() == "exercise v1 + my answers"  # never overwritten
    assert (dest / "course/01-a/lesson.ipynb").read_text() == "lesson v2"
    side = lw.update_name(answered)
    assert side.name == "01-a (course update).ipynb" and side.read_text() == "exercise v2"
    text = lw.summary(changes, dest)
    assert "kept" in text and "you edited it" in text and "01-a (course update).ipynb" in text

    # a third update still treats the file as the learner's, and loses nothing
    (upstream["exercises"] / "01-a" / "01-a.ipynb").write_text("exercise v3")
    assert _status(lw.sync(dest, upstream))["exercises/01-a/01-a.ipynb"] == "kept"
    assert answered.read_text() == "exercise v1 + my answers"
    assert side.read_text() == "exercise v3"


def test_edited_file_without_course_change_is_left_alone(tmp_path, upstream):
    dest = tmp_path / "learner"
    lw.sync(dest, upstream)
    (dest / "exercises/01-a/01-a.ipynb").write_text("my answers")
    changes = lw.sync(dest, upstream)
    assert _status(changes)["exercises/01-a/01-a.ipynb"] == "yours"
    assert not lw.update_name(dest / "exercises/01-a/01-a.ipynb").exists()
    assert (dest / "exercises/01-a/01-a.ipynb").read_text() == "my answers"


def test_deleted_files_come_back_and_removed_ones_go_only_if_untouched(tmp_path, upstream):
    dest = tmp_path / "learner"
    (upstream["course"] / "01-a" / "old.ipynb").write_text("old")
    lw.sync(dest, upstream)
    (dest / "course/01-a/lesson.ipynb").unlink()
    (dest / "exercises/01-a/01-a.ipynb").write_text("answers")
    (upstream["course"] / "01-a" / "old.ipynb").unlink()
    (upstream["exercises"] / "01-a" / "01-a.ipynb").unlink()
    st = _status(lw.sync(dest, upstream))
    assert st["course/01-a/lesson.ipynb"] == "restored"
    assert st["course/01-a/old.ipynb"] == "removed" and not (dest / "course/01-a/old.ipynb").exists()
    assert st["exercises/01-a/01-a.ipynb"] == "kept (removed upstream)"
    assert (dest / "exercises/01-a/01-a.ipynb").read_text() == "answers"


def test_a_file_the_learner_made_with_a_course_name_is_kept(tmp_path, upstream):
    dest = tmp_path / "learner"
    (dest / "exercises/01-a").mkdir(parents=True)
    (dest / "exercises/01-a/01-a.ipynb").write_text("made before the workspace existed")
    st = _status(lw.sync(dest, upstream))
    assert st["exercises/01-a/01-a.ipynb"] == "kept"
    assert (dest / "exercises/01-a/01-a.ipynb").read_text() == "made before the workspace existed"


def test_refuses_the_repository_itself(upstream):
    with pytest.raises(ValueError, match="separate folder"):
        lw.sync(paths.ROOT, upstream)


def _git_status() -> str:
    return subprocess.run(["git", "status", "--porcelain", "--", "course", "exercises"], cwd=paths.ROOT,
                          capture_output=True, text=True, check=True).stdout


@pytest.mark.skipif(not (paths.ROOT / ".git").exists(), reason="not a git checkout")
def test_academy_workspace_leaves_the_repository_clean(tmp_path):
    """The real course: the learner's copy is made, answered, updated; git sees no change."""
    before = _git_status()
    dest = tmp_path / "learner"
    exe = Path(sys.executable).parent / "academy"
    out = subprocess.run([str(exe), "workspace", "--dir", str(dest)], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    nb = next((dest / "exercises").glob("*/*.ipynb"))
    repo_nb = paths.EXERCISES / nb.relative_to(dest / "exercises")
    assert nb.read_bytes() == repo_nb.read_bytes()
    nb.write_text(nb.read_text().replace('"cells": [', '"cells": [ ', 1))  # the learner saves
    again = subprocess.run([str(exe), "workspace", "--dir", str(dest)], capture_output=True, text=True)
    assert again.returncode == 0 and "unchanged" in again.stdout
    assert _git_status() == before


def test_make_lab_serves_the_learner_copy():
    out = subprocess.run(["make", "-n", "lab", "LEARNER_DIR=/tmp/somewhere", "STAMP=Makefile"],
                         cwd=paths.ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "academy lab --dir /tmp/somewhere" in out.stdout  # it updates the copy, then serves it
    import argparse

    from grader.commands.lab import lab_command

    cmd = lab_command(Path("/tmp/somewhere"), argparse.Namespace(port=None, no_browser=True, token=None))
    assert "--ServerApp.root_dir=/tmp/somewhere" in cmd
    assert not [a for a in cmd if a.startswith("--ServerApp.root_dir=") and a != "--ServerApp.root_dir=/tmp/somewhere"]


def test_each_language_gets_its_own_edition_only(tmp_path):
    """The English learner gets no Chinese file; the Chinese learner gets the zh-CN lessons and
    exercises/zh-CN as exercises/, no English notebook and no translation source."""
    en, zh = tmp_path / "en", tmp_path / "zh"
    lw.sync(en, lang="en")
    lw.sync(zh, lang="zh-CN")
    en_files = [p.relative_to(en) for p in en.rglob("*") if p.is_file() and ".academy" not in p.parts]
    zh_files = [p.relative_to(zh) for p in zh.rglob("*") if p.is_file() and ".academy" not in p.parts]
    assert en_files and zh_files
    assert not [p for p in en_files if "zh-CN" in str(p)]
    assert not [p for p in zh_files if p.suffix == ".yaml"]
    zh_notebooks = [p for p in zh_files if p.suffix == ".ipynb"]
    assert all(p.name.endswith(".zh-CN.ipynb") for p in zh_notebooks if p.parts[0] == "course")
    released = paths.EXERCISES / "zh-CN"
    expected = {p.name for p in released.iterdir()} if released.exists() else set()
    assert {p.parts[1] for p in zh_notebooks if p.parts[0] == "exercises"} == expected
