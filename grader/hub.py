"""A multi-user course on one machine: JupyterHub, PAM accounts, nbgrader's shared exchange.

``make hub`` (``academy hub start``) runs JupyterHub with configurable-http-proxy (both pinned:
``requirements.lock`` and ``deploy/hub/package-lock.json``) and the configuration in
:mod:`grader.jupyterhub_config`. Everything the hub keeps lives in one folder (``--dir``, default
``/srv/academy``), so stopping and starting it again loses nothing:

* ``state/``     the hub's database, cookie secret and pid files;
* ``exchange/``  nbgrader's exchange, mode 1777 as nbgrader's JupyterHub docs describe: learners
  fetch released assignments from it and submit into it from JupyterLab's Assignments tab;
* ``course/``    the trainers' nbgrader course folder (gradebook, submitted/, autograded/ …),
  owned by the ``academy-trainers`` group, setgid so every trainer can work in it;
* ``etc/learner`` and ``etc/trainer``: the Jupyter and nbgrader configuration each role's servers
  get (learners: the Assignments tab only; trainers: formgrader too);
* ``credentials.csv`` (mode 600, root only): the first passwords to hand out.

``academy hub setup --gradebook postgresql://…`` puts the trainers' gradebook on PostgreSQL; the
URL is kept (readable by trainers only) and given to trainers' servers as ``ACADEMY_GRADEBOOK``,
so formgrader and ``academy`` in a trainer's terminal use the same gradebook.

Accounts are local Unix users checked by PAM, as The Littlest JupyterHub does: ``academy hub
adduser ROSTER`` makes one per learner (group ``academy-learners``, home mode 700) and
``--trainer NAME`` one per trainer (group ``academy-trainers``). Each learner's server runs as
that user, so no learner can read another's files, in the browser or from a terminal.
"""
from __future__ import annotations

import csv
import grp
import os
import pwd
import re
import secrets
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from . import paths
from .i18n import _

LEARNERS = "academy-learners"
TRAINERS = "academy-trainers"
DEFAULT_DIR = Path(os.environ.get("ACADEMY_HUB_DIR", "/srv/academy"))
COURSE_ID = "call-center-academy"
UNIX_NAME = re.compile(r"^[a-z_][a-z0-9_-]{0,30}$")
PROXY = paths.ROOT / "deploy" / "hub" / "node_modules" / ".bin" / "configurable-http-proxy"
CONFIG = Path(__file__).with_name("jupyterhub_config.py")


class HubError(RuntimeError):
    """Something a trainer can fix; the message says what."""


@dataclass
class Layout:
    root: Path

    @property
    def state(self) -> Path:
        return self.root / "state"

    @property
    def exchange(self) -> Path:
        return self.root / "exchange"

    @property
    def course(self) -> Path:
        return self.root / "course"

    @property
    def credentials(self) -> Path:
        return self.root / "credentials.csv"

    def etc(self, role: str) -> Path:
        return self.root / "etc" / role


def need_root(what: str) -> None:
    if os.geteuid() != 0:
        raise HubError(_("{what} needs root (it creates Unix accounts and starts servers as them): run it "
                         "with sudo.").format(what=what))


def _run(cmd: list[str]) -> None:
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise HubError(_("{command} failed: {error}").format(command=" ".join(cmd),
                                                            error=(r.stderr or r.stdout).strip()))


def _group(name: str) -> grp.struct_group:
    try:
        return grp.getgrnam(name)
    except KeyError:
        _run(["groupadd", "--system", name])
        return grp.getgrnam(name)


def members(group: str) -> list[str]:
    """Users whose primary or extra group is ``group``."""
    try:
        g = grp.getgrnam(group)
    except KeyError:
        return []
    names = set(g.gr_mem) | {p.pw_name for p in pwd.getpwall() if p.pw_gid == g.gr_gid}
    return sorted(names)


def _learner_config(lay: Layout) -> str:
    return f'''# nbgrader for learners on the hub (written by `academy hub setup`; do not edit)
c = get_config()  # noqa: F821
c.CourseDirectory.course_id = "{COURSE_ID}"
c.Exchange.root = "{lay.exchange}"
'''


def _trainer_config(lay: Layout, gradebook: str | None) -> str:
    db = gradebook or f"sqlite:///{lay.course / 'gradebook.db'}"
    return f'''# nbgrader for trainers on the hub (written by `academy hub setup`; do not edit).
# The course's own settings, then this hub's folders: the same ones `academy --course` uses.
c = get_config()  # noqa: F821
load_subconfig("nbgrader_config.py", path="{paths.ROOT}")  # noqa: F821
# formgrader needs the course inside the server's root (the home): ~/course links to the shared one
import os  # noqa: E402
_home_course = os.path.expanduser("~/course")
c.CourseDirectory.root = _home_course if os.path.realpath(_home_course) == "{lay.course}" else "{lay.course}"
c.CourseDirectory.source_directory = "{paths.SOLUTIONS}"
c.CourseDirectory.release_directory = "{lay.course / 'release'}"
c.CourseDirectory.db_url = "{db}"
c.Exchange.root = "{lay.exchange}"
c.ExchangeCollect.check_owner = False
'''


