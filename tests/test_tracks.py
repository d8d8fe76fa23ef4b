"""Track manifest, track evaluation from a real nbgrader gradebook, and the track CLI commands."""
from __future__ import annotations

import json
import warnings
from pathlib import Path

import pandas as pd
import pytest
import yaml
from nbgrader.api import Gradebook

from grader import tracks
from grader.cli import main
from grader.tracks import Records, TrackError, load_manifest, parse_manifest
from academy_testing import COACHING_CARD, top_marks

ROOT = Path(__file__).resolve().parents[1]
ROLEPLAY_COLUMNS = ["score_id", "version", "learner", "rater", "scenario_id", "scorecard_id",
                    "scorecard_version", "total", "critical_failed", "saved_at"]


# --------------------------------------------------------------------------- factories
@pytest.fixture(scope="module", autouse=True)
def _alembic_on_path():
    """nbgrader runs the ``alembic`` program when it creates a gradebook: find the venv's."""
    import os
    import sys

    old = os.environ.get("PATH", "")
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{old}"
    yield
    os.environ["PATH"] = old


def make_gradebook(path: Path, assignments: dict[str, dict[str, tuple[float, bool]]]) -> str:
    """A real nbgrader gradebook. ``assignments``: {assignment: {cell: (max_score, manual)}}."""
    url = f"sqlite:///{path}"
    with Gradebook(url, course_id=tracks.COURSE_ID) as gb:
        for a, cells in assignments.items():
            gb.add_assignment(a)
            gb.add_notebook(a, a)
            for cell, (points, manual) in cells.items():
                gb.add_grade_cell(cell, a, a, max_score=points,
                                  cell_type="markdown" if manual else "code")
    return url


def add_learner(url: str, learner: str, results: dict[str, dict[str, float | None]],
                first: str = "", last: str = "") -> None:
    """Submit and grade: ``results`` {assignment: {cell: score}}; None = awaiting manual grade."""
    with Gradebook(url, course_id=tracks.COURSE_ID) as gb, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # nbgrader's own SQLAlchemy autoflush chatter
        gb.update_or_create_student(learner, first_name=first, last_name=last)
        for a, cells in results.items():
            gb.add_submission(a, learner)
            for cell, score in cells.items():
                g = gb.find_grade(cell, a, a, learner)
                if score is None:
                    g.needs_manual_grade = True
                elif g.cell.cell_type == "markdown":
                    g.manual_score, g.needs_manual_grade = score, False
                else:
                    g.auto_score, g.needs_manual_grade = score, False
            gb.db.commit()


class FakeRolePlayStore:
    """Stands in for grader.roleplay.store.RolePlayStore: same ``results()`` contract."""

    def __init__(self, rows: list[dict]):
        self.rows = rows

    def results(self) -> pd.DataFrame:
        base = {"version": 1, "scenario_id": "coach-late-logins", "scorecard_version": 1,
                "saved_at": "2024-05-02T10:00:00"}
        return pd.DataFrame([{**base, "score_id": f"s{i}", **r} for i, r in enumerate(self.rows)],
                            columns=ROLEPLAY_COLUMNS)


def coaching(learner: str, total: float, rater: str = "trainer.kim", critical: bool = False) -> dict:
    return {"learner": learner, "rater": rater, "scorecard_id": "coaching-conversation",
            "total": total, "critical_failed": critical}


MANIFEST = {"tracks": [
    {"id": "agent", "title": "Agent track", "modules": [1],
     "assignments": [{"id": "01-a", "pass_mark": 70}]},
    {"id": "leadership", "title": "Leadership track", "modules": [1, 4, 6],
     "assignments": [{"id": "01-a", "pass_mark": 70}, {"id": "06-cap", "pass_mark": 60}],
     "roleplays": [{"id": "coach", "title": "Coaching role-play", "scorecard": "coaching-conversation",
                    "min_total": 75, "no_critical_fail": True}],
     "capstone": ["06-cap", "coach"]},
]}
BOOK = {"01-a": {"q1": (6, False), "q2": (4, False)},
        "06-cap": {"auto": (2, False), "proposal": (8, True)}}


