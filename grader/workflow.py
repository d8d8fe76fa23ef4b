"""A trainer's cohort workspace on nbgrader: roster, release, collect, grade, feedback, export.

A workspace is an ordinary nbgrader course folder (``submitted/``, ``autograded/``,
``feedback/``, ``gradebook.db`` …) whose source is the repository's ``solutions/`` and whose
exchange (nbgrader's filesystem exchange, where learners fetch and submit) is ``exchange/``
inside it unless given. Every step goes through nbgrader's API and gradebook, works learner by
learner, records a failure for that learner only and goes on, and is safe to run again.
Autograding itself is in :mod:`grader.autograding` (parallel, resumable).
"""
from __future__ import annotations

import os
import re
import shutil
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from . import course
from .gradebook import COURSE_ID
from .i18n import _, join
from .workspace import Workspace  # noqa: F401 - re-exported: the steps take a Workspace

if TYPE_CHECKING:  # pandas and the autograder load where used: roster, release, collect start quickly
    import pandas as pd

    from .autograding import GradeResult

course._ensure_tools_on_path()  # a new gradebook runs nbgrader's `alembic` program

try:  # nbgrader 0.9 with SQLAlchemy 2 warns about harmless autoflush cascades on every grade
    from sqlalchemy.exc import SAWarning

    warnings.filterwarnings("ignore", category=SAWarning)
except ImportError:  # pragma: no cover
    pass


def prepare(ws: Workspace, assignment_ids: list[str]) -> None:
    """Record the assignments in the workspace gradebook and put them in its ``release/``: what
    nbgrader's generate_assignment makes of them, made once per version of their source and
    copied from there when the gradebook lacks them or holds the same (:mod:`grader.generated`);
    otherwise nbgrader's generate_assignment runs on the workspace itself."""
    from .generated import copy_release, generated, install

    for aid in assignment_ids:
        made = generated(aid, ws.source_dir)
        if install(aid, made, ws.db_url) in ("copied", "same"):
            copy_release(aid, made, ws.release)
        else:
            course.generate([aid], release_dir=ws.release, workspace=ws.root, source_dir=ws.source_dir,
                            db_url=ws.db_url)


@dataclass
class StepResult:
    """What one step did for one learner (or for the cohort, learner="*")."""

    learner: str
    ok: bool
    status: str
    message: str = ""


ID_COLUMNS = ("id", "learner", "student_id", "username", "learner_id")
ID_RULE = "letters, digits, _ . - (not starting with a dot)"
_GOOD_ID = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}")


def id_problem(lid: str) -> str | None:
    """Why a learner id cannot be used (it becomes a folder and an exchange file name), or None."""
    if not _GOOD_ID.fullmatch(lid or ""):
        return _("id {id!r} is not allowed: use letters, digits, _ . - (not starting with a dot), at most "
                 "64 characters").format(id=lid)
    return None


def _os_error(exc: Exception) -> str:
    """Why a file could not be read: the system's words in English, the course's in another language
    (the system's error texts are English whatever the language)."""
    from .i18n import DEFAULT, current_language

    if current_language() == DEFAULT:
        return str(exc)
    if isinstance(exc, FileNotFoundError):
        return _("the file does not exist")
    if isinstance(exc, PermissionError):
        return _("permission denied")
    if isinstance(exc, IsADirectoryError):
        return _("it is a folder, not a file")
    if isinstance(exc, UnicodeDecodeError):
        return _("it is not UTF-8 text")
    return str(exc)


def read_roster(path: Path) -> tuple[list[dict], list[str]]:
    """Learners from a roster CSV and a list of problems (row by row), nothing half-read.

    Needs an id column (``id``, ``learner``, ``student_id`` or ``username``); ``first_name``,
    ``last_name`` and ``email`` are used when present. Ids become folder names and nbgrader
    exchange file names, so they may hold letters, digits and ``_ . -`` only, may not start with a
    dot, and must differ in more than upper/lower case (``Ann`` and ``ann`` would share a folder
    on some systems and be confused by people everywhere).
    """
    import csv

    problems: list[str] = []
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        return [], [_("cannot read {path}: {error}. Save the roster as CSV (UTF-8) and try again.").format(
            path=path, error=_os_error(exc))]
    rows = list(csv.DictReader(text.splitlines()))
    if not rows:
        return [], [_("{path} has no learners (a header row and one row per learner are needed).").format(
            path=path)]
    cols = {c.strip().lower(): c for c in rows[0] if c}
    id_col = next((cols[c] for c in ID_COLUMNS if c in cols), None)
    if id_col is None:
        return [], [_("{path} has no id column; found {columns}. Name one column 'id' (the learner's "
                      "login), and optionally first_name, last_name, email.").format(
            path=path, columns=join(cols.values()))]
    learners, seen = [], {}
    for line, row in enumerate(rows, start=2):
        lid = (row.get(id_col) or "").strip()
        if not lid:
            problems.append(_("line {line}: empty id; give every learner an id").format(line=line))
            continue
        bad = id_problem(lid)
        if bad:
            problems.append(_("line {line}: {problem}").format(line=line, problem=bad))
            continue
        if lid.lower() in seen:
            problems.append(_("line {line}: id {id!r} already used on line {first} (ids must differ in "
                              "more than upper/lower case)").format(line=line, id=lid, first=seen[lid.lower()]))
            continue
        seen[lid.lower()] = line
        get = lambda k: (row.get(cols.get(k, ""), "") or "").strip() or None  # noqa: E731
        learners.append({"id": lid, "first_name": get("first_name"), "last_name": get("last_name"),
                         "email": get("email")})
    return learners, problems


