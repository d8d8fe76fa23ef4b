"""The cohort report: one self-contained HTML file a trainer can send to their manager.

Sections: completion per assignment (module) and per track, score distributions, per-question
difficulty and discrimination (:mod:`.items`), option choices on multiple-choice questions
(:mod:`.options`), learners at risk with reasons (:mod:`.risk`), role-play averages and rater
calibration (from the role-play studio's database, when there is one) and leadership-track
completion (the promotion candidates), and a warning at the top when any grade was made without
the autograding sandbox. Charts are matplotlib PNGs embedded as data URIs, so the file opens
anywhere with no network and no other files. :func:`load` gathers the data from a cohort
workspace; :func:`render` only shapes tables and fills the Jinja2 template
``grader/templates/cohort_report.html.j2`` (autoescaped: every name, id and answer a learner or
rater typed is shown as text, never run as markup), so it is also used on synthetic data.

Every word of it is in the current language (:mod:`grader.i18n`: ``academy --lang zh-CN report``):
the template's sentences through the catalog, the tables' headers and the charts' labels through
:func:`_`, track and assignment titles as :mod:`grader.tracks` loads them, and the charts drawn with
a font that has Chinese glyphs (:func:`grader.i18n.chart_fonts`).
"""
from __future__ import annotations

import base64
import io
import json
import math
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import items as item_stats_mod
from . import options as options_mod
from . import risk as risk_mod
from . import scores as scores_mod
from .. import i18n
from ..i18n import N_, _
from ..templating import chart_label


@dataclass
class CohortData:
    """Everything the report shows, as plain tables."""

    table: pd.DataFrame                       # grade_table(): learner, assignment, question, …
    people: pd.DataFrame                      # learner, first_name, last_name
    title: str | None = None                  # "Cohort report" in the report's language if None
    answers: pd.DataFrame | None = None       # learner, assignment, question, answer
    kinds: dict[str, str] = field(default_factory=dict)
    keys: dict[str, Any] = field(default_factory=dict)
    checks: pd.DataFrame | None = None        # learner, question, status (collected check logs)
    roleplay: pd.DataFrame | None = None      # RolePlayStore.results()
    calibration: list[tuple[str, str]] = field(default_factory=list)  # (scorecard, summary)
    tracks: list | None = None                # grader.tracks.Track list (manifest)
    leaders: list[str] | None = None          # filled while rendering: leadership track complete
    notes: list[str] = field(default_factory=list)
    unsandboxed: list[tuple[str, str]] = field(default_factory=list)  # (learner, assignment)
    wording: dict[str, dict[str, str]] = field(default_factory=dict)  # question: {option: text}
    generated: datetime | None = None         # when the report was made (timezone-aware); now if None


def generated_at() -> datetime:
    """Now, in the machine's own timezone (timezone-aware)."""
    return datetime.now().astimezone()


def format_time(when: datetime) -> str:
    """The report's time as both the page and `academy report` show it: local time with its offset
    from UTC, e.g. ``2026-11-20 14:05 UTC+08:00``."""
    offset = when.strftime("%z") or "+0000"
    return f"{when:%Y-%m-%d %H:%M} UTC{offset[:3]}:{offset[3:]}"


# --------------------------------------------------------------------------- loading
def load(ws, roleplay_db: Path | None = None, check_dirs: list[Path] | None = None,
         manifest: Path | None = None) -> CohortData:
    """Gather a workspace's gradebook, answers, check logs, role-play results and tracks."""
    from ..gradebook import Gradebook

    with Gradebook(ws.db_url) as gb:
        table = gb.grades()
        people = gb.learners()[["learner", "first_name", "last_name"]]
    data = CohortData(table, people, title=_("Cohort report · {name}").format(name=ws.root.resolve().name))
    for aid in sorted(table.assignment.unique()):
        k, key = options_mod.answer_keys(ws.source_dir / aid)
        data.kinds.update(k)
        data.keys.update(key)
        data.wording.update(options_mod.option_wording(ws.source_dir / aid, i18n.current_language()))
    data.answers = options_mod.read_answers(ws.root)
    data.checks = risk_mod.read_check_logs([ws.submitted] + list(check_dirs or []))
    data.roleplay, data.calibration = _roleplay(roleplay_db, data.notes)
    data.unsandboxed = read_unsandboxed(ws.root, data.notes)
    try:
        from ..tracks import load_manifest

        data.tracks = load_manifest(manifest) if manifest or _default_manifest().exists() else None
    except Exception as exc:  # noqa: BLE001 - the report works without tracks
        data.notes.append(_("Tracks not shown: {error}").format(error=exc))
    return data


