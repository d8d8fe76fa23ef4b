"""Collection without a hub: notebooks downloaded from an LMS, through nbgrader's ZipCollect."""
from __future__ import annotations

import os
import zipfile

import nbformat
import pandas as pd
import pytest

from grader.cli import main
from grader.synthetic.sample_course import ASSIGNMENT, write_sample_source
from grader.workflow import Workspace, grade_table

from .conftest import cell

pytestmark = pytest.mark.nbgrader

ROSTER = ("id,first_name,last_name,email\n"
          "ana,Ana,Silva,ana.silva@example.com\n"
          "ben,Ben,Okafor,\n"
          "cai,Cai,Li,\n"
          "dee,Dee,Mensah,\n"
          "learner1,Eva,Kim,\n"
          "learner10,Fay,Ali,\n")


def _answered(release_nb, answer: str) -> str:
    nb = nbformat.read(release_nb, as_version=4)
    cell(nb, "q0_1").source = f"q0_1 = {answer!r}"
    return nbformat.writes(nb)


@pytest.fixture()
def cohort(tmp_path):
    write_sample_source(tmp_path / "source")
    course = tmp_path / "cohort"
    opts = ["--course", str(course), "--source", str(tmp_path / "source"), "--quiet"]
    (tmp_path / "roster.csv").write_text(ROSTER, encoding="utf-8")
    assert main(["roster", str(tmp_path / "roster.csv"), *opts]) == 0
    assert main(["release", ASSIGNMENT, *opts]) == 0
    return Workspace(course, source=tmp_path / "source"), opts


