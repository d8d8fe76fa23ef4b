"""The cohort report on a real nbgrader gradebook: one self-contained file with every section."""
from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from grader.analytics.report import CohortData, load, render
from grader.synthetic.grades import synthetic_cohort
from grader.cli import main
from grader.synthetic.sample_course import ASSIGNMENT, build_sample_course
from grader.workflow import autograde


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    ws = build_sample_course(tmp_path_factory.mktemp("report"), n_learners=5, seed=3)
    ids = sorted(p.name for p in ws.submitted.iterdir())
    results = autograde(ws, ASSIGNMENT, ids, progress=False)
    assert all(r.ok for r in results)
    # one learner's collected self-check log: mostly wrong attempts
    log = ws.submitted / ids[0] / ASSIGNMENT / ".academy" / "checks.jsonl"
    log.parent.mkdir(parents=True)
    log.write_text("\n".join(json.dumps({"time": f"2026-11-20T10:0{i}:00", "question": "q0_1",
                                         "folder": ASSIGNMENT, "status": s})
                             for i, s in enumerate(["incorrect"] * 6 + ["correct"])), encoding="utf-8")
    return ws, ids


@pytest.mark.nbgrader
def test_report_from_gradebook(graded, tmp_path, capsys):
    """Does `academy report` write one self-contained HTML file with all sections, and say where?"""
    ws, ids = graded
    out = tmp_path / "r.html"
    rc = main(["report", "--course", str(ws.root), "--source", str(ws.source_dir), "--out", str(out),
               "--roleplay-db", str(tmp_path / "none.db")])
    assert rc == 0
    assert str(out.resolve()) in capsys.readouterr().out
    page = out.read_text(encoding="utf-8")
    for section in ["Completion per module and track", "Score distributions",
                    "Question difficulty and discrimination", "Multiple-choice options chosen",
                    "Learners at risk", "Role-plays", "Leadership-track completion"]:
        assert section in page
    assert "No role-play data" in page
    assert not re.search(r"""(src|href)=["']https?://""", page), "the report must not need the network"
    assert page.count("data:image/png;base64,") >= 3
    assert f"{ASSIGNMENT}/q0_1" in page
    assert "many failed self-checks: 6 of 7 not correct" in page
    assert (ws.root / ".academy" / "answers-cache.json").exists()


@pytest.mark.nbgrader
def test_report_warns_about_grades_made_without_the_sandbox(graded, tmp_path):
    """Does the report read autograding's markers and warn at the top only for unsandboxed grades?"""
    ws, ids = graded
    data = load(ws, roleplay_db=tmp_path / "none.db")
    assert data.unsandboxed == []  # the fixture graded in the sandbox
    assert "Graded without the sandbox" not in render(data)
    marker = ws.root / ".academy" / "graded" / ASSIGNMENT / f"{ids[1]}.json"
    original = marker.read_text()
    assert json.loads(original)["sandboxed"] is True
    try:  # as `academy autograde --no-sandbox` would have left it
        marker.write_text(json.dumps({**json.loads(original), "sandboxed": False}))
        page = render(load(ws, roleplay_db=tmp_path / "none.db"))
    finally:
        marker.write_text(original)
    top = page[:page.index("<h2>")]
    assert "Graded without the sandbox (--no-sandbox):" in top and f"{ids[1]} {ASSIGNMENT}" in top
    assert ids[0] not in top


