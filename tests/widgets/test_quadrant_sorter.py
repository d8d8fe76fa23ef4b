"""Tests for the Module 3 quadrant sorter."""
from grader.widgets.quadrant_sorter import DAY, QUADRANTS, QuadrantSorter, mark


def test_day_covers_all_four_quadrants():
    """Does the supervisor's day include tasks of every quadrant?"""
    assert {t.quadrant for t in DAY} == set(QUADRANTS)


def test_marking_counts_and_explains():
    """Does a perfect sort score all; a wrong one get a nudge without the quadrant?"""
    right, lines = mark({i: t.quadrant for i, t in enumerate(DAY)})
    assert right == len(DAY) and all(l.startswith("✅") for l in lines)
    wrong = {i: ("IV" if t.quadrant != "IV" else "I") for i, t in enumerate(DAY)}
    right, lines = mark(wrong)
    assert right == 0 and all("must happen now" in l for l in lines)


def test_unsorted_tasks_are_named():
    """Is a task left unsorted reported as such rather than as wrong?"""
    right, lines = mark({})
    assert right == 0 and all("not sorted yet" in l for l in lines)


def test_widget_check():
    """Does the Check button's logic read the dropdowns?"""
    w = QuadrantSorter()
    for d, t in zip(w.dropdowns, DAY):
        d.value = t.quadrant
    assert w.check() == len(DAY) and f"{len(DAY)} of {len(DAY)}" in w.out.value