_DISABLE = {"learner": ["@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment",
                        "@jupyter/nbgrader:course-list"],
            "trainer": []}
# notebook_shim carries Notebook 6 settings over to Jupyter Server; nothing here has any, and
# while linking it reads the deprecated ServerApp.token, which printed a warning at every start
# (as in academy lab, grader/commands/lab.py).
_SERVER = {"learner": {"notebook_shim": False, "nbgrader.server_extensions.formgrader": False,
                       "nbgrader.server_extensions.course_list": False},
           "trainer": {"notebook_shim": False}}


def write_role_config(etc: Path, role: str, nbgrader_config: str | None = None) -> None:
    """A Jupyter config folder for one role (JUPYTER_CONFIG_PATH): which nbgrader parts it gets.

    Learners: the Assignments tab (fetch, submit, feedback) and validation; no formgrader, no
    course list, no assignment creation. Trainers: everything. Also used by the Kubernetes image.
    """
    import json

    (etc / "labconfig").mkdir(parents=True, exist_ok=True)
    if nbgrader_config is not None:
        (etc / "nbgrader_config.py").write_text(nbgrader_config)
    (etc / "labconfig" / "page_config.json").write_text(
        json.dumps({"disabledExtensions": {x: True for x in _DISABLE[role]}}, indent=1))
    (etc / "jupyter_server_config.json").write_text(
        json.dumps({"ServerApp": {"jpserver_extensions": _SERVER[role]}}, indent=1))
    for p in [etc, *etc.rglob("*")]:
        os.chmod(p, 0o755 if p.is_dir() else 0o644)


def setup(root: Path = DEFAULT_DIR, gradebook: str | None = None) -> Layout:
    """Create (or repair) the hub's folders, groups and per-role configuration. Safe to repeat."""
    need_root(_("Setting up the hub"))
    lay = Layout(Path(root).resolve())
    _group(LEARNERS)
    trainers = _group(TRAINERS)
    for d in (lay.root, lay.state, lay.root / "etc"):
        d.mkdir(parents=True, exist_ok=True)
    os.chmod(lay.root, 0o755)
    os.chmod(lay.root / "etc", 0o755)
    os.chmod(lay.state, 0o700)  # cookie secret, the hub's database
    lay.exchange.mkdir(exist_ok=True)
    os.chmod(lay.exchange, 0o1777)  # nbgrader's exchange: world-writable, sticky
    lay.course.mkdir(exist_ok=True)
    os.chown(lay.course, 0, trainers.gr_gid)
    os.chmod(lay.course, 0o2770)  # trainers only; new files keep the group
    saved = lay.etc("trainer") / "gradebook.url"  # kept across `hub start`s once given
    if gradebook is None and saved.exists():
        gradebook = saved.read_text().strip() or None
    for role in ("learner", "trainer"):
        write_role_config(lay.etc(role), role,
                          _learner_config(lay) if role == "learner" else _trainer_config(lay, gradebook))
    if gradebook:
        saved.write_text(gradebook + "\n")
    if lay.etc("trainer").exists():  # learners must not read the trainers' gradebook URL
        for p in [lay.etc("trainer"), *lay.etc("trainer").rglob("*")]:
            os.chown(p, 0, trainers.gr_gid)
            os.chmod(p, 0o750 if p.is_dir() else 0o640)
    return lay


@dataclass
class Account:
    name: str
    role: str  # learner | trainer
    status: str  # created | exists | refused | removed | absent
    password: str = ""
    message: str = ""


def _exists(name: str) -> pwd.struct_passwd | None:
    try:
        return pwd.getpwnam(name)
    except KeyError:
        return None


def _ours(name: str) -> bool:
    return name in members(LEARNERS) or name in members(TRAINERS)


def add_user(name: str, role: str, lay: Layout, full_name: str = "") -> Account:
    """One local account for the hub (PAM checks its password); home readable by its owner only."""
    group = LEARNERS if role == "learner" else TRAINERS
    if not UNIX_NAME.match(name):
        return Account(name, role, "refused", message=_("not a valid Unix user name (lower-case letters, "
                       "digits, - and _, starting with a letter, at most 31): change the id in the roster"))
    if _exists(name):
        if not _ours(name):
            return Account(name, role, "refused", message=_("a Unix user with this name exists and is not "
                           "a course account; it is left alone (rename the learner in the roster)"))
        if name not in members(group):
            _run(["usermod", "-a", "-G", group, name])
        if role == "trainer":
            link_course(name, lay)
        return Account(name, role, "exists", message=_("account kept; password unchanged"))
    _run(["useradd", "--create-home", "--shell", "/bin/bash", "--user-group", "--groups", group,
          "--comment", (full_name or name).replace(":", " "), name])
    home = Path(pwd.getpwnam(name).pw_dir)
    os.chmod(home, 0o700)  # no one else may read a learner's work
    if role == "trainer":
        link_course(name, lay)
    password = "-".join(secrets.token_hex(3) for _ in range(3))
    r = subprocess.run(["chpasswd"], input=f"{name}:{password}\n", capture_output=True, text=True)
    if r.returncode != 0:
        raise HubError(_("could not set {name}'s password: {error}").format(name=name, error=r.stderr.strip()))
    return Account(name, role, "created", password)


