"""Cap single huge outputs that nbgrader's line limit lets through (one enormous line)."""
from __future__ import annotations

from nbgrader.preprocessors import NbGraderPreprocessor

MAX_OUTPUT_CHARS = 20_000


class LimitOutputSize(NbGraderPreprocessor):
    """Truncate any single output longer than MAX_OUTPUT_CHARS (after nbgrader's LimitOutput).

    Grade cells are left alone so their scores are exactly nbgrader's.
    """

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code" or cell.metadata.get("nbgrader", {}).get("grade"):
            return cell, resources
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream" and len(out.get("text", "")) > MAX_OUTPUT_CHARS:
                out["text"] = out["text"][:MAX_OUTPUT_CHARS] + "\n... output truncated (too long) ..."
            for mime, data in list(out.get("data", {}).items()):
                if isinstance(data, str) and len(data) > MAX_OUTPUT_CHARS:
                    out["data"][mime] = data[:MAX_OUTPUT_CHARS] + "\n... output truncated ..."
        return cell, resources
