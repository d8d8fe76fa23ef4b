"""Scorecards: validation on load, N/A re-weighting, critical fails, and the shipped cards."""
from __future__ import annotations

import copy

import pytest
import yaml

from grader.paths import DATASETS
from grader.roleplay.scenarios import ScenarioError, load_scenarios, parse_scenarios
from grader.roleplay.scorecard import (IncompleteCard, ScorecardError, check_standards,
                                       load_scorecard, load_scorecards, missing, parse_scorecard,
                                       partial_score, score, service_standard_ids)

CUSTOMER = DATASETS / "scorecards" / "customer-call.v1.yaml"
COACHING = DATASETS / "scorecards" / "coaching-conversation.v1.yaml"


def tiny(**over) -> dict:
    """A small valid scorecard as parsed YAML: two sections, 60 + 40 points, one critical item."""
    card = {
        "id": "tiny", "version": 1, "title": "Tiny", "pass_mark": 80,
        "sections": [
            {"id": "a", "title": "A", "items": [
                {"id": "greet", "text": "Greets", "weight": 40, "scale": "yes_no"},
                {"id": "hold", "text": "Hold under 1 minute", "weight": 20, "scale": "yes_no",
                 "na": True}]},
            {"id": "b", "title": "B", "items": [
                {"id": "empathy", "text": "Empathy", "weight": 40, "scale": "0-3"}]}],
        "critical": [{"id": "leak", "text": "Leaked customer information"}],
    }
    card.update(over)
    return card


def full(card, **answers) -> dict:
    """Best answers for every item and 'pass' for every critical item, then overrides."""
    base = {i.id: ("3" if i.scale.name == "0-3" else "yes") for i in card.items}
    base.update({c.id: "pass" for c in card.critical})
    base.update(answers)
    return base


# --------------------------------------------------------------------------- validation
def test_weights_not_adding_to_100_are_refused_with_the_section_totals():
    """Is a card whose weights add up to 95 refused, naming the sum and each section's share?"""
    data = tiny()
    data["sections"][1]["items"][0]["weight"] = 35
    with pytest.raises(ScorecardError) as err:
        parse_scorecard(data, "tiny.v1.yaml")
    assert "add up to 95, not 100 (a 60, b 35)" in str(err.value)


def test_every_problem_is_listed_with_its_location():
    """Does one load report all the problems at once, one line each, saying where it is (the
    path inside the file and the id of the item), a repeated id among them?"""
    data = tiny()
    data["sections"][0]["items"][0]["scale"] = "1-5"
    data["sections"][0]["items"][1]["weight"] = "twenty"
    data["sections"][1]["items"][0]["id"] = "greet"
    data["sections"][1]["items"][0]["wieght"] = 3
    data["critical"][0]["weight"] = 5
    data["pass_mark"] = 120
    with pytest.raises(ScorecardError) as err:
        parse_scorecard(data, "tiny.v1.yaml")
    assert err.value.problems == [
        "pass_mark: should be less than or equal to 100, got 120",
        "sections[0].items[0].scale (id 'greet'): should be 'yes_no' or '0-3', got '1-5'",
        "sections[0].items[1].weight (id 'hold'): should be a valid number, got 'twenty'",
        "sections[1].items[0].wieght (id 'greet'): unknown field (check the spelling)",
        "critical[0].weight (id 'leak'): critical items carry no weight: if one happens the whole "
        "call fails",
        "sections[1].items[0].id: 'greet' is used twice (first at sections[0].items[0].id); ids "
        "must be unique",
    ]
    assert str(err.value).splitlines() == [f"tiny.v1.yaml: {p}" for p in err.value.problems]


def test_broken_copy_of_the_customer_card_lists_every_problem(tmp_path):
    """Does a copy of the shipped customer-call card with a typo'd scale, a weight in words and a
    missing text report all three, naming the file, the place and the item?"""
    data = yaml.safe_load(CUSTOMER.read_text(encoding="utf-8"))
    items = data["sections"][1]["items"]
    items[0]["scale"] = "yes/no"
    items[1]["weight"] = "ten"
    del data["sections"][2]["items"][0]["text"]
    path = tmp_path / CUSTOMER.name
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ScorecardError) as err:
        load_scorecard(path)
    third = data["sections"][2]["items"][0]["id"]
    assert str(err.value).splitlines() == [
        f"customer-call.v1.yaml: sections[1].items[0].scale (id '{items[0]['id']}'): should be "
        "'yes_no' or '0-3', got 'yes/no'",
        f"customer-call.v1.yaml: sections[1].items[1].weight (id '{items[1]['id']}'): should be a "
        "valid number, got 'ten'",
        f"customer-call.v1.yaml: sections[2].items[0].text (id '{third}'): required, but missing",
    ]


