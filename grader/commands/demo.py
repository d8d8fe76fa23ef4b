"""``academy demo``: the whole trainer cycle on a synthetic cohort, end to end.

Builds exercises/ from solutions/, makes a cohort (strong, average, struggling learners and some
who skip questions; a third on the leadership track, the rest on the agent track), writes the
submissions each learner's track asks for (agents never take a supervisor exercise), autogrades them with real nbgrader into a SQLite
gradebook (in parallel, see :mod:`grader.autograding`), exports grades (nbgrader's own CSV plus a
per-question table) and prints a summary: each learner's score, by the one definition the cohort
report uses too (:mod:`grader.analytics.scores`), their track's assignments against the pass marks
as the tracks engine judges them (:func:`grader.tracks.evaluate`, the rule of ``academy
candidates``), the share of points earned per question, and where to go next (``academy report``,
``academy formgrader``).
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

    print()
    print(learner_summary(table, learners, tracks, ids))
    print()
    print(_question_summary(table[~table.written]))
    from ..gradebook import natural_key

    written = sorted(set(table[table.written].question), key=natural_key)
    if written:
        print("  Written answers are not in these figures; a trainer marks them in formgrader: "
              f"{', '.join(written)}.")
    if problems:
        print()
        print(f"{len(problems)} submission(s) could not be graded (the rest were):")
        for p in problems:
            print(f"  {p.learner} {p.assignment}: {p.message}")
    print()
    print(f"Grades: {ws.root / 'grades.csv'} (nbgrader export) and {ws.root / 'question_scores.csv'}")
    print(next_steps(ws.root))
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


def next_steps(course: Path) -> str:
    """Where the trainer goes next: the report, and formgrader for the written answers."""
    return "\n".join([
        "Next steps:",
        f"  The cohort report: run `academy report --course {course}`, then open "
        f"{course / 'report.html'} in a browser.",
        f"  Written answers: run `academy formgrader --course {course}`; JupyterLab opens at "
        "nbgrader's formgrader, where Manage Assignments > Manual Grading lists the answers to mark.",
    ])


# The result column: the learner's track assignments against their pass marks (grader.tracks).
RESULTS = {"pass": "pass", "fail": "fail", "waiting": "waiting"}


def learner_summary(table, learners, tracks, ids) -> str:
    """One line per learner: their score (the report's definition, :mod:`grader.analytics.scores`)
    and their track's assignments against the pass marks, judged by the tracks engine
    (:func:`grader.tracks.evaluate`, the rule of `academy progress` and `academy candidates`)."""
    import pandas as pd

    from ..analytics.scores import SCORE_DEFINITION, format_score, learner_averages
    from ..tracks import TableRecords, evaluate

    score = learner_averages(table)
    to_mark = table[table.written & table.needs_manual_grade].groupby("learner", observed=True).size()
    by_id = {t.id: t for t in tracks}
    records = TableRecords(table, None)
    rows = []
    for l in learners:
        track = by_id.get(l.track)
        reqs = [r for r in evaluate(track, l.id, records).requirements
                if r.kind == "assignment" and r.id in ids] if track else []
        met = sum(r.state == "met" for r in reqs)
        pending = sum(r.state == "pending" for r in reqs)
        if not reqs:
            passed, result = "–", "–"
        else:
            passed = f"{met} of {len(reqs)}"
            result = RESULTS["pass" if met == len(reqs) else "fail" if met + pending < len(reqs) else "waiting"]
        rows.append((l, score.get(l.id), passed, result, int(to_mark.get(l.id, 0))))
    rows.sort(key=lambda r: (-(-1 if pd.isna(r[1]) else r[1]), r[0].id))  # best score first
    lines = [
        f"Cohort summary: {len(learners)} learners and {len(ids)} assignment(s); each learner takes "
        "the assignments of their track.",
        f"  {SCORE_DEFINITION}",
        "  'Pass marks' counts the learner's track assignments at or above their pass marks, by the "
        "rule `academy progress` and `academy candidates` use; 'result' is pass when all of them are.",
        "  'Waiting' means an assignment is below its pass mark until a trainer marks its written "
        "answers; 'to mark' counts the written answers waiting for a trainer in formgrader.",
        f"{'learner':<12}{'name':<22}{'track':<12}{'profile':<12}{'score':>7}{'pass marks':>12}"
        f"{'result':>9}{'to mark':>9}",
    ]
    for l, pct, passed, result, marks in rows:
        lines.append(f"{l.id:<12}{(l.first_name + ' ' + l.last_name):<22}{l.track:<12}{l.profile:<12}"
                     f"{format_score(pct):>7}{passed:>12}{result:>9}{marks:>9}")
    lines.append("")
    lines.append(_track_summary(rows, tracks))
    return "\n".join(lines)


def _track_summary(rows, tracks) -> str:
    """Per track: how many of its learners passed all of their assignments (the engine's rule, as
    in :func:`learner_summary`). Role-plays belong to the tracks but not to the demo."""
    if not tracks:
        return "Per track: there is no track manifest, so there are no pass marks to compare with."
    lines = ["Per track (the track's assignments in this demo against their pass marks):"]
    for t in tracks:
        mine = [r for r in rows if r[0].track == t.id and r[3] != "–"]
        if not mine:
            continue
        n = {k: sum(r[3] == k for r in mine) for k in RESULTS}
        lines.append(f"  {t.title} ({len(mine)} learners): passed all their assignments: {n['pass']}; "
                     f"waiting for written answers to be marked: {n['waiting']}; not passed yet: "
                     f"{n['fail']}.")
    lines.append("  Role-plays are also required to complete a track, and the demo scores none, so "
                 "`academy candidates` lists nobody for the demo cohort.")
    return "\n".join(lines)


def _question_summary(auto) -> str:
    """Per question: share of the cohort's possible points earned, assignment by assignment."""
    from ..gradebook import natural_key

    per_q = (auto.groupby(["assignment", "question"], sort=False, observed=True)[["score", "max_score"]].sum()
             .assign(percent=lambda d: 100 * d.score / d.max_score))
    lines = ["Per question (share of points earned across the cohort):"]
    for aid, block in per_q.groupby(level=0, sort=True, observed=True):
        qs = block.reset_index()
        qs = qs.iloc[sorted(range(len(qs)), key=lambda i: natural_key(str(qs.question.iloc[i])))]
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