def read_unsandboxed(root: Path, notes: list[str] | None = None) -> list[tuple[str, str]]:
    """(learner, assignment) of every submission graded without the sandbox, sorted.

    Autograding leaves one marker per graded submission, ``COURSE/.academy/graded/<assignment>/
    <learner>.json``, with ``"sandboxed": true`` or ``false``. A marker that cannot be read, or
    that predates the sandbox (no ``sandboxed`` key), is counted in ``notes``, not guessed.
    """
    out, unreadable, unknown = [], [], []
    for marker in sorted((Path(root) / ".academy" / "graded").glob("*/*.json")):
        pair = (marker.stem, marker.parent.name)
        try:
            sandboxed = json.loads(marker.read_text(encoding="utf-8")).get("sandboxed")
        except (OSError, ValueError, AttributeError):
            unreadable.append(pair)
            continue
        if sandboxed is False:
            out.append(pair)
        elif sandboxed is not True:
            unknown.append(pair)
    if notes is not None:
        for pairs, what in ((unreadable, N_("The grading records of {n} submission(s) could not be read: "
                                            "{listed}. Regrade them with `academy autograde ASSIGNMENT "
                                            "--force`.")),
                            (unknown, N_("The grading records of {n} submission(s) do not say whether "
                                         "the sandbox was used (graded before it existed): {listed}. "
                                         "Regrade them with `academy autograde ASSIGNMENT --force`."))):
            if pairs:
                listed = i18n.join(f"{lid} {aid}" for lid, aid in pairs[:10]) + (" …" if len(pairs) > 10 else "")
                notes.append(_(what).format(n=len(pairs), listed=listed))
    return out


def _default_manifest() -> Path:
    from .. import paths

    return paths.DATASETS / "tracks.yaml"


def _roleplay(db: Path | None, notes: list[str]):
    try:
        from ..roleplay.store import RolePlayStore, default_db_path
    except ImportError:
        notes.append(_("The role-play studio is not installed: no role-play data."))
        return None, []
    db = Path(db) if db else default_db_path()
    if not db.exists():
        return None, []
    store = RolePlayStore(db)
    results = store.results()
    cal = []
    try:
        from ..roleplay.calibration import calibrate_store

        for card, g in results.groupby("scorecard_id"):
            try:
                cal.append((card, calibrate_store(store, calls=sorted(g.call_id.unique())).summary()))
            except (ValueError, KeyError) as exc:
                cal.append((card, _("no calibration yet: {error}").format(error=exc)))
    except ImportError:
        pass
    return results, cal


# --------------------------------------------------------------------------- charts and cells
def _png(fig) -> str:
    """The figure as a ``data:image/png;base64,…`` URI (only base64 characters: nothing to escape)."""
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90, bbox_inches="tight")
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _chart_language() -> None:
    """Charts that can draw the report's language: a CJK font after the default one (once per
    report; ``academy --lang`` has done it already, ``ACADEMY_LANG`` alone has not)."""
    if i18n.current_language() != i18n.DEFAULT:
        i18n.chart_fonts()


# Table headers, by the column names the code uses; shown in the report's language.
HEADERS = {
    "assignment": N_("assignment"), "title": N_("title"), "for": N_("for"), "submitted": N_("submitted"),
    "share": N_("share"), "awaiting manual grading": N_("awaiting manual grading"),
    "mean score %": N_("mean score %"), "track": N_("track"), "learners taking it": N_("learners taking it"),
    "learners complete": N_("learners complete"), "share complete": N_("share complete"),
    "item": N_("item"), "n": N_("n"), "difficulty": N_("difficulty"), "item-rest r": N_("item-rest r"),
    "D": N_("D"), "verdict": N_("verdict"), "learner": N_("learner"), "name": N_("name"),
    "reasons": N_("reasons"), "score": N_("score"), "expected": N_("expected"),
    "scenario_id": N_("scenario_id"), "scores": N_("scores"), "learners": N_("learners"),
    "average total": N_("average total"), "critical_failed": N_("critical_failed"),
}


def _headers(df: pd.DataFrame) -> pd.DataFrame:
    """The table with its column names in the report's language."""
    return df.rename(columns={c: _(HEADERS[c]) for c in df.columns if c in HEADERS})