def import_roster(ws: Workspace, path: Path) -> list[StepResult]:
    """Add or update the roster's learners in nbgrader's gradebook (safe to repeat).

    The learners already there are read, and added or changed ones written, with
    :mod:`grader.gradebook`'s rows; nbgrader itself is started only to create a new gradebook,
    so a roster answers at once."""
    from .gradebook import Gradebook, exists, open_nbgrader

    learners, problems = read_roster(path)
    if problems:
        return [StepResult("*", False, "refused", p) for p in problems]
    known = {}
    if exists(ws.db_url):
        with Gradebook(ws.db_url) as gb:
            known = {s.learner: (s.first_name, s.last_name, s.email) for s in gb.learner_rows()}
    folded = {k.lower(): k for k in known}
    clash = [_("id {id!r} differs only in upper/lower case from {other!r}, who is already on the roster")
             .format(id=l["id"], other=folded[l["id"].lower()]) for l in learners
             if l["id"] not in known and l["id"].lower() in folded]
    if clash:
        return [StepResult("*", False, "refused", c) for c in clash]
    out, changed = [], []
    for l in learners:
        before = known.get(l["id"])
        status = "added" if before is None else (
            "unchanged" if before == (l["first_name"], l["last_name"], l["email"]) else "updated")
        out.append(StepResult(l["id"], True, status))
        if status != "unchanged":
            changed.append(l)
    if changed and exists(ws.db_url):
        with Gradebook(ws.db_url, write=True) as gb:
            gb.set_learners(changed)
    elif changed or not known:  # a new gradebook: nbgrader creates its tables
        with open_nbgrader(ws.db_url) as gb:
            for l in changed:
                gb.update_or_create_student(l["id"], first_name=l["first_name"],
                                            last_name=l["last_name"], email=l["email"])
    return out


def roster(ws: Workspace) -> list[str]:
    """The learners in the workspace's gradebook, sorted by id."""
    from .gradebook import Gradebook

    with Gradebook(ws.db_url) as gb:
        return sorted(p.learner for p in gb.learner_rows())


def release(ws: Workspace, assignment: str) -> StepResult:
    """Generate the assignment (:func:`prepare`) and release it into the exchange."""
    prepare(ws, [assignment])
    return publish(ws, assignment)


_DIR, _FILE = 0o755, 0o644  # nbgrader's modes for a released assignment (groupshared off)


def publish(ws: Workspace, assignment: str) -> StepResult:
    """Put ``release/<assignment>`` into the exchange's ``outbound/`` for learners to fetch, as
    nbgrader's ``release_assignment`` (its filesystem exchange, not group-shared) does: the
    exchange root open to all with the sticky bit, the course's ``outbound/`` (0755) and
    ``inbound/`` (2733) made if missing and refused if another account owns them or they are
    links (nbgrader's check follows links; anyone can add names to the exchange), an earlier
    release replaced, folders 0755 and files 0644. The copy is made beside ``outbound/`` and
    moved in whole, so a learner never fetches half of it. tests/test_generated.py compares the
    result with nbgrader's own release, mode by mode."""
    src = ws.release / assignment
    root = ws.exchange
    course_dir = root / COURSE_ID
    dest = course_dir / "outbound" / assignment
    try:
        if not root.exists():
            root.mkdir(parents=True)
        if root.stat().st_uid == os.geteuid():  # a hub's exchange belongs to root (1777 already)
            os.chmod(root, 0o1777)  # world-writable with the sticky bit, as nbgrader's docs say
        elif root.stat().st_mode & 0o777 != 0o777:
            return StepResult("*", False, "failed", _("The exchange {folder} must be writable by everyone "
                                                      "(mode 1777); ask its owner to fix it.").format(folder=root))
        for folder, mode in ((course_dir, _DIR), (course_dir / "outbound", _DIR), (course_dir / "inbound", 0o2733)):
            if folder.is_symlink():  # anyone may add names to a 1777 exchange: a link would send the
                return StepResult("*", False, "failed", _(  # release (and inbound) into its target
                    "{folder} is a link, not a folder; remove it (anyone can add names to the exchange) "
                    "and release again.").format(folder=folder))
            if not folder.is_dir():
                folder.mkdir()
                os.chmod(folder, mode)  # mkdir's mode is cut by the umask
            elif folder.stat().st_uid != os.getuid():
                return StepResult("*", False, "failed", _("{folder} belongs to another account; the trainer "
                                                          "who releases must own it.").format(folder=folder))
        tmp = Path(tempfile.mkdtemp(prefix=f".release-{assignment}-", dir=course_dir))
        try:
            shutil.copytree(src, tmp / assignment)
            for folder, _dirs, files in os.walk(tmp / assignment):
                for f in files:
                    os.chmod(os.path.join(folder, f), _FILE)
                os.chmod(folder, _DIR)
            if dest.exists():
                shutil.rmtree(dest)
            os.rename(tmp / assignment, dest)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    except OSError as exc:
        return StepResult("*", False, "failed", _os_error(exc))
    return StepResult("*", True, "released", str(dest))


