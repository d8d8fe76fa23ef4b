"""``academy demo``: the whole trainer cycle on a synthetic cohort, end to end.

Builds exercises/ from solutions/, makes a cohort (strong, average, struggling learners and some
who skip questions; a third on the leadership track, the rest on the agent track), writes the
submissions each learner's track asks for (agents never take a supervisor exercise), autogrades them with real nbgrader into a SQLite
gradebook (in parallel, see :mod:`grader.autograding`), exports grades (nbgrader's own CSV plus a
per-question table) and prints a summary.
Everything lands in ``build/demo/`` (an ordinary nbgrader course folder: open it with formgrader
to grade the written answers by hand).
"""
from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

from .. import paths


DEMO_MARK = ".academy-demo"


def run(args: argparse.Namespace) -> int:
    from ..synthetic.learners import make_learners, takes, write_submissions
    from ..course import BuildError, assignments, build
    from ..autograding import default_workers, grade_assignments
    from ..workflow import Workspace, add_learners, grade_table, prepare

    t0 = time.time()
    out = Path(args.out)
    if out.exists() and any(out.iterdir()) and not (out / DEMO_MARK).is_file():
        print(f"Refusing to use {out}: it is not empty and was not made by `academy demo`, "
              "which replaces its folder. Give an empty or new folder with --out.", file=sys.stderr)
        return 1
    ids = args.assignment or assignments()
    if not ids:
        print("There are no exercises in solutions/ yet: nothing to demonstrate.")
        return 1
    print(f"1/5 Building exercises/ from solutions/ ({len(ids)} assignments) …")
    try:
        changed = build()["changed"]
    except BuildError as exc:
        print(f"Build failed. {exc}")
        return 1
    print(f"    {len(changed)} file(s) changed" if changed else "    exercises/ already up to date")

    from ..gradebook import from_cli

    ws = Workspace(Path(args.out), gradebook=from_cli(args.gradebook))
    if ws.root.exists() and any(ws.root.iterdir()):
        shutil.rmtree(ws.root)
    ws.root.mkdir(parents=True, exist_ok=True)
    (ws.root / DEMO_MARK).write_text("Made by `academy demo`; the next demo run replaces this folder.\n")
    print(f"2/5 Setting up the course workspace in {ws.root} (nbgrader gradebook: gradebook.db) …")
    prepare(ws, ids)
    learners = make_learners(args.learners, seed=args.seed)
    add_learners(ws, learners)

    tracks = _tracks()
    by_track = {t: sum(l.track == t for l in learners) for t in ("agent", "leadership")}
    print(f"3/5 Writing synthetic submissions: {by_track['agent']} learners on the agent track, "
          f"{by_track['leadership']} on the leadership track, each taking their track's assignments …")
    # assignments grouped by who takes them, so that each group is graded in one pool
    groups: dict[tuple[str, ...], list[str]] = {}
    for aid in ids:
        write_submissions(learners, aid, ws.release, paths.SOLUTIONS, ws.submitted, seed=args.seed,
                          tracks=tracks)
        who = tuple(l.id for l in learners if takes(l, aid, tracks))
        if who:
            groups.setdefault(who, []).append(aid)

    from ..sandbox import SandboxUnavailable

    print(f"4/5 Autograding with nbgrader, {args.workers or default_workers()} notebooks at a time, "
          f"each in its own sandbox …")
    try:
        problems = [r for who, aids in groups.items()
                    for r in grade_assignments(ws, aids, list(who), force=True,
                                               progress=not args.quiet, workers=args.workers)
                    if not r.ok]
    except SandboxUnavailable as exc:
        print(f"Autograding refused: {exc}", file=sys.stderr)
        return 2

    print("5/5 Exporting grades …")
    from nbgrader.plugins import CsvExportPlugin

    from ..gradebook import open_nbgrader

    with open_nbgrader(ws.db_url) as gb:
        CsvExportPlugin(to=str(ws.root / "grades.csv")).export(gb)
    table = grade_table(ws.db_url)
    table.to_csv(ws.root / "question_scores.csv", index=False)

    profiles = {l.id: l for l in learners}
    auto = table[~table.written]
    per_learner = (auto.groupby("learner")[["score", "max_score"]].sum()
                   .assign(percent=lambda d: (100 * d.score / d.max_score).round(0)))
    to_mark = table[table.written & table.needs_manual_grade].groupby("learner").size()
    print()
    print(f"Cohort summary: {len(learners)} learners, {len(ids)} assignment(s); each learner takes "
          f"the assignments of their track. Scores are the auto-graded points; 'to mark' counts "
          f"written answers waiting for a trainer in formgrader.")
    print(f"{'learner':<12}{'name':<22}{'track':<12}{'profile':<12}{'auto score':>12}{'%':>6}{'to mark':>9}")
    for lid, row in per_learner.sort_values(["percent", "score"], ascending=False).iterrows():
        l = profiles[lid]
        print(f"{lid:<12}{(l.first_name + ' ' + l.last_name):<22}{l.track:<12}{l.profile:<12}"
              f"{row.score:>7.1f}/{row.max_score:<4.0f}{row.percent:>6.0f}{int(to_mark.get(lid, 0)):>9}")
    print()
    print(_track_summary(table, learners, tracks, ids))
    print()
    print(_question_summary(auto))
    written = sorted(set(table[table.written].question), key=lambda q: [int(x) if x.isdigit() else x
                                                                        for x in q.replace("q", "").split("_")])
    if written:
        print(f"  Written answers, not in these figures (a trainer marks them in formgrader): "
              f"{', '.join(written)}")
    if problems:
        print()
        print(f"{len(problems)} submission(s) could not be graded (the rest were):")
        for p in problems:
            print(f"  {p.learner} {p.assignment}: {p.message}")
    print()
    print(f"Grades: {ws.root / 'grades.csv'} (nbgrader export) and {ws.root / 'question_scores.csv'}")
    print(f"Next: `academy report --course {ws.root}` writes the cohort report; written answers are "
          f"marked in formgrader (`make lab`, then Nbgrader > Formgrader).")
    print(f"Done in {time.time() - t0:.0f} s.")
    return 0 if not problems else 1


