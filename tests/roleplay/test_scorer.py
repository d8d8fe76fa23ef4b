"""The RolePlayScorer widget's behaviour, driven without a browser (as its buttons would)."""
from __future__ import annotations

import pytest

from grader.roleplay.scorer import RolePlayScorer
from grader.roleplay.store import RolePlayStore


def fill(scorer, **over):
    """Answer every item: top marks, holds/transfers N/A where allowed, no critical item."""
    for i in scorer.card.items:
        value = "na" if (i.na and i.section == "hold_transfer") else (
            "3" if i.scale.name == "0-3" else "yes")
        scorer.set_answer(i.id, value)
    for c in scorer.card.critical:
        scorer.set_answer(c.id, "pass")
    for k, v in over.items():
        scorer.set_answer(k, v)


@pytest.fixture()
def scorer(tmp_path):
    return RolePlayScorer(tmp_path / "rp.db", learner="Amy Chen", rater="Bo Li")


def test_every_item_has_a_button_row_and_na_only_where_allowed(scorer):
    """Does every item get buttons, with N/A offered only on items the card allows it for?"""
    assert set(scorer.toggles) == set(scorer.card.all_ids)
    assert "na" in scorer.toggles["hold_under_1_min"].options[-1]
    assert all(v != "na" for _, v in scorer.toggles["asks_anything_else"].options)
    assert [lab for lab, _ in scorer.toggles["mocks_customer"].options] == ["Did not happen",
                                                                           "Happened"]
    assert all(t.value is None for t in scorer.toggles.values())   # nothing pre-answered


def test_anchors_show_as_button_tooltips(scorer):
    """Does hovering a 0-3 button show what that level means on this item?"""
    tips = scorer.toggles["full_greeting"].tooltips
    assert tips[3] == "All four parts, warm and unhurried."


def test_live_total_shows_points_earned_not_an_extrapolation(scorer):
    """While scoring, does the line show the points earned out of the points the answered items
    were worth (not a projection to 100), then the real total once the card is complete?"""
    assert "Points so far: 0.0 of 0 points possible" in scorer.total_w.value
    scorer.set_answer("answered_within_3_rings", "yes")
    scorer.set_answer("full_greeting", "1")
    # 5 of 5 + 1/3 of 10 = 8.3 points of the 15 these two items are worth (not 55.6 / 100)
    assert "Points so far: 8.3 of 15 points possible" in scorer.total_w.value
    assert "/ 100" not in scorer.total_w.value and "55.6" not in scorer.total_w.value
    assert "2 of 21 answered" in scorer.total_w.value
    assert "width:56%" in scorer.section_bars["opening"].value
    fill(scorer, full_greeting="1")                  # complete; holds and transfers N/A
    # 100 - 10 N/A points = 90 possible; 83.3 earned -> 92.6 / 100 after re-weighting
    assert "Total: 92.6 / 100</b> (83.3 of 90 points; N/A items left out" in scorer.total_w.value
    assert "Points so far" not in scorer.total_w.value
    scorer.set_answer("argues_with_customer", "fail")
    assert "CRITICAL FAIL (argues_with_customer)" in scorer.total_w.value
    assert "the other items are optional now" in scorer.total_w.value


def test_after_a_critical_fail_the_unanswered_items_do_not_block_save(scorer):
    """Once a critical item happened, does Save accept the card with items left unanswered,
    score it 0, and say how many were left unscored?"""
    scorer.set_answer("answered_within_3_rings", "yes")
    scorer.set_answer("leaks_customer_information", "fail")
    assert scorer.missing() == []
    scorer.save_w.click()
    saved = scorer.last_saved
    assert saved is not None and saved.total == 0 and saved.critical_failed
    assert "CRITICAL FAIL, 19 item(s) left unscored" in scorer.message
    row = scorer.store.results().iloc[0]
    assert row.total == 0 and row.critical_failed
    assert sorted(scorer.store.item_scores()["item_id"]) == ["answered_within_3_rings",
                                                             "leaks_customer_information"]
    scorer.set_answer("answered_within_3_rings", "yes")       # without the fail: still refused
    scorer.save_w.click()
    assert scorer.message.startswith("Not saved: 20 thing(s) still missing")