def collect(ws: Workspace, assignment: str, learner_ids: list[str]) -> list[StepResult]:
    """Copy each learner's latest submission from the exchange into ``submitted/``.

    nbgrader is started only when some learner has something in the exchange: a collect that
    finds nothing new answers at once."""
    inbound = ws.exchange / COURSE_ID / "inbound"
    out = []
    api = None
    for lid in learner_ids:
        if not any(inbound.glob(f"{lid}+{assignment}+*")):
            have = (ws.submitted / lid / assignment).exists()
            out.append(StepResult(lid, have, "kept" if have else "not submitted",
                                  _("collected earlier; nothing newer") if have else
                                  _("nothing submitted yet: remind the learner to press Submit")))
            continue
        if api is None:
            from nbgrader.utils import capture_log, temp_attrs

            api = ws.api()
        before = (ws.submitted / lid / assignment / "timestamp.txt")
        old = before.read_text() if before.exists() else None
        with temp_attrs(api.coursedir, assignment_id=assignment, student_id=lid):
            app = api.exchange.Collect(coursedir=api.coursedir, authenticator=api.authenticator, parent=api)
            app.update = True
            r = capture_log(app)
        if not r.get("success"):
            out.append(StepResult(lid, False, "failed", _explain(r)))
            continue
        new = before.read_text() if before.exists() else None
        out.append(StepResult(lid, True, "collected" if old is None else
                              ("updated" if new != old else "unchanged")))
    return out


def feedback(ws: Workspace, assignment: str, learner_ids: list[str], *, release_it: bool = True,
             on_each=None) -> list[StepResult]:
    """Generate each graded learner's HTML feedback and (optionally) release it to them.

    The feedback shows points per question and the self-check's hint, never hidden tests, answer
    keys or what a notebook printed into a test (:class:`grader.preprocessors.LearnerFeedback`).
    """
    from .preprocessors import feedback_pipeline

    config = ws.config()
    feedback_pipeline(config)
    api = course.make_api(config)
    out = []
    for lid in learner_ids:
        if not (ws.submitted / lid / assignment).exists():
            out.append(StepResult(lid, False, "not submitted", _("nothing collected for this learner")))
        elif not (ws.root / "autograded" / lid / assignment).exists():
            out.append(StepResult(lid, False, "not graded", _("no graded submission: run autograde "
                                  "(its summary says why this one was not graded)")))
        else:
            r = api.generate_feedback(assignment, lid, force=True)
            if not r.get("success"):
                out.append(StepResult(lid, False, "failed", _explain(r)))
            elif release_it:
                ws.exchange.mkdir(parents=True, exist_ok=True)
                r = api.release_feedback(assignment, lid)
                out.append(StepResult(lid, bool(r.get("success")), "released" if r.get("success")
                                      else "failed", "" if r.get("success") else _explain(r)))
            else:
                out.append(StepResult(lid, True, "generated"))
        if on_each:
            on_each()
    return out


def export(ws: Workspace, out_dir: Path) -> dict[str, Path]:
    """Grades as nbgrader's CSV, a per-question CSV and an Excel workbook HR can open."""
    from .gradebook import Gradebook

    files = {"grades": out_dir / "grades.csv", "questions": out_dir / "question_scores.csv",
             "xlsx": out_dir / "grades.xlsx"}
    with Gradebook(ws.db_url) as gb:  # refuses a missing gradebook before anything is written
        table = gb.grades()
        people = gb.learners()[["learner", "first_name", "last_name"]]
        rows = gb.export_rows()
    out_dir.mkdir(parents=True, exist_ok=True)
    write_grades_csv(files["grades"], rows)
    table.to_csv(files["questions"], index=False)
    write_xlsx(files["xlsx"], table, people)
    return files


