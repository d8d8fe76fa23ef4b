"""Run a submission in its own sandbox; score its hidden tests where learner code never ran.

Takes the place of nbgrader's ``Execute`` in the autograde pipeline. For one notebook:

1. The learner's code cells go to a bubblewrap sandbox (:mod:`grader.sandbox`), started ahead of
   time and dedicated to this one submission. Hidden-test cells never enter it: in their place the
   sandbox is asked for a *snapshot* of the variables the test reads, sent back as JSON data.
2. A cell that ignores the per-cell time limit (a loop in C code), or that blows the memory limit,
   gets the sandbox killed; a fresh one replays the cells before it (their results already kept)
   and grading goes on after it, so only that cell is lost.
3. Each hidden test runs here, in the trainer's process, on the decoded values only
   (:func:`grader.scoring.run_hidden_test`), and its outputs are put on the grade cell exactly as
   a kernel would show them. nbgrader's own ``SaveAutoGrades`` then scores them, as it does in
   stock autograding.
4. A learner-written cell that reaches for the grading machinery (:func:`grader.scoring.tamper_findings`,
   plus the sandbox's own watch on ``grader.check`` and builtins), or a question whose locked
   cells were edited, earns no points for what it touched, with a "tampered" note: every question
   graded after such a cell, or that one question for an edited locked cell.

What happened is written to the notebook's ``metadata["academy"]`` (notes, answer values for the
learner's feedback) for :mod:`grader.diagnose` and :class:`LearnerFeedback`.
"""
from __future__ import annotations

import os
import time
from pathlib import Path

from nbformat import NotebookNode, from_dict
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Bool, Integer, List, Unicode

from .. import sandbox as sb
from ..i18n import _
from ..scoring import decode_values, free_names, run_hidden_test, tamper_findings
from .repair_structure import question_of

_SPARE: dict[tuple, sb.Sandbox] = {}


def shutdown_spare() -> None:
    """Kill the sandbox started for a next notebook that will not come."""
    while _SPARE:
        _, box = _SPARE.popitem()
        box.close()


def _meta(cell) -> dict:
    m = cell.get("metadata", {}).get("nbgrader")
    return m if isinstance(m, dict) else {}


def _error(ename: str, text: str) -> dict:
    return {"output_type": "error", "ename": ename, "evalue": text, "traceback": [f"{ename}: {text}"]}


SAFE_MIMES = ("text/plain", "text/html", "image/png", "image/jpeg")


def _clean_output(o) -> dict | None:
    """An nbformat output built from what the sandbox sent (untrusted): known fields only."""
    if not isinstance(o, dict):
        return None
    kind = o.get("output_type")
    if kind == "stream" and o.get("name") in ("stdout", "stderr") and isinstance(o.get("text"), str):
        return {"output_type": "stream", "name": o["name"], "text": o["text"]}
    if kind in ("display_data", "execute_result") and isinstance(o.get("data"), dict):
        # Only kinds of output that render as inert text or a picture (HTML is sanitized when it is
        # rendered); an image keeps nothing of its metadata but a numeric size, since templates
        # write metadata into HTML attributes unescaped.
        data = {k: v for k, v in o["data"].items() if k in SAFE_MIMES and isinstance(v, str)}
        meta = o.get("metadata") if isinstance(o.get("metadata"), dict) else {}
        sizes = {m: {k: v for k, v in meta[m].items() if k in ("width", "height")
                     and isinstance(v, (int, float)) and not isinstance(v, bool)}
                 for m in ("image/png", "image/jpeg") if m in data and isinstance(meta.get(m), dict)}
        out = {"output_type": kind, "data": data, "metadata": {m: v for m, v in sizes.items() if v}}
        if kind == "execute_result":
            out["execution_count"] = None
        return out
    if kind == "error":
        tb = o.get("traceback") if isinstance(o.get("traceback"), list) else []
        return {"output_type": "error", "ename": str(o.get("ename", "Error"))[:200],
                "evalue": str(o.get("evalue", ""))[:2000], "traceback": [str(t)[:4000] for t in tb[:60]]}
    return None


