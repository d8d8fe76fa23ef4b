"""Self-checks: form problems first, a hint per wrong choice, never the answer; and scoring."""
from __future__ import annotations

import json

import pytest

from grader.check import check, feedback, grade, make_sealed_spec, score, seal, unseal


def sealed(name, check_kw, grade_kw):
    return seal(make_sealed_spec(name, check_kw, grade_kw))


CHOICE = ({"kind": "choice", "options": "ABCD",
           "hints": {"A": "Think about how long a caller waits.", "B": "Count the rings again.",
                     "D": "Which option names the company?"}},
          {"kind": "choice", "answer": "C"})
MULTI = ({"kind": "multi", "options": [1, 2, 3, 4, 5, 6],
          "hints": {1: "Line 1 greets the caller properly.", 6: "Line 6 thanks the caller."}},
         {"kind": "multi", "answer": [2, 4, 5]})
ORDER = ({"kind": "order", "options": ["A", "B", "C", "D"],
          "hints": {"A": "Greeting comes before anything else.", "D": "Closing is last."}},
         {"kind": "order", "answer": ["A", "C", "B", "D"]})
CLASSIFY = ({"kind": "classify", "categories": ["recommended", "discouraged", "forbidden"],
             "hints": {"p1": "Is this polite and specific?", "p2": "Does this blame the caller?"}},
            {"kind": "classify", "answer": {"p1": "recommended", "p2": "forbidden", "p3": "discouraged"}})
NUMBER = ({"kind": "number", "unit": "s",
           "hints": {"low": "Too short: re-read the rule.", "high": "Too long for a caller to wait.",
                     "mistakes": [[3, "That is the ring limit, not the hold limit."]]}},
          {"kind": "number", "answer": 60, "tolerance": 0})


def fb(spec, value, name="q1_1"):
    return feedback(name, value, sealed=sealed(name, *spec))


def assert_no_answer(message: str, answer) -> None:
    """The expected answer must not appear in what the learner is shown."""
    assert json.dumps(answer) not in message
    assert repr(answer) not in message
    if isinstance(answer, str):
        assert f"'{answer}'" not in message and f'"{answer}"' not in message


def test_unanswered_is_named_first():
    """Does a question left as `...` get a friendly 'not answered yet'?"""
    f = fb(CHOICE, ...)
    assert f.status == "unanswered" and "replace the ..." in f.message


@pytest.mark.parametrize("value, words", [
    (3, "one letter in quotes"), (["C"], "one letter in quotes"), ("E", "not among the choices"),
    ("CC", "just one letter"),
])
def test_choice_form_problems(value, words):
    """Is a wrong type or an option that does not exist reported before correctness?"""
    f = fb(CHOICE, value)
    assert f.status == "form" and words in f.message


@pytest.mark.parametrize("wrong", ["A", "B", "D"])
def test_choice_hint_per_wrong_option(wrong):
    """Does each wrong option get its own hint, without the answer?"""
    f = fb(CHOICE, wrong)
    assert f.status == "incorrect"
    assert CHOICE[0]["hints"][wrong] in f.message
    assert_no_answer(f.text, "C")


def test_choice_correct_is_case_blind():
    """Is ' c ' accepted as 'C'?"""
    assert fb(CHOICE, " c ").status == "correct"


def test_multi_feedback_counts_and_explains_wrong_picks():
    """Does a partial pick say how many are right and explain only the wrong picks?"""
    f = fb(MULTI, [2, 1])
    assert f.status == "partial"
    assert "1 of 3" in f.message and "2 more to find" in f.message
    assert any("Line 1 greets" in d for d in f.details)
    for missing in (4, 5):
        assert str(missing) not in f.text.replace("1 of 3", "")
    assert fb(MULTI, [5, 4, 2]).status == "correct"


@pytest.mark.parametrize("value, words", [("2,4", "list"), ([2, 2], "more than once"),
                                          ([9], "not among the choices"), ({"a": 1}, "list")])
def test_multi_form(value, words):
    """Are text, duplicates and unknown lines reported as form problems?"""
    f = fb(MULTI, value)
    assert f.status == "form" and words in f.message


def test_order_feedback_points_at_first_misplaced_step():
    """Does a wrong order name the first misplaced position and its hint, not the answer?"""
    f = fb(ORDER, ["A", "B", "C", "D"])
    assert f.status == "partial"
    assert "position 2" in f.message
    assert_no_answer(f.text, ["A", "C", "B", "D"])
    f = fb(ORDER, ["D", "C", "B", "A"])
    assert "Closing is last" in f.message
    assert fb(ORDER, ["a", "c", "b", "d"]).status == "correct"


@pytest.mark.parametrize("value, words", [(["A", "B"], "should have all 4"),
                                          (["A", "A", "B", "C"], "appears twice")])
