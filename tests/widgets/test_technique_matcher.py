"""Tests for the Module 2 technique matcher's logic and its widget."""
import pytest

from grader.widgets.technique_matcher import SITUATIONS, TECHNIQUES, TechniqueMatcher, judge


def test_every_technique_is_the_answer_somewhere():
    """Does the bank teach all six techniques, each at least once?"""
    assert {s.best for s in SITUATIONS} == set(TECHNIQUES)


def test_right_pick_explains_why_and_wrong_pick_does_not_reveal():
    """Does a right pick get the reason, and a wrong pick a nudge that names no technique as right?"""
    s = SITUATIONS[0]
    ok, msg = judge(s, s.best)
    assert ok and s.why in msg
    for other in TECHNIQUES:
        if other != s.best:
            ok, msg = judge(s, other)
            assert not ok and s.best not in msg.lower() and s.why not in msg


def test_unknown_technique_is_named():
    """Is a typo in a technique name reported with the valid names?"""
    with pytest.raises(ValueError, match="relaxation"):
        judge(SITUATIONS[0], "relax")


def test_widget_counts_and_advances():
    """Does the widget score a right pick and move to the next situation?"""
    w = TechniqueMatcher()
    assert w.pick(SITUATIONS[0].best) and w.score == 1
    w.advance()
    assert "Situation 2" in w.prompt.value and w.result.value == ""
