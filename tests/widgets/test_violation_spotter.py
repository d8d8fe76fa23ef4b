"""Tests for grader.widgets.violation_spotter: marking ticked transcript lines and the widget."""
from __future__ import annotations

import pytest

from grader.datasets.transcripts import breaches, load_standards, load_transcripts
from grader.widgets import violation_spotter as vs

T = load_transcripts()
S = load_standards()


def _t(lines):
    """A tiny transcript: (speaker, text, breaks) tuples."""
    return {"id": "X", "title": "x", "lines": [
        {"n": i + 1, "speaker": sp, "text": tx, "breaks": list(br), "follows": [], "note": ""}
        for i, (sp, tx, br) in enumerate(lines)]}


def test_ticking_exactly_the_slips_is_perfect():
    """Does ticking every annotated line (and nothing else) give a perfect result in each transcript?"""
    for t in T.values():
        res = vs.mark(t, breaches(t), S)
        assert res.perfect and res.missed == () and res.false_alarms == ()
        assert res.total == len(breaches(t))


def test_model_call_with_nothing_ticked_is_right():
    """Is leaving a model call untouched recognised as right?"""
    res = vs.mark(T["T1"], [], S)
    assert res.total == 0 and res.perfect and res.message.startswith("✅")


def test_missed_and_false_alarms_are_explained():
    """Are missed lines explained by the broken standard and false alarms by what the line does well?"""
    res = vs.mark(T["T2"], [1, 6], S)  # 1 breaks the 3-ring rule; 6 thanks for holding (fine)
    by_n = {v.n: v for v in res.verdicts}
    assert res.found == (1,) and 6 in res.false_alarms and 4 in res.missed
    assert by_n[1].status == "found" and "Answer within 3 rings" in by_n[1].explanation
    assert by_n[6].status == "false-alarm" and "Nothing wrong here" in by_n[6].explanation
    assert "Thank the caller for waiting" in by_n[6].explanation
    assert by_n[4].status == "missed" and "hold" in by_n[4].explanation.lower()
    assert f"found 1 of the {len(breaches(T['T2']))} lines" in res.message


def test_missed_critical_breach_is_called_out_first():
    """Is a missed leak of customer information announced first and listed at the top?"""
    res = vs.mark(T["T5"], [6], S)
    assert res.missed_critical == (4,)
    assert res.message.startswith("⛔")
    html = vs.render_html(res)
    assert html.index('data-line="4"') < html.index('data-line="6"')
    assert "dismiss" in html.lower()


def test_only_agent_lines_and_notes_can_be_ticked():
    """Is ticking a customer's line refused with a message listing the lines that can be ticked?"""
    with pytest.raises(ValueError, match="only agent lines and notes"):
        vs.mark(T["T2"], [3], S)


def test_multiple_standards_on_one_line_are_all_named():
    """When one line breaks two standards, does the explanation name both?"""
    t = _t([("Note", "The agent leaves without thanks or ID.", ["closing_thanks", "closing_agent_id"])])
    v = vs.mark(t, [], S).verdicts[0]
    assert v.status == "missed" and "Thank the caller" in v.explanation and "agent ID" in v.explanation


def test_unknown_standard_tells_the_trainer():
    """Does a transcript citing an unknown standard say so instead of crashing?"""
    t = _t([("Agent", "Hi.", ["no_such_rule"])])
    assert "tell your trainer" in vs.mark(t, [1], S).verdicts[0].explanation


def test_render_hides_fine_lines_unless_asked():
    """Are untouched fine lines left out of the feedback unless the learner asks for them?"""
    res = vs.mark(T["T2"], [], S)
    assert 'data-status="correct-pass"' not in vs.render_html(res)
    assert 'data-status="correct-pass"' in vs.render_html(res, show_fine=True)


def test_widget_ticks_and_checks():
    """Do the widget's tick-boxes feed the marking, and does the chooser switch transcripts?"""
    w = vs.ViolationSpotter("T4")
    assert set(w.boxes) == set(vs.tickable_lines(T["T4"]))
    for n in breaches(T["T4"]):
        w.boxes[n].value = True
    w.button.click()
    assert 'data-perfect="true"' in w.result.value
    w2 = vs.ViolationSpotter()
    w2.chooser.value = "T5"
    assert w2.current == "T5" and w2.result.value == ""
    with pytest.raises(KeyError, match="choose one of"):
        vs.ViolationSpotter("T99")


def test_check_with_nothing_ticked_reveals_no_line():
    """Does 'Check my ticks' with nothing ticked ask for a try instead of listing every slip?"""
    w = vs.ViolationSpotter("T4")
    w.button.click()
    assert "Nothing ticked yet" in w.result.value
    assert "academy-spot-verdict" not in w.result.value and "Breaks:" not in w.result.value
    w.boxes[next(iter(w.boxes))].value = True
    w.button.click()
    assert "academy-spot-verdict" in w.result.value
