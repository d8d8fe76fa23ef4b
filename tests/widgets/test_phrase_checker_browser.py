"""Browser test: the phrase checker served by Voilà and used the way a learner uses it."""
from __future__ import annotations

import nbformat
import pytest
from academy_testing import (open_voila, CHAR_BOXES_JS, CHROMIUM, CHROMIUM_ARGS, distinct_glyphs, fontconfig_without_cjk,
                             glyph_shapes)

POOR = "Bluewater, hello? Hang on."
MODEL = "Good evening, Bluewater Broadband, this is Grace. How may I help you?"
POOR_ZH = "您好，蓝湾宽带，工号1024。这个我不知道。"
MODEL_ZH = "您好，蓝湾宽带，工号1024为您服务，请问有什么可以帮您？"


def _notebook(path, args="mode='greeting'"):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(
        f"from grader.widgets.phrase_checker import PhraseChecker\nPhraseChecker({args})")]
    nbformat.write(nb, path)
    return path


@pytest.mark.browser
def test_learner_types_poor_then_model_greeting(voila, page, tmp_path):
    """Does a learner who types a poor greeting see each flag with its reason, and a model greeting pass?"""
    nb = _notebook(tmp_path / "phrase_checker.ipynb")
    with voila(nb) as url:
        open_voila(page, url)
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


def _glyphs_of(page, locator) -> tuple[int, int]:
    """(distinct shapes drawn, distinct characters) for the text in ``locator``, from a screenshot."""
    locator.scroll_into_view_if_needed()
    boxes = locator.evaluate(CHAR_BOXES_JS)
    shapes = glyph_shapes(page.screenshot(), boxes)
    return distinct_glyphs(shapes), len(shapes)


@pytest.mark.browser
def test_chinese_checker_flags_dont_know_and_passes_model_greeting(voila, page, tmp_path):
    """Does the zh-CN checker flag 不知道 in a greeting, in Chinese labels drawn as CJK glyphs, and pass a model greeting?"""
    nb = _notebook(tmp_path / "phrase_checker_zh.ipynb", "mode='greeting', lang='zh-CN'")
    with voila(nb) as url:
        open_voila(page, url)
        box = page.locator(".academy-phrase-input textarea")
        box.wait_for(timeout=120_000)
        button = page.locator("button.academy-phrase-check")
        result = page.locator(".academy-phrase-result")
        assert "检查用语" in button.inner_text()
        assert box.get_attribute("placeholder").startswith("输入您接起电话后")

        box.fill(POOR_ZH)
        button.click()
        page.locator(".academy-phrase-result .academy-finding").first.wait_for(timeout=30_000)
        rules = result.locator(".academy-finding").evaluate_all("els => els.map(e => e.dataset.rule)")
        assert rules == ["dont-know", "greeting-offer-help"]
        text = result.inner_text()
        assert "禁止使用：一句“不知道”打发客户" in text and "缺少：主动询问需要" in text
        assert "原因：" in text and "可以这样说：" in text
        mark = result.locator("mark")
        assert mark.inner_text() == "不知道"

        page.screenshot(path=str(tmp_path / "phrase_checker_zh.png"))  # kept for a human to look at
        # Each of 不, 知, 道 (and of the finding's title) is drawn as its own shape, not one box.
        assert _glyphs_of(page, mark) == (3, 3)
        drawn, chars = _glyphs_of(page, result.locator(".academy-finding b").first)
        assert chars >= 8 and drawn >= chars - 1, (drawn, chars)  # the title repeats no more than one character

        box.fill(MODEL_ZH)
        button.click()
        page.locator('.academy-phrase-result [data-clean="true"]').wait_for(timeout=30_000)
        assert result.locator(".academy-finding").count() == 0
        assert "问候语完整" in result.inner_text()


@pytest.mark.browser
def test_glyph_check_fails_without_a_cjk_font(chromium, page, tmp_path):
    """Does the glyph check see tofu in a Chromium that has no CJK font, and glyphs in ours?"""
    html = ('<div lang="zh-CN" style="font-family:sans-serif"><mark id="t" style="background:#f5b7b1">'
            '不知道</mark></div>')
    page.set_content(html)
    assert _glyphs_of(page, page.locator("#t")) == (3, 3)

    bare = chromium.browser_type.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
                                        env=fontconfig_without_cjk(tmp_path))
    try:
        tofu_page = bare.new_page()
        tofu_page.set_content(html)
        drawn, chars = _glyphs_of(tofu_page, tofu_page.locator("#t"))
        tofu_page.screenshot(path=str(tmp_path / "tofu.png"))
        assert chars == 3 and drawn <= 1, f"{drawn} shapes for 3 characters without a CJK font"
    finally:
        bare.close()
