"""`academy report` end to end on a real nbgrader gradebook of 10,000 learners × 100 questions.

Builds the gradebook in nbgrader's own schema (nbgrader creates it and records the assignments,
notebooks and cells; learners, submissions and a million grades are bulk-inserted into the same
tables, see :func:`grader.synthetic.grades.write_gradebook`), then runs ``academy report
--course DIR`` as a separate process and prints:

* its wall time and the ratio to the target of 30 s on this (2-core, shared) machine;
* its peak memory (the child's ``ru_maxrss``), the same command's peak on a 50-learner cohort
  (interpreter, libraries and charts: the fixed cost), and what the data adds, against the size
  of the data itself (the grade table in memory, and the gradebook file). Target: the data adds
  at most 3× the grade table's size (the table itself, its per-learner and per-item summaries, and
  the arrays it is loaded through).

The assignments are the track manifest's, so the report's track section works as in a real
cohort. Answers read from autograded notebooks (the multiple-choice section) are not part of
this benchmark: there are no notebooks, only the gradebook.

    .venv/bin/python benchmarks/report_scale.py [--learners 10000] [--questions 100] [--keep DIR]
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.modules.setdefault("rfc3987_syntax", None)  # as `academy` does (see grader.cli)

TARGET_S = 30.0
MEMORY_FACTOR = 3.0


def build(folder: Path, learners: int, questions: int, per_assignment: int = 10) -> dict:
    """A course folder holding a bulk-built gradebook.db; returns sizes and timings."""
    from grader.synthetic.grades import synthetic_grades, write_gradebook
    from grader.tracks import load_manifest

    names: list[str] = []
    for t in load_manifest():
        names += [a.id for a in t.assignments if a.id not in names]
    n_assignments = -(-questions // per_assignment)
    names = sorted(names)[:n_assignments] + [f"extra-{i:02d}" for i in range(n_assignments - len(names))]
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "gradebook.db"
    db.unlink(missing_ok=True)
    t = time.perf_counter()
    table, people = synthetic_grades(learners, questions, per_assignment=per_assignment, assignments=names)
    write_gradebook(f"sqlite:///{db}", table, people)
    return {"rows": len(table), "seconds": time.perf_counter() - t, "file_mb": db.stat().st_size / 1e6}


def build_in_child(folder: Path, learners: int, questions: int) -> dict:
    """:func:`build` in a child process: this one stays small, so the reports it starts do not
    inherit its memory (a child's ru_maxrss counts what it had at fork, before exec)."""
    proc = subprocess.run([sys.executable, __file__, "--build", str(folder), "--learners", str(learners),
                           "--questions", str(questions)], cwd=ROOT, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"building the gradebook failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def run_report(folder: Path) -> tuple[float, float, str]:
    """(wall seconds, peak RSS in MB, output) of `academy report --course folder` in a child."""
    cmd = [sys.executable, "-m", "grader.cli", "report", "--course", str(folder),
           "--out", str(folder / "report.html"), "--roleplay-db", str(folder / "no-roleplays.db")]
    t = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)  # this child's own rusage (ru_maxrss in KB)
        wall = time.perf_counter() - t
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    if proc.returncode != 0:
        raise SystemExit(f"academy report failed ({proc.returncode}):\n{text}")
    return wall, usage.ru_maxrss / 1024, text


def table_mb(folder: Path) -> float:
    from grader.gradebook import grade_table

    return grade_table(folder / "gradebook.db").memory_usage(deep=True).sum() / 1e6


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--learners", type=int, default=10_000)
    ap.add_argument("--questions", type=int, default=100)
    ap.add_argument("--keep", help="build the course here and keep it (default: a temporary folder)")
    ap.add_argument("--build", help=argparse.SUPPRESS)  # internal: build into this folder, print JSON
    args = ap.parse_args()
    if args.build:
        print(json.dumps(build(Path(args.build), args.learners, args.questions)))
        return 0
    base = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="report-scale-"))
    try:
        small, big = base / "small", base / "big"
        b = build_in_child(big, args.learners, args.questions)
        print(f"gradebook: {args.learners:,} learners x {args.questions} questions = {b['rows']:,} grades "
              f"in nbgrader's schema, {b['file_mb']:.0f} MB file (built in {b['seconds']:.0f} s)")
        build_in_child(small, 50, args.questions)
        _, fixed_mb, _ = run_report(small)
        wall, peak_mb, out = run_report(big)
        data_mb = table_mb(big)
        print(out.strip().splitlines()[0])
        load = os.getloadavg()[0]
        print(f"academy report, end to end: {wall:6.1f} s   target {TARGET_S:.0f} s   "
              f"ratio {wall / TARGET_S:.2f} of the target ({TARGET_S / wall:.1f}x faster than needed)"
              f"   [{os.cpu_count()} cores, load average {load:.1f}]")
        extra = peak_mb - fixed_mb
        print(f"peak memory: {peak_mb:6.0f} MB; the same report on 50 learners: {fixed_mb:.0f} MB; "
              f"the data adds {extra:.0f} MB")
        print(f"data: grade table in memory {data_mb:.0f} MB, gradebook file {b['file_mb']:.0f} MB; "
              f"memory added / table = {extra / data_mb:.1f}x (target at most {MEMORY_FACTOR:.0f}x)")
        ok = wall <= TARGET_S and extra <= MEMORY_FACTOR * data_mb
        print("MEETS both targets" if ok else "DOES NOT MEET the targets")
        return 0 if ok else 1
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
