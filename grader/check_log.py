"""The self-check log: a learner's own progress from the checks they ran (``course/00-my-progress.ipynb``).

(Not to be confused with ``academy progress``, a learner's progress on the course *tracks* from
the gradebook: :mod:`grader.tracks`.)

Every check cell a learner runs appends a line to ``.academy/checks.jsonl`` in the folder of the
notebook (see :func:`grader.check._record`). This module finds those logs in the learner's *own*
folders only (the course and exercise folders next to this notebook, and assignment folders in
their home directory where nbgrader puts fetched assignments), lists the questions each notebook
asks (from its check cells, names only, never answers) and summarises: per notebook, how many
questions were tried and how many are right at the latest attempt, and which notebooks are
complete. It reads no gradebook, no exchange and no other learner's files.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd

from . import paths
from .i18n import _

LOG = Path(".academy") / "checks.jsonl"
_CHECK = re.compile(r"""\bcheck\(\s*["']([A-Za-z]\w*)["']""")


def default_roots() -> list[Path]:
    """Folders that belong to this learner: the course, the exercises and their home folder."""
    roots = [paths.COURSE, paths.EXERCISES, Path.home()]
    # A learner workspace (``make lab``, grader.learner_workspace): the copy this notebook is in.
    for here in (Path.cwd(), Path.cwd().parent):
        if (here / ".academy" / "workspace.json").is_file():
            roots.insert(0, here)
    out: list[Path] = []
    for r in roots:
        try:
            r = r.resolve()
        except OSError:
            continue
        if r.is_dir() and r not in out:
            out.append(r)
    return out


def find_logs(roots: list[Path] | None = None) -> list[Path]:
    """``checks.jsonl`` files in the roots and up to two folder levels below them."""
    found: set[Path] = set()
    for root in roots or default_roots():
        for pattern in (str(LOG), f"*/{LOG}", f"*/*/{LOG}"):
            found.update(p.resolve() for p in Path(root).glob(pattern))
    return sorted(found)


def load_checks(logs: list[Path]) -> pd.DataFrame:
    """Every check run: time, question, folder, status (oldest first)."""
    rows = []
    for log in logs:
        try:
            lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            continue
        for line in lines:
            try:
                r = json.loads(line)
                rows.append({"time": r["time"], "question": r["question"],
                             "folder": r.get("folder") or log.parent.parent.name, "status": r["status"]})
            except (ValueError, KeyError, TypeError):
                continue
    df = pd.DataFrame(rows, columns=["time", "question", "folder", "status"])
    return df.sort_values("time", kind="stable").reset_index(drop=True)


def catalogue(roots: list[Path] | None = None) -> pd.DataFrame:
    """(folder, notebook, question) for every check cell in the course and exercise notebooks."""
    rows = []
    for base in roots or [paths.COURSE, paths.EXERCISES]:
        for nb in sorted(Path(base).glob("*/*.ipynb")):
            if ".ipynb_checkpoints" in nb.parts:
                continue
            try:
                cells = json.loads(nb.read_text(encoding="utf-8")).get("cells", [])
            except (OSError, ValueError):
                continue
            seen = []
            for cell in cells:
                src = cell.get("source", "")
                src = "".join(src) if isinstance(src, list) else src
                seen += [q for q in _CHECK.findall(src) if q not in seen]
            rows += [{"folder": nb.parent.name, "notebook": nb.stem, "question": q} for q in seen]
    return pd.DataFrame(rows, columns=["folder", "notebook", "question"]).drop_duplicates("question")


NOT_TRIES = ("unanswered", "unsealed")  # "Not answered yet" and the author view are not attempts


def summary(checks: pd.DataFrame, questions: pd.DataFrame) -> pd.DataFrame:
    """Per notebook: questions, tried, right now (latest attempt correct), complete."""
    checks = checks[~checks.status.isin(NOT_TRIES)]
    latest = checks.groupby("question").status.last() if len(checks) else pd.Series(dtype=object)
    tried_at = checks.groupby("question").time.max() if len(checks) else pd.Series(dtype=object)
    q = questions.assign(tried=questions.question.isin(latest.index),
                         right=questions.question.map(latest).eq("correct"),
                         last=questions.question.map(tried_at))
    per = q.groupby(["folder", "notebook"], sort=True).agg(
        questions=("question", "size"), tried=("tried", "sum"), right=("right", "sum"),
        last_check=("last", "max")).reset_index()
    per["complete"] = per.right == per.questions
    return per[per.tried > 0] if len(per) else per


def show_progress(roots: list[Path] | None = None) -> None:
    """Display the learner's progress: a chart and one table (nothing returned, so a notebook
    cell ending in ``show_progress()`` does not show the table a second time)."""
    from IPython.display import HTML, display

    checks = load_checks(find_logs(roots))
    checks = checks[~checks.status.isin(NOT_TRIES)]
    if checks.empty:
        display(HTML("<p>✏️ " + _("No self-checks recorded yet. Open a lesson or an exercise, answer "
                                  "a question and run the check cell under it; then come back and run "
                                  "this notebook again.") + "</p>"))
        return
    per = summary(checks, catalogue())
    total = len(checks)
    right_runs = int((checks.status == "correct").sum())
    done = per[per.complete]
    display(HTML("<p>" + _(
        "You have run {checks} checks ({right} correct) on {questions} questions. Notebooks "
        "complete: {complete} of {started} started.").format(
            checks=f"<b>{total}</b>", right=right_runs, questions=f"<b>{checks.question.nunique()}</b>",
            complete=f"<b>{len(done)}</b>", started=len(per)) + "</p>"))
    if per.empty:
        return
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 0.5 * len(per) + 1))
    labels = per.notebook
    ax.barh(labels, per.questions, color="#e4e7eb", label=_("questions"))
    ax.barh(labels, per.tried, color="#9fc3e7", label=_("tried"))
    ax.barh(labels, per.right, color="#3e7cb1", label=_("right now"))
    ax.invert_yaxis()
    ax.set_xlabel(_("questions"))
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)  # beside the bars, not on them
    plt.show()
    shown = per.assign(complete=per.complete.map({True: "✅", False: ""}))
    columns = {"notebook": _("notebook"), "questions": _("questions"), "tried": _("tried"),
               "right": _("right now"), "complete": _("complete"), "last_check": _("last check")}
    display(shown[list(columns)].rename(columns=columns).style.hide(axis="index"))