def test_save_refuses_an_incomplete_card_naming_what_is_missing(scorer):
    """Does Save on a half-filled card refuse, list the missing items, and write nothing?"""
    fill(scorer)
    scorer.toggles["full_greeting"].value = None
    scorer.toggles["mocks_customer"].value = None
    scorer.learner_w.value = ""
    scorer.save_w.click()
    assert scorer.last_saved is None
    msg = scorer.message
    assert msg.startswith("Not saved: 3 thing(s) still missing")
    assert "the learner's name" in msg
    assert "Opening: Full greeting" in msg and "Critical: Joked about or mocked" in msg
    assert "rp-msg-error" in scorer.message_w.value
    assert scorer.store.results().empty and not scorer.store.path.exists()


def test_save_writes_the_card_with_notes_and_clears_the_form(scorer):
    """Does Save store the answers, notes, learner, rater and scenario, then blank the form?"""
    scorer.scenario_w.value = "long-hold"
    fill(scorer, full_greeting="2", asks_permission_to_hold="yes", hold_under_1_min="no")
    scorer.notes["hold_transfer"].value = "Held 1:25 at 02:10 without coming back."
    scorer.save_w.click()
    saved = scorer.last_saved
    assert saved is not None and "Saved: Amy Chen" in scorer.message
    row = scorer.store.results().iloc[0]
    assert (row.learner, row.rater, row.scenario_id, row.version) == ("Amy Chen", "Bo Li",
                                                                      "long-hold", 1)
    assert row.total == saved.total < 100
    notes = scorer.store.notes()
    assert notes["note"].tolist() == ["Held 1:25 at 02:10 without coming back."]
    assert all(t.value is None for t in scorer.toggles.values())
    assert scorer.notes["hold_transfer"].value == ""
    assert "Amy Chen" in scorer.recent_w.value


def test_rescoring_the_same_call_makes_a_new_version(scorer):
    """If a rater saves the same call id twice, is the second a new version with the first kept?"""
    scorer.call_w.value = "rec-42"
    fill(scorer)
    first = scorer.save()
    scorer.call_w.value = "rec-42"
    fill(scorer, full_greeting="1")
    second = scorer.save()
    assert (second.score_id, second.version) == (first.score_id, 2)
    assert "version 2 of your score of this call; earlier versions are kept" in scorer.message
    assert scorer.store.history(first.score_id)["total"].tolist() == [100.0, second.total]


def test_saving_the_same_learner_scenario_and_day_twice_makes_version_2(scorer):
    """With no Call ID typed, does saving the same learner and scenario again the same day make
    version 2 of the same score (not a second version 1), with version 1 kept?"""
    fill(scorer)
    first = scorer.save()
    assert first.version == 1 and "version" not in scorer.message
    fill(scorer, full_greeting="0")
    second = scorer.save()
    assert (second.score_id, second.version) == (first.score_id, 2)
    assert "version 2 of your score" in scorer.message
    hist = scorer.store.history()
    assert hist["version"].tolist() == [1, 2] and hist["score_id"].nunique() == 1
    assert scorer.store.results()["version"].tolist() == [2]
    assert "<td>2</td></tr>" in scorer.recent_w.value            # the table shows version 2
    scorer.learner_w.value = "Dan Wu"                             # another learner: own score
    fill(scorer)
    assert scorer.save().version == 1


def test_choosing_a_coaching_scenario_switches_the_scorecard(scorer):
    """Does picking a leadership scenario load the coaching scorecard and clear the answers?"""
    fill(scorer)
    scorer.scenario_w.value = "veteran-lost-drive"
    assert scorer.card.id == "coaching-conversation"
    assert set(scorer.toggles) == set(scorer.card.all_ids)
    assert scorer.answers() == {}
    assert "Guo Ming" in scorer.brief_w.value


def test_track_filter_and_a_shared_store(tmp_path):
    """Can a lesson show only leadership scenarios, and pass a store object in?"""
    store = RolePlayStore(tmp_path / "x.db")
    s = RolePlayScorer(store, track="leadership")
    assert s.store is store
    assert {v for _, v in s.scenario_w.options} == {
        "new-hire-no-direction", "veteran-lost-drive", "first-breach-new-rule",
        "praise-worthy-call"}
    with pytest.raises(ValueError, match="No scenarios for track"):
        RolePlayScorer(store, track="executive")


def test_set_answer_rejects_unknown_items(scorer):
    """Is a typo in an item id an error rather than a silently ignored answer?"""
    with pytest.raises(KeyError):
        scorer.set_answer("full_greting", "3")