def test_lms_download_is_collected_graded_and_exported(cohort, tmp_path, capsys):
    """Moodle- and Canvas-style names, a nested zip, an e-mail, a stranger, a broken file, a PDF."""
    ws, opts = cohort
    release_nb = ws.release / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    down = tmp_path / "from-lms"
    down.mkdir()
    # Moodle: one folder per learner, named after the learner, inside the zip
    with zipfile.ZipFile(down / "moodle-download.zip", "w") as z:
        z.writestr(zipfile.ZipInfo("Ana Silva_4711_assignsubmission_file_/00-sample.ipynb",
                                   (2026, 11, 20, 9, 0, 0)), _answered(release_nb, "C"))
        z.writestr(zipfile.ZipInfo("Okafor Ben_4712_assignsubmission_file_/00-sample.ipynb",
                                   (2026, 11, 20, 9, 5, 0)), _answered(release_nb, "A"))
    # Canvas: login_userid_attachmentid_filename-1.ipynb, two attempts: the newer one counts
    old = down / "cai_5551_9001_00-sample.ipynb"
    old.write_text(_answered(release_nb, "B"))
    os.utime(old, (1_700_000_000, 1_700_000_000))
    (down / "late").mkdir()
    (down / "late" / "cai_5551_9002_00-sample-1.ipynb").write_text(_answered(release_nb, "C"))
    # an e-mailed file named after the address; id boundaries: learner1 is not learner10
    (down / "ana.silva@example.com - homework.ipynb").write_text(_answered(release_nb, "C"))
    (down / "learner10_00-sample.ipynb").write_text(_answered(release_nb, "C"))
    # a stranger, a damaged notebook, a PDF
    (down / "zed_9999_00-sample.ipynb").write_text(_answered(release_nb, "C"))
    (down / "dee_00-sample.ipynb").write_text("{ this is not a notebook")
    (down / "dee_notes.pdf").write_bytes(b"%PDF-1.4")
    before = sorted(p.name for p in down.rglob("*"))

    capsys.readouterr()
    code = main(["collect", ASSIGNMENT, "--zip", str(down), *opts])
    out = capsys.readouterr().out
    assert code == 1, out  # one file could not be matched and one could not be read: say so
    assert sorted(p.name for p in down.rglob("*")) == before  # the trainer's folder is only read
    for lid in ("ana", "ben", "cai", "learner10"):
        assert (ws.submitted / lid / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").exists(), out
        assert (ws.submitted / lid / ASSIGNMENT / "timestamp.txt").exists()
    assert not (ws.submitted / "learner1").exists()
    assert not (ws.submitted / "dee").exists()  # unreadable: kept out of submitted/, not lost
    kept = ws.root / "downloaded" / ASSIGNMENT
    assert (kept / "unreadable" / "dee" / f"{ASSIGNMENT}.ipynb").read_text() == "{ this is not a notebook"
    assert (kept / "archive" / "zed_9999_00-sample.ipynb").exists()
    assert "zed_9999_00-sample.ipynb" in out and "no learner on the roster matches" in out
    assert "unreadable" in out and "dee" in out
    assert "dee_notes.pdf" in out and "not a notebook" in out
    assert "older duplicate" in out and "cai_5551_9001_00-sample.ipynb" in out
    # the newer Canvas attempt (answer C) was kept for cai; ana's two files: one kept, one reported
    cai_nb = nbformat.read(ws.submitted / "cai" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    assert cell(cai_nb, "q0_1").source == "q0_1 = 'C'"
    # a zip entry's own time is the submission time; ana's e-mailed file is newer than her Moodle one
    assert "2026-11-20 09:05:00" in (ws.submitted / "ben" / ASSIGNMENT / "timestamp.txt").read_text()
    assert "Ana Silva_4711_assignsubmission_file_/00-sample.ipynb" in out

    # grading, feedback and export work as usual
    assert main(["autograde", ASSIGNMENT, "--timeout", "20", *opts]) == 0
    table = grade_table(ws.db_url)
    q1 = table[table.question == "q0_1"].set_index("learner").score
    assert q1["ben"] == 0 and q1["cai"] == 1 and q1["learner10"] == 1 and q1["ana"] == 1
    assert main(["feedback", ASSIGNMENT, "--no-release", *opts]) == 0
    assert (ws.root / "feedback" / "cai" / ASSIGNMENT / f"{ASSIGNMENT}.html").exists()
    assert main(["export", *opts]) == 0
    grades = pd.read_csv(ws.root / "export" / "grades.csv")
    assert set(grades.dropna(subset=["timestamp"]).student_id) == {"ana", "ben", "cai", "learner10"}

    # again with the same folder: nothing changes, nothing graded is lost
    capsys.readouterr()
    main(["collect", ASSIGNMENT, "--zip", str(down), *opts])
    out = capsys.readouterr().out
    assert "unchanged" in out and (ws.root / "autograded" / "cai" / ASSIGNMENT).exists()


def test_a_new_download_replaces_a_submission_and_keeps_the_old_one(cohort, tmp_path, capsys):
    ws, opts = cohort
    release_nb = ws.release / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    first, second = tmp_path / "d1", tmp_path / "d2"
    first.mkdir(), second.mkdir()
    (first / "ben_00-sample.ipynb").write_text(_answered(release_nb, "A"))
    (second / "ben_00-sample.ipynb").write_text(_answered(release_nb, "C"))
    assert main(["collect", ASSIGNMENT, "--zip", str(first), *opts]) == 0
    assert main(["collect", ASSIGNMENT, "--zip", str(second), *opts]) == 0
    out = capsys.readouterr().out
    assert "updated" in out and "earlier submission is kept" in out
    nb = nbformat.read(ws.submitted / "ben" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    assert cell(nb, "q0_1").source == "q0_1 = 'C'"
    old = list((ws.root / "downloaded" / ASSIGNMENT / "replaced").glob(f"ben-*/{ASSIGNMENT}.ipynb"))
    assert len(old) == 1 and cell(nbformat.read(old[0], as_version=4), "q0_1").source == "q0_1 = 'A'"


def test_pattern_and_clear_errors(cohort, tmp_path, capsys):
    ws, opts = cohort
    release_nb = ws.release / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    down = tmp_path / "d"
    down.mkdir()
    (down / "sub-ben-00-sample.ipynb").write_text(_answered(release_nb, "C"))
    (down / "sub-nobody-00-sample.ipynb").write_text(_answered(release_nb, "C"))
    code = main(["collect", ASSIGNMENT, "--zip", str(down), "--pattern",
                 r"sub-(?P<student_id>[a-z0-9]+)-(?P<file_id>.+)\.ipynb", *opts])
    out = capsys.readouterr().out
    assert code == 1 and "'nobody' is not on the roster" in out
    assert (ws.submitted / "ben" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").exists()
    assert main(["collect", ASSIGNMENT, "--zip", str(tmp_path / "missing"), *opts]) == 1
    assert "is not a folder" in capsys.readouterr().err


def test_file_names_are_matched_to_the_roster():
    """Ids as whole words, e-mail names, full names either way round, the most specific name."""
    from grader.zipcollect import RosterCollector

    roster = [{"id": "learner1", "first_name": "Eva", "last_name": "Kim", "email": None},
              {"id": "learner10", "first_name": "Fay", "last_name": "Ali", "email": "fay.ali@example.com"},
              {"id": "lw1", "first_name": "Wei", "last_name": "Li", "email": None},
              {"id": "lw2", "first_name": "Weiming", "last_name": "Li", "email": None},
              {"id": "twin1", "first_name": "Sam", "last_name": "Lee", "email": None},
              {"id": "twin2", "first_name": "Sam", "last_name": "Lee", "email": None}]
    c = RosterCollector(roster=roster, notebooks=["00-sample.ipynb"])
    assert c._learner("learner10_00-sample.ipynb")[0] == "learner10"
    assert c._learner("LEARNER1-00-sample.ipynb")[0] == "learner1"
    assert c._learner("fay.ali@example.com - homework.ipynb")[0] == "learner10"
    assert c._learner("Kim Eva_4711_assignsubmission_file_/00-sample.ipynb")[0] == "learner1"
    assert c._learner("Li Weiming_12_assignsubmission_file_/00-sample.ipynb")[0] == "lw2"
    assert c._learner("li wei_13_assignsubmission_file_/00-sample.ipynb")[0] == "lw1"
    lid, why = c._learner("Sam Lee_14_assignsubmission_file_/00-sample.ipynb")
    assert lid is None and "twin1" in why and "twin2" in why
    assert c._learner("learner100_00-sample.ipynb") == (None, "no learner on the roster matches the file name")
    assert c._notebook("anything.ipynb") == "00-sample.ipynb"  # a single-notebook assignment
    two = RosterCollector(roster=roster, notebooks=["part-a.ipynb", "part-b.ipynb"])
    assert two._notebook("learner1_part-b-1.ipynb") == "part-b.ipynb"
    assert two._notebook("learner1_other.ipynb") is None


def test_archive_paths_cannot_escape(cohort, tmp_path, capsys):
    """Entries named ../../x or /abs/x in a downloaded zip (zip-slip) never land outside the
    course's download folder, and nothing outside it changes."""
    ws, opts = cohort
    release_nb = ws.release / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    down = tmp_path / "hostile-download"
    down.mkdir()
    with zipfile.ZipFile(down / "lms.zip", "w") as z:
        z.writestr("../../../escaped.ipynb", _answered(release_nb, "C"))
        z.writestr(f"{tmp_path}/absolute.ipynb", _answered(release_nb, "C"))
        z.writestr("ana_1_1_00-sample.ipynb", _answered(release_nb, "C"))
    before = {p for p in tmp_path.rglob("*") if "downloaded" not in p.parts}
    main(["collect", ASSIGNMENT, "--zip", str(down), *opts])
    capsys.readouterr()
    after = {p for p in tmp_path.rglob("*") if "downloaded" not in p.parts}
    outside = [p for p in after - before if ws.root.resolve() not in p.resolve().parents]
    assert outside == []
    assert not (tmp_path.parent / "escaped.ipynb").exists() and not (tmp_path / "absolute.ipynb").exists()
