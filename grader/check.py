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
import hashlib
import html
import json
import math
import numbers
import os
import time
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Sequence

KINDS = ("choice", "multi", "order", "classify", "number")  # one class each in grader.kinds
PROGRESS_FILE = Path(".academy") / "checks.jsonl"


# --------------------------------------------------------------------------- normalising
def _norm_item(x: Any) -> Any:
    """Compare letters and labels case-blind and trimmed; whole floats as ints."""
    if isinstance(x, str):
        return x.strip().upper()
    if isinstance(x, bool):
        return x
    if isinstance(x, numbers.Integral):
        return int(x)
    if isinstance(x, numbers.Real) and float(x).is_integer():
        return int(x)
    return x


def digest(name: str, value: Any) -> str:
    """A salted digest of a normalised value: the sealed form of an answer."""
    payload = json.dumps([name, value], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:20]


def seal(spec: Mapping[str, Any]) -> str:
    """Encode a sealed spec as a compact ASCII string for a notebook cell."""
    raw = json.dumps(spec, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return base64.b64encode(zlib.compress(raw.encode("utf-8"), 9)).decode("ascii")


def unseal(text: str) -> dict:
    return json.loads(zlib.decompress(base64.b64decode(text)).decode("utf-8"))


def make_sealed_spec(name: str, check_kw: Mapping[str, Any], grade_kw: Mapping[str, Any]) -> dict:
    """Build the sealed spec of a question from its check cell and its hidden grade cell."""
    from .kinds import kind_of

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


# --------------------------------------------------------------------------- feedback
@dataclass
class Feedback:
    """What a learner sees after running a check cell."""

    question: str
    status: str  # "correct", "incorrect", "partial", "form", "unanswered", "unsealed"
    message: str
    details: tuple[str, ...] = ()

    ICONS = {"correct": "✅", "partial": "🟡", "incorrect": "❌", "form": "✋",
             "unanswered": "✏️", "unsealed": "🛈"}
    COLOURS = {"correct": "#e6f4ea", "partial": "#fff8e1", "incorrect": "#fdecea",
               "form": "#fff3e0", "unanswered": "#eef2f7", "unsealed": "#eef2f7"}

    @property
    def text(self) -> str:
        lines = [f"{self.ICONS.get(self.status, '')} {self.question}: {self.message}"]
        lines += [f"   • {d}" for d in self.details]
        return "\n".join(lines)

    def __repr__(self) -> str:  # plain-text front ends and logs
        return self.text

    def _repr_html_(self) -> str:
        items = "".join(f"<li>{html.escape(d)}</li>" for d in self.details)
        return (f'<div style="background:{self.COLOURS.get(self.status, "#eee")};padding:8px 12px;'
                f'border-radius:6px;font-family:sans-serif">'
                f"<b>{self.ICONS.get(self.status, '')} {html.escape(self.question)}</b>: "
                f"{html.escape(self.message)}{'<ul>' + items + '</ul>' if items else ''}</div>")


def _type_name(value: Any) -> str:
    if isinstance(value, str):
        return "a piece of text"
    if isinstance(value, bool):
        return "True/False"
    if isinstance(value, numbers.Number):
        return "a number"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, (set, frozenset)):
        return "a set"
    if isinstance(value, Mapping):
        return "a dictionary"
    if value is None:
        return "None (nothing)"
    return f"a {type(value).__name__}"


def _label(name: str) -> str:
    """'q1_3' -> 'Question 1.3'."""
    if name.startswith("q") and "_" in name:
        return "Question " + name[1:].replace("_", ".")
    return name


class _Form(Exception):
    """The answer's form is wrong: raised with a learner-facing message."""


def _as_list(value: Any, what: str) -> list:
    if isinstance(value, str):
        raise _Form(f"Your answer should be a list of {what} in square brackets, e.g. ['A', 'C'], "
                    f"not a single piece of text.")
    if isinstance(value, Mapping) or not isinstance(value, (list, tuple, set, frozenset)):
        raise _Form(f"Your answer should be a list of {what} in square brackets, e.g. ['A', 'C']; "
                    f"you gave {_type_name(value)}.")
    return [_norm_item(v) for v in value]


def _check_options(items: Sequence, options: Sequence | None) -> None:
    if options is None:
        return
    allowed = [_norm_item(o) for o in options]
    bad = [i for i in items if i not in allowed]
    if bad:
        shown = ", ".join(repr(b) for b in bad[:3])
        raise _Form(f"{shown} {'is' if len(bad) == 1 else 'are'} not among the choices "
                    f"({', '.join(str(o) for o in options)}). Check the spelling.")


def _evaluate(name: str, value: Any, spec: Mapping[str, Any]) -> Feedback:
    """Compare a learner's value with a sealed spec; form problems first, then content."""
    from .kinds import kind_of

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
                        "Not answered yet: replace the ... in the cell above with your answer, "
                        "run that cell, then run this one again.")
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
                        "The form is right. (Author view: the answer key is sealed into this cell "
                        "when exercises are built.)")
    return _evaluate(name, value, unseal(sealed))


def _form_only(name: str, value: Any, kind: str, spec: Mapping[str, Any]) -> None:
    from .kinds import kind_of

    kind_of(kind).form_only(value, spec)


def check(name: str, value: Any = Ellipsis, *, sealed: str | None = None, **spec: Any) -> Feedback:
    """Check one answer and show friendly feedback. Never raises for a learner's mistake."""
    try:
        fb = feedback(name, value, sealed=sealed, **spec)
    except Exception as exc:  # noqa: BLE001 - a broken check must not look like the learner's fault
        fb = Feedback(_label(name), "form", f"This answer could not be checked ({type(exc).__name__}). "
                                            "Make sure it has the form the question asks for.")
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
    from .kinds import kind_of

    if value is Ellipsis or value is None:
        return 0.0
    try:
        return kind_of(kind).score(value, answer, float(points), float(tolerance))
    except TypeError:
        return 0.0


def _lcs(a: Sequence, b: Sequence) -> int:
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0]
        for j, y in enumerate(b):
            cur.append(prev[j] + 1 if x == y else max(prev[j + 1], cur[j]))
        prev = cur
    return prev[-1]


def grade(name: str, value: Any, *, kind: str, answer: Any, points: float = 1.0, **kw: Any) -> float:
    """Hidden-test entry point: return the points earned, or fail the cell when there are none.

    nbgrader reads a number shown by the last line of a grade cell as partial credit; an error
    means zero. Failing on zero keeps "no credit" unambiguous in nbgrader's own report.
    """
    earned = score(name, value, kind=kind, answer=answer, points=points, **kw)
    if earned <= 0:
        raise AssertionError(f"{_label(name)}: no credit for this answer")
    return earned
