"""Calibration statistics checked against published worked examples, then a full session."""
from __future__ import annotations

import itertools
import math

import pandas as pd
import pytest

from grader.cli import main
from grader.roleplay.calibration import (calibrate, calibrate_store, cohen_from_pairs, far_apart,
                                         fleiss_from_long, icc_agreement, icc_table, share_within)
from grader.roleplay.scorecard import load_scorecards
from grader.roleplay.store import RolePlayStore

# Fleiss (1971), "Measuring nominal scale agreement among many raters", Psychological Bulletin
# 76(5), 378-382: 30 patients, each diagnosed by 6 psychiatrists into 5 categories (1 depression,
# 2 personality disorder, 3 schizophrenia, 4 neurosis, 5 other). Rows as published in R's irr
# package (data set `diagnoses`). Fleiss reports kappa = 0.430.
DIAGNOSES = [
    [4, 4, 4, 4, 4, 4], [2, 2, 2, 5, 5, 5], [2, 3, 3, 3, 3, 5], [5, 5, 5, 5, 5, 5],
    [2, 2, 2, 4, 4, 4], [1, 1, 3, 3, 3, 3], [3, 3, 3, 3, 5, 5], [1, 1, 3, 3, 3, 4],
    [1, 1, 4, 4, 4, 4], [5, 5, 5, 5, 5, 5], [1, 4, 4, 4, 4, 4], [1, 2, 4, 4, 4, 4],
    [2, 2, 2, 3, 3, 3], [1, 4, 4, 4, 4, 4], [2, 2, 4, 4, 4, 5], [3, 3, 3, 3, 3, 5],
    [1, 1, 1, 4, 5, 5], [1, 1, 1, 1, 1, 2], [2, 2, 4, 4, 4, 4], [1, 3, 3, 5, 5, 5],
    [5, 5, 5, 5, 5, 5], [2, 4, 4, 4, 4, 4], [2, 2, 4, 5, 5, 5], [1, 1, 4, 4, 4, 4],
    [1, 4, 4, 4, 4, 5], [2, 2, 2, 2, 2, 4], [1, 1, 1, 1, 5, 5], [2, 2, 4, 4, 4, 4],
    [1, 3, 3, 3, 3, 3], [5, 5, 5, 5, 5, 5]]

# Wikipedia, "Fleiss' kappa", worked example: 10 subjects, 14 raters, 5 categories; each row is
# how many raters chose each category. The article computes kappa = 0.210.
WIKI_FLEISS = [[0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0],
               [2, 2, 8, 1, 1], [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2],
               [6, 5, 2, 1, 0], [0, 2, 2, 3, 7]]

# Shrout & Fleiss (1979), "Intraclass correlations: uses in assessing rater reliability",
# Psychological Bulletin 86(2), 420-428, Table 2: 6 targets rated by 4 judges. Table 4 gives
# ICC(1,1) .17, ICC(2,1) .29, ICC(3,1) .71, ICC(1,4) .44, ICC(2,4) .62, ICC(3,4) .91.
SHROUT_FLEISS = [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]]


def test_fleiss_kappa_matches_fleiss_1971():
    """Does our Fleiss' kappa, from long rater-by-rater data, give 0.430 on Fleiss's 1971 table?"""
    long = pd.DataFrame([(p, f"psychiatrist {r}", d) for p, row in enumerate(DIAGNOSES)
                         for r, d in enumerate(row)], columns=["subject", "rater", "value"])
    assert fleiss_from_long(long) == pytest.approx(0.430, abs=5e-4)


def test_fleiss_kappa_matches_the_wikipedia_worked_example():
    """Does the count table of the Wikipedia example, expanded to 14 raters each, give 0.210?"""
    rows = []
    for s, counts in enumerate(WIKI_FLEISS):
        labels = [c for c, n in enumerate(counts, 1) for _ in range(n)]
        rows += [(s, f"r{k}", lab) for k, lab in enumerate(labels)]
    kappa = fleiss_from_long(pd.DataFrame(rows, columns=["subject", "rater", "value"]))
    assert kappa == pytest.approx(0.210, abs=5e-4)


