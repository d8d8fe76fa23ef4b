"""Every released check cell, in every assignment: right answers pass, hints reachable, no leaks.

Module-specific tests (answers recomputed from the data, rubrics, special cases) live in
``test_moduleNN_checks.py``; what holds for every question of every exercise lives here, so a new
exercise is covered as soon as it is written.
"""
from __future__ import annotations

import pytest

from grader import course
from grader.check import feedback, score, unseal
from grader.nbgrader_ext import question_specs

from checks_support import answers, leaks, notebooks, sealed_specs

AIDS = course.assignments()
NBS = {aid: notebooks(aid) for aid in AIDS}
SEALED = {aid: sealed_specs(rel) for aid, (src, rel) in NBS.items()}
ANSWERS = {aid: answers(src) for aid, (src, rel) in NBS.items()}
CHECK_HINTS = {aid: {n: p.get("check", {}).get("hints", {}) for n, p in question_specs(src).items()}
               for aid, (src, rel) in NBS.items()}
QUESTIONS = [(aid, name) for aid in AIDS for name in sorted(ANSWERS[aid])]


@pytest.mark.parametrize("aid", AIDS)
def test_every_question_is_sealed_in_the_release(aid):
    """Does every question in the solution have a sealed check cell in the release, and no key?"""
    assert set(SEALED[aid]) == set(ANSWERS[aid])
    released = "\n".join(c.source for c in NBS[aid][1].cells)
    assert "BEGIN SOLUTION" not in released and "grade(" not in released.replace("grade_id", "")


@pytest.mark.parametrize("aid, name", QUESTIONS)
def test_solution_answer_is_correct_in_the_released_check(aid, name):
    """Fed the solution's answer, does the released check cell say correct?"""
    fb = feedback(name, ANSWERS[aid][name], sealed=SEALED[aid][name])
    assert fb.status == "correct", fb.text


@pytest.mark.parametrize("aid", AIDS)
def test_hidden_grades_give_full_and_zero_marks(aid):
    """Does each hidden grade call give full points for the solution and none for a blank?"""
    for name, parts in question_specs(NBS[aid][0]).items():
        g = dict(parts["grade"])
        assert score(name, g["answer"], **g) == g.get("points", 1.0)
        assert score(name, ..., **g) == 0


@pytest.mark.parametrize("aid, name", QUESTIONS)
def test_every_hint_is_reachable_and_none_leaks(aid, name):
    """Can each written hint be triggered by some wrong answer, without showing the answer?"""
    spec = unseal(SEALED[aid][name])
    answer = ANSWERS[aid][name]
    seen = []
    if spec["kind"] == "choice":
        for opt in spec["options"]:
            if opt != answer:
                seen.append(feedback(name, opt, sealed=SEALED[aid][name]))
        assert all(fb.status == "incorrect" for fb in seen)
        assert len({fb.message for fb in seen}) == len(seen), "two wrong options share a hint"
    elif spec["kind"] == "multi":
        for opt, hint in CHECK_HINTS[aid][name].items():
            if opt in answer:
                continue
            fb = feedback(name, list(answer) + [opt], sealed=SEALED[aid][name])
            assert fb.status == "partial" and any(hint in d for d in fb.details), fb.text
            seen.append(fb)
    elif spec["kind"] == "classify":
        cats = spec.get("categories")
        for item, right in answer.items():
            wrong = next(c for c in cats if c != right) if cats else "WRONG"
            fb = feedback(name, {**answer, item: wrong}, sealed=SEALED[aid][name])
            assert fb.status == "partial" and any(d.upper().startswith(f"{item}:".upper()) for d in fb.details)
            hint = next(v for k, v in spec["hints"].items() if k.upper() == str(item).upper())
            assert hint in fb.details[0]
            seen.append(fb)
    elif spec["kind"] == "number":
        tol = spec["tolerance"]
        for value, hint in spec["hints"].get("mistakes", []):
            assert abs(value - answer) > tol, f"mistake {value} is within tolerance of the answer"
            fb = feedback(name, value, sealed=SEALED[aid][name])
            assert hint in fb.message
            seen.append(fb)
        low = feedback(name, answer - 50 * (tol + 1), sealed=SEALED[aid][name])
        high = feedback(name, answer + 50 * (tol + 1), sealed=SEALED[aid][name])
        assert spec["hints"]["low"] in low.message and spec["hints"]["high"] in high.message
        seen += [low, high]
    for fb in seen:
        assert not leaks(fb, answer), fb.text
