"""The gradebook layer on a PostgreSQL gradebook (nbgrader's ``db_url`` can be one).

Starts Debian's PostgreSQL (``make postgres``) in a temporary folder (as the ``postgres`` system
user when run as root, which PostgreSQL refuses to run as; on a socket in that folder only: no
TCP port), has nbgrader create its schema there, bulk-writes a small cohort
and checks that the layer reads exactly what nbgrader's own API computes. The server is stopped
at the end.
"""
from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from grader import gradebook
from grader.synthetic.grades import synthetic_grades, write_gradebook

BIN = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
ROOT_USER = os.geteuid() == 0
pytestmark = pytest.mark.skipif(not BIN, reason="Debian's PostgreSQL is not installed (`make postgres`)")


def _as_postgres(*cmd: str) -> None:
    prefix = ["runuser", "-u", "postgres", "--"] if ROOT_USER else []
    proc = subprocess.run([*prefix, *cmd], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, f"{cmd[0]} failed: {proc.stderr[-2000:]}"


@pytest.fixture()
def postgres():
    # a folder of its own in the temp folder: pytest's is closed to the postgres user
    folder = Path(tempfile.mkdtemp(prefix="academy-pg-"))
    if ROOT_USER:
        shutil.chown(folder, "postgres", "postgres")
    data, bin_ = folder / "data", Path(BIN[-1])
    _as_postgres(str(bin_ / "initdb"), "-D", str(data), "--auth=trust", "-U", "postgres")
    _as_postgres(str(bin_ / "pg_ctl"), "-D", str(data), "-w", "-l", str(folder / "log"), "start",
                 "-o", f"-c listen_addresses='' -c unix_socket_directories={folder}")
    try:
        _as_postgres(str(bin_ / "createdb"), "-h", str(folder), "-U", "postgres", "gradebook")
        yield f"postgresql+psycopg2://postgres@/gradebook?host={folder}"
    finally:
        _as_postgres(str(bin_ / "pg_ctl"), "-D", str(data), "-w", "-m", "fast", "stop")
        shutil.rmtree(folder, ignore_errors=True)


def test_postgres_gradebook_reads_as_nbgrader_computes(postgres):
    """On a PostgreSQL gradebook, do the layer's tables agree with nbgrader's API objects?"""
    from nbgrader.api import Gradebook as NbGradebook

    table, people = synthetic_grades(30, 20, seed=2)
    write_gradebook(postgres, table, people)
    got = gradebook.grade_table(postgres)
    assert len(got) == len(table)
    totals = got.groupby("learner").score.sum()
    subs = gradebook.submission_table(postgres).set_index(["learner", "assignment"])
    with NbGradebook(postgres, course_id=gradebook.COURSE_ID) as gb:
        for s in gb.students:
            assert totals[s.id] == pytest.approx(gb.find_student(s.id).score)
        for a in gb.assignments:
            for sub in a.submissions:
                row = subs.loc[(sub.student.id, a.name)]
                assert row.score == pytest.approx(sub.score) and row.max_score == sub.max_score
                assert bool(row.needs_manual_grade) == bool(sub.needs_manual_grade)
    one = gradebook.grade_table(postgres, learners=["l00003"])
    assert set(one.learner) == {"l00003"} and len(one) == (table.learner == "l00003").sum()
    with pytest.raises(gradebook.GradebookError, match="No assignment 'nope'"):
        gradebook.grade_table(postgres, assignments=["nope"])


def test_unreachable_postgres_is_explained(tmp_path):
    """A PostgreSQL URL that cannot be reached gives a GradebookError naming it, password hidden."""
    url = f"postgresql://trainer:secret@/gradebook?host={tmp_path}"
    with pytest.raises(gradebook.GradebookError, match="Cannot read the gradebook") as err:
        gradebook.grade_table(url)
    assert "secret" not in str(err.value)
