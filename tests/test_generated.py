"""A release made from nbgrader's generated output (grader.generated) is nbgrader's release.

`academy release` (and every workspace's :func:`grader.workflow.prepare`) copies the grading
model and the release nbgrader's ``generate_assignment`` made once for the assignment's current
source, and puts the release into the exchange itself. Here each of those is compared with what
nbgrader does when it runs on the cohort directly: the gradebook's rows (every column but the
ids), the released files, the exchange's folders and modes; and a learner fetches the release
with nbgrader's own exchange.
"""
from __future__ import annotations

import filecmp
import os
import shutil
import stat
import warnings
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select

from grader import course, generated, paths
from grader.gradebook import COURSE_ID
from grader.notebook_translations import edition_source
from grader.workflow import Workspace, add_learners, prepare, publish
from grader.synthetic.learners import Learner
from nbgrader.api import Gradebook as NbGradebook

pytestmark = pytest.mark.nbgrader


def _model(url: str, assignment: str) -> dict:
    engine = create_engine(url)
    try:
        t = generated._tables(engine)
        with engine.connect() as con:
            rows = generated._model_rows(con, t, assignment)
            courses = sorted(r[0] for r in con.execute(select(t["course"].c.id)))
        a = rows["assignment"][0]
        return {**generated.model(rows), "assignment": (a["name"], a["duedate"], a["course_id"]), "course": courses}
    finally:
        engine.dispose()


def _files(folder: Path) -> dict[str, tuple[int, bytes | None]]:
    """Every path under ``folder`` with its mode, and its bytes for a file."""
    out = {".": (stat.S_IMODE(folder.stat().st_mode), None)}
    for p in sorted(folder.rglob("*")):
        out[str(p.relative_to(folder))] = (stat.S_IMODE(p.stat().st_mode), p.read_bytes() if p.is_file() else None)
    return out


def _nbgrader_workspace(base: Path, source: Path, aid: str) -> Workspace:
    """A cohort whose assignment nbgrader's generate_assignment put in place itself."""
    ws = Workspace(base, source=source)
    course.generate([aid], release_dir=ws.release, workspace=ws.root, source_dir=ws.source_dir, db_url=ws.db_url)
    return ws


SOURCES = [(aid, None) for aid in course.assignments()] + [(aid, "zh-CN") for aid in course.assignments()]


@pytest.mark.parametrize("aid,lang", SOURCES, ids=[f"{a}-{l or 'en'}" for a, l in SOURCES])
def test_copied_model_and_release_are_nbgraders(aid, lang, tmp_path):
    """For every exercise in both editions: does a cohort that already has learners get, from the
    generated copy, exactly the gradebook rows and release files nbgrader's own
    generate_assignment writes into such a cohort, and a new cohort the same?"""
    source = edition_source(lang) if lang else paths.SOLUTIONS
    ours = Workspace(tmp_path / "ours", source=source)
    ours.root.mkdir()
    with NbGradebook(ours.db_url, course_id=COURSE_ID) as gb:  # a cohort with its roster, no assignment yet
        gb.update_or_create_student("ana", first_name="Ana", last_name="Lima")
    stock = _nbgrader_workspace(tmp_path / "stock", source, aid)
    made = generated.generated(aid, source)
    assert generated.install(aid, made, ours.db_url) == "copied"
    generated.copy_release(aid, made, ours.release)
    expected = _model(stock.db_url, aid)
    assert _model(ours.db_url, aid) == expected
    assert sum(len(v) for k, v in expected.items() if k.endswith("cells") or k == "source_cell") > 5
    cmp = filecmp.dircmp(stock.release / aid, ours.release / aid)
    assert not (cmp.diff_files or cmp.left_only or cmp.right_only), (cmp.diff_files, cmp.left_only, cmp.right_only)
    fresh = Workspace(tmp_path / "fresh", source=source)  # no gradebook yet: nbgrader's own file
    prepare(fresh, [aid])
    assert _model(fresh.db_url, aid) == expected


def _sample(tmp_path: Path) -> tuple[Path, str]:
    aid = course.assignments()[0]
    source = tmp_path / "source"
    shutil.copytree(paths.SOLUTIONS / aid, source / aid)
    return source, aid


