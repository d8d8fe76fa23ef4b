"""Spaced review (``course/00-review.ipynb``): up to ten questions from finished exercises.

The questions come from the released exercises (their text and their *sealed* check specs, never
a solution or a hidden test) and are checked exactly as the exercises check them
(:func:`grader.check.feedback`). Which ten is decided by Leitner boxes kept with the learner's own
self-check log (``.academy/checks.jsonl``, see :mod:`grader.check_log`): replaying every check of a
question, a right answer moves it up one box (1 → 5) and a wrong or partly right one sends it back
to box 1. A question in box *n* is due again 2^(n-1) days after it was last seen. The review offers
due questions first, lowest box first (so questions got wrong come back soonest), and among equals
those not seen for longest. Answers given in the review are written to the same log, so the boxes
and the progress page stay in step.

A module counts as *finished* when every question of its exercise has been tried at least once.
Questions that need the exercise's data or code (a cell other than the question's own before it)
are left out: the review is answered with a letter, a number, a list or a small dictionary.
"""
from __future__ import annotations

import ast
import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from . import check_log, i18n, paths
from .check import Feedback, feedback
from .i18n import _

BOXES = 5
TRIED = ("correct", "incorrect", "partial")
_SEALED = re.compile(r'check\("(q\d+_\d+)", \w+, sealed="([^"]+)"\)')
# A question's heading in an exercise: **Question 1.3** (English) or **第 1.3 题** (zh-CN)
_HEADING = re.compile(r"\*\*(?:Question (\d+\.\d+)|第\s*(\d+\.\d+)\s*题)\*\*")


def _headings(markdown: str) -> set[str]:
    """Question numbers ('1.3') whose heading this Markdown cell holds."""
    return {a or b for a, b in _HEADING.findall(markdown)}


def edition_dir() -> Path:
    """The released exercises in the current language (``exercises/zh-CN`` for Chinese)."""
    lang = i18n.current_language()
    edition = paths.EXERCISES / lang
    return edition if lang != i18n.DEFAULT and edition.is_dir() else paths.EXERCISES


@dataclass(frozen=True)
class ReviewQuestion:
    assignment: str
    question: str
    text: str  # the question as the exercise shows it (Markdown)
    sealed: str


def bank(release_dir: Path | None = None) -> dict[str, ReviewQuestion]:
    """Every reviewable question of the released exercises, by name."""
    import nbformat

    out: dict[str, ReviewQuestion] = {}
    for nb_path in sorted((release_dir or paths.EXERCISES).glob("*/*.ipynb")):
        nb = nbformat.read(nb_path, as_version=4)
        text, extra_code = None, False
        for cell in nb.cells:
            gid = cell.metadata.get("nbgrader", {}).get("grade_id", "")
            if cell.cell_type == "markdown":
                if "**Question " in cell.source or _headings(cell.source):
                    text = cell.source
                continue
            m = _SEALED.search(cell.source)
            if m and text and not extra_code and m.group(1)[1:].replace("_", ".") in _headings(text):
                out[m.group(1)] = ReviewQuestion(nb_path.parent.name, m.group(1), text, m.group(2))
                text = None
                continue
            if gid == "setup" or re.fullmatch(r"q\d+_\d+(_test)?", gid or "") or not cell.source.strip():
                continue
            extra_code = True  # data or a widget the following questions may rely on
    return out


def boxes(checks: pd.DataFrame, now: dt.datetime | None = None) -> pd.DataFrame:
    """Per question: Leitner box, last seen, how often wrong, and whether it is due."""
    now = now or dt.datetime.now()
    rows = []
    tried = checks[checks.status.isin(TRIED)]
    for q, hist in tried.groupby("question", sort=False):
        box, wrong = 1, 0
        for status in hist.status:
            if status == "correct":
                box = min(BOXES, box + 1)
            else:
                box, wrong = 1, wrong + 1
        last = pd.to_datetime(hist.time.iloc[-1], errors="coerce")
        age = (now - last.to_pydatetime()).total_seconds() / 86400 if pd.notna(last) else 1e9
        rows.append({"question": q, "box": box, "wrong": wrong, "last_seen": last,
                     "due": bool(age >= 2 ** (box - 1) or (wrong and box == 1))})
    return pd.DataFrame(rows, columns=["question", "box", "wrong", "last_seen", "due"])


