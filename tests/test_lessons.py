"""Every lesson reads the same way: one header style, and previous/next links that work."""
from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
LESSONS = sorted(p for p in (ROOT / "course").glob("*/*.ipynb") if not p.name.endswith(".zh-CN.ipynb"))
LINK = re.compile(r"\[([^\]]+)\]\(([^)]+\.ipynb)\)")
# Each edition's header: '# Module N · Module — N.M Title', who it is for, how long, the links.
STYLE = {
    "en": dict(header=r"# Module \d · [^—]+ — \d\.\d \S", who="**For:**", time="**Time:**",
               nav=("‹ Previous", "Next: [")),
    "zh-CN": dict(header=r"# 模块 \d · [^—]+ — \d\.\d \S", who="**适合：**", time="**用时：**",
                  nav=("‹ 上一课", "下一课：[")),
}


def _edition(path: Path, lang: str) -> Path:
    if lang == "en":
        return path
    zh = path.with_name(f"{path.stem}.{lang}.ipynb")
    return zh if zh.exists() else path  # a neighbour not yet translated: its English lesson


CASES = [(p, "en") for p in LESSONS] + [(p, "zh-CN") for p in LESSONS if _edition(p, "zh-CN") != p]


@pytest.mark.parametrize("path, lang", CASES, ids=lambda v: v.stem if isinstance(v, Path) else v)
def test_header_style_and_navigation(path, lang):
    """Does the lesson (in each edition) open with its module and title, say who it is for and how
    long it takes, and link to the lessons before and after it in the same edition, at the top
    and at the bottom?"""
    style = STYLE[lang]
    lesson = _edition(path, lang)
    nb = nbformat.read(lesson, as_version=4)
    top = nb.cells[0].source
    assert re.match(style["header"], top), top.splitlines()[0]
    assert style["who"] in top and style["time"] in top
    i = LESSONS.index(path)
    nav_top = next(l for l in top.splitlines() if l.startswith(style["nav"]))
    assert nb.cells[-1].source == nav_top, "the same links close the lesson"
    targets = [(lesson.parent / t).resolve() for _, t in LINK.findall(nav_top)]
    expected = ([LESSONS[i - 1]] if i else []) + ([LESSONS[i + 1]] if i + 1 < len(LESSONS) else [])
    assert targets == [_edition(p, lang).resolve() for p in expected]


def test_check_cells_keep_the_sealed_key_out_of_the_way():
    """Is every released check cell's source collapsed (the long sealed key stays hidden), while
    it still runs and shows its feedback?"""
    for nb_path in sorted((ROOT / "exercises").glob("*/*.ipynb")) + sorted((ROOT / "exercises").glob("zh-CN/*/*.ipynb")):
        nb = nbformat.read(nb_path, as_version=4)
        checks = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id", "").endswith("_check")]
        assert checks, nb_path.name
        for c in checks:
            assert c.metadata.get("jupyter", {}).get("source_hidden") is True, (nb_path.name, c.metadata)
            assert 'sealed="' in c.source
