"""Module 2's released self-checks: right answers pass, every hint is reachable, nothing leaks."""
from __future__ import annotations

import pytest

from grader.check import feedback, score, unseal
from grader.datasets import load

from checks_m23 import answers, leaks, notebooks, sealed_specs

A = "02-emotion-management"
SRC, REL = notebooks(A)
SEALED = sealed_specs(REL)
ANSWERS = answers(SRC)


def test_every_question_is_sealed_in_the_release():
    """Does every question in the solution have a sealed check cell in the release, and no key?"""
    assert set(SEALED) == set(ANSWERS) and len(ANSWERS) == 13
    released = "\n".join(c.source for c in REL.cells)
    assert "BEGIN SOLUTION" not in released and "grade(" not in released.replace("grade_id", "")


@pytest.mark.parametrize("name", sorted(ANSWERS))
def test_solution_answer_is_correct_in_the_released_check(name):
    """Fed the solution's answer, does the released check cell say correct?"""
    fb = feedback(name, ANSWERS[name], sealed=SEALED[name])
    assert fb.status == "correct", fb.text


@pytest.mark.parametrize("name", sorted(ANSWERS))
def test_every_hint_is_reachable_and_none_leaks(name):
    """Can each written hint be triggered by some wrong answer, without showing the answer?"""
    spec = unseal(SEALED[name])
    answer = ANSWERS[name]
    seen = []
    if spec["kind"] == "choice":
        for opt in spec["options"]:
            if opt != answer:
                seen.append(feedback(name, opt, sealed=SEALED[name]))
        assert all(fb.status == "incorrect" for fb in seen)
        assert len({fb.message for fb in seen}) == len(seen), "two wrong options share a hint"
    elif spec["kind"] == "multi":
        for opt in spec["options"]:
            if opt not in answer:
                fb = feedback(name, list(answer) + [opt], sealed=SEALED[name])
                assert fb.status == "partial" and any(opt in d for d in fb.details)
                seen.append(fb)
    elif spec["kind"] == "classify":
        cats = spec.get("categories")
        for item, right in answer.items():
            wrong = next(c for c in cats if c != right) if cats else "WRONG"
            fb = feedback(name, {**answer, item: wrong}, sealed=SEALED[name])
            assert fb.status == "partial" and any(d.upper().startswith(f"{item}:".upper()) for d in fb.details)
            hint = next(v for k, v in spec["hints"].items() if k.upper() == str(item).upper())
            assert hint in fb.details[0]
            seen.append(fb)
    elif spec["kind"] == "number":
        tol = spec["tolerance"]
        for value, hint in spec["hints"].get("mistakes", []):
            assert abs(value - answer) > tol, f"mistake {value} is within tolerance of the answer"
            fb = feedback(name, value, sealed=SEALED[name])
            assert hint in fb.message
            seen.append(fb)
        low = feedback(name, answer - 50 * (tol + 1), sealed=SEALED[name])
        high = feedback(name, answer + 50 * (tol + 1), sealed=SEALED[name])
        assert spec["hints"]["low"] in low.message and spec["hints"]["high"] in high.message
        seen += [low, high]
    for fb in seen:
        assert not leaks(fb, answer), fb.text


def test_hidden_grades_give_full_and_zero_marks():
    """Does each hidden grade call give full points for the solution and none for a blank?"""
    from grader.nbgrader_ext import question_specs
    for name, parts in question_specs(SRC).items():
        g = dict(parts["grade"])
        pts = score(name, g["answer"], **g)
        assert pts == g.get("points", 1.0) and score(name, ..., **g) == 0


def test_answers_follow_from_the_data():
    """Are the sealed dip slot and figures what the committed mood data gives?"""
    c, k = load("mood_checkins.csv"), load("mood_calls.csv")
    by = c.groupby(["weekday", "hour"]).mood.mean()
    wd, hr = by.idxmin()
    assert ANSWERS["q2_11"] == {"weekday": wd, "hour": int(hr)}
    assert ANSWERS["q2_12"] == pytest.approx(by.min(), abs=0.001)
    slot = c[(c.weekday == wd) & (c.hour == hr)]
    assert ANSWERS["q2_13"] == pytest.approx(100 * (slot.stress >= 4).mean(), abs=0.01)
    m = k[(k.weekday == "Monday") & k.hour.isin([9, 10])]
    assert ANSWERS["q2_14"] == pytest.approx(100 * m.complaints.sum() / m.calls.sum(), abs=0.01)


def test_manual_questions_have_rubrics_and_model_answers():
    """Do both written questions carry points, a rubric the trainer sees and a model answer?"""
    by_id = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in SRC.cells}
    for q in ("q2_5", "q2_15"):
        meta = by_id[q].metadata["nbgrader"]
        assert meta["grade"] and meta["solution"] and meta["points"] == 3
        assert "BEGIN SOLUTION" in by_id[q].source
        assert "Rubric" in by_id[q + "_task"].source
