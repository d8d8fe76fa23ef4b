"""The zh-CN edition: complete, up to date, made from the English source, and graded the same.

* Every English lesson and exercise has a translation, and none is out of date (an edited English
  cell makes this test name the translation file and the cell).
* The committed editions (course/**/X.zh-CN.ipynb, exercises/zh-CN/) are exactly what
  `academy build` makes from the translations.
* A translation may change only text: answers, option letters, code and hidden tests stay.
* Under stock nbgrader a zh-CN solution earns full marks and a blank zh-CN release zero, and the
  same answers score the same in both editions, cell by cell.
"""
from __future__ import annotations

import copy
import filecmp
import math
import os
import shutil
from pathlib import Path

import nbformat
import pytest

from grader import course, paths
from grader import notebook_translations as nt

LANG = "zh-CN"


def _translated_exercises() -> list[str]:
    return [nb.parent.name for nb in nt.english_exercises() if nt.translation_file(nb, LANG).exists()]


# ------------------------------------------------------------------ complete and up to date

def test_every_notebook_has_an_up_to_date_translation():
    """Does every English lesson and exercise have a complete, current zh-CN translation?"""
    found = nt.all_problems(LANG)
    assert not found, ("zh-CN translations missing or out of date (python -m "
                       "grader.notebook_translations todo <notebook> shows what to do):\n"
                       + "\n".join(map(str, found)))


def _copy_lesson(tmp_path: Path) -> tuple[Path, Path]:
    src = paths.COURSE / "00-my-progress.ipynb"
    dst = tmp_path / src.name
    shutil.copy(src, dst)
    shutil.copy(nt.translation_file(src, LANG), nt.translation_file(dst, LANG))
    return dst, nt.translation_file(dst, LANG)


def test_an_edited_english_cell_names_its_translation_out_of_date(tmp_path, capsys):
    """Editing one English cell: does the check name that translation file and that cell?"""
    nb_path, yaml_path = _copy_lesson(tmp_path)
    assert nt.problems(nb_path, LANG) == []
    nb = nbformat.read(nb_path, as_version=4)
    cell = next(c for c in nb.cells if c.cell_type == "markdown")
    cell.source += "\n\nOne more sentence."
    nbformat.write(nb, nb_path)
    found = nt.problems(nb_path, LANG)
    assert [(p.kind, p.cell) for p in found] == [("out of date", cell.id)]
    assert nt.main(["check", str(nb_path)]) == 1
    out = capsys.readouterr().out
    assert yaml_path.name in out and cell.id in out and "out of date" in out
    with pytest.raises(nt.TranslationError, match=cell.id):
        nt.translate(nb_path, LANG)


def test_new_english_cell_and_removed_cell_are_reported(tmp_path):
    nb_path, _ = _copy_lesson(tmp_path)
    nb = nbformat.read(nb_path, as_version=4)
    removed = nb.cells.pop(0)
    nb.cells.append(nbformat.v4.new_markdown_cell("A brand new paragraph of English.", id="new-cell"))
    nbformat.write(nb, nb_path)
    kinds = {(p.kind, p.cell) for p in nt.problems(nb_path, LANG)}
    assert ("missing", "new-cell") in kinds
    assert ("unknown cell", removed.id) in kinds


def test_unreadable_translation_is_reported_not_crashing(tmp_path):
    nb_path, yaml_path = _copy_lesson(tmp_path)
    yaml_path.write_text("cells: [this is: not a mapping", encoding="utf-8")
    found = nt.problems(nb_path, LANG)
    assert len(found) == 1 and found[0].kind == "unreadable" and "YAML" in found[0].detail


# ------------------------------------------------------------------ what a translation may change

CHECK = '''check("q1_1", q1_1, kind="choice", options="ABCD", hints={
    "A": "This opening tells the caller where they are, and little else.",
})'''


@pytest.mark.parametrize("translated, allowed", [
    (CHECK.replace("This opening tells the caller where they are, and little else.",
                   "这样开场只告诉了客户打到了哪里。"), True),
    ("# 中文注释\n" + CHECK, True),
    (CHECK.replace('options="ABCD"', 'options="ABC"'), False),        # an option list
    (CHECK.replace('"q1_1"', '"q1_2"'), False),                        # a question id
    (CHECK.replace('"A":', '"B":'), False),                            # a hint's letter
    (CHECK.replace("check(", "grade("), False),                        # the code
    (CHECK + "\nprint('x')", False),                                   # added code
    ("check(", False),                                                 # not Python
])
def test_code_translation_may_change_only_text(translated, allowed):
    assert (nt.code_difference(CHECK, translated) == "") is allowed


