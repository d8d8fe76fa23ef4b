"""Tests for grader.widgets.phrase_checker: the rules, the analysis and the thin widget."""
from __future__ import annotations

import re
import textwrap

import pytest
import yaml

from grader.widgets import phrase_checker as pc

RULES = pc.default_rules()
RULES_ZH = pc.default_rules(lang="zh-CN")
RULESETS = {"en": RULES, "zh-CN": RULES_ZH}
MODEL_GREETING = "Good morning, Bluewater Broadband, this is Grace. How may I help you today?"
MODEL_CLOSING = ("Is there anything else I can help you with today? Thank you for calling Bluewater "
                 "Broadband, and please feel free to call us again any time. My agent ID is 1041. "
                 "Have a lovely afternoon!")
MODEL_GREETING_ZH = "您好，蓝湾宽带，工号1024为您服务，请问有什么可以帮您？"
MODEL_CLOSING_ZH = ("请问还有其他可以帮您的吗？感谢您的来电，以后有任何需要，欢迎随时致电蓝湾宽带。"
                    "工号1024很高兴为您服务，祝您生活愉快，再见！")
ZH_ONLY = {"dont-know", "wei-opening", "plain-ni"}


def _tag(i, text):
    """A test id: the text's start where pytest can show it, else its number (pytest escapes CJK)."""
    return text[:30] if text.isascii() else str(i)


def ids(text, mode="any", lang="en", **kw):
    return [f.rule_id for f in pc.analyse(text, mode, lang=lang, **kw)]


def _rule_examples(key):
    for lang, rules in RULESETS.items():
        for rule in rules.rules:
            for i, ex in enumerate(rule.examples.get(key, [])):
                yield pytest.param(lang, rule.id, ex, id=f"{lang}:{rule.id}:{_tag(i, ex)}")


def _part_examples(key):
    for lang, rules in RULESETS.items():
        for mode, parts in rules.parts.items():
            for part in parts:
                for i, ex in enumerate(part.examples.get(key, [])):
                    yield pytest.param(lang, mode, part.id, ex, id=f"{lang}:{part.id}:{_tag(i, ex)}")


@pytest.mark.parametrize("lang", RULESETS)
def test_every_rule_has_examples_both_ways(lang):
    """Does every wording rule come with at least two sentences it flags and two near misses it leaves alone?"""
    rules = RULESETS[lang]
    thin = [r.id for r in rules.rules
            if len(r.examples.get("fires", [])) < 2 or len(r.examples.get("passes", [])) < 2]
    assert not thin, f"rules without enough examples: {thin}"
    thin_parts = [p.id for ps in rules.parts.values() for p in ps
                  if not p.examples.get("present") or not p.examples.get("absent")]
    assert not thin_parts


@pytest.mark.parametrize("lang,rule_id,sentence", list(_rule_examples("fires")))
def test_rule_fires_on_its_examples(lang, rule_id, sentence):
    """Does each rule flag the sentences written to show it?"""
    assert rule_id in ids(sentence, lang=lang), f"{rule_id} did not flag {sentence!r}"


@pytest.mark.parametrize("lang,rule_id,sentence", list(_rule_examples("passes")))
def test_rule_ignores_its_near_misses(lang, rule_id, sentence):
    """Does each rule leave alone the look-alike sentences that are fine on a call?"""
    assert rule_id not in ids(sentence, lang=lang), f"{rule_id} wrongly flagged {sentence!r}"


@pytest.mark.parametrize("lang,mode,part_id,text", list(_part_examples("present")))
def test_part_found_when_present(lang, mode, part_id, text):
    """Is a greeting/closing part recognised when the text contains it?"""
    assert part_id not in ids(text, mode, lang=lang)


@pytest.mark.parametrize("lang,mode,part_id,text", list(_part_examples("absent")))
def test_part_reported_when_absent(lang, mode, part_id, text):
    """Is a missing greeting/closing part reported?"""
    assert part_id in ids(text, mode, lang=lang)


@pytest.mark.parametrize("lang,rule", [pytest.param(lang, r, id=f"{lang}:{r.id}")
                                       for lang, rs in RULESETS.items() for r in rs.rules])
def test_better_wording_passes_every_rule(lang, rule):
    """Does the 'better' wording we suggest pass the checker itself?"""
    assert ids(rule.better, lang=lang) == [], f"{rule.id}'s better wording is flagged: {ids(rule.better, lang=lang)}"


