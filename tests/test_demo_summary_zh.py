"""The demo summary in Chinese: whole sentences, counts without "(s)", the tracks' Chinese titles,
and a table whose columns line up in a terminal (a Chinese character takes two columns)."""
from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from grader import i18n
from grader.commands import demo
from grader.synthetic.learners import Learner
from grader.tracks import parse_manifest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from academy_testing import english_pairs  # noqa: E402

MANIFEST = {"tracks": [
    {"id": "agent", "title": "Agent track", "title_zh": "坐席路径", "assignments": [
        {"id": "a1", "pass_mark": 70}, {"id": "a2", "pass_mark": 60}]},
    {"id": "leadership", "title": "Leadership track", "title_zh": "管理路径", "assignments": [
        {"id": "a1", "pass_mark": 70}, {"id": "a2", "pass_mark": 60}, {"id": "s1", "pass_mark": 75}]}]}


def _grade(learner, assignment, question, score, points, *, written=False, waiting=False):
    return {"learner": learner, "assignment": assignment, "notebook": assignment, "question": question,
            "score": score, "max_score": float(points), "auto_score": None if waiting else score,
            "manual_score": None, "needs_manual_grade": waiting, "written": written}


def _cohort():
    """learner001 fails, learner002 passes the agent track, learner003 (leadership) waits for a
    written answer to be marked."""
    table = pd.DataFrame([
        _grade("learner001", "a1", "q1_1", 2, 10), _grade("learner001", "a1", "q1_2", 0, 3, written=True, waiting=True),
        _grade("learner001", "a2", "q2_1", 20, 40), _grade("learner001", "a2", "q2_2", 0, 5, written=True),
        _grade("learner002", "a1", "q1_1", 9, 10), _grade("learner002", "a1", "q1_2", 2, 3, written=True),
        _grade("learner002", "a2", "q2_1", 36, 40), _grade("learner002", "a2", "q2_2", 4, 5, written=True),
        _grade("learner003", "a1", "q1_1", 10, 10), _grade("learner003", "a2", "q2_1", 40, 40),
        _grade("learner003", "s1", "q3_1", 5, 10),
        _grade("learner003", "s1", "q3_2", 0, 10, written=True, waiting=True)])
    learners = [Learner("learner001", "梅", "王", "struggling"), Learner("learner002", "磊", "张", "strong"),
                Learner("learner003", "明", "陈", "average", track="leadership")]
    return table, learners


def test_demo_summary_in_chinese(chinese):
    """Is every line of the summary Chinese, with the Chinese names, tracks, profiles and results?"""
    table, learners = _cohort()
    tracks = parse_manifest(MANIFEST)  # in the current language: the Chinese titles
    text = demo.learner_summary(table, learners, tracks, ["a1", "a2", "s1"])
    assert english_pairs(text) == [], "\n".join(english_pairs(text))
    assert text.startswith("班级概况：3 名学员，3 份练习；")
    rows = {line.split()[0]: line.split() for line in text.splitlines() if line.startswith("learner0")}
    assert rows["learner001"][1:] == ["王梅", "坐席", "吃力", "32%", "0/2", "不合格", "1"]
    assert rows["learner002"][1:] == ["张磊", "坐席", "优秀", "87%", "2/2", "合格", "0"]
    assert rows["learner003"][1:] == ["陈明", "管理", "中等", "83%", "2/3", "待批阅", "1"]
    assert "坐席路径（2 名学员）：全部练习达标 1 人；等待批阅文字题 0 人；尚未达标 1 人。" in text
    assert "管理路径（1 名学员）：全部练习达标 0 人；等待批阅文字题 1 人；尚未达标 0 人。" in text


def test_summary_columns_line_up_in_a_terminal(chinese):
    """Does every line of the table take the same terminal width, Chinese characters counting two
    columns, so that the columns line up under their headings?"""
    table, learners = _cohort()
    text = demo.learner_summary(table, learners, parse_manifest(MANIFEST), ["a1", "a2", "s1"])
    lines = text.splitlines()
    head = next(i for i, line in enumerate(lines) if line.startswith("学员"))
    grid = lines[head:head + 4]
    assert {demo.width(line) for line in grid} == {sum(w for _h, w, _r in demo.COLUMNS)}
    # each right-aligned column ends where its heading ends
    for line in grid[1:]:
        assert demo.width(line[:line.index("%") + 1]) == demo.width(grid[0][:grid[0].index("得分") + 2])
    assert demo.width("王梅 ab") == 7


def test_question_summary_next_steps_and_counts_in_chinese(chinese):
    """Are the per-question lines, the written-answers note, the next steps and the counts Chinese
    (formgrader's own menu names, which are only in English, are quoted as they appear)?"""
    table, _ = _cohort()
    questions = demo._question_summary(table[~table.written])
    note = demo.written_note(["q1_2", "q2_2", "q3_2"])
    steps = demo.next_steps(Path("build/demo"))
    for text in (questions, note):
        assert english_pairs(text) == [], text
    assert english_pairs(steps, ui_labels=True) == [], steps
    assert "“Manage Assignments > Manual Grading”" in steps and "`academy report --course build/demo`" in steps
    assert questions.startswith("各题情况（全班得分占总分的比例）：") and "最难的题：q3_1 (50%)" in questions
    assert note == "以上数字不含文字题，由培训师在 formgrader 中批阅：q1_2、q2_2、q3_2。"
    assert i18n.ngettext("{n} learner", "{n} learners", 1).format(n=1) == "1 名学员"


def test_counts_are_singular_and_plural_in_english():
    """English says "1 learner" and "2 learners" (ngettext), not "1 learners"."""
    i18n.use_language(None)
    table, learners = _cohort()
    text = demo.learner_summary(table, learners, parse_manifest(MANIFEST), ["a1", "a2", "s1"])
    assert "Leadership track (1 learner): passed all" in text and "Agent track (2 learners):" in text
    assert text.startswith("Cohort summary: 3 learners and 3 assignments;")
    row = next(line for line in text.splitlines() if line.startswith("learner003"))
    assert row.split()[2:4] == ["leadership", "average"] and row.split()[-2] == "waiting"


def test_a_chinese_demo_cohort_has_chinese_names_and_is_otherwise_the_same():
    """Does the zh-CN demo's cohort differ from the English one only in its (Chinese) names?"""
    from grader.analytics.report import person_name
    from grader.synthetic.learners import make_learners

    en, zh = make_learners(24), make_learners(24, lang="zh-CN")
    assert [(l.id, l.profile, l.track) for l in zh] == [(l.id, l.profile, l.track) for l in en]
    names = [person_name(l.first_name, l.last_name) for l in zh]
    assert len(set(names)) == 24 and all(english_pairs(n) == [] and "\u4e00" <= n[0] <= "\u9fff" for n in names)
    assert person_name("梅", "王") == "王梅" and person_name("Mei", "Wang") == "Mei Wang"