def test_hidden_tests_and_markers_stay_byte_for_byte():
    test = ('# Hidden tests check this answer when your trainer grades the notebook.\n'
            '### BEGIN HIDDEN TESTS\nfrom grader.check import grade\n'
            'grade("q1_1", q1_1, kind="choice", answer="C", points=1)\n### END HIDDEN TESTS')
    assert nt.code_difference(test, test.replace("# Hidden tests check this answer when your "
                                                 "trainer grades the notebook.", "# 隐藏测试")) == ""
    assert "hidden tests" in nt.code_difference(test, test.replace('answer="C"', 'answer="D"'))
    assert "hidden tests" in nt.code_difference(test, test.replace("points=1)", "points=1 )"))
    sol = "# Replace ... with your answer\nq1_1 = ...\n### BEGIN SOLUTION\nq1_1 = 'C'\n### END SOLUTION"
    assert nt.code_difference(sol, sol.replace("# Replace ... with your answer", "# 把 ... 换成答案")) == ""
    assert "markers" in nt.code_difference(sol, sol.replace("### END SOLUTION", ""))
    assert nt.code_difference(sol, sol.replace("'C'", "'B'")) != ""


def test_translation_cannot_change_grading_metadata(tmp_path):
    """The edition takes nbgrader's metadata (ids, points, locks) from English, whatever the file says."""
    for nb_path in nt.english_exercises():
        if not nt.translation_file(nb_path, LANG).exists():
            continue
        en = nbformat.read(nb_path, as_version=4)
        zh = nt.translate(nb_path, LANG)
        assert [c.metadata.get("nbgrader") for c in zh.cells] == [c.metadata.get("nbgrader") for c in en.cells]
        assert [c.get("id") for c in zh.cells] == [c.get("id") for c in en.cells]
        for a, b in zip(en.cells, zh.cells):
            if a.cell_type == "code" and "BEGIN HIDDEN TESTS" in a.source:
                assert nt._hidden(a.source) == nt._hidden(b.source)


def test_edition_chooses_its_language_and_links_its_own_lessons():
    for nb_path in nt.english_lessons():
        if not nt.translation_file(nb_path, LANG).exists():
            continue
        zh = nt.translate(nb_path, LANG)
        assert zh.metadata["academy"]["lang"] == LANG
        code = [c.source for c in zh.cells if c.cell_type == "code"]
        uses_tools = [s for s in code if "grader" in s]
        if uses_tools:
            assert 'use_language("zh-CN")' in uses_tools[0]
        for c in zh.cells:
            if c.cell_type != "markdown":
                continue
            for target in nt._LINK.findall(c.source):
                linked = (nb_path.parent / target[1])
                if nt.translation_file(linked, LANG).exists():
                    pytest.fail(f"{nb_path.name} links the English {target[1]} in its zh-CN edition")


# ------------------------------------------------------------------ committed editions in sync

def test_committed_lesson_editions_match_a_fresh_build():
    expected = {nt.lesson_edition(nb, LANG) for nb in nt.english_lessons()
                if nt.translation_file(nb, LANG).exists()}
    committed = set(paths.COURSE.rglob(f"*.{LANG}.ipynb"))
    assert committed == expected, "run 'academy build' and commit the zh-CN lessons"
    for path in sorted(expected):
        nb = nt.translate(path.with_name(path.name.replace(f".{LANG}.ipynb", ".ipynb")), LANG)
        assert path.read_text(encoding="utf-8") == nbformat.writes(nb) + "\n", \
            f"{path.relative_to(paths.ROOT)} is out of date: run 'academy build' and commit"


@pytest.mark.nbgrader
def test_committed_exercise_editions_match_a_fresh_build(tmp_path):
    ids, found = nt.build_exercise_sources(tmp_path / "solutions", LANG)
    assert not found
    release = paths.EXERCISES / LANG
    if not ids:
        assert not release.exists() or not any(release.iterdir())
        return
    course.build(tmp_path / "release", source_dir=tmp_path / "solutions")
    built = {p.relative_to(tmp_path / "release") for p in course.iter_release_files(tmp_path / "release")}
    committed = {p.relative_to(release) for p in course.iter_release_files(release)}
    assert built == committed, "exercises/zh-CN is out of date: run 'academy build' and commit"
    diff = [str(p) for p in built if not filecmp.cmp(tmp_path / "release" / p, release / p, shallow=False)]
    assert not diff, f"exercises/zh-CN is out of date ({diff}): run 'academy build' and commit"
    for nb in release.rglob("*.ipynb"):
        text = nb.read_text(encoding="utf-8")
        for marker in ("BEGIN SOLUTION", "BEGIN HIDDEN TESTS", "grade("):
            assert marker not in text, f"{nb} gives away a solution or hidden test ({marker})"


