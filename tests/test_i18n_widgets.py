"""What a learner reads from the kernel is Chinese when the notebook chose zh-CN.

For the self-check, the feedback of autograding, the progress and review pages, every lesson
widget and the role-play scorer: with ``use_language("zh-CN")`` the text and HTML they show hold
no English sentence (two Latin words in a row, outside ids and code); with English they say what
they always said (the English tests of each module check that, and a few exact sentences here).
"""
from __future__ import annotations

import json
import re

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from academy_testing import visible_text  # noqa: E402
from grader import i18n  # noqa: E402
from grader.check import feedback, make_sealed_spec, seal  # noqa: E402

ENGLISH = re.compile(r"[A-Za-z]{2,}[’',.:;!?)]*\s+[(\"'‘“]?[A-Za-z]{2,}")  # as notebook_translations


@pytest.fixture(autouse=True)
def language():
    """Each test starts in English and ends back in it."""
    i18n.use_language(None)
    yield
    i18n.use_language(None)


@pytest.fixture()
def zh():
    i18n.use_language("zh-CN")


def seen(html_or_text: str) -> str:
    """The text a reader sees (academy_testing.visible_text: no tags, style sheets or <code> ids)."""
    return visible_text(str(html_or_text))


def english(*texts: str) -> list[str]:
    """English word pairs in what a reader sees, with the text they are in."""
    out = []
    for t in texts:
        for m in ENGLISH.finditer(seen(t)):
            out.append(f"{m.group(0)!r} in {seen(t)[:120]!r}")
    return out


def widget_texts(widget) -> list[str]:
    """Every text an ipywidgets tree shows: HTML values, descriptions, placeholders, tooltips,
    option labels and accordion titles."""
    import ipywidgets as w

    out = []
    if isinstance(widget, (w.HTML, w.Label, w.HTMLMath)):
        out.append(widget.value)
    for attr in ("description", "placeholder", "tooltip"):
        value = getattr(widget, attr, None)
        if isinstance(value, str) and value:
            out.append(value)
    out += list(getattr(widget, "tooltips", ()) or ())
    out += [str(label) for label in getattr(widget, "_options_labels", ()) or ()]
    out += [t for t in getattr(widget, "titles", ()) or () if t]
    for child in getattr(widget, "children", ()) or ():
        out += widget_texts(child)
    return out


def figure_texts(fig) -> list[str]:
    texts = []
    for ax in fig.axes:
        texts += [ax.get_xlabel(), ax.get_ylabel(), ax.get_title()]
        texts += [t.get_text() for t in ax.get_yticklabels() + ax.get_xticklabels()]
        legend = ax.get_legend()
        if legend:
            texts += [t.get_text() for t in legend.get_texts()]
    return [t for t in texts if t]


@pytest.fixture()
def figures(monkeypatch):
    """The texts of every figure a widget shows with plt.show()."""
    import matplotlib.pyplot as plt

    shown: list[str] = []
    monkeypatch.setattr(plt, "show", lambda *a, **k: shown.extend(figure_texts(plt.gcf())))
    return shown


# ----------------------------------------------------------------------------- self-check
def _feedbacks(hint: str) -> list:
    """Feedback of every kind of question, right, wrong and badly formed."""
    multi = seal(make_sealed_spec("q1_3", {"kind": "multi", "options": list("ABCD"), "hints": {"D": hint}},
                                  {"answer": ["A", "B"]}))
    choice = seal(make_sealed_spec("q1_4", {"kind": "choice", "options": list("ABC")}, {"answer": "B"}))
    order = seal(make_sealed_spec("q1_5", {"kind": "order"}, {"answer": ["A", "B", "C", "D"]}))
    number = seal(make_sealed_spec("q1_6", {"kind": "number", "unit": "seconds"}, {"answer": 20}))
    classify = seal(make_sealed_spec("q1_7", {"kind": "classify", "categories": ["I", "II"]},
                                     {"answer": {"a": "I", "b": "II", "c": "I", "d": "II", "e": "I"}}))
    cases = [("q1_3", ..., multi), ("q1_3", ["A", "D"], multi), ("q1_3", "A", multi), ("q1_3", {"A": 1}, multi),
             ("q1_3", ["A", "A"], multi), ("q1_3", ["E", "F"], multi), ("q1_3", ["A", "B"], multi),
             ("q1_4", "C", choice), ("q1_4", "B", choice), ("q1_4", 2, choice), ("q1_4", "BC", choice),
             ("q1_5", ["B", "A", "C", "D"], order), ("q1_5", ["A", "C", "B", "D"], order),
             ("q1_5", ["A", "B"], order), ("q1_5", ["A", "A", "B", "C"], order), ("q1_5", list("ABCD"), order),
             ("q1_6", 30, number), ("q1_6", 10, number), ("q1_6", "30", number), ("q1_6", "thirty", number),
             ("q1_6", [3], number), ("q1_6", float("nan"), number), ("q1_6", None, number),
             ("q1_6", True, number), ("q1_6", 20, number),
             ("q1_7", {"a": "II", "b": "I", "c": "II", "d": "I", "e": "II"}, classify),
             ("q1_7", {"a": "I"}, classify), ("q1_7", {"a": "III", "b": "I", "c": "I", "d": "I", "e": "I"}, classify),
             ("q1_7", ["a"], classify)]
    return [feedback(q, v, sealed=s) for q, v, s in cases] + [
        feedback("q1_8", ["A"], kind="multi", options=list("AB")), feedback("q1_8", "A", kind="multi")]


