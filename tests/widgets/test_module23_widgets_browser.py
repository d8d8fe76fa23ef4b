"""Browser tests: Module 2–3 widgets (technique matcher, check-in, quadrant sorter, staffing
explorer) served by Voilà and used the way a learner or supervisor uses them."""
from __future__ import annotations

from collections import Counter

import nbformat
import pytest
from playwright.sync_api import expect

from grader import staffing as st
from grader.widgets import checkin as ci
from grader.widgets import quadrant_sorter as qs
from grader.widgets import technique_matcher as tm
from academy_testing import open_voila


def _notebook(path, source):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(source)]
    nbformat.write(nb, path)
    return path


def _slider(page, label):
    return page.locator(".widget-slider").filter(has=page.locator(".widget-label", has_text=label))


def _press(page, label, *keys):
    """Move a slider the way a keyboard user does: focus its handle, press keys (arrows, Home, End)."""
    handle = _slider(page, label).locator(".noUi-handle")
    handle.focus()
    for key in keys:
        handle.press(key)


# From the neutral 3, one key reaches any level. One key means one sync message: ipywidgets holds
# back a second slider update until the kernel has answered the first, while a button click is sent
# at once, so a click straight after several key presses could overtake the last slider value.
ONE_KEY = {1: ["Home"], 2: ["ArrowLeft"], 3: [], 4: ["ArrowRight"], 5: ["End"]}


def _type_value(page, label, value):
    """Type a number into a slider's editable readout and press Enter."""
    readout = _slider(page, label).locator(".widget-readout")
    readout.click()
    readout.press("Control+A")
    readout.type(str(value))
    readout.press("Enter")
    expect(readout).to_have_text(str(value), timeout=30_000)


@pytest.mark.browser
def test_learner_picks_techniques_and_sees_why(voila, page, tmp_path):
    """Does a wrong technique get a nudge without the answer, the right one the reason it fits,
    and "Next situation" move on to a fresh situation?"""
    first, second = tm.SITUATIONS[0], tm.SITUATIONS[1]
    wrong = next(k for k in tm.TECHNIQUES if k != first.best)
    nb = _notebook(tmp_path / "technique.ipynb",
                   "from grader.widgets.technique_matcher import TechniqueMatcher\nTechniqueMatcher()")
    with voila(nb) as url:
        open_voila(page, url)
        matcher = page.locator(".academy-technique-matcher")
        matcher.wait_for(timeout=120_000)
        prompt, result = matcher.locator(".widget-html").nth(0), matcher.locator(".widget-html").nth(1)
        expect(prompt).to_contain_text(f"Situation 1 of {len(tm.SITUATIONS)}")
        expect(prompt).to_contain_text(first.text)
        assert matcher.get_by_role("button").count() == len(tm.TECHNIQUES) + 1

        matcher.get_by_role("button", name=wrong.capitalize(), exact=True).click()
        expect(result).to_contain_text("❌", timeout=30_000)
        expect(result).to_contain_text(tm.judge(first, wrong)[1])
        assert first.why not in result.inner_text()  # the nudge does not give the answer away

        matcher.get_by_role("button", name=first.best.capitalize(), exact=True).click()
        expect(result).to_contain_text("✅ Good fit.", timeout=30_000)
        expect(result).to_contain_text(first.why)

        matcher.get_by_role("button", name="Next situation").click()
        expect(prompt).to_contain_text(f"Situation 2 of {len(tm.SITUATIONS)}", timeout=30_000)
        expect(prompt).to_contain_text(second.text)
        expect(result).to_have_text("")
        matcher.get_by_role("button", name=second.best.capitalize(), exact=True).click()
        expect(result).to_contain_text(second.why, timeout=30_000)


@pytest.mark.browser
def test_checkin_shows_only_the_aggregate_and_nothing_below_five(voila, page, tmp_path):
    """Do anonymous check-ins reset the sliders for the next person, does the supervisor see nothing
    before five answers, and then only counts, averages and advice matching ``summarise``?"""
    answers = [(4, 2), (2, 5), (5, 1), (1, 4), (3, 3)]
    assert len(answers) == ci.MIN_GROUP
    nb = _notebook(tmp_path / "checkin.ipynb", "from grader.widgets.checkin import CheckIn\nCheckIn()")
    with voila(nb) as url:
        open_voila(page, url)
        submit = page.get_by_role("button", name="Submit (anonymous)")
        submit.wait_for(timeout=120_000)
        show = page.get_by_role("button", name="Show team summary")
        out = page.locator(".widget-html")

        def answer(k, mood, stress):
            _press(page, "Mood", *ONE_KEY[mood])
            _press(page, "Stress", *ONE_KEY[stress])
            expect(_slider(page, "Mood").locator(".widget-readout")).to_have_text(str(mood))
            expect(_slider(page, "Stress").locator(".widget-readout")).to_have_text(str(stress))
            submit.click()
            expect(out).to_have_text(f"Thank you. {k} answer(s) so far.", timeout=30_000)
            # the next person starts neutral: nobody sees what the previous person chose
            for label in ("Mood", "Stress"):
                expect(_slider(page, label).locator(".widget-readout")).to_have_text("3", timeout=30_000)

        for k, (mood, stress) in enumerate(answers[:-1], start=1):
            answer(k, mood, stress)
        show.click()
        expect(out).to_have_text(f"only {len(answers) - 1} answers: wait for at least {ci.MIN_GROUP} so "
                                 f"that nobody's answer can be recognised", timeout=30_000)
        assert out.locator("table").count() == 0
        assert "mood" not in out.inner_text().lower()

        answer(len(answers), *answers[-1])
        show.click()
        s = ci.summarise(answers)
        expect(out).to_contain_text(f"{s.n} answers · mood {s.mean_mood}/5 · stress {s.mean_stress}/5 · "
                                    f"{s.high_stress_share:.0%} stretched or overwhelmed", timeout=30_000)
        assert (s.mean_mood, s.mean_stress, s.high_stress_share) == (3.0, 3.0, 0.4)
        expect(out).to_contain_text(s.advice)
        rows = out.locator("tr")
        assert rows.count() == len(ci.MOODS)  # one row per mood level, not one per person
        counts = Counter(m for m, _ in answers)
        for i, (level, name) in enumerate(ci.MOODS.items()):
            cells = rows.nth(i).locator("td").all_inner_texts()
            assert cells[0] == name
            assert cells[1].split()[-1] == str(counts.get(level, 0))


