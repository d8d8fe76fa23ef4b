"""Seconds per notebook: stock ``nbgrader autograde`` against ``academy``'s parallel autograde.

Builds a synthetic cohort on the self-contained sample assignment (:mod:`grader.synthetic.sample_course`), copies
the course folder three times and grades one copy with the stock CLI (one process, as a trainer
would run it), one with :func:`grader.autograding.grade_cohort` as trainers run it (every
submission in its own bubblewrap sandbox) and one with the sandbox off, in the same run. It prints
the rates, the speed-up over stock (target: 4x or better with the sandbox on 2 cores) and the
sandbox's own cost as a ratio (sandboxed time / unsandboxed time), and checks that all three gave
the same per-cell scores.

    .venv/bin/python benchmarks/autograde_speed.py [--learners 24] [--workers N]
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("ACADEMY_NO_PROGRESS", "1")

from grader.autograding import default_workers, grade_cohort, stock_autograde  # noqa: E402
from grader.synthetic.learners import make_learners, write_submissions  # noqa: E402
from grader.synthetic.sample_course import ASSIGNMENT, write_sample_source  # noqa: E402
from grader.workflow import Workspace, add_learners, grade_table, prepare  # noqa: E402


def warm_cells_seconds(ws: Workspace, learner: str) -> float:
    """Seconds to run one submission's cells in a sandbox that is already up (the floor)."""
    import nbformat

    from grader.sandbox import Limits, Sandbox
    from grader.scoring import free_names

    nb = nbformat.read(ws.submitted / learner / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    cells = []
    for i, c in enumerate(nb.cells):
        if c.cell_type != "code":
            continue
        meta = c.metadata.get("nbgrader", {})
        cells.append({"i": i, "snapshot": free_names(c.source)} if meta.get("grade")
                     else {"i": i, "source": c.source})
    with Sandbox(Limits()) as box:
        box.wait_ready()
        t = time.perf_counter()
        list(box.run(cells))
        return time.perf_counter() - t


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--learners", type=int, default=24)
    ap.add_argument("--workers", type=int, default=None)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="academy-bench-") as tmp:
        base = Path(tmp) / "base"
        write_sample_source(base / "source")
        ws = Workspace(base / "course", source=base / "source")
        prepare(ws, [ASSIGNMENT])
        learners = make_learners(args.learners, seed=5)
        add_learners(ws, learners)
        write_submissions(learners, ASSIGNMENT, ws.release, base / "source", ws.submitted, seed=5)
        n = len(learners)
        copies = {}
        for name in ("stock", "academy", "unsandboxed"):
            shutil.copytree(base, Path(tmp) / name)
            copies[name] = Workspace(Path(tmp) / name / "course", source=Path(tmp) / name / "source")

        t = time.perf_counter()
        proc = stock_autograde(copies["stock"], ASSIGNMENT)
        stock_s = time.perf_counter() - t
        if proc.returncode != 0:
            print(proc.stderr[-3000:])
            return 1
        workers = args.workers or default_workers()
        t = time.perf_counter()
        results = grade_cohort(copies["academy"], ASSIGNMENT, [l.id for l in learners],
                               workers=workers, force=True, progress=False)
        ours_s = time.perf_counter() - t
        t = time.perf_counter()
        results += grade_cohort(copies["unsandboxed"], ASSIGNMENT, [l.id for l in learners],
                                workers=workers, force=True, progress=False, sandbox=False)
        bare_s = time.perf_counter() - t
        failed = [r for r in results if not r.ok]

        def table(name):
            return grade_table(copies[name].db_url).sort_values(["learner", "question"]).reset_index(drop=True)

        same = table("stock").equals(table("academy")) and table("stock").equals(table("unsandboxed"))
        load = os.getloadavg()[0]
        print(f"cohort: {n} learners x 1 notebook ({ASSIGNMENT}), {os.cpu_count()} cores, "
              f"load average {load:.1f} at the end")
        print(f"stock nbgrader autograde : {stock_s:7.1f} s  {stock_s / n:6.2f} s/notebook")
        print(f"academy autograde, sandboxed ({workers} workers)  : {ours_s:7.1f} s  {ours_s / n:6.2f} s/notebook")
        print(f"academy autograde, no sandbox ({workers} workers): {bare_s:7.1f} s  {bare_s / n:6.2f} s/notebook")
        floor = warm_cells_seconds(copies["stock"], learners[0].id)
        print(f"speed-up over stock, sandboxed : {stock_s / ours_s:7.2f}x  (target: 4x or better, "
              f"with the sandbox, on 2 cores)")
        print(f"running the cells in a warm sandbox: {floor:5.2f} s/notebook; academy takes "
              f"{ours_s / n / floor:4.1f}x that per notebook")
        print(f"sandbox cost (sandboxed / unsandboxed time): {ours_s / bare_s:5.2f}x")
        print(f"same per-cell scores     : {'yes' if same else 'NO'}; failures: {len(failed)}")
        return 0 if same and not failed else 1


if __name__ == "__main__":
    sys.exit(main())
