"""The language switch itself: names, precedence, and charts that can draw Chinese."""
from __future__ import annotations

import warnings

import pytest

from grader import i18n


@pytest.fixture(autouse=True)
def _reset(monkeypatch):
    monkeypatch.delenv("ACADEMY_LANG", raising=False)
    i18n.use_language(None)
    yield
    i18n.use_language(None)


@pytest.mark.parametrize("given, expected", [
    ("zh-CN", "zh-CN"), ("zh_CN.UTF-8", "zh-CN"), ("ZH-cn", "zh-CN"), ("zh", "zh-CN"),
    ("zh-Hans", "zh-CN"), ("en", "en"), ("en_GB.UTF-8", "en"), ("C", "en"), ("C.UTF-8", "en"),
    (None, None), ("", None)])
def test_language_names(given, expected):
    assert i18n.normalize(given) == expected


def test_unknown_language_says_which_exist():
    with pytest.raises(i18n.LanguageError, match=r"en \(English\) and zh-CN"):
        i18n.normalize("fr")


def test_choice_beats_environment_beats_default(monkeypatch):
    assert i18n.current_language() == "en"
    monkeypatch.setenv("ACADEMY_LANG", "zh_CN.UTF-8")
    assert i18n.current_language() == "zh-CN"
    i18n.use_language("en")
    assert i18n.current_language() == "en"
    monkeypatch.setenv("ACADEMY_LANG", "klingon")  # a bad environment falls back, never crashes
    i18n.use_language(None)
    assert i18n.current_language() == "en"


def test_charts_draw_chinese_without_missing_glyphs(tmp_path):
    """After use_language('zh-CN'), does matplotlib find a glyph for every Chinese character?"""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    before = list(matplotlib.rcParams["font.family"])
    try:
        i18n.use_language("zh-CN")
        assert any(f in i18n.CJK_FONTS for f in matplotlib.rcParams["font.family"]), \
            "no CJK font found: run 'make browser' (fonts-noto-cjk) or 'make pdftools' (fonts-wqy-microhei)"
        fig, ax = plt.subplots()
        ax.set_title("职级与晋升 Grades")
        ax.set_xlabel("服务水平（%）")
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # "Glyph ... missing from font(s)" is a UserWarning
            fig.savefig(tmp_path / "chart.png")
        plt.close(fig)
    finally:
        matplotlib.rcParams["font.family"] = before