@pytest.fixture(scope="module")
def world(tmp_path_factory, _alembic_on_path):
    """A gradebook with four learners at different stages, and their role-play scores."""
    url = make_gradebook(tmp_path_factory.mktemp("gb") / "gradebook.db", BOOK)
    add_learner(url, "ana", {"01-a": {"q1": 6, "q2": 3}, "06-cap": {"auto": 2, "proposal": 6}}, "Ana", "Lima")
    add_learner(url, "ben", {"01-a": {"q1": 6, "q2": 4}, "06-cap": {"auto": 2, "proposal": None}})
    add_learner(url, "cai", {"01-a": {"q1": 3, "q2": 2}})
    add_learner(url, "dev", {"01-a": {"q1": 6, "q2": 4}, "06-cap": {"auto": 2, "proposal": 8}})
    store = FakeRolePlayStore([coaching("ana", 68), coaching("ana", 81),
                               coaching("ben", 90), coaching("dev", 95, critical=True),
                               coaching("dev", 99, rater="dev"),
                               {**coaching("cai", 88), "scorecard_id": "complaint-call"}])
    return url, store, parse_manifest(MANIFEST)


def by_id(progress) -> dict:
    return {r.id: r for r in progress.requirements}


# --------------------------------------------------------------------------- manifest
def test_repository_manifest_is_valid_and_defines_both_tracks():
    """Does the shipped manifest load, with an agent and a leadership track whose capstone is
    the improvement proposal plus a coaching role-play on the coaching scorecard?"""
    ts = {t.id: t for t in load_manifest(ROOT / "datasets" / "tracks.yaml")}
    assert set(ts) == {"agent", "leadership"}
    lead = ts["leadership"]
    assert "06-leadership-capstone" in lead.capstone
    rp = {r.id: r for r in lead.roleplays}
    cap_rp = set(lead.capstone) - {"06-leadership-capstone"}
    assert cap_rp and cap_rp <= set(rp)
    assert all(rp[r].scorecard == "coaching-conversation" and rp[r].min_total > 0 for r in cap_rp)
    assert "04-coaching-and-leading" in [a.id for a in lead.assignments]
    assert "04-coaching-and-leading" not in [a.id for a in ts["agent"].assignments]
    assert "05-career-planning-agent" in [a.id for a in ts["agent"].assignments]


def test_agent_track_takes_agent_parts_and_one_scored_practice_call():
    """Does the agent track list the agent exercises only (no supervisor part), every supervisor
    part sit on the leadership track, and one customer-call role-play at that scorecard's own pass
    mark count as a requirement?"""
    ts = {t.id: t for t in load_manifest(ROOT / "datasets" / "tracks.yaml")}
    agent = [a.id for a in ts["agent"].assignments]
    assert not [a for a in agent if "supervisor" in a or a.startswith(("04-", "06-"))]
    for part in ("02-emotion-management", "03-time-management", "05-career-planning"):
        assert f"{part}-agent" in agent
        assert f"{part}-supervisor" in [a.id for a in ts["leadership"].assignments]
    assert set(agent) <= {a.id for a in ts["leadership"].assignments}
    import yaml

    card = yaml.safe_load((ROOT / "datasets" / "scorecards" / "customer-call.v1.yaml").read_text())
    (call,) = ts["agent"].roleplays
    assert call.scorecard == "customer-call" and call.min_total == card["pass_mark"] and call.no_critical_fail
    assert all(a.title for t in ts.values() for a in t.assignments), "learners should see words, not ids"
    assert "07-agent-final" in agent and "08-leadership-final" not in agent
    assert {"07-agent-final", "08-leadership-final"} <= {a.id for a in ts["leadership"].assignments}


def test_agent_assessments_need_no_code():
    """Is every answer in an agent-track assignment a literal (a letter, number, list or dict
    typed as is), with no data loaded and nothing imported but the self-check?"""
    import ast

    import nbformat

    agent = next(t for t in load_manifest(ROOT / "datasets" / "tracks.yaml") if t.id == "agent")
    for a in agent.assignments:
        for path in sorted((ROOT / "solutions" / a.id).glob("*.ipynb")):
            nb = nbformat.read(path, as_version=4)
            for cell in nb.cells:
                meta = cell.metadata.get("nbgrader", {})
                if cell.cell_type != "code":
                    continue
                assert "load(" not in cell.source, f"{a.id}: a cell loads data"
                if meta.get("grade_id") == "setup":
                    assert cell.source.strip().endswith("from grader.check import check"), a.id
                if not meta.get("solution"):
                    continue
                body = cell.source.split("### BEGIN SOLUTION")[1].split("### END SOLUTION")[0]
                (stmt,) = ast.parse(body).body  # one assignment: qX_Y = <literal>
                assert isinstance(stmt, ast.Assign) and stmt.targets[0].id == meta["grade_id"]
                ast.literal_eval(stmt.value)


