"""A cohort on PostgreSQL: the same cycle, the same grades as on SQLite (Debian's server, started here)."""
from __future__ import annotations

import pandas as pd
import pytest

from grader import gradebook
from grader.cli import main
from grader.synthetic.sample_course import ASSIGNMENT, write_sample_source
from grader.workflow import Workspace, grade_table
from postgres_server import bindir, postgres_server

from .test_cycle import _as_learner
from .conftest import cell

pytestmark = [pytest.mark.nbgrader, pytest.mark.postgres]

ANSWERS = {"ana": ("C", 80), "ben": ("A", 75), "cai": ("C", ...)}  # dee never submits


def _cycle(tmp_path, name: str, capsys, extra: list[str]) -> tuple[Workspace, list[str]]:
    """roster → release → learners submit → collect → autograde → feedback → export → report."""
    import nbformat

    source = tmp_path / "source"
    if not source.exists():
        write_sample_source(source)
        (tmp_path / "roster.csv").write_text("id,first_name,last_name\nana,Ana,Silva\nben,Ben,Okafor\n"
                                             "cai,Cai,Li\ndee,Dee,Mensah\n", encoding="utf-8")
    course = tmp_path / name
    opts = ["--course", str(course), "--source", str(source), "--quiet", *extra]
    assert main(["roster", str(tmp_path / "roster.csv"), *opts]) == 0
    assert main(["release", ASSIGNMENT, *opts]) == 0
    ws = Workspace(course, source=source, gradebook=extra[1] if extra else None)
    for lid, (q1, q2) in ANSWERS.items():
        home = tmp_path / f"homes-{name}" / lid
        home.mkdir(parents=True)
        _as_learner(ws, lid, home, "fetch")
        path = home / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
        nb = nbformat.read(path, as_version=4)
        cell(nb, "q0_1").source = f"q0_1 = {q1!r}"
        cell(nb, "q0_2").source = f"q0_2 = {q2!r}"
        nbformat.write(nb, path)
        _as_learner(ws, lid, home, "submit")
    assert main(["collect", ASSIGNMENT, *opts]) == 0
    capsys.readouterr()
    assert main(["autograde", ASSIGNMENT, "--timeout", "20", "--workers", "2", *opts]) == 0
    out = capsys.readouterr().out
    assert "3 graded" in out
    assert main(["feedback", ASSIGNMENT, *opts]) == 0
    assert main(["export", *opts]) == 0
    assert main(["report", "--course", str(course), "--source", str(source), *extra]) == 0
    return ws, opts


@pytest.mark.skipif(bindir() is None, reason="Debian's postgresql is not installed (make postgres)")
def test_cohort_on_postgres_matches_sqlite(tmp_path, capsys):
    lite, _ = _cycle(tmp_path, "lite", capsys, [])
    with postgres_server() as url:
        pg, opts = _cycle(tmp_path, "pg", capsys, ["--gradebook", url])
        assert pg.db_url.startswith("postgresql+psycopg2://")
        assert not (pg.root / "gradebook.db").exists()  # the grades are on the server
        assert gradebook.exists(pg.db_url)

        key = ["learner", "assignment", "notebook", "question"]
        a = grade_table(lite.db_url).sort_values(key).reset_index(drop=True)
        b = grade_table(pg.db_url).sort_values(key).reset_index(drop=True)
        pd.testing.assert_frame_equal(a, b)
        assert a.score.sum() > 0 and set(a.learner) == {"ana", "ben", "cai"}

        ga = pd.read_csv(lite.root / "export" / "grades.csv").drop(columns=["timestamp"])
        gb = pd.read_csv(pg.root / "export" / "grades.csv").drop(columns=["timestamp"])
        cols = ["assignment", "student_id"]
        pd.testing.assert_frame_equal(ga.sort_values(cols).reset_index(drop=True),
                                      gb.sort_values(cols).reset_index(drop=True))
        assert (pg.root / "report.html").stat().st_size > 10_000
        assert len(list((pg.root / "exchange").rglob("feedback/*.html"))) == 3

        # a regrade resumes against the server's gradebook exactly as against SQLite
        capsys.readouterr()
        assert main(["autograde", ASSIGNMENT, *opts]) == 0
        assert "3 skipped" in capsys.readouterr().out

        # the password never shows in messages
        assert url.split(":")[2].split("@")[0] not in gradebook.shown(url)


def test_unreachable_database_is_a_clear_message(tmp_path, capsys):
    (tmp_path / "r.csv").write_text("id\nana\n", encoding="utf-8")
    url = "postgresql://academy:secret@127.0.0.1:1/nothing"
    assert main(["roster", str(tmp_path / "r.csv"), "--course", str(tmp_path / "c"), "--gradebook", url]) == 1
    err = capsys.readouterr().err
    assert "Cannot open the gradebook database" in err and "secret" not in err
    assert main(["export", "--course", str(tmp_path / "c"), "--gradebook", url]) == 1
    assert "Cannot open the gradebook database" in capsys.readouterr().err


def test_gradebook_urls():
    assert gradebook.resolve(None, tmp := __import__("pathlib").Path("/x")) == "sqlite:////x/gradebook.db"
    assert gradebook.resolve("postgres://u@h/db", tmp) == "postgresql+psycopg2://u@h/db"
    assert gradebook.resolve("postgresql+psycopg2://u@h/db", tmp) == "postgresql+psycopg2://u@h/db"
    assert gradebook.resolve("/y/g.db", tmp) == "sqlite:////y/g.db"
