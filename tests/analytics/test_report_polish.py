"""What a trainer reads in the cohort report: questions in their order, options in their words,
every point of the discrimination chart, a per-track column that explains itself, one time."""
from __future__ import annotations

import datetime as dt
import html
import re
import time

import numpy as np
import pandas as pd

from grader import paths
from grader.analytics import report
from grader.analytics.options import answer_keys, option_wording
from grader.analytics.report import CohortData, render
from grader.gradebook import natural_key
from grader.synthetic.grades import synthetic_cohort, synthetic_grades, write_gradebook
from grader.cli import main
from grader.tracks import parse_manifest

MODULE1 = paths.SOLUTIONS / "01-service-standards"


def _option_rows(page: str) -> list[tuple[str, str]]:
    """(question, options cell text) of each row of the multiple-choice table, in page order."""
    table = page[page.index('<table id="options">'):]
    table = table[:table.index("</table>")]
    rows = re.findall(r"<tr><td>([^<]+)</td><td>[^<]*</td><td>(.*?)</td></tr>", table, re.S)
    lines = [re.sub(r"<[^>]+>", "", re.sub(r"</?div[^>]*>", "\n", cell)) for _, cell in rows]
    return [(q, html.unescape(text)) for (q, _), text in zip(rows, lines)]


def test_multiple_choice_questions_in_natural_order():
    """Are questions listed q1_1, q1_2 … q1_10, q1_11 (by their numbers), not as text?"""
    table, people, answers, kinds, keys = synthetic_cohort(60, 12, per_assignment=12)
    page = render(CohortData(table, people, "t", answers, kinds, keys))
    order = [q for q, _ in _option_rows(page)]
    assert order == [f"q1_{i}" for i in range(1, 13)]
    assert order == sorted(order, key=natural_key) != sorted(order)


def test_option_wording_read_from_the_exercise():
    """Is each option's wording read from the question as learners saw it, whatever the list style
    (bold letter with or without a dot, plain letter, wording over two lines)?"""
    m1 = option_wording(MODULE1)
    assert m1["q1_1"]["A"] == ("A", '"Bluewater Broadband, hello?"')
    assert m1["q1_8"]["B"][1].startswith("Ask whether you may put them on hold") and "update them" in m1["q1_8"]["B"][1]
    assert option_wording(paths.SOLUTIONS / "05-career-planning-supervisor")["q5_8"]["A"] == ("A", "Data specialist.")
    assert option_wording(paths.SOLUTIONS / "02-emotion-management-agent")["q2_3"]["A"] == (
        "A", "Get better at handling calls")
    # options that are names keep their own spelling; line numbers have no wording to show
    names = option_wording(paths.SOLUTIONS / "05-career-planning-supervisor")["q5_12"]
    assert names["COMMUNICATION"] == ("communication", "")
    assert m1["q1_7"]["12"] == ("12", "")
    # every lettered option of every choice question in the course has its wording
    from grader import course

    for aid in course.assignments():
        for q, opts in option_wording(paths.SOLUTIONS / aid).items():
            for norm, (label, text) in opts.items():
                assert text or not (len(label) == 1 and label.isalpha()), (aid, q, label)


def test_report_shows_options_as_learners_saw_them():
    """Does the report show 'A · <the option's wording>' with its count, the key marked, and a
    named option in its own spelling, not 'COMMUNICATION'?"""
    learners = ["l1", "l2", "l3", "l4"]
    table = pd.DataFrame({"learner": learners, "assignment": "01-service-standards",
                          "notebook": "01-service-standards", "question": "q1_1",
                          "score": [0.0, 1.0, 1.0, 1.0], "max_score": 1.0, "auto_score": [0.0, 1.0, 1.0, 1.0],
                          "manual_score": np.nan, "needs_manual_grade": False})
    answers = pd.DataFrame({"learner": learners, "assignment": "01-service-standards", "question": "q1_1",
                            "answer": ["a", "C", "C", "C"]})
    people = pd.DataFrame({"learner": learners, "first_name": "L", "last_name": learners})
    kinds, keys = answer_keys(MODULE1)
    page = render(CohortData(table, people, "t", answers, kinds, keys, wording=option_wording(MODULE1)))
    (q, cell), = _option_rows(page)
    assert q == "q1_1"
    lines = [l for l in cell.splitlines() if l.strip()]
    assert [" ".join(l.split()) for l in lines] == [
        '3 (75%) C · "Good morning, Bluewater Broadband, this is Mei. How may I help you?"',
        '1 (25%) A · "Bluewater Broadband, hello?"']
    assert re.search(r'<div class="option key"><span class="n">3 \(75%\)</span> C · ', page)