def test_roleplay_below_the_scorecards_own_pass_mark_is_flagged(tmp_path):
    """Is a role-play requirement asking less than its scorecard's pass mark reported?"""
    low = parse_manifest({"tracks": [{"id": "agent", "assignments": [], "roleplays": [
        {"id": "call", "scorecard": "customer-call", "min_total": 60}]}]})
    problems = tracks.manifest_problems(low, solutions=tmp_path)
    assert any("below the 'customer-call' scorecard's own pass mark (80)" in p for p in problems)


def test_manifest_points_at_this_teams_assignments():
    """Do the module 4, 5 and capstone assignments named in the manifest exist in solutions/?"""
    problems = tracks.manifest_problems(load_manifest(ROOT / "datasets" / "tracks.yaml"))
    mine = [p for p in problems if any(a in p for a in ("04-", "05-", "06-"))]
    assert mine == []


@pytest.mark.parametrize("change, message", [
    (lambda m: m["tracks"][1]["assignments"][0].update(pass_mark=170),
     r"tracks\[1\]\.assignments\[0\]\.pass_mark \(id '01-a'\): is a percentage"),
    (lambda m: m["tracks"][1].update(capstone=["06-cap", "nope"]),
     r"tracks\[1\]\.capstone\[1\] \(id 'leadership'\): 'nope' is not among the track's"),
    (lambda m: m["tracks"][1]["roleplays"][0].pop("scorecard"),
     r"tracks\[1\]\.roleplays\[0\]\.scorecard \(id 'coach'\): required, but missing"),
    (lambda m: m["tracks"][1].update(id="agent"), r"tracks\[1\]\.id: 'agent' is used twice \(first at tracks\[0\]\.id\)"),
    (lambda m: m["tracks"][0].update(passmark=3), r"tracks\[0\]\.passmark \(id 'agent'\): unknown field"),
    (lambda m: m["tracks"][1]["roleplays"][0].update(min_total="high"), r"min_total \(id 'coach'\): .*got 'high'"),
    (lambda m: m["tracks"][1]["roleplays"][0].update(id="06-cap"),
     r"tracks\[1\]\.roleplays\[0\]\.id: '06-cap' is used twice \(first at tracks\[1\]\.assignments\[1\]\.id\)"),
    (lambda m: m["tracks"][0].update(assignments=[]), r"tracks\[0\] \(id 'agent'\): a track needs at least one"),
])
def test_bad_manifest_is_refused_with_a_clear_message(change, message):
    """Is a manifest with a bad pass mark, a capstone naming nothing, a missing scorecard, a
    duplicate track or requirement id, a typo'd key, a non-numeric minimum or a track without
    requirements refused, saying where and what is wrong (as a TrackError, which callers catch)?"""
    data = yaml.safe_load(yaml.safe_dump(MANIFEST))
    change(data)
    with pytest.raises(TrackError, match=message):
        parse_manifest(data)


def test_every_manifest_problem_is_reported_at_once(tmp_path):
    """Does one load of a broken copy of the shipped manifest list each of its mistakes, one
    line each, naming the file and the place in it?"""
    data = yaml.safe_load((ROOT / "datasets" / "tracks.yaml").read_text(encoding="utf-8"))
    lead = data["tracks"][1]
    lead["assignments"][0]["pass_mark"] = 0
    lead["modules"] = [1, "four"]
    lead["roleplays"][0]["no_critical_fail"] = "yes"
    lead["id"] = "agent"
    path = tmp_path / "tracks.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    with pytest.raises(TrackError) as err:
        load_manifest(path)
    first, rp = lead["assignments"][0]["id"], lead["roleplays"][0]["id"]
    assert str(err.value).splitlines() == [
        "tracks.yaml: tracks[1].modules[1] (id 'agent'): should be a valid integer, got 'four'",
        f"tracks.yaml: tracks[1].assignments[0].pass_mark (id '{first}'): is a percentage: more "
        "than 0 and at most 100, got 0",
        f"tracks.yaml: tracks[1].roleplays[0].no_critical_fail (id '{rp}'): should be a valid "
        "boolean, got 'yes'",
        "tracks.yaml: tracks[1].id: 'agent' is used twice (first at tracks[0].id); ids must be unique",
    ]


# --------------------------------------------------------------------------- evaluation
def test_learner_below_pass_mark_and_below_roleplay_minimum_sees_what_remains(world):
    """Does a learner at 90% on an assignment, 80% on the capstone and with one passing
    role-play (after a failed one) complete the leadership track, and is the earlier failure
    no obstacle?"""
    url, store, ts = world
    with Records(url, store) as rec:
        agent, lead = tracks.progress("ana", rec, ts)
    assert agent.complete
    req = by_id(lead)
    assert req["01-a"].met and "9 of 10 points (90%)" in req["01-a"].detail
    assert req["06-cap"].met and req["06-cap"].capstone
    assert req["coach"].met and "81/100" in req["coach"].detail and "2 attempts" in req["coach"].detail
    assert lead.complete


