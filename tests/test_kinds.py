"""One class per question kind; the self-check and the grade agree."""
from __future__ import annotations

import itertools
import random
import re

import pytest

from grader.check import KINDS, feedback, make_sealed_spec, score, seal
from grader.kinds import KINDS as CLASSES, kind_of


def test_every_kind_has_one_class():
    assert set(CLASSES) == set(KINDS)
    with pytest.raises(ValueError, match="unknown kind 'essay'"):
        kind_of("essay", "q9_9")


@pytest.mark.parametrize("order", list(itertools.permutations("ABCDE")))
def test_order_check_reports_what_the_grade_counts(order):
    """For every order of five steps, does the check's count equal the steps the grade credits?"""
    answer = list("CAEBD")
    sealed = seal(make_sealed_spec("q1_4", {"kind": "order", "options": "ABCDE"},
                                   {"kind": "order", "answer": answer}))
    fb = feedback("q1_4", list(order), sealed=sealed)
    points = score("q1_4", list(order), kind="order", answer=answer, points=5)
    if fb.status == "correct":
        assert points == 5
        return
    kept = int(re.search(r"(\d+) of 5 steps are already in the right order", " ".join(fb.details)).group(1))
    assert kept == pytest.approx(points)
    assert fb.status == ("partial" if points > 0 else "incorrect")


@pytest.mark.parametrize("kind, answer, check_kw", [
    ("choice", "C", {"options": "ABCD"}), ("multi", ["A", "C"], {"options": "ABCD"}),
    ("order", list("BADC"), {"options": "ABCD"}), ("classify", {"T1": "x", "T2": "y"}, {"categories": ["x", "y"]}),
    ("number", 60, {"hints": {"mistakes": [[90, "That is the old rule."]]}}),
])
def test_wrong_answers_are_wrong_and_of_the_right_form(kind, answer, check_kw):
    """Does each kind's synthetic wrong answer have the right form and earn less than full marks?"""
    rng = random.Random(3)
    k = CLASSES[kind]
    for _ in range(20):
        wrong = k.wrong(answer, check_kw, {"answer": answer}, rng)
        assert k.right_form(wrong)
        assert score("q", wrong, kind=kind, answer=answer, points=1) < 1