def test_self_check_feedback_in_chinese(zh):
    """Is every self-check message (form, right, partly right, wrong, author view) Chinese?"""
    from grader.check import check

    fbs = _feedbacks("D 是一个常见的误解。") + [check("q1_9", ["A"], sealed="not a seal")]
    assert {fb.status for fb in fbs} == {"correct", "incorrect", "partial", "form", "unanswered", "unsealed"}
    problems = english(*[fb.text for fb in fbs], *[fb._repr_html_() for fb in fbs])
    assert not problems, "\n".join(problems)
    assert fbs[0].text.startswith("✏️ 第 1.3 题：")


def test_self_check_feedback_in_english_as_before():
    """Do the English messages read exactly as they did?"""
    fbs = _feedbacks("D is a common mix-up.")
    assert fbs[0].text == ("✏️ Question 1.3: Not answered yet: replace the ... in the cell above with your "
                           "answer, run that cell, then run this one again.")
    assert fbs[1].text == ("🟡 Question 1.3: You have 1 of 2 right. 1 more to find. 1 of your picks does not "
                           "belong.\n   • 'D': D is a common mix-up.")
    assert fbs[5].message == "'E', 'F' are not among the choices (A, B, C, D). Check the spelling."
    assert fbs[11].message == ("The first step is not the right one yet. Look again at position 1 ('B'): "
                               "think about what the caller needs at that moment.")
    assert fbs[13].message == "Your list has 2 items; it should have all 4, each once."
    assert fbs[16].message == "Not quite (30 seconds). Your number is too high."
    assert fbs[26].message == "Give one label for every item, and only those (missing: b, c, d, e)."
    assert fbs[0]._repr_html_().endswith("<b>✏️ Question 1.3</b>: Not answered yet: replace the ... in the "
                                         "cell above with your answer, run that cell, then run this one again.</div>")


# ----------------------------------------------------------------------------- autograding feedback
def _graded_notebook(lang: str | None):
    import nbformat

    sealed = seal(make_sealed_spec("q1_1", {"kind": "choice", "options": list("ABC")}, {"answer": "B"}))
    cells = [nbformat.v4.new_code_cell(
        (f'from grader.i18n import use_language; use_language("{lang}")\n' if lang else "")
        + "from grader.check import check"),
        nbformat.v4.new_code_cell("q1_1 = 'C'"),
        nbformat.v4.new_code_cell(f'check("q1_1", q1_1, sealed="{sealed}")'),
        nbformat.v4.new_code_cell('grade("q1_1", q1_1, kind="choice", answer="B")'),
        nbformat.v4.new_code_cell('grade("q1_2", q1_2, kind="choice", answer="A")')]
    cells[2].metadata["nbgrader"] = {"grade": False, "solution": False, "locked": True,
                                     "grade_id": "q1_1_check"}  # a released check cell
    cells[3].metadata["nbgrader"] = {"grade": True, "solution": False, "grade_id": "q1_1_test",
                                     "points": 1, "score": 0}
    cells[4].metadata["nbgrader"] = {"grade": True, "solution": False, "grade_id": "q1_2_test",
                                     "points": 2, "score": 0}
    cells[4].outputs = [nbformat.v4.new_output("error", ename="Tampered", evalue=(
        "no points: a locked cell of this question was edited"), traceback=[])]
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["academy"] = {"values": {"q1_1_test": {"q1_1": "C"}}}  # as the sandbox sends them
    return nb