def _cell(v: Any) -> str | list[str]:
    """A table cell as text: floats to two decimals, missing values as a dash, lists kept as lists."""
    if isinstance(v, (list, tuple)):
        return [str(x) for x in v]
    if v is None or v is pd.NA or v is pd.NaT:
        return "–"
    if isinstance(v, (float, np.floating)):
        return "–" if math.isnan(v) else f"{v:.2f}"
    return str(v)


def _table(df: pd.DataFrame) -> dict:
    """A DataFrame as the template's table: column names (in the report's language, see
    :data:`HEADERS`) and rows of text cells (escaped there)."""
    df = _headers(df)
    cols = [str(c) for c in df.columns]
    rows = [{c: _cell(v) for c, v in zip(cols, rec)} for rec in df.itertuples(index=False, name=None)]
    return {"columns": cols, "rows": rows, "flag": None}


# --------------------------------------------------------------------------- sections
def _completion(d: CohortData, per: pd.DataFrame, n: int) -> dict:
    plt = _plt()
    sub = per.groupby("assignment").learner.nunique().reindex(sorted(per.assignment.unique()))
    manual = d.table[d.table.needs_manual_grade.astype(bool)].groupby("assignment").learner.nunique()
    # an assignment only some tracks list (a supervisor part) is counted against their learners
    on_track = learner_tracks(d.tracks, per[["learner", "assignment"]].drop_duplicates())
    expected = [_expected_learners(d.tracks, aid, on_track, n) for aid in sub.index]
    titles = _assignment_titles(d.tracks)
    out = pd.DataFrame({"assignment": sub.index,
                        **({"title": [titles.get(aid, "–") for aid in sub.index]} if titles else {}),
                        "for": [_tracks_listing(d.tracks, aid) for aid in sub.index],
                        "submitted": sub.values,
                        "share": (sub.values / [max(e, 1) for e in expected]),
                        "awaiting manual grading": manual.reindex(sub.index).fillna(0).astype(int).values,
                        "mean score %": per.groupby("assignment").percent.mean().reindex(sub.index).values})
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(out) + 1))
    ax.barh(out.assignment, 100 * out.share, color="#3e7cb1")
    ax.set_xlim(0, 100)
    # "%" as a value: a "% o" in the message itself would read as a printf conversion to gettext
    ax.set_xlabel(_("{percent} of the learners expected to take it who submitted").format(percent="%"))
    ax.invert_yaxis()
    return {"chart": _png(fig),
            "table": _table(out.assign(share=lambda x: (100 * x.share).round(0).astype(int).astype(str) + "%")),
            "tracks": _tracks(d), "tracks_explained": [_(COMPLETE_EXPLAINED), _(PASSED_EXPLAINED)]}


def _assignment_titles(tracks: list | None) -> dict[str, str]:
    """{assignment id: its title} as the track manifest names it (in the report's language, as
    grader.tracks loaded it); empty when no assignment has a title of its own."""
    titles = {a.id: a.title for t in tracks or [] for a in t.assignments if a.title}
    return titles


def learner_tracks(tracks: list | None, submissions: pd.DataFrame) -> dict[str, str]:
    """Each learner's track, read from what they submitted: someone who handed in an assignment
    that only the leadership track lists is on it; everyone else is on the agent track."""
    if not tracks:
        return {}
    listed = {t.id: {a.id for a in t.assignments} for t in tracks}
    others = set().union(*(ids for tid, ids in listed.items() if tid != "leadership"))
    lead_only = listed.get("leadership", set()) - others
    lead = set(submissions[submissions.assignment.isin(lead_only)].learner)
    return {lid: ("leadership" if lid in lead else "agent") for lid in submissions.learner.unique()}


def _tracks_listing(tracks: list | None, aid: str) -> str:
    names = [t.title.replace(" track", "") for t in tracks or [] if aid in {a.id for a in t.assignments}]
    if len(names) > 1:
        return _("{names} and {last}").format(names=i18n.join(names[:-1]), last=names[-1])
    return names[0] if names else "–"


def _expected_learners(tracks: list | None, aid: str, on_track: dict[str, str], n: int) -> int:
    ids = {t.id for t in tracks or [] if aid in {a.id for a in t.assignments}}
    if not ids or not on_track or {"agent", "leadership"} <= ids:
        return n
    return sum(1 for t in on_track.values() if t in ids)


# The per-track table's last column, and what it means (shown under the table, translated there).
PASSED_COLUMN = N_("assignments passed, average per learner")
PASSED_EXPLAINED = N_("'Assignments passed, average per learner' is, for each learner on the track, the "
                      "share of the track's assignments on which they reached the pass mark, averaged "
                      "over the track's learners: a learner who passed 3 of 4 assignments counts as 75%.")