def test_cross_field_rules_fire_on_an_otherwise_valid_card():
    """Once every field is right, are anchors for options the scale lacks, labels for a
    scale's missing option and a repeated section id still refused, all together?"""
    data = tiny()
    data["sections"][1]["items"][0]["anchors"] = {3: "Warm", 5: "Beyond"}
    data["sections"][1]["id"] = "a"
    data["scales"] = {"yes_no": {"yes": "Done", "maybe": "Half"}}
    with pytest.raises(ScorecardError) as err:
        parse_scorecard(data, "tiny.v1.yaml")
    assert err.value.problems == [
        "sections[1].items[0].anchors.5 (id 'empathy'): '5' is not an option of scale 0-3 (0, 1, 2, 3)",
        "sections[1].id: 'a' is used twice (first at sections[0].id); ids must be unique",
    ]
    data["sections"][1]["id"] = "b"
    data["sections"][1]["items"][0]["anchors"] = {3: "Warm"}
    with pytest.raises(ScorecardError) as err:
        parse_scorecard(data, "tiny.v1.yaml")
    assert err.value.problems == ["scales.yes_no.maybe: 'maybe' is not an option of scale yes_no (yes, no)"]


def test_a_file_that_is_not_a_card_says_so(tmp_path):
    """Are an empty file, a list and a missing file each reported in one plain line?"""
    for body, expected in (("", "the file is empty"), ("- a\n- b\n", "the file must be a mapping.*not a list")):
        path = tmp_path / "tiny.v1.yaml"
        path.write_text(body)
        with pytest.raises(ScorecardError, match=f"^tiny.v1.yaml: {expected}"):
            load_scorecard(path)
    with pytest.raises(ScorecardError, match="file not found"):
        load_scorecard(tmp_path / "gone.v1.yaml")


@pytest.mark.parametrize("bad, expected", [
    ({"id": "x", "text": "Leak", "weight": 5}, "critical items carry no weight"),
    ({"text": "Leak"}, r"critical\[0\]\.id: required, but missing"),
    ({"id": "leak2"}, r"critical\[0\]\.text \(id 'leak2'\): required, but missing"),
])
def test_malformed_critical_item_is_refused(bad, expected):
    """Is a critical item with a weight, no id or no text refused with a clear reason?"""
    with pytest.raises(ScorecardError, match=expected):
        parse_scorecard(tiny(critical=[bad]))


def test_file_name_must_match_id_and_version(tmp_path):
    """Is a file whose name disagrees with its id/version refused (so versions cannot be mixed up)?"""
    path = tmp_path / "tiny.v2.yaml"
    path.write_text(yaml.safe_dump(tiny()))
    with pytest.raises(ScorecardError, match=r"must be 'tiny.v1.yaml'"):
        load_scorecard(path)


def test_broken_yaml_is_reported_as_such(tmp_path):
    """Does a YAML syntax error come back as a scorecard error naming the file?"""
    path = tmp_path / "tiny.v1.yaml"
    path.write_text("id: tiny\nsections: [unclosed\n")
    with pytest.raises(ScorecardError, match=r"(?s)tiny.v1.yaml.*not valid YAML.*line 2"):
        load_scorecard(path)


# --------------------------------------------------------------------------- scoring
def test_perfect_card_scores_100_and_passes():
    """Does a card with every item at the top of its scale score 100 and pass?"""
    card = parse_scorecard(tiny())
    res = score(card, full(card))
    assert (res.total, res.critical_failed, res.passed) == (100, False, True)
    assert res.sections == {"a": 100, "b": 100}


def test_zero_to_three_items_earn_thirds_of_their_weight():
    """Does a 2 on a 0-3 item earn two thirds of its weight (40 -> 26.67)?"""
    card = parse_scorecard(tiny())
    res = score(card, full(card, greet="no", hold="no", empathy=2))
    assert res.total == pytest.approx(26.67, abs=0.01)
    assert res.sections["b"] == pytest.approx(66.67, abs=0.01)


def test_na_reweights_the_remaining_items():
    """With the 20-point hold item N/A, do the other 80 points scale up to 100?"""
    card = parse_scorecard(tiny())
    res = score(card, full(card, hold="na", greet="no"))
    # earned 40 (empathy) of the 80 points that apply
    assert res.total == 50
    assert res.sections["a"] == 0
    with_no = score(card, full(card, hold="no", greet="no"))
    assert with_no.total == 40