@pytest.mark.parametrize("lang", ["zh-CN", None])
def test_autograding_feedback_speaks_the_notebooks_language(lang):
    """Does the feedback a learner gets after grading follow the language their notebook chose,
    whatever language the trainer's own process uses?"""
    from grader.preprocessors.learner_feedback import LearnerFeedback

    nb, _ = LearnerFeedback().preprocess(_graded_notebook(lang), {})
    shown = [o["data"]["text/html"] for c in nb.cells[3:] for o in c.outputs] + \
            [o["data"]["text/plain"] for c in nb.cells[3:] for o in c.outputs] + [nb.cells[3].source]
    assert i18n.current_language() == "en"  # the trainer's process is left as it was
    if lang:
        assert not english(*shown), "\n".join(english(*shown))
        assert shown[0].startswith("<b>第 1.1 题：0 分（满分 1 分）</b>")
        assert "不得分：这道题的一个锁定单元格被改动过。" in shown[1]
    else:
        assert shown[2].startswith("Question 1.1: 0 of 1 point\n❌ Question 1.1: Not quite.")
        assert shown[3] == ("Question 1.2: 0 of 2 points\n❌ Question 1.2: No points: a locked cell of this "
                            "question was edited.")
        assert nb.cells[3].source == "# Hidden test: your trainer's grader checked your answer here."


# ----------------------------------------------------------------------------- progress and review
def _log(folder, rows):
    log = folder / ".academy" / "checks.jsonl"
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text("\n".join(json.dumps({"time": f"2026-01-01T10:{i:02d}:00", "question": q, "folder": "x",
                                         "status": s}) for i, (q, s) in enumerate(rows)))
    return log


def _captured(monkeypatch) -> list:
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda *a, **k: shown.extend(a))
    return shown


def _display_texts(objs) -> list[str]:
    import ipywidgets as w
    from IPython.display import HTML

    out = []
    for o in objs:
        if isinstance(o, HTML):
            out.append(o.data)
        elif isinstance(o, w.Widget):
            out += widget_texts(o)
        elif hasattr(o, "to_html"):  # a styled table
            out.append(o.to_html())
    return out


def test_progress_page_in_chinese(zh, tmp_path, monkeypatch, figures):
    """Are the progress page's sentences, chart and table headings Chinese?"""
    from grader import check_log

    shown = _captured(monkeypatch)
    check_log.show_progress([tmp_path])  # nothing yet
    _log(tmp_path, [("q1_1", "correct"), ("q1_2", "incorrect"), ("q9_9", "correct")])
    monkeypatch.setattr(check_log, "catalogue", lambda: pd.DataFrame(
        {"folder": ["x", "x"], "notebook": ["01-x", "01-x"], "question": ["q1_1", "q1_2"]}))
    check_log.show_progress([tmp_path])
    texts = _display_texts(shown) + figures
    assert len(texts) >= 4 and "题目" in figures
    assert not english(*texts), "\n".join(english(*texts))


def test_review_page_in_chinese(zh, tmp_path, monkeypatch):
    """Are the review page's sentences, answer box and button Chinese (the questions themselves come
    from the exercise notebooks of the learner's language)?"""
    from grader import check_log, paths
    from grader.review import ReviewSession

    shown = _captured(monkeypatch)
    ReviewSession(roots=[tmp_path], log=tmp_path / "log.jsonl").show()  # nothing to review yet
    assert len(shown) == 1
    aid = "03-time-management-agent"
    cat = check_log.catalogue([paths.EXERCISES])
    log = _log(tmp_path, [(q, "incorrect") for q in cat[cat.folder == aid].question])
    session = ReviewSession(roots=[tmp_path], log=log)
    assert session.today
    session.show()
    texts = _display_texts(shown)  # the questions' own Markdown is the exercise's, not checked here
    assert len(texts) >= 2 + 3 * len(session.today)
    assert not english(*texts), "\n".join(english(*texts))


# ----------------------------------------------------------------------------- lesson widgets
def test_call_order_in_chinese(zh):
    """Are the call-order puzzle's steps, buttons, hints and verdicts Chinese, in every scenario?"""
    from grader.widgets.call_order import CallOrder, check_order, render_html

    texts = []
    for name in ("inbound", "transfer", "closing"):
        w = CallOrder(name)
        texts += widget_texts(w.box)
        texts.append(render_html(w.sc, w.check(), max_hints=1))
        texts.append(render_html(w.sc, check_order(w.sc, w.sc.ids)))
    assert not english(*texts), "\n".join(english(*texts))