@pytest.mark.browser
def test_supervisor_sorts_the_day_into_quadrants(voila, page, tmp_path):
    """Do the dropdowns and "Check" give the score, the reason for each right task, a question
    (not the answer) for a wrong one, "not sorted yet" for a skipped one, and full marks once fixed?"""
    day = qs.DAY
    wrong_i, skip_i = 6, 7
    wrong = next(q for q in qs.QUADRANTS if q != day[wrong_i].quadrant)
    nb = _notebook(tmp_path / "quadrants.ipynb",
                   "from grader.widgets.quadrant_sorter import QuadrantSorter\nQuadrantSorter()")
    with voila(nb) as url:
        open_voila(page, url)
        selects = page.locator(".widget-dropdown select")
        selects.first.wait_for(timeout=120_000)
        assert selects.count() == len(day)
        for i, task in enumerate(day):
            if i == wrong_i:
                selects.nth(i).select_option(label=wrong)
            elif i != skip_i:
                selects.nth(i).select_option(label=task.quadrant)
        check = page.get_by_role("button", name="Check")
        check.click()
        out = page.locator(".widget-html").last
        expect(out).to_contain_text(f"{len(day) - 2} of {len(day)} right.", timeout=30_000)
        text = out.inner_text()
        for i, task in enumerate(day):
            if i == wrong_i:
                assert f"❌ {task.text}: ask whether it must happen now" in text
                assert task.why not in text
            elif i == skip_i:
                assert f"{task.text}: not sorted yet." in text
            else:
                assert f"✅ {task.text}: {task.why}" in text

        selects.nth(wrong_i).select_option(label=day[wrong_i].quadrant)
        selects.nth(skip_i).select_option(label=day[skip_i].quadrant)
        check.click()
        expect(out).to_contain_text(f"{len(day)} of {len(day)} right.", timeout=30_000)
        assert "❌" not in out.inner_text() and "not sorted yet" not in out.inner_text()


def _expected_staffing(calls, aht, target_pct, within, shrink_pct):
    """What grader.staffing says for these slider values (independently of the widget's code)."""
    a = st.traffic_intensity(calls, aht)
    needed = st.agents_needed(calls, aht, target_pct / 100, within)
    return (f"Workload: {a:.1f} Erlangs · agents needed on the phones: {needed} · to schedule with "
            f"{shrink_pct}% shrinkage: {st.scheduled_staff(needed, shrink_pct / 100)}",
            [str(needed), f"{st.service_level(needed, a, aht, within):.1%}",
             f"{st.asa(needed, a, aht):.1f} s", f"{st.occupancy(needed, a):.0%}"])


@pytest.mark.browser
def test_staffing_sliders_update_agents_needed_and_service_level(voila, page, tmp_path):
    """Do typed and keyboard slider moves change agents needed, headcount and the service level of
    the needed row to what ``grader.staffing`` computes for the new calls, AHT, target and shrinkage?"""
    nb = _notebook(tmp_path / "staffing.ipynb",
                   "from grader.widgets.staffing_explorer import StaffingExplorer\nStaffingExplorer()")
    with voila(nb) as url:
        open_voila(page, url)
        text = page.locator(".widget-html").filter(has_text="Workload:")
        text.wait_for(timeout=120_000)
        needed_row = text.locator('tr[style*="font-weight"]')
        plot = page.locator(".jp-OutputArea-output img")

        def shows(calls, aht, target_pct, within, shrink_pct):
            headline, row = _expected_staffing(calls, aht, target_pct, within, shrink_pct)
            expect(text).to_contain_text(headline, timeout=30_000)
            expect(needed_row.locator("td")).to_have_text(row)

        shows(100, 180, 80, 20, 30)  # defaults: 10 Erlangs
        plot.wait_for(timeout=30_000)
        first_plot = plot.get_attribute("src")

        _type_value(page, "Calls per half-hour", 150)
        shows(150, 180, 80, 20, 30)
        _type_value(page, "AHT (seconds)", 240)
        shows(150, 240, 80, 20, 30)  # 20 Erlangs
        _press(page, "Target % answered", "ArrowRight", "ArrowRight")  # 80 % -> 90 %, step 5
        shows(150, 240, 90, 20, 30)
        _press(page, "Shrinkage %", "ArrowLeft", "ArrowLeft")  # 30 % -> 20 %
        shows(150, 240, 90, 20, 20)
        # the figures really moved: more work and a higher target need more agents
        assert st.agents_needed(150, 240, 0.9, 20) > st.agents_needed(100, 180, 0.8, 20)
        expect(plot).not_to_have_attribute("src", first_plot, timeout=30_000)