@pytest.mark.nbgrader
def test_option_counts_match_notebooks(graded):
    """Are option counts read from the graded notebooks, one per learner who answered?"""
    import nbformat

    from grader.analytics.options import answer_keys, option_table, read_answers
    from grader.diagnose import answer_values

    ws, ids = graded
    answers = read_answers(ws.root)
    kinds, keys = answer_keys(ws.source_dir / ASSIGNMENT)
    table = option_table(answers, kinds, keys, {q: len(ids) for q in kinds})
    q1 = table[table.question == "q0_1"]
    expected = {}
    for lid in ids:
        nb = nbformat.read(ws.root / "autograded" / lid / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
        v = answer_values(nb).get("q0_1")
        key = "(blank)" if v is None else v.upper()
        expected[key] = expected.get(key, 0) + 1
    assert dict(zip(q1.option, q1["count"])) == expected
    assert q1[q1.option == "C"].correct.all()
    assert set(table.question) == {"q0_1", "q0_3"}  # choice and pick-all questions only
    again = read_answers(ws.root)  # served from the cache
    pd.testing.assert_frame_equal(answers, again)


def test_roleplay_and_tracks_sections():
    """Are role-play averages and calibration shown when the studio's results exist?"""
    table, people, answers, kinds, keys = synthetic_cohort(40, 20, per_assignment=10)
    rp = pd.DataFrame({"score_id": ["s1", "s2", "s3"], "version": 1, "learner": ["l00001", "l00002", "l00001"],
                       "rater": ["t1", "t1", "t2"], "scenario_id": ["angry-caller", "angry-caller", "coaching"],
                       "scorecard_id": ["call", "call", "coach"], "scorecard_version": 1,
                       "total": [80.0, 60.0, 90.0], "critical_failed": [0, 1, 0], "saved_at": "2026-11-20"})
    d = CohortData(table, people, "t", answers, kinds, keys, roleplay=rp,
                   calibration=[("call", "call.v1: 2 call(s), 2 rater(s).")])
    page = render(d)
    assert "angry-caller" in page and "70.00" in page and "Rater calibration" in page
    assert "No track manifest" in page


def test_report_scales():
    """Is the report of 2,000 learners x 50 questions quick (a guard, not the benchmark)?"""
    import time

    table, people, answers, kinds, keys = synthetic_cohort(2000, 50)
    t = time.process_time()
    page = render(CohortData(table, people, "t", answers, kinds, keys))
    assert time.process_time() - t < 20
    assert "weaker learners do better" in page, "the miskeyed item is flagged"


def test_roleplay_store_read(tmp_path):
    """Are role-play averages and a calibration read from a real role-play studio database?"""
    from grader.analytics.report import _roleplay
    from grader.roleplay.scorecard import FAIL, PASS, load_scorecards
    from grader.roleplay.store import RolePlayStore

    card = load_scorecards()["customer-call"]
    store = RolePlayStore(tmp_path / "rp.db")
    for rater, pick in (("t1", 0), ("t2", 0), ("t3", -1)):
        answers = {it.id: it.scale.options[pick] for it in card.items}
        answers.update({c.id: PASS if rater != "t3" else FAIL for c in card.critical})
        store.save(card, answers, learner="ana", rater=rater, scenario_id="angry-caller", call_id="c1")
    notes: list[str] = []
    results, calibration = _roleplay(tmp_path / "rp.db", notes)
    assert len(results) == 3 and set(results.rater) == {"t1", "t2", "t3"}
    assert calibration and calibration[0][0] == "customer-call" and "3 rater(s)" in calibration[0][1]
    assert _roleplay(tmp_path / "missing.db", notes) == (None, [])


def test_learner_tracks_read_from_submissions():
    """Is a learner who handed in a leadership-only assignment on the leadership track, and is a
    supervisor part counted against leadership learners only in the completion table?"""
    from grader.analytics.report import _expected_learners, learner_tracks
    from grader.tracks import load_manifest

    tracks = load_manifest()
    subs = pd.DataFrame({"learner": ["a", "a", "b", "c"],
                         "assignment": ["01-service-standards", "02-emotion-management-supervisor",
                                        "01-service-standards", "02-emotion-management-agent"]})
    on = learner_tracks(tracks, subs)
    assert on == {"a": "leadership", "b": "agent", "c": "agent"}
    assert _expected_learners(tracks, "02-emotion-management-supervisor", on, 3) == 1
    assert _expected_learners(tracks, "01-service-standards", on, 3) == 3
    assert learner_tracks(None, subs) == {}
