"""Helpers for tests that serve pages on localhost (imported by conftest.py and browser tests),
and for tests that look for English left in a Chinese page."""
from __future__ import annotations

import contextlib
import shutil
import tempfile
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("ACADEMY_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


def free_port() -> int:
    with contextlib.closing(socket.socket()) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, proc: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited early with code {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except Exception:
            time.sleep(0.3)
    raise TimeoutError(f"{url} did not answer within {timeout}s")


def wait_answering(port: int, proc: subprocess.Popen, timeout: float = 90) -> None:
    """Wait until a server on 127.0.0.1:port answers HTTP at all (any status, redirects not
    followed). For Voilà this asks for ``/api``, which renders nothing: asking for the page
    itself runs the notebook in a new kernel each time, and retries on a busy machine then pile
    up kernels that starve the test's own page load."""
    import http.client

    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited early with code {proc.returncode}")
        con = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            con.request("GET", "/api")
            con.getresponse().read()
            return
        except (OSError, http.client.HTTPException):
            time.sleep(0.3)
        finally:
            con.close()
    raise TimeoutError(f"127.0.0.1:{port} did not answer within {timeout}s")


COACHING_CARD = Path(__file__).resolve().parents[1] / "datasets" / "scorecards" / "coaching-conversation.v1.yaml"


def top_marks(card) -> dict:
    """Answers that give a scorecard every point: yes, the top of each scale, every critical passed."""
    answers = {i.id: ("yes" if i.scale.name == "yes_no" else 3) for i in card.items}
    answers.update({c.id: "pass" for c in card.critical})
    return answers


def save_coaching_score(db: Path, learner: str):
    """One full-marks coaching role-play for ``learner``, saved through the studio's own store
    (rater trainer.kim, scenario new-hire-no-direction); returns what the store saved."""
    from grader.roleplay.scorecard import load_scorecard
    from grader.roleplay.store import RolePlayStore

    card = load_scorecard(COACHING_CARD)
    return RolePlayStore(db).save(card, top_marks(card), learner=learner, rater="trainer.kim",
                                  scenario_id="new-hire-no-direction")


def open_voila(page, url: str) -> None:
    """Open a Voilà page. Now and then (about one run of the widget tests in ten, on 2 busy
    cores) the kernel Voilà starts for the page never finishes the notebook, and the page never
    loads; Voilà's log then ends at "Kernel started". The page is then asked for again, which
    starts a new kernel, and the test goes on from there: what the widget tests check is the
    widgets, not that first kernel. A second failure fails the test."""
    from playwright.sync_api import TimeoutError as PageTimeout

    try:
        page.goto(url, timeout=60_000)
    except PageTimeout:
        print(f"Voilà did not answer {url} within 60 s; asking again (a new kernel)")
        page.goto(url, timeout=120_000)


@contextlib.contextmanager
def serve_voila(notebook: Path, env: dict | None = None, cwd: Path | None = None):
    """Serve one notebook with Voilà on 127.0.0.1; yields the page URL."""
    port = free_port()
    # Kernels talk to Voilà over Unix sockets in a folder of this server's own, not over TCP
    # ports picked free and bound later, which another test's server or kernel can take meanwhile
    # (the page then waits for a kernel that never answers). grader.workspace.fix_ipc does the
    # same for the course's own kernels.
    sockets = Path(tempfile.mkdtemp(prefix="voila-ipc-"))
    cmd = [str(Path(sys.executable).parent / "voila"), str(notebook), "--no-browser",
           f"--port={port}", "--Voila.ip=127.0.0.1", "--ServerApp.ip=127.0.0.1",
           "--KernelManager.transport=ipc", f"--KernelManager.ip={sockets / 'k'}"]
    log = (cwd or notebook.parent) / f".voila-{port}.log"
    with open(log, "w") as fh:
        proc = subprocess.Popen(cmd, cwd=cwd or notebook.parent, stdout=fh, stderr=subprocess.STDOUT,
                                env={**os.environ, **(env or {})})
    try:
        url = f"http://127.0.0.1:{port}/"
        wait_answering(port, proc)
        yield url
    except BaseException:  # the server's own account of what happened, shown with the failure
        with contextlib.suppress(OSError):
            print(f"--- Voilà's log ({' '.join(cmd)}):\n" + log.read_text(errors="replace")[-6000:])
        raise
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        with contextlib.suppress(OSError):
            log.unlink()
        shutil.rmtree(sockets, ignore_errors=True)


# ------------------------------------------------------------------ CJK glyphs, not tofu
# Text a browser cannot find a font for is drawn as the fallback font's .notdef glyph: the same
# empty box ("tofu") for every missing character. So a screenshot shows real glyphs when
# different characters come out as different shapes, and tofu when they all look alike.
CHAR_BOXES_JS = """el => {
  const out = [];
  const walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  for (let t = walk.nextNode(); t; t = walk.nextNode()) {
    for (let i = 0; i < t.length; i++) {
      const r = document.createRange(); r.setStart(t, i); r.setEnd(t, i + 1);
      const b = r.getBoundingClientRect();
      out.push([t.data[i], b.left, b.top, b.right, b.bottom]);
    }
  }
  return out;
}"""


def glyph_shapes(png: bytes, boxes) -> dict:
    """Each character's ink (dark pixels, cropped to their bounding box) from a screenshot.

    ``boxes`` are ``[char, left, top, right, bottom]`` in the screenshot's pixels (what
    :data:`CHAR_BOXES_JS` returns for a viewport screenshot at scale 1). A character that left no
    ink maps to None.
    """
    import io
    import math

    from PIL import Image

    img = Image.open(io.BytesIO(png)).convert("L")
    shapes = {}
    for ch, left, top, right, bottom in boxes:
        if ch.isspace():
            continue
        cell = img.crop((math.floor(left), math.floor(top), math.ceil(right), math.ceil(bottom)))
        ink = cell.point(lambda v: 255 if v < 128 else 0)
        bbox = ink.getbbox()
        shapes[ch] = ink.crop(bbox) if bbox else None
    return shapes


def _same_shape(a, b) -> bool:
    from PIL import ImageChops

    if abs(a.width - b.width) > 1 or abs(a.height - b.height) > 1:
        return False
    w, h = min(a.width, b.width), min(a.height, b.height)
    diff = ImageChops.difference(a.crop((0, 0, w, h)), b.crop((0, 0, w, h)))
    return sum(diff.histogram()[1:]) <= 0.1 * w * h  # pixels that differ


def distinct_glyphs(shapes: dict) -> int:
    """How many different shapes the characters were drawn as (blank ones not counted)."""
    seen: list = []
    for shape in shapes.values():
        if shape is not None and not any(_same_shape(shape, s) for s in seen):
            seen.append(shape)
    return len(seen)


def fontconfig_without_cjk(folder: Path) -> dict:
    """Environment for a Chromium that sees only DejaVu/Liberation fonts (no CJK): the negative control."""
    dirs = [d for d in ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/truetype/liberation")
            if Path(d).is_dir()]
    conf = folder / "fonts-no-cjk.conf"
    conf.write_text('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
                    + "".join(f"  <dir>{d}</dir>\n" for d in dirs)
                    + f"  <cachedir>{folder / 'fontconfig-cache'}</cachedir>\n</fontconfig>\n",
                    encoding="utf-8")
    return {**os.environ, "FONTCONFIG_FILE": str(conf)}


# --------------------------------------------------------------------------- English left in Chinese
# What a trainer reads of a zh-CN page or printout, with the code in it taken out: ids (a token
# with a digit, _, / or a backslash, a . or : inside it, or starting with --: learner001, q1_2,
# 01-service-standards, customer-call.v1, report.html, --force, ICC(A,1)), <code> and `code`, and
# `academy <command>` names. A hyphenated word stays a word.
_ID = re.compile(r"\S*(?:\d|[_/\\]|[.:@](?=\w)|--)\S*")
_COMMAND = re.compile(r"\bacademy\s+[a-z][a-z-]*\b")
_PAIR = re.compile(r"[A-Za-z][A-Za-z']*[ \t\u00a0]+[A-Za-z]+")  # two words on one line of one element


class _Visible(HTMLParser):
    """A page's visible text (no <style>, <script> or <code>), with <title> and alt texts."""

    SKIP = {"style", "script", "code"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.depth = 0

    def handle_starttag(self, tag, attrs):
        self.depth += tag in self.SKIP
        self.parts += [v for k, v in attrs if k in ("alt", "title") and v]

    def handle_endtag(self, tag):
        self.depth -= tag in self.SKIP

    def handle_data(self, data):
        if not self.depth:
            self.parts.append(data)


def visible_text(page: str) -> str:
    parser = _Visible()
    parser.feed(page)
    parser.close()
    return "\n".join(parser.parts)


def english_pairs(text: str, ui_labels: bool = False) -> list[str]:
    """Runs of two English words in ``text`` once code and ids are taken out, each with its
    context. ``ui_labels``: also take out “quoted” labels of tools that are only in English."""
    text = re.sub(r"`[^`]*`", " ", text)
    if ui_labels:
        text = re.sub(r"“[\x00-\x7f]*”", " ", text)
    text = _ID.sub(" ", _COMMAND.sub(" ", text))
    return [f"{m.group(0)!r} in …{text[max(0, m.start() - 40):m.end() + 40]!r}…"
            for m in _PAIR.finditer(text)]


# ------------------------------------------------------------------ academy lab / formgrader
def serve_academy(args: list[str], folder: Path, timeout: float = 90):
    """Start `academy ARGS` (it becomes JupyterLab) on 127.0.0.1, as `make lab` does; returns
    (process, base URL, token, stderr file). Its Jupyter config and runtime stay in ``folder``."""
    import os
    import secrets
    import subprocess
    import sys

    port, token = free_port(), secrets.token_hex(12)
    err = folder / f"server-{port}.err"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "JUPYTER_CONFIG_DIR": str(folder / ".jupyter"),
           "JUPYTER_RUNTIME_DIR": str(folder / "runtime")}
    env.pop("ACADEMY_LANG", None)  # the language is what ARGS say
    with open(err, "w") as fh:
        proc = subprocess.Popen([sys.executable, "-m", "grader.cli", *args, f"--port={port}",
                                 "--no-browser", f"--token={token}"],
                                stdout=subprocess.DEVNULL, stderr=fh, env=env, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_http(f"{base}/api/status?token={token}", proc, timeout=timeout)
    except Exception:
        stop(proc)
        raise AssertionError(err.read_text()) from None
    return proc, base, token, err


def stop(proc) -> None:
    """Terminate a server, then kill it if it does not stop within 15 s."""
    import subprocess

    proc.terminate()
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


def first_choice_question(nb_path: Path) -> str:
    """The first multiple-choice question of a released exercise (from its sealed check cells)."""
    import re

    import nbformat

    from grader.check import unseal

    nb = nbformat.read(nb_path, as_version=4)
    for cell in nb.cells:
        match = re.search(r'check\("(\w+)", \w+, sealed="([^"]+)"', cell.source)
        if match and unseal(match.group(2))["kind"] == "choice":
            return match.group(1)
    raise AssertionError("no multiple-choice check cell in the released notebook")
