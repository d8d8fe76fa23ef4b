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
to grade the written answers by hand). What it prints is in the current language
(``academy --lang zh-CN demo``, :mod:`grader.i18n`), the summary's columns aligned for Chinese too.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import time
import unicodedata
from pathlib import Path

from .. import i18n, paths
from ..i18n import N_, _, ngettext


DEMO_MARK = ".academy-demo"


def run(args: argparse.Namespace) -> int:
    from ..synthetic.learners import make_learners, takes, write_submissions
    from ..course import BuildError, assignments, build
    from ..autograding import default_workers, grade_assignments
    from ..workflow import Workspace, add_learners, grade_table, prepare

    t0 = time.time()
    out = Path(args.out)
    if out.exists() and any(out.iterdir()) and not (out / DEMO_MARK).is_file():
        print(_("Refusing to use {folder}: it is not empty and was not made by `academy demo`, "
                "which replaces its folder. Give an empty or new folder with --out.").format(folder=out),
              file=sys.stderr)
        return 1
    ids = args.assignment or assignments()
    if not ids:
        print(_("There are no exercises in solutions/ yet: nothing to demonstrate."))
        return 1
    print(ngettext("1/5 Building exercises/ from solutions/ ({n} assignment) …",
                   "1/5 Building exercises/ from solutions/ ({n} assignments) …", len(ids)).format(n=len(ids)))
    try:
        changed = build()["changed"]
    except BuildError as exc:
        print(_("Build failed. {error}").format(error=exc))
        return 1
    print("    " + (ngettext("{n} file changed", "{n} files changed", len(changed)).format(n=len(changed))
                    if changed else _("exercises/ already up to date")))

    from ..gradebook import from_cli

    # The cohort takes the course in the chosen language: a zh-CN demo releases and grades the
    # zh-CN exercises (same ids, points and hidden tests), written from build/zh-CN/solutions.
    lang = i18n.current_language()
    if lang == "en":
        source = None
    else:
        from ..notebook_translations import edition_source

        source = edition_source(lang)
    ws = Workspace(Path(args.out), source=source, gradebook=from_cli(args.gradebook))
    if ws.root.exists() and any(ws.root.iterdir()):
        shutil.rmtree(ws.root)
    ws.root.mkdir(parents=True, exist_ok=True)
    (ws.root / DEMO_MARK).write_text("Made by `academy demo`; the next demo run replaces this folder.\n")
    print(_("2/5 Setting up the course workspace in {folder} (nbgrader gradebook: gradebook.db) …")
          .format(folder=ws.root))
    prepare(ws, ids)
    learners = make_learners(args.learners, seed=args.seed, lang=i18n.current_language())
    add_learners(ws, learners)

    tracks = _tracks()
    by_track = {t: sum(l.track == t for l in learners) for t in ("agent", "leadership")}
    print(_("3/5 Writing synthetic submissions: {agents} on the agent track, {leaders} on the leadership "
            "track, each taking their track's assignments …").format(
        agents=ngettext("{n} learner", "{n} learners", by_track["agent"]).format(n=by_track["agent"]),
        leaders=by_track["leadership"]))
    # assignments grouped by who takes them, so that each group is graded in one pool
    groups: dict[tuple[str, ...], list[str]] = {}
    for aid in ids:
        write_submissions(learners, aid, ws.release, ws.source_dir, ws.submitted, seed=args.seed,
                          tracks=tracks)
        who = tuple(l.id for l in learners if takes(l, aid, tracks))
        if who:
            groups.setdefault(who, []).append(aid)

    from ..sandbox import SandboxUnavailable

    workers = args.workers or default_workers()
    print(ngettext("4/5 Autograding with nbgrader, {n} notebook at a time, each in its own sandbox …",
                   "4/5 Autograding with nbgrader, {n} notebooks at a time, each in its own sandbox …",
                   workers).format(n=workers))
    try:
        problems = [r for who, aids in groups.items()
                    for r in grade_assignments(ws, aids, list(who), force=True,
                                               progress=not args.quiet, workers=args.workers)
                    if not r.ok]
    except SandboxUnavailable as exc:
        print(_("Autograding refused: {error}").format(error=exc), file=sys.stderr)
        return 2

    print(_("5/5 Exporting grades …"))
    from ..gradebook import Gradebook
    from ..workflow import write_grades_csv

    with Gradebook(ws.db_url) as gb:
        write_grades_csv(ws.root / "grades.csv", gb.export_rows())
    table = grade_table(ws.db_url)
    table.to_csv(ws.root / "question_scores.csv", index=False)

    print()
    print(learner_summary(table, learners, tracks, ids))
    print()
    print(_question_summary(table[~table.written]))
    from ..gradebook import natural_key

    written = sorted(set(table[table.written].question), key=natural_key)
    if written:
        print("  " + written_note(written))
    if problems:
        print()
        print(ngettext("{n} submission could not be graded (the rest were):",
                       "{n} submissions could not be graded (the rest were):", len(problems)).format(n=len(problems)))
        for p in problems:
            print(f"  {p.learner} {p.assignment}: {p.message}")
    print()
    print(_("Grades: {export} (nbgrader export) and {questions}").format(
        export=ws.root / "grades.csv", questions=ws.root / "question_scores.csv"))
    print(next_steps(ws.root))
    print(_("Done in {seconds:.0f} s.").format(seconds=time.time() - t0))
    return 0 if not problems else 1


