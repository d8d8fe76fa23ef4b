"""``academy report``: the cohort report as one self-contained HTML file.

Reads a cohort workspace (``--course``; default ``./cohort``, or the demo's ``build/demo`` when
there is no cohort yet), the role-play studio's database if there is one, and any collected
self-check logs, writes the report (see :mod:`grader.analytics.report`) and prints its path.
The report and what this prints are in the current language (``academy --lang zh-CN report``).
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .. import paths
from ..i18n import _


def run(args: argparse.Namespace) -> int:
    from ..gradebook import check_reachable, exists, from_cli
    from ..workspace import Workspace

    gradebook = from_cli(args.gradebook)
    course = Path(args.course) if args.course else next(
        (p for p in (Path("cohort"), paths.ROOT / "build" / "demo") if (p / "gradebook.db").exists()),
        Path("cohort"))
    ws = Workspace(course, source=Path(args.source) if args.source else None, gradebook=gradebook)
    if check_reachable(ws.db_url):
        print(check_reachable(ws.db_url), file=sys.stderr)
        return 1
    if not exists(ws.db_url):
        print(_("No gradebook in {course}. Give the cohort folder with --course DIR, or run "
                "`academy demo` to make a sample cohort first.").format(course=course), file=sys.stderr)
        return 1
    from ..analytics.report import format_time, generated_at, load, write_report

    t0 = time.time()
    data = load(ws, roleplay_db=Path(args.roleplay_db) if args.roleplay_db else None,
                check_dirs=[Path(c) for c in args.checks or []])
    out = Path(args.out) if args.out else course / "report.html"
    data.generated = generated_at()  # one time, shown on the page and here
    write_report(data, out)
    print(_("Cohort report for {n} learner(s), generated {when}: {path}").format(
        n=len(data.people), when=format_time(data.generated), path=out.resolve()))
    print(_("Open it in any browser; it is one file with the charts inside. ({seconds:.1f} s)").format(
        seconds=time.time() - t0))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("report", help="write the cohort report (one HTML file with charts)")
    p.add_argument("--course", help="cohort workspace (default ./cohort, else build/demo)")
    p.add_argument("--source", help=f"nbgrader source folder (default {paths.SOLUTIONS})")
    p.add_argument("--out", help="HTML file to write (default COURSE/report.html)")
    p.add_argument("--gradebook", help="nbgrader gradebook URL or SQLite file "
                   "(default $ACADEMY_GRADEBOOK, else COURSE/gradebook.db)")
    p.add_argument("--roleplay-db", help="role-play studio database (default: the studio's own)")
    p.add_argument("--checks", action="append",
                   help="folder of learners' folders holding .academy/checks.jsonl (repeatable)")
    p.set_defaults(func=run)