def test_unchanged_model_is_kept_changed_one_goes_to_nbgrader(tmp_path):
    """Releasing again an unchanged assignment leaves the gradebook as it is (the same ids); after
    the source changes (a new digest), the differing model is handed to nbgrader's
    generate_assignment, whose result is then the gradebook's; and once a learner has
    submitted, nbgrader's refusal to add a cell reaches the trainer."""
    source, aid = _sample(tmp_path)
    ws = Workspace(tmp_path / "cohort", source=source)
    prepare(ws, [aid])
    engine = create_engine(ws.db_url)
    ids = lambda: sorted(r[0] for r in engine.connect().execute(select(generated._tables(engine)["base_cell"].c.id)))  # noqa: E731
    before = ids()
    first = generated.digest(aid, source)
    made = generated.generated(aid, source)
    assert generated.install(aid, made, ws.db_url) == "same"
    prepare(ws, [aid])
    assert ids() == before
    nb = next((source / aid).glob("*.ipynb"))
    text = nb.read_text(encoding="utf-8")
    nb.write_text(text.replace('"points": 1', '"points": 2', 1), encoding="utf-8")
    assert generated.digest(aid, source) != first
    assert generated.install(aid, generated.generated(aid, source), ws.db_url) == "differs"
    prepare(ws, [aid])  # nbgrader's generate_assignment on the cohort itself
    stock = _nbgrader_workspace(tmp_path / "stock", source, aid)
    assert _model(ws.db_url, aid) == _model(stock.db_url, aid)  # points 2: nbgrader ran
    engine.dispose()
    # a learner submits; then a cell is added to the source: nbgrader refuses, and says why
    add_learners(ws, [Learner("ana", "Ana", "Lima", "strong")])
    with NbGradebook(ws.db_url, course_id=COURSE_ID) as gb, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gb.add_submission(aid, "ana")
    import nbformat

    book = nbformat.read(nb, as_version=4)
    extra = nbformat.v4.new_code_cell("answer_extra = 1", metadata={"nbgrader": {
        "grade": True, "solution": False, "locked": True, "points": 1, "grade_id": "extra_test",
        "schema_version": 3}})
    book.cells.append(extra)
    nbformat.write(book, nb)
    with pytest.raises(course.BuildError, match="submissions associated"):
        prepare(ws, [aid])


def test_digest_follows_the_inputs(tmp_path):
    """Is the digest the same for the same inputs wherever they are, and different when a file of
    the assignment (not of another one) changes or is added?"""
    source, aid = _sample(tmp_path)
    elsewhere = tmp_path / "copy"
    shutil.copytree(source, elsewhere)
    d = generated.digest(aid, source)
    assert generated.digest(aid, elsewhere) == d
    (source / "other").mkdir()
    (source / "other" / "x.ipynb").write_text("{}")
    assert generated.digest(aid, source) == d
    (source / aid / "data.csv").write_text("a,b\n")
    assert generated.digest(aid, source) != d


def test_an_interrupted_generate_leaves_nothing(tmp_path, monkeypatch):
    """If nbgrader fails while generating, no generated folder is left to be reused."""
    monkeypatch.setenv("ACADEMY_GENERATED", str(tmp_path / "cache"))
    source, aid = _sample(tmp_path)
    nb = next((source / aid).glob("*.ipynb"))
    nb.write_text(nb.read_text(encoding="utf-8").replace('"grade_id": "', '"grade_id": "bad id ', 1))
    with pytest.raises(course.BuildError):
        generated.generated(aid, source)
    left = [p.name for p in (tmp_path / "cache").iterdir()]
    assert len(left) == 1 and left[0].startswith("empty-gradebook-"), left  # nbgrader's empty schema only


def test_publish_is_nbgraders_release(tmp_path):
    """Does the exchange after `publish` hold what nbgrader's release_assignment leaves: the same
    files, folder and file modes, inbound/outbound modes; is an earlier release replaced; and
    does a learner fetch it with nbgrader's own exchange?"""
    source, aid = _sample(tmp_path)
    trees = []
    for name in ("nbgrader", "ours"):
        ws = Workspace(tmp_path / name, source=source)
        prepare(ws, [aid])
        (ws.release / aid / "stale.txt").write_text("from an earlier release")
        if name == "nbgrader":
            ws.exchange.mkdir(parents=True)
            os.chmod(ws.exchange, 0o1777)
            api = ws.api()
            assert api.release_assignment(aid)["success"]
            (ws.release / aid / "stale.txt").unlink()
            api.unrelease(aid)
            assert api.release_assignment(aid)["success"]
        else:
            assert publish(ws, aid).ok
            (ws.release / aid / "stale.txt").unlink()
            assert publish(ws, aid).ok
        trees.append(_files(ws.exchange))
    assert trees[0] == trees[1]
    assert trees[1]["."][0] == 0o1777 and trees[1][f"{COURSE_ID}/inbound"][0] == 0o2733
    assert not any("stale" in k or ".release-" in k for k in trees[1])
    # a learner fetches it with nbgrader's exchange
    ws = Workspace(tmp_path / "ours", source=source)
    api = ws.api()
    from nbgrader.utils import capture_log, temp_attrs

    learner_home = tmp_path / "home"
    learner_home.mkdir()
    with temp_attrs(api.coursedir, assignment_id=aid):
        app = api.exchange.FetchAssignment(coursedir=api.coursedir, authenticator=api.authenticator, parent=api)
        app.assignment_dir = str(learner_home)
        r = capture_log(app)
        assert r["success"], r
    fetched = learner_home / aid
    assert sorted(p.name for p in fetched.iterdir()) == sorted(p.name for p in (ws.release / aid).iterdir())


