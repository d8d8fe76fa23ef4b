"""The cohort report in Chinese: `academy report --lang zh-CN` gives a trainer a page without an
English sentence, with the track and assignment titles in Chinese and charts drawn with Chinese
glyphs. English stays as it was (the other report tests)."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import warnings
from pathlib import Path

import pandas as pd

from grader import i18n, paths
from grader.analytics.options import option_wording
from grader.analytics.report import CohortData, _roleplay, read_unsandboxed, render
from grader.roleplay.scorecard import load_scorecards
from grader.roleplay.store import RolePlayStore
from grader.synthetic.grades import synthetic_cohort, synthetic_grades, write_gradebook
from grader.tracks import load_manifest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from academy_testing import ROOT, english_pairs, visible_text  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_report_escaping import SCRIPT, assert_inert, escaped, hostile_cohort, hostile_store  # noqa: E402,F401

MODULES = ["01-service-standards", "02-emotion-management-agent"]
FAMILY, GIVEN = "王张刘陈李赵孙吴周徐", "梅磊涛明娜晗萍强凯芳"


def chinese_names(people: pd.DataFrame) -> pd.DataFrame:
    """The same learners with Chinese names (learner ids stay ids)."""
    n = len(people)
    return people.assign(first_name=[GIVEN[i % 10] for i in range(n)],
                         last_name=[FAMILY[(i // 10) % 10] for i in range(n)])


def roleplay_db(path: Path) -> Path:
    """Two raters with Chinese names scoring the same call, so the report has a calibration."""
    card = load_scorecards()["customer-call"]
    store = RolePlayStore(path)
    for rater, pick in (("陈明", 0), ("李娜", -1)):
        answers = {it.id: it.scale.options[pick] for it in card.items}
        answers.update({c.id: "pass" for c in card.critical})
        store.save(card, answers, learner="l00001", rater=rater, scenario_id="angry-caller", call_id="c1")
    return path


def render_quietly(data: CohortData) -> str:
    """The report, with every warning an error: matplotlib's "Glyph … missing from font(s)" too."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return render(data)


def test_cohort_report_in_chinese(chinese, tmp_path):
    """Is every heading, sentence, header, note and title of the report Chinese, with the tracks'
    and assignments' Chinese titles, options in their Chinese wording, and <html lang="zh-CN">?"""
    table, people, answers, kinds, keys = synthetic_cohort(30, 20, per_assignment=10)
    rename = dict(zip(["01-module", "02-module"], MODULES))
    table = table.assign(assignment=table.assignment.map(rename), notebook=table.notebook.map(rename))
    answers = answers.assign(assignment=answers.assignment.map(rename))
    table.loc[table.question == "q2_10", "needs_manual_grade"] = True  # awaiting a trainer
    # self-check logs (one learner failing most), an unsandboxed grade, unreadable grading records
    checks = pd.DataFrame({"learner": ["l00001"] * 7, "question": ["q1_1"] * 7,
                           "status": ["incorrect"] * 6 + ["correct"]})
    graded = tmp_path / ".academy" / "graded" / MODULES[0]
    graded.mkdir(parents=True)
    (graded / "l00002.json").write_text(json.dumps({"sandboxed": False}))
    (graded / "l00003.json").write_text("{not json")
    (graded / "l00004.json").write_text(json.dumps({"fingerprint": "x"}))
    notes: list[str] = []
    unsandboxed = read_unsandboxed(tmp_path, notes)
    results, calibration = _roleplay(roleplay_db(tmp_path / "rp.db"), notes)
    assert calibration and len(notes) == 2
    data = CohortData(table, chinese_names(people), None, answers, kinds, keys, checks=checks,
                      roleplay=results, calibration=calibration, tracks=load_manifest(), notes=notes,
                      unsandboxed=unsandboxed,
                      wording=option_wording(paths.SOLUTIONS / MODULES[0], "zh-CN"))
    page = render_quietly(data)

    assert '<html lang="zh-CN">' in page
    text = visible_text(page)
    assert english_pairs(text) == [], "\n".join(english_pairs(text))
    for heading in ["各模块与各学习路径的完成情况", "得分分布", "题目难度与区分度", "选择题各选项的选择情况",
                    "需要关注的学员", "角色扮演", "评分校准", "管理路径完成情况"]:
        assert f">{heading}</h" in page, heading
    assert "坐席路径" in text and "管理路径" in text  # track titles, from tracks.yaml's title_zh
    assert "模块 1 · 服务标准" in text  # an assignment's title, ditto
    # q1_1's key, C, as the Chinese edition words it
    assert "C · “上午好，蓝湾宽带，我是王梅。请问有什么可以帮您？”" in text
    assert "自查多次未通过：7 次中有 6 次不正确" in text and "王梅" in text
    assert page.count('src="data:image/png;base64,') == 4


