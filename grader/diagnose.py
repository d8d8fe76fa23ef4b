"""What went wrong with one learner's submission, in words a trainer can act on.

:func:`precheck` runs before nbgrader sees a submission: a missing notebook or a file that is not
valid notebook JSON would make nbgrader fail, so it is reported here with the learner, the
notebook and what to do. It also notes changes nbgrader will repair by itself (edited or retyped
locked cells, duplicated cells, deleted cells) so the trainer knows. :func:`postcheck` reads the
autograded notebook for what happened while it ran (a cell stopped by the time limit, an error in
the learner's own code, an answer of the wrong form). :func:`answer_values` reads the learners'
literal answers (``q1_2 = 'B'``) for the option-choice analytics.
"""
from __future__ import annotations

import ast
import json
import warnings
from pathlib import Path
from typing import Any

import nbformat
from nbformat import NotebookNode

from . import i18n
from .i18n import _, join


def expected_notebooks(db_url: str, assignment: str) -> list[str]:
    """Names (without .ipynb) of the assignment's notebooks in nbgrader's gradebook."""
    from .gradebook import Gradebook

    with Gradebook(db_url) as gb:
        return gb.notebook_names(assignment)


def _nbgrader_cells(nb: NotebookNode) -> list[tuple[str, NotebookNode]]:
    return [(c.metadata["nbgrader"]["grade_id"], c) for c in nb.cells
            if isinstance(c.get("metadata"), dict) and c.metadata.get("nbgrader", {}).get("grade_id")]


def read_notebook(path: Path) -> tuple[NotebookNode | None, str]:
    """The notebook, or None and a plain-words reason it cannot be read."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return None, _("is not a text file (it may be a different file renamed to .ipynb)")
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        if i18n.current_language() != i18n.DEFAULT:  # Python's own words for the fault are English only
            return None, _("is not valid notebook JSON (line {line}, column {column}); the file was damaged or "
                           "edited outside Jupyter").format(line=exc.lineno, column=exc.colno)
        return None, _("is not valid notebook JSON (line {line}, column {column}: {error}); the file was "
                       "damaged or edited outside Jupyter").format(line=exc.lineno, column=exc.colno, error=exc.msg)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # duplicate cell ids are repaired, not fatal
            nb = nbformat.reads(text, as_version=4)
            nbformat.validate(nb)
    except Exception as exc:  # noqa: BLE001 - any reason makes it unreadable for nbgrader
        return None, _("is JSON but not a valid notebook ({error})").format(error=str(exc).splitlines()[0][:120])
    return nb, ""


def precheck(folder: Path, expected: list[str], release: Path | None = None) -> tuple[str | None, list[str]]:
    """(problem that stops grading or None, notes) for one submission folder."""
    learner, assignment = folder.parent.name, folder.name
    notes: list[str] = []
    present = []
    for name in expected:
        path = folder / f"{name}.ipynb"
        if not path.exists():
            others = sorted(p.name for p in folder.glob("*.ipynb") if p.stem not in expected)
            if others:
                what = _("found {files} instead: if that is their work, rename it to {name}.ipynb in {folder} "
                         "and run autograde again").format(files=join(others), name=name, folder=folder)
            else:
                what = _("ask {learner} to submit {name}.ipynb again, then collect and autograde").format(
                    learner=learner, name=name)
            notes.append(_("{name}.ipynb is missing ({what})").format(name=name, what=what))
            continue
        nb, why = read_notebook(path)
        if nb is None:
            return (_("{learner}, {assignment}/{name}.ipynb {why}. Ask {learner} to download the notebook "
                      "from JupyterLab (File > Download) and submit it again, or repair {path}, then run "
                      "autograde again; nobody else is affected.").format(
                learner=learner, assignment=assignment, name=name, why=why, path=path), notes)
        present.append(name)
        if release is not None and (release / f"{name}.ipynb").exists():
            notes += structure_notes(nbformat.read(release / f"{name}.ipynb", as_version=4), nb, name)
    if not present:
        return _("{learner}, {assignment}: {notes}.").format(learner=learner, assignment=assignment,
                                                              notes=join(notes, "clause")), notes
    return None, notes


def structure_notes(release: NotebookNode, submitted: NotebookNode, name: str) -> list[str]:
    """Cells the learner deleted, duplicated, retyped or edited although locked."""
    rel = dict(_nbgrader_cells(release))
    seen: dict[str, int] = {}
    notes = []
    for gid, cell in _nbgrader_cells(submitted):
        seen[gid] = seen.get(gid, 0) + 1
        ref = rel.get(gid)
        if ref is None or seen[gid] > 1:
            continue
        if cell.cell_type != ref.cell_type:
            notes.append(_("{notebook}: cell {cell} was changed from {was} to {now} (nbgrader restores the "
                           "original type)").format(notebook=name, cell=gid, was=ref.cell_type, now=cell.cell_type))
        elif ref.metadata["nbgrader"].get("locked") and cell.source != ref.source:
            notes.append(_("{notebook}: locked cell {cell} was edited (nbgrader restores it before grading)")
                         .format(notebook=name, cell=gid))
    dup = sorted(g for g, n in seen.items() if n > 1)
    if dup:
        notes.append(_("{notebook}: cell(s) {cells} appear more than once (the last copy is graded, the "
                       "others run as ordinary cells)").format(notebook=name, cells=join(dup)))
    gone = [g for g in rel if g not in seen]
    if gone:
        notes.append(_("{notebook}: cell(s) {cells} had been deleted by the learner and were restored from "
                       "the release for grading").format(notebook=name, cells=join(gone)))
    return notes


def explain_failure(log: str, learner: str, assignment: str) -> str:
    """nbgrader's error log reduced to one actionable sentence."""
    lines = [l.strip() for l in log.splitlines() if l.strip()]
    if any("Kernel didn't respond" in l or "UnresponsiveKernel" in l or "kernel became unresponsive" in l
           for l in lines):
        return _("{learner}, {assignment}: the notebook's kernel stopped responding (code that uses all "
                 "memory or cannot be interrupted). Open the submission, replace the runaway code with ..., "
                 "and run autograde again.").format(learner=learner, assignment=assignment)
    errors = [l for l in lines if ("Error" in l or "ERROR" in l) and "Please see the" not in l]
    detail = (errors[-1] if errors else (lines[-1] if lines else _("unknown error")))[:240]
    return _("{learner}, {assignment}: nbgrader could not grade this submission ({detail}). Open it in "
             "JupyterLab to look, fix or ask for a resubmission, and run autograde again.").format(
        learner=learner, assignment=assignment, detail=detail)