def test_publish_refuses_an_outbound_it_does_not_own(tmp_path):
    """An outbound folder another account owns is refused with a message, as nbgrader does."""
    if os.geteuid() != 0:
        pytest.skip("needs root to give the folder to another account")
    source, aid = _sample(tmp_path)
    ws = Workspace(tmp_path / "cohort", source=source)
    prepare(ws, [aid])
    out = ws.exchange / COURSE_ID / "outbound"
    out.mkdir(parents=True)
    os.chown(out, 65534, 65534)
    r = publish(ws, aid)
    assert not r.ok and "belongs to another account" in r.message and not (out / aid).exists()


def test_old_versions_are_pruned_once_unused(tmp_path, monkeypatch):
    """A new version of an assignment removes that assignment's versions unused for a week, and
    keeps recent ones and other assignments'; the folders are open to their owner only."""
    import time

    monkeypatch.setenv("ACADEMY_GENERATED", str(tmp_path / "cache"))
    source, aid = _sample(tmp_path)
    cache = tmp_path / "cache"
    cache.mkdir()
    stale, recent, other = cache / f"{aid}-{'a' * 24}", cache / f"{aid}-{'b' * 24}", cache / f"x{aid}-{'c' * 24}"
    for d in (stale, recent, other):
        d.mkdir()
    week_ago = time.time() - generated.KEEP_UNUSED_S - 60
    for d in (stale, other):
        os.utime(d, (week_ago, week_ago))
    made = generated.generated(aid, source)
    assert not stale.exists() and recent.exists() and other.exists()
    assert stat.S_IMODE(made.stat().st_mode) == 0o700
    os.utime(made, (week_ago, week_ago))
    assert generated.generated(aid, source) == made and time.time() - made.stat().st_mtime < 60  # a use touches it


def test_another_account_keeps_its_own_copies(tmp_path, monkeypatch):
    """When another account owns the repository's build/ (a hub's trainer account, the course
    built as root), generated assignments go to this account's own cache folder, or, without a
    usable one, to a private (0700) folder of its own; never into the other account's folder.
    (tests/test_hub.py releases as such a trainer account, end to end.)"""
    if os.geteuid() != 0:
        pytest.skip("needs root to give build/ to another account")
    repo = tmp_path / "repo"
    (repo / "build" / "generated").mkdir(parents=True)
    for d in (repo / "build", repo / "build" / "generated"):
        os.chown(d, 65534, 65534)
    monkeypatch.setattr(paths, "ROOT", repo)
    monkeypatch.delenv("ACADEMY_GENERATED", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert course.cache_dir() == tmp_path / "xdg" / "call-center-academy" / "generated"
    (tmp_path / "not-a-folder").write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "not-a-folder"))
    own = course.cache_dir()
    assert not own.is_relative_to(repo) and own.stat().st_uid == os.getuid()
    assert stat.S_IMODE(own.stat().st_mode) == 0o700
    os.chown(repo / "build", 0, 0)  # build/ ours, generated/ not: still not theirs
    assert not course.cache_dir().is_relative_to(repo)
    shutil.rmtree(repo / "build" / "generated")
    assert course.cache_dir() == repo / "build" / "generated"  # ours to make


def test_publish_refuses_a_planted_link(tmp_path):
    """Anyone can add names to a 1777 exchange. A link planted where the course's folder goes
    (pointing at a folder the trainer owns) is refused, and nothing is written where it points."""
    source, aid = _sample(tmp_path)
    ws = Workspace(tmp_path / "cohort", source=source)
    prepare(ws, [aid])
    target = tmp_path / "trainers-own-folder"
    target.mkdir()
    ws.exchange.mkdir(parents=True)
    (ws.exchange / COURSE_ID).symlink_to(target)
    r = publish(ws, aid)
    assert not r.ok and "is a link" in r.message
    assert list(target.iterdir()) == []
