"""One bubblewrap sandbox per submission: the only place learner code ever runs while grading.

:class:`Sandbox` starts :mod:`grader.sandbox_runner` under `bubblewrap
<https://github.com/containers/bubblewrap>`_ (Debian package ``bubblewrap``) with fresh user,
PID, IPC, UTS, network and mount namespaces. Inside, the runner sees read-only only the system's
``/usr``, the Python environment, the ``grader`` package and ``datasets/``; read-write only its
own small ``tmpfs`` home, into which the submission's files are copied. It does not see the
repository (so not ``solutions/``), any gradebook, other learners, the exchange, ``$HOME`` or the
trainer's environment variables, and it has no network at all (a new network namespace has only
its own loopback). It runs without root: bubblewrap uses unprivileged user namespaces.

Limits per submission: address space per process and total resident memory of the sandbox
(``memory_bytes``), processes, file size, output size, a time limit per cell (soft: the runner
interrupts the cell; hard: the sandbox is killed) and a time limit for the whole notebook. When
the sandbox is killed, every process in it dies with it (its PID namespace ends), and the sandbox
also dies with the grading process that started it (``--die-with-parent``).

A sandbox can be started ahead of time (:meth:`Sandbox.start`); it is then dedicated to the one
submission it is given next and thrown away afterwards, never reused.
"""
from __future__ import annotations

import json
import os
import re
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from . import paths
from .i18n import _

BWRAP = "bwrap"
WORKDIR = "/home/learner/work"
INBOX = "/run/inbox"
MAX_LINE = 32 * 1024 * 1024  # bytes of one message from the runner


class SandboxUnavailable(RuntimeError):
    """bubblewrap cannot make a sandbox on this machine; the message names the fix."""


@dataclass
class Limits:
    """What one submission may use while it is graded."""

    memory_bytes: int = 2 * 1024 ** 3
    processes: int = 32
    file_bytes: int = 64 * 1024 ** 2
    tmp_bytes: int = 256 * 1024 ** 2
    cell_seconds: float = 60.0
    grace_seconds: float = 5.0
    notebook_seconds: float = 900.0
    inbox_bytes: int = 50 * 1024 ** 2
    inbox_files: int = 500


@dataclass
class CellResult:
    i: int
    outputs: list = field(default_factory=list)
    count: int | None = None
    values: dict | None = None
    tamper: list = field(default_factory=list)


class Killed(Exception):
    """The sandbox was killed while a cell ran (hard time limit, memory, or it died)."""

    def __init__(self, i: int | None, why: str):
        super().__init__(why)
        self.i, self.why = i, why


# --------------------------------------------------------------------------- availability
_AVAILABLE: tuple[bool, str] | None = None


def fix_hint() -> str:
    return _("install bubblewrap (`sudo apt-get install bubblewrap`, or `make sandbox`) and allow "
             "unprivileged user namespaces (`sudo sysctl -w kernel.unprivileged_userns_clone=1` on "
             "Debian, `sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0` on Ubuntu 24.04, "
             "or run inside a container started with user namespaces allowed); or grade with "
             "--no-sandbox, which runs learner code unconfined and says so in the summary and report")


def available() -> tuple[bool, str]:
    """(True, "") if bubblewrap can make a full sandbox here, else (False, why and how to fix)."""
    global _AVAILABLE
    if _AVAILABLE is None:
        exe = shutil.which(BWRAP)
        if exe is None:
            _AVAILABLE = (False, _("bubblewrap (bwrap) is not installed"))
        else:
            try:
                proc = subprocess.run([exe, "--unshare-all", "--die-with-parent", "--ro-bind", "/", "/",
                                       "--proc", "/proc", "--dev", "/dev", "true"],
                                      capture_output=True, text=True, timeout=30)
                _AVAILABLE = (proc.returncode == 0, "" if proc.returncode == 0 else
                              _("bubblewrap cannot create namespaces here ({error})").format(
                                  error=proc.stderr.strip()[:200]))
            except (OSError, subprocess.TimeoutExpired) as exc:
                _AVAILABLE = (False, _("bubblewrap failed to start ({error})").format(error=exc))
    return _AVAILABLE


# --------------------------------------------------------------------------- the command
def _ro_paths() -> list[str]:
    """Read-only paths the runner needs: the system, Python, the grader package, datasets."""
    import grader

    wanted = ["/usr", "/etc/ld.so.cache", "/etc/localtime", "/etc/alternatives", "/etc/fonts",
              "/etc/mime.types", sys.base_prefix, sys.prefix, os.path.dirname(os.path.realpath(sys.executable)),
              str(Path(grader.__file__).resolve().parent), str(paths.DATASETS.resolve())]
    out: list[str] = []
    for p in wanted:
        p = os.path.realpath(p)
        if os.path.exists(p) and not any(p == q or p.startswith(q.rstrip("/") + "/") for q in out):
            out.append(p)
    return sorted(out, key=len)


