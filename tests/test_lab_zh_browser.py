"""A Chinese-speaking learner's loop in real JupyterLab, started the way `make lab LANG=zh-CN` does:
JupyterLab's menus in Chinese, the zh-CN exercise, self-check feedback in Chinese, drawn as CJK
glyphs (not empty boxes)."""
from __future__ import annotations

import re

import nbformat
import pytest

from academy_testing import (CHAR_BOXES_JS, distinct_glyphs, first_choice_question, glyph_shapes,
                             serve_academy, stop)
from grader import i18n, paths

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("lab")]
AID = "01-service-standards"


@pytest.fixture()
def zh_lab(tmp_path):
    """`academy lab --lang zh-CN` (what `make lab LANG=zh-CN` runs) on 127.0.0.1."""
    learner = tmp_path / "learner"
    proc, base, token, _err = serve_academy(["lab", "--lang", "zh-CN", "--dir", str(learner)], tmp_path)
    try:
        yield base, token, learner
    finally:
        stop(proc)


def _zh(message: str) -> str:
    text = i18n.catalog("zh-CN").gettext(message)
    assert text != message, f"no Chinese for {message!r} in the catalog"
    return text


def test_chinese_learner_runs_checks_in_chinese_jupyterlab(zh_lab, page):
    base, token, learner = zh_lab
    nb_path = learner / "exercises" / AID / f"{AID}.ipynb"
    assert nb_path.exists(), "the zh-CN workspace should hold exercises/zh-CN as its exercises/"
    assert nbformat.read(nb_path, as_version=4).metadata["academy"]["lang"] == "zh-CN"
    assert not list((learner / "course").rglob("*.ipynb")) or all(
        p.name.endswith(".zh-CN.ipynb") for p in (learner / "course").rglob("*.ipynb"))
    qname = first_choice_question(paths.EXERCISES / "zh-CN" / AID / f"{AID}.ipynb")

    page.goto(f"{base}/lab/tree/exercises/{AID}/{AID}.ipynb?token={token}")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=90_000)
    run_menu = page.locator(".lm-MenuBar-itemLabel:text-is('运行')")  # JupyterLab in Chinese
    run_menu.wait_for(timeout=60_000)
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=90_000)

    not_answered = _zh("Not answered yet: replace the ... in the cell above with your answer, run that "
                       "cell, then run this one again.")
    for attempt in range(3):
        run_menu.click()
        page.click(".lm-Menu-itemLabel:text-is('运行所有单元格')")
        try:
            page.get_by_text(not_answered[:8]).first.wait_for(timeout=60_000)
            break
        except Exception:
            if attempt == 2:
                page.screenshot(path=str(learner.parent / "zh-lab-failed.png"))
                raise
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=120_000)

    answer_cell = page.locator(".jp-CodeCell", has_text=f"{qname} = ...").first
    answer_cell.locator(".cm-content").click()
    page.keyboard.press("Control+A")
    page.keyboard.type(f"{qname} = 42")
    page.keyboard.press("Shift+Enter")
    page.keyboard.press("Shift+Enter")
    wrong_form = page.locator(".jp-OutputArea-output", has_text="'B'").filter(
        has_text=re.compile(r"[\u4e00-\u9fff]")).first
    wrong_form.wait_for(timeout=120_000)
    text = wrong_form.inner_text()
    assert not re.search(r"[A-Za-z]{3,} [A-Za-z]{3,}", text), f"English in the Chinese feedback: {text}"

    page.screenshot(path=str(learner.parent / "zh-lab.png"))
    wrong_form.scroll_into_view_if_needed()
    boxes = wrong_form.evaluate(CHAR_BOXES_JS)
    shapes = glyph_shapes(page.screenshot(), boxes)
    cjk = {k: v for k, v in shapes.items() if "\u4e00" <= str(k)[:1] <= "\u9fff"} or shapes
    assert len(cjk) >= 5 and distinct_glyphs(cjk) >= len(cjk) - 1, \
        "Chinese feedback drawn as empty boxes: is fonts-noto-cjk installed ('make browser')?"
