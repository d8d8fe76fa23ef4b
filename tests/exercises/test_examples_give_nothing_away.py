"""A question's format example shows the form of an answer, never part of the answer itself.

`{'A': 'open', 'B': 'closed', ...}` as the example of a question whose answer starts with A open
and B closed hands a learner two of its six marks. Examples are checked against the hidden
tests' answers, in both editions. The course-wide single-letter example ("one letter in quotes,
e.g. 'B'") is the same under every question, so it says nothing about any one of them.
"""
from __future__ import annotations

import ast
import re

import nbformat
import pytest

from grader import notebook_translations as nt
from grader import paths
from grader.nbgrader_ext import question_specs

UNIFORM = {"'B'", "'C'", "5", "['A', 'C']"}  # the same example under every question of its form
CODE = re.compile(r"`([^`]+)`")


def _literal(text: str):
    text = re.sub(r"'[^']*':\s*(\.\.\.|…)\s*,?\s*", "", text.strip())  # 'A102': ..., placeholders
    text = re.sub(r",?\s*(\.\.\.|…)\s*(?=[}\]])", "", text)              # a trailing , ...
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None


def _overlap(example, answer, ordered: bool = False) -> list:
    if isinstance(example, dict) and isinstance(answer, dict):
        return [k for k, v in example.items() if k in answer and answer[k] == v and v not in ("…", "...")]
    if isinstance(example, (list, tuple)) and isinstance(answer, (list, tuple)):
        # a list example shows the form; it gives the answer away when it is the answer (in
        # order, for an order question; as a set, for "pick all that apply")
        if list(example) == list(answer) or (not ordered and sorted(map(str, example)) == sorted(map(str, answer))):
            return list(example)
    return []


def _questions(nb):
    """(question id, the text a learner reads for it: its Markdown and its answer cell)."""
    text = ""
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader") or {}
        if cell.cell_type == "markdown" and not meta.get("solution"):
            text = cell.source if re.search(r"\*\*(Question|第) ?\d", cell.source) else text + "\n" + cell.source
        elif meta.get("solution") and meta.get("grade_id"):
            yield meta["grade_id"], text + "\n" + cell.source.split("### BEGIN SOLUTION")[0]


def _editions():
    for nb_path in nt.english_exercises():
        yield pytest.param(nb_path, "en", id=f"{nb_path.parent.name}-en")
        if nt.translation_file(nb_path).exists():
            yield pytest.param(nb_path, "zh-CN", id=f"{nb_path.parent.name}-zh-CN")


@pytest.mark.parametrize("nb_path, lang", list(_editions()))
def test_format_examples_give_no_part_of_the_answer(nb_path, lang):
    nb = nbformat.read(nb_path, as_version=4) if lang == "en" else nt.translate(nb_path, lang)
    specs = question_specs(nb)
    answers = {q: (p.get("grade") or {}).get("answer") for q, p in specs.items()}
    ordered = {q for q, p in specs.items() if ((p.get("grade") or {}).get("kind") or
                                              (p.get("check") or {}).get("kind")) == "order"}
    leaks = []
    for q, text in _questions(nb):
        answer = answers.get(q)
        if answer is None:
            continue
        for snippet in CODE.findall(text):
            example = _literal(snippet)
            if example is None or snippet.strip() in UNIFORM:
                continue
            given = _overlap(example, answer, q in ordered) or ([example] if example == answer and not isinstance(answer, str) else [])
            if given:
                leaks.append(f"{q}: the example `{snippet}` gives {given}")
    assert not leaks, "\n".join(leaks)


def test_the_check_finds_a_leaking_example():
    """The check itself: an example that repeats two entries of the answer is caught."""
    assert _overlap(_literal("{'A': 'open', 'B': 'closed', ...}"), {"A": "open", "B": "closed", "C": "open"}) == ["A", "B"]
    assert _overlap(_literal("{'A': '…', 'B': '…', ...}"), {"A": "open", "B": "closed"}) == []
    assert _overlap(_literal("{'A101': 'resolution', 'A102': ..., ...}"), {"A101": "resolution"}) == ["A101"]
    assert _overlap(["B", "E"], ["E", "B"]) == ["B", "E"] and _overlap(["B", "E"], ["A", "E"]) == []
    assert _overlap(["B", "A"], ["A", "B"], ordered=True) == [] and _overlap(["A", "B"], ["A", "B"], ordered=True)