def test_cohens_kappa_matches_the_wikipedia_worked_example():
    """Wikipedia 'Cohen's kappa': 50 proposals, 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no -> 0.40?"""
    a = ["yes"] * 25 + ["no"] * 25
    b = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    assert cohen_from_pairs(a, b) == pytest.approx(0.40, abs=1e-9)


def test_icc_matches_shrout_and_fleiss_1979():
    """Do the ICCs of Shrout & Fleiss's 6 x 4 table match their published Table 4?"""
    df = pd.DataFrame([(t, f"judge {j}", v) for t, row in enumerate(SHROUT_FLEISS)
                       for j, v in enumerate(row)], columns=["call_id", "rater", "total"])
    icc = icc_table(df)["ICC"].round(2)
    assert icc.to_dict() == {"ICC(1,1)": 0.17, "ICC(A,1)": 0.29, "ICC(C,1)": 0.71,
                             "ICC(1,k)": 0.44, "ICC(A,k)": 0.62, "ICC(C,k)": 0.91}
    assert icc_agreement(df) == pytest.approx(0.29, abs=0.005)   # what the report shows


def test_kappa_is_undefined_when_everyone_agrees_on_one_answer():
    """When every rating is the same category, is kappa reported as undefined (not 1, not a crash)?"""
    long = pd.DataFrame([(s, r, "yes") for s in range(3) for r in "ABC"],
                        columns=["subject", "rater", "value"])
    assert math.isnan(fleiss_from_long(long))
    assert math.isnan(cohen_from_pairs(["yes", "yes"], ["yes", "yes"]))


def test_share_of_pairs_within_ten_points():
    """Of the rater pairs on each call, what share are within ±10 points (3 of 4 here)?"""
    t = pd.DataFrame({"call_id": ["c1", "c1", "c1", "c2", "c2"],
                      "rater": ["A", "B", "C", "A", "B"], "total": [80, 90, 75, 60, 50.0]})
    # c1 pairs: A-B 10 (in), A-C 5 (in), B-C 15 (out); c2: A-B 10 (in)
    assert share_within(t) == 0.75


@pytest.mark.parametrize("values, tol, expected", [
    (["0", "2"], 1, True), (["1", "2", "2"], 1, False), (["yes", "no"], 0, True),
    (["na", "3"], 1, True), (["na", "na"], 1, False), (["pass", "pass"], 0, False)])
def test_far_apart(values, tol, expected):
    """Are answers 'far apart' exactly when they differ by more than the item's tolerance, or N/A vs a score?"""
    assert far_apart(values, tol) is expected


# --------------------------------------------------------------------------- a session
CARDS = load_scorecards()
CARD = CARDS["customer-call"]


def base(**over):
    a = {i.id: ("na" if i.section == "hold_transfer" else "3" if i.scale.name == "0-3" else "yes")
         for i in CARD.items}
    a.update({c.id: "pass" for c in CARD.critical})
    a.update(over)
    return a


