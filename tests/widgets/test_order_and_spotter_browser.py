"""Browser test: the call-order puzzle and the violation spotter served by Voilà and clicked through."""
from __future__ import annotations

import nbformat
import pytest
from academy_testing import open_voila


def _notebook(path):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(
        "from grader.widgets.call_order import CallOrder\n"
        "from grader.widgets.violation_spotter import ViolationSpotter\n"
        "from IPython.display import display\n"
        "display(CallOrder('closing'))\n"
        "ViolationSpotter('T5')")]
    nbformat.write(nb, path)
    return path


@pytest.mark.browser
def test_reorder_and_tick_in_the_browser(voila, page, tmp_path):
    """Do the up/down buttons reorder steps, and do ticks and the check button give per-line feedback?"""
    with voila(_notebook(tmp_path / "order_spotter.ipynb")) as url:
        open_voila(page, url)
        order = page.locator(".academy-call-order")
        order.wait_for(timeout=120_000)
        labels = order.locator(".widget-hbox .widget-html")
        first = labels.nth(0).inner_text()
        order.locator(".widget-hbox").nth(0).locator("button").nth(1).click()  # move step 1 down
        page.wait_for_function(
            "t => document.querySelectorAll('.academy-call-order .widget-hbox .widget-html')[1]"
            ".innerText.includes(t)", arg=first.split(". ", 1)[1], timeout=30_000)
        order.locator("button.academy-order-check").click()
        feedback = page.locator(".academy-order-feedback")
        feedback.wait_for(timeout=30_000)
        assert feedback.get_attribute("data-ok") == "false"  # the scrambled start still breaks rules
        assert feedback.locator(".academy-order-hint").count() >= 1

        spot = page.locator(".academy-violation-spotter")
        spot.locator(".academy-spot-line input").nth(2).check()  # line 4: the leak
        spot.locator("button.academy-spot-check").click()
        verdicts = page.locator(".academy-spot-verdict")
        verdicts.first.wait_for(timeout=30_000)
        statuses = verdicts.evaluate_all("els => els.map(e => [e.dataset.line, e.dataset.status])")
        assert statuses == [["4", "found"], ["6", "missed"], ["7", "missed"]]
        assert "You found 1 of the 3 lines" in page.locator(".academy-spot-feedback").inner_text()