def test_named_options_keep_their_spelling():
    """A pick-all question whose options are names shows them as written in the exercise."""
    source = paths.SOLUTIONS / "05-career-planning-supervisor"
    kinds, keys = answer_keys(source)
    table = pd.DataFrame({"learner": ["l1"], "assignment": source.name, "notebook": source.name,
                          "question": "q5_12", "score": [1.0], "max_score": 1.0, "auto_score": [1.0],
                          "manual_score": np.nan, "needs_manual_grade": False})
    answers = pd.DataFrame({"learner": ["l1"], "assignment": source.name, "question": "q5_12",
                            "answer": [["Communication", "planning"]]})
    people = pd.DataFrame({"learner": ["l1"], "first_name": "L", "last_name": "One"})
    page = render(CohortData(table, people, "t", answers, kinds, keys, wording=option_wording(source)))
    (_, cell), = _option_rows(page)
    assert "1 (100%) communication" in " ".join(cell.split()) and "1 (100%) planning" in " ".join(cell.split())
    assert "COMMUNICATION" not in cell


def test_discrimination_chart_draws_points_on_the_edges_whole():
    """Is a point at D = 1.0 (and at difficulty 0 and 1) drawn inside the axes, not cut in half?"""
    s = pd.DataFrame({"difficulty": [0.0, 0.5, 1.0, 0.62], "upper_lower_d": [0.0, 1.0, 0.0, -0.4]},
                     index=["a/q1", "a/q2", "a/q3", "a/q4"])
    fig = report._items_figure(s)
    try:
        ax = fig.axes[0]
        assert ax.get_ylim()[1] > 1.0 and ax.get_xlim()[0] < 0.0 < 1.0 < ax.get_xlim()[1]
        fig.canvas.draw()
        box = ax.get_window_extent()
        points = ax.collections[0]
        radius = np.sqrt(points.get_sizes()[0]) / 2 * fig.dpi / 72  # marker size is in points²
        for x, y in ax.transData.transform(points.get_offsets()):
            assert box.x0 <= x - radius and x + radius <= box.x1
            assert box.y0 <= y - radius and y + radius <= box.y1
    finally:
        import matplotlib.pyplot as plt

        plt.close(fig)


def test_track_column_is_named_and_explained():
    """Is the per-track share column named in plain words, explained under the table, and right
    (3 of 4 assignment passes = 75%)?"""
    tracks = parse_manifest({"tracks": [{"id": "agent", "title": "Agent track", "assignments": [
        {"id": "a1", "pass_mark": 70}, {"id": "a2", "pass_mark": 70}]}]})
    rows = [(l, a, s) for l, a, s in [("ann", "a1", 9), ("ann", "a2", 8), ("bob", "a1", 9), ("bob", "a2", 3)]]
    table = pd.DataFrame({"learner": [r[0] for r in rows], "assignment": [r[1] for r in rows],
                          "notebook": [r[1] for r in rows], "question": "q", "score": [float(r[2]) for r in rows],
                          "max_score": 10.0, "auto_score": [float(r[2]) for r in rows],
                          "manual_score": np.nan, "needs_manual_grade": False})
    people = pd.DataFrame({"learner": ["ann", "bob"], "first_name": "x", "last_name": "y"})
    page = html.unescape(render(CohortData(table, people, tracks=tracks)))
    assert "assignments passed (all learners)" not in page and "(its learners)" not in page
    header = re.search(r"<h3>Per track</h3>\s*<table><thead><tr>(.*?)</tr>", page, re.S).group(1)
    assert f"<th>{report.PASSED_COLUMN}</th>" in header
    assert re.search(r"<td>Agent track</td><td>2</td><td>1</td><td>50%</td><td>75%</td>", page)
    assert report.PASSED_EXPLAINED in page and report.COMPLETE_EXPLAINED in page


def test_time_is_timezone_aware():
    """Is the report's time local time with its UTC offset, in the page as given?"""
    when = dt.datetime(2026, 11, 20, 14, 5, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    assert report.format_time(when) == "2026-11-20 14:05 UTC+08:00"
    table, people, *_ = synthetic_cohort(5, 3)
    page = render(CohortData(table, people, generated=when))
    assert "Generated 2026-11-20 14:05 UTC+08:00 by academy report" in page


def test_cli_and_report_header_show_the_same_time(tmp_path, capsys, monkeypatch):
    """Does `academy report` print the very time the report's header shows, with the timezone
    (here the machine is set to UTC+08:00)?"""
    root = tmp_path / "course"
    root.mkdir()
    table, people = synthetic_grades(8, 6, seed=4, per_assignment=3,
                                     assignments=["01-service-standards", "02-emotion-management-agent"])
    write_gradebook(f"sqlite:///{root / 'gradebook.db'}", table, people)
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    try:
        assert main(["report", "--course", str(root), "--roleplay-db", str(tmp_path / "none.db")]) == 0
    finally:
        monkeypatch.undo()
        time.tzset()
    out = capsys.readouterr().out
    printed = re.search(r"generated (\d{4}-\d\d-\d\d \d\d:\d\d UTC[+-]\d\d:\d\d)", out)
    assert printed and printed.group(1).endswith("UTC+08:00"), out
    header = re.search(r"Generated (.*?) by academy report", (root / "report.html").read_text()).group(1)
    assert header == printed.group(1)