def test_awaiting_manual_grade_is_pending_not_failed(world):
    """Is a capstone whose proposal has not been graded yet reported as pending (waiting for the
    trainer), so the track is not complete but nothing is called failed?"""
    url, store, ts = world
    with Records(url, store) as rec:
        _, lead = tracks.progress("ben", rec, ts)
    cap = by_id(lead)["06-cap"]
    assert cap.state == "pending" and "manual grading" in cap.detail
    assert not lead.complete and [r.id for r in lead.remaining] == ["06-cap"]


def test_failing_score_missing_submission_and_other_scorecard(world):
    """Does a learner with 50% on an assignment, no capstone submission and only a role-play
    on another scorecard see three remaining requirements, each with its reason?"""
    url, store, ts = world
    with Records(url, store) as rec:
        agent, lead = tracks.progress("cai", rec, ts)
    req = by_id(lead)
    assert not agent.complete
    assert req["01-a"].state == "remaining" and "below the pass mark 70%" in req["01-a"].detail
    assert req["06-cap"].state == "remaining" and "no graded submission" in req["06-cap"].detail
    assert req["coach"].state == "remaining" and "not scored yet" in req["coach"].detail


def test_critical_failure_and_self_rating_do_not_count(world):
    """Does a 95 with a failed critical item not pass the role-play, and is a learner's score
    of their own role-play ignored?"""
    url, store, ts = world
    with Records(url, store) as rec:
        _, lead = tracks.progress("dev", rec, ts)
    coach = by_id(lead)["coach"]
    assert coach.state == "remaining"
    assert "critical item failed" in coach.detail and "1 attempt" in coach.detail
    assert not lead.complete


def test_assignment_not_in_gradebook_and_no_roleplay_db(world, tmp_path):
    """With a track naming an assignment nobody was graded on, and no role-play database, is
    each requirement reported as remaining with the reason rather than crashing?"""
    url, _, ts = world
    extra = parse_manifest({"tracks": [{"id": "x", "assignments": [{"id": "09-new", "pass_mark": 50}],
                                        "roleplays": [{"id": "c", "scorecard": "coaching-conversation",
                                                       "min_total": 70}]}]})
    assert tracks.load_roleplay_results(tmp_path / "nothing-here.db") is None
    with Records(url, None) as rec:
        (p,) = tracks.progress("ana", rec, extra)
    req = by_id(p)
    assert "not in the gradebook" in req["09-new"].detail
    assert req["c"].state == "remaining"


def test_candidates_are_exactly_the_learners_who_completed_leadership(world):
    """Are only the learners who met every leadership requirement listed as candidates?"""
    url, store, ts = world
    with Records(url, store) as rec:
        assert [p.learner for p in tracks.candidates(rec, ts)] == ["ana"]
        assert [p.learner for p in tracks.candidates(rec, ts, "agent")] == ["ana", "ben", "dev"]
        with pytest.raises(TrackError, match="No track 'managers'"):
            tracks.candidates(rec, ts, "managers")


def test_unknown_learner_and_missing_gradebook_are_explained(world, tmp_path):
    """Is a typo'd learner id refused with a suggestion, and a missing gradebook file refused
    (rather than nbgrader silently creating an empty one)?"""
    url, store, ts = world
    with Records(url, store) as rec:
        with pytest.raises(TrackError, match="Did you mean ana"):
            tracks.progress("anna", rec, ts)
    missing = tmp_path / "nowhere" / "gradebook.db"
    with pytest.raises(TrackError, match="No nbgrader gradebook"):
        Records(missing, None)
    assert not missing.exists()
    notes = tmp_path / "notes.db"
    notes.write_text("not a database")
    with pytest.raises(TrackError, match="is not an nbgrader gradebook"):
        Records(notes, None)


# --------------------------------------------------------------------------- CLI
@pytest.fixture()
def cli_world(world, tmp_path, monkeypatch):
    url, store, _ = world
    manifest = tmp_path / "tracks.yaml"
    manifest.write_text(yaml.safe_dump(MANIFEST))
    monkeypatch.setattr(tracks, "load_roleplay_results", lambda path: store.results())
    return ["--gradebook", url, "--manifest", str(manifest), "--roleplay-db", str(tmp_path / "rp.db")]