@pytest.fixture()
def session(tmp_path):
    """Three raters score four recorded calls. By design:
    - acknowledges_feelings (0-3) is 2 points apart on calls 1 and 2 (50% of calls): ambiguous;
    - positive_pace (0-3) is only ever 1 point apart: not ambiguous;
    - asks_anything_else (yes/no) disagrees on call 3 only (25%): not ambiguous;
    - customer_hangs_up_first (yes/no) disagrees on calls 1, 2 and 4 (75%): ambiguous.
    Call 5 is scored by one rater only and must be left out.
    """
    store = RolePlayStore(tmp_path / "cal.db")
    plan = {
        "call-1": {"Ana": base(acknowledges_feelings="3", positive_pace="2", customer_hangs_up_first="no"),
                   "Ben": base(acknowledges_feelings="1", positive_pace="3"),
                   "Cai": base(acknowledges_feelings="3", positive_pace="3")},
        "call-2": {"Ana": base(acknowledges_feelings="0", full_greeting="1"),
                   "Ben": base(acknowledges_feelings="2", full_greeting="1", customer_hangs_up_first="no"),
                   "Cai": base(acknowledges_feelings="1", full_greeting="1")},
        "call-3": {"Ana": base(asks_anything_else="no", lets_customer_finish="1"),
                   "Ben": base(lets_customer_finish="1"),
                   "Cai": base(lets_customer_finish="2")},
        "call-4": {"Ana": base(customer_hangs_up_first="no", mocks_customer="fail"),
                   "Ben": base(), "Cai": base(positive_pace="2")},
        "call-5": {"Ana": base()},
    }
    for call, by_rater in plan.items():
        for rater, ans in by_rater.items():
            store.save(CARD, ans, learner=f"learner of {call}", rater=rater,
                       scenario_id="angry-complaint", call_id=call)
    return store


def test_ambiguous_items_are_flagged(session):
    """Are exactly the items far apart on more than 30% of calls flagged as ambiguous?"""
    cal = calibrate_store(session, cards=CARDS)
    assert sorted(cal.ambiguous) == ["acknowledges_feelings", "customer_hangs_up_first"]
    items = cal.items.set_index("item_id")
    assert items.loc["acknowledges_feelings", "far_apart_share"] == 0.5
    assert items.loc["positive_pace", "far_apart_share"] == 0
    assert items.loc["asks_anything_else", "far_apart_share"] == 0.25
    assert items.loc["customer_hangs_up_first", "far_apart_share"] == 0.75
    assert items.loc["acknowledges_feelings", "calls"] == 4
    assert items.loc["full_greeting", "agreement"] == 1.0
    assert items.loc["mocks_customer", "section"] == "Critical"
    assert any("scored by only one rater" in n for n in cal.notes)
    assert cal.calls == ["call-1", "call-2", "call-3", "call-4"]


def test_totals_agreement_matches_a_direct_computation(session):
    """Are ICC and the ±10 share on totals the same as computed directly from results()?"""
    cal = calibrate_store(session, cards=CARDS)
    res = session.results()
    res = res[res["call_id"] != "call-5"]
    assert cal.icc == pytest.approx(icc_agreement(res), abs=1e-12)
    pairs = [abs(a - b) <= 10 for _, g in res.groupby("call_id")
             for a, b in itertools.combinations(g["total"], 2)]
    assert cal.within_10 == pytest.approx(sum(pairs) / len(pairs))
    assert len(cal.pairs) == 3 and cal.pairs["calls"].tolist() == [4, 4, 4]
    # call-4: Ana failed a critical item, so her total is 0 and that call's pairs with her disagree
    assert cal.per_call.set_index("call_id").loc["call-4", "spread"] == 100


def test_a_rater_who_rescored_counts_once(session):
    """If a rater scores the same call twice, is it one score (version 2) and only it used?"""
    again = session.save(CARD, base(acknowledges_feelings="3"), learner="learner of call-2",
                         rater="Ana", scenario_id="angry-complaint", call_id="call-2")
    assert again.version == 2
    cal = calibrate_store(session, cards=CARDS)
    ana = cal.answers[(cal.answers["call_id"] == "call-2") & (cal.answers["rater"] == "Ana")]
    assert ana.set_index("item_id").loc["acknowledges_feelings", "value"] == "3"
    assert len(cal.totals) == 12
    assert not any("more than once" in n for n in cal.notes)