# ------------------------------------------------------------------ graded the same

@pytest.fixture(scope="module")
def zh_source(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("zh-source") / "solutions"
    ids, found = nt.build_exercise_sources(target, LANG)
    assert not found
    return target


def _grades(ws):
    from grader.workflow import grade_table

    t = grade_table(ws.db_url)
    def value(x):
        return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)

    return {(r.learner, r.question): (value(r.auto_score), bool(r.needs_manual_grade)) for r in t.itertuples()}


@pytest.mark.nbgrader
@pytest.mark.parametrize("aid", _translated_exercises())
def test_zh_edition_grades_like_english(aid, zh_source, tmp_path):
    """Same answers, same scores in both editions (sandboxed autograde); and under stock nbgrader
    the zh-CN solution earns full marks and the blank zh-CN release zero."""
    from grader.autograding import stock_autograde
    from grader.synthetic.learners import Learner, make_learners, write_submissions
    from grader.workflow import Workspace, add_learners, autograde, prepare

    learners = make_learners(5, seed=7)
    scores = {}
    for edition, source in (("en", paths.SOLUTIONS), (LANG, zh_source)):
        ws = Workspace(tmp_path / edition / "course", source=source)
        prepare(ws, [aid])
        add_learners(ws, learners)
        write_submissions(learners, aid, ws.release, source, ws.submitted, seed=5)
        results = autograde(ws, aid, [l.id for l in learners], progress=False)
        assert all(r.ok for r in results), [r.message for r in results]
        scores[edition] = _grades(ws)
    assert scores["en"] == scores[LANG]
    assert any(v[0] for v in scores[LANG].values()), "no learner scored anything: the comparison is empty"

    # Stock nbgrader on the zh-CN edition: solution full, blank zero.
    ws = Workspace(tmp_path / "stock" / "course", source=zh_source)
    prepare(ws, [aid])
    add_learners(ws, [Learner("solution", "S", "S", "strong"), Learner("blank", "B", "B", "skipper")])
    for nb_path in course.notebooks(aid, ws.release):
        release = nbformat.read(nb_path, as_version=4)
        solution = nbformat.read(zh_source / aid / nb_path.name, as_version=4)
        answers = {c.metadata["nbgrader"]["grade_id"]: c.source for c in solution.cells
                   if c.metadata.get("nbgrader", {}).get("solution")}
        answered = copy.deepcopy(release)
        for cell in answered.cells:
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("solution"):
                cell.source = answers[meta["grade_id"]].replace("### BEGIN SOLUTION\n", "").replace(
                    "### END SOLUTION", "")
        for lid, nb in (("solution", answered), ("blank", release)):
            out = ws.submitted / lid / aid / nb_path.name
            out.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, out)
    proc = stock_autograde(ws, aid)
    assert proc.returncode == 0, proc.stderr[-3000:]
    from grader.workflow import grade_table

    table = grade_table(ws.db_url)
    auto = table[~table.needs_manual_grade & table.auto_score.notna()]
    sol = auto[auto.learner == "solution"]
    assert len(sol) > 0 and (sol.score == sol.max_score).all(), sol[sol.score < sol.max_score].question.tolist()
    blank = table[table.learner == "blank"]
    assert blank.score.sum() == 0, blank[blank.score > 0].question.tolist()


# ------------------------------------------------------------------ nbval over the zh-CN exercises

@pytest.mark.parametrize("aid", _translated_exercises())
def test_zh_exercise_source_runs_under_nbval(aid, tmp_path):
    """The zh-CN edition of each exercise, with its solutions and hidden tests (what nbgrader
    generates the release from), runs clean under nbval like solutions/ does."""
    import subprocess
    import sys

    ids, found = nt.build_exercise_sources(tmp_path / "solutions", LANG)
    assert not found and aid in ids
    for other in ids:
        if other != aid:
            shutil.rmtree(tmp_path / "solutions" / other)
    proc = subprocess.run([sys.executable, "-m", "pytest", "--nbval-lax", "-p", "no:cacheprovider", "-q",
                           "-o", "addopts=", "-o", "testpaths=", "--rootdir", str(tmp_path),
                           str(tmp_path / "solutions" / aid)],
                          cwd=tmp_path, capture_output=True, text=True, timeout=900,
                          env={**os.environ, "ACADEMY_NO_PROGRESS": "1"})
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert " passed" in proc.stdout and "failed" not in proc.stdout
