"""Rater calibration: do several raters scoring the same recorded calls agree?

Works on the long table from :meth:`RolePlayStore.item_scores` (one row per score and item).
Per item it reports the share of rater pairs giving the same answer, Fleiss' kappa across the
calls (statsmodels) and how often the raters' answers are *far apart*: more than one scale point
on a 0-3 item, or any disagreement on a yes/no or critical item (where one point is the whole
scale); a N/A against a score also counts. An item far apart on more than 30% of calls is
flagged as ambiguous: its wording or anchors need work, or the raters need a calibration talk.
On totals it reports the intraclass correlation (pingouin; ICC(A,1), two-way random effects,
absolute agreement, Shrout & Fleiss's ICC(2,1)) and the share of rater pairs within ±10 points,
and Cohen's kappa for each pair of raters over all items. :func:`calibration_report` bundles
it all; :mod:`.report` draws the charts and writes the HTML page.
"""
from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from typing import Mapping

import pandas as pd

from .. import i18n
from ..i18n import _
from .scorecard import NA, Scorecard

FAR_APART_SHARE = 0.30     # flag an item far apart on more than this share of calls
TOTAL_TOLERANCE = 10.0     # totals within this many points count as agreeing
ICC_MIN_CALLS = 3          # fewer calls than this: ICC is not reported


# --------------------------------------------------------------------------- statistics
def fleiss_from_long(df: pd.DataFrame, subject: str = "subject", rater: str = "rater",
                     value: str = "value") -> float:
    """Fleiss' kappa from long ratings (one row per subject and rater).

    Subjects rated by fewer raters than the most common count are left out (Fleiss' kappa
    needs the same number of ratings per subject). Returns NaN when it is undefined: fewer than
    two subjects, or every rating in one category (then agreement is simply perfect).
    """
    from statsmodels.stats.inter_rater import fleiss_kappa

    counts = pd.crosstab(df[subject], df[value].astype(str))
    n = counts.sum(axis=1)
    if n.empty:
        return math.nan
    counts = counts[n == n.mode().iloc[0]]
    if len(counts) < 2 or (counts.sum(axis=0) > 0).sum() < 2 or counts.sum(axis=1).iloc[0] < 2:
        return math.nan
    return float(fleiss_kappa(counts.to_numpy(), method="fleiss"))


def cohen_from_pairs(a: pd.Series | list, b: pd.Series | list) -> float:
    """Cohen's kappa (unweighted) of two raters' labels for the same units (statsmodels)."""
    from statsmodels.stats.inter_rater import cohens_kappa

    a, b = pd.Series(list(a), dtype=str), pd.Series(list(b), dtype=str)
    if len(a) != len(b) or len(a) == 0:
        raise ValueError(_("Cohen's kappa needs two equally long, non-empty lists of labels"))
    cats = sorted(set(a) | set(b))
    table = pd.crosstab(pd.Categorical(a, cats), pd.Categorical(b, cats), dropna=False)
    if len(cats) < 2:
        return math.nan
    expected = (table.sum(axis=0) * table.sum(axis=1)).sum() / table.to_numpy().sum() ** 2
    if math.isclose(expected, 1.0):
        return math.nan
    return float(cohens_kappa(table.to_numpy(), return_results=False))


