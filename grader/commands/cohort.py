"""``academy roster|release|collect|autograde|feedback|export``: the trainer's cohort cycle.

Each command works on a cohort workspace (``--course DIR``, default ``./cohort``: an ordinary
nbgrader course folder with its gradebook), goes through nbgrader's own API, shows a progress
bar with the time left, and ends with what happened to every learner. Every command is safe to
run again: the roster is updated in place, collect only copies newer submissions, autograde
skips submissions already graded and unchanged (``--force`` regrades), feedback is regenerated.
"""
from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from .. import paths
from ..i18n import N_, _, join, pad

DEFAULT_COURSE = "cohort"

# What each step's status is called in the summaries (the status itself stays as it is: code
# compares it): workflow.StepResult, autograding.GradeResult, zipcollect.FileRow.
STATUS_NAMES = {
    "added": N_("added"), "unchanged": N_("unchanged"), "updated": N_("updated"),
    "refused": N_("refused"), "released": N_("released"), "failed": N_("failed"), "kept": N_("kept"),
    "not submitted": N_("not submitted"), "collected": N_("collected"), "graded": N_("graded"),
    "skipped": N_("skipped"), "not graded": N_("not graded"), "generated": N_("generated"),
    "unreadable": N_("unreadable"), "not a notebook": N_("not a notebook"), "unmatched": N_("unmatched"),
    "older duplicate": N_("older duplicate"),
}


def status_name(status: str) -> str:
    """A step's status as the summaries name it, in the current language."""
    return _(STATUS_NAMES[status]) if status in STATUS_NAMES else status


def counts_line(statuses) -> str:
    """'3 added, 1 unchanged': how many of each status, most frequent first."""
    return join(_("{n} {status}").format(n=n, status=status_name(s))
                for s, n in Counter(statuses).most_common())


def edition_source(args: argparse.Namespace, edition: bool = True) -> Path | None:
    """--source, else the course's own: solutions/ in English, its translated edition otherwise
    (``academy --lang zh-CN release …`` releases the zh-CN exercises). Commands that only need
    the assignments' ids and questions (the same in every edition) pass ``edition=False``."""
    if getattr(args, "source", None):
        return Path(args.source)
    if not edition:
        return None
    from ..i18n import current_language

    lang = current_language()
    if lang == "en":
        return None
    from ..notebook_translations import edition_source

    return edition_source(lang)


def _ws(args: argparse.Namespace, edition: bool = False):
    from ..gradebook import from_cli
    from ..workspace import Workspace

    return Workspace(Path(args.course), source=edition_source(args, edition),
                     exchange_dir=Path(args.exchange) if getattr(args, "exchange", None) else None,
                     gradebook=from_cli(getattr(args, "gradebook", None)))


def _bar(total: int, desc: str, quiet: bool, unit: str = "learner"):
    """A progress bar counting learners; a one-step job shows its step without a rate."""
    from tqdm import tqdm

    if total == 1 and unit != "learner":
        return tqdm(total=1, desc=desc, disable=quiet, file=sys.stdout, dynamic_ncols=True,
                    bar_format="{desc}: {percentage:3.0f}% |{bar}| {elapsed}")
    return tqdm(total=total, desc=desc, unit=_(UNITS.get(unit, unit)), disable=quiet, file=sys.stdout,
                dynamic_ncols=True)


UNITS = {"learner": N_("learner"), "step": N_("step")}  # what a progress bar counts


def _need_course(ws, what: str) -> str | None:
    from ..gradebook import check_reachable, exists

    problem = check_reachable(ws.db_url)
    if problem:
        return problem
    if not exists(ws.db_url):
        return _("No cohort workspace in {folder} yet. Start with `academy roster ROSTER.csv --course "
                 "{folder}` and `academy release ASSIGNMENT --course {folder}`, then {what}.").format(
            folder=ws.root, what=what)
    return None


def _check_assignment(ws, assignment: str) -> str | None:
    from ..course import assignments

    known = assignments(ws.source_dir)
    if assignment not in known:
        return _("Unknown assignment {assignment!r}. Available: {available} (folders of {source}).").format(
            assignment=assignment, available=join(known) or _("none"), source=ws.source_dir)
    return None


class BadLearner(ValueError):
    pass


