"""The calibration report: rater-against-rater charts and a self-contained HTML page.

Draws with matplotlib (Agg, so it works on a server with no display) and embeds the charts as
PNG data in one HTML file a trainer can e-mail or open offline. The numbers come from
:func:`grader.roleplay.calibration.calibrate`; nothing here computes statistics. The page is the
Jinja2 template ``grader/templates/calibration_report.html.j2``, autoescaped: rater, learner and
call names typed in the studio are shown as text, never run as markup.

The page, its tables' headers and the charts are in the current language (:mod:`grader.i18n`;
``academy --lang zh-CN roleplay calibrate``); the charts then draw with a CJK font
(:func:`grader.i18n.chart_fonts`).
"""
from __future__ import annotations

import base64
import io
import itertools
import math

import numpy as np
import pandas as pd

from .. import i18n
from ..i18n import N_, _
from ..templating import chart_label
from .calibration import FAR_APART_SHARE, TOTAL_TOLERANCE, Calibration, scale_position
from .scorecard import FAIL, NA, PASS

# An answer as the scorer's buttons word it (grader.roleplay.scorer), for the answers chart in a
# language other than English (English shows the stored values themselves: yes, 2, pass).
ANSWER_WORDS = {"yes": N_("Yes"), "no": N_("No"), NA: N_("N/A"), PASS: N_("Did not happen"),
                FAIL: N_("Happened")}


def _answer_label(value) -> str:
    if value is None:
        return ""
    if i18n.current_language() != i18n.DEFAULT and str(value) in ANSWER_WORDS:
        return _(ANSWER_WORDS[str(value)])
    return chart_label(value)


def figures(cal: Calibration) -> dict[str, object]:
    """The report's figures, by title (in the current language)."""
    if i18n.current_language() != i18n.DEFAULT:
        i18n.chart_fonts()
    return {_("Rater against rater (totals)"): rater_vs_rater_figure(cal.totals),
            _("Items: how often raters are far apart"): item_figure(cal.items),
            _("Answers by rater"): answers_figure(cal.totals, cal.answers)}


def rater_vs_rater_figure(totals: pd.DataFrame):
    """Scatter of each pair of raters' totals on the same calls, with the ±10 band."""
    import matplotlib
    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    wide = totals.pivot_table(index="call_id", columns="rater", values="total")
    pairs = list(itertools.combinations(wide.columns, 2))[:12]
    cols = min(3, max(1, len(pairs)))
    rows = math.ceil(len(pairs) / cols) or 1
    fig, axes = plt.subplots(rows, cols, figsize=(3.6 * cols, 3.4 * rows), squeeze=False)
    for ax in axes.flat[len(pairs):]:
        ax.axis("off")
    line = np.array([0, 100])
    for ax, (a, b) in zip(axes.flat, pairs):
        both = wide[[a, b]].dropna()
        ax.fill_between(line, line - TOTAL_TOLERANCE, line + TOTAL_TOLERANCE, color="#d8ecd8",
                        label=_("within ±{tolerance}").format(tolerance=f"{TOTAL_TOLERANCE:g}"))
        ax.plot(line, line, color="#5a8f5a", lw=1)
        ax.scatter(both[a], both[b], color="#1f4e79", zorder=3)
        for call_id, r in both.iterrows():
            ax.annotate(chart_label(str(call_id)[:14]), (r[a], r[b]), fontsize=7, xytext=(3, 3),
                        textcoords="offset points")
        ax.set(xlim=(0, 100), ylim=(0, 100), xlabel=chart_label(a), ylabel=chart_label(b), aspect="equal")
        ax.set_title(chart_label(_("{a} vs {b}").format(a=a, b=b)), fontsize=10)
    axes.flat[0].legend(loc="lower right", fontsize=7)
    fig.tight_layout()
    return fig


def item_figure(items: pd.DataFrame):
    """Bar per item: share of calls where raters were far apart; the 30% line marks ambiguity."""
    import matplotlib
    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 0.32 * len(items) + 1.2))
    share = items["far_apart_share"].fillna(0)
    colors = ["#c0392b" if a else "#1f4e79" for a in items["ambiguous"]]
    ax.barh([chart_label(i) for i in items["item_id"]], share, color=colors)
    ax.axvline(FAR_APART_SHARE, color="#c0392b", ls="--", lw=1)
    ax.invert_yaxis()
    ax.set(xlim=(0, 1), xlabel=_("share of calls where raters are far apart"))
    ax.tick_params(axis="y", labelsize=8)
    fig.tight_layout()
    return fig


