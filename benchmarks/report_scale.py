"""How long the cohort report takes on a synthetic gradebook of 10,000 learners × 100 questions.

Prints the time to build the tables and draw the report (everything `academy report` does after
reading the gradebook), the time of the item statistics alone, and the file size. Goal: a few
seconds.

    .venv/bin/python benchmarks/report_scale.py [--learners 10000] [--questions 100]
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from grader.analytics import items  # noqa: E402
from grader.analytics.report import CohortData, write_report  # noqa: E402
from grader.analytics.synthetic import synthetic_cohort  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--learners", type=int, default=10_000)
    ap.add_argument("--questions", type=int, default=100)
    args = ap.parse_args()
    t = time.perf_counter()
    table, people, answers, kinds, keys = synthetic_cohort(args.learners, args.questions)
    print(f"synthetic gradebook: {len(table):,} grade rows, {len(answers):,} answers "
          f"({time.perf_counter() - t:.1f} s to make)")
    from grader.tracks import load_manifest

    try:
        tracks = load_manifest()
    except Exception:  # noqa: BLE001
        tracks = None
    import matplotlib.pyplot  # noqa: F401 - a one-off import, not the report's own time

    t, c = time.perf_counter(), time.process_time()
    wide, maxima = items.item_matrix(table)
    items.item_stats(wide, maxima)
    t_items, c_items = time.perf_counter() - t, time.process_time() - c
    data = CohortData(table, people, "Scale benchmark", answers, kinds, keys, tracks=tracks)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.html"
        t, c = time.perf_counter(), time.process_time()
        write_report(data, out)
        t_report, c_report = time.perf_counter() - t, time.process_time() - c
        size = out.stat().st_size
    print(f"item statistics          : {t_items:6.2f} s wall, {c_items:6.2f} s CPU")
    print(f"whole report ({args.learners:,} x {args.questions}): {t_report:6.2f} s wall, "
          f"{c_report:6.2f} s CPU ({size / 1e6:.1f} MB HTML); load average {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} cores")
    return 0


if __name__ == "__main__":
    sys.exit(main())