def icc_table(df: pd.DataFrame, target: str = "call_id", rater: str = "rater",
              rating: str = "total") -> pd.DataFrame:
    """All six ICC forms (pingouin), using only targets that every rater scored."""
    import warnings

    import pingouin as pg

    with warnings.catch_warnings():   # pingouin's own pandas deprecations, not ours to act on
        warnings.simplefilter("ignore", FutureWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        return pg.intraclass_corr(data=df, targets=target, raters=rater, ratings=rating,
                                  nan_policy="omit").set_index("Type")


def icc_agreement(df: pd.DataFrame, target: str = "call_id", rater: str = "rater",
                  rating: str = "total") -> float:
    """ICC(A,1): two-way random effects, absolute agreement, single rater (Shrout-Fleiss ICC(2,1))."""
    return float(icc_table(df, target, rater, rating).loc["ICC(A,1)", "ICC"])


def share_within(totals: pd.DataFrame, tolerance: float = TOTAL_TOLERANCE,
                 call: str = "call_id", rater: str = "rater", total: str = "total") -> float:
    """Share of rater pairs (on the same call) whose totals differ by at most ``tolerance``."""
    close = pairs = 0
    for _call, g in totals.groupby(call):
        for x, y in itertools.combinations(g[total].tolist(), 2):
            pairs += 1
            close += abs(x - y) <= tolerance + 1e-9
    return close / pairs if pairs else math.nan


# --------------------------------------------------------------------------- item level
def scale_position(value: str) -> float | None:
    """Position on the item's scale: 0-3 as is; yes/pass = 1, no/fail = 0; N/A = None."""
    v = str(value)
    if v == NA:
        return None
    if v.isdigit():
        return float(v)
    return {"yes": 1.0, "pass": 1.0, "no": 0.0, "fail": 0.0}[v]


def _tolerance(values: pd.Series) -> float:
    """Steps raters may differ by: 1 on a 0-3 item, 0 on a two-point item."""
    return 1.0 if any(str(v).isdigit() for v in values) else 0.0


def far_apart(values: list[str], tolerance: float) -> bool:
    """Do these raters' answers to one item on one call differ by more than ``tolerance`` steps?"""
    steps = [scale_position(v) for v in values]
    if any(s is None for s in steps):
        return not all(s is None for s in steps)   # N/A against a score
    return max(steps) - min(steps) > tolerance


def _pair_agreement(values: list[str]) -> tuple[int, int]:
    pairs = list(itertools.combinations(values, 2))
    return sum(a == b for a, b in pairs), len(pairs)


def item_agreement(items: pd.DataFrame, cards: Mapping[str, Scorecard] | None = None,
                   threshold: float = FAR_APART_SHARE) -> pd.DataFrame:
    """One row per item: agreement, Fleiss' kappa across calls, far-apart share, flag."""
    rows = []
    order = {iid: n for n, iid in enumerate(dict.fromkeys(items["item_id"]))}
    for item_id, g in items.groupby("item_id", sort=False):
        tol = _tolerance(g["value"])
        agree = pairs = far = calls = 0
        for _call, c in g.groupby("call_id"):
            vals = c["value"].astype(str).tolist()
            if len(vals) < 2:
                continue
            calls += 1
            a, p = _pair_agreement(vals)
            agree, pairs = agree + a, pairs + p
            far += far_apart(vals, tol)
        kappa = fleiss_from_long(g, subject="call_id") if calls >= 2 else math.nan
        text = section = ""
        if cards:
            card = cards.get(f"{g['scorecard_id'].iloc[0]}.v{g['scorecard_version'].iloc[0]}")
            if card is not None:
                crit = {c.id: c for c in card.critical}
                if item_id in crit:
                    text, section = crit[item_id].text, _("Critical")
                else:
                    it = card.item(item_id)
                    text = it.text
                    section = next(s.title for s in card.sections if s.id == it.section)
        share = far / calls if calls else math.nan
        rows.append({
            "item_id": item_id, "section": section or g["section_id"].iloc[0], "text": text,
            "critical": bool(g["critical"].iloc[0]), "scale": "0-3" if tol else "two-point",
            "calls": calls, "raters": g["rater"].nunique(),
            "agreement": agree / pairs if pairs else math.nan,
            "fleiss_kappa": kappa, "far_apart_share": share,
            "ambiguous": bool(calls and share > threshold),
            "_order": order[item_id]})
    out = pd.DataFrame(rows)
    if out.empty:
        return out
    return out.sort_values("_order").drop(columns="_order").reset_index(drop=True)


def pairwise(items: pd.DataFrame, totals: pd.DataFrame) -> pd.DataFrame:
    """Each pair of raters: Cohen's kappa over the items both scored, and totals within ±10."""
    rows = []
    raters = sorted(items["rater"].unique())
    for a, b in itertools.combinations(raters, 2):
        ia = items[items["rater"] == a].set_index(["call_id", "item_id"])["value"]
        ib = items[items["rater"] == b].set_index(["call_id", "item_id"])["value"]
        both = ia.index.intersection(ib.index)
        ta = totals[totals["rater"] == a].set_index("call_id")["total"]
        tb = totals[totals["rater"] == b].set_index("call_id")["total"]
        shared = ta.index.intersection(tb.index)
        diffs = (ta[shared] - tb[shared]).abs()
        rows.append({
            "rater_a": a, "rater_b": b, "calls": len(shared), "items": len(both),
            "cohen_kappa": cohen_from_pairs(ia[both], ib[both]) if len(both) else math.nan,
            "item_agreement": float((ia[both] == ib[both]).mean()) if len(both) else math.nan,
            "mean_total_gap": float(diffs.mean()) if len(diffs) else math.nan,
            "within_10": float((diffs <= TOTAL_TOLERANCE + 1e-9).mean()) if len(diffs) else math.nan})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- the report
@dataclass
class Calibration:
    """Everything a calibration session produces; :func:`grader.roleplay.report.render_html` renders
    the report (the report depends on this module, never the other way round)."""

    scorecard: str
    calls: list[str]
    raters: list[str]
    items: pd.DataFrame            # per item (item_agreement)
    totals: pd.DataFrame           # long: call_id, rater, total, critical_failed
    pairs: pd.DataFrame            # per rater pair
    per_call: pd.DataFrame         # per call: raters, spread of totals, kappa over items
    icc: float
    icc_forms: pd.DataFrame | None
    within_10: float
    notes: list[str] = field(default_factory=list)
    answers: pd.DataFrame | None = None   # the item answers used (long)

    @property
    def ambiguous(self) -> list[str]:
        return self.items.loc[self.items["ambiguous"], "item_id"].tolist() if len(self.items) else []

    def summary(self) -> str:
        """One paragraph in the current language (`academy roleplay calibrate` prints it, the
        cohort report shows it)."""
        icc = _("n/a") if math.isnan(self.icc) else f"{self.icc:.2f}"
        within = _("n/a") if math.isnan(self.within_10) else f"{self.within_10:.0%}"
        amb = i18n.join(self.ambiguous) or _("none")
        return _("{scorecard}: {calls} call(s), {raters} rater(s). ICC(A,1) on totals {icc}; rater "
                 "pairs within ±{tolerance} points {within}; ambiguous items: {ambiguous}.").format(
            scorecard=self.scorecard, calls=len(self.calls), raters=len(self.raters), icc=icc,
            tolerance=f"{TOTAL_TOLERANCE:g}", within=within, ambiguous=amb)


def calibrate(items: pd.DataFrame, results: pd.DataFrame,
              cards: Mapping[str, Scorecard] | None = None,
              calls: list[str] | None = None) -> Calibration:
    """Calibration statistics from a store's ``item_scores()`` and ``results()`` tables.

    Only calls scored by two or more raters count; a rater who scored the same call more than
    once counts once, with their latest score. ``calls`` limits the report to those call ids.
    """
    if calls:
        missing = sorted(set(calls) - set(items["call_id"]))
        if missing:
            have = i18n.join(sorted(items["call_id"].unique())) or _("none")
            raise ValueError(_("No scores for call(s) {calls}. Calls in the database: {have}")
                             .format(calls=missing, have=have))
        items = items[items["call_id"].isin(calls)]
    if items.empty:
        raise ValueError(_("No scores to calibrate: save some scores first."))
    notes = []
    scored = results[results["score_id"].isin(items["score_id"].unique())]
    latest = scored.sort_values("saved_at").groupby(["call_id", "rater"]).tail(1)
    if len(latest) < len(scored):
        notes.append(_("A rater who scored the same call more than once counts once (latest score)."))
    n_raters = latest.groupby("call_id")["rater"].nunique()
    multi = set(n_raters[n_raters >= 2].index)
    if len(multi) < len(n_raters):
        notes.append(_("Left out {n} call(s) scored by only one rater.").format(n=len(n_raters) - len(multi)))
    latest = latest[latest["call_id"].isin(multi)]
    items = items[items["score_id"].isin(latest["score_id"])]
    if items.empty:
        raise ValueError(_("Calibration needs the same call scored by at least two raters; "
                           "no call has that yet. Give every rater the same call id."))
    cards_used = items[["scorecard_id", "scorecard_version"]].drop_duplicates()
    if len(cards_used) > 1:
        names = i18n.join(f"{r.scorecard_id} v{r.scorecard_version}" for r in cards_used.itertuples())
        raise ValueError(_("These calls were scored on different scorecards ({names}); "
                           "calibrate one scorecard at a time (choose calls with --call).").format(names=names))
    card_key = f"{cards_used.iloc[0, 0]}.v{cards_used.iloc[0, 1]}"
    totals = latest[["call_id", "rater", "total", "critical_failed", "saved_at"]]

    per_item = item_agreement(items, cards)
    per_call = []
    for call_id, g in items.groupby("call_id"):
        t = totals[totals["call_id"] == call_id]["total"]
        per_call.append({"call_id": call_id, "raters": g["rater"].nunique(),
                         "lowest": t.min(), "highest": t.max(), "spread": t.max() - t.min(),
                         "kappa_over_items": fleiss_from_long(g, subject="item_id")})
    n_calls = totals["call_id"].nunique()
    icc, forms = math.nan, None
    complete = totals.pivot_table(index="call_id", columns="rater", values="total").dropna()
    if len(complete) >= ICC_MIN_CALLS and complete.shape[1] >= 2:
        forms = icc_table(totals)
        icc = float(forms.loc["ICC(A,1)", "ICC"])
    else:
        notes.append(_("ICC needs at least {needed} calls scored by every rater ({so_far} so far); "
                       "agreement on totals is shown as pairs within ±{tolerance} points instead.")
                     .format(needed=ICC_MIN_CALLS, so_far=len(complete), tolerance=f"{TOTAL_TOLERANCE:g}"))
    cal = Calibration(card_key, sorted(totals["call_id"].unique()), sorted(totals["rater"].unique()),
                      per_item, totals.reset_index(drop=True), pairwise(items, totals),
                      pd.DataFrame(per_call), icc, forms, share_within(totals), notes,
                      answers=items.reset_index(drop=True))
    if n_calls < 2:
        cal.notes.append(_("Per-item kappa needs two or more calls; with one call, read the "
                           "agreement and far-apart columns and the kappa over items."))
    return cal


def calibrate_store(store, calls: list[str] | None = None,
                    cards: Mapping[str, Scorecard] | None = None) -> Calibration:
    """:func:`calibrate` on everything (or the given calls) in a :class:`RolePlayStore`."""
    if cards is None:
        from .scorecard import load_scorecards
        try:
            cards = load_scorecards()
        except (FileNotFoundError, ValueError):
            cards = None
    return calibrate(store.item_scores(), store.results(), cards, calls)


def peer_comparison(store, call_id: str | None = None) -> pd.DataFrame:
    """Items on which the raters of a call gave different answers: one column per rater.

    For a learner comparing their score with a peer's; empty when everyone agreed or no call
    has two raters yet. ``call_id`` picks the call (default: the latest call with 2+ raters).
    """
    items = store.item_scores()
    if items.empty:
        return pd.DataFrame()
    raters = items.groupby("call_id")["rater"].nunique()
    shared = raters[raters >= 2].index.tolist()
    if call_id is None:
        if not shared:
            return pd.DataFrame()
        call_id = items[items["call_id"].isin(shared)]["call_id"].iloc[-1]
    g = items[items["call_id"] == call_id]
    wide = g.pivot_table(index="item_id", columns="rater", values="value", aggfunc="last",
                         sort=False)
    differ = wide[wide.nunique(axis=1, dropna=False) > 1]
    out = differ.reset_index().rename_axis(columns=None)
    # learners read the item as the card words it, not its id ("leaks_customer_information")
    texts = _item_texts(g)
    out.insert(0, "item", [texts.get(i, i.replace("_", " ")) for i in out["item_id"]])
    return out.drop(columns="item_id")


def _item_texts(items: pd.DataFrame) -> dict[str, str]:
    """{item id: item text} from the scorecard versions these answers were given on."""
    from .scorecard import load_scorecards

    try:
        cards = load_scorecards()
    except Exception:  # noqa: BLE001 - words are a courtesy; the ids still identify the items
        return {}
    out: dict[str, str] = {}
    for sc, ver in items[["scorecard_id", "scorecard_version"]].drop_duplicates().itertuples(index=False):
        card = cards.get(f"{sc}.v{ver}") or cards.get(sc)
        if card is None:
            continue
        for section in card.sections:
            for item in section.items:
                out.setdefault(item.id, " ".join(str(item.text).split()))
        for c in card.critical:
            out.setdefault(c.id, " ".join(str(c.text).split()))
    return out
