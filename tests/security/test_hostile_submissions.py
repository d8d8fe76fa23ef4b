"""Hostile and broken submissions against `academy autograde`, each with its expected outcome.

All cases are graded in one run with two workers (see ``conftest.py``); each test then checks one
case, or one thing that must hold for the whole cohort.
"""
from __future__ import annotations

import pytest

from .cases import CASES

pytestmark = pytest.mark.nbgrader


def _question_order(arena) -> list[str]:
    import nbformat

    from .conftest import AID

    nb = nbformat.read(arena.ws.release / AID / f"{AID}.ipynb", as_version=4)
    return [c.metadata["nbgrader"]["grade_id"].removesuffix("_test") for c in nb.cells
            if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "code"]


def _expected(arena, case) -> dict[str, float] | None:
    order = _question_order(arena)
    full = {q: arena.points[q] for q in order}
    kind, _, arg = case.expect.partition(":")
    if kind == "zero":
        return {q: 0.0 for q in order}
    if kind == "full":
        return full
    if kind == "lose":
        return {q: (0.0 if q in arg.split(",") else p) for q, p in full.items()}
    if kind == "from":
        k = order.index(arg)
        return {q: (p if i < k else 0.0) for i, (q, p) in enumerate(full.items())}
    if kind == "before":
        k = order.index(arg)
        return {q: p for i, (q, p) in enumerate(full.items()) if i < k}
    raise ValueError(case.expect)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case(arena, case):
    """Does this submission get exactly what it should, with the right note and nothing leaked?"""
    r = arena.results[case.name]
    assert r.status == case.status, (r.status, r.message)
    got = arena.scores.get(case.name, {})
    want = _expected(arena, case)
    assert {q: got.get(q, 0.0) for q in want} == want, r.message
    if case.note:
        assert case.note in r.message, r.message
    elif case.expect == "full":
        assert "tampered" not in r.message, r.message
    assert "LEAK" not in arena.outputs[case.name].replace("'LEAK", "").replace('"LEAK', "")


def test_enough_cases():
    assert len(CASES) >= 30


def test_honest_learners_untouched(arena):
    """Do the victim and the probe (graded among the attackers) get every point?"""
    for lid in ("victim", "probe"):
        assert sum(arena.scores[lid].values()) == arena.full, arena.results[lid].message
        assert "tampered" not in arena.results[lid].message
    assert arena.victim_before == arena.victim_after


def test_nothing_survives_grading(arena):
    """Is every process a submission started gone when its grading ends?"""
    assert arena.survivors == []


def test_no_network(arena):
    assert arena.connections == []


def test_no_files_written_outside(arena):
    from grader import paths

    assert not (arena.ws.root / "pwned").exists()
    assert (arena.ws.root / "gradebook.db").stat().st_size > 0
    assert "backdoor" not in (paths.ROOT / "grader" / "check.py").read_text()


def test_secret_never_seen(arena):
    for lid, text in arena.outputs.items():
        assert arena.fields["secret"] not in text, lid


def test_scratch_cleaned(arena):
    """Are the workers' gradebook copies gone, and was their folder private?"""
    scratch = arena.ws.root / ".academy" / "scratch"
    assert list(scratch.glob("run-*")) == []
    assert oct(scratch.stat().st_mode & 0o777) == "0o700"


def test_every_case_reported_once(arena):
    assert set(arena.results) >= {c.name for c in CASES} | {"victim", "probe"}


def test_feedback_never_leaks(arena):
    """Does every learner's feedback show points and hints, and never a hidden test, key or seal?"""
    import ast
    import re

    import nbformat

    from grader import paths
    from grader.workflow import feedback

    from .conftest import AID

    ids = sorted(arena.results)
    rows = feedback(arena.ws, AID, ids, release_it=False)
    made = [r.learner for r in rows if r.status == "generated"]
    assert "victim" in made and len(made) >= len(ids) - 2, [(r.learner, r.message) for r in rows if not r.ok]
    source = nbformat.read(paths.SOLUTIONS / AID / f"{AID}.ipynb", as_version=4)
    hidden = [c.source.split("### BEGIN HIDDEN TESTS")[1].split("### END HIDDEN TESTS")[0]
              for c in source.cells if "### BEGIN HIDDEN TESTS" in c.source]
    test_lines = [l.strip() for h in hidden for l in h.splitlines() if l.strip()]
    release = nbformat.read(arena.ws.release / AID / f"{AID}.ipynb", as_version=4)
    seals = re.findall(r'sealed="([^"]+)"', "".join(c.source for c in release.cells))
    assert test_lines and seals
    keys = []
    for h in hidden:
        for node in ast.walk(ast.parse(h)):
            if isinstance(node, ast.keyword) and node.arg == "answer":
                keys.append("answer=" + ast.unparse(node.value)[:40])
    for lid in made:
        html = (arena.ws.root / "feedback" / lid / AID / f"{AID}.html").read_text(encoding="utf-8")
        for bad in ["BEGIN HIDDEN TESTS", "no credit for this answer", *seals, *keys]:
            assert bad not in html, (lid, bad[:60])
        for line in test_lines:
            assert line not in html, (lid, line)
        assert "Question 1.1" in html and "point" in html
    victim = (arena.ws.root / "feedback" / "victim" / AID / f"{AID}.html").read_text(encoding="utf-8")
    assert "Correct" in victim
    blank = (arena.ws.root / "feedback" / "read_solutions" / AID / f"{AID}.html").read_text(encoding="utf-8")
    assert "Not answered yet" in blank


def test_no_script_reaches_a_trainers_browser(arena):
    """Written answers and outputs with script are harmless in the graded notebook as rendered."""
    import nbformat
    from nbconvert import HTMLExporter

    from grader import course

    from .conftest import AID

    from html.parser import HTMLParser

    class Active(HTMLParser):
        """Script elements and event-handler attributes that carry the attacker's alert()."""

        def __init__(self):
            super().__init__()
            self.found, self._in_script = [], False

        def handle_starttag(self, tag, attrs):
            self._in_script = tag == "script"
            self.found += [f"{tag} {k}" for k, v in attrs if k.startswith("on") and "alert" in (v or "")]

        def handle_data(self, data):
            if self._in_script and "alert(" in data:
                self.found.append("script alert")

        def handle_endtag(self, tag):
            self._in_script = False

    config = course.load_config()
    for lid in ("script_in_written_answer", "script_in_output", "script_in_raw_cell_and_widgets"):
        nb = nbformat.read(arena.ws.root / "autograded" / lid / AID / f"{AID}.ipynb", as_version=4)
        body, _ = HTMLExporter(config=config).from_notebook_node(nb)
        parser = Active()
        parser.feed(body)
        assert parser.found == [], (lid, parser.found)
    written = arena.outputs["script_in_written_answer"]
    assert "I would apologise" in written and "<script>alert(1)" not in written