def _learners(ws, args, assignment: str | None = None) -> list[str]:
    from ..workflow import id_problem, roster

    if getattr(args, "learner", None):
        bad = [p for p in map(id_problem, args.learner) if p]
        if bad:
            raise BadLearner("; ".join(bad))
        return list(args.learner)
    ids = set(roster(ws))
    if assignment and ws.submitted.exists():
        ids |= {p.parent.name for p in ws.submitted.glob(f"*/{assignment}")}
    return sorted(ids)


def summarise(rows, title: str) -> int:
    """Print one line per learner and a count per outcome; exit code 1 if any failed."""
    print()
    print(title)
    width = max([len(r.learner) for r in rows] + [8])
    for r in rows:
        mark = pad(_("ok") if r.ok else "!!", 2) + " "  # a mark, as wide in every language
        extra = ""
        if getattr(r, "score", None) is not None:
            extra = f"{r.score:6.2f} / {r.max_score:<6.2f}"
        print(f"  {mark}{r.learner:<{width}}  {pad(status_name(r.status), 14)}{extra}  {r.message}".rstrip())
    print("  " + counts_line(r.status for r in rows))
    return 0 if all(r.ok or r.status in ("not submitted",) for r in rows) else 1


def run_roster(args: argparse.Namespace) -> int:
    from ..gradebook import check_reachable
    from ..workflow import import_roster

    ws = _ws(args)
    if check_reachable(ws.db_url):
        print(check_reachable(ws.db_url), file=sys.stderr)
        return 1
    ws.root.mkdir(parents=True, exist_ok=True)
    rows = import_roster(ws, Path(args.file))
    if rows and rows[0].learner == "*":
        print(_("The roster was not imported; nothing changed. Fix {file}:").format(file=args.file),
              file=sys.stderr)
        for r in rows:
            print(f"  {r.message}", file=sys.stderr)
        return 1
    return summarise(rows, _("Roster of {folder} ({n} learners):").format(folder=ws.root, n=len(rows)))


EDITION_FILE = Path(".academy") / "edition"


def _edition_problem(ws) -> str | None:
    """A cohort is taught in one edition: the first release records its language, and a release
    in another language is refused (its learners would get a mix)."""
    from ..i18n import current_language

    lang, mark = current_language(), ws.root / EDITION_FILE
    if mark.exists():
        recorded = mark.read_text(encoding="utf-8").strip()
        if recorded and recorded != lang:
            return _("This cohort ({folder}) is taught in the {recorded} edition, and this release would be "
                     "{lang}. Run it with --lang {recorded}, or use a new --course folder.").format(
                folder=ws.root, recorded=recorded, lang=lang)
    else:
        mark.parent.mkdir(parents=True, exist_ok=True)
        mark.write_text(lang + "\n", encoding="utf-8")
    return None


def run_release(args: argparse.Namespace) -> int:
    ws = _ws(args, edition=True)
    problem = _check_assignment(ws, args.assignment)
    if problem:
        print(problem, file=sys.stderr)
        return 1
    ws.root.mkdir(parents=True, exist_ok=True)
    problem = _edition_problem(ws)
    if problem:
        print(problem, file=sys.stderr)
        return 1
    from ..course import BuildError
    from ..workflow import release, roster

    ws.root.mkdir(parents=True, exist_ok=True)
    bar = _bar(1, _("Releasing {assignment}").format(assignment=args.assignment), args.quiet, unit="step")
    try:
        r = release(ws, args.assignment)
    except BuildError as exc:
        print(_("Could not generate {assignment} from {source}: {error}").format(
            assignment=args.assignment, source=ws.source_dir, error=exc), file=sys.stderr)
        return 1
    finally:
        bar.update(1)
        bar.close()
    if not r.ok:
        print(_("Release failed: {reason}").format(reason=r.message), file=sys.stderr)
        return 1
    learners = roster(ws)
    print("\n" + _("Released {assignment} to the exchange ({where}).").format(assignment=args.assignment,
                                                                          where=r.message))
    if learners:
        print(_("{n} learner(s) on the roster can fetch it now: {learners}.").format(
            n=len(learners), learners=join(learners[:10]) + (" …" if len(learners) > 10 else "")))
    else:
        print(_("{n} learner(s) on the roster can fetch it now; import a roster with `academy roster "
                "FILE --course {folder}`.").format(n=0, folder=ws.root))
    return 0


