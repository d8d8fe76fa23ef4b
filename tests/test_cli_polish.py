"""Trainer-facing output: one-step jobs show their step, not a learners-per-second rate."""
from __future__ import annotations

from grader.cli import main
from grader.synthetic.sample_course import ASSIGNMENT, write_sample_source


def test_release_and_export_show_no_learner_rate(tmp_path, capsys):
    write_sample_source(tmp_path / "source")
    opts = ["--course", str(tmp_path / "cohort"), "--source", str(tmp_path / "source")]
    (tmp_path / "r.csv").write_text("id\nana\n", encoding="utf-8")
    assert main(["roster", str(tmp_path / "r.csv"), *opts, "--quiet"]) == 0
    capsys.readouterr()
    assert main(["release", ASSIGNMENT, *opts]) == 0
    out = capsys.readouterr().out
    assert f"Releasing {ASSIGNMENT}: 100%" in out
    assert "learner/s" not in out and "1/1" not in out
    assert main(["export", *opts]) == 0
    out = capsys.readouterr().out
    assert "Exporting grades: 100%" in out and "learner/s" not in out