def _tracks() -> list:
    """The track manifest, or [] when it is missing or broken (the demo then runs untracked)."""
    from ..tracks import TrackError, load_manifest

    try:
        return load_manifest()
    except TrackError as exc:
        print("    " + _("(no usable track manifest, every learner takes every assignment: {error})").format(error=exc))
        return []


def next_steps(course: Path) -> str:
    """Where the trainer goes next: the report, and formgrader for the written answers."""
    return "\n".join([
        _("Next steps:"),
        "  " + _("The cohort report: run `academy report --course {course}`, then open {page} in a "
                 "browser.").format(course=course, page=course / "report.html"),
        "  " + _("Written answers: run `academy formgrader --course {course}`; JupyterLab opens at "
                 "nbgrader's formgrader, where Manage Assignments > Manual Grading lists the answers to "
                 "mark.").format(course=course),
    ])


def written_note(questions: list[str]) -> str:
    """The sentence under the per-question figures naming the written answers left out of them."""
    return _("Written answers are not in these figures; a trainer marks them in formgrader: "
             "{questions}.").format(questions=i18n.join(questions))


# The result column: the learner's track assignments against their pass marks (grader.tracks),
# and the words of the summary's other columns, shown in the current language.
RESULTS = {"pass": N_("pass"), "fail": N_("fail"), "waiting": N_("waiting")}
TRACKS = {"agent": N_("agent"), "leadership": N_("leadership")}
PROFILES = {"strong": N_("strong"), "average": N_("average"), "struggling": N_("struggling"),
            "skipper": N_("skipper")}
COLUMNS = [  # (heading, width, right-aligned)
    (N_("learner"), 12, False), (N_("name"), 22, False), (N_("track"), 12, False),
    (N_("profile"), 12, False), (N_("score"), 7, True), (N_("pass marks"), 12, True),
    (N_("result"), 9, True), (N_("to mark"), 9, True)]


