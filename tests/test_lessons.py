"""Every lesson reads the same way: one header style, and previous/next links that work."""
from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
LESSONS = sorted((ROOT / "course").glob("*/*.ipynb"))
LINK = re.compile(r"\[([^\]]+)\]\(([^)]+\.ipynb)\)")


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_header_style_and_navigation(path):
    """Does the lesson open with '# Module N · Module — N.M Title', say who it is for and how long
    it takes, and link to the lessons before and after it, at the top and at the bottom?"""
    nb = nbformat.read(path, as_version=4)
    top = nb.cells[0].source
    assert re.match(r"# Module \d · [^—]+ — \d\.\d \S", top), top.splitlines()[0]
    assert "**For:**" in top and "**Time:**" in top
    i = LESSONS.index(path)
    nav_top = next(l for l in top.splitlines() if l.startswith(("‹ Previous", "Next: [")))
    assert nb.cells[-1].source == nav_top, "the same links close the lesson"
    targets = [(path.parent / t).resolve() for _, t in LINK.findall(nav_top)]
    expected = ([LESSONS[i - 1]] if i else []) + ([LESSONS[i + 1]] if i + 1 < len(LESSONS) else [])
    assert targets == [p.resolve() for p in expected]


def test_check_cells_keep_the_sealed_key_out_of_the_way():
    """Is every released check cell's source collapsed (the long sealed key stays hidden), while
    it still runs and shows its feedback?"""
    for nb_path in sorted((ROOT / "exercises").glob("*/*.ipynb")):
        nb = nbformat.read(nb_path, as_version=4)
        checks = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id", "").endswith("_check")]
        assert checks, nb_path.name
        for c in checks:
            assert c.metadata.get("jupyter", {}).get("source_hidden") is True, (nb_path.name, c.metadata)
            assert 'sealed="' in c.source