def test_cli_progress_lists_met_and_remaining(cli_world, capsys):
    """Does 'academy progress ben' show both tracks, the leadership track's pending capstone
    and the legend, and exit 0?"""
    assert main(["progress", "ben", *cli_world]) == 0
    out = capsys.readouterr().out
    assert "Agent track (agent): COMPLETE" in out
    assert "Leadership track (leadership): 2 of 3 requirements met" in out
    assert "[~] 06-cap (capstone)" in out and "[x] Coaching role-play (capstone): 90/100" in out


def test_cli_progress_json_and_errors(cli_world, capsys):
    """Is --json machine-readable, and does an unknown learner exit 1 with the message on stderr?"""
    assert main(["progress", "cai", "--json", *cli_world]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [t["complete"] for t in data] == [False, False]
    assert main(["progress", "zed", *cli_world]) == 1
    assert "not in the gradebook" in capsys.readouterr().err


def test_cli_candidates(cli_world, capsys):
    """Does 'academy candidates' name the one learner who completed the leadership track, with
    their capstone results, and does --csv give one row per candidate?"""
    assert main(["candidates", *cli_world]) == 0
    out = capsys.readouterr().out
    assert "1 of 4 learner(s) have completed the Leadership track." in out
    assert "ana" in out and "Ana Lima" in out and "81/100" in out and "ben" not in out
    assert main(["candidates", "--csv", *cli_world]) == 0
    rows = capsys.readouterr().out.strip().splitlines()
    assert rows[0].startswith("learner,name,track") and len(rows) == 2


def test_cli_tracks_shows_manifest(capsys):
    """Does 'academy tracks' print both tracks of the shipped manifest with pass marks?"""
    assert main(["tracks"]) == 0
    out = capsys.readouterr().out
    assert "Leadership track (leadership)" in out and "pass mark" in out and "coaching-conversation" in out


# --------------------------------------------------------------------------- real role-play store
def test_real_roleplay_store_latest_version_counts(world, tmp_path):
    """With scores saved through the role-play studio's own store (RolePlayStore, the coaching
    scorecard), does a passing score meet the requirement, and does a later correction of that
    score below the minimum (the latest version) take it away again?"""
    from grader.roleplay.scorecard import load_scorecard
    from grader.roleplay.store import RolePlayStore

    url, _, ts = world
    card = load_scorecard(COACHING_CARD)
    top = top_marks(card)
    db = tmp_path / "roleplay.db"
    store = RolePlayStore(db)
    saved = store.save(card, top, learner="cai", rater="trainer.kim", scenario_id="new-hire-no-direction")
    with Records(url, tracks.load_roleplay_results(db)) as rec:
        coach = by_id(tracks.evaluate(ts[1], "cai", rec))["coach"]
    assert coach.met and "100/100" in coach.detail

    low = {**top, **{i.id: (1 if i.scale.name != "yes_no" else "no") for i in card.items}}
    store.correct(saved.score_id, saved.version, card, low, reason="re-listened: mostly telling")
    with Records(url, tracks.load_roleplay_results(db)) as rec:
        coach = by_id(tracks.evaluate(ts[1], "cai", rec))["coach"]
    assert coach.state == "remaining" and "below 75" in coach.detail


def test_progress_and_candidates_take_the_course_folder(world, tmp_path, capsys, monkeypatch):
    """Do progress and candidates find the gradebook with --course, like the other cohort commands,
    and say what to do when the folder has none?"""
    import shutil

    from grader.cli import main

    url, store, _ = world
    course = tmp_path / "cohort"
    course.mkdir()
    empty = ["--course", str(course), "--roleplay-db", str(store)]
    assert main(["candidates", *empty]) != 0
    err = capsys.readouterr().err
    assert f"There is no cohort in {course.resolve()}" in err and "--course DIR" in err
    assert f"academy roster ROSTER.csv --course {course}" in err  # what makes one, not what was done
    # $ACADEMY_GRADEBOOK is read as by the other cohort commands
    monkeypatch.setenv("ACADEMY_GRADEBOOK", url)
    assert main(["progress", "ana", *empty]) == 0 and "ana" in capsys.readouterr().out
    monkeypatch.delenv("ACADEMY_GRADEBOOK")
    shutil.copyfile(url.removeprefix("sqlite:///"), course / "gradebook.db")
    assert main(["progress", "ana", *empty]) == 0
    assert "ana" in capsys.readouterr().out
    assert main(["candidates", *empty, "--csv"]) == 0
