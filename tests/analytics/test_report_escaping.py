"""Both HTML reports show hostile learner and rater text as text, and warn about unsandboxed grades.

Learners choose their names, type answers and (in the role-play studio) learner, rater, scenario
and call names are free text. None of it may become markup in a page a trainer opens: the cohort
report and the calibration report are Jinja2 templates with autoescaping, and these tests put
script and event-handler payloads everywhere such text can reach either page.
"""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pandas as pd
import pytest

from grader.analytics.report import CohortData, _roleplay, read_unsandboxed, render
from grader.synthetic.grades import synthetic_cohort
from grader.roleplay.calibration import calibrate_store
from grader.roleplay.report import render_html
from grader.roleplay.scorecard import load_scorecards
from grader.roleplay.store import RolePlayStore
from grader.tracks import AssignmentRequirement, Track

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
SVG = "'><svg onload=alert(1)>"
IFRAME = "</td></tr></table><iframe src=javascript:alert(1)></iframe>"
TEX = r"Bob $\frac{$"  # not HTML, but matplotlib would read it as (broken) math in a chart
PAYLOADS = [SCRIPT, IMG, SVG, IFRAME]
SCENARIO = f"{IMG}{SCRIPT} {TEX}"  # drawn in the role-play chart, listed in its table

COHORT_SECTIONS = ["Completion per module and track", "Score distributions",
                   "Question difficulty and discrimination", "Multiple-choice options chosen",
                   "Learners at risk", "Role-plays", "Leadership-track completion"]
CALIBRATION_SECTIONS = ["How to read this", "Items", "Calls", "Rater pairs", "Totals", "Charts"]


class _Elements(HTMLParser):
    """Every start tag of a page with its attributes, as a browser's tokenizer sees them."""

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.feed(page)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def assert_inert(page: str) -> None:
    """No learner text became markup: no script, frame or svg, no event handler, only our images."""
    assert not re.search(r"<\s*script", page, re.I), "a raw <script> tag reached the page"
    assert not re.search(r"<[^>]*\bon[a-z]+\s*=", page, re.I), "a raw on…= attribute reached the page"
    elements = _Elements(page).tags
    names = {t for t, _ in elements}
    assert not names & {"script", "iframe", "svg", "object", "embed"}, names
    for tag, attrs in elements:
        assert not any(a.startswith("on") for a in attrs), (tag, attrs)
        assert not any("javascript:" in (v or "").lower() for v in attrs.values()), (tag, attrs)
        if tag == "img":
            assert attrs["src"].startswith("data:image/png;base64,"), attrs
    assert [t for t, _ in elements].count("table") == page.count("</table>"), "a table was broken out of"


def escaped(text: str, upper: bool = False) -> str:
    """How Jinja2's autoescape writes ``text`` (upper-cased as choice answers are shown)."""
    from markupsafe import escape

    return str(escape(text.upper() if upper else text))


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory):
    """A role-play database whose learner, rater, scenario, call and note fields are all payloads."""
    cards = load_scorecards()
    card = cards["customer-call"]
    store = RolePlayStore(tmp_path_factory.mktemp("rp") / "rp.db")
    section = card.sections[0].id
    for call in (SCRIPT, IMG):
        for rater, pick in ((SVG, 0), (IFRAME, -1), (TEX, 0)):
            answers = {it.id: it.scale.options[pick] for it in card.items}
            answers.update({c.id: "pass" for c in card.critical})
            store.save(card, answers, learner=f"{SCRIPT} {IMG}", rater=rater, scenario_id=SCENARIO,
                       call_id=call, notes={section: f"note {SCRIPT} {IMG} {SVG}"})
    return store, cards


def hostile_cohort(store: RolePlayStore) -> CohortData:
    """A small synthetic cohort with hostile names, answers, notes, tracks and role-plays."""
    table, people, answers, kinds, keys = synthetic_cohort(30, 20, per_assignment=10)
    people = people.assign(first_name=[PAYLOADS[i % 4] for i in range(len(people))],
                           last_name=[PAYLOADS[(i + 1) % 4] for i in range(len(people))])
    # hostile choice answers (shown as options), a hostile free-text answer (not shown)
    hostile = answers.index[::3]
    answers.loc[hostile, "answer"] = [PAYLOADS[i % 4] for i in range(len(hostile))]
    answers = pd.concat([answers, pd.DataFrame({"learner": ["l00000"], "assignment": ["01-module"],
                                                "question": ["q1_written"], "answer": [SCRIPT + IMG]})])
    kinds = {**kinds, "q1_written": "text"}
    checks = pd.DataFrame({"learner": ["l00001"] * 7, "question": [SCRIPT] * 7,
                           "status": ["incorrect"] * 6 + ["correct"]})
    # every learner who submitted module 1 completes this "leadership" track: their names are listed
    # (a pass mark of 0, which a manifest may not set, hence model_construct: no validation)
    tracks = [Track(id="leadership", title=f"Leadership {IMG}", modules=(1,),
                    assignments=(AssignmentRequirement.model_construct(id="01-module", pass_mark=0.0),))]
    notes: list[str] = [f"Tracks note {SCRIPT}"]
    results, calibration = _roleplay(store.path, notes)
    assert len(results) == 6 and calibration, "the hostile role-play scores were read back"
    return CohortData(table, people, f"Cohort report · {SCRIPT}", answers, kinds, keys, checks=checks,
                      roleplay=results, calibration=calibration, tracks=tracks, notes=notes,
                      unsandboxed=[(IMG, "01-module")])


