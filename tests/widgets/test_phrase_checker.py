"""Tests for grader.widgets.phrase_checker: the rules, the analysis and the thin widget."""
from __future__ import annotations

import textwrap

import pytest

from grader.widgets import phrase_checker as pc

RULES = pc.default_rules()
MODEL_GREETING = "Good morning, Bluewater Broadband, this is Grace. How may I help you today?"
MODEL_CLOSING = ("Is there anything else I can help you with today? Thank you for calling Bluewater "
                 "Broadband, and please feel free to call us again any time. My agent ID is 1041. "
                 "Have a lovely afternoon!")


def ids(text, mode="any", **kw):
    return [f.rule_id for f in pc.analyse(text, mode, **kw)]


def _rule_examples(key):
    for rule in RULES.rules:
        for ex in rule.examples.get(key, []):
            yield pytest.param(rule.id, ex, id=f"{rule.id}:{ex[:30]}")


def _part_examples(key):
    for mode, parts in RULES.parts.items():
        for part in parts:
            for ex in part.examples.get(key, []):
                yield pytest.param(mode, part.id, ex, id=f"{part.id}:{ex[:30]}")


def test_every_rule_has_examples_both_ways():
    """Does every wording rule come with at least two sentences it flags and two near misses it leaves alone?"""
    thin = [r.id for r in RULES.rules
            if len(r.examples.get("fires", [])) < 2 or len(r.examples.get("passes", [])) < 2]
    assert not thin, f"rules without enough examples: {thin}"
    thin_parts = [p.id for ps in RULES.parts.values() for p in ps
                  if not p.examples.get("present") or not p.examples.get("absent")]
    assert not thin_parts


@pytest.mark.parametrize("rule_id,sentence", list(_rule_examples("fires")))
def test_rule_fires_on_its_examples(rule_id, sentence):
    """Does each rule flag the sentences written to show it?"""
    assert rule_id in ids(sentence), f"{rule_id} did not flag {sentence!r}"


@pytest.mark.parametrize("rule_id,sentence", list(_rule_examples("passes")))
def test_rule_ignores_its_near_misses(rule_id, sentence):
    """Does each rule leave alone the look-alike sentences that are fine on a call?"""
    assert rule_id not in ids(sentence), f"{rule_id} wrongly flagged {sentence!r}"


@pytest.mark.parametrize("mode,part_id,text", list(_part_examples("present")))
def test_part_found_when_present(mode, part_id, text):
    """Is a greeting/closing part recognised when the text contains it?"""
    assert part_id not in ids(text, mode)


@pytest.mark.parametrize("mode,part_id,text", list(_part_examples("absent")))
def test_part_reported_when_absent(mode, part_id, text):
    """Is a missing greeting/closing part reported?"""
    assert part_id in ids(text, mode)


@pytest.mark.parametrize("rule", RULES.rules, ids=lambda r: r.id)
def test_better_wording_passes_every_rule(rule):
    """Does the 'better' wording we suggest pass the checker itself?"""
    assert ids(rule.better) == [], f"{rule.id}'s better wording is flagged: {ids(rule.better)}"


@pytest.mark.parametrize("mode,text", [("greeting", MODEL_GREETING), ("closing", MODEL_CLOSING),
                                       ("greeting", "Good afternoon, thank you for calling, Wei speaking. What can I do for you?"),
                                       ("closing", "Anything else today? Thanks for calling, feel free to ring us any time. "
                                                   "You've been speaking with Grace. Take care.")])
def test_model_utterances_pass_clean(mode, text):
    """Does a complete, courteous greeting or closing pass with no flags at all?"""
    assert pc.analyse(text, mode) == []


def test_poor_greeting_lists_each_missing_part_with_reason():
    """Does 'Bluewater, hello?' miss exactly the time-of-day greeting, own name and offer of help, each explained?"""
    found = pc.analyse("Bluewater, hello?", "greeting")
    assert [f.rule_id for f in found] == ["greeting-time-of-day", "greeting-own-name", "greeting-offer-help"]
    assert all(f.severity == "missing-part" and f.why and f.better and f.quote is None for f in found)


def test_closing_without_id_and_invitation():
    """Does a closing that only thanks and says goodbye report the three missing parts?"""
    assert ids("Thank you for calling. Goodbye.", "closing") == [
        "closing-anything-else", "closing-call-again", "closing-agent-id"]


