"""Tests of the Module 1 exercise: its released self-checks, hints and answer key.

The released notebook (exercises/01-service-standards) carries sealed check specs only. These
tests unseal each one and feed it the solution's answers and every wrong choice a hint was written
for, so that every hint can actually be reached, none gives the answer away, and the solution
earns every point. One test also runs the released notebook with the solution answers pasted in.
"""
from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from grader.check import feedback, score, unseal
from grader.datasets import load
from grader.datasets.transcripts import breaches, load_standards, load_transcripts, to_markdown
from grader.nbgrader_ext import question_specs, seal_source

ROOT = Path(__file__).resolve().parents[2]
NAME = "01-service-standards"
SOURCE = ROOT / "solutions" / NAME / f"{NAME}.ipynb"
RELEASE = ROOT / "exercises" / NAME / f"{NAME}.ipynb"
ORDINALS = {0: ("first", "1st"), 1: ("second", "2nd"), 2: ("third", "3rd"), 3: ("fourth", "4th"),
            4: ("fifth", "5th"), 5: ("sixth", "6th")}
NUMBER_WORDS = {3: "three", 60: "sixty"}


def _nb(path: Path):
    return nbformat.read(path, as_version=4)


def _gid(cell) -> str:
    return cell.metadata.get("nbgrader", {}).get("grade_id", "")


@pytest.fixture(scope="module")
def specs() -> dict[str, dict[str, dict]]:
    return question_specs(_nb(SOURCE))


@pytest.fixture(scope="module")
def sealed() -> dict[str, dict]:
    """{question: unsealed spec} from the released check cells."""
    out = {}
    for cell in _nb(RELEASE).cells:
        m = re.search(r'check\("(q1_\d+)", \w+, sealed="([^"]+)"\)', cell.source)
        if m:
            out[m.group(1)] = {"text": m.group(2), "spec": unseal(m.group(2))}
    return out


