"""Seal the answer key into released check cells (runs in nbgrader's generate_assignment)."""
from __future__ import annotations

from nbformat import NotebookNode
from nbgrader.preprocessors import NbGraderPreprocessor

from ..nbgrader_ext import question_specs, seal_source


class SealChecks(NbGraderPreprocessor):
    """Replace readable check specs with sealed ones in the released notebook.

    ``nbgrader_config.py`` puts it right after ``ClearSolutions``, so ``nbgrader
    generate_assignment`` and ``academy build`` give the same release. The rewritten source is what
    nbgrader saves in its gradebook, so autograding restores exactly the released cell.
    """

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        specs = question_specs(nb)
        for cell in nb.cells:
            if cell.cell_type == "code" and "check(" in cell.source:
                cell.source = seal_source(cell.source, specs)
        return nb, resources