COMPLETE_EXPLAINED = N_("A learner is complete when they have met every requirement of the track "
                        "(its assignments at their pass marks and its role-plays), by the same rule as "
                        "the commands academy progress and academy candidates.")
HEADERS[PASSED_COLUMN] = PASSED_COLUMN



def _tracks(d: CohortData) -> dict | None:
    if not d.tracks:
        return None
    from ..tracks import TableRecords, evaluate

    per = (scores_mod.submission_totals(d.table).set_index(["learner", "assignment"])
           .rename(columns={"max_score": "max", "needs_manual_grade": "manual"}))
    per["pct"] = 100 * per.score / per["max"].where(per["max"] > 0)
    learners = d.people.learner.tolist()
    on_track = learner_tracks(d.tracks, per.index.to_frame(index=False))  # the submissions
    rows, leaders = [], []
    for t in d.tracks:
        # the agent track's completion counts everyone (leaders complete it too); a learner
        # belongs to the leadership track once they hand in a leadership-only assignment
        members = learners if t.id != "leadership" else [l for l in learners if on_track.get(l) == "leadership"]
        passed = pd.Series(True, index=pd.Index(learners))
        n_ok = pd.Series(0, index=pd.Index(learners))
        for req in t.assignments:
            ok = per.xs(req.id, level="assignment") if req.id in per.index.get_level_values(1) else per.iloc[:0]
            # the tracks engine's own rule (grader.tracks): at or above the pass mark is met, even
            # while some answers still await manual grading
            ok = (ok.pct + 1e-9 >= req.pass_mark).reindex(passed.index, fill_value=False)
            passed &= ok
            n_ok += ok.astype(int)
        # only learners who passed every assignment can be complete (a necessary condition of the
        # engine's rule, used to skip the others quickly): grader.tracks decides about them
        maybe = passed[passed].index.tolist()
        records = TableRecords(None, d.roleplay,
                                totals=per[per.index.get_level_values("learner").isin(maybe)])
        done = [lid for lid in maybe if evaluate(t, lid, records).complete]
        if t.id == "leadership":
            leaders = done
        n_req = max(len(t.assignments), 1)
        rows.append({"track": t.title, "learners taking it": len(members),
                     "learners complete": len(done),
                     "share complete": f"{100 * len(done) / max(len(members), 1):.0f}%",
                     PASSED_COLUMN:
                         f"{100 * n_ok.reindex(members).sum() / (n_req * max(len(members), 1)):.0f}%"
                         if t.assignments else "–"})
    d.leaders = leaders
    return _table(pd.DataFrame(rows))


def _scores(per: pd.DataFrame) -> dict:
    plt = _plt()
    avg = scores_mod.learner_averages(per=per)
    fig, axes = plt.subplots(1, 2, figsize=(12, 3.6), gridspec_kw={"wspace": 0.55})
    axes[0].hist(avg.dropna(), bins=np.arange(0, 105, 5), color="#3e7cb1", edgecolor="white")
    axes[0].set_xlabel(_("learner's score (%)"))
    axes[0].set_ylabel(_("learners"))
    groups = [(a, g.percent.dropna().values) for a, g in per.groupby("assignment")]
    axes[1].boxplot([v for _a, v in groups], orientation="horizontal")
    axes[1].set_yticks(range(1, len(groups) + 1), [a for a, _v in groups])
    axes[1].set_xlabel(_("score on the assignment (%)"))
    axes[1].invert_yaxis()
    q = avg.quantile([0.1, 0.25, 0.5, 0.75, 0.9])
    line = _("The median learner's score is {median:.0f}% (middle half {q1:.0f}–{q3:.0f}%, "
             "10th–90th percentile {p10:.0f}–{p90:.0f}%).").format(
        median=q[0.5], q1=q[0.25], q3=q[0.75], p10=q[0.1], p90=q[0.9]) if len(avg) else ""
    return {"chart": _png(fig), "line": line}


def _items(d: CohortData) -> dict | None:
    wide, maxima = item_stats_mod.item_matrix(d.table)
    if wide.empty:
        return None
    s = item_stats_mod.item_stats(wide, maxima)
    s["verdict"] = item_stats_mod.flag(s)
    fig = _items_figure(s)
    worst = s.sort_values(["upper_lower_d", "difficulty"]).reset_index()
    shown = worst.head(40).rename(columns={"item_rest_r": "item-rest r", "upper_lower_d": "D"})
    return {"chart": _png(fig), "table": _table(shown), "shown": len(shown), "total": len(s)}


