"""JupyterHub configuration for the course on one machine (`make hub`, `academy hub start`).

Read by ``jupyterhub -f``; the folder and ports come from the environment that ``academy hub start``
sets (see :mod:`grader.hub`). Accounts: local Unix users checked by PAM, allowed when they are in
the course's groups. Each server runs as its user (LocalProcessSpawner), starts JupyterLab in the
user's home and gets its role's Jupyter/nbgrader configuration: learners the Assignments tab,
trainers formgrader as well. Trainers are also a hub group, ``trainers``.
"""
import grp
import os
import pwd
import sys
from pathlib import Path

here = Path(__file__).resolve().parent
sys.path.insert(0, str(here.parent))
from grader.hub import LEARNERS, TRAINERS, Layout, members, singleuser_command  # noqa: E402

c = get_config()  # noqa: F821 - provided by traitlets

lay = Layout(Path(os.environ.get("ACADEMY_HUB_DIR", "/srv/academy")))
ip = os.environ.get("ACADEMY_HUB_IP", "127.0.0.1")
port = int(os.environ.get("ACADEMY_HUB_PORT", "8000"))

c.JupyterHub.bind_url = f"http://{ip}:{port}"
c.JupyterHub.hub_ip = "127.0.0.1"
if os.environ.get("ACADEMY_HUB_INTERNAL_PORT"):
    c.JupyterHub.hub_port = int(os.environ["ACADEMY_HUB_INTERNAL_PORT"])
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{os.environ.get('ACADEMY_HUB_PROXY_API_PORT', '8001')}"
c.ConfigurableHTTPProxy.command = [os.environ.get("ACADEMY_HUB_PROXY", "configurable-http-proxy")]
c.ConfigurableHTTPProxy.pid_file = str(lay.state / "proxy.pid")

# Everything the hub keeps, in its state folder: a restart loses no account and no server record.
c.JupyterHub.db_url = f"sqlite:///{lay.state / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(lay.state / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(lay.state / "jupyterhub.pid")

# PAM: the machine's own passwords; only the course's two groups may sign in.
c.JupyterHub.authenticator_class = "pam"
c.PAMAuthenticator.allowed_groups = {LEARNERS, TRAINERS}
c.PAMAuthenticator.open_sessions = False
admins = {a for a in os.environ.get("ACADEMY_HUB_ADMINS", "").split(",") if a}
if admins:
    c.Authenticator.admin_users = admins
c.JupyterHub.load_groups = {"trainers": {"users": members(TRAINERS)}}

# One JupyterLab per user, as that user, in their home.
c.Spawner.cmd = singleuser_command()
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
c.Spawner.start_timeout = 180
c.Spawner.http_timeout = 180
c.Spawner.args = ["--LabApp.extension_manager=readonly", "--LabApp.news_url=None",
                  "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]


def role_of(name: str) -> str:
    try:
        gids = os.getgrouplist(name, pwd.getpwnam(name).pw_gid)
    except KeyError:
        return "learner"
    return "trainer" if grp.getgrnam(TRAINERS).gr_gid in gids else "learner"


def pre_spawn_hook(spawner):
    """Give the server its role's configuration (nbgrader exchange, formgrader or not)."""
    role = role_of(spawner.user.name)
    spawner.environment.update({
        "JUPYTER_CONFIG_PATH": str(lay.etc(role)),
        "ACADEMY_ROLE": role,
    })
    saved = lay.etc("trainer") / "gradebook.url"
    if role == "trainer" and saved.exists() and saved.read_text().strip():
        spawner.environment["ACADEMY_GRADEBOOK"] = saved.read_text().strip()


c.Spawner.pre_spawn_hook = pre_spawn_hook
c.JupyterHub.cleanup_servers = True  # stopping the hub stops the learners' servers too
