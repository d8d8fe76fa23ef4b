"""Undo a learner's structural edits before nbgrader sanitizes the notebook.

Runs first in nbgrader's sanitize pipeline, against the released notebook:

* Anything the submission brought in ``metadata["academy"]`` is dropped: that place is written by
  grading only.
* Cells that lost their nbgrader metadata (a notebook copied cell by cell into a new file, an
  editor that strips metadata) are matched to the release: by cell id, then by identical source,
  then an answer cell by its position next to its matched neighbours. Their metadata is restored.
* nbgrader metadata naming a cell the release does not have is removed (it would fail the whole
  notebook in nbgrader's ``SaveAutoGrades``); of duplicated cells only the last copy keeps its
  role, as nbgrader's ``DeduplicateIds`` intends.
* Locked cells whose source differs from the release are recorded (nbgrader restores them; the
  sandboxed execution gives no points for a question whose locked cells were edited).
* Cells deleted by the learner are put back from the release after the cell that preceded them,
  so a deleted hidden-test cell is graded instead of silently keeping no score.
"""
from __future__ import annotations

import ast
import copy
from pathlib import Path

import nbformat
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode


def _gid(cell) -> str | None:
    meta = cell.get("metadata")
    if not isinstance(meta, dict):
        return None
    nbg = meta.get("nbgrader")
    return nbg.get("grade_id") if isinstance(nbg, dict) else None


def question_of(grade_id: str, questions: set[str]) -> str | None:
    """The question a cell belongs to: 'q1_2_check' -> 'q1_2' when q1_2 is a question."""
    best = None
    for q in questions:
        if (grade_id == q or grade_id.startswith(q + "_")) and (best is None or len(q) > len(best)):
            best = q
    return best


def _assigns(source: str, name: str) -> bool:
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return f"{name} =" in source or f"{name}=" in source
    return any(isinstance(t, ast.Name) and t.id == name
               for node in ast.walk(tree) if isinstance(node, ast.Assign) for t in node.targets)


class RepairStructure(NbGraderPreprocessor):
    """See the module docstring."""

    release_dir = Unicode("", help="folder holding <assignment>/<notebook>.ipynb as released").tag(config=True)

    def preprocess(self, nb, resources):
        nb.metadata.pop("academy", None)
        info: dict = {"restored_metadata": [], "edited_locked": [], "restored_cells": []}
        rinfo = resources.get("nbgrader", {})
        path = Path(self.release_dir) / rinfo.get("assignment", "") / f"{rinfo.get('notebook', '')}.ipynb"
        release = None
        if self.release_dir and path.exists():
            release = nbformat.read(path, as_version=4)
        if release is not None:
            self._recover_metadata(nb, release, info)
        ids = [_gid(c) for c in nb.cells]
        known = {_gid(c) for c in release.cells} - {None} if release is not None else None
        for i, gid in enumerate(ids):
            if gid and (gid in ids[i + 1:] or (known is not None and gid not in known)):
                nb.cells[i].metadata.pop("nbgrader", None)
        if release is not None:
            self._note_edits(nb, release, info)
            self._restore_deleted(nb, release, info)
        nb.metadata["academy"] = info
        return nb, resources

    def _recover_metadata(self, nb, release, info) -> None:
        rel = [(g, c) for c in release.cells if (g := _gid(c))]
        present = {_gid(c) for c in nb.cells} - {None}
        missing = {g: c for g, c in rel if g not in present}
        if not missing:
            return
        bare = [c for c in nb.cells if not _gid(c)]
        by_id = {c.get("id"): g for g, c in missing.items() if c.get("id")}
        by_source = {}
        for g, c in missing.items():
            by_source.setdefault((c.cell_type, c.source.strip()), g)

        def restore(cell, gid):
            cell.metadata["nbgrader"] = copy.deepcopy(missing.pop(gid).metadata["nbgrader"])
            info["restored_metadata"].append(gid)

        for cell in bare:
            gid = by_id.get(cell.get("id"))
            if gid in missing:
                restore(cell, gid)
                continue
            gid = by_source.get((cell.cell_type, cell.source.strip()))
            if gid in missing:
                restore(cell, gid)
        # Answer cells were edited, so their source differs: take the bare cell that sits where the
        # release has the answer (right after its matched predecessor), or that assigns the name.
        order = [g for g, _ in rel]
        for gid in [g for g in order if g in missing]:
            ref = missing[gid]
            if not ref.metadata["nbgrader"].get("solution"):
                continue
            k = order.index(gid)
            prev = order[k - 1] if k else None
            idx = next((i for i, c in enumerate(nb.cells) if _gid(c) == prev), None) if prev else -1
            cand = nb.cells[idx + 1] if idx is not None and idx + 1 < len(nb.cells) else None
            if cand is not None and not _gid(cand) and cand.cell_type == ref.cell_type:
                restore(cand, gid)
                continue
            if ref.cell_type == "code":
                cand = next((c for c in nb.cells if not _gid(c) and c.cell_type == "code"
                             and _assigns(c.source, gid)), None)
                if cand is not None:
                    restore(cand, gid)

    def _note_edits(self, nb, release, info) -> None:
        rel = {g: c for c in release.cells if (g := _gid(c))}
        for cell in nb.cells:
            gid = _gid(cell)
            ref = rel.get(gid)
            if ref is None or not ref.metadata["nbgrader"].get("locked"):
                continue
            if cell.source.strip() != ref.source.strip():  # a changed cell type alone is repaired
                info["edited_locked"].append(gid)

    def _restore_deleted(self, nb, release, info) -> None:
        present = {g for c in nb.cells if (g := _gid(c))}
        rel = [(g, c) for c in release.cells if (g := _gid(c))]
        for k, (gid, ref) in enumerate(rel):
            if gid in present:
                continue
            before = next((g for g, _ in reversed(rel[:k]) if g in present), None)
            pos = 0 if before is None else next(
                i for i, c in enumerate(nb.cells) if _gid(c) == before) + 1
            restored = copy.deepcopy(ref)
            restored.pop("id", None)
            nb.cells.insert(pos, restored)
            present.add(gid)
            info["restored_cells"].append(gid)
            self.log.warning("Restored cell %s deleted by the learner", gid)
