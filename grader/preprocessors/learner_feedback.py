"""What a learner's feedback shows: points per question and the self-check's hint, no key.

Runs in nbgrader's ``generate_feedback`` right after ``GetGrades`` (which puts each grade cell's
score on it). nbgrader would show the hidden tests themselves, answers included (nbgrader issues
#917 and #1363), and anything a notebook printed while a test ran. Here instead:

* each hidden-test cell shows only "Question 1.2: 1 of 1 point" and the same hint the learner's
  self-check gives for the answer that was graded (computed from the answer values the sandbox sent,
  with :func:`grader.check.feedback`), or why there were no points (tampering, a stopped cell);
* check cells lose their sealed key (``sealed="…"``);
* the grading record in the notebook's metadata (answer values, notes) is removed.

The feedback is written in the notebook's own language: a zh-CN edition chooses Chinese in its
first code cell (``use_language("zh-CN")``), and so does its feedback.

Trainers see everything as before in formgrader, which reads the autograded notebooks.
"""
from __future__ import annotations

import ast
import html
import re

from nbformat import from_dict
from nbgrader.preprocessors import NbGraderPreprocessor

from .. import i18n
from ..check import Feedback, _label, feedback
from ..i18n import N_, _, ngettext
from ..nbgrader_ext import _calls
from ..scoring import decode_values

_SEALED = re.compile(r'sealed\s*=\s*"[^"]*"')
_LANGUAGE = re.compile(r"""\buse_language\(\s*["']([^"']+)["']\s*\)""")

# Why a hidden test gave no points, as grader.preprocessors.sandboxed_execute says it, and as the
# learner reads it (a reason not listed here is shown as it is, capitalised).
REASONS = {
    "no points: an earlier cell tampered with grading":
        N_("No points: an earlier cell tampered with grading."),
    "no points: a locked cell of this question was edited":
        N_("No points: a locked cell of this question was edited."),
    "the notebook stopped before this test could run":
        N_("The notebook stopped before this test could run."),
}


def notebook_language(nb) -> str | None:
    """The language a notebook chose with ``use_language(...)`` in a code cell, if any."""
    for cell in nb.cells:
        if cell.cell_type == "code" and "use_language" in cell.source:
            m = _LANGUAGE.search(cell.source)
            if m:
                try:
                    return i18n.normalize(m.group(1))
                except i18n.LanguageError:
                    return None
    return None


def _sealed_specs(nb) -> tuple[dict[str, str], list[str]]:
    """({question: sealed key} from the locked check cells, every sealed key in any cell).

    After autograding, locked cells are nbgrader's own copies, so only they say which key belongs
    to a question; a learner's cell that calls check(..., sealed="...") itself cannot stand in for
    them, but whatever it holds is scrubbed from the feedback too."""
    keys: dict[str, str] = {}
    secrets: list[str] = []
    for cell in nb.cells:
        if cell.cell_type != "code" or "sealed=" not in cell.source:
            continue
        locked = bool((cell.get("metadata", {}).get("nbgrader") or {}).get("locked"))
        for call, _text in _calls(cell.source, "check"):
            name = call.args[0].value if call.args and isinstance(call.args[0], ast.Constant) else None
            for kw in call.keywords:
                if kw.arg == "sealed" and isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str):
                    secrets.append(kw.value.value)
                    if locked and name is not None:
                        keys.setdefault(str(name), kw.value.value)
    return keys, secrets


def _question(source: str) -> tuple[str | None, str | None]:
    """(question name, variable) of a hidden test's grade("q1_2", q1_2, ...) call."""
    for call, _text in _calls(source, "grade"):
        if call.args and isinstance(call.args[0], ast.Constant):
            var = call.args[1].id if len(call.args) > 1 and isinstance(call.args[1], ast.Name) else None
            return str(call.args[0].value), var
    return None, None


def _scrub(node, secrets: list[str]):
    """Replace every sealed key inside an output (text, tracebacks, rich data) with '…'."""
    if isinstance(node, str):
        for k in secrets:
            if k and k in node:
                node = node.replace(k, "…")
        return node
    if isinstance(node, list):
        for i, v in enumerate(node):
            node[i] = _scrub(v, secrets)
    elif isinstance(node, dict):
        for k in list(node):
            node[k] = _scrub(node[k], secrets)
    return node


class LearnerFeedback(NbGraderPreprocessor):
    """See the module docstring."""

    def preprocess(self, nb, resources):
        with i18n.language(notebook_language(nb)):
            return self._preprocess(nb, resources)

    def _preprocess(self, nb, resources):
        info = nb.metadata.pop("academy", None) or {}
        values = info.get("values") or {}
        sealed, secrets = _sealed_specs(nb)
        for cell in nb.cells:
            meta = cell.get("metadata", {}).get("nbgrader") or {}
            if cell.cell_type != "code":
                continue
            if meta.get("grade") and not meta.get("solution"):
                self._grade_cell(cell, meta, values, sealed)
            else:
                if "sealed=" in cell.source:
                    cell.source = _SEALED.sub('sealed="…"', cell.source)
                for out in cell.get("outputs", []):  # a traceback can quote a check cell's key
                    _scrub(out, secrets)
        return nb, resources

    def _grade_cell(self, cell, meta, values, sealed) -> None:
        gid = meta.get("grade_id", "")
        name, var = _question(cell.source)
        name = name or gid.removesuffix("_test")
        score, points = meta.get("score"), meta.get("points")
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        why = next((o.get("evalue") for o in errors if o.get("ename") in ("Tampered", "NotRun")), None)
        if why:
            fb = Feedback(_label(name), "incorrect",
                          _(REASONS[why]) if why in REASONS else why[0].upper() + why[1:] + ".")
        elif gid in values and name in sealed:
            decoded = decode_values(values[gid])
            try:
                fb = feedback(name, decoded.get(var or name, Ellipsis), sealed=sealed[name])
            except Exception:  # noqa: BLE001 - feedback must not fail on an odd answer
                fb = Feedback(_label(name), "form", _("This answer could not be checked; make sure it "
                                                      "has the form the question asks for."))
        else:
            fb = None
        pts = "" if score is None or points is None else \
            ngettext("{score} of {points} point", "{score} of {points} points",
                     1 if float(points) == 1 else 2).format(score=f"{float(score):g}",
                                                            points=f"{float(points):g}")
        head = _("{question}: {points}")
        text = head.format(question=_label(name), points=pts) + (f"\n{fb.text}" if fb else "")
        body = "<b>" + head.format(question=html.escape(_label(name)), points=html.escape(pts)) + "</b>"
        if fb is not None:
            body += fb._repr_html_()
        cell.source = "# " + _("Hidden test: your trainer's grader checked your answer here.")
        cell.outputs = [from_dict({"output_type": "display_data", "metadata": {},
                                   "data": {"text/plain": text, "text/html": body}})]