def link_course(name: str, lay: Layout) -> None:
    """``~/course`` -> the hub's course folder, so formgrader (which needs the course inside the
    server's root, the home) and ``academy --course ~/course`` both work for a trainer."""
    pw = pwd.getpwnam(name)
    link = Path(pw.pw_dir) / "course"
    if link.is_symlink() and os.path.realpath(link) == str(lay.course):
        return
    if link.is_symlink():
        link.unlink()
    if not link.exists():
        link.symlink_to(lay.course)
        os.lchown(link, pw.pw_uid, pw.pw_gid)


def remove_user(name: str) -> Account:
    """Delete a course account and its home (only accounts of the course's two groups)."""
    if not _exists(name):
        return Account(name, "", "absent")
    if not _ours(name):
        return Account(name, "", "refused", message=_("not a course account; left alone"))
    role = "trainer" if name in members(TRAINERS) else "learner"
    subprocess.run(["pkill", "-KILL", "-u", name], capture_output=True)  # servers and kernels left over
    _run(["userdel", "--remove", name])
    return Account(name, role, "removed")


def record(lay: Layout, accounts: list[Account]) -> None:
    """Append new passwords to credentials.csv (root only) for the trainer to hand out."""
    new = [a for a in accounts if a.status == "created"]
    if not new:
        return
    fresh = not lay.credentials.exists()
    fd = os.open(lay.credentials, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a", newline="") as fh:
        w = csv.writer(fh)
        if fresh:
            w.writerow(["user", "role", "first_password"])
        for a in new:
            w.writerow([a.name, a.role, a.password])
    os.chmod(lay.credentials, 0o600)


def add_from_roster(lay: Layout, roster: Path | None, trainers: list[str]) -> list[Account]:
    from .workflow import read_roster

    need_root(_("Adding hub accounts"))
    out: list[Account] = []
    if roster is not None:
        learners, problems = read_roster(roster)
        if problems:
            raise HubError(_("The roster was not used; fix it first:") + "\n  " + "\n  ".join(problems))
        for l in learners:
            name = " ".join(x for x in (l["first_name"], l["last_name"]) if x)
            out.append(add_user(l["id"], "learner", lay, name))
    for t in trainers:
        out.append(add_user(t, "trainer", lay))
    record(lay, out)
    return out


def singleuser_command() -> list[str]:
    return [str(Path(sys.executable).parent / "jupyterhub-singleuser")]


def start_command(lay: Layout) -> list[str]:
    return [str(Path(sys.executable).parent / "jupyterhub"), "-f", str(CONFIG)]


def hub_env(lay: Layout, ip: str, port: int, hub_port: int | None = None,
            api_port: int | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"ACADEMY_HUB_DIR": str(lay.root), "ACADEMY_HUB_IP": ip, "ACADEMY_HUB_PORT": str(port),
                "ACADEMY_HUB_PROXY": str(PROXY)})
    if hub_port:
        env["ACADEMY_HUB_INTERNAL_PORT"] = str(hub_port)
    if api_port:
        env["ACADEMY_HUB_PROXY_API_PORT"] = str(api_port)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    return env


def check_ready(lay: Layout) -> list[str]:
    """What is missing before the hub can start (empty when ready)."""
    problems = []
    if not PROXY.exists():
        problems.append(_("configurable-http-proxy is not installed ({path}): run `make hub` (it runs "
                          "`npm ci` in deploy/hub)").format(path=PROXY))
    if shutil.which("node") is None:
        problems.append(_("node is missing: `apt-get install nodejs` (make hub does this)"))
    if not lay.exchange.is_dir():
        problems.append(_("{folder} is not set up: run `academy hub setup --dir {folder}`").format(folder=lay.root))
    problem = others_can_run()
    if problem:
        problems.append(problem)
    return problems


def others_can_run() -> str | None:
    """None if another account can run this environment and import the course; else why not.

    Learners' servers run as their own accounts, so the repository and the hub's Python must be
    readable by everyone (e.g. a clone in /opt, not in /root).
    """
    if os.geteuid() != 0 or shutil.which("runuser") is None:
        return None
    r = subprocess.run(["runuser", "-u", "nobody", "--", sys.executable, "-c", "import grader.check"],
                       capture_output=True, text=True, cwd="/")
    if r.returncode == 0:
        return None
    return _("Other accounts cannot run {python} or read the course in {folder}: {error}. The learners' "
             "servers run as their own accounts: put the repository where everyone may read it (e.g. /opt) "
             "and build the hub's environment with `make hub-deps`.").format(
        python=sys.executable, folder=paths.ROOT,
        error=(r.stderr.strip().splitlines() or [_("permission denied")])[-1])
