"""The demo summary and the cohort report tell a trainer the same things the same way.

One learner's score is one number in both (grader.analytics.scores), pass or fail against the
track pass marks is the tracks engine's verdict (the rule of `academy candidates`), and the
summary says where the report and formgrader are. Built on a small grade table, no grading.
"""
from __future__ import annotations

import html
import re
from pathlib import Path

import pandas as pd

from grader.analytics.report import CohortData, render
from grader.analytics.scores import SCORE_DEFINITION
from grader.commands.demo import learner_summary, next_steps
from grader.synthetic.learners import Learner
from grader.tracks import TableRecords, evaluate, parse_manifest

TRACKS = parse_manifest({"tracks": [
    {"id": "agent", "title": "Agent track", "assignments": [
        {"id": "a1", "pass_mark": 70}, {"id": "a2", "pass_mark": 60}]},
    {"id": "leadership", "title": "Leadership track", "assignments": [
        {"id": "a1", "pass_mark": 70}, {"id": "a2", "pass_mark": 60}, {"id": "s1", "pass_mark": 75}]}]})


def _grade(learner, assignment, question, score, points, *, written=False, waiting=False):
    return {"learner": learner, "assignment": assignment, "notebook": assignment, "question": question,
            "score": score, "max_score": float(points), "auto_score": None if waiting else score,
            "manual_score": None, "needs_manual_grade": waiting, "written": written}


def _cohort():
    rows = [
        # low: a1 2/10 (20%) with a written answer still to mark (left out), a2 20/40 with a blank
        # written answer (autograded 0, counted) 0/5: averaged (20% + 44.4%) / 2 = 32%, pooled 22/55 = 40%
        _grade("low", "a1", "q1_1", 2, 10), _grade("low", "a1", "q1_2", 0, 3, written=True, waiting=True),
        _grade("low", "a2", "q2_1", 20, 40), _grade("low", "a2", "q2_2", 0, 5, written=True),
        # top: passes both of the agent track's assignments
        _grade("top", "a1", "q1_1", 9, 10), _grade("top", "a1", "q1_2", 2, 3, written=True),
        _grade("top", "a2", "q2_1", 36, 40), _grade("top", "a2", "q2_2", 4, 5, written=True),
        # lead (leadership): a1 and a2 passed, s1 below its pass mark with a written answer to mark
        _grade("lead", "a1", "q1_1", 10, 10), _grade("lead", "a2", "q2_1", 40, 40),
        _grade("lead", "s1", "q3_1", 5, 10), _grade("lead", "s1", "q3_2", 0, 10, written=True, waiting=True),
    ]
    table = pd.DataFrame(rows)
    learners = [Learner("low", "Lou", "Low", "struggling"), Learner("top", "Tia", "Top", "strong"),
                Learner("lead", "Lee", "Lead", "average", track="leadership")]
    people = pd.DataFrame({"learner": [l.id for l in learners], "first_name": [l.first_name for l in learners],
                           "last_name": [l.last_name for l in learners]})
    return table, learners, people


def _summary_line(text: str, learner: str) -> list[str]:
    line = next(l for l in text.splitlines() if l.startswith(f"{learner} "))
    return line.split()


def test_demo_summary_and_report_show_the_same_score():
    """Is a learner's score in the demo summary the number the report shows for them, with the
    definition stated in both (an average of assignment percentages, not pooled points)?"""
    table, learners, people = _cohort()
    summary = learner_summary(table, learners, TRACKS, ["a1", "a2", "s1"])
    page = render(CohortData(table, people, tracks=TRACKS))
    demo_score = _summary_line(summary, "low")[5]
    assert demo_score == "32%", summary  # (2/10 + 20/45) / 2, not the pooled 22/55 = 40%
    row = re.search(r"<tr><td>low</td><td>Lou Low</td><td>.*?</td><td>(\d+%)</td>", page, re.S)
    assert row and row.group(1) == demo_score
    assert "low score: 32%, below 50%" in page
    assert SCORE_DEFINITION in summary and SCORE_DEFINITION in html.unescape(page)


def test_demo_summary_gives_the_engines_pass_or_fail():
    """Does each learner's result follow the tracks engine on their own track's pass marks:
    pass, fail, or waiting when the only shortfall still has written answers to mark?"""
    table, learners, _ = _cohort()
    summary = learner_summary(table, learners, TRACKS, ["a1", "a2", "s1"])
    records = TableRecords(table, None)
    by_id = {t.id: t for t in TRACKS}
    expected = {"low": ("0 of 2", "fail"), "top": ("2 of 2", "pass"), "lead": ("2 of 3", "waiting")}
    for l in learners:
        states = [r.state for r in evaluate(by_id[l.track], l.id, records).requirements]
        words = _summary_line(summary, l.id)
        assert (" ".join(words[-5:-2]), words[-2]) == expected[l.id], summary
        assert words[-5] == str(states.count("met"))
    assert ("Agent track (2 learners): passed all their assignments: 1; waiting for written answers "
            "to be marked: 0; not passed yet: 1.") in summary
    assert ("Leadership track (1 learner): passed all their assignments: 0; waiting for written "
            "answers to be marked: 1; not passed yet: 0.") in summary
    assert "academy candidates" in summary and "Role-plays" in summary


def test_demo_summary_points_to_the_report_and_formgrader():
    """Does the summary say how to make and open the report and how to open formgrader?"""
    text = next_steps(Path("build/demo"))
    assert "academy report --course build/demo" in text and "build/demo/report.html" in text
    assert "academy formgrader --course build/demo" in text and "Manual Grading" in text