def run_collect(args: argparse.Namespace) -> int:
    ws = _ws(args)
    problem = _need_course(ws, _("collect")) or _check_assignment(ws, args.assignment)
    if problem:
        print(problem, file=sys.stderr)
        return 1
    from ..workflow import collect

    if getattr(args, "zip", None):  # files downloaded from an LMS: grader.zipcollect
        from ..zipcollect import zip_collect

        return _print_zip_report(zip_collect(ws, args.assignment, Path(args.zip), args.pattern), ws,
                                 args.assignment)
    ids = _learners(ws, args)
    bar = _bar(len(ids), _("Collecting {assignment}").format(assignment=args.assignment), args.quiet)
    rows = []
    for lid in ids:
        rows += collect(ws, args.assignment, [lid])
        bar.update(1)
    bar.close()
    return summarise(rows, _("Collected {assignment} into {folder}:").format(assignment=args.assignment,
                                                                           folder=ws.submitted))


def run_autograde(args: argparse.Namespace) -> int:
    ws = _ws(args)
    problem = _need_course(ws, _("collect and autograde")) or _check_assignment(ws, args.assignment)
    if problem:
        print(problem, file=sys.stderr)
        return 1
    from ..autograding import grade_cohort
    from ..sandbox import SandboxUnavailable

    ids = _learners(ws, args, args.assignment)
    try:
        rows = grade_cohort(ws, args.assignment, ids, workers=args.workers, timeout=args.timeout,
                            force=args.force, progress=not args.quiet, sandbox=not args.no_sandbox,
                            memory=args.memory * 1024 ** 2 if args.memory else None)
    except SandboxUnavailable as exc:
        print(_("Autograding refused: {reason}").format(reason=exc), file=sys.stderr)
        return 2
    from ..gradebook import shown

    code = summarise(rows, _("Autograded {assignment} (gradebook: {gradebook}):").format(
        assignment=args.assignment, gradebook=shown(ws.db_url)))
    if any(r.status == "skipped" for r in rows):
        print("  " + _("Skipped submissions were graded before and have not changed; --force regrades them."))
    if args.no_sandbox:
        print("  " + _("WARNING: graded with --no-sandbox: learner code ran unconfined, with this account's "
                       "access to files and network. These grades are marked as unsandboxed in the report."))
    return code


def run_feedback(args: argparse.Namespace) -> int:
    ws = _ws(args)
    problem = _need_course(ws, _("autograde and send feedback")) or _check_assignment(ws, args.assignment)
    if problem:
        print(problem, file=sys.stderr)
        return 1
    from ..workflow import feedback

    ids = _learners(ws, args, args.assignment)
    bar = _bar(len(ids), _("Feedback for {assignment}").format(assignment=args.assignment), args.quiet)
    rows = feedback(ws, args.assignment, ids, release_it=not args.no_release, on_each=lambda: bar.update(1))
    bar.close()
    title = (_("Feedback for {assignment} (generated in feedback/ and released to the exchange):")
             if not args.no_release else _("Feedback for {assignment} (generated in feedback/):"))
    return summarise(rows, title.format(assignment=args.assignment))


def run_export(args: argparse.Namespace) -> int:
    ws = _ws(args)
    problem = _need_course(ws, _("export"))
    if problem:
        print(problem, file=sys.stderr)
        return 1
    from ..workflow import export, roster

    out = Path(args.out) if args.out else ws.root / "export"
    bar = _bar(1, _("Exporting grades"), args.quiet, unit="step")
    files = export(ws, out)
    bar.update(1)
    bar.close()
    print("\n" + _("Exported grades of {n} learner(s):").format(n=len(roster(ws))))
    print(f"  {files['grades']}     " + _("nbgrader's CSV, one row per learner and assignment"))
    print(f"  {files['questions']}  " + _("one row per learner, assignment and question"))
    print(f"  {files['xlsx']}     " + _("Excel workbook for HR: Summary, Assignments, Questions"))
    return 0


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--course", default=DEFAULT_COURSE,
                   help=_("cohort workspace folder (default ./{course})").format(course=DEFAULT_COURSE))
    p.add_argument("--source", help=_("nbgrader source folder (default {folder})").format(folder=paths.SOLUTIONS))
    p.add_argument("--exchange", help=_("nbgrader exchange folder (default COURSE/exchange)"))
    p.add_argument("--quiet", action="store_true", help=_("no progress bar"))
    p.add_argument("--gradebook", help=_("nbgrader gradebook: a database URL (postgresql://user@host/db) "
                                         "or SQLite file (default $ACADEMY_GRADEBOOK, else COURSE/gradebook.db)"))


