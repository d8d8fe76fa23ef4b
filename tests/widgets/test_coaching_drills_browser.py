"""Browser test: Module 4's coaching drills served by Voilà and used the way a learner uses them."""
from __future__ import annotations

import nbformat
import pytest

from grader.widgets import coaching_drills as cd
from academy_testing import open_voila


def _notebook(path, source):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(source)]
    nbformat.write(nb, path)
    return path


@pytest.mark.browser
def test_learner_sorts_questions_then_picks_scenarios(voila, page, tmp_path):
    """Does a learner who sorts every question right see full marks with the explanations, one
    mistake show up as 'look again at the stage', and a scenario choice show its feedback?"""
    qs, scs = cd.load()
    nb = _notebook(tmp_path / "drills.ipynb",
                   "from grader.widgets.coaching_drills import QuestionSorter, ScenarioDrill\n"
                   "display(QuestionSorter())\ndisplay(ScenarioDrill('grace-period'))")
    with voila(nb) as url:
        open_voila(page, url)
        stages = page.locator(".academy-grow-stage select")
        stages.first.wait_for(timeout=120_000)
        kinds = page.locator(".academy-grow-kind select")
        assert stages.count() == len(qs)
        for i, q in enumerate(qs):
            stages.nth(i).select_option(value=None, label=f"{q.stage} · {cd.STAGES[q.stage]}")
            kinds.nth(i).select_option(label=q.kind)
        page.locator("button.academy-grow-check").click()
        result = page.locator(".academy-grow-result")
        page.get_by_text(f"Stages right: {len(qs)} of {len(qs)}").wait_for(timeout=30_000)
        assert qs[0].why in result.inner_text()

        wrong = next(s for s in cd.STAGES if s != qs[0].stage)
        stages.nth(0).select_option(label=f"{wrong} · {cd.STAGES[wrong]}")
        page.locator("button.academy-grow-check").click()
        page.get_by_text(f"Stages right: {len(qs) - 1} of {len(qs)}").wait_for(timeout=30_000)
        assert "look again at the stage" in result.inner_text()

        best = next(o for o in scs[0].options if o.best)
        page.locator(".academy-scenario label").filter(has_text=best.text).click()
        page.locator(".academy-scenario-result").get_by_text("Yes.").wait_for(timeout=30_000)
