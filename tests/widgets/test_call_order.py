"""Tests for grader.widgets.call_order: scenarios, order checking and the up/down widget."""
from __future__ import annotations

import pytest

from grader.widgets import call_order as co

SCENARIOS = co.load_scenarios()


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_listed_order_passes_and_reverse_fails(name):
    """Is each scenario's own order accepted, and the reversed order refused with hints?"""
    sc = SCENARIOS[name]
    assert co.check_order(sc, sc.ids).ok
    bad = co.check_order(sc, list(reversed(sc.ids)))
    assert not bad.ok and bad.hints and len(bad.broken) == len(sc.rules)


def test_course_scenarios_cover_module_1():
    """Are the inbound call, the transfer and the closing all there, with texts read whole (a
    comma in an unquoted {text: ...} once cut a step short and made a stray key)?"""
    assert {"inbound", "transfer", "closing"} <= set(SCENARIOS)
    assert SCENARIOS["inbound"].text("hang_up").endswith("put the handset down gently")
    assert SCENARIOS["transfer"].text("leave").endswith("then leave the call")


def test_free_pairs_are_not_marked_wrong():
    """Is hearing the problem before or after verifying the caller both accepted (centres differ)?"""
    sc = SCENARIOS["inbound"]
    order = sc.ids[:]
    i, j = order.index("listen"), order.index("verify")
    order[i], order[j] = order[j], order[i]
    assert co.check_order(sc, order).ok


def test_hold_without_asking_gets_the_permission_hint():
    """Does checking the account before asking to hold give the 'permission first' reason?"""
    sc = SCENARIOS["inbound"]
    order = sc.ids[:]
    order.remove("hold")
    order.insert(order.index("ask_hold"), "hold")
    res = co.check_order(sc, order)
    assert not res.ok
    assert [(r.first, r.then) for r in res.broken] == [("ask_hold", "hold")]
    assert "permission" in res.hints[0]
    assert res.misplaced == ("hold", "ask_hold")


def test_hanging_up_before_the_caller_is_refused():
    """In a closing, is putting the handset down before the caller hangs up flagged?"""
    sc = SCENARIOS["closing"]
    order = sc.ids[:]
    order[-1], order[-2] = order[-2], order[-1]
    res = co.check_order(sc, order)
    assert [(r.first, r.then) for r in res.broken] == [("wait", "handset")]
    assert "hang up first" in res.hints[0]


def test_leaving_transfer_before_answer_is_refused():
    """Does leaving a transfer before the colleague answers break the rule the standard sets?"""
    sc = SCENARIOS["transfer"]
    order = ["explain", "ask", "name", "dial", "leave", "wait_answer", "brief"]
    res = co.check_order(sc, order)
    assert {(r.first, r.then) for r in res.broken} == {("wait_answer", "leave"), ("brief", "leave")}


def test_hints_never_list_the_whole_sequence():
    """Do the hints stay hints: no hint names more than two step texts?"""
    for sc in SCENARIOS.values():
        for rule in sc.rules:
            assert sum(text.lower() in rule.why.lower() for _, text in sc.steps) <= 1


def test_wrong_step_list_is_refused_clearly():
    """Is an order with a missing, unknown or repeated step refused with a message saying which?"""
    sc = SCENARIOS["transfer"]
    with pytest.raises(ValueError, match=r"missing steps \['leave'\]"):
        co.check_order(sc, sc.ids[:-1])
    with pytest.raises(ValueError, match="unknown steps"):
        co.check_order(sc, sc.ids + ["dance"])
    with pytest.raises(ValueError, match="repeated steps"):
        co.check_order(sc, sc.ids[:-1] + [sc.ids[0]])


def test_move_and_scramble():
    """Do moves clamp at the ends, and does a scrambled start break at least two rules, reproducibly?"""
    assert co.move(["a", "b", "c"], 0, -1) == ["a", "b", "c"]
    assert co.move(["a", "b", "c"], 0, 1) == ["b", "a", "c"]
    assert co.move(["a", "b", "c"], 2, -2) == ["c", "a", "b"]
    with pytest.raises(IndexError):
        co.move(["a"], 3, 1)
    for sc in SCENARIOS.values():
        start = co.scrambled(sc, seed=0)
        assert start == co.scrambled(sc, seed=0)
        assert len(co.check_order(sc, start).broken) >= 2