# Room around the plotted range so that a point on its edge (difficulty 0 or 1, D = 1) is drawn
# whole, not cut in half by the axes: in data units, far more than a marker's radius.
ITEM_MARGIN = 0.06


def _items_figure(s: pd.DataFrame):
    """Difficulty against discrimination D, one point per question; D of 1.0 and a difficulty of
    0 or 1 are possible and are drawn whole."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.axhline(0.3, color="#9aa5b1", lw=0.8, ls="--")
    ax.axhline(0, color="#9aa5b1", lw=0.8)
    ax.scatter(s.difficulty, s.upper_lower_d, c=np.where(s.upper_lower_d < 0.2, "#d64545", "#3e7cb1"), s=18)
    ax.set_xlabel(_("difficulty (share of points earned)"))
    ax.set_ylabel(_("discrimination D (upper − lower 27%)"))
    ax.set_xlim(-ITEM_MARGIN, 1 + ITEM_MARGIN)
    low = min(-0.2, np.nanmin(s.upper_lower_d)) if s.upper_lower_d.notna().any() else -0.2
    ax.set_ylim(low - ITEM_MARGIN, 1 + ITEM_MARGIN)
    ax.set_yticks(np.arange(np.ceil(low * 5) / 5, 1.01, 0.2))
    return fig


def _options(d: CohortData) -> dict:
    if d.answers is None or d.answers.empty or not d.kinds:
        return {"message": _("No answers read from graded notebooks yet.")}
    submitted = d.table.groupby(["assignment", "question"]).learner.nunique()
    n_by_q = {q: int(n) for (_a, q), n in submitted.items()}
    opts = options_mod.option_table(d.answers, d.kinds, d.keys, n_by_q)
    if opts.empty:
        return {"message": _("No multiple-choice questions answered yet.")}
    from ..gradebook import natural_key

    questions = []
    groups = dict(list(opts.groupby("question", sort=False, observed=True)))
    for q in sorted(groups, key=lambda x: natural_key(str(x))):  # q1_2 before q1_10
        g = groups[q]
        said = d.wording.get(str(q), {})
        options = [{"option": _option_label(said, o), "text": said.get(str(o), ("", ""))[1],
                    "count": int(k), "share": f"{100 * sh:.0f}%", "key": c is True}
                   for o, k, sh, c in zip(g.option, g["count"], g.share, g.correct)]
        top_wrong = g[g.correct == False]  # noqa: E712 - None means unknown
        warn = None
        if len(top_wrong) and g.correct.any():
            w = top_wrong.iloc[0]
            right = g[g.correct == True]["share"].max()  # noqa: E712
            if w.share >= right:
                warn = _option_label(said, w.option)
        kind = str(g.kind.iloc[0])
        questions.append({"question": str(q), "kind": _(KINDS[kind]) if kind in KINDS else kind,
                          "options": options, "warn": warn})
    return {"message": None, "questions": questions}


# How the options table names a question's kind, and the answers that are no option (see
# grader.analytics.options), in the report's language.
KINDS = {"choice": N_("choice"), "multi": N_("multi")}
NOT_AN_OPTION = {"(blank)": N_("(blank)"), "(not a letter)": N_("(not a letter)"),
                 "(empty list)": N_("(empty list)"), "(not a list)": N_("(not a list)")}


def _option_label(said: dict, option) -> str:
    """An option as the learner wrote it (the question's own spelling), or what an answer that is
    no option was."""
    o = str(option)
    if o in NOT_AN_OPTION:
        return _(NOT_AN_OPTION[o])
    return said.get(o, (o, ""))[0]


def _risk(d: CohortData, n_learners: int) -> dict:
    learners = d.people.learner.tolist()
    r = risk_mod.at_risk(d.table, learners, d.checks)
    out = {"checks_collected": d.checks is not None and not d.checks.empty, "table": None,
           "total": len(r), "shown": min(len(r), 200), "learners": n_learners}
    if r.empty:
        return out
    shown = r.head(200).merge(d.people, on="learner", how="left")
    shown.insert(1, "name", [person_name(f, l) for f, l in zip(shown.first_name, shown.last_name)])
    shown = shown.drop(columns=["first_name", "last_name"])
    shown["score"] = shown.score.map(scores_mod.format_score)  # as the demo summary prints it
    shown["reasons"] = shown.reasons.map(list)  # one reason per line in the table
    out["table"] = _table(shown)
    return out


def _roleplay_section(d: CohortData) -> dict | None:
    if d.roleplay is None or len(d.roleplay) == 0:
        return None
    plt = _plt()
    rp = d.roleplay
    by = rp.groupby("scenario_id").agg(scores=("total", "size"), learners=("learner", "nunique"),
                                       mean_total=("total", "mean"),
                                       critical_failed=("critical_failed", "mean")).reset_index()
    by["critical_failed"] = (100 * by.critical_failed).round(0).astype(int).astype(str) + "%"
    fig, ax = plt.subplots(figsize=(7, 0.45 * len(by) + 1))
    ax.barh([chart_label(x) for x in by.scenario_id], by.mean_total, color="#3e7cb1")
    ax.set_xlim(0, 100)
    ax.set_xlabel(_("average total (0–100)"))
    ax.invert_yaxis()
    return {"chart": _png(fig), "table": _table(by.rename(columns={"mean_total": "average total"})),
            "calibration": [(str(c), str(s)) for c, s in d.calibration]}


def _leadership(d: CohortData) -> dict | None:
    leaders = d.leaders
    if leaders is None:
        return None
    n = len(d.people)
    names = d.people.set_index("learner")
    who = []
    for l in leaders[:50]:
        name = person_name(names.first_name.get(l), names.last_name.get(l))
        who.append(f"{l} ({name})" if name else str(l))
    return {"complete": len(leaders), "learners": n, "share": f"{100 * len(leaders) / max(n, 1):.0f}%",
            "who": who, "more": len(leaders) > 50}


def person_name(first, last) -> str:
    """A learner's name as it is written: "Mei Wang", but 王梅 (family name first, no space) when
    both parts are Chinese."""
    first = "" if first is None or pd.isna(first) else str(first).strip()
    last = "" if last is None or pd.isna(last) else str(last).strip()
    if first and last and _chinese(first) and _chinese(last):
        return last + first
    return f"{first} {last}".strip()


def _chinese(text: str) -> bool:
    return all("\u4e00" <= c <= "\u9fff" or c == "·" for c in text)


def _compact(df: pd.DataFrame) -> pd.DataFrame:
    """Id columns as categories: every group-by on a big cohort gets several times faster.

    A shallow copy: pandas copies a column only when it is replaced (copy-on-write), so a table
    that already has categorical ids (the gradebook layer's) costs nothing."""
    df = df.copy(deep=False)
    for col in ("learner", "assignment", "notebook", "question"):
        if col in df and not isinstance(df[col].dtype, pd.CategoricalDtype):
            df[col] = df[col].astype("category")
    return df


def _unsandboxed(d: CohortData) -> dict | None:
    if not d.unsandboxed:
        return None
    return {"listed": [f"{learner} {aid}" for learner, aid in d.unsandboxed[:100]],
            "more": max(0, len(d.unsandboxed) - 100),
            "total": len(d.unsandboxed)}


def render(d: CohortData) -> str:
    """The report as one HTML string (the template escapes every value it is given)."""
    from ..templating import render as render_template

    t0 = time.time()
    _chart_language()
    d.table = _compact(d.table)
    if d.answers is not None:
        d.answers = _compact(d.answers)
    per = scores_mod.learner_scores(d.table)
    n = len(d.people) or d.table.learner.nunique()
    avg = scores_mod.learner_averages(per=per)
    cards = [(_("learners"), n), (_("assignments"), d.table.assignment.nunique()),
             (_("submissions"), len(per)),
             (_("median score"), scores_mod.format_score(avg.median()) if len(avg) else "–"),
             (_("awaiting manual grading"), int(d.table.needs_manual_grade.astype(bool).sum()))]
    # in this order: the track table fills d.leaders, which the leadership section reads
    sections = {"completion": _completion(d, per, n), "scores": _scores(per), "items": _items(d),
                "options": _options(d), "risk": _risk(d, n), "roleplay": _roleplay_section(d),
                "leadership": _leadership(d)}
    return render_template("cohort_report.html.j2", title=d.title or _("Cohort report"), cards=cards,
                           notes=d.notes, unsandboxed=_unsandboxed(d),
                           generated=format_time(d.generated or generated_at()),
                           score_definition=_(scores_mod.SCORE_DEFINITION),
                           seconds=f"{time.time() - t0:.1f}", **sections)


def write_report(data: CohortData, out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render(data), encoding="utf-8")
    return out