@pytest.mark.parametrize("lang,mode,text", [
    ("en", "greeting", MODEL_GREETING), ("en", "closing", MODEL_CLOSING),
    ("en", "greeting", "Good afternoon, thank you for calling, Wei speaking. What can I do for you?"),
    ("en", "closing", "Anything else today? Thanks for calling, feel free to ring us any time. "
                      "You've been speaking with Grace. Take care."),
    ("zh-CN", "greeting", MODEL_GREETING_ZH), ("zh-CN", "closing", MODEL_CLOSING_ZH),
    ("zh-CN", "greeting", "下午好，欢迎致电蓝湾宽带，我是客服代表王芳，请问您需要办理什么业务？"),
    ("zh-CN", "closing", "您还有别的问题吗？谢谢您的耐心，期待下次再为您服务。本次为您服务的是王芳，祝您周末愉快！"),
])
def test_model_utterances_pass_clean(lang, mode, text):
    """Does a complete, courteous greeting or closing pass with no flags at all?"""
    assert pc.analyse(text, mode, lang=lang) == []


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


@pytest.mark.parametrize("lang", RULESETS)
def test_rule_standards_exist_in_the_dataset(lang):
    """Does every rule that cites a service standard cite one that exists in datasets/service_standards.yaml?"""
    from grader.datasets.transcripts import load_standards

    known = load_standards()
    rules = RULESETS[lang]
    cited = {r.id: r.standard for r in rules.all_rules() if r.standard}
    assert len(cited) == len(rules.all_rules())
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
    (GOOD_RULE + "    language: [en]\n", r"language: should be 'en' or 'zh-CN'"),
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


# ------------------------------------------------------------------ the Chinese checker
def test_chinese_rules_line_up_with_the_english_ones():
    """Do the zh-CN rules keep the English ids (same severity, same standard), so a finding means the same in both editions?"""
    en = {r.id: r for r in RULES.all_rules()}
    zh = {r.id: r for r in RULES_ZH.all_rules()}
    assert set(zh) - set(en) == ZH_ONLY
    assert {m: [p.id for p in ps] for m, ps in RULES_ZH.parts.items()} == \
        {m: [p.id for p in ps] for m, ps in RULES.parts.items()}
    shared = set(zh) & set(en)
    assert {i for i in shared if (zh[i].severity, zh[i].standard) != (en[i].severity, en[i].standard)} == set()
    assert RULES_ZH.lang == "zh-CN" and RULES.lang == "en" and RULES_ZH.company == "蓝湾宽带"


def test_chinese_patterns_use_no_word_boundaries():
    """Does no Chinese pattern rely on \\b, which never falls between two Chinese characters?"""
    data = yaml.safe_load(pc.RULES_FILES["zh-CN"].read_text(encoding="utf-8"))
    pats = [p for r in data["rules"] for p in r["patterns"]]
    pats += [p for items in data["parts"].values() for r in items for p in r["patterns"]]
    pats += [p for ps in data["shared"].values() for p in ps]
    assert [p for p in pats if re.search(r"\\[bB]", p)] == []
    assert re.search(r"\bCRM\b", "在CRM里") is None  # why: CJK characters are word characters


@pytest.mark.parametrize("text,expected", [
    ("这个我不知道。", True),                      # the agent's own 不知道
    ("我不知道……我马上为您查询。", True),           # a promise after it does not unsay it
    ("您不知道也没关系，我来帮您查。", False),       # the caller's not knowing
    ("不知道您现在方便接听吗？", False),             # the polite softener
    ("我不知道您的套餐为什么多扣了钱。", True),      # 我 + 不知道 + 您: the agent's ignorance
])
def test_dont_know_judges_by_the_neighbours(text, expected):
    """Does 不知道 fire on the agent's own brush-off and not on the caller's not knowing or a polite softener?"""
    assert ("dont-know" in ids(text, lang="zh-CN")) is expected


def test_poor_chinese_greeting_flags_dont_know_and_missing_offer():
    """Does a greeting that answers 这个我不知道 get the forbidden flag, quoting the words, and the missing offer of help?"""
    text = "您好，蓝湾宽带，工号1024。这个我不知道。"
    found = pc.analyse(text, "greeting", lang="zh-CN")
    assert [(f.rule_id, f.severity) for f in found] == [("dont-know", "forbidden"),
                                                         ("greeting-offer-help", "missing-part")]
    assert found[0].quote == "不知道" and text[found[0].start:found[0].end] == "不知道"