def test_check_in_in_chinese(zh):
    """Are the check-in's sliders, buttons, summary and refusal Chinese?"""
    from grader.widgets.checkin import CheckIn

    w = CheckIn()
    w.add(2, 5)
    texts = widget_texts(w.box) + [w.render()]
    for mood, stress in [(4, 2), (3, 4), (1, 5), (5, 1)]:
        w.add(mood, stress)
    texts.append(w.render())
    assert "5 份回答" in texts[-1]
    assert not english(*texts), "\n".join(english(*texts))


def test_coaching_drills_in_chinese(zh):
    """Are the GROW sorter and the authority scenarios (items, menus, feedback) Chinese?"""
    from grader.widgets.coaching_drills import (QuestionSorter, ScenarioDrill, load, mark_scenario, mark_sort,
                                                render_sort, render_sort_line)

    sorter, drill = QuestionSorter(), ScenarioDrill()
    qs, situations = load()
    texts = widget_texts(sorter.box) + widget_texts(drill.box)
    for answer in ({}, {i: (q.stage, q.kind) for i, q in enumerate(qs)},
                   {i: ("G", "open") for i in range(len(qs))}, {i: (q.stage, "closed") for i, q in enumerate(qs)}):
        stages, kinds, lines = mark_sort(answer, qs)
        texts.append(render_sort(stages, kinds, len(qs), lines))
    texts += [render_sort_line(mark_scenario(s, i)[1]) for s in situations for i in range(len(s.options))]
    assert not english(*texts), "\n".join(english(*texts))


def test_competency_gap_in_chinese(zh, capsys, figures):
    """Are the gap explorer's menus, table headings, summary line and chart Chinese?"""
    from grader.datasets import load
    from grader.widgets.competency_gap import GapExplorer, gap_table, words

    req, rat = load("competency_requirements.csv"), load("competency_ratings.csv")
    w = GapExplorer(req, rat)
    t = gap_table(req, rat, w.person.value, w.role.value)
    texts = widget_texts(w.box) + [capsys.readouterr().out] + figures
    texts += [words(c) for c in t.competency] + [words(r) for r in req.role.unique()]
    assert "岗位要求" in figures
    assert not english(*texts), "\n".join(english(*texts))


def test_quadrant_sorter_in_chinese(zh):
    """Are the four quadrants, the tasks and the feedback Chinese?"""
    from grader.widgets.quadrant_sorter import QuadrantSorter

    w = QuadrantSorter()
    texts = widget_texts(w.box)
    w.check()
    texts.append(w.out.value)
    for i, d in enumerate(w.dropdowns):
        d.value = ["I", "II", "III", "IV"][i % 4]
    w.check()
    texts.append(w.out.value)
    assert "✅" in texts[-1] and "❌" in texts[-1]
    assert not english(*texts), "\n".join(english(*texts))


def test_staffing_explorer_in_chinese(zh, figures):
    """Are the sliders, the results table and the chart Chinese?"""
    from grader.widgets.staffing_explorer import StaffingExplorer

    w = StaffingExplorer()
    texts = widget_texts(w.box) + figures
    assert "平均应答速度" in w.text.value and len(figures) >= 4
    assert not english(*texts), "\n".join(english(*texts))


def test_technique_matcher_in_chinese(zh):
    """Are the situations, the six technique buttons and the feedback Chinese?"""
    from grader.widgets.technique_matcher import TECHNIQUES, TechniqueMatcher

    w = TechniqueMatcher()
    texts = []
    for _ in w.situations:
        texts += widget_texts(w.box)
        for key in TECHNIQUES:
            w.pick(key)
            texts.append(w.result.value)
        w.advance()
    assert not english(*texts), "\n".join(english(*texts))


def test_violation_spotter_in_chinese(zh):
    """Are the calls, the standards' explanations, the buttons and verdicts Chinese, for every call?"""
    from grader.widgets.violation_spotter import ViolationSpotter, render_html, render_nothing_ticked

    w = ViolationSpotter()
    texts = [render_nothing_ticked()]
    for tid in w.transcripts:
        w.chooser.value = tid
        texts += widget_texts(w.box)
        ticks = list(w.boxes)[::2]
        for n, cb in w.boxes.items():
            cb.value = n in ticks
        texts.append(render_html(w.check(), show_fine=True))
        for cb in w.boxes.values():
            cb.value = False
        w.check()
        texts.append(w.result.value)
    assert not english(*texts), "\n".join(english(*texts))


