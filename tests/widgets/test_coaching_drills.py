"""Module 4's coaching drills: the GROW/open-closed sorter and the authority scenarios."""
from __future__ import annotations

import pytest
import yaml

from grader.widgets import coaching_drills as cd


def test_items_cover_every_stage_and_both_kinds():
    """Does the practice set hold open and closed questions for every GROW stage?"""
    qs, _ = cd.load()
    assert {(q.stage, q.kind) for q in qs} == {(s, k) for s in cd.STAGES for k in cd.KINDS}


def test_sorting_right_and_wrong():
    """Does a perfect sort score full marks with the explanations, and a wrong one count the
    stage and the open/closed half separately without explaining the key?"""
    qs, _ = cd.load()
    perfect = {i: (q.stage, q.kind) for i, q in enumerate(qs)}
    assert cd.mark_sort(perfect)[:2] == (len(qs), len(qs))
    wrong = dict(perfect)
    other = next(s for s in cd.STAGES if s != qs[0].stage)
    wrong[0] = (other, qs[0].kind)
    stages, kinds, lines = cd.mark_sort(wrong)
    assert (stages, kinds) == (len(qs) - 1, len(qs))
    assert lines[0].startswith("❌") and "the stage" in lines[0] and qs[0].why not in lines[0]
    assert "not sorted yet" in cd.mark_sort({})[2][0]


def test_each_scenario_has_one_best_response():
    """Does every scenario have exactly one best response, and feedback for every option?"""
    _, scs = cd.load()
    assert {s.id for s in scs} >= {"grace-period", "second-rule", "friend-breach"}
    for s in scs:
        results = [cd.mark_scenario(s, i) for i in range(len(s.options))]
        assert sum(best for best, _ in results) == 1
        assert all(text for _, text in results)
    with pytest.raises(ValueError, match="between 1 and"):
        cd.mark_scenario(scs[0], 9)


def test_lesson_items_are_not_the_exercise_items():
    """Is no practice question word-for-word one of the graded Module 4 questions?"""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    text = (root / "solutions" / "04-coaching-and-leading" / "04-coaching-and-leading.ipynb").read_text()
    qs, _ = cd.load()
    assert not [q.text for q in qs if q.text.strip('"') in text]


def test_bad_data_file_is_refused(tmp_path):
    """Is a scenario with two 'best' options refused with the file and scenario named?"""
    bad = tmp_path / "d.yaml"
    bad.write_text("questions: []\nscenarios:\n  - id: x\n    situation: s\n    options:\n"
                   "      - {text: a, best: true, feedback: f}\n      - {text: b, best: true, feedback: f}\n")
    with pytest.raises(cd.CoachingDrillsError,
                       match=r"^d.yaml: scenarios\[0\].options \(id 'x'\): exactly one option must have "
                             r"'best: true' \(2 have\)$"):
        cd.load(bad)


def test_every_problem_in_the_drills_file_is_listed(tmp_path):
    """Does a copy of the course's drills file with several mistakes report them all at once,
    each with its place (a stage that is not G/R/O/W, a misspelt key, a scenario without a best
    option, a repeated id), still as a ValueError for older callers?"""
    data = yaml.safe_load(cd.DATA.read_text(encoding="utf-8"))
    data["questions"][0]["stage"] = "Goal"
    data["questions"][1]["wyh"] = data["questions"][1].pop("why")
    for o in data["scenarios"][0]["options"]:
        o.pop("best", None)
    data["scenarios"][1]["id"] = data["scenarios"][0]["id"]
    path = tmp_path / "coaching_drills.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ValueError) as err:
        cd.load(path)
    first = data["scenarios"][0]["id"]
    assert str(err.value).splitlines() == [
        "coaching_drills.yaml: questions[0].stage: should be 'G', 'R', 'O' or 'W', got 'Goal'",
        "coaching_drills.yaml: questions[1].why: required, but missing",
        "coaching_drills.yaml: questions[1].wyh: unknown field (check the spelling)",
        f"coaching_drills.yaml: scenarios[0].options (id '{first}'): exactly one option must have "
        "'best: true' (none has)",
        f"coaching_drills.yaml: scenarios[1].id: '{first}' is used twice (first at scenarios[0].id); "
        "ids must be unique",
    ]


def test_widgets_build_without_a_browser():
    """Do both widgets build and react to a choice (the Check button, a radio selection)?"""
    sorter = cd.QuestionSorter()
    sorter.rows[0][0].value, sorter.rows[0][1].value = sorter.questions[0].stage, sorter.questions[0].kind
    sorter.show()
    drill = cd.ScenarioDrill("grace-period")
    drill.boxes[0].children[1].value = 1


def test_grow_feedback_is_styled_html_that_wraps_words():
    """Is the GROW sorter's feedback the course's styled cards (page font, wrapping at word
    boundaries), not monospace printed text?"""
    from grader.widgets.coaching_drills import render_sort

    page = render_sort(3, 2, 4, ["✅ A: why", "❌ B: look again", "… C: not sorted yet."])
    assert "font-family:sans-serif" in page and "white-space:normal" in page
    assert "<pre" not in page and "Stages right: 3 of 4" in page and page.count("<li") == 3
