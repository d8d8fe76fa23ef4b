"""A Chinese cohort: `academy --lang zh-CN release` hands out the zh-CN exercise (same assignment id,
points and hidden tests), and a cohort stays in the edition it started with."""
from __future__ import annotations

import json

import pytest

from grader import i18n, paths
from grader import notebook_translations as nt
from grader.cli import main
from grader.gradebook import COURSE_ID

pytestmark = pytest.mark.nbgrader
AID = "01-service-standards"


@pytest.fixture(autouse=True)
def _english_afterwards(monkeypatch):
    monkeypatch.delenv("ACADEMY_LANG", raising=False)
    yield
    i18n.use_language(None)


def _released(course) -> dict:
    nb = course / "exchange" / COURSE_ID / "outbound" / AID / f"{AID}.ipynb"
    return json.loads(nb.read_text(encoding="utf-8"))


def test_chinese_cohort_gets_the_chinese_exercise_and_stays_chinese(tmp_path, capsys):
    course = tmp_path / "cohort"
    opts = ["--course", str(course)]
    (tmp_path / "r.csv").write_text("id\nwangmei\n", encoding="utf-8")
    assert main(["--lang", "zh-CN", "roster", str(tmp_path / "r.csv"), *opts, "--quiet"]) == 0
    assert main(["--lang", "zh-CN", "release", AID, *opts]) == 0
    nb = _released(course)
    assert nb["metadata"]["academy"]["lang"] == "zh-CN"
    text = "".join("".join(c["source"]) for c in nb["cells"])
    assert "蓝湾宽带" in text and "BEGIN SOLUTION" not in text
    # exactly the cells, ids and points of the English release
    en = json.loads((paths.EXERCISES / AID / f"{AID}.ipynb").read_text(encoding="utf-8"))
    strip = lambda cells: [({k: v for k, v in (c["metadata"].get("nbgrader") or {}).items()
                             if k != "checksum"}, c.get("id")) for c in cells]
    assert strip(nb["cells"]) == strip(en["cells"])
    capsys.readouterr()
    i18n.use_language(None)
    # the same cohort released again in English: refused, nothing changed
    assert main(["release", AID, *opts]) == 1
    assert "--lang zh-CN" in capsys.readouterr().err
    assert _released(course)["metadata"]["academy"]["lang"] == "zh-CN"


def test_edition_source_is_remade_when_a_translation_changes():
    import os
    import time

    src = nt.edition_source("zh-CN")
    made = (src / ".made").stat().st_mtime
    assert (src / AID / f"{AID}.ipynb").exists()
    assert nt.edition_source("zh-CN") == src and (src / ".made").stat().st_mtime == made  # up to date: kept
    translation = nt.translation_file(paths.SOLUTIONS / AID / f"{AID}.ipynb")
    later = time.time() + 5
    os.utime(translation, (later, later))  # as if a translator had just saved it
    nt.edition_source("zh-CN")
    assert (src / ".made").stat().st_mtime >= later - 1


def test_chinese_demo_grades_the_chinese_edition(tmp_path, capsys):
    """`academy --lang zh-CN demo` releases the zh-CN exercise to its synthetic cohort and grades
    it: the submissions are the Chinese notebooks, and the learners score as in English."""
    out = tmp_path / "demo"
    assert main(["--lang", "zh-CN", "demo", "--out", str(out), "--learners", "4",
                 "--assignment", AID, "--quiet"]) == 0
    text = capsys.readouterr().out
    assert "班级概况" in text
    submitted = sorted((out / "submitted").glob(f"*/{AID}/{AID}.ipynb"))
    assert submitted
    for nb in submitted:
        assert json.loads(nb.read_text(encoding="utf-8"))["metadata"]["academy"]["lang"] == "zh-CN"
    from grader.gradebook import grade_table

    table = grade_table(f"sqlite:///{out / 'gradebook.db'}")
    assert table.score.sum() > 0