def _tracks() -> list:
    """The track manifest, or [] when it is missing or broken (the demo then runs untracked)."""
    from ..tracks import TrackError, load_manifest

    try:
        return load_manifest()
    except TrackError as exc:
        print(f"    (no usable track manifest, every learner takes every assignment: {exc})")
        return []


def _track_summary(table, learners, tracks, ids) -> str:
    """Per track: how many of its learners passed every demo assignment the track lists, counting
    auto-graded points only (written answers and role-plays are scored by trainers, not the demo)."""
    if not tracks:
        return "Per track: no track manifest."
    per = table[~table.written].groupby(["learner", "assignment"])[["score", "max_score"]].sum()
    lines = ["Per track (auto-graded points against each pass mark; written answers and the scored "
             "role-plays are left to trainers):"]
    for t in tracks:
        mine = [l.id for l in learners if l.track == t.id]
        reqs = [a for a in t.assignments if a.id in ids]
        if not mine or not reqs:
            continue

        def passed(lid: str) -> bool:
            for a in reqs:
                if (lid, a.id) not in per.index:
                    return False
                s = per.loc[(lid, a.id)]
                if not s.max_score or 100 * s.score / s.max_score + 1e-9 < a.pass_mark:
                    return False
            return True

        n = sum(passed(lid) for lid in mine)
        lines.append(f"  {t.title}: {len(mine)} learners, {len(reqs)} assignment(s); "
                     f"{n} passed all of them")
    return "\n".join(lines)


def _question_summary(auto) -> str:
    """Per question: share of the cohort's possible points earned, assignment by assignment."""
    per_q = (auto.groupby(["assignment", "question"], sort=False)[["score", "max_score"]].sum()
             .assign(percent=lambda d: 100 * d.score / d.max_score))
    lines = ["Per question (share of points earned across the cohort):"]
    for aid, block in per_q.groupby(level=0, sort=True):
        qs = block.reset_index().sort_values(
            "question", key=lambda c: c.str.extract(r"_(\d+)$")[0].astype(float))
        width = max(len(q) for q in qs.question)
        cells = [f"{q:>{width}} {p:3.0f}%" for q, p in zip(qs.question, qs.percent)]
        lines.append(f"  {aid}  (question: % earned)")
        for i in range(0, len(cells), 6):
            lines.append("    " + "   ".join(cells[i:i + 6]))
    hardest = per_q.sort_values("percent").head(3)
    lines.append("  Hardest: " + ", ".join(f"{q} ({p:.0f}%)" for (_, q), p in hardest.percent.items()))
    return "\n".join(lines)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="build, grade and summarise a synthetic cohort end to end")
    p.add_argument("--learners", type=int, default=24, help="cohort size (default 24)")
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--out", default=str(paths.ROOT / "build" / "demo"), help="workspace folder")
    p.add_argument("--gradebook", help="nbgrader gradebook: a database URL (postgresql://user@host/db, "
                   "best an empty database) or SQLite file (default $ACADEMY_GRADEBOOK, else "
                   "OUT/gradebook.db)")
    p.add_argument("--assignment", action="append", help="only these assignments (repeatable)")
    p.add_argument("--workers", type=int, help="parallel graders (default: one per core)")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.set_defaults(func=run)
