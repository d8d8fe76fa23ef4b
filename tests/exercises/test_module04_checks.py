"""Module 4's released self-checks: right answers pass, every hint can be reached, none leaks.

The helpers here work on any assignment (Module 5's and the capstone's tests load them): they
read the *released* notebook's sealed check cells, take each answer from the hidden grade cell
of the source notebook, and drive :func:`grader.check.feedback` as a learner would.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest

from grader.check import feedback, unseal
from grader.nbgrader_ext import question_specs

ROOT = Path(__file__).resolve().parents[2]


def released_checks(aid: str) -> dict[str, str]:
    """{question: sealed spec} from the check cells of the released notebook."""
    nb = nbformat.read(ROOT / "exercises" / aid / f"{aid}.ipynb", as_version=4)
    out = {}
    for cell in nb.cells:
        if cell.cell_type != "code" or "check(" not in cell.source:
            continue
        call = ast.parse(cell.source).body[-1].value
        kw = {k.arg: ast.literal_eval(k.value) for k in call.keywords}
        assert set(kw) == {"sealed"}, f"{call.args[0].value}: released check cell is not sealed"
        out[call.args[0].value] = kw["sealed"]
    return out


def source_specs(aid: str) -> dict[str, dict]:
    nb = nbformat.read(ROOT / "solutions" / aid / f"{aid}.ipynb", as_version=4)
    return question_specs(nb)


def forbidden(answer) -> list[str]:
    """Regexes for ways an answer could be spelled out in a message."""
    if isinstance(answer, dict):
        return []  # per-item labels are checked item by item in wrong_inputs
    if isinstance(answer, (list, tuple)):
        return [re.escape(f"{answer!r}"), re.escape(str(list(answer)))]
    if isinstance(answer, (int, float)) and not isinstance(answer, bool):
        return [rf"\b{re.escape(str(answer))}\b"]
    return [re.escape(p) for p in (f"'{answer}'", f'"{answer}"', f"option {answer}", f"answer is {answer}")]


def wrong_inputs(kind: str, answer, check_kw: dict, grade_kw: dict):
    """(hint key, a wrong answer that should show that hint, text of the hint, leak patterns)."""
    hints = check_kw.get("hints", {})
    if kind == "choice":
        for k, h in hints.items():
            yield k, k, h, forbidden(answer)
    elif kind == "multi":
        for k, h in hints.items():
            yield k, list(answer) + [k], h, []
    elif kind == "classify":
        cats = check_kw["categories"]
        for k, h in hints.items():
            other = next(c for c in cats if c != answer[k])
            yield k, {**answer, k: other}, h, [re.escape(f"'{answer[k]}'")]
    elif kind == "order":
        for k, h in hints.items():
            i = answer.index(k)
            assert i > 0, f"hint for {k!r} can never show: the first step is never 'first misplaced'"
            yield k, [k] + [a for a in answer if a != k], h, forbidden(answer)
    elif kind == "number":
        tol = grade_kw.get("tolerance", 0)
        taken = [float(v) for v, _ in hints.get("mistakes", [])]
        for side, sign in (("low", -1), ("high", 1)):
            value = next(answer + sign * (step + tol) for step in range(1, 50)
                         if all(abs(answer + sign * (step + tol) - t) > tol for t in taken))
            if side in hints:
                yield side, value, hints[side], forbidden(answer)
        for value, h in hints.get("mistakes", []):
            yield value, value, h, forbidden(answer)


def check_assignment(aid: str) -> None:
    sealed = released_checks(aid)
    specs = source_specs(aid)
    assert set(sealed) == {q for q, s in specs.items() if "check" in s}
    for q, sealed_spec in sealed.items():
        grade_kw, check_kw = specs[q]["grade"], specs[q]["check"]
        answer, kind = grade_kw["answer"], grade_kw["kind"]
        fb = feedback(q, answer, sealed=sealed_spec)
        assert fb.status == "correct", (q, fb.text)
        spec_text = str(unseal(sealed_spec))
        assert repr(answer) not in spec_text or kind == "number", f"{q}: answer readable in the sealed spec"
        for key, value, hint, leaks in wrong_inputs(kind, answer, check_kw, grade_kw):
            fb = feedback(q, value, sealed=sealed_spec)
            assert fb.status in ("incorrect", "partial"), (q, key, fb.text)
            assert hint in fb.text, f"{q}: hint for {key!r} not shown; got {fb.text}"
            for pattern in leaks:
                assert not re.search(pattern, fb.text), f"{q}: message for {key!r} leaks the answer: {fb.text}"


def form_problems_are_explained(aid: str) -> None:
    """A wrong-shaped answer gets a form message, never a verdict."""
    specs = source_specs(aid)
    for q, sealed_spec in released_checks(aid).items():
        kind = specs[q]["grade"]["kind"]
        bad = {"choice": 3, "multi": "A", "order": "ABC", "classify": ["A"], "number": "12"}[kind]
        fb = feedback(q, bad, sealed=sealed_spec)
        assert fb.status == "form", (q, fb.text)
        assert feedback(q, sealed=sealed_spec).status == "unanswered"


AID = "04-coaching-and-leading"


def test_solutions_pass_and_hints_reachable_without_leaks():
    """Fed the solution, does every released Module 4 check say correct; can every hint be
    reached by some wrong answer; and does no message spell out the answer?"""
    check_assignment(AID)


def test_wrong_forms_get_form_messages():
    """Does a wrong-shaped answer (number for a letter, text for a list …) get a form message?"""
    form_problems_are_explained(AID)


def test_tie_at_the_top_is_partial_credit_not_zero():
    """Does naming only one of the two tied agents in Question 4.13 earn half, with a message
    that there is one more to find, and does the order of the pair not matter?"""
    from grader.check import score

    sealed = released_checks(AID)["q4_13"]
    fb = feedback("q4_13", ["A107"], sealed=sealed)
    assert fb.status == "partial" and "1 more to find" in fb.text
    assert feedback("q4_13", ["A107", "A101"], sealed=sealed).status == "correct"
    assert score("q4_13", ["A107"], kind="multi", answer=["A101", "A107"], points=2) == 1.0


def test_roleplay_question_points_to_the_coaching_scorecard():
    """Does the manually graded role-play question name the coaching scorecard that exists in
    datasets/scorecards, and its pass mark as the track manifest sets it?"""
    import yaml

    nb = nbformat.read(ROOT / "solutions" / AID / f"{AID}.ipynb", as_version=4)
    task = next(c.source for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "q4_15_task")
    assert "coaching-conversation" in task
    assert (ROOT / "datasets" / "scorecards" / "coaching-conversation.v1.yaml").exists()
    manifest = yaml.safe_load((ROOT / "datasets" / "tracks.yaml").read_text())
    lead = next(t for t in manifest["tracks"] if t["id"] == "leadership")
    assert f"{lead['roleplays'][0]['min_total']}/100" in task


@pytest.mark.parametrize("aid", [AID])
def test_no_age_criterion(aid):
    """Does nothing in the exercise make age a requirement?"""
    text = (ROOT / "solutions" / aid / f"{aid}.ipynb").read_text(encoding="utf-8").lower()
    assert not re.search(r"\b(under|over|below|above|younger than|older than)\s+\d+\s*(years|yrs)", text)
    for m in re.finditer(r"\bage\b", text):  # only ever mentioned to rule it out
        assert re.search(r"\b(not|never|nothing|no)\b", text[max(0, m.start() - 80):m.end() + 40]), text[m.start() - 80:m.end() + 40]
