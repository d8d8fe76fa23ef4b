"""The demo cohort runs end to end, and one learner's broken submission never stops the rest."""
from __future__ import annotations

import pandas as pd
import pytest

from grader import course, paths
from grader.cli import main
from grader.synthetic.learners import make_learners, write_submissions
from grader.workflow import Workspace, add_learners, autograde, grade_table, prepare

pytestmark = pytest.mark.nbgrader


def test_cohort_profiles_vary():
    """Does a demo cohort hold strong, average, struggling learners and skippers?"""
    learners = make_learners(24)
    assert {l.profile for l in learners} == {"strong", "average", "struggling", "skipper"}
    assert len({l.id for l in learners}) == 24
    assert [l.id for l in make_learners(24)] == [l.id for l in learners]


def test_cohort_tracks_decide_who_submits_what(tmp_path):
    """Is a third of the cohort on the leadership track, and does nobody on the agent track get a
    supervisor exercise, while everyone gets the agent ones?"""
    from grader.synthetic.learners import takes
    from grader.tracks import load_manifest

    learners = make_learners(12)
    assert sum(l.track == "leadership" for l in learners) == 4
    assert {l.track for l in learners} == {"agent", "leadership"}
    tracks = load_manifest()
    sup, agent = "02-emotion-management-supervisor", "02-emotion-management-agent"
    for aid in (sup, agent):
        write_submissions(learners, aid, paths.EXERCISES, paths.SOLUTIONS, tmp_path, tracks=tracks)
    for l in learners:
        assert (tmp_path / l.id / agent).is_dir()
        assert (tmp_path / l.id / sup).is_dir() == (l.track == "leadership") == takes(l, sup, tracks)
    assert takes(learners[0], "99-not-in-any-track", tracks) and takes(learners[0], sup, None)


def test_demo_end_to_end(tmp_path, capsys):
    """Does `academy demo` grade a cohort into nbgrader's gradebook and export grades?"""
    aid = course.assignments()[0]
    rc = main(["demo", "--learners", "6", "--assignment", aid, "--out", str(tmp_path / "demo"), "--quiet"])
    out = capsys.readouterr().out
    assert rc == 0, out
    grades = pd.read_csv(tmp_path / "demo" / "grades.csv")
    assert len(grades) == 6 and set(grades.assignment) == {aid}
    assert grades.raw_score.nunique() > 1, "a realistic cohort does not all score the same"
    assert "Cohort summary" in out and "Per question" in out
    assert "notebooks at a time" in out, "the demo grades in parallel"
    per_q = pd.read_csv(tmp_path / "demo" / "question_scores.csv")
    assert per_q.learner.nunique() == 6
    auto_max = per_q[~per_q.written].groupby("learner").max_score.sum()
    assert auto_max.nunique() == 1, "every learner is scored out of the same auto-graded points"
    assert per_q.written.any() and not per_q[~per_q.written].needs_manual_grade.any()
    assert "Hardest:" in out
    assert "Per track" in out and "Agent track (" in out
    # questions are labelled with their ids, written ones named, and the next steps given
    first = per_q[~per_q.written].question.iloc[0]
    assert f"{first} " in out.split("Per question")[1]
    written = sorted(set(per_q[per_q.written].question))
    assert "Written answers are not in these figures" in out and all(q in out for q in written)
    assert f"academy report --course {tmp_path / 'demo'}" in out
    assert f"academy formgrader --course {tmp_path / 'demo'}" in out
    # each learner's score is the report's (grader.analytics.scores), pass or fail the engine's
    from grader.analytics.scores import format_score, learner_averages

    scores = learner_averages(per_q)
    for lid, pct in scores.items():
        line = next(l for l in out.splitlines() if l.startswith(f"{lid} "))
        assert f" {format_score(pct)} " in line and line.split()[-2] in ("pass", "fail", "waiting")


def test_broken_submission_is_reported_and_others_graded(tmp_path):
    """Is invalid notebook JSON reported for that learner while the others are graded?"""
    aid = course.assignments()[0]
    ws = Workspace(tmp_path / "course")
    prepare(ws, [aid])
    learners = make_learners(3, seed=7)
    add_learners(ws, learners)
    write_submissions(learners, aid, ws.release, paths.SOLUTIONS, ws.submitted)
    broken = next((ws.submitted / learners[1].id / aid).glob("*.ipynb"))
    broken.write_text("{ this is not a notebook", encoding="utf-8")
    results = {r.learner: r for r in autograde(ws, aid, [l.id for l in learners], progress=False)}
    assert not results[learners[1].id].ok and results[learners[1].id].message
    assert results[learners[0].id].ok and results[learners[2].id].ok
    graded = set(grade_table(ws.db_url).learner)
    assert {learners[0].id, learners[2].id} <= graded


def test_demo_with_its_gradebook_elsewhere(tmp_path, capsys):
    """Does --gradebook put the demo's grades where the trainer says (here a SQLite file)?"""
    aid = course.assignments()[0]
    book = tmp_path / "books" / "demo.db"
    book.parent.mkdir()
    rc = main(["demo", "--learners", "3", "--assignment", aid, "--out", str(tmp_path / "demo"),
               "--gradebook", str(book), "--quiet"])
    assert rc == 0, capsys.readouterr().out
    assert book.stat().st_size > 0 and not (tmp_path / "demo" / "gradebook.db").exists()
    assert len(grade_table(f"sqlite:///{book}").learner.unique()) == 3