def test_order_form(value, words):
    """Are a short list and a repeated step reported as form problems?"""
    assert words in fb(ORDER, value).message


def test_classify_hints_for_mislabelled_items():
    """Does a mislabelled item get its own hint and the count of right labels?"""
    f = fb(CLASSIFY, {"p1": "recommended", "p2": "discouraged", "p3": "discouraged"})
    assert f.status == "partial" and "2 of 3" in f.message
    assert any("blame the caller" in d for d in f.details)
    assert "forbidden" not in f.text


@pytest.mark.parametrize("value, words", [({"p1": "recommended"}, "missing: p2, p3"),
                                          ({"p1": "ok", "p2": "ok", "p3": "ok"}, "use only these labels"),
                                          (["recommended"], "dictionary")])
def test_classify_form(value, words):
    """Are missing items and unknown labels reported as form problems?"""
    assert words in fb(CLASSIFY, value).message


@pytest.mark.parametrize("value, words", [(30, "Too short"), (120, "Too long"),
                                          (3, "ring limit"), ("60", "without quotes"),
                                          ("sixty", "should be a number")])
def test_number_hints(value, words):
    """Do low, high, known-mistake and quoted numbers each get their message?"""
    f = fb(NUMBER, value)
    assert words in f.message
    assert "60" not in f.message.replace("(60", "") or value == "60"


def test_number_correct_within_tolerance():
    """Is an answer within the tolerance accepted?"""
    spec = (NUMBER[0], {"kind": "number", "answer": 0.8, "tolerance": 0.01})
    assert fb(spec, 0.805).status == "correct"
    assert fb(spec, 0.83).status == "incorrect"


def test_sealed_spec_hides_plain_answers():
    """Is a choice/multi answer absent from the sealed spec (digests only)?"""
    spec = unseal(sealed("q1_1", *CHOICE))
    assert "C" not in json.dumps(spec["key"]) and set(spec["hints"]) .isdisjoint({"A", "B", "D"})


def test_author_view_checks_form_only():
    """In solutions/ (unsealed) does check() validate form and say the key is sealed later?"""
    assert feedback("q1_1", "C", **CHOICE[0]).status == "unsealed"
    assert feedback("q1_1", 3, **CHOICE[0]).status == "form"


def test_check_never_raises_and_records_progress(tmp_path, monkeypatch):
    """Does check() swallow a broken spec, and log the learner's own progress locally?"""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    monkeypatch.delenv("ACADEMY_NO_PROGRESS", raising=False)
    bad = check("q1_1", "C", sealed="not-a-spec")
    assert bad.status == "form" and "could not be checked" in bad.message
    check("q1_1", "C", sealed=sealed("q1_1", *CHOICE))
    rows = [json.loads(l) for l in (tmp_path / ".academy" / "checks.jsonl").read_text().splitlines()]
    assert rows[-1]["status"] == "correct" and rows[-1]["question"] == "q1_1"


def test_no_progress_recorded_while_nbgrader_grades(tmp_path, monkeypatch):
    """Does autograding (NBGRADER_EXECUTION set) leave no progress file behind?"""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    check("q1_1", "C", sealed=sealed("q1_1", *CHOICE))
    assert not (tmp_path / ".academy").exists()


@pytest.mark.parametrize("kind, answer, value, expected", [
    ("choice", "C", "c", 1), ("choice", "C", "B", 0), ("choice", "C", 3, 0),
    ("multi", [2, 4, 5], [2, 4], 2 / 3), ("multi", [2, 4, 5], [2, 4, 1], 1 / 3),
    ("multi", [2, 4, 5], [1, 3], 0), ("multi", [2, 4, 5], "2,4,5", 0),
    ("order", list("ACBD"), list("ABCD"), 3 / 4), ("order", list("ACBD"), list("ACBD"), 1),
    ("order", list("ACBD"), list("ACB"), 0),
    ("classify", {"a": "x", "b": "y"}, {"a": "x", "b": "x"}, 1 / 2),
    ("number", 60, 60.0, 1), ("number", 60, "60", 0), ("number", 60, None, 0),
])
def test_score(kind, answer, value, expected):
    """Does each kind give the documented (partial) credit, and zero for the wrong form?"""
    assert score("q", value, kind=kind, answer=answer, points=1) == pytest.approx(expected, abs=1e-3)


def test_grade_fails_the_cell_on_zero_and_returns_partial_points():
    """Does grade() raise on no credit (nbgrader: zero) and return partial points otherwise?"""
    with pytest.raises(AssertionError):
        grade("q1_1", "B", kind="choice", answer="C", points=1)
    assert grade("q1_4", [2, 4], kind="multi", answer=[2, 4, 5], points=3) == pytest.approx(2.0)