def test_na_is_refused_where_the_card_does_not_allow_it():
    """Is N/A on an item without 'na: true' treated as a wrong answer, naming the options?"""
    card = parse_scorecard(tiny())
    with pytest.raises(IncompleteCard) as err:
        score(card, full(card, greet="na"))
    assert "A: Greets (answer 'na' is not one of yes, no)" in err.value.missing


def test_a_critical_fail_fails_the_whole_call_but_keeps_the_raw_score():
    """Does a leak of customer information make the total 0, fail the call, and keep 100 as raw?"""
    card = parse_scorecard(tiny())
    res = score(card, full(card, leak="fail"))
    assert res.total == 0 and res.raw_total == 100
    assert res.critical_failed and not res.passed
    assert res.failed_critical == ("leak",)


def test_incomplete_card_names_every_missing_item():
    """Does scoring a half-filled card raise, naming each unanswered item and critical item?"""
    card = parse_scorecard(tiny())
    with pytest.raises(IncompleteCard) as err:
        score(card, {"greet": "yes"})
    assert err.value.missing == ["A: Hold under 1 minute", "B: Empathy",
                                 "Critical: Leaked customer information"]


def test_everything_na_cannot_be_scored():
    """Is a card where every applicable item is N/A refused instead of dividing by zero?"""
    data = tiny()
    for s in data["sections"]:
        for i in s["items"]:
            i["na"] = True
    card = parse_scorecard(data)
    with pytest.raises(IncompleteCard, match="every scored item is N/A"):
        score(card, {"greet": "na", "hold": "na", "empathy": "na", "leak": "pass"})


def test_answers_are_normalised_from_what_people_type():
    """Are 'Yes', True, 2.0 and 'N/A' read as yes, yes, 2 and na?"""
    card = parse_scorecard(tiny())
    res = score(card, {"greet": "Yes", "hold": "N/A", "empathy": 2.0, "leak": "PASS"})
    assert res.total == pytest.approx(100 * (40 + 40 * 2 / 3) / 80, abs=0.01)
    assert missing(card, {"greet": True, "hold": "n/a", "empathy": 3, "leak": "pass"}) == []


def test_unknown_item_in_answers_is_refused():
    """Is an answer for an item the card does not have refused (a typo must not vanish)?"""
    card = parse_scorecard(tiny())
    with pytest.raises(KeyError, match="greeet"):
        score(card, full(card, greeet="yes"))


def test_partial_score_counts_only_answered_items():
    """Is the live total while scoring based only on the items answered so far?"""
    card = parse_scorecard(tiny())
    assert partial_score(card, {"greet": "yes", "empathy": "0"}).total == 50
    assert partial_score(card, {}).total == 0
    assert partial_score(card, {"greet": "yes", "leak": "fail"}).critical_failed
    so_far = partial_score(card, {"greet": "yes", "empathy": "2", "hold": "na"})
    assert (so_far.earned, so_far.possible) == (pytest.approx(40 + 40 * 2 / 3, abs=0.01), 80)


def test_after_a_critical_fail_unanswered_items_are_not_required():
    """Once a critical item happened, is the card complete as it stands (total 0), while a wrong
    answer is still reported and, without the fail, blanks are still missing?"""
    card = parse_scorecard(tiny())
    assert missing(card, {"leak": "fail"}) == []
    res = score(card, {"greet": "yes", "leak": "fail"})
    assert (res.total, res.raw_total, res.critical_failed, res.passed) == (0, 100, True, False)
    assert res.sections == {"a": 100.0, "b": None}
    assert score(card, {"leak": "fail"}).raw_total == 0
    assert missing(card, {"leak": "fail", "empathy": "5"}) == [
        "B: Empathy (answer '5' is not one of 0, 1, 2, 3)"]
    assert missing(card, {"leak": "pass"}) == ["A: Greets", "A: Hold under 1 minute", "B: Empathy"]


# --------------------------------------------------------------------------- the shipped cards
@pytest.fixture(scope="module")
def cards():
    return load_scorecards()


def test_shipped_scorecards_load_and_weigh_100(cards):
    """Do both shipped scorecards load, weigh exactly 100 and have critical items?"""
    for key in ("customer-call.v1", "coaching-conversation.v1"):
        card = cards[key]
        assert sum(i.weight for i in card.items) == 100
        assert card.critical
    assert cards["customer-call"].key == "customer-call.v1"