def answers_figure(totals: pd.DataFrame, items: pd.DataFrame | None):
    """Heat map of each rater's answers (scale steps) per item, for the first call."""
    import matplotlib
    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 0.3 * (items["item_id"].nunique() if items is not None else 1) + 1.5))
    if items is None or items.empty:
        ax.axis("off")
        return fig
    first = sorted(items["call_id"].unique())[0]
    g = items[items["call_id"] == first].copy()
    g["share"] = [(scale_position(v) if scale_position(v) is not None else np.nan) for v in g["value"]]
    g.loc[g["value"].astype(str).str.isdigit(), "share"] /= 3
    wide = g.pivot_table(index="item_id", columns="rater", values="share", sort=False)
    labels = g.pivot_table(index="item_id", columns="rater", values="value", aggfunc="first",
                           sort=False).reindex(index=wide.index, columns=wide.columns)
    ax.imshow(wide.to_numpy(dtype=float), cmap="RdYlGn", vmin=0, vmax=1, aspect="auto")
    ax.set_xticks(range(len(wide.columns)), [chart_label(c) for c in wide.columns], fontsize=8)
    ax.set_yticks(range(len(wide.index)), [chart_label(i) for i in wide.index], fontsize=8)
    for (r, c), v in np.ndenumerate(labels.to_numpy()):
        ax.text(c, r, _answer_label(v), ha="center", va="center", fontsize=7)
    ax.set_title(chart_label(_("Answers on call {call} (green = full marks, blank = N/A)").format(call=first)),
                 fontsize=10)
    fig.tight_layout()
    return fig


def _png(fig) -> str:
    """The figure as a ``data:image/png;base64,…`` URI (only base64 characters: nothing to escape)."""
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _fmt(v, pct: bool = False) -> str:
    """A cell as text (the template escapes it): flags as a warning sign, NaN as n/a."""
    if isinstance(v, (bool, np.bool_)):
        return _("⚠ yes") if v else ""
    if isinstance(v, (float, np.floating)):
        if math.isnan(v):
            return _("n/a")
        return f"{v:.0%}" if pct else f"{v:.2f}"
    return str(v)


# The tables' headers, by the calibration's column names (English shows the names themselves),
# and the words among their cells, in the report's language.
HEADERS = {
    "item_id": N_("item_id"), "section": N_("section"), "text": N_("text"), "critical": N_("critical"),
    "scale": N_("scale"), "calls": N_("calls"), "agreement": N_("agreement"),
    "fleiss_kappa": N_("fleiss_kappa"), "far_apart_share": N_("far_apart_share"),
    "ambiguous": N_("ambiguous"), "call_id": N_("call_id"), "raters": N_("raters"),
    "lowest": N_("lowest"), "highest": N_("highest"), "spread": N_("spread"),
    "kappa_over_items": N_("kappa_over_items"), "rater_a": N_("rater_a"), "rater_b": N_("rater_b"),
    "items": N_("items"), "cohen_kappa": N_("cohen_kappa"), "item_agreement": N_("item_agreement"),
    "mean_total_gap": N_("mean_total_gap"), "within_10": N_("within_10"), "rater": N_("rater"),
    "total": N_("total"), "critical_failed": N_("critical_failed"), "Type": N_("Type"),
    "ICC": N_("ICC"), "F": N_("F"), "pval": N_("pval"),
}
SCALES = {"two-point": N_("two-point")}  # the items table's scale column


def _table(df: pd.DataFrame, pct: tuple[str, ...] = ()) -> dict:
    """A DataFrame as the template's table, headers in the report's language; rows whose
    ``ambiguous`` cell is set are flagged."""
    names = [str(c) for c in df.columns]
    cols = [_(HEADERS[c]) if c in HEADERS else c for c in names]
    rows = [{h: _(SCALES[v]) if c == "scale" and v in SCALES else _fmt(v, c in pct)
             for c, h, v in zip(names, cols, rec)}
            for rec in df.itertuples(index=False, name=None)]
    return {"columns": cols, "rows": rows,
            "flag": cols[names.index("ambiguous")] if "ambiguous" in names else None}


def render_html(cal: Calibration) -> str:
    """A self-contained HTML page (charts embedded as PNG) for trainers."""
    from ..templating import render

    icc_forms = None if cal.icc_forms is None else _table(
        cal.icc_forms.reset_index()[["Type", "ICC", "F", "pval"]])
    return render(
        "calibration_report.html.j2",
        scorecard=str(cal.scorecard), calls=[str(c) for c in cal.calls],
        raters=[str(r) for r in cal.raters], icc=_fmt(cal.icc), within=_fmt(cal.within_10, True),
        tolerance=f"{TOTAL_TOLERANCE:g}", far_apart=f"{FAR_APART_SHARE:.0%}",
        ambiguous=[str(a) for a in cal.ambiguous], notes=[str(n) for n in cal.notes],
        items=_table(cal.items.drop(columns=["raters"]), pct=("agreement", "far_apart_share")),
        per_call=_table(cal.per_call), pairs=_table(cal.pairs, pct=("item_agreement", "within_10")),
        totals=_table(cal.totals.drop(columns=["saved_at"])), icc_forms=icc_forms,
        figures=[(title, _png(fig)) for title, fig in figures(cal).items()])
