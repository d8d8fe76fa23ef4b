"""Browser test: the phrase checker served by Voilà and used the way a learner uses it."""
from __future__ import annotations

import nbformat
import pytest

POOR = "Bluewater, hello? Hang on."
MODEL = "Good evening, Bluewater Broadband, this is Grace. How may I help you?"


def _notebook(path):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(
        "from grader.widgets.phrase_checker import PhraseChecker\nPhraseChecker(mode='greeting')")]
    nbformat.write(nb, path)
    return path


@pytest.mark.browser
def test_learner_types_poor_then_model_greeting(voila, page, tmp_path):
    """Does a learner who types a poor greeting see each flag with its reason, and a model greeting pass?"""
    nb = _notebook(tmp_path / "phrase_checker.ipynb")
    with voila(nb) as url:
        page.goto(url, timeout=120_000)
        box = page.locator(".academy-phrase-input textarea")
        box.wait_for(timeout=120_000)
        button = page.locator("button.academy-phrase-check")
        result = page.locator(".academy-phrase-result")

        box.fill(POOR)
        button.click()
        page.locator(".academy-phrase-result .academy-finding").first.wait_for(timeout=30_000)
        rules = result.locator(".academy-finding").evaluate_all(
            "els => els.map(e => e.dataset.rule)")
        assert rules == ["hold-without-permission", "greeting-time-of-day",
                         "greeting-own-name", "greeting-offer-help"]
        text = result.inner_text()
        assert "Never say: Putting the caller on hold without asking" in text
        assert "Why:" in text and "Better:" in text
        assert result.locator("mark").inner_text() == "Hang on"

        box.fill(MODEL)
        button.click()
        page.locator('.academy-phrase-result [data-clean="true"]').wait_for(timeout=30_000)
        assert result.locator(".academy-finding").count() == 0
        assert "A complete greeting" in result.inner_text()