_MODULE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*")


def command(inbox: Path, limits: Limits, sandboxed: bool = True, fd: int = 3,
            preload: tuple[str, ...] | None = None) -> list[str]:
    """The bwrap command line (or, unsandboxed, the plain one) that starts a runner.

    ``preload``: modules the runner imports before it says it is ready (while the previous
    submission is still being graded); None: the runner's own default list."""
    runner = [sys.executable, "-I", "-m", "grader.sandbox_runner", str(fd)]
    if preload is not None:
        bad = [m for m in preload if not _MODULE.fullmatch(m)]
        if bad:
            raise ValueError(f"not module names: {bad}")
        runner.append(",".join(preload))
    if not sandboxed:
        return runner
    cmd = [shutil.which(BWRAP) or BWRAP, "--unshare-all", "--die-with-parent", "--new-session",
           "--cap-drop", "ALL", "--hostname", "grader", "--uid", "1000", "--gid", "1000",
           "--clearenv", "--proc", "/proc", "--dev", "/dev"]
    # The private tmpfs folders first: a later mount covers an earlier one, so the read-only binds
    # below stay visible even when the course or the Python environment lives under /tmp or /home.
    cmd += ["--size", str(limits.tmp_bytes), "--tmpfs", "/tmp",
            "--size", str(limits.tmp_bytes), "--tmpfs", "/home/learner"]
    for link in ("bin", "lib", "lib64", "sbin"):
        target = f"/{link}"
        if os.path.islink(target):
            cmd += ["--symlink", os.readlink(target), target]
        elif os.path.isdir(target):
            cmd += ["--ro-bind", target, target]
    for p in _ro_paths():
        if p == "/home/learner" or p.startswith("/home/learner/"):
            raise SandboxUnavailable(_("{path} is inside the sandbox's own home folder; move it elsewhere")
                                     .format(path=p))
        cmd += ["--ro-bind", p, p]
    cmd += ["--ro-bind", str(inbox), INBOX, "--chdir", "/home/learner"]
    env = {"PATH": f"{os.path.dirname(sys.executable)}:/usr/local/bin:/usr/bin:/bin",
           "HOME": "/home/learner", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
           "PYTHONDONTWRITEBYTECODE": "1", "PYTHONHASHSEED": "0", "MPLCONFIGDIR": "/tmp/mpl",
           "MPLBACKEND": "module://matplotlib_inline.backend_inline",
           "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
           "NBGRADER_EXECUTION": "autograde", "ACADEMY_DATASETS": str(paths.DATASETS.resolve())}
    for keep in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "TZ"):
        if keep in os.environ:
            env[keep] = os.environ[keep]
    for k, v in env.items():
        cmd += ["--setenv", k, v]
    return cmd + ["--"] + runner