def test_render_limits_hints():
    """Does the feedback show at most three hints at once, and say more are waiting?"""
    sc = SCENARIOS["inbound"]
    html = co.render_html(sc, co.check_order(sc, list(reversed(sc.ids))))
    assert html.count('class="academy-order-hint"') == 3 and "more hint" in html


def test_look_again_lists_only_steps_behind_shown_hints():
    """Does 'Look again at' name just the steps of the one broken rule, not every step?"""
    sc = SCENARIOS["closing"]
    order = sc.ids[:]
    order[-1], order[-2] = order[-2], order[-1]
    html = co.render_html(sc, co.check_order(sc, order))
    look = html.split("Look again at:</i>")[1].split("</div>")[0]
    assert look.count(";") == 1 and "handset" in look and "Confirm" not in look


def test_bad_scenario_file_gives_actionable_error(tmp_path):
    """Does a rule that names an unknown step, or contradicts the listed order, raise a clear error
    naming the file, the puzzle and the rule?"""
    p = tmp_path / "steps.yaml"
    p.write_text("scenarios:\n  s:\n    steps: [{id: a, text: A}, {id: b, text: B}]\n"
                 "    rules: [{first: a, then: c, why: x}]\n", encoding="utf-8")
    with pytest.raises(co.CallStepsError, match=r"^steps.yaml: scenarios.s.rules\[0\].then: 'c' is not a step id"):
        co.load_scenarios(p)
    p.write_text("scenarios:\n  s:\n    steps: [{id: a, text: A}, {id: b, text: B}]\n"
                 "    rules: [{first: b, then: a, why: x}]\n", encoding="utf-8")
    with pytest.raises(co.CallStepsError, match=r"scenarios.s.rules\[0\]: b before a contradicts"):
        co.load_scenarios(p)


def test_every_problem_in_a_steps_file_is_listed(tmp_path):
    """Does a copy of the course's file with several mistakes in several puzzles report them
    all in one error, one line each: a repeated step id, a step without text, a rule without a
    reason, a puzzle without rules, a misspelt key?"""
    import yaml

    data = yaml.safe_load(co.STEPS_FILE.read_text(encoding="utf-8"))
    inbound, transfer, closing = (data["scenarios"][k] for k in ("inbound", "transfer", "closing"))
    inbound["steps"][3]["id"] = inbound["steps"][2]["id"]
    del inbound["steps"][4]["text"]
    del transfer["rules"][1]["why"]
    closing["rules"] = []
    closing["intro_text"] = "typo"
    p = tmp_path / "call_steps.yaml"
    p.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    with pytest.raises(co.CallStepsError) as err:
        co.load_scenarios(p)
    step = inbound["steps"][4]["id"]
    assert str(err.value).splitlines() == [
        f"call_steps.yaml: scenarios.inbound.steps[4].text (id '{step}'): required, but missing",
        "call_steps.yaml: scenarios.inbound.steps[3].id: 'listen' is used twice (first at "
        "scenarios.inbound.steps[2].id); ids must be unique",
        "call_steps.yaml: scenarios.transfer.rules[1].why: required, but missing",
        "call_steps.yaml: scenarios.closing.rules: needs at least one ordering rule, or any order "
        "would pass",
        "call_steps.yaml: scenarios.closing.intro_text: unknown field (check the spelling)",
    ]


def test_widget_moves_and_checks():
    """Do the widget's buttons reorder the steps, clear stale feedback and check the order?"""
    w = co.CallOrder("closing")
    first = w.order[0]
    w.rows.children[0].children[1].click()  # "down" on the first row
    assert w.order[1] == first
    w.order = SCENARIOS["closing"].ids[:]
    w.check_button.click()
    assert 'data-ok="true"' in w.result.value
    w.rows.children[1].children[0].click()  # "up" on the second row
    assert w.result.value == ""
    assert not w.check().ok