def answer_values(nb: NotebookNode) -> dict[str, Any]:
    """Literal answers in answer cells: {"q1_2": 'B', ...}; ``...`` and non-literals are skipped."""
    out: dict[str, Any] = {}
    for gid, cell in _nbgrader_cells(nb):
        meta = cell.metadata["nbgrader"]
        if cell.cell_type != "code" or not meta.get("solution") or meta.get("grade"):
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue
        for node in tree.body:
            if (isinstance(node, ast.Assign) and len(node.targets) == 1
                    and isinstance(node.targets[0], ast.Name) and node.targets[0].id == gid):
                try:
                    out[gid] = ast.literal_eval(node.value)
                except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
                    out.pop(gid, None)
    return {k: v for k, v in out.items() if v is not Ellipsis}


def postcheck(autograded: Path, kinds: dict[str, str] | None = None) -> list[str]:
    """Notes on what happened while the learner's notebook ran under nbgrader."""
    notes = []
    for path in sorted(autograded.glob("*.ipynb")):
        try:
            nb = nbformat.read(path, as_version=4)
        except Exception:  # noqa: BLE001
            continue
        academy = nb.metadata.get("academy") or {}
        notes += [f"{path.stem}: {n}" for n in academy.get("notes", [])]
        if academy.get("restored_metadata"):
            notes.append(_("{notebook}: {n} cell(s) had lost their nbgrader metadata and were matched to the "
                           "release by their content").format(notebook=path.stem,
                                                             n=len(academy["restored_metadata"])))
        for gid, cell in _nbgrader_cells(nb):
            meta = cell.metadata["nbgrader"]
            if cell.cell_type != "code" or meta.get("locked"):
                continue
            for out in cell.get("outputs", []):
                if out.get("output_type") != "error" or out.get("ename") in ("NotRun", "SandboxError"):
                    continue
                if any(gid in n for n in academy.get("notes", [])):
                    break  # already explained by the grading notes
                if out.get("ename") in ("CellTimeoutError", "KeyboardInterrupt"):
                    notes.append(_("{notebook}: answer cell {cell} was stopped at the time limit (an endless "
                                   "loop?); it earns no points").format(notebook=path.stem, cell=gid))
                else:
                    notes.append(_("{notebook}: answer cell {cell} raised {error}: {message}; questions using "
                                   "it earn no points").format(notebook=path.stem, cell=gid, error=out.get("ename"),
                                                               message=str(out.get("evalue"))[:80]))
                break
        if kinds:
            from .kinds import KINDS

            for q, value in answer_values(nb).items():
                kind = KINDS.get(kinds.get(q))
                if kind is not None and not kind.right_form(value):
                    notes.append(_("{notebook}: {question} should be {form} but is {type} {value}; it earns no "
                                   "points").format(notebook=path.stem, question=q, form=_(kind.words),
                                                    type=type(value).__name__, value=f"{value!r:.40}"))
    return notes
