"""Shared helpers for the per-module check tests: run released check cells against answers."""
from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import nbformat

from grader.check import feedback, unseal
from grader.nbgrader_ext import question_specs

ROOT = Path(__file__).resolve().parents[2]


def notebooks(assignment: str) -> tuple[nbformat.NotebookNode, nbformat.NotebookNode]:
    """(solution source, released exercise) notebooks of one assignment."""
    src = nbformat.read(ROOT / "solutions" / assignment / f"{assignment}.ipynb", 4)
    rel = nbformat.read(ROOT / "exercises" / assignment / f"{assignment}.ipynb", 4)
    return src, rel


def sealed_specs(rel: nbformat.NotebookNode) -> dict[str, str]:
    """{question: sealed string} from the released check cells."""
    out = {}
    for cell in rel.cells:
        for m in re.finditer(r'check\("(q\d+_\d+)", \w+, sealed="([^"]+)"\)', cell.source):
            out[m.group(1)] = m.group(2)
    return out


def answers(src: nbformat.NotebookNode) -> dict:
    """{question: answer} from the hidden grade cells of the solution notebook."""
    return {name: parts["grade"]["answer"] for name, parts in question_specs(src).items()
            if "grade" in parts}


def wrong_value(spec: dict, answer):
    """A wrong answer of the right form for a question kind."""
    kind = spec["kind"]
    if kind == "number":
        return float(answer) + 10 * (spec.get("tolerance", 0) + 1)
    raise ValueError(kind)


def visible_text(fb) -> str:
    return fb.text + " " + fb._repr_html_()


def leaks(fb, answer) -> bool:
    """Does a feedback message show the answer (the letter as a choice, a number, a list)?"""
    text = fb.text
    if isinstance(answer, (int, float)) and not isinstance(answer, bool):
        shown = {f"{float(answer):g}", f"{float(answer):.1f}", f"{float(answer):.2f}"}
        return any(re.search(rf"(?<![\d.]){re.escape(s)}(?![\d])", text) for s in shown)
    if isinstance(answer, str):
        return bool(re.search(rf"(answer is|correct answer|try) '?{re.escape(answer)}'?\b", text, re.I))
    if isinstance(answer, list):
        return json.dumps(answer) in text or repr(answer) in text
    if isinstance(answer, dict):
        return repr(answer) in text
    return False