def test_chinese_sentences_end_at_full_width_punctuation():
    """Are 。！？；… sentence ends (with closing quotes kept), while ，、 and a decimal point are not?"""
    text = "您好！费用是86.40元，对吗？我不知道……我马上查；“好的。”再见"
    parts = [text[a:b] for a, b in pc.sentences(text)]
    assert parts == ["您好！", "费用是86.40元，对吗？", "我不知道……", "我马上查；", "“好的。”", "再见"]


def test_permission_counts_only_in_the_same_chinese_sentence():
    """Does 好吗 after a comma excuse a hold, but not when a full stop comes between?"""
    assert "hold-without-permission" not in ids("请您稍等一下，好吗？", lang="zh-CN")
    assert "hold-without-permission" in ids("请您稍等一下。好吗？", lang="zh-CN")


def test_mixed_chinese_and_english_text():
    """Does each language's checker find its own wording in a mixed text, with quotes pointing at the learner's words?"""
    text = "Hello! 这个我不知道. Please hold on，我去问问。"
    zh = pc.analyse(text, lang="zh-CN")
    en = pc.analyse(text, lang="en")
    assert [f.rule_id for f in zh] == ["dont-know"] and zh[0].quote == "不知道"
    assert [f.rule_id for f in en] == ["hold-without-permission"] and en[0].quote == "Please hold"
    assert all(text[f.start:f.end] == f.quote for f in zh + en)


def test_full_width_digits_and_letters_count():
    """Is 工号１０２４ (full-width digits, as some input methods type them) an agent number, and ＣＲＭ jargon?"""
    assert "greeting-own-name" not in ids("您好，蓝湾宽带，工号１０２４为您服务。", "greeting", lang="zh-CN")
    found = pc.analyse("我在ＣＲＭ里看到了。", lang="zh-CN")
    assert [f.quote for f in found] == ["ＣＲＭ"]


def test_chinese_company_name_can_be_configured():
    """Does the Chinese greeting accept another company when the widget is set up for it?"""
    text = "您好，北辰，工号1024为您服务，请问有什么可以帮您？"
    assert "greeting-company" in ids(text, "greeting", lang="zh-CN")
    assert ids(text, "greeting", lang="zh-CN", company="北辰") == []


@pytest.mark.parametrize("tag,expected", [("en", "en"), ("en_GB", "en"), ("zh-CN", "zh-CN"), ("zh_CN", "zh-CN"),
                                          ("zh", "zh-CN"), ("zh-Hans", "zh-CN")])
def test_language_tags(tag, expected):
    """Are the usual spellings of English and Simplified Chinese accepted?"""
    assert pc.normalise_lang(tag) == expected
    assert pc.default_rules(lang=tag).lang == expected


def test_unknown_language_is_refused():
    """Is a language without rules refused with the list of those there are?"""
    with pytest.raises(ValueError, match="available: en, zh-CN"):
        pc.default_rules(lang="fr")


def test_course_language_is_the_default(monkeypatch):
    """With no lang given, do analyse and the widget follow the course's current language?"""
    monkeypatch.setattr(pc, "current_language", lambda: "zh-CN")
    assert [f.rule_id for f in pc.analyse("这个我不知道。")] == ["dont-know"]
    w = pc.PhraseChecker(mode="greeting")
    assert w.lang == "zh-CN" and w.rules.lang == "zh-CN" and w.button.description == "检查用语"
    monkeypatch.setattr(pc, "current_language", lambda: "en")
    assert pc.PhraseChecker(mode="greeting").button.description == "Check my wording"
    assert pc.PhraseChecker(rules=RULES_ZH).lang == "zh-CN"  # given rules bring their language


def test_chinese_widget_labels_and_result():
    """Does the zh-CN widget speak Chinese: intro, placeholder, summary, labels, and lang on the panel?"""
    w = pc.PhraseChecker(mode="greeting", lang="zh-CN")
    assert "问候语应包含：" in w.box.children[0].value and "工号或姓名" in w.box.children[0].value
    assert w.text.placeholder.startswith("输入您接起电话后")
    w.text.value = "您好，蓝湾宽带，工号1024。这个我不知道。"
    w.button.click()
    out = w.result.value
    assert 'lang="zh-CN"' in out and "有 2 处需要改进：禁止使用 1 处，缺少 1 处。" in out
    assert "禁止使用：一句“不知道”打发客户" in out and "原因：" in out and "可以这样说：" in out
    w.text.value = MODEL_GREETING_ZH
    w.button.click()
    assert w.findings == [] and "✅ 问候语完整" in w.result.value
    assert "请输入您想对客户说的话" in pc.render_html(" ", [], "greeting", "zh-CN")
