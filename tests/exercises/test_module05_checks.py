"""Module 5's and the leadership capstone's released self-checks, and what the exercises say."""
from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import nbformat
import pytest

_spec = importlib.util.spec_from_file_location("module04_checks", Path(__file__).with_name("test_module04_checks.py"))
m04 = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(m04)

ROOT = Path(__file__).resolve().parents[2]
AIDS = ["05-career-planning-agent", "05-career-planning-supervisor", "06-leadership-capstone"]


@pytest.mark.parametrize("aid", AIDS)
def test_solutions_pass_and_hints_reachable_without_leaks(aid):
    """Fed the solution, does every released check say correct; can every hint be reached by
    some wrong answer; and does no message spell out the answer?"""
    m04.check_assignment(aid)


@pytest.mark.parametrize("aid", AIDS)
def test_wrong_forms_get_form_messages(aid):
    """Does a wrong-shaped answer get a form message rather than a verdict?"""
    m04.form_problems_are_explained(aid)


def test_net_gap_mistake_is_named():
    """Does the common mistake in the gap analysis (letting surpluses cancel shortfalls) get its
    own explanation rather than a bare 'too low'?"""
    sealed = m04.released_checks("05-career-planning-supervisor")["q5_11"]
    fb = m04.feedback("q5_11", 2, sealed=sealed)
    assert "surpluses" in fb.text and fb.status == "incorrect"


def test_edge_of_the_qa_rule_is_a_taught_mistake():
    """Is E2014 (QA 84.9, just under the 85 rule) a wrong pick with a hint about the threshold?"""
    sealed = m04.released_checks("05-career-planning-supervisor")["q5_9"]
    fb = m04.feedback("q5_9", ["E2001", "E2002", "E2003", "E2004", "E2014"], sealed=sealed)
    assert fb.status == "partial" and "E2014" in fb.text and "at least 85" in fb.text


@pytest.mark.parametrize("aid", AIDS)
def test_no_age_criterion(aid):
    """Does nothing in the exercise make age a requirement (or even mention it as one)?"""
    text = (ROOT / "solutions" / aid / f"{aid}.ipynb").read_text(encoding="utf-8").lower()
    assert not re.search(r"\b(under|over|below|above|younger than|older than)\s+\d+\s*(years|yrs)", text)
    for m in re.finditer(r"\bage\b", text):  # only ever mentioned to rule it out
        assert re.search(r"\b(not|never|nothing|no)\b", text[max(0, m.start() - 80):m.end() + 40]), text[m.start() - 80:m.end() + 40]


def test_capstone_shows_the_rubric_and_requires_the_roleplay():
    """Does the capstone show the learner the full rubric (six criteria adding to the proposal's
    points) and say that the coaching role-play is the capstone's second part?"""
    nb = nbformat.read(ROOT / "exercises" / AIDS[2] / f"{AIDS[2]}.ipynb", as_version=4)
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    rows = re.findall(r"^\| \*\*\d\. [^|]+\*\* \| (\d+) \|", text, flags=re.M)
    proposal = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "q6_3")
    assert len(rows) == 6 and sum(map(int, rows)) == proposal.metadata["nbgrader"]["points"]
    assert "coaching-conversation" in text and "role-play" in text
