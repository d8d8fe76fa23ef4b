"""Tests for the Module 2 anonymous mood/stress check-in."""
import pytest

from grader.widgets.checkin import CheckIn, summarise


def test_too_few_answers_are_not_shown():
    """Are fewer than five answers withheld, so nobody can be recognised?"""
    with pytest.raises(ValueError, match="at least 5"):
        summarise([(3, 3)] * 4)


def test_summary_aggregates_without_identities():
    """Does the summary give counts, averages and the share under high stress, nothing per person?"""
    s = summarise([(2, 5), (2, 4), (3, 4), (4, 2), (4, 1)])
    assert s.n == 5 and s.mood_counts[2] == 2 and s.mean_mood == 3.0
    assert s.high_stress_share == 0.6 and "strain" in s.advice


@pytest.mark.parametrize("answers, word", [([(5, 1)] * 6, "good shape"),
                                           ([(4, 2)] * 4 + [(3, 4)] * 2, "stretched")])
def test_advice_follows_the_team_state(answers, word):
    """Does the advice change with the team's mood and stress?"""
    assert word in summarise(answers).advice


def test_out_of_range_answer_is_refused():
    """Is a 0 or 6 refused with the allowed range?"""
    with pytest.raises(ValueError, match="1 to 5"):
        summarise([(6, 3)] * 5)


def test_widget_collects_and_resets():
    """Does each submission reset the sliders and the summary appear only once there are enough?"""
    w = CheckIn()
    w.add(2, 4)
    assert w.mood.value == 3 and "only 1" in w.render()
    for _ in range(4):
        w.add(4, 2)
    assert "5 answers" in w.render()