# --------------------------------------------------------------------------- one sandbox
def _set_pdeathsig() -> None:
    """Kill this child when the process that started it dies (Linux prctl)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass


class Sandbox:
    """A runner in its own bubblewrap sandbox, started now and used for one submission."""

    def __init__(self, limits: Limits | None = None, *, sandboxed: bool = True,
                 scratch: Path | None = None, preload: tuple[str, ...] | None = None) -> None:
        self.limits = limits or Limits()
        self.sandboxed = sandboxed
        self.preload = preload
        self.dir = Path(tempfile.mkdtemp(prefix="sandbox-", dir=scratch))  # private: mode 0700
        self.inbox = self.dir / "inbox"
        self.inbox.mkdir()
        self.inbox.chmod(0o755)
        self.proc: subprocess.Popen | None = None
        self._buf = b""
        self._ready = False
        self.start()

    def start(self) -> None:
        rfd, wfd = os.pipe()
        cmd = command(self.inbox, self.limits, self.sandboxed, fd=wfd, preload=self.preload)
        env = None
        if not self.sandboxed:
            env = {k: v for k, v in os.environ.items()
                   if k in ("PATH", "LANG", "LC_ALL", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "TZ")}
            env.update(NBGRADER_EXECUTION="autograde", OPENBLAS_NUM_THREADS="1",
                       MPLBACKEND="module://matplotlib_inline.backend_inline",
                       ACADEMY_DATASETS=str(paths.DATASETS.resolve()), HOME=str(self.dir))
        self.proc = subprocess.Popen(
            cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            pass_fds=(wfd,), env=env, cwd=str(self.dir), start_new_session=True,
            preexec_fn=_set_pdeathsig)
        os.close(wfd)
        self._fd = rfd
        os.set_blocking(rfd, False)

    # -- reading messages -------------------------------------------------------------
    def _messages(self, deadline: float, cell: int | None) -> Iterator[dict]:
        """Messages from the runner until EOF; Killed when time or memory runs out."""
        sel = selectors.DefaultSelector()
        sel.register(self._fd, selectors.EVENT_READ)
        try:
            while True:
                while b"\n" in self._buf:
                    line, self._buf = self._buf.split(b"\n", 1)
                    try:
                        msg = json.loads(line)
                    except (ValueError, RecursionError):  # RecursionError: absurdly nested JSON
                        raise Killed(cell, "the grading channel received unreadable data") from None
                    if not isinstance(msg, dict):
                        raise Killed(cell, "the grading channel received unreadable data")
                    yield msg
                    return
                if len(self._buf) > MAX_LINE:
                    raise Killed(cell, "the notebook sent more data than a grade can hold")
                left = deadline - time.monotonic()
                if left <= 0:
                    raise Killed(cell, "time")
                if not sel.select(timeout=min(left, 0.25)):
                    if self._over_memory():
                        raise Killed(cell, "memory")
                    continue
                try:
                    chunk = os.read(self._fd, 1 << 20)
                except BlockingIOError:
                    continue
                if not chunk:
                    raise Killed(cell, "died")
                self._buf += chunk
        finally:
            sel.close()

    def _next(self, deadline: float, cell: int | None) -> dict:
        for msg in self._messages(deadline, cell):
            return msg
        raise Killed(cell, "died")

    def _over_memory(self) -> bool:
        """Total resident memory of every process in the sandbox above the limit?"""
        try:
            import psutil

            root = psutil.Process(self.proc.pid)
            total = sum(p.memory_info().rss for p in [root, *root.children(recursive=True)])
        except Exception:  # noqa: BLE001 - processes come and go
            return False
        return total > self.limits.memory_bytes + 256 * 1024 ** 2

    def wait_ready(self, timeout: float = 120.0) -> None:
        if not self._ready:
            msg = self._next(time.monotonic() + timeout, None)
            if not msg.get("ready"):
                raise Killed(None, "the sandbox did not start")
            self._ready = True

    # -- running a job -----------------------------------------------------------------
    def fill_inbox(self, folder: Path) -> list[str]:
        """Copy the submission's own regular files (no links) into the inbox; notes of skips."""
        notes, used, count = [], 0, 0
        for p in sorted(folder.rglob("*")):
            rel = p.relative_to(folder)
            if any(part.startswith(".") for part in rel.parts) or p.is_symlink() or not p.is_file():
                continue
            size = p.stat().st_size
            count += 1
            if count > self.limits.inbox_files:
                notes.append(_("only the first {n} of the submission's files were given to the notebook")
                             .format(n=self.limits.inbox_files))
                break
            if used + size > self.limits.inbox_bytes:
                notes.append(_("{file} was not given to the notebook (the submission's files are over {mb} MB)")
                             .format(file=rel, mb=self.limits.inbox_bytes // 1024 ** 2))
                continue
            used += size
            (self.inbox / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(p, self.inbox / rel)
        return notes

    def run(self, cells: list[dict], end: float | None = None) -> Iterator[CellResult]:
        """Send the job and yield one result per cell; raises Killed for the cell being run.

        ``end`` (a ``time.monotonic()`` value) is when the whole notebook's time runs out; a replay
        after a killed cell passes the same ``end``, so replays never add time.
        """
        self.wait_ready()
        inbox = INBOX if self.sandboxed else str(self.inbox)
        workdir = WORKDIR if self.sandboxed else str(self.dir / "work")
        lim = self.limits
        job = {"cells": cells, "timeout": lim.cell_seconds, "inbox": inbox, "workdir": workdir,
               "limits": {"memory_bytes": lim.memory_bytes, "processes": lim.processes,
                          "file_bytes": lim.file_bytes}}
        try:
            self.proc.stdin.write(json.dumps(job).encode() + b"\n")
            self.proc.stdin.close()
        except OSError:
            raise Killed(cells[0]["i"] if cells else None, "died") from None
        end = end if end is not None else time.monotonic() + lim.notebook_seconds
        for cell in cells:
            per_cell = 5.0 if "snapshot" in cell else lim.cell_seconds + lim.grace_seconds
            deadline = min(end, time.monotonic() + per_cell)
            msg = self._next(deadline, cell["i"])
            if msg.get("i") != cell["i"]:
                raise Killed(cell["i"], "the grading channel received out-of-order data")
            yield CellResult(cell["i"], outputs=msg.get("outputs") or [], count=msg.get("count"),
                             values=msg.get("values"), tamper=list(msg.get("tamper") or []))

    def close(self) -> None:
        """Kill the sandbox (every process in it) and remove its folder."""
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except OSError:
                pass
            try:
                self.proc.kill()
            except OSError:
                pass
        if self.proc is not None:
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
            if self.proc.stdin and not self.proc.stdin.closed:
                try:
                    self.proc.stdin.close()
                except OSError:
                    pass
        try:
            os.close(self._fd)
        except OSError:
            pass
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