@pytest.fixture(scope="module")
def solution_values() -> dict[str, object]:
    """What each answer cell's solution region computes, run as a learner's kernel would."""
    ns: dict[str, object] = {"load": load}
    for cell in _nb(SOURCE).cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code" or meta.get("grade") or "check(" in cell.source:
            continue
        src = cell.source
        if meta.get("solution"):
            src = re.search(r"### BEGIN SOLUTION\n(.*?)\n### END SOLUTION", src, re.S).group(1)
        elif meta.get("grade_id") == "setup":
            continue
        exec(compile(src, _gid(cell), "exec"), ns)  # noqa: S102 - our own notebook
    return {k: v for k, v in ns.items() if re.fullmatch(r"q1_\d+", k)}


def fb(name, value, sealed):
    return feedback(name, value, sealed=sealed[name]["text"])


def test_enough_questions_of_every_kind(specs):
    """Does the exercise have at least ten auto-graded questions covering every kind of check?"""
    kinds = {name: s["grade"]["kind"] for name, s in specs.items()}
    assert len(kinds) >= 10
    assert set(kinds.values()) == {"choice", "multi", "order", "classify", "number"}
    assert all(set(s) == {"check", "grade"} for s in specs.values())


def test_release_has_no_key(specs):
    """Does the released notebook hide every solution, hidden test, answer and readable hint?"""
    release = _nb(RELEASE)
    text = "\n".join(c.source for c in release.cells)
    for banned in ("BEGIN SOLUTION", "HIDDEN TESTS", "grade(", "answer=", "hints="):
        assert banned not in text
    for cell in release.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and cell.cell_type == "code":
            lines = [l for l in cell.source.splitlines() if l.strip()]
            assert len(lines) == 2 and lines[0].startswith("#") and lines[1].endswith("= ..."), lines
        if meta.get("grade") and cell.cell_type == "code":
            assert cell.source.strip() == ("# Hidden tests check this answer when your trainer "
                                           "grades the notebook.")
    for name, parts in specs.items():
        for hint in _all_hints(parts["check"].get("hints", {})):
            assert hint not in text, f"{name}: hint readable in the release"


def test_release_check_cells_are_in_sync(specs):
    """Is every released check cell exactly what sealing the current source gives (no drift)?"""
    src = {_gid(c): c.source for c in _nb(SOURCE).cells}
    rel = {_gid(c): c.source for c in _nb(RELEASE).cells}
    for name in specs:
        assert rel[f"{name}_check"] == seal_source(src[f"{name}_check"], specs), \
            f"{name}: exercises/ is stale; run 'academy build'"


def test_solution_is_correct_everywhere(specs, sealed, solution_values):
    """Do the solution's own answers make every released check say 'correct' and earn full points,
    and do they agree with the hidden grade cells' answers?"""
    assert set(sealed) == set(specs)
    for name, parts in specs.items():
        value = solution_values[name]
        grade_kw = dict(parts["grade"])
        points = grade_kw.pop("points")
        assert fb(name, value, sealed).status == "correct", name
        assert fb(name, grade_kw["answer"], sealed).status == "correct", name
        assert score(name, value, points=points, **grade_kw) == points, name


def test_blank_and_wrong_form_earn_nothing(specs, sealed):
    """Does an untouched answer say 'not answered' and score zero, and a wrongly shaped answer
    get a form message rather than a verdict?"""
    for name, parts in specs.items():
        grade_kw = dict(parts["grade"])
        points = grade_kw.pop("points")
        assert fb(name, ..., sealed).status == "unanswered"
        assert score(name, ..., points=points, **grade_kw) == 0
        wrong_shape = {"number": "three", "classify": ["A"]}.get(grade_kw["kind"], 42)
        assert fb(name, wrong_shape, sealed).status == "form", name


def _all_hints(hints) -> list[str]:
    out = []
    for k, v in hints.items():
        if k == "mistakes":
            out += [h for _, h in v]
        else:
            out.append(v)
    return out


def _probes(name: str, parts: dict) -> list[tuple[object, str]]:
    """(wrong answer, the hint it must show) for every hint written for a question."""
    check_kw, answer = parts["check"], parts["grade"]["answer"]
    hints, kind = check_kw.get("hints", {}), parts["grade"]["kind"]
    probes = []
    if kind == "choice":
        probes = [(k, h) for k, h in hints.items()]
    elif kind == "multi":
        probes = [(list(answer) + [k], h) for k, h in hints.items()]
    elif kind == "number":
        key = float(answer)
        probes = [(key - 7, hints["low"]), (key + 7, hints["high"])]
        probes += [(v, h) for v, h in hints.get("mistakes", [])]
    elif kind == "order":
        # The check shows the hint of the item standing at the first wrong position, so swapping
        # an item with the one before it shows that item's hint (the first step has none).
        for item, h in hints.items():
            i = answer.index(item)
            wrong = list(answer)
            wrong[i - 1], wrong[i] = wrong[i], wrong[i - 1]
            probes.append((wrong, h))
    elif kind == "classify":
        cats = check_kw["categories"]
        for item, h in hints.items():
            other = next(c for c in cats if c != answer[item])
            probes.append((dict(answer, **{item: other}), h))
    return probes


def test_every_hint_is_reachable(specs, sealed):
    """Is every hint the author wrote shown for the wrong answer it was written for?"""
    for name, parts in specs.items():
        hints = _all_hints(parts["check"].get("hints", {}))
        probes = _probes(name, parts)
        assert sorted(h for _, h in probes) == sorted(hints), f"{name}: some hints have no probe"
        for value, hint in probes:
            result = fb(name, value, sealed)
            assert result.status in ("incorrect", "partial"), (name, value, result.text)
            assert hint in result.text, f"{name}: {value!r} does not show its hint\n{result.text}"


def test_every_wrong_option_has_a_hint(specs):
    """Does every wrong option of a choice, every step of an order and every item of a
    classification have its own hint?"""
    for name, parts in specs.items():
        kind, answer = parts["grade"]["kind"], parts["grade"]["answer"]
        hints = parts["check"].get("hints", {})
        if kind == "choice":
            assert set(hints) == set(parts["check"]["options"]) - {answer}, name
        elif kind == "order":
            # a hint for the first step could never be shown (see _probes)
            assert set(hints) == set(answer[1:]), name
        elif kind == "classify":
            assert set(hints) == set(answer), name
        elif kind == "number":
            assert {"low", "high"} <= set(hints), name
        elif kind == "multi" and "options" in parts["check"]:
            assert set(hints) == set(parts["check"]["options"]) - set(answer), name


def test_no_message_gives_the_answer_away(specs, sealed):
    """Does no message shown for a wrong answer contain that question's answer?"""
    for name, parts in specs.items():
        kind, answer = parts["grade"]["kind"], parts["grade"]["answer"]
        shown = [fb(name, v, sealed).text for v, _ in _probes(name, parts)]
        for text in shown:
            if kind == "choice":
                assert not re.search(rf"(['\"(]{answer}['\")]|\boption {answer}\b|\b{answer}\))", text)
            elif kind == "number":
                assert not re.search(rf"\b{int(answer)}\b", text.replace(f"Question {name[1:].replace('_', '.')}", ""))
                assert NUMBER_WORDS.get(int(answer), "@@") not in text.lower()
                assert "one minute" not in text.lower()
            elif kind == "multi":
                for a in answer:
                    if isinstance(a, str) and len(a) > 1:  # ids such as 'C-1082'
                        assert a not in text, (name, a, text)
                    elif isinstance(a, int):  # line numbers: look in the hints only
                        for h in _all_hints(parts["check"]["hints"]):
                            assert not re.search(rf"(?<![\d.]){a}(?![\d])", h), (name, a, h)
            elif kind == "classify":
                for cat in parts["check"]["categories"]:
                    assert cat not in text.lower(), (name, cat, text)
            elif kind == "order":
                for h in parts["check"]["hints"].values():
                    assert not re.search(r"\b(first|second|third|fourth|fifth|sixth|last|"
                                         r"1st|2nd|3rd|4th|5th|6th|position)\b", h.lower()), (name, h)


def test_hints_never_name_the_right_letters(specs):
    """Does no hint of a letter question quote one of its right letters, like 'C' or (C)?"""
    for name, parts in specs.items():
        answer = parts["grade"]["answer"]
        letters = (answer if isinstance(answer, list) else list(answer) if isinstance(answer, dict)
                   else [answer])
        letters = [a for a in letters if isinstance(a, str) and len(a) == 1]
        for hint in _all_hints(parts["check"].get("hints", {})):
            for a in letters:
                assert not re.search(rf"(['\"(]{a}['\")]|\boption {a}\b|\b{a}\))", hint), (name, hint)


def test_answers_follow_the_sources_and_data(specs):
    """Do the answers agree with the standards file, the transcript annotations and the call log
    (3 rings, 60 seconds, the lines that break a standard, the calls that broke both hold rules)?"""
    std = load_standards()
    assert specs["q1_2"]["grade"]["answer"] == std["answer_within_3_rings"]["measure"]["limit"]
    assert specs["q1_3"]["grade"]["answer"] == std["hold_over_1_min"]["measure"]["limit"]
    t2 = load_transcripts()["T2"]
    assert specs["q1_7"]["grade"]["answer"] == sorted(breaches(t2))
    assert specs["q1_7"]["check"]["options"] == list(range(1, len(t2["lines"]) + 1))
    source_md = "\n".join(c.source for c in _nb(SOURCE).cells if c.cell_type == "markdown")
    assert to_markdown(t2) in source_md, "the transcript shown in Question 1.7 is out of date"
    calls = load("call_log.csv")
    both = calls[(calls["longest_hold_s"] > 60) & (calls["hold_permission_asked"] == False)]  # noqa: E712
    assert specs["q1_13"]["grade"]["answer"] == both["call_id"].tolist()
    for cid in specs["q1_13"]["check"]["hints"]:
        row = calls[calls["call_id"] == cid].iloc[0]
        assert row["hold_count"] > 0 and cid not in both["call_id"].tolist()


def test_partial_credit_is_proportional(specs):
    """Does finding half the transcript slips earn about half the points, and a wrong pick cost?"""
    kw = dict(specs["q1_7"]["grade"])
    answer, points = kw["answer"], kw.pop("points")
    half = answer[: len(answer) // 2]
    assert score("q1_7", half, points=points, **kw) == pytest.approx(points / 2)
    fine = next(n for n in range(1, 18) if n not in answer)
    assert score("q1_7", half + [fine], points=points, **kw) < points / 2


def test_manual_question_has_rubric_and_model_answer():
    """Is the written question worth 3 points, with its rubric visible to learners in the release
    and the model answer only in the source?"""
    src = {_gid(c): c for c in _nb(SOURCE).cells}
    rel = {_gid(c): c for c in _nb(RELEASE).cells}
    answer = src["q1_14"]
    assert answer.cell_type == "markdown" and answer.metadata["nbgrader"]["points"] == 3
    assert answer.metadata["nbgrader"]["grade"] and answer.metadata["nbgrader"]["solution"]
    assert "### BEGIN SOLUTION" in answer.source
    task = rel["q1_14_task"]
    assert task.metadata["nbgrader"]["locked"] and "How your trainer will mark it" in task.source
    assert "BEGIN SOLUTION" not in rel["q1_14"].source and "Okoye" not in rel["q1_14"].source


@pytest.mark.nbgrader
def test_release_with_solution_answers_runs_correct(tmp_path, monkeypatch):
    """When a learner types the solution answers into the released notebook and runs it, does
    every check cell say 'correct' and nothing go to stderr?"""
    from nbclient import NotebookClient

    monkeypatch.setenv("ACADEMY_NO_PROGRESS", "1")
    source = {_gid(c): c.source for c in _nb(SOURCE).cells}
    nb = _nb(RELEASE)
    pasted = 0
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and cell.cell_type == "code":
            region = re.search(r"### BEGIN SOLUTION\n(.*?)\n### END SOLUTION",
                               source[meta["grade_id"]], re.S).group(1)
            cell.source = cell.source.rstrip("\n") + "\n" + region
            pasted += 1
    assert pasted >= 10
    NotebookClient(nb, timeout=120, startup_timeout=120,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    checks = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for out in cell.outputs:
            assert not (out.output_type == "stream" and out.name == "stderr"), out.text
            assert out.output_type != "error", out
        if _gid(cell).endswith("_check"):
            text = "".join(o.get("data", {}).get("text/plain", "") for o in cell.outputs)
            assert "Correct" in text and "✅" in text, (_gid(cell), text)
            checks += 1
    assert checks >= 10


def test_hold_table_in_question_1_13_matches_the_call_log():
    """Is the eight-call table learners read in Question 1.13 what call_log.csv holds for those calls?"""
    calls = load("call_log.csv").set_index("call_id")
    text = next(c.source for c in _nb(SOURCE).cells
                if c.metadata.get("nbgrader", {}).get("grade_id") == "q1_13_text")
    rows = re.findall(r"^\| (C-\d+) \| (\d+) \| (?:(\d+) min )?(\d+) s \| (yes|no) \|$", text, flags=re.M)
    assert len(rows) == 8
    for cid, holds, mins, secs, asked in rows:
        row = calls.loc[cid]
        assert int(holds) == row["hold_count"]
        assert int(mins or 0) * 60 + int(secs) == row["longest_hold_s"]
        assert (asked == "yes") == bool(row["hold_permission_asked"])
