"""Spaced review: the question bank, Leitner boxes from the self-check log, and today's choice."""
from __future__ import annotations

import datetime as dt
import json

import pandas as pd

from grader import check_log, paths
from grader.check import unseal
from grader.nbgrader_ext import question_specs
from grader.review import ReviewSession, bank, boxes, choose, finished_assignments, parse_answer

NOW = dt.datetime(2026, 12, 1, 12, 0)
BANK = bank()


def _solution_answers(aid: str) -> dict:
    import nbformat

    nb = nbformat.read(paths.SOLUTIONS / aid / f"{aid}.ipynb", as_version=4)
    return {n: p["grade"]["answer"] for n, p in question_specs(nb).items() if "grade" in p}


def _log(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["time", "question", "folder", "status"])


def test_bank_holds_sealed_literal_questions_only():
    """Does the bank hold each released question's text and sealed spec (no answer, no hidden
    test), and leave out questions that need the exercise's data or code?"""
    assert {"q1_1", "q2_1", "q3_4", "q7_1", "q8_9", "q4_1"} <= set(BANK)
    assert not {"q2_11", "q3_6", "q3_14", "q4_11", "q5_9"} & set(BANK), "data questions need code"
    q = BANK["q1_10"]
    assert q.assignment == "01-service-standards" and q.text.startswith("**Question 1.10**")
    assert unseal(q.sealed)["kind"] == "choice"
    assert "BEGIN SOLUTION" not in q.text and "grade(" not in q.text


def test_leitner_boxes_replay_the_log():
    """Does a right answer move a question up a box, a wrong one send it back to box 1, and is a
    box-n question due 2^(n-1) days after it was last seen?"""
    log = _log([("2026-11-20T10:00:00", "q1_1", "01", "correct"),
                ("2026-11-21T10:00:00", "q1_1", "01", "correct"),
                ("2026-11-30T10:00:00", "q1_1", "01", "correct"),
                ("2026-11-20T10:00:00", "q1_2", "01", "correct"),
                ("2026-11-30T11:00:00", "q1_2", "01", "incorrect"),
                ("2026-11-30T11:00:00", "q1_3", "01", "form"),
                ("2026-11-30T11:00:00", "q1_4", "01", "unanswered")])
    b = boxes(log, NOW).set_index("question")
    assert b.loc["q1_1"].box == 4 and not b.loc["q1_1"].due  # seen 1 day ago, due after 8
    assert b.loc["q1_2"].box == 1 and b.loc["q1_2"].wrong == 1 and b.loc["q1_2"].due
    assert "q1_3" not in b.index and "q1_4" not in b.index, "form slips and blanks are not tries"


def test_choice_prefers_wrong_then_oldest_from_finished_modules_only():
    """Are only finished modules reviewed, at most ten questions, wrong ones first and then the
    ones not seen for longest?"""
    aid = "03-time-management-agent"
    qs = sorted(q for q, r in BANK.items() if r.assignment == aid)
    rows = [(f"2026-11-{10 + i:02d}T09:00:00", q, aid, "correct") for i, q in enumerate(qs)]
    rows.append(("2026-11-29T09:00:00", "q3_3", aid, "incorrect"))
    rows.append(("2026-11-29T09:00:00", "q1_1", "01-service-standards", "incorrect"))  # 01 unfinished
    log = _log(rows)
    finished = finished_assignments(log, BANK)
    assert finished == [aid]
    today = choose(log, BANK, finished, n=10, now=NOW)
    names = [q.question for q in today]
    assert names[0] == "q3_3" and "q1_1" not in names and len(names) == len(qs) <= 10
    assert names[1:] == sorted(names[1:], key=lambda q: dict((r[1], r[0]) for r in rows)[q])
    assert len(choose(log, BANK, ["01-service-standards", aid], n=10, now=NOW)) == 10


def test_session_checks_like_the_exercise_and_logs_to_the_same_log(tmp_path):
    """Does the review accept the exercise's right answer, give the exercise's hint for a wrong one,
    and write tries (not form slips) to the self-check log that the progress page reads?"""
    aid = "02-emotion-management-agent"
    log = tmp_path / ".academy" / "checks.jsonl"
    log.parent.mkdir()
    qs = [q for q, r in BANK.items() if r.assignment == aid]
    log.write_text("\n".join(json.dumps({"time": "2026-11-01T09:00:00", "question": q, "folder": aid,
                                         "status": "incorrect"}) for q in qs) + "\n")
    s = ReviewSession(roots=[tmp_path], log=log, now=NOW)
    assert s.finished == [aid] and {q.question for q in s.today} == set(qs)
    i = next(k for k, q in enumerate(s.today, 1) if q.question == "q2_3")
    answers = _solution_answers(aid)
    assert s.check(i, answers["q2_3"]).status == "correct"
    wrong = s.check(i, "A")
    assert wrong.status == "incorrect" and "by when" in wrong.message
    assert s.check(i, 3).status == "form"
    rows = [json.loads(x) for x in log.read_text().splitlines()]
    assert [r["status"] for r in rows[-2:]] == ["correct", "incorrect"] and rows[-1]["source"] == "review"
    assert set(check_log.load_checks([log]).folder) == {aid}
    assert parse_answer("['A', 'C']") == ["A", "C"] and parse_answer("B") == "B" and parse_answer("") is ...


def test_read_only_log_folder_never_breaks_the_review(tmp_path):
    """When the log cannot be written (a read-only course folder), is the answer still checked?"""
    aid = "03-time-management-agent"
    log = tmp_path / ".academy" / "checks.jsonl"
    log.parent.mkdir()
    log.write_text("\n".join(json.dumps({"time": "2026-11-01T09:00:00", "question": q, "folder": aid,
                                         "status": "correct"}) for q, r in BANK.items() if r.assignment == aid))
    s = ReviewSession(roots=[tmp_path], log=tmp_path / "no-such-dir" / "file" / "x.jsonl", now=NOW)
    (tmp_path / "no-such-dir").write_text("a file where a folder should be")
    q = s.today[0]
    assert s.check(1, _solution_answers(aid)[q.question]).status == "correct"  # logged: tried, failed quietly