class SandboxedExecute(NbGraderPreprocessor):
    """nbgrader's Execute step, with learner code sandboxed and hidden tests run outside."""

    timeout = Integer(60, allow_none=True, help="seconds one cell may run").tag(config=True)
    notebook_timeout = Integer(900, help="seconds one notebook may run in all").tag(config=True)
    memory_limit = Integer(2 * 1024 ** 3, help="bytes of memory one submission may use").tag(config=True)
    process_limit = Integer(32, help="processes one submission may run").tag(config=True)
    sandbox = Bool(True, help="run learner code in a bubblewrap sandbox (False: unconfined)").tag(config=True)
    max_stops = Integer(3, help="cells per notebook that may have to be killed before the rest "
                                "of the notebook is given up").tag(config=True)
    scratch_dir = Unicode("", help="private folder for the sandboxes' working copies").tag(config=True)
    preload = List(Unicode(), default_value=None, allow_none=True,
                   help="modules each sandbox imports before its submission arrives (None: the "
                        "runner's default); grader.autograding sets what the assignment imports").tag(config=True)

    def _limits(self) -> sb.Limits:
        return sb.Limits(memory_bytes=int(self.memory_limit), processes=int(self.process_limit),
                         cell_seconds=float(self.timeout or 3600),
                         notebook_seconds=float(self.notebook_timeout))

    def _key(self) -> tuple:
        return (self.sandbox, self.memory_limit, self.process_limit, self.timeout, self.notebook_timeout,
                self.scratch_dir, self._preload())

    def _preload(self) -> tuple[str, ...] | None:
        return None if self.preload is None else tuple(self.preload)

    def _new(self) -> sb.Sandbox:
        return sb.Sandbox(self._limits(), sandboxed=self.sandbox, scratch=Path(self.scratch_dir) if
                          self.scratch_dir else None, preload=self._preload())

    def _take(self) -> sb.Sandbox:
        key = self._key()
        box = _SPARE.pop(key, None)
        if box is None or box.proc.poll() is not None:
            if box is not None:
                box.close()
            box = self._new()
        try:
            _SPARE[key] = self._new()  # boots while this notebook runs; used by the next one only
        except OSError:
            pass
        return box

    # -- running ------------------------------------------------------------------------
    def _run(self, job: list[dict], folder: Path, notes: list[str]):
        results: dict[int, sb.CellResult] = {}
        stopped: dict[int, str] = {}
        box = self._take()
        end = time.monotonic() + float(self.notebook_timeout)  # for the notebook, replays included
        try:
            notes += box.fill_inbox(folder)
            while True:
                todo = [c for c in job if c["i"] not in stopped]
                try:
                    for r in box.run(todo, end):
                        results.setdefault(r.i, r)
                    break
                except sb.Killed as k:
                    box.close()
                    if k.i is None or k.i in stopped:
                        break
                    stopped[k.i] = k.why
                    if len(stopped) > self.max_stops:
                        break
                    box = self._new()
                    box.fill_inbox(folder)
        finally:
            box.close()
        return results, stopped

    def preprocess(self, nb: NotebookNode, resources: dict):
        info = dict(nb.metadata.get("academy") or {})
        info.setdefault("edited_locked", [])
        notes: list[str] = []
        folder = Path((resources or {}).get("metadata", {}).get("path") or os.getcwd())
        code = [(i, c) for i, c in enumerate(nb.cells) if c.cell_type == "code"]
        questions = {m["grade_id"] for c in nb.cells if (m := _meta(c)).get("solution") and m.get("grade_id")}
        questions |= {m["grade_id"].removesuffix("_test") for c in nb.cells
                      if (m := _meta(c)).get("grade") and not m.get("solution") and m.get("grade_id")}
        job = []
        for i, cell in code:
            m = _meta(cell)
            if m.get("grade") and not m.get("solution"):
                job.append({"i": i, "snapshot": free_names(cell.source)})
            else:
                job.append({"i": i, "source": cell.source})
        results, stopped = self._run(job, folder, notes)

        edited = {question_of(g, questions) for g in info["edited_locked"]} - {None}
        for g in info["edited_locked"]:
            q = question_of(g, questions)
            notes.append((_("tampered: locked cell {cell} was edited; {question} earns no points") if q else
                          _("tampered: locked cell {cell} was edited (restored before grading)")).format(
                cell=g, question=q))
        tampered_from: int | None = None
        seen_dynamic: set[str] = set()
        values: dict[str, dict] = {}
        count = 0
        for i, cell in code:
            count += 1
            m = _meta(cell)
            label = m.get("grade_id") or _("#{count} (a cell added by the learner)").format(count=count)
            r = results.get(i)
            if m.get("grade") and not m.get("solution"):
                q = question_of(m.get("grade_id", ""), questions)
                if tampered_from is not None:
                    outputs = [_error("Tampered", "no points: an earlier cell tampered with grading")]
                elif q in edited:
                    outputs = [_error("Tampered", "no points: a locked cell of this question was edited")]
                elif r is None or r.values is None:
                    outputs = [_error("NotRun", "the notebook stopped before this test could run")]
                else:
                    decoded = decode_values(r.values)
                    values[m.get("grade_id", str(i))] = r.values
                    outputs = run_hidden_test(cell.source, decoded, count)
            else:
                if i in stopped:
                    why = stopped[i]
                    ename = {"time": "CellTimeoutError", "memory": "MemoryError"}.get(why, "SandboxError")
                    text = {"time": "the cell could not be interrupted at the time limit and was "
                                    "stopped; grading went on without it",
                            "memory": "the cell used more memory than a submission may and was "
                                      "stopped; grading went on without it"}.get(why, why)
                    outputs = [_error(ename, text)]
                    said = {"time": _("the cell could not be interrupted at the time limit and was stopped; "
                                      "grading went on without it"),
                            "memory": _("the cell used more memory than a submission may and was stopped; "
                                        "grading went on without it")}.get(why, why)
                    notes.append((_("answer cell {cell} was stopped ({why})") if m else
                                  _("cell {cell} was stopped ({why})")).format(cell=label, why=said))
                elif r is None:
                    outputs = [_error("NotRun", "the notebook stopped before this cell could run")]
                else:
                    outputs = [o for o in map(_clean_output, r.outputs) if o is not None]
                learner_written = not m.get("locked") and not m.get("grade")
                found = tamper_findings(cell.source) if learner_written else []
                found += [f for f in (r.tamper if r else []) if f not in seen_dynamic]
                seen_dynamic.update(r.tamper if r else [])
                if found:
                    notes.append(_("tampered: cell {cell} {findings}; questions graded after it earn no points")
                                 .format(cell=label, findings="; ".join(found)))
                    if tampered_from is None:
                        tampered_from = i
            for o in outputs:
                if o.get("output_type") == "execute_result":
                    o["execution_count"] = count
            cell.outputs = [from_dict(o) for o in outputs]
            cell.execution_count = count
        if len(stopped) > self.max_stops:
            notes.append(_("grading gave up after {n} cells had to be stopped; the questions after them earn "
                           "no points").format(n=len(stopped)))
        if not self.sandbox:
            notes.append(_("graded WITHOUT the sandbox (--no-sandbox): learner code ran unconfined"))
        info.update(values=values, notes=notes, sandbox=bool(self.sandbox))
        nb.metadata["academy"] = info
        return nb, resources
