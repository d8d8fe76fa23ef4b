"""The calibration report in Chinese: every sentence, header and chart label, the scorecard's own
Chinese wording, <html lang="zh-CN">, and charts drawn without a missing glyph."""
from __future__ import annotations

import sys
import warnings
from pathlib import Path


from grader import i18n
from grader.roleplay.calibration import calibrate_store
from grader.roleplay.report import figures, render_html
from grader.roleplay.store import RolePlayStore

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from academy_testing import english_pairs, visible_text  # noqa: E402
from test_calibration import CARD, base  # noqa: E402


def _store(path: Path) -> RolePlayStore:
    """Three raters (Chinese names) score three calls: acknowledges_feelings is 2 points apart on
    two of them, customer_hangs_up_first and mocks_customer (critical) disagree on one (a third,
    over the 30% line): all three ambiguous. A fourth call has one rater and is left out, with a note."""
    answers = base  # test_calibration's answers: every item at its best, N/A for hold and transfer

    store = RolePlayStore(path)
    plan = {"call-1": {"王梅": answers(acknowledges_feelings="3", customer_hangs_up_first="no"),
                       "张磊": answers(acknowledges_feelings="1"), "刘涛": answers()},
            "call-2": {"王梅": answers(acknowledges_feelings="0"), "张磊": answers(acknowledges_feelings="2"),
                       "刘涛": answers(positive_pace="2")},
            "call-3": {"王梅": answers(mocks_customer="fail"), "张磊": answers(), "刘涛": answers()},
            "call-4": {"王梅": answers()}}
    for call, by_rater in plan.items():
        for rater, a in by_rater.items():
            store.save(CARD, a, learner="李娜", rater=rater, scenario_id="angry-complaint", call_id=call)
    return store


def test_calibration_report_in_chinese(chinese, tmp_path):
    """Is the whole calibration report Chinese (headings, explanation, headers, notes, summary)?"""
    cal = calibrate_store(_store(tmp_path / "rp.db"))
    assert sorted(cal.ambiguous) == ["acknowledges_feelings", "customer_hangs_up_first", "mocks_customer"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib's "Glyph … missing from font(s)" included
        page = render_html(cal)
    assert '<html lang="zh-CN">' in page
    text = visible_text(page)
    assert english_pairs(text) == [], "\n".join(english_pairs(text))
    for heading in ["怎么看这份报告", "项目", "通话", "评分人配对", "总分", "图表"]:
        assert f"<h2>{heading}</h2>" in page
    assert "有 1 通电话只有一名评分人打分，未计入。" in text  # a note
    assert "开场" in text and "铃响三声内接听" in text  # the scorecard's own Chinese section and item
    assert "⚠ 是" in text and "两档" in text
    assert "class='flag'" in page  # the ambiguous item's row, flagged by its translated header
    summary = cal.summary()
    assert summary.startswith("customer-call.v1：3 通电话，3 名评分人。") and english_pairs(summary) == []
    assert page.count('src="data:image/png;base64,') == 3


def test_calibration_charts_are_labelled_in_chinese(chinese, tmp_path):
    """Are the charts' titles, axis labels and legend in Chinese, answers worded as the scorer's
    buttons, and drawn with a glyph for every character?"""
    import matplotlib.pyplot as plt

    cal = calibrate_store(_store(tmp_path / "rp.db"))
    figs = figures(cal)
    try:
        assert list(figs) == ["评分人两两对比（总分）", "各项目：评分人差距大的频率", "各评分人的答案"]
        texts = []
        for fig in figs.values():
            for ax in fig.axes:
                texts += [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
                texts += [t.get_text() for t in ax.texts]
                legend = ax.get_legend()
                texts += [t.get_text() for t in legend.get_texts()] if legend else []
        assert "刘涛 对 张磊" in texts and "评分人差距大的通话比例" in texts and "相差 ±10 以内" in texts
        assert "是" in texts and "没有发生" in texts and "yes" not in texts  # the answers chart's cells
        assert english_pairs("\n".join(texts)) == []
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            for fig in figs.values():
                fig.canvas.draw()
    finally:
        for fig in figs.values():
            plt.close(fig)


def test_calibration_report_stays_english_without_a_language(monkeypatch, tmp_path):
    """Without a language the page, its headers and the chart cells are as before (English)."""
    monkeypatch.delenv("ACADEMY_LANG", raising=False)
    i18n.use_language(None)
    page = render_html(calibrate_store(_store(tmp_path / "rp.db")))
    assert '<html lang="en">' in page and "<h2>How to read this</h2>" in page
    assert "<th>item_id</th>" in page and "⚠ yes" in page and "two-point" in page