def test_customer_call_card_covers_the_module_1_standards(cards):
    """Does the customer-call card score the standards Module 1 teaches, with the right critical items?"""
    card = cards["customer-call"]
    ids = {i.id for i in card.items}
    assert {"answered_within_3_rings", "full_greeting", "reads_back_details", "acknowledges_feelings",
            "no_pretending", "asks_permission_to_hold", "hold_under_1_min", "asks_anything_else",
            "thanks_and_invites", "customer_hangs_up_first", "positive_pace"} <= ids
    assert {c.id for c in card.critical} == {"leaks_customer_information", "argues_with_customer",
                                             "mocks_customer"}
    # N/A only where the situation may not arise
    assert card.item("hold_under_1_min").na and not card.item("asks_anything_else").na


def test_coaching_card_covers_the_leadership_practices(cards):
    """Does the coaching card score goal, asking, strength first, private/public, next steps, beliefs?"""
    ids = {i.id for i in cards["coaching-conversation"].items}
    assert {"opens_with_goal", "asks_more_than_tells", "names_strength_first", "criticism_private",
            "praise_public", "next_steps_owner_date", "three_beliefs"} <= ids


def test_standard_ids_exist_in_the_service_standards(cards):
    """Does every 'standard:' on the shipped cards name an id in datasets/service_standards.yaml?"""
    ids = service_standard_ids()
    if not ids:
        pytest.skip("datasets/service_standards.yaml is not there")
    for key in ("customer-call.v1", "coaching-conversation.v1"):
        assert check_standards(cards[key], ids) == []
    assert check_standards(cards["customer-call"], {"x"})  # the check itself can fail


# --------------------------------------------------------------------------- scenarios
def test_scenario_library_has_the_required_cards(cards):
    """Are there at least 12 cards, covering every situation the course asks for?"""
    sc = load_scenarios(cards=cards)
    assert len(sc) >= 12
    need = {"angry-complaint", "elderly-caller-extra-help", "wrong-number", "cannot-answer",
            "transfer-to-billing", "long-hold", "data-verification", "rude-caller",
            "outbound-offer", "new-hire-no-direction", "veteran-lost-drive",
            "first-breach-new-rule", "praise-worthy-call"}
    assert need <= set(sc)
    assert {s.track for s in sc.values()} == {"agent", "leadership"}
    assert all(sc[k].scorecard == "coaching-conversation" for k in
               ("new-hire-no-direction", "veteran-lost-drive", "first-breach-new-rule",
                "praise-worthy-call"))


def test_scenario_pointing_at_a_missing_item_is_refused(cards):
    """Is a card whose 'exercises' names an item its scorecard lacks refused, naming both, and
    are a bad value, a missing field, a misspelt field, an unknown scorecard and a repeated id
    in the same file reported in the same error?"""
    data = yaml.safe_load((DATASETS / "roleplay" / "scenarios.yaml").read_text())
    bad = copy.deepcopy(data)
    bad["scenarios"][0]["exercises"].append("smiles_on_phone")
    bad["scenarios"][1]["difficulty"] = "brutal"
    del bad["scenarios"][2]["hides"]
    bad["scenarios"][3]["caller_note"] = "typo"
    bad["scenarios"][4]["scorecard"] = "sales-call"
    bad["scenarios"][5]["id"] = bad["scenarios"][0]["id"]
    with pytest.raises(ScenarioError) as err:
        parse_scenarios(bad, cards, "scenarios.yaml")
    ids = [s["id"] for s in bad["scenarios"]]
    assert err.value.problems == [
        f"scenarios[0].exercises[8] (id '{ids[0]}'): 'smiles_on_phone' is not an item of "
        "scorecard customer-call.v1",
        f"scenarios[1].difficulty (id '{ids[1]}'): should be 'easy', 'medium' or 'hard', "
        "got 'brutal'",
        f"scenarios[2].hides (id '{ids[2]}'): required, but missing",
        f"scenarios[3].caller_note (id '{ids[3]}'): unknown field (check the spelling)",
        f"scenarios[4].scorecard (id '{ids[4]}'): no scorecard 'sales-call' (have "
        "coaching-conversation, customer-call)",
        f"scenarios[5].id: '{ids[0]}' is used twice (first at scenarios[0].id); ids must be unique",
    ]
    assert str(err.value).startswith("scenarios.yaml: scenarios[0].exercises[8]")


def test_card_table_shows_whole_points_and_full_text():
    """Does the lesson's scorecard table show points as 5 (not 5.0) and every item's full text?"""
    from grader import paths
    from grader.roleplay.scorecard import load_scorecard

    card = load_scorecard(paths.DATASETS / "scorecards" / "customer-call.v1.yaml")
    frame = card.to_frame()
    assert all(isinstance(p, int) for p in frame.points)
    page = card.show().to_html()
    longest = max(frame.item, key=len)
    assert longest in page.replace("&#39;", "'") and "5.0" not in page