def register(sub: argparse._SubParsersAction) -> None:
    only = _("only these learners (repeatable)")
    p = sub.add_parser("roster", help=_("import or update the cohort's learners from a CSV file"))
    p.add_argument("file", help=_("CSV with an id column; first_name, last_name, email optional"))
    _common(p)
    p.set_defaults(func=run_roster)

    p = sub.add_parser("release", help=_("generate an assignment and release it to learners"))
    p.add_argument("assignment")
    _common(p)
    p.set_defaults(func=run_release)

    p = sub.add_parser("collect", help=_("collect learners' submissions from the exchange"))
    p.add_argument("assignment")
    p.add_argument("--learner", action="append", help=only)
    p.add_argument("--zip", metavar="DIR", help=_("collect notebooks downloaded from an LMS or e-mail "
                   "(zip files and .ipynb in DIR) with nbgrader's zip collect, matched to the roster"))
    p.add_argument("--pattern", help=_("with --zip: nbgrader named_regexp with (?P<student_id>…) and "
                   "(?P<file_id>…), instead of matching file names against the roster"))
    _common(p)
    p.set_defaults(func=run_collect)

    p = sub.add_parser("autograde", help=_("autograde collected submissions in parallel with nbgrader"))
    p.add_argument("assignment")
    p.add_argument("--learner", action="append", help=only)
    p.add_argument("--workers", type=int, help=_("parallel graders (default: one per core)"))
    p.add_argument("--timeout", type=int, help=_("seconds a cell may run (default from nbgrader_config.py: 60)"))
    p.add_argument("--force", action="store_true", help=_("regrade submissions already graded"))
    p.add_argument("--memory", type=int, metavar="MB",
                   help=_("memory one submission may use, in MB (default 2048)"))
    p.add_argument("--no-sandbox", action="store_true",
                   help=_("run learner code without the bubblewrap sandbox (unsafe; said in the summary "
                          "and the report)"))
    _common(p)
    p.set_defaults(func=run_autograde)

    p = sub.add_parser("feedback", help=_("generate learners' feedback and release it to them"))
    p.add_argument("assignment")
    p.add_argument("--learner", action="append", help=only)
    p.add_argument("--no-release", action="store_true", help=_("generate only; do not release"))
    _common(p)
    p.set_defaults(func=run_feedback)

    p = sub.add_parser("export", help=_("export grades as CSV and an Excel workbook"))
    p.add_argument("--out", help=_("folder for the files (default COURSE/export)"))
    _common(p)
    p.set_defaults(func=run_export)


def _print_zip_report(res, ws, assignment: str) -> int:
    """The trainer's summary of ``academy collect --zip`` (a :class:`grader.zipcollect.ZipCollectResult`):
    every learner collected and every file not collected, with why."""
    if res.error:
        print(res.error, file=sys.stderr)
        return 1
    code = summarise(res.learners, _("Collected {assignment} from downloaded files into {folder}:").format(
        assignment=assignment, folder=ws.submitted)) if res.learners else 1
    if not res.learners:
        print("\n" + _("No notebook could be given to a learner for {assignment}.").format(assignment=assignment))
    left = [r for r in res.files if r.status != "collected"]
    print("\n" + _("Files: {n} found; {counts}").format(n=len(res.files),
                                                       counts=counts_line(r.status for r in res.files)))
    if left:
        print(_("Not collected (all kept in {folder}):").format(folder=res.kept_in))
        width = max(len(r.file) for r in left)
        for r in left:
            who = f" [{r.learner}]" if r.learner else ""
            print(f"  {pad(status_name(r.status), 16)}{r.file:<{width}}{who}  {r.message}")
        if any(r.status in ("unmatched", "unreadable") for r in left):
            print(_("Rename unmatched files so they hold the learner's id (as on the roster), or add the "
                    "learner to the roster, then run the same command again."))
            code = 1
    return code
