"""What one concurrent learner costs: memory and CPU of a learner's server and exercise kernel.

Starts a JupyterLab server as a hub would (``jupyterhub-singleuser`` runs the same server), reads
its memory after start-up, then runs every released exercise from top to bottom in a kernel of
that environment (nbclient, as a learner pressing "Run All") and reads the kernel's peak memory
and CPU time from /proc. Prints one line per exercise and the per-learner figures that
docs/deploy.md uses. Linux only (reads /proc).

    .venv/bin/python benchmarks/learner_footprint.py
"""
from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
os.environ.setdefault("ACADEMY_NO_PROGRESS", "1")

from grader import course, paths  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")


def _mib(pid: int, field: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def _cpu(pid: int) -> float:
    parts = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(parts[11]) + int(parts[12])) / TICK  # utime + stime


def server_memory() -> float:
    from academy_testing import free_port

    port, token = free_port(), secrets.token_hex(8)
    root = Path(tempfile.mkdtemp(prefix="academy-fp-"))
    cmd = [str(Path(sys.executable).parent / "jupyter"), "lab", "--no-browser", f"--port={port}",
           "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
           "--allow-root"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status?token={token}", timeout=2)
                break
            except Exception:
                time.sleep(0.2)
        urllib.request.urlopen(f"http://127.0.0.1:{port}/lab?token={token}", timeout=30).read()
        time.sleep(2)
        return _mib(proc.pid, "VmRSS")
    finally:
        proc.terminate()
        proc.wait(20)
        shutil.rmtree(root, ignore_errors=True)


def run_exercise(nb_path: Path) -> tuple[float, float, float]:
    """(seconds, kernel CPU seconds, kernel peak MiB) for running one notebook top to bottom."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(nb_path, as_version=4)
    work = Path(tempfile.mkdtemp(prefix="academy-fp-"))
    client = NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(work)}})
    t0 = time.time()
    with client.setup_kernel():
        pid = client.km.provisioner.process.pid
        for i, cell in enumerate(nb.cells):
            client.execute_cell(cell, i)
        cpu, peak = _cpu(pid), _mib(pid, "VmHWM")
    shutil.rmtree(work, ignore_errors=True)
    return time.time() - t0, cpu, peak


def main() -> int:
    print(f"Machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    server = server_memory()
    print(f"JupyterLab server after start-up: {server:.0f} MiB")
    rows = []
    for aid in course.assignments():
        for nb in course.notebooks(aid, paths.EXERCISES):
            secs, cpu, peak = run_exercise(nb)
            rows.append((nb.name, secs, cpu, peak))
            print(f"  {nb.name:<40} run all: {secs:5.1f} s wall, {cpu:5.1f} s CPU, kernel peak {peak:4.0f} MiB")
    peak = max(r[3] for r in rows)
    cpu = sum(r[2] for r in rows) / len(rows)
    print(f"Per concurrent learner: {server + peak:.0f} MiB (server + one kernel at its peak); "
          f"{cpu:.1f} CPU-seconds per exercise run on average.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
