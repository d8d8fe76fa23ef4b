"""A real cohort on a real JupyterHub (`make hub`): two learners and a trainer, in Chromium.

Starts JupyterHub and configurable-http-proxy on loopback ports with PAM accounts made by
``academy hub adduser``. Learner 1 signs in, fetches 01-service-standards from the Assignments
tab, answers a question, runs its check and submits; the trainer collects, autogrades and
releases feedback with ``academy`` as their own Unix user; the hub restarts; learner 1 fetches and
reads the feedback. Learner 2 cannot open learner 1's files by URL, from a JupyterLab terminal or
from a shell. Everything is stopped and the Unix accounts are removed at the end.
"""
from __future__ import annotations

import csv
import json
import os
import pwd
import re
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from academy_testing import free_port
from grader import paths
from grader.nbgrader_ext import question_specs

pytestmark = [pytest.mark.hub, pytest.mark.browser, pytest.mark.xdist_group("hub")]

HUB_VENV = paths.ROOT / "build" / "hub-venv"
ACADEMY = HUB_VENV / "bin" / "academy"
ASSIGNMENT = "01-service-standards"


def _can_make_users() -> str | None:
    if os.geteuid() != 0:
        return "creating Unix accounts for the hub needs root"
    for tool in ("useradd", "userdel", "chpasswd", "runuser"):
        if shutil.which(tool) is None:
            return f"{tool} is missing, so hub accounts cannot be created"
    return None


def _run(cmd, user: str | None = None, **kw) -> subprocess.CompletedProcess:
    if user:
        cmd = ["runuser", "-u", user, "--", *cmd]
    return subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=600, **kw)


def _ok(r: subprocess.CompletedProcess) -> str:
    assert r.returncode == 0, f"{r.args}\n{r.stdout}\n{r.stderr}"
    return r.stdout


class Hub:
    def __init__(self, root: Path):
        self.root = root
        self.port, self.hub_port, self.api_port = free_port(), free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = None

    def start(self):
        env = {**os.environ, "ACADEMY_HUB_INTERNAL_PORT": str(self.hub_port),
               "ACADEMY_HUB_PROXY_API_PORT": str(self.api_port)}
        env.pop("ACADEMY_NO_PROGRESS", None)
        self.log = open(self.root / "hub.log", "ab")
        self.proc = subprocess.Popen([str(ACADEMY), "hub", "start", "--dir", str(self.root / "hub"),
                                      "--port", str(self.port)], stdout=self.log,
                                     stderr=subprocess.STDOUT, env=env, start_new_session=True)
        deadline = time.time() + 120
        while time.time() < deadline:
            assert self.proc.poll() is None, (self.root / "hub.log").read_text()[-3000:]
            try:
                with urllib.request.urlopen(f"{self.url}/hub/api", timeout=2) as r:
                    if json.load(r).get("version"):
                        return
            except Exception:
                time.sleep(0.5)
        raise TimeoutError((self.root / "hub.log").read_text()[-3000:])

    def stop(self):
        if self.proc is None:
            return
        self.proc.send_signal(signal.SIGTERM)  # academy stops JupyterHub, which stops servers + proxy
        try:
            self.proc.wait(90)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
            raise AssertionError("the hub did not stop within 90 s")
        finally:
            self.proc = None
            self.log.close()


def _login(browser, hub: Hub, user: str, password: str):
    context = browser.new_context(viewport={"width": 1400, "height": 950})
    page = context.new_page()
    page.goto(f"{hub.url}/hub/login", timeout=60_000)
    page.fill("#username_input", user)
    page.fill("#password_input", password)
    page.click("#login_submit")
    page.wait_for_url(re.compile(rf".*/user/{user}/lab.*"), timeout=180_000)
    page.wait_for_selector(".lm-MenuBar-itemLabel:text-is('Nbgrader')", timeout=120_000)
    return context, page


def _assignment_list(page):
    page.click(".lm-MenuBar-itemLabel:text-is('Nbgrader')")
    page.click(".lm-Menu-itemLabel:text-is('Assignment List')")
    page.wait_for_selector("#released_assignments_list", timeout=60_000)


