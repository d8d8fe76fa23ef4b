"""The report lists a track's completers by the tracks engine's own rule (grader.tracks)."""
from __future__ import annotations

import pandas as pd

from grader.analytics.report import CohortData, _tracks
from grader.tracks import TableRecords, evaluate, parse_manifest

MANIFEST = {"tracks": [{"id": "leadership", "title": "Leadership track", "assignments": [
    {"id": "a1", "pass_mark": 70}, {"id": "a2", "pass_mark": 70}]}]}


def _rows(learner, assignment, auto, written_pending=False):
    rows = [{"learner": learner, "assignment": assignment, "notebook": assignment, "question": "q1",
             "score": auto, "max_score": 10.0, "auto_score": auto, "manual_score": None,
             "needs_manual_grade": False, "written": False}]
    rows.append({"learner": learner, "assignment": assignment, "notebook": assignment, "question": "w1",
                 "score": 0.0, "max_score": 2.0, "auto_score": None, "manual_score": None,
                 "needs_manual_grade": written_pending, "written": True})
    return rows


def test_pending_manual_grade_counted_as_the_engine_counts_it():
    """A learner above the pass mark with a written answer still to mark: does the report agree
    with `academy candidates` (the engine) about whether the track is complete?"""
    tracks = parse_manifest(MANIFEST)
    rows = (_rows("ann", "a1", 10) + _rows("ann", "a2", 9, written_pending=True)   # 10/12, 9/12: met
            + _rows("bob", "a1", 10) + _rows("bob", "a2", 5, written_pending=True)  # 5/12: pending
            + _rows("cai", "a1", 10) + _rows("cai", "a2", 10))
    table = pd.DataFrame(rows)
    people = pd.DataFrame({"learner": ["ann", "bob", "cai"], "first_name": "x", "last_name": "y"})
    d = CohortData(table, people, tracks=tracks)
    _tracks(d)
    records = TableRecords(table, None)
    engine = sorted(l for l in ["ann", "bob", "cai"] if evaluate(tracks[0], l, records).complete)
    assert sorted(d.leaders) == engine == ["ann", "cai"]
