"""``academy lab`` and ``academy formgrader``: JupyterLab for a learner, and for a trainer's marking.

``academy lab`` (what ``make lab`` runs) makes or updates the learner's own copy of the course
(:mod:`grader.learner_workspace`) and opens JupyterLab on it. ``academy formgrader`` opens
JupyterLab on a cohort folder at nbgrader's formgrader, where a trainer marks written answers; it
writes the folder's ``nbgrader_config.py`` (the course's settings plus this folder, source and
gradebook: the same ones ``academy --course`` uses), so nbgrader's own commands work there too.

Both start Jupyter on 127.0.0.1 with a small configuration folder of their own
(``JUPYTER_CONFIG_PATH``, in ``.academy/jupyter/`` of the folder they serve):

* ``notebook_shim`` is not loaded. It carries Notebook 6 settings (``NotebookApp.*``,
  ``nbserver_extensions``) over to Jupyter Server; this course has none (every extension
  installed here registers with Jupyter Server itself). While linking, it reads every setting of
  the server, the deprecated ``ServerApp.token`` included, which made Jupyter Server print
  "ServerApp.token config is deprecated" at every start. A token given with ``--token`` is set
  where Jupyter Server 2 keeps it, ``IdentityProvider.token``.
* The learner's JupyterLab has no trainer tools (formgrader, course list, assignment creation),
  as on the hub (:mod:`grader.hub`); formgrader would otherwise look for the repository's course
  outside the learner's folder and log an error.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from pathlib import Path

from .. import paths
from ..i18n import _

# Jupyter Server extensions switched off, and JupyterLab plugins hidden, for each kind of session.
SERVER_OFF = {
    "learner": ["notebook_shim", "nbgrader.server_extensions.formgrader",
                "nbgrader.server_extensions.course_list"],
    "trainer": ["notebook_shim"],
}
LAB_OFF = {
    "learner": ["@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment",
                "@jupyter/nbgrader:course-list"],
    "trainer": [],
}
CONFIG_MARK = "# Written by `academy formgrader`"


def write_jupyter_config(folder: Path, role: str) -> Path:
    """The Jupyter configuration folder for a learner's or a trainer's session (see above)."""
    etc = folder / ".academy" / "jupyter"
    (etc / "labconfig").mkdir(parents=True, exist_ok=True)
    (etc / "jupyter_server_config.json").write_text(json.dumps(
        {"ServerApp": {"jpserver_extensions": {name: False for name in SERVER_OFF[role]}}}, indent=1))
    (etc / "labconfig" / "page_config.json").write_text(json.dumps(
        {"disabledExtensions": {name: True for name in LAB_OFF[role]}}, indent=1))
    return etc


def lab_command(root: Path, args: argparse.Namespace, default_url: str | None = None) -> list[str]:
    """The ``jupyter lab`` command line serving ``root``."""
    jupyter = Path(sys.executable).parent / "jupyter"
    cmd = [str(jupyter) if jupyter.exists() else (shutil.which("jupyter") or "jupyter"), "lab",
           f"--ServerApp.root_dir={root.resolve()}", "--ServerApp.ip=127.0.0.1",
           "--LabApp.extension_manager=readonly"]
    if args.port:
        cmd.append(f"--ServerApp.port={args.port}")
    if args.no_browser:
        cmd.append("--no-browser")
    if args.token is not None:
        cmd.append(f"--IdentityProvider.token={args.token}")
    if default_url:
        cmd.append(f"--LabApp.default_url={default_url}")
    if hasattr(os, "getuid") and os.getuid() == 0:
        cmd.append("--allow-root")
    return cmd


def _start(cmd: list[str], cwd: Path, etc: Path) -> int:
    """Become JupyterLab (Ctrl+C then stops it as usual)."""
    env = dict(os.environ)
    env["JUPYTER_CONFIG_PATH"] = os.pathsep.join(
        [str(etc.resolve())] + [p for p in env.get("JUPYTER_CONFIG_PATH", "").split(os.pathsep) if p])
    sys.stdout.flush()
    sys.stderr.flush()
    os.chdir(cwd)
    os.execve(cmd[0], cmd, env)
    return 0  # not reached


def run_lab(args: argparse.Namespace) -> int:
    from ..i18n import current_language
    from . import workspace

    lang = current_language()  # academy lab --lang zh-CN (make lab LANG=zh-CN), else $ACADEMY_LANG
    dest = Path(args.dir or os.environ.get("ACADEMY_LEARNER_DIR") or workspace.default_dir(lang))
    rc = workspace.run(argparse.Namespace(dir=str(dest)))
    if rc:
        return rc
    etc = write_jupyter_config(dest, "learner")
    # The kernels' messages and JupyterLab's own menus in the course's language (the workspace
    # holds JupyterLab's settings, with the language pack's locale; see commands/workspace.py).
    os.environ["ACADEMY_LANG"] = lang
    os.environ["JUPYTERLAB_SETTINGS_DIR"] = str(workspace.lab_settings_dir(dest).resolve())
    print(_("Starting JupyterLab on your copy of the course. Stop it with Ctrl+C (twice)."))
    return _start(lab_command(dest, args), dest, etc)


def formgrader_config(ws) -> str:
    """The cohort folder's ``nbgrader_config.py``: the course's settings, then this workspace."""
    return "\n".join([
        f"{CONFIG_MARK} for this cohort folder; it is rewritten when that command runs again.",
        "# nbgrader's own commands and formgrader read it when started in this folder.",
        "c = get_config()  # noqa: F821",
        f"load_subconfig('nbgrader_config.py', path={str(paths.ROOT)!r})  # noqa: F821",
        f"c.CourseDirectory.root = {str(ws.root.resolve())!r}",
        f"c.CourseDirectory.source_directory = {str(ws.source_dir)!r}",
        f"c.CourseDirectory.release_directory = {str(ws.release.resolve())!r}",
        f"c.CourseDirectory.db_url = {ws.db_url!r}",
        f"c.Exchange.root = {str(ws.exchange)!r}",
        "c.ExchangeCollect.check_owner = False",
        ""])


def run_formgrader(args: argparse.Namespace) -> int:
    from ..gradebook import check_reachable, exists, from_cli
    from ..workspace import Workspace

    course = Path(args.course)
    from .cohort import edition_source

    ws = Workspace(course, source=edition_source(args),
                   gradebook=from_cli(args.gradebook))
    problem = check_reachable(ws.db_url)
    if problem:
        print(problem, file=sys.stderr)
        return 1
    if not exists(ws.db_url):
        print(_("No gradebook in {folder}. Give the cohort folder with --course DIR (where `academy "
                "roster` and `academy autograde` ran), or run `academy demo` to make a sample cohort "
                "first.").format(folder=course), file=sys.stderr)
        return 1
    config = course / "nbgrader_config.py"
    if config.exists() and not config.read_text(encoding="utf-8").startswith(CONFIG_MARK):
        print(_("Using the nbgrader_config.py already in {folder} as it is.").format(folder=course.resolve()))
    else:
        config.write_text(formgrader_config(ws), encoding="utf-8")
        config.chmod(0o600)  # it holds the gradebook's URL
    etc = write_jupyter_config(course, "trainer")
    print(_("Starting formgrader on {folder}. Written answers waiting for a mark are under "
            "Manage Assignments > Manual Grading. Stop it with Ctrl+C (twice).").format(folder=course.resolve()))
    return _start(lab_command(course, args, default_url="/formgrader"), course, etc)


def _server_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--port", type=int, help=_("port on 127.0.0.1 (default: Jupyter's, 8888 or the next free one)"))
    p.add_argument("--no-browser", action="store_true", help=_("do not open a browser"))
    p.add_argument("--token", help=_("the login token (default: a random one, printed in the link)"))


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("lab", help=_("JupyterLab on a learner's own copy of the course (make lab)"))
    p.add_argument("--dir", help=_("the learner's folder (default $ACADEMY_LEARNER_DIR or build/learner)"))
    _server_options(p)
    p.set_defaults(func=run_lab)

    p = sub.add_parser("formgrader", help=_("JupyterLab at nbgrader's formgrader on a cohort folder, "
                                            "to mark written answers"))
    p.add_argument("--course", default="cohort", help=_("cohort workspace folder (default ./{course})").format(
        course="cohort"))
    p.add_argument("--source", help=_("nbgrader source folder (default {folder})").format(folder=paths.SOLUTIONS))
    p.add_argument("--gradebook", help=_("nbgrader gradebook URL or SQLite file "
                                         "(default $ACADEMY_GRADEBOOK, else COURSE/gradebook.db)"))
    _server_options(p)
    p.set_defaults(func=run_formgrader)