TERMINAL_JS = """async ({command}) => {
  const xsrf = decodeURIComponent((document.cookie.split('; ').find(c => c.startsWith('_xsrf=')) || '=').split('=')[1]);
  const base = location.pathname.split('/lab')[0];
  const headers = {'X-XSRFToken': xsrf};
  const made = await fetch(`${base}/api/terminals`, {method: 'POST', headers});
  const {name} = await made.json();
  const ws = new WebSocket(`ws://${location.host}${base}/terminals/websocket/${name}`);
  let out = '';
  ws.onmessage = (e) => { const m = JSON.parse(e.data); if (m[0] === 'stdout') out += m[1]; };
  await new Promise((resolve) => { ws.onopen = resolve; });
  await new Promise(r => setTimeout(r, 1000));
  ws.send(JSON.stringify(['stdin', command + '\\r']));
  for (let i = 0; i < 200 && !/RC=\\d/.test(out); i++) await new Promise(r => setTimeout(r, 100));
  ws.close();
  await fetch(`${base}/api/terminals/${name}`, {method: 'DELETE', headers});
  return out;
}"""


def _terminal(page, command: str) -> str:
    """Type a command into a JupyterLab terminal of the signed-in user (its websocket) and read
    what it printed."""
    return page.evaluate(TERMINAL_JS, {"command": command})


def _question(aid: str):
    """The first multiple-choice question of the exercise and its right answer (from solutions/)."""
    nb = nbformat.read(paths.SOLUTIONS / aid / f"{aid}.ipynb", as_version=4)
    for name, parts in question_specs(nb).items():
        g = parts.get("grade") or {}
        if (g.get("kind") or parts.get("check", {}).get("kind")) == "choice" and "answer" in g:
            return name, g["answer"]
    raise AssertionError("no choice question")