def test_cohort_report_escapes_every_learner_string(hostile_store):
    """Do names, answers, role-play fields, notes and the title show as text, with every section?"""
    store, _ = hostile_store
    page = render(hostile_cohort(store))
    assert_inert(page)
    for section in COHORT_SECTIONS:
        assert f"<h2>{section}</h2>" in page
    assert page.count('src="data:image/png;base64,') >= 4  # completion, scores, items, role-plays
    # the payloads did reach the page, as text: in the title, at-risk names, leaders, options,
    # role-play scenarios, notes and the unsandboxed banner
    assert f"<title>Cohort report · {escaped(SCRIPT)}</title>" in page
    name = escaped(f"{SCRIPT} {IMG}")
    risk = page[page.index("<h2>Learners at risk</h2>"):page.index("<h2>Role-plays</h2>")]
    assert f"<td>{name}</td>" in risk
    leaders = page[page.index("<h2>Leadership-track completion</h2>"):]
    assert "have completed the leadership track" in leaders and name in leaders
    options = page[page.index("<h2>Multiple-choice options chosen</h2>"):page.index("<h2>Learners at risk</h2>")]
    for p in PAYLOADS:
        assert escaped(p, upper=True) in options
    roleplays = page[page.index("<h2>Role-plays</h2>"):page.index("<h2>Leadership-track completion</h2>")]
    assert f"<td>{escaped(SCENARIO)}</td>" in roleplays and "Rater calibration" in roleplays
    assert f'<p class="note">Tracks note {escaped(SCRIPT)}</p>' in page
    assert f"Leadership {escaped(IMG)}" in page
    assert escaped(IMG) + " 01-module" in page[:page.index("<h2>")]


def test_calibration_report_escapes_rater_and_call_names(hostile_store):
    """Do rater and call names typed in the studio show as text in the calibration report?"""
    store, cards = hostile_store
    cal = calibrate_store(store, cards=cards)
    assert sorted(cal.raters) == sorted([SVG, IFRAME, TEX]) and sorted(cal.calls) == sorted([SCRIPT, IMG])
    page = render_html(cal)
    assert_inert(page)
    for section in CALIBRATION_SECTIONS:
        assert f"<h2>{section}</h2>" in page
    assert page.count('src="data:image/png;base64,') == 3
    head = page[:page.index("<h2>")]
    for p in (SCRIPT, IMG, SVG, IFRAME):
        assert escaped(p) in head
    totals = page[page.index("<h2>Totals</h2>"):page.index("<h2>Charts</h2>")]
    assert f"<td>{escaped(IFRAME)}</td>" in totals and f"<td>{escaped(SCRIPT)}</td>" in totals
    assert "class='flag'" in page or "ambiguous items: <b>none</b>" in page


def test_markers_of_unsandboxed_grades_are_read(tmp_path):
    """Are only submissions whose marker says sandboxed: false listed, others noted, not guessed?"""
    graded = tmp_path / ".academy" / "graded"

    def mark(assignment, learner, **content):
        (graded / assignment).mkdir(parents=True, exist_ok=True)
        (graded / assignment / f"{learner}.json").write_text(json.dumps({"fingerprint": "x", **content}))

    assert read_unsandboxed(tmp_path) == []  # no markers at all
    mark("01-service-standards", "ana", sandboxed=True)
    mark("02-emotion-management", "ana", sandboxed=True)
    notes: list[str] = []
    assert read_unsandboxed(tmp_path, notes) == [] and notes == []
    mark("02-emotion-management", "ben", sandboxed=False)
    mark("01-service-standards", "cai", sandboxed=False)
    mark("01-service-standards", "dev")  # graded before the sandbox existed
    (graded / "01-service-standards" / "eve.json").write_text("{not json")
    assert read_unsandboxed(tmp_path, notes) == [("cai", "01-service-standards"),
                                                 ("ben", "02-emotion-management")]
    assert len(notes) == 2
    assert "could not be read: eve 01-service-standards" in notes[0]
    assert "do not say whether the sandbox was used" in notes[1] and "dev 01-service-standards" in notes[1]


def test_unsandboxed_banner_only_when_a_grade_was_unsandboxed():
    """Does the report warn at the top, naming learner and assignment, only for unsandboxed grades?"""
    table, people, answers, kinds, keys = synthetic_cohort(20, 10)
    page = render(CohortData(table, people, "t", answers, kinds, keys))
    assert "Graded without the sandbox" not in page and 'class="banner"' not in page
    page = render(CohortData(table, people, "t", answers, kinds, keys,
                             unsandboxed=[("l00003", "01-module"), ("l00007", "01-module")]))
    top = page[:page.index("<h2>")]
    assert "Graded without the sandbox (--no-sandbox):</b>" in top
    assert "l00003 01-module, l00007 01-module" in top
    assert "these 2 submissions" in top and "academy autograde ASSIGNMENT --force" in top
