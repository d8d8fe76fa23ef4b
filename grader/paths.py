"""Where the course's folders are: the checkout of the repository the course runs from.

The course's content (``course/``, ``solutions/``, ``exercises/``, ``datasets/``,
``nbgrader_config.py``) lives beside the ``grader`` package in the repository, not inside it. The
root is, in order: ``$ACADEMY_ROOT``; the folder above the package when the package is used from
the checkout (``make`` installs it in editable mode); otherwise the current folder or the nearest
folder above it that holds ``nbgrader_config.py`` and ``solutions/`` (a non-editable install, run
from inside the checkout). ``$ACADEMY_DATASETS`` can point the datasets elsewhere.
"""
from __future__ import annotations

import os
from pathlib import Path


def _is_course(folder: Path) -> bool:
    return (folder / "nbgrader_config.py").is_file() and (folder / "solutions").is_dir()


def find_root() -> Path:
    if os.environ.get("ACADEMY_ROOT"):
        return Path(os.environ["ACADEMY_ROOT"]).resolve()
    beside = Path(__file__).resolve().parents[1]
    if _is_course(beside):
        return beside
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if _is_course(folder):
            return folder
    return beside


ROOT = find_root()
COURSE = ROOT / "course"
SOLUTIONS = ROOT / "solutions"
EXERCISES = ROOT / "exercises"
DATASETS = Path(os.environ.get("ACADEMY_DATASETS", ROOT / "datasets"))
NBGRADER_CONFIG = ROOT / "nbgrader_config.py"