def test_two_separate_scores_of_one_call_by_one_rater_count_once(session):
    """Files saved before re-saves became versions hold two separate scores of the same call by
    the same rater: is only the later one used, with a note saying so?"""
    items, results = session.item_scores(), session.results()
    first = results[(results["call_id"] == "call-2") & (results["rater"] == "Ana")].iloc[0]
    dup = results[results["score_id"] == first.score_id].assign(
        score_id="legacy-dup", saved_at=first.saved_at + pd.Timedelta(minutes=5))
    dup_items = items[items["score_id"] == first.score_id].assign(score_id="legacy-dup")
    dup_items.loc[dup_items["item_id"] == "acknowledges_feelings", "value"] = "3"
    cal = calibrate(pd.concat([items, dup_items]), pd.concat([results, dup]), CARDS)
    ana = cal.answers[(cal.answers["call_id"] == "call-2") & (cal.answers["rater"] == "Ana")]
    assert ana.set_index("item_id").loc["acknowledges_feelings", "value"] == "3"
    assert len(cal.totals) == 12
    assert any("more than once" in n for n in cal.notes)


def test_one_call_gives_a_report_with_notes_instead_of_icc(session):
    """With a single call, is ICC left out with a note, and the rest still reported?"""
    cal = calibrate_store(session, calls=["call-1"])
    assert math.isnan(cal.icc)
    assert any("ICC needs at least 3 calls" in n for n in cal.notes)
    assert cal.items["far_apart_share"].notna().all()


def test_unknown_call_and_lonely_call_give_clear_errors(session):
    """Does asking for a call nobody scored, or one scored by one rater, say what is wrong?"""
    with pytest.raises(ValueError, match=r"No scores for call\(s\) \['call-9'\].*call-1"):
        calibrate_store(session, calls=["call-9"])
    with pytest.raises(ValueError, match="at least two raters"):
        calibrate_store(session, calls=["call-5"])


def test_cli_writes_an_html_report_with_charts(session, tmp_path, capsys):
    """Does 'academy roleplay calibrate' write a self-contained HTML report and print a summary?"""
    out = tmp_path / "report.html"
    assert main(["roleplay", "calibrate", "--db", str(session.path), "--out", str(out)]) == 0
    text = out.read_text()
    assert text.count("data:image/png;base64,") == 3
    assert "acknowledges_feelings" in text and "class='flag'" in text
    assert "ambiguous items: acknowledges_feelings, customer_hangs_up_first" in capsys.readouterr().out
    assert main(["roleplay", "calibrate", "--db", str(tmp_path / "nope.db")]) == 1
    assert "does not exist" in capsys.readouterr().err


def test_mixed_scorecards_are_refused(session):
    """Are calls scored on different scorecards refused in one report (their items differ)?"""
    coach = CARDS["coaching-conversation"]
    ans = {i.id: ("3" if i.scale.name == "0-3" else "yes") for i in coach.items}
    ans.update({c.id: "pass" for c in coach.critical})
    for r in ("Ana", "Ben"):
        session.save(coach, ans, learner="Li Na", rater=r, scenario_id="praise-worthy-call",
                     call_id="coach-1")
    with pytest.raises(ValueError, match="different scorecards"):
        calibrate(session.item_scores(), session.results(), CARDS)
    assert calibrate_store(session, calls=["coach-1"]).scorecard == "coaching-conversation.v1"


def test_peer_comparison_lists_only_the_items_two_observers_answered_differently(tmp_path):
    """For a learner comparing with a peer: are exactly the items they disagreed on listed, by rater?"""
    from grader.roleplay.calibration import peer_comparison

    store = RolePlayStore(tmp_path / "peer.db")
    assert peer_comparison(store).empty
    for rater, over in (("Amy", {"full_greeting": "3", "hold_under_1_min": "no"}),
                        ("Dan", {"full_greeting": "2", "hold_under_1_min": "no"})):
        store.save(CARD, base(**over), learner="Li", rater=rater, scenario_id="long-hold",
                   call_id="group2-round1")
    assert peer_comparison(store).empty is False
    diff = peer_comparison(store)
    (row,) = diff.to_dict("records")
    assert (row["Amy"], row["Dan"]) == ("3", "2") and "item_id" not in row
    assert row["item"].startswith("Full greeting"), "learners read the item's words, not its id"