def test_option_wording_follows_the_language():
    """Does the option wording come from the Chinese edition for zh-CN, and stay English without?"""
    source = paths.SOLUTIONS / MODULES[0]
    assert option_wording(source)["q1_1"]["A"] == ("A", '"Bluewater Broadband, hello?"')
    assert option_wording(source, "en") == option_wording(source)
    zh = option_wording(source, "zh-CN")
    assert zh["q1_1"]["A"] == ("A", "“蓝湾宽带，喂？”")
    assert zh.keys() == option_wording(source).keys()  # the same questions and options
    assert all(zh[q].keys() == option_wording(source)[q].keys() for q in zh)


def test_report_is_english_without_a_language(monkeypatch):
    """Without --lang or ACADEMY_LANG the page is English, lang="en", as before."""
    monkeypatch.delenv("ACADEMY_LANG", raising=False)
    i18n.use_language(None)
    table, people, *_ = synthetic_cohort(10, 10)
    page = render(CohortData(table, people, tracks=load_manifest()))
    assert '<html lang="en">' in page and "<title>Cohort report</title>" in page
    assert "Agent track" in page and "坐席" not in page


def test_academy_report_lang_zh_cn_writes_a_chinese_report(tmp_path):
    """Does `academy report --lang zh-CN`, run as a trainer runs it, print and write Chinese?"""
    course = tmp_path / "cohort"
    course.mkdir()
    table, people = synthetic_grades(12, 20, seed=5, per_assignment=10, assignments=MODULES)
    write_gradebook(f"sqlite:///{course / 'gradebook.db'}", table, chinese_names(people))
    env = {k: v for k, v in os.environ.items() if k != "ACADEMY_LANG"}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    run = subprocess.run([sys.executable, "-W", "error::UserWarning", "-m", "grader.cli", "report",
                          "--lang", "zh-CN", "--course", str(course),
                          "--roleplay-db", str(tmp_path / "none.db")],
                         cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    assert re.search(r"班级报告（12 名学员）已于 \d{4}-\d\d-\d\d \d\d:\d\d UTC[+-]\d\d:\d\d 生成", run.stdout), run.stdout
    assert english_pairs(run.stdout) == [], run.stdout
    assert "Glyph" not in run.stderr, run.stderr
    page = (course / "report.html").read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in page and "<title>班级报告 · cohort</title>" in page
    text = visible_text(page)
    assert english_pairs(text) == [], "\n".join(english_pairs(text))
    assert "坐席路径" in text and "模块 2 · 情绪管理（坐席）" in text
    assert "没有角色扮演数据" in text


def test_chinese_reports_escape_learner_and_rater_text(chinese, hostile_store):
    """With the Chinese catalog's sentences (which may carry <b>), do names and notes typed by
    learners and raters still show as text in both reports?"""
    from grader.roleplay.calibration import calibrate_store
    from grader.roleplay.report import render_html

    store, cards = hostile_store
    for page in (render(hostile_cohort(store)), render_html(calibrate_store(store, cards=cards))):
        assert '<html lang="zh-CN">' in page
        assert_inert(page)
        assert escaped(SCRIPT) in page
