"""A learner's progress page reads their own check logs and nothing else."""
from __future__ import annotations

import json

from grader.check_log import catalogue, find_logs, load_checks, summary


def test_progress_from_own_logs(tmp_path):
    """Are tries, latest results and completed notebooks counted from the learner's logs?"""
    course = tmp_path / "course" / "01-service"
    course.mkdir(parents=True)
    nb = {"cells": [{"cell_type": "code", "source": 'check("q1_1", q1_1, sealed="x")'},
                    {"cell_type": "code", "source": ['check("q1_2", q1_2, sealed="y")']}]}
    (course / "01-service.ipynb").write_text(json.dumps(nb))
    log = course / ".academy" / "checks.jsonl"
    log.parent.mkdir()
    rows = [("q1_1", "incorrect"), ("q1_1", "correct"), ("q1_2", "correct"), ("q1_2", "form")]
    log.write_text("\n".join(json.dumps({"time": f"2026-01-01T10:0{i}:00", "question": q, "folder": "01-service",
                                         "status": s}) for i, (q, s) in enumerate(rows)) + "\nnot json\n")
    other = tmp_path / "someone-else" / "a" / "b" / "c" / ".academy"
    other.mkdir(parents=True)
    (other / "checks.jsonl").write_text(json.dumps({"time": "t", "question": "q1_2", "status": "correct"}))
    logs = find_logs([tmp_path / "course"])
    assert logs == [log.resolve()]
    checks = load_checks(logs)
    per = summary(checks, catalogue([tmp_path / "course"])).iloc[0]
    assert (per.questions, per.tried, per.right, bool(per.complete)) == (2, 2, 1, False)


def test_not_answered_yet_is_not_a_try(tmp_path):
    """Is running a check on an untouched answer ('Not answered yet') left out of the tries?"""
    course = tmp_path / "course" / "02-x"
    course.mkdir(parents=True)
    nb = {"cells": [{"cell_type": "code", "source": 'check("q2_1", q2_1, sealed="x")'},
                    {"cell_type": "code", "source": 'check("q2_2", q2_2, sealed="y")'}]}
    (course / "02-x.ipynb").write_text(json.dumps(nb))
    log = course / ".academy" / "checks.jsonl"
    log.parent.mkdir()
    rows = [("q2_1", "unanswered"), ("q2_2", "unanswered"), ("q2_2", "correct"), ("q2_2", "unanswered")]
    log.write_text("\n".join(json.dumps({"time": f"2026-01-01T10:0{i}:00", "question": q, "folder": "02-x",
                                         "status": s}) for i, (q, s) in enumerate(rows)))
    per = summary(load_checks([log]), catalogue([tmp_path / "course"])).iloc[0]
    assert (per.questions, per.tried, per.right) == (2, 1, 1)


def test_show_progress_draws_one_table_and_returns_nothing(tmp_path, monkeypatch):
    """Does the page show its table once (the function returns nothing for the cell to repeat)?"""
    from IPython.display import HTML

    from grader import check_log as progress

    shown = []
    monkeypatch.setattr("IPython.display.display", lambda *a, **k: shown.extend(a))
    assert progress.show_progress([tmp_path]) is None
    assert len(shown) == 1 and isinstance(shown[0], HTML)