def write_grades_csv(path: Path, rows: list[dict[str, str]]) -> None:
    """nbgrader's grade export (:meth:`grader.gradebook.Gradebook.export_rows`) as the file
    ``nbgrader export`` writes: the same header, rows and values, UTF-8. Unlike nbgrader's
    plugin, a value with a comma or quote in it (a name like "Lima, Jr.") is quoted as CSV
    requires instead of splitting the row."""
    import csv

    from .gradebook import EXPORT_COLUMNS

    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=EXPORT_COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def write_xlsx(path: Path, table: pd.DataFrame, people: pd.DataFrame) -> None:
    """Summary (one row per learner, % per assignment), Assignments and Questions sheets, each
    with its header row and first column frozen and columns as wide as their text (up to 40).
    Written with XlsxWriter, pandas' first choice of xlsx writer.

    With nothing graded yet, the sheets are written with their headers only.
    """
    import pandas as pd
    import xlsxwriter

    if table.empty:
        per = pd.DataFrame(columns=["learner", "assignment", "score", "max_score", "percent"])
    else:
        per = (table.groupby(["learner", "assignment"], observed=True)[["score", "max_score"]].sum()
               .assign(percent=lambda d: (100 * d.score / d.max_score).round(1)).reset_index())
    wide = per.pivot(index="learner", columns="assignment", values="percent") if not per.empty else \
        pd.DataFrame(index=pd.Index([], name="learner"))
    summary = people.set_index("learner").join(wide, how="left")
    summary["average %"] = wide.mean(axis=1).round(1)
    summary["needs marking"] = (table[table.needs_manual_grade.astype(bool)].groupby("learner", observed=True).size()
                                if not table.empty else 0)
    summary["needs marking"] = summary["needs marking"].fillna(0).astype(int)
    sheets = {"Summary": summary.reset_index(), "Assignments": per, "Questions": table}
    # Text stays text: a name such as "=HYPERLINK(...)" from an LMS roster must not become a
    # formula (or a link) in the workbook HR opens.
    with xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_formulas": False,
                                         "strings_to_urls": False}) as book:
        bold = book.add_format({"bold": True})
        for name, frame in sheets.items():
            sheet = book.add_worksheet(name)
            sheet.freeze_panes(1, 1)
            rows = frame.astype(object).where(frame.notna(), None).to_numpy().tolist()  # Python values; NaN -> blank
            for i, col in enumerate(frame.columns):
                width = max([len(str(col))] + [len(str(r[i])) for r in rows[:199] if r[i] is not None]) + 2
                sheet.set_column(i, i, min(width, 40))
            sheet.write_row(0, 0, [str(c) for c in frame.columns], bold)
            for n, row in enumerate(rows, start=1):
                sheet.write_row(n, 0, row)


def _explain(result: dict) -> str:
    text = (result.get("error") or "") + "\n" + (result.get("log") or "")
    lines = [l.strip() for l in text.splitlines() if l.strip()]
    errors = [l for l in lines if "ERROR" in l or "Error" in l]
    return (errors[-1] if errors else (lines[-1] if lines else _("unknown error")))[:300]


def add_learners(ws: Workspace, learners) -> None:
    from .gradebook import open_nbgrader

    with open_nbgrader(ws.db_url) as gb:
        for l in learners:
            gb.update_or_create_student(l.id, first_name=l.first_name, last_name=l.last_name)


def autograde(ws: Workspace, assignment: str, learner_ids: list[str], progress: bool = True, *,
              workers: int | None = None, timeout: int | None = None,
              force: bool = True, sandbox: bool = True) -> list[GradeResult]:
    """Autograde each learner's submission with nbgrader, in parallel; failures are per learner.

    ``force`` (the default here, as for ``academy demo``) regrades everything; ``force=False``
    skips submissions already graded and unchanged, which is how an interrupted run resumes.
    """
    from .autograding import grade_cohort

    return grade_cohort(ws, assignment, learner_ids, workers=workers, timeout=timeout,
                        force=force, progress=progress, sandbox=sandbox)


def grade_table(db_url: str) -> pd.DataFrame:
    """One row per learner × assignment × question from nbgrader's gradebook (see
    :meth:`grader.gradebook.Gradebook.grades`: learner, assignment, notebook, question, score,
    max_score, auto_score, manual_score, needs_manual_grade, written)."""
    from .gradebook import grade_table as table

    return table(db_url)


def learner_table(db_url: str) -> pd.DataFrame:
    """Learners with names, one row each (nbgrader's student table)."""
    from .gradebook import learner_table as people

    return people(db_url)
