"""Helpers for tests that serve pages on localhost (imported by conftest.py and browser tests)."""
from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
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


@contextlib.contextmanager
def serve_voila(notebook: Path, env: dict | None = None, cwd: Path | None = None):
    """Serve one notebook with Voilà on 127.0.0.1; yields the page URL."""
    port = free_port()
    cmd = [str(Path(sys.executable).parent / "voila"), str(notebook), "--no-browser",
           f"--port={port}", "--Voila.ip=127.0.0.1", "--ServerApp.ip=127.0.0.1"]
    log = (cwd or notebook.parent) / f".voila-{port}.log"
    with open(log, "w") as fh:
        proc = subprocess.Popen(cmd, cwd=cwd or notebook.parent, stdout=fh, stderr=subprocess.STDOUT,
                                env={**os.environ, **(env or {})})
    try:
        url = f"http://127.0.0.1:{port}/"
        wait_http(url, proc)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        with contextlib.suppress(OSError):
            log.unlink()
