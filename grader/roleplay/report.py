"""The calibration report: rater-against-rater charts and a self-contained HTML page.

Draws with matplotlib (Agg, so it works on a server with no display) and embeds the charts as
PNG data in one HTML file a trainer can e-mail or open offline. The numbers come from
:func:`grader.roleplay.calibration.calibrate`; nothing here computes statistics.
"""
from __future__ import annotations

import base64
import html
import io
import itertools
import math

import numpy as np
import pandas as pd

from .calibration import FAR_APART_SHARE, TOTAL_TOLERANCE, Calibration, _steps


def figures(cal: Calibration) -> dict[str, object]:
    """The report's figures, by title."""
    return {"Rater against rater (totals)": rater_vs_rater_figure(cal.totals),
            "Items: how often raters are far apart": item_figure(cal.items),
            "Answers by rater": answers_figure(cal.totals, cal.answers)}


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
                        label=f"within ±{TOTAL_TOLERANCE:g}")
        ax.plot(line, line, color="#5a8f5a", lw=1)
        ax.scatter(both[a], both[b], color="#1f4e79", zorder=3)
        for call_id, r in both.iterrows():
            ax.annotate(str(call_id)[:14], (r[a], r[b]), fontsize=7, xytext=(3, 3),
                        textcoords="offset points")
        ax.set(xlim=(0, 100), ylim=(0, 100), xlabel=str(a), ylabel=str(b), aspect="equal")
        ax.set_title(f"{a} vs {b}", fontsize=10)
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
    ax.barh(items["item_id"], share, color=colors)
    ax.axvline(FAR_APART_SHARE, color="#c0392b", ls="--", lw=1)
    ax.invert_yaxis()
    ax.set(xlim=(0, 1), xlabel="share of calls where raters are far apart")
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
    g["share"] = [(_steps(v) if _steps(v) is not None else np.nan) for v in g["value"]]
    g.loc[g["value"].astype(str).str.isdigit(), "share"] /= 3
    wide = g.pivot_table(index="item_id", columns="rater", values="share", sort=False)
    labels = g.pivot_table(index="item_id", columns="rater", values="value", aggfunc="first",
                           sort=False).reindex(index=wide.index, columns=wide.columns)
    ax.imshow(wide.to_numpy(dtype=float), cmap="RdYlGn", vmin=0, vmax=1, aspect="auto")
    ax.set_xticks(range(len(wide.columns)), wide.columns, fontsize=8)
    ax.set_yticks(range(len(wide.index)), wide.index, fontsize=8)
    for (r, c), v in np.ndenumerate(labels.to_numpy()):
        ax.text(c, r, "" if v is None else str(v), ha="center", va="center", fontsize=7)
    ax.set_title(f"Answers on call {first} (green = full marks, blank = N/A)", fontsize=10)
    fig.tight_layout()
    return fig


def _png(fig) -> str:
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _fmt(v, pct: bool = False) -> str:
    if isinstance(v, (bool, np.bool_)):
        return "⚠ yes" if v else ""
    if isinstance(v, (float, np.floating)):
        if math.isnan(v):
            return "n/a"
        return f"{v:.0%}" if pct else f"{v:.2f}"
    return html.escape(str(v))


def _table(df: pd.DataFrame, pct: tuple[str, ...] = ()) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in df.columns)
    body = "".join(
        "<tr" + (" class='flag'" if row.get("ambiguous") is True else "") + ">" +
        "".join(f"<td>{_fmt(v, c in pct)}</td>" for c, v in row.items()) + "</tr>"
        for row in df.to_dict("records"))
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def render_html(cal: Calibration) -> str:
    """A self-contained HTML page (charts embedded as PNG) for trainers."""
    figs = "".join(f"<h3>{html.escape(t)}</h3><img alt='{html.escape(t)}' "
                   f"src='data:image/png;base64,{_png(f)}'>" for t, f in figures(cal).items())
    items = cal.items.drop(columns=["raters"])
    notes = "".join(f"<li>{html.escape(n)}</li>" for n in cal.notes)
    icc = "" if cal.icc_forms is None else (
        "<h3>All ICC forms (pingouin)</h3>" +
        _table(cal.icc_forms.reset_index()[["Type", "ICC", "F", "pval"]]))
    amb = ", ".join(cal.ambiguous) or "none"
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Calibration report · {html.escape(cal.scorecard)}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;color:#222}}
table{{border-collapse:collapse;margin:1em 0;font-size:13px}}td,th{{border:1px solid #ccc;
padding:3px 6px;text-align:left}}tr.flag td{{background:#fde2e0}}.big{{font-size:20px}}</style>
</head><body>
<h1>Calibration report</h1>
<p>Scorecard <b>{html.escape(cal.scorecard)}</b> · calls: {html.escape(", ".join(cal.calls))}
 · raters: {html.escape(", ".join(cal.raters))}</p>
<p class="big">ICC(A,1) on totals: <b>{_fmt(cal.icc)}</b> · rater pairs within ±{TOTAL_TOLERANCE:g}
 points: <b>{_fmt(cal.within_10, True)}</b> · ambiguous items: <b>{html.escape(amb)}</b></p>
<ul>{notes}</ul>
<h2>How to read this</h2>
<p><b>Agreement</b> is the share of rater pairs who gave the same answer. <b>Kappa</b> corrects
agreement for chance (1 = perfect, 0 = no better than chance; above 0.6 is usually called
substantial). <b>Far apart</b> means more than one point apart on a 0-3 item, any disagreement
on a yes/no or critical item, or N/A against a score. An item far apart on more than
{FAR_APART_SHARE:.0%} of calls is <b>ambiguous</b>: sharpen its wording or anchors, and talk the
recording through with the raters. ICC(A,1) asks whether raters give the same totals (0.75-0.90
good, above 0.90 excellent).</p>
<h2>Items</h2>{_table(items, pct=("agreement", "far_apart_share"))}
<h2>Calls</h2>{_table(cal.per_call)}
<h2>Rater pairs</h2>{_table(cal.pairs, pct=("item_agreement", "within_10"))}
<h2>Totals</h2>{_table(cal.totals.drop(columns=["saved_at"]))}
{icc}
<h2>Charts</h2>{figs}
</body></html>"""
