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
import tempfile
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


def private_dir(name: str) -> Path:
    """A folder only this user can use: created 0700, or refused if someone else made it.

    Used for kernel sockets (grader.workspace.fix_ipc) and, when there is no better place, for
    generated assignments (grader.course.cache_dir). A predictable name in the shared temp folder
    is only safe if it is ours, a real folder (not a link), and closed to others; anything else is
    not reused.
    """
    import stat

    folder = Path(tempfile.gettempdir()) / f"{name}-{os.getuid()}"
    try:
        folder.mkdir(mode=0o700)
    except FileExistsError:
        pass
    st = os.lstat(folder)
    if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.getuid() or stat.S_IMODE(st.st_mode) & 0o077:
        return Path(tempfile.mkdtemp(prefix=f"{name}-"))
    return folder
