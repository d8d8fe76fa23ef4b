"""Learner self-checks and the scoring behind nbgrader's hidden tests.

Every exercise question has an answer cell (``q1_3 = ...``), a locked *check* cell under it and a
hidden *grade* cell. The check cell calls :func:`check`: it looks at the form of the answer first
(type, length, allowed values) and then, if the form is right, says whether it is right and, if
not, gives the hint written for that particular wrong choice. It never shows the expected answer.

In ``solutions/`` the check cell carries the question's kind and hints only; the answer lives in
the hidden grade cell (:func:`grade`). When exercises are built, :mod:`grader.nbgrader_ext` merges
the two into a *sealed* spec in the released check cell: answers become digests salted with the
question's name, and numbers stay plain numbers (so "too high / too low" hints work). That keeps
the key from being read at a glance; it is obfuscation, not secrecy, and a check that says right or
wrong can always be brute-forced on a small answer space. The grade never depends on it: the hidden
grade cell, restored by nbgrader at grading time, runs outside the learner's sandbox on the answer
values (:mod:`grader.preprocessors.sandboxed_execute`).

Kinds of question: ``choice`` (one letter), ``multi`` (pick all that apply, partial credit),
``order`` (a list in sequence, partial credit), ``classify`` (a dict item -> category, partial
credit) and ``number`` (within a tolerance).
"""
from __future__ import annotations

import base64
import json
import os
import time
import zlib
from pathlib import Path
from typing import Any, Mapping

from .i18n import _
from .kinds import Feedback, _Form, _label, digest, kind_of  # noqa: F401 - re-exported for notebooks
from .kinds import KINDS as _KIND_CLASSES

KINDS = tuple(_KIND_CLASSES)  # "choice", "multi", "order", "classify", "number": one class each
PROGRESS_FILE = Path(".academy") / "checks.jsonl"


def seal(spec: Mapping[str, Any]) -> str:
    """Encode a sealed spec as a compact ASCII string for a notebook cell."""
    raw = json.dumps(spec, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return base64.b64encode(zlib.compress(raw.encode("utf-8"), 9)).decode("ascii")


def unseal(text: str) -> dict:
    return json.loads(zlib.decompress(base64.b64decode(text)).decode("utf-8"))


def make_sealed_spec(name: str, check_kw: Mapping[str, Any], grade_kw: Mapping[str, Any]) -> dict:
    """Build the sealed spec of a question from its check cell and its hidden grade cell."""
    kind = check_kw.get("kind") or grade_kw.get("kind")
    if "answer" not in grade_kw:
        raise ValueError(f"{name}: the hidden grade cell gives no answer=")
    spec: dict[str, Any] = {"kind": kind_of(kind, name).name}
    for key in ("options", "categories", "unit", "what"):
        if key in check_kw:
            spec[key] = check_kw[key]
    spec.update(kind_of(kind, name).seal(name, grade_kw["answer"], dict(check_kw.get("hints", {})),
                                         check_kw, grade_kw))
    return spec


def _evaluate(name: str, value: Any, spec: Mapping[str, Any]) -> Feedback:
    """Compare a learner's value with a sealed spec; form problems first, then content."""
    try:
        return kind_of(spec["kind"]).evaluate(name, value, spec)
    except _Form as problem:
        return Feedback(_label(name), "form", str(problem))


def _record(feedback: Feedback, name: str) -> None:
    """Append a check to the learner's own progress log (not while nbgrader grades)."""
    if os.environ.get("NBGRADER_EXECUTION") or os.environ.get("ACADEMY_NO_PROGRESS"):
        return
    try:
        PROGRESS_FILE.parent.mkdir(exist_ok=True)
        row = {"time": time.strftime("%Y-%m-%dT%H:%M:%S"), "question": name,
               "folder": Path.cwd().name, "status": feedback.status}
        with PROGRESS_FILE.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(row) + "\n")
    except OSError:
        pass  # a read-only folder must never break a learner's check


def feedback(name: str, value: Any = Ellipsis, *, sealed: str | None = None, **spec: Any) -> Feedback:
    """Compute the feedback for one answer (what :func:`check` shows)."""
    if value is Ellipsis:
        return Feedback(_label(name), "unanswered",
                        _("Not answered yet: replace the ... in the cell above with your answer, "
                          "run that cell, then run this one again."))
    if sealed is None:
        # Author view (solutions/): the answer key is in the hidden grade cell and is sealed
        # into this cell when exercises are built. Only the form can be checked here.
        kind = spec.get("kind")
        probe = dict(spec, key=None)
        try:
            _form_only(name, value, kind, probe)
        except _Form as problem:
            return Feedback(_label(name), "form", str(problem))
        return Feedback(_label(name), "unsealed",
                        _("The form is right. (Author view: the answer key is sealed into this cell "
                          "when exercises are built.)"))
    return _evaluate(name, value, unseal(sealed))


def _form_only(name: str, value: Any, kind: str, spec: Mapping[str, Any]) -> None:
    kind_of(kind).form_only(value, spec)


def check(name: str, value: Any = Ellipsis, *, sealed: str | None = None, **spec: Any) -> Feedback:
    """Check one answer and show friendly feedback. Never raises for a learner's mistake."""
    try:
        fb = feedback(name, value, sealed=sealed, **spec)
    except Exception as exc:  # noqa: BLE001 - a broken check must not look like the learner's fault
        fb = Feedback(_label(name), "form", _("This answer could not be checked ({error}). Make sure "
                                              "it has the form the question asks for.").format(
                                                  error=type(exc).__name__))
    _record(fb, name)
    return fb


# --------------------------------------------------------------------------- grading
def score(name: str, value: Any, *, kind: str, answer: Any, points: float = 1.0,
          tolerance: float = 0.0, **_: Any) -> float:
    """Points earned (0..points) by an answer; the logic behind the hidden grade cells.

    multi: (right picks - wrong picks) / answers, floored at 0; order: longest run of steps in
    the right relative order / steps (one misplaced step costs one step, not all);
    classify: share labelled right; choice and number: all or nothing. Each kind's rule is in
    :mod:`grader.kinds`.
    """
    if value is Ellipsis or value is None:
        return 0.0
    try:
        return kind_of(kind).score(value, answer, float(points), float(tolerance))
    except TypeError:
        return 0.0


def grade(name: str, value: Any, *, kind: str, answer: Any, points: float = 1.0, **kw: Any) -> float:
    """Hidden-test entry point: return the points earned, or fail the cell when there are none.

    nbgrader reads a number shown by the last line of a grade cell as partial credit; an error
    means zero. Failing on zero keeps "no credit" unambiguous in nbgrader's own report.
    """
    earned = score(name, value, kind=kind, answer=answer, points=points, **kw)
    if earned <= 0:
        raise AssertionError(_("{question}: no credit for this answer").format(question=_label(name)))
    return earned