def width(text: str) -> int:
    """Columns a text takes in a terminal: two for each Chinese character (wide or full-width)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _fit(text: str, columns: int, right: bool) -> str:
    pad = " " * max(0, columns - width(text))
    return pad + text if right else text + pad


def _row(cells) -> str:
    return "".join(_fit(str(c), w, right) for c, (_h, w, right) in zip(cells, COLUMNS))


def learner_summary(table, learners, tracks, ids) -> str:
    """One line per learner: their score (the report's definition, :mod:`grader.analytics.scores`)
    and their track's assignments against the pass marks, judged by the tracks engine
    (:func:`grader.tracks.evaluate`, the rule of `academy progress` and `academy candidates`)."""
    import pandas as pd

    from ..analytics.report import person_name
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
            passed = _("{met} of {total}").format(met=met, total=len(reqs))
            verdict = "pass" if met == len(reqs) else "fail" if met + pending < len(reqs) else "waiting"
            result = _(RESULTS[verdict])
        rows.append((l, score.get(l.id), passed, result, int(to_mark.get(l.id, 0))))
    rows.sort(key=lambda r: (-(-1 if pd.isna(r[1]) else r[1]), r[0].id))  # best score first
    lines = [
        _("Cohort summary: {learners} and {assignments}; each learner takes the assignments of their "
          "track.").format(
            learners=ngettext("{n} learner", "{n} learners", len(learners)).format(n=len(learners)),
            assignments=ngettext("{n} assignment", "{n} assignments", len(ids)).format(n=len(ids))),
        "  " + _(SCORE_DEFINITION),
        "  " + _("'Pass marks' counts the learner's track assignments at or above their pass marks, by the "
                 "rule `academy progress` and `academy candidates` use; 'result' is pass when all of them are."),
        "  " + _("'Waiting' means an assignment is below its pass mark until a trainer marks its written "
                 "answers; 'to mark' counts the written answers waiting for a trainer in formgrader."),
        _row(_(heading) for heading, _w, _r in COLUMNS),
    ]
    for l, pct, passed, result, marks in rows:
        lines.append(_row([l.id, person_name(l.first_name, l.last_name),
                           _(TRACKS[l.track]) if l.track in TRACKS else l.track,
                           _(PROFILES[l.profile]) if l.profile in PROFILES else l.profile,
                           format_score(pct), passed, result, marks]))
    lines.append("")
    lines.append(_track_summary(rows, tracks))
    return "\n".join(lines)


def _track_summary(rows, tracks) -> str:
    """Per track: how many of its learners passed all of their assignments (the engine's rule, as
    in :func:`learner_summary`). Role-plays belong to the tracks but not to the demo."""
    if not tracks:
        return _("Per track: there is no track manifest, so there are no pass marks to compare with.")
    lines = [_("Per track (the track's assignments in this demo against their pass marks):")]
    for t in tracks:
        mine = [r for r in rows if r[0].track == t.id and r[3] != "–"]
        if not mine:
            continue
        n = {k: sum(r[3] == _(word) for r in mine) for k, word in RESULTS.items()}
        lines.append("  " + ngettext(
            "{track} ({n} learner): passed all their assignments: {passed}; waiting for written answers "
            "to be marked: {waiting}; not passed yet: {failed}.",
            "{track} ({n} learners): passed all their assignments: {passed}; waiting for written answers "
            "to be marked: {waiting}; not passed yet: {failed}.", len(mine)).format(
                track=t.title, n=len(mine), passed=n["pass"], waiting=n["waiting"], failed=n["fail"]))
    lines.append("  " + _("Role-plays are also required to complete a track, and the demo scores none, so "
                          "`academy candidates` lists nobody for the demo cohort."))
    return "\n".join(lines)


def _question_summary(auto) -> str:
    """Per question: share of the cohort's possible points earned, assignment by assignment."""
    from ..gradebook import natural_key

    per_q = (auto.groupby(["assignment", "question"], sort=False, observed=True)[["score", "max_score"]].sum()
             .assign(percent=lambda d: 100 * d.score / d.max_score))
    lines = [_("Per question (share of points earned across the cohort):")]
    for aid, block in per_q.groupby(level=0, sort=True, observed=True):
        qs = block.reset_index()
        qs = qs.iloc[sorted(range(len(qs)), key=lambda i: natural_key(str(qs.question.iloc[i])))]
        width = max(len(q) for q in qs.question)
        cells = [f"{q:>{width}} {p:3.0f}%" for q, p in zip(qs.question, qs.percent)]
        # "%" as a value: a "% e" in the message itself would read as a printf conversion to gettext
        lines.append(f"  {aid}  " + _("(question: {percent} earned)").format(percent="%"))
        for i in range(0, len(cells), 6):
            lines.append("    " + "   ".join(cells[i:i + 6]))
    hardest = per_q.sort_values("percent").head(3)
    lines.append("  " + _("Hardest: {questions}").format(
        questions=i18n.join(f"{q} ({p:.0f}%)" for (_aid, q), p in hardest.percent.items())))
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
