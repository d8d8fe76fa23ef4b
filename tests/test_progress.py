"""A learner's progress page reads their own check logs and nothing else."""
from __future__ import annotations

import json

from grader.progress import catalogue, find_logs, load_checks, summary


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