def test_violation_spotter_in_english_as_before():
    """Does the English explanation still name the standard with its Chinese name beside it?"""
    from grader.datasets.transcripts import load_standards, load_transcripts
    from grader.widgets.violation_spotter import mark

    res = mark(load_transcripts()["T2"], [2], load_standards())
    line2 = next(v for v in res.verdicts if v.n == 2)
    assert line2.explanation.startswith("Breaks: Complete greeting (标准问候语): Open with all four parts")
    assert res.message == "You found 1 of the 8 lines with a slip."


# ----------------------------------------------------------------------------- role-play
def test_roleplay_cards_and_scorer_in_chinese(zh, tmp_path):
    """Are the scorecard table, the scenario cards and the scorer (labels, buttons, totals,
    messages, saved scores) Chinese?"""
    from grader.roleplay.scenarios import brief_html, load_scenarios
    from grader.roleplay.scorecard import load_scorecards
    from grader.roleplay.scorer import RolePlayScorer

    cards = load_scorecards()
    texts = [c.show().to_html() for k, c in cards.items() if ".v" in k]
    scenarios = load_scenarios(cards=cards)
    texts += [brief_html(s, role) for s in scenarios.values() for role in ("all", "agent")]
    scorer = RolePlayScorer(tmp_path / "rp.db")
    texts += widget_texts(scorer)
    scorer.save()  # nothing answered
    texts.append(scorer.message_w.value)
    scorer.learner_w.value, scorer.rater_w.value = "王梅", "张磊"
    card = scorer.card
    scorer.set_answers({i.id: i.scale.options[0] for i in card.items})
    texts.append(scorer.total_w.value)
    scorer.set_answers({c.id: "pass" for c in card.critical})
    texts.append(scorer.total_w.value)
    assert scorer.save() is not None
    texts += [scorer.message_w.value, scorer.recent_w.value]
    scorer.set_answer(card.critical[0].id, "fail")
    texts.append(scorer.total_w.value)
    for name in scorer.scenarios:  # every card, both scorecards
        scorer.scenario_w.value = name
        texts += widget_texts(scorer)
    assert not english(*texts), "\n".join(english(*texts))


def test_track_names_in_chinese(zh):
    """Are the tracks' titles and summaries, and their assignments' and role-plays' titles, Chinese?"""
    from grader.tracks import load_manifest

    texts = [x for t in load_manifest() for x in (t.title, t.summary, *(a.label for a in t.assignments),
                                                   *(r.title for r in t.roleplays))]
    assert not english(*texts), "\n".join(english(*texts))


def test_the_detector_sees_english():
    """Would these tests notice an English sentence (the check can fail)?"""
    assert english("<b>第 1.3 题</b>：Not quite. 再想想。")
    assert not english("<b>T4 · 一通电话</b> 评分表 <code>customer-call v1</code> · 20 GB · IPv6 · 第 2 行")


def test_review_in_chinese_asks_the_chinese_exercises(zh):
    """Does a zh-CN review take its questions from exercises/zh-CN (headed 第 1.1 题), sealed with
    the same answer keys as the English edition's?"""
    from grader import paths
    from grader.check import unseal
    from grader.review import bank, edition_dir

    assert edition_dir() == paths.EXERCISES / "zh-CN"
    zh_bank, en_bank = bank(edition_dir()), bank(paths.EXERCISES)
    assert zh_bank and set(zh_bank) <= set(en_bank)
    for name, q in zh_bank.items():
        assert q.text.startswith(f"**第 {name[1:].replace('_', '.')} 题**"), q.text[:40]
        assert unseal(q.sealed)["key"] == unseal(en_bank[name].sealed)["key"]


def test_a_learners_own_check_call_cannot_stand_in_for_the_locked_one():
    """A learner's cell that calls check() with a key of its own: the feedback's hint still comes
    from the locked check cell, and the learner's key is scrubbed from outputs like the real one."""
    import nbformat

    from grader.preprocessors.learner_feedback import LearnerFeedback

    nb = _graded_notebook(None)
    forged = seal(make_sealed_spec("q1_1", {"kind": "choice", "options": list("ABC")}, {"answer": "C"}))
    nb.cells.insert(2, nbformat.v4.new_code_cell(f'check("q1_1", q1_1, sealed="{forged}")\nprint("{forged}")'))
    nb.cells[2].outputs = [nbformat.v4.new_output("stream", name="stdout", text=forged)]
    nb, _ = LearnerFeedback().preprocess(nb, {})
    assert forged not in str([c.get("outputs") for c in nb.cells]) and 'sealed="…"' in nb.cells[2].source
    graded = [o["data"]["text/plain"] for o in nb.cells[4].outputs]
    assert graded[0].startswith("Question 1.1: 0 of 1 point\n❌ Question 1.1: Not quite.")  # the real key