def finished_assignments(checks: pd.DataFrame, questions: dict[str, ReviewQuestion],
                         release_dir: Path | None = None) -> list[str]:
    """Assignments whose every check-cell question has been tried at least once."""
    tried = set(checks[checks.status.isin(TRIED)].question)
    cat = check_log.catalogue([release_dir or paths.EXERCISES])
    done = [f for f, g in cat.groupby("folder") if set(g.question) <= tried]
    return sorted(done)


def choose(checks: pd.DataFrame, questions: dict[str, ReviewQuestion], finished: list[str],
           n: int = 10, now: dt.datetime | None = None) -> list[ReviewQuestion]:
    """Up to ``n`` questions from finished assignments: due first, low box first, oldest first."""
    pool = [q for q in questions.values() if q.assignment in finished]
    if not pool:
        return []
    b = boxes(checks, now).set_index("question")
    never = pd.Timestamp.min

    def key(q: ReviewQuestion):
        if q.question in b.index:
            r = b.loc[q.question]
            return (not bool(r.due), int(r.box), r.last_seen if pd.notna(r.last_seen) else never, q.question)
        return (False, 1, never, q.question)  # finished yet never checked: treat as due, box 1

    return sorted(pool, key=key)[:n]


def parse_answer(text: str) -> Any:
    """A typed answer as Python would read it: 'B', 42, ['A', 'C'], {'A': 'I'}; a bare word is text."""
    text = text.strip()
    if not text:
        return ...
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text  # e.g. B typed without quotes: the check explains the expected form


class ReviewSession:
    """Today's review for this learner; ``show()`` draws it, ``check(i, value)`` checks one."""

    def __init__(self, roots: list[Path] | None = None, release_dir: Path | None = None,
                 log: Path | None = None, n: int = 10, now: dt.datetime | None = None):
        self.log = log or (paths.COURSE / check_log.LOG)
        release_dir = release_dir or edition_dir()
        logs = check_log.find_logs(roots)
        if self.log.exists() and self.log.resolve() not in logs:
            logs.append(self.log.resolve())
        self.checks = check_log.load_checks(logs)
        self.questions = bank(release_dir)
        self.finished = finished_assignments(self.checks, self.questions, release_dir)
        self.today = choose(self.checks, self.questions, self.finished, n, now)

    def check(self, i: int, value: Any) -> Feedback:
        """Check answer ``value`` to question number ``i`` (1-based) and log the attempt."""
        q = self.today[i - 1]
        fb = feedback(q.question, value, sealed=q.sealed)
        if fb.status in TRIED:
            row = {"time": dt.datetime.now().strftime("%Y-%m-%dT%H:%M:%S"), "question": q.question,
                   "folder": q.assignment, "status": fb.status, "source": "review"}
            try:
                self.log.parent.mkdir(parents=True, exist_ok=True)
                with self.log.open("a", encoding="utf-8") as fh:
                    fh.write(json.dumps(row) + "\n")
            except OSError:
                pass  # a read-only course folder must never break a learner's review
        return fb

    def show(self) -> None:
        """Each question with an answer box and a Check button."""
        import ipywidgets as w
        from IPython.display import HTML, Markdown, display

        if not self.today:
            display(HTML("<p>✏️ " + _("Nothing to review yet. Finish an exercise (try every question "
                                      "and run its check cell), then come back: the review picks "
                                      "questions from the exercises you have finished.") + "</p>"))
            return
        b = boxes(self.checks).set_index("question")
        display(HTML("<p>" + _(
            "Today's review: {n} question(s) from {assignments}. Type your answer the way the exercise "
            "asked (a letter in quotes, a number, a list or a dictionary) and press {check}.").format(n=f"<b>{len(self.today)}</b>",
                                    assignments=i18n.join(sorted({q.assignment for q in self.today})),
                                    check="<b>" + _("Check") + "</b>") + "</p>"))
        for i, q in enumerate(self.today, 1):
            box = int(b.loc[q.question].box) if q.question in b.index else 1
            display(HTML("<hr><p style='color:#555'>" + _(
                "Review {i} of {n} · from {assignment} · box {box} of {boxes}").format(
                    i=i, n=len(self.today), assignment=q.assignment, box=box, boxes=BOXES) + "</p>"))
            display(Markdown(q.text))
            entry = w.Text(placeholder=_("your answer, e.g. 'B'"), layout=w.Layout(width="60%"))
            button = w.Button(description=_("Check"), button_style="primary",
                              layout=w.Layout(width="auto"))
            out = w.Output()

            def on_click(_, i=i, entry=entry, out=out):
                out.clear_output()
                with out:
                    display(self.check(i, parse_answer(entry.value)))

            button.on_click(on_click)
            display(w.HBox([entry, button]), out)
