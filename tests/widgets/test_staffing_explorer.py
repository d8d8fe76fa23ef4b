"""Tests for the Module 3 staffing explorer."""
import matplotlib

matplotlib.use("Agg")

from grader.widgets.staffing_explorer import StaffingExplorer, explore  # noqa: E402


def test_explore_matches_the_worked_example():
    """Does 100 calls / 180 s / 80-20 / 30% shrinkage give 14 needed and 20 scheduled?"""
    e = explore(100, 180, 0.8, 20, 0.3)
    assert round(e.traffic, 6) == 10 and e.needed == 14 and e.scheduled == 20
    assert e.rows[0].agents == 11 and any(r.agents == 14 for r in e.rows)


def test_table_always_reaches_past_the_needed_agents():
    """Even for a strict target, does the table include the needed count and beyond?"""
    e = explore(300, 600, 0.95, 10, 0.0, extra=2)
    assert e.rows[-1].agents > e.needed


def test_sliders_drive_the_results():
    """Does moving the calls slider change the agents shown?"""
    w = StaffingExplorer()
    assert "<b>14</b>" in w.text.value
    w.calls.value = 200
    assert "<b>14</b>" not in w.text.value and "20.0 Erlangs" in w.text.value