def _zombie(pid: str) -> bool:
    """An exited process its parent has not reaped yet: it holds nothing but a process-table
    entry, and is reaped by its parent (or by init, once the parent is gone) moments later."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True  # gone already
    return stat.rsplit(")", 1)[1].split()[0] in ("Z", "X")


def _processes_of(users) -> list[str]:
    out = []
    for u in users:
        r = subprocess.run(["pgrep", "-a", "-u", u], capture_output=True, text=True)
        out += [line for line in r.stdout.splitlines() if not _zombie(line.split()[0])]
    return out


def _leftovers(users, *needles: str, wait: float = 20.0) -> list[str]:
    """Live processes of these accounts, or mentioning these needles, still there after `wait`
    seconds (a stopped server's children may take a moment to exit)."""
    deadline = time.time() + wait
    while True:
        left = _processes_of(users) + _processes_mentioning(*needles)
        if not left or time.time() > deadline:
            return left
        time.sleep(0.5)


def _group_exists(name: str) -> bool:
    import grp

    try:
        grp.getgrnam(name)
        return True
    except KeyError:
        return False


def _processes_mentioning(*needles: str) -> list[str]:
    """Command lines of running processes that mention any of these (the hub, its proxy …)."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) == os.getpid():
            continue
        try:
            cmd = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if any(n in cmd for n in needles) and "pytest" not in cmd and not _zombie(proc.name):
            found.append(f"{proc.name}: {cmd[:200]}")
    return found


@pytest.fixture()
def cohort_hub():
    reason = _can_make_users()
    if reason:
        pytest.skip(reason)
    if not ACADEMY.exists():
        pytest.fail(f"{ACADEMY} is missing: run `make hub-deps` (the hub's environment and proxy)")
    blocked = _run([HUB_VENV / "bin" / "python", "-c",
                    "from grader.hub import others_can_run as f; print(f() or '')"]).stdout.strip()
    if blocked:
        pytest.skip(f"learner accounts could not run the course here: {blocked}")
    groups_before = {g for g in ("academy-learners", "academy-trainers") if _group_exists(g)}
    tag = secrets.token_hex(2)
    learners, trainer = [f"cca{tag}a", f"cca{tag}b"], f"cct{tag}"
    base = Path(tempfile.mkdtemp(prefix="academy-hub-"))
    os.chmod(base, 0o755)
    roster = base / "roster.csv"
    roster.write_text("id,first_name,last_name\n" + "".join(f"{l},Test,Learner{i}\n"
                                                           for i, l in enumerate(learners, 1)))
    os.chmod(roster, 0o644)
    hub = Hub(base)
    try:
        out = _ok(_run([ACADEMY, "hub", "adduser", roster, "--trainer", trainer, "--dir", base / "hub"]))
        assert out.count("created") == 3, out
        with open(base / "hub" / "credentials.csv") as fh:
            creds = {r["user"]: r["first_password"] for r in csv.DictReader(fh)}
        yield hub, learners, trainer, creds
    finally:
        hub.stop()
        users = learners + [trainer]
        left = _leftovers(users, str(base), f"--port {hub.port}", f"--api-port {hub.api_port}")
        r = _run([ACADEMY, "hub", "deluser", *users, "--dir", base / "hub"])
        shutil.rmtree(base, ignore_errors=True)
        for g in {"academy-learners", "academy-trainers"} - groups_before:
            subprocess.run(["groupdel", g], capture_output=True)  # made by this test; now empty
        for u in users:
            with pytest.raises(KeyError):
                pwd.getpwnam(u)
        assert r.returncode == 0, r.stderr
        assert not left, f"processes left behind after the hub stopped: {left}"


def test_learner_fetches_submits_and_sees_feedback_on_the_hub(cohort_hub, chromium):
    hub, (l1, l2), trainer, creds = cohort_hub
    lay = hub.root / "hub"
    course = ["--course", lay / "course", "--exchange", lay / "exchange", "--quiet"]
    _ok(_run([ACADEMY, "roster", hub.root / "roster.csv", *course], user=trainer))
    _ok(_run([ACADEMY, "release", ASSIGNMENT, *course], user=trainer))
    assert oct((lay / "exchange").stat().st_mode)[-4:] == "1777"
    hub.start()
    printed = (hub.root / "hub.log").read_text()
    assert f"http://127.0.0.1:{hub.port}/" in printed and "academy hub adduser" in printed
    assert "Ctrl-C" in printed  # make hub says where it is, the first steps and how to stop it
    qname, answer = _question(ASSIGNMENT)

    # learner 1: Assignments tab -> Fetch -> answer one question, run its check -> Submit
    ctx1, page = _login(chromium, hub, l1, creds[l1])
    _assignment_list(page)
    row = page.locator("#released_assignments_list .list_item", has_text=ASSIGNMENT)
    row.get_by_role("button", name="Fetch").click()
    page.locator("#fetched_assignments_list", has_text=ASSIGNMENT).wait_for(timeout=60_000)
    nb_path = Path(pwd.getpwnam(l1).pw_dir) / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    assert nb_path.exists() and nb_path.stat().st_uid == pwd.getpwnam(l1).pw_uid
    page.goto(f"{hub.url}/user/{l1}/lab/tree/{ASSIGNMENT}/{ASSIGNMENT}.ipynb")
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=120_000)
    setup = page.locator(".jp-CodeCell").first
    setup.locator(".cm-content").click()
    page.keyboard.press("Shift+Enter")  # the setup cell imports the checks
    answer_cell = page.locator(".jp-CodeCell", has_text=f"{qname} = ...").first
    answer_cell.locator(".cm-content").click()
    page.keyboard.press("Control+A")
    page.keyboard.type(f"{qname} = {answer!r}")
    page.keyboard.press("Shift+Enter")  # run the answer, move to its check
    page.keyboard.press("Shift+Enter")  # run the check
    check = page.locator(".jp-CodeCell", has_text=f'check("{qname}"').first
    check.locator(".jp-OutputArea-output").first.wait_for(timeout=60_000)
    assert "Not answered yet" not in check.inner_text()
    page.keyboard.press("Control+S")
    deadline = time.time() + 30
    while f"{qname} = {answer!r}" not in nb_path.read_text() and time.time() < deadline:
        time.sleep(0.5)
    assert f"{qname} = {answer!r}" in nb_path.read_text()
    _assignment_list(page)
    fetched = page.locator("#fetched_assignments_list .list_item", has_text=ASSIGNMENT).first
    fetched.get_by_role("button", name="Submit").click()
    page.locator("#submitted_assignments_list", has_text=ASSIGNMENT).wait_for(timeout=60_000)

    # learner 2 cannot open learner 1's files: not by URL, not from a shell
    ctx2, page2 = _login(chromium, hub, l2, creds[l2])
    for url in (f"{hub.url}/user/{l1}/files/{ASSIGNMENT}/{ASSIGNMENT}.ipynb",
                f"{hub.url}/user/{l1}/api/contents/{ASSIGNMENT}/{ASSIGNMENT}.ipynb"):
        r = ctx2.request.get(url, max_redirects=10)
        assert r.status in (403, 404) or f"{qname} = {answer!r}" not in r.text(), (url, r.status)
        assert f"{qname} = {answer!r}" not in r.text()
    typed = _terminal(page2, f"cat {nb_path}; ls {nb_path.parent.parent}; echo RC=$?")
    assert "Permission denied" in typed and re.search(r"RC=[1-9]", typed), typed
    assert f"{qname} = {answer!r}" not in typed
    shell = _run(["cat", nb_path], user=l2)
    assert shell.returncode != 0 and "Permission denied" in shell.stderr
    assert _run(["ls", nb_path.parent.parent], user=l2).returncode != 0
    # learners have no formgrader
    assert ctx1.request.get(f"{hub.url}/user/{l1}/formgrader").status == 404
    ctx2.close()

    # the trainer collects, autogrades and releases feedback with academy, as their own account
    out = _ok(_run([ACADEMY, "collect", ASSIGNMENT, *course], user=trainer))
    assert l1 in out and "collected" in out
    out = _ok(_run([ACADEMY, "autograde", ASSIGNMENT, "--timeout", "60", *course], user=trainer))
    assert "1 graded" in out, out
    out = _ok(_run([ACADEMY, "feedback", ASSIGNMENT, *course], user=trainer))
    assert "released" in out, out
    ctx1.close()

    # the hub restarts: accounts, the submission and the feedback are still there
    hub.stop()
    hub.start()
    ctx1, page = _login(chromium, hub, l1, creds[l1])
    _assignment_list(page)
    sub = page.locator("#submitted_assignments_list .list_item", has_text=ASSIGNMENT).first
    sub.get_by_role("button", name="Fetch Feedback").click()
    feedback = next(iter(nb_path.parent.glob("feedback/*/*.html")), None)
    deadline = time.time() + 60
    while feedback is None and time.time() < deadline:
        time.sleep(0.5)
        feedback = next(iter(nb_path.parent.glob("feedback/*/*.html")), None)
    assert feedback is not None, "no feedback fetched"
    rel = feedback.relative_to(nb_path.parent.parent)
    page.goto(f"{hub.url}/user/{l1}/files/{rel}")
    body = page.locator("body").inner_text(timeout=60_000)
    assert qname in body or "Score" in body
    assert re.search(r"Score:\s*[1-9]", body), body[:500]

    # the trainer has formgrader on the same course
    ctx3, page3 = _login(chromium, hub, trainer, creds[trainer])
    page3.goto(f"{hub.url}/user/{trainer}/formgrader")
    try:
        page3.get_by_text(ASSIGNMENT).first.wait_for(timeout=60_000)
    except Exception:
        Path("/tmp/academy-hub-formgrader.html").write_text(page3.content())
        shutil.copy(hub.root / "hub.log", "/tmp/academy-hub-formgrader.log")
        raise
    ctx3.close()
    ctx1.close()


def test_role_configs_and_setup_are_kept_across_starts(tmp_path):
    """Learners get no formgrader; the hub folder's modes are nbgrader's; the gradebook URL stays."""
    from grader import hub as hubmod

    hubmod.write_role_config(tmp_path / "learner", "learner", "c = get_config()\n")
    page = json.loads((tmp_path / "learner" / "labconfig" / "page_config.json").read_text())
    assert page["disabledExtensions"]["@jupyter/nbgrader:formgrader"] is True
    server = json.loads((tmp_path / "learner" / "jupyter_server_config.json").read_text())
    assert server["ServerApp"]["jpserver_extensions"]["nbgrader.server_extensions.formgrader"] is False
    hubmod.write_role_config(tmp_path / "trainer", "trainer")
    assert json.loads((tmp_path / "trainer" / "labconfig" / "page_config.json").read_text()) == \
        {"disabledExtensions": {}}

    reason = _can_make_users()
    if reason:
        pytest.skip(reason)
    before = {g for g in ("academy-learners", "academy-trainers") if _group_exists(g)}
    root = tmp_path / "hub"
    try:
        url = "postgresql://academy@db.example.org/cohort"
        lay = hubmod.setup(root, gradebook=url)
        assert oct(lay.exchange.stat().st_mode)[-4:] == "1777"
        assert oct(lay.course.stat().st_mode)[-4:] == "2770"
        assert oct(lay.state.stat().st_mode)[-3:] == "700"
        hubmod.setup(root)  # what every `make hub` does: the URL given once is kept
        text = (lay.etc("trainer") / "nbgrader_config.py").read_text()
        assert url in text and str(lay.exchange) in text
        assert oct((lay.etc("trainer") / "gradebook.url").stat().st_mode)[-3:] == "640"
        assert str(lay.exchange) in (lay.etc("learner") / "nbgrader_config.py").read_text()
        assert url not in (lay.etc("learner") / "nbgrader_config.py").read_text()
    finally:
        for g in {"academy-learners", "academy-trainers"} - before:
            subprocess.run(["groupdel", g], capture_output=True)


def test_adduser_refuses_bad_names_and_foreign_accounts(tmp_path):
    from grader import hub as hubmod

    lay = hubmod.Layout(tmp_path)
    bad = hubmod.add_user("Ana.Silva", "learner", lay)
    assert bad.status == "refused" and "not a valid Unix user name" in bad.message
    foreign = hubmod.add_user("root", "learner", lay)  # an existing account that is not the course's
    assert foreign.status == "refused" and "left alone" in foreign.message
    gone = hubmod.remove_user("root")
    assert gone.status == "refused"
    assert pwd.getpwnam("root")