def test_findings_ordered_forbidden_first_and_quote_the_words():
    """Are forbidden flags listed before discouraged ones, each quoting the learner's own words?"""
    text = "Yeah, calm down. It's probably your router."
    found = pc.analyse(text)
    assert [f.severity for f in found] == ["forbidden", "discouraged", "discouraged"]
    assert found[0].quote == "calm down"
    assert all(text[f.start:f.end] == f.quote for f in found)


def test_permission_is_checked_in_the_same_sentence_only():
    """Does asking permission in one sentence not excuse a bare hold in the next?"""
    assert "hold-without-permission" not in ids("May I put you on hold for a moment?")
    assert "hold-without-permission" in ids("May I check your account? Hold on.")


def test_curly_apostrophes_and_case_do_not_hide_a_flag():
    """Is wording typed with curly apostrophes or capitals still caught?"""
    assert "passing-the-buck" in ids("THAT\u2019S NOT MY DEPARTMENT.")
    assert "blaming" in ids("It\u2019s your own fault.")


def test_decimal_point_does_not_split_a_sentence():
    """Does '$86.40' stay inside one sentence, so a privacy rule still sees the whole clause?"""
    assert pc.sentences("She still owes $86.40 now. Thanks.") == [(0, 26), (26, 34)]


def test_company_name_can_be_configured():
    """Does the greeting accept another company name when the widget is set up for it?"""
    text = "Good morning, Northwind, this is Ana. How may I help you?"
    assert "greeting-company" in ids(text, "greeting")
    assert ids(text, "greeting", company="Northwind") == []


def test_categories_filter_for_reuse():
    """Can another module ask for only some categories (e.g. negative wording)?"""
    text = "That's not possible, mate."
    assert ids(text, categories={"negative"}) == ["flat-negative"]
    assert set(ids(text)) == {"flat-negative", "slang"}


def test_bad_mode_and_bad_input_are_refused():
    """Are a wrong mode and a non-text answer refused with a clear message?"""
    with pytest.raises(ValueError, match="mode must be one of"):
        pc.analyse("hi", "opening")
    with pytest.raises(TypeError, match="text must be a string"):
        pc.analyse(42)


def test_rule_standards_exist_in_the_dataset():
    """Does every rule that cites a service standard cite one that exists in datasets/service_standards.yaml?"""
    from grader.datasets.transcripts import load_standards

    known = load_standards()
    cited = {r.id: r.standard for r in RULES.all_rules() if r.standard}
    assert len(cited) == len(RULES.all_rules())
    assert {rid: s for rid, s in cited.items() if s not in known} == {}


def test_checker_agrees_with_annotated_wording_slips():
    """Does the checker flag every agent line the transcripts mark as a wording slip, and nothing on model calls?"""
    from grader.datasets.transcripts import load_transcripts

    wording = {r.standard for r in RULES.rules}
    for t in load_transcripts().values():
        for line in t["lines"]:
            if line["speaker"] != "Agent":
                continue
            found = pc.analyse(line["text"])
            if set(line["breaks"]) & wording:
                assert {f.standard for f in found} & set(line["breaks"]), (t["id"], line["n"], line["text"])
            if t["purpose"] == "model":
                assert found == [], (t["id"], line["n"], [f.rule_id for f in found])


# ------------------------------------------------------------------ the rules file is validated
def _write(tmp_path, body):
    p = tmp_path / "rules.yaml"
    p.write_text(textwrap.dedent(body), encoding="utf-8")
    return p


GOOD_RULE = """\
    rules:
      - id: x
        severity: discouraged
        title: X
        patterns: ['\\bfoo\\b']
        why: because
        better: bar
"""


def test_custom_rules_file_works(tmp_path):
    """Can a trainer (or Module 2) load a rules file of their own with the same schema?"""
    rs = pc.load_rules(_write(tmp_path, GOOD_RULE))
    assert [f.rule_id for f in pc.analyse("Foo!", rules=rs)] == ["x"]
    assert pc.analyse("food", rules=rs) == []


@pytest.mark.parametrize("body,message", [
    (GOOD_RULE.replace("discouraged", "bad"),
     r"rules\[0\]\.severity \(id 'x'\): should be 'forbidden' or 'discouraged', got 'bad'"),
    (GOOD_RULE.replace("patterns: [", "patterns: ['(foo', "),
     r"rules\[0\]\.patterns\[0\] \(id 'x'\): '\(foo' is not a valid regular expression"),
    (GOOD_RULE.replace("        why: because\n", ""), r"rules\[0\]\.why \(id 'x'\): required, but missing"),
    (GOOD_RULE + GOOD_RULE.split("rules:\n")[1], r"rules\[1\]\.id: 'x' is used twice \(first at rules\[0\]\.id\)"),
    (GOOD_RULE.replace("        better: bar\n", "        better: bar\n        unless: nothere\n"),
     r"rules\[0\]\.unless \(id 'x'\): names 'nothere', which is not under 'shared:' \(known: none\)"),
    (GOOD_RULE.replace("better: bar", "better: Foo is fine"),
     r"rules\[0\]\.better \(id 'x'\): this better wording is itself flagged by x"),
    ("rules: [\n", "not valid YAML"),
])
def test_broken_rules_file_gives_actionable_error(tmp_path, body, message):
    """Does a broken rules file raise an error naming the file, the place in it, the rule and
    the problem, for plain mistakes and for the rules across fields (unique ids, names under
    'shared:', a 'better' wording that the rules themselves would flag)?"""
    with pytest.raises(pc.RulesError, match=message) as exc:
        pc.load_rules(_write(tmp_path, body))
    assert str(exc.value).startswith("rules.yaml: ")


def test_every_problem_in_a_rules_file_is_listed(tmp_path):
    """Does a copy of the course's rules file with several mistakes report each one, one line
    each, in a single error (a misspelt key, a bad pattern, a missing field, a repeated id,
    an unknown mode)?"""
    import yaml

    data = yaml.safe_load(pc.RULES_FILE.read_text(encoding="utf-8"))
    data["rules"][0]["wyh"] = data["rules"][0].pop("why")
    data["rules"][2]["patterns"][1] = "(unclosed"
    del data["rules"][3]["title"]
    data["parts"]["greeting"][1]["id"] = data["rules"][4]["id"]
    data["parts"]["farewell"] = []
    path = tmp_path / "phrase_rules_copy.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(pc.RulesError) as exc:
        pc.load_rules(path)
    r = data["rules"]
    lines = str(exc.value).splitlines()
    assert [line.split(": ")[1] for line in lines] == [
        f"rules[0].why (id '{r[0]['id']}')", f"rules[0].wyh (id '{r[0]['id']}')",
        f"rules[2].patterns[1] (id '{r[2]['id']}')", f"rules[3].title (id '{r[3]['id']}')",
        "parts.farewell", "parts.greeting[1].id"]
    assert all(line.startswith("phrase_rules_copy.yaml: ") for line in lines)
    assert "'(unclosed' is not a valid regular expression" in lines[2]
    assert f"'{r[4]['id']}' is used twice (first at rules[4].id)" in lines[5]


def test_a_second_rules_file_loads_with_its_own_company(tmp_path):
    """Can a second rules file of the same format (another language, another module) be loaded
    alongside the course's, with its own company name and shared lists?"""
    body = GOOD_RULE.replace("rules:\n", "defaults: {company: Northwind}\n    shared:\n"
                                         "      polite: ['\\bplease\\b']\n    rules:\n")
    body = body.replace("        better: bar\n", "        better: bar\n        unless: polite\n")
    rs = pc.load_rules(_write(tmp_path, body))
    assert rs.company == "Northwind" and rs.path.name == "rules.yaml"
    assert [f.rule_id for f in pc.analyse("Foo!", rules=rs)] == ["x"]
    assert pc.analyse("Foo, please.", rules=rs) == []
    assert pc.default_rules().by_id("vague-hedging").title  # the course's rules are untouched


# ------------------------------------------------------------------ presentation and widget
def test_render_marks_flags_and_escapes_html():
    """Does the result panel mark the flagged words, explain them and escape the learner's text?"""
    text = "<b>Hold on</b>"
    out = pc.render_html(text, pc.analyse(text))
    assert "&lt;b&gt;" in out and "<mark" in out and 'data-rule="hold-without-permission"' in out
    assert "Why:" in out and "Better:" in out


def test_render_clean_and_empty():
    """Does a clean text get a success line, and an empty box a prompt instead of a verdict?"""
    assert 'data-clean="true"' in pc.render_html(MODEL_GREETING, [], "greeting")
    assert "Type what you" in pc.render_html("  ", [], "greeting")


def test_widget_button_updates_result():
    """Does pressing the widget's button analyse the text box and show the findings?"""
    w = pc.PhraseChecker(mode="greeting")
    w.text.value = "Hello?"
    w.button.click()
    assert len(w.findings) == 4 and 'data-clean="false"' in w.result.value
    w.text.value = MODEL_GREETING
    w.button.click()
    assert w.findings == [] and 'data-clean="true"' in w.result.value
