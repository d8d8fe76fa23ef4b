"""``RolePlayScorer``: the widget a rater fills in while watching a role-play.

Pick a scenario (which brings its scorecard), type the learner and your own name, and answer
every item with one click; N/A appears only where the card allows it. The chosen answer of each
item is filled dark blue (red for a critical item that happened), bold, with a check mark.
Critical items sit in a red box: marking one as *happened* fails the whole call, and the items
still unanswered no longer block Save. While scoring, the line above the card shows the points
earned so far out of the points the answered items were worth (no extrapolation); once every
item is answered it shows the total out of 100. One bar per section follows the clicks.
**Save** refuses an incomplete card and names every missing item; a complete card goes to the
SQLite store. Saving the same call again (the same Call ID, or with none typed the same learner,
scenario and day) records version 2, 3, ... of your score, and the earlier versions are kept.
All behaviour lives in methods that tests call without a browser (``set_answer``, ``save``,
``message``); the widgets only mirror them.
"""
from __future__ import annotations

import html
from pathlib import Path
from typing import Any, Mapping

import ipywidgets as w

from ..i18n import N_, _
from .scenarios import Scenario, brief_html, load_scenarios, word
from .scorecard import FAIL, NA, PASS, IncompleteCard, Scorecard, load_scorecards, missing, \
    normalise, partial_score
from .store import RolePlayStore, SavedScore, StoreError

OPTION_LABELS = {"yes": N_("Yes"), "no": N_("No"), NA: N_("N/A"), PASS: N_("Did not happen"),
                 FAIL: N_("Happened")}
CSS = """<style>
.rp-critical{border:2px solid #c0392b;border-radius:6px;padding:6px;background:#fff5f4}
.rp-section{border-top:1px solid #ddd;padding-top:4px;margin-top:4px}
.rp-bar{background:#e8e8e8;border-radius:3px;height:12px;width:220px;display:inline-block;
 vertical-align:middle}
.rp-bar > div{background:#2e7d32;height:12px;border-radius:3px}
.rp-msg-error{color:#b00020;font-weight:600}.rp-msg-ok{color:#1b5e20;font-weight:600}
.rp-scorer .widget-toggle-button.jupyter-button{background:#fff;color:#212121;
 border:1px solid #757575;font-weight:400;margin-right:3px}
.rp-scorer .widget-toggle-button.jupyter-button.mod-active{background:#0d47a1;color:#fff;
 border-color:#0d47a1;font-weight:700;box-shadow:0 0 0 2px #90caf9}
.rp-scorer .widget-toggle-button.jupyter-button.mod-active::before{content:"✓ "}
.rp-critical .widget-toggle-button.jupyter-button.mod-active[data-value="{happened}"]{
 background:#b71c1c;border-color:#b71c1c;box-shadow:0 0 0 2px #ef9a9a}
</style>"""


def css() -> str:
    """The scorer's style sheet (a critical item marked in the language its buttons are in)."""
    return CSS.replace("{happened}", _(OPTION_LABELS[FAIL]).replace('"', ""))


def _bar(pct: float | None) -> str:
    if pct is None:
        return "<span class='rp-bar'></span> n/a"
    return (f"<span class='rp-bar'><div style='width:{max(0.0, min(100.0, pct)):.0f}%'></div>"
            f"</span> {pct:.0f}%")


class RolePlayScorer(w.VBox):
    """Score one role-play on its scorecard and save it (see module docstring)."""

    def __init__(self, db: str | Path | RolePlayStore | None = None, *,
                 scorecards: Mapping[str, Scorecard] | None = None,
                 scenarios: Mapping[str, Scenario] | None = None,
                 scenario: str | None = None, learner: str = "", rater: str = "",
                 track: str | None = None):
        self.store = db if isinstance(db, RolePlayStore) else RolePlayStore(db)
        self.cards = dict(scorecards) if scorecards is not None else load_scorecards()
        all_scenarios = scenarios if scenarios is not None else load_scenarios(cards=self.cards)
        self.scenarios = {k: s for k, s in all_scenarios.items() if track in (None, s.track)}
        if not self.scenarios:
            raise ValueError(f"No scenarios for track {track!r}")
        self.card: Scorecard | None = None
        self.last_saved: SavedScore | None = None
        self.message = ""
        self.toggles: dict[str, w.ToggleButtons] = {}
        self.notes: dict[str, w.Textarea] = {}
        self.section_bars: dict[str, w.HTML] = {}

        self.scenario_w = w.Dropdown(
            options=[(_("{title} ({difficulty})").format(title=s.title, difficulty=word(s.difficulty)), k)
                     for k, s in self.scenarios.items()],
            value=scenario or next(iter(self.scenarios)), description=_("Scenario"),
            layout=w.Layout(width="460px"))
        self.learner_w = w.Text(value=learner, description=_("Learner"), placeholder=_("who played the agent"))
        self.rater_w = w.Text(value=rater, description=_("Rater"), placeholder=_("your name"))
        self.call_w = w.Text(description=_("Call ID"), placeholder=_("automatic: learner/scenario/date"),
                             layout=w.Layout(width="460px"))
        for widget, cls in ((self.scenario_w, "rp-scenario"), (self.learner_w, "rp-learner"),
                            (self.rater_w, "rp-rater"), (self.call_w, "rp-call")):
            widget.add_class(cls)
            widget.style.description_width = "70px"
        self.brief_w = w.HTML()
        self.brief_box = w.Accordion(children=[self.brief_w], selected_index=None)
        self.brief_box.set_title(0, _("Scenario card (persona, what they want and hide)"))
        self.card_box = w.VBox()
        self.total_w = w.HTML()
        self.total_w.add_class("rp-total")
        self.save_w = w.Button(description=_("Save"), button_style="primary", icon="save")
        self.save_w.add_class("rp-save")
        self.clear_w = w.Button(description=_("Clear answers"), icon="eraser")
        self.clear_w.add_class("rp-clear")
        self.message_w = w.HTML()
        self.message_w.add_class("rp-message")
        self.recent_w = w.HTML()
        self.recent_w.add_class("rp-recent")
        self.recent_box = w.Accordion(children=[self.recent_w], selected_index=None)
        self.recent_box.set_title(0, _("Latest saved scores in this database"))

        self.scenario_w.observe(lambda _: self._load_scenario(), names="value")
        self.save_w.on_click(lambda _: self.save())
        self.clear_w.on_click(lambda _: self.clear())
        super().__init__(children=[
            w.HTML(css() + "<h3>" + _("Role-play scorer") + "</h3>"),
            w.HBox([self.scenario_w, self.call_w]), w.HBox([self.learner_w, self.rater_w]),
            self.brief_box, self.total_w, self.card_box, self.total_w,
            w.HBox([self.save_w, self.clear_w]), self.message_w, self.recent_box])
        self.add_class("rp-scorer")
        self._load_scenario()
        self.show_recent()

    # ------------------------------------------------------------------ building the card
    @property
    def scenario(self) -> Scenario:
        return self.scenarios[self.scenario_w.value]

    def _load_scenario(self) -> None:
        sc = self.scenario
        self.brief_w.value = brief_html(sc)
        card = self.cards[sc.scorecard]
        if self.card is None or card.key != self.card.key:
            self.card = card
            self._build_card(card)
        self._refresh()

    def _toggle(self, item_id: str, options: tuple[str, ...], tooltips: list[str]) -> w.ToggleButtons:
        t = w.ToggleButtons(options=[(_(OPTION_LABELS[o]) if o in OPTION_LABELS else o, o) for o in options],
                            value=None,
                            tooltips=tooltips, style={"button_width": "auto"})
        t.add_class(f"rp-item-{item_id}")
        t.observe(lambda _: self._refresh(), names="value")
        self.toggles[item_id] = t
        return t

    def _build_card(self, card: Scorecard) -> None:
        self.toggles, self.notes, self.section_bars = {}, {}, {}
        label_layout = w.Layout(width="55%")
        boxes: list[w.Widget] = [w.HTML(_("{title} (scorecard {key}, pass mark {pass_mark}). {description}").format(
            title=f"<b>{html.escape(card.title)}</b>", key=f"<code>{card.key}</code>",
            pass_mark=f"{card.pass_mark:g}", description=html.escape(card.description)))]
        for s in card.sections:
            rows: list[w.Widget] = []
            for i in s.items:
                tips = [i.anchors.get(o) or i.scale.labels.get(o, "") for o in i.scale.options]
                if i.na:
                    tips.append(_("Not applicable: {when}").format(when=i.na_when) if i.na_when
                                else _("Not applicable"))
                na_note = ("<br><small>" + _("N/A when: {when}").format(when=html.escape(i.na_when))
                           + "</small>" if i.na and i.na_when else "")
                pts = _("({points} pts)").format(points=f"{i.weight:g}")
                label = w.HTML(f"{html.escape(i.text)} <small>{pts}</small>{na_note}",
                               layout=label_layout)
                rows.append(w.HBox([label, self._toggle(i.id, i.options(), tips)]))
            bar = w.HTML()
            self.section_bars[s.id] = bar
            note = w.Textarea(placeholder=_("Notes on {section} (what you heard, when)").format(
                                  section=s.title.lower()),
                              layout=w.Layout(width="95%", height="48px"))
            note.add_class(f"rp-notes-{s.id}")
            self.notes[s.id] = note
            pts = _("({points} pts)").format(points=f"{s.weight:g}")
            box = w.VBox([w.HBox([w.HTML(f"<b>{html.escape(s.title)}</b> <small>{pts}</small>",
                                         layout=w.Layout(width="55%")), bar]), *rows, note])
            box.add_class("rp-section")
            boxes.append(box)
        crit_rows: list[w.Widget] = [w.HTML(
            "<b>⚠ " + _("Critical items: if any of these happened, the whole call fails (total 0).") + "</b>")]
        for c in card.critical:
            crit_rows.append(w.HBox([
                w.HTML(f"⚠ {html.escape(c.text)}", layout=label_layout),
                self._toggle(c.id, (PASS, FAIL), [_("It did not happen on this call"),
                                                  _("It happened: the call fails")])]))
        crit = w.VBox(crit_rows)
        crit.add_class("rp-critical")
        boxes.append(crit)
        self.card_box.children = boxes

    # ------------------------------------------------------------------ state
    def answers(self) -> dict[str, str]:
        """The answers given so far (item id -> 'yes', '2', 'na', 'pass', ...)."""
        return {k: t.value for k, t in self.toggles.items() if t.value is not None}

    def set_answer(self, item_id: str, value: Any) -> None:
        """Answer one item as a rater's click would ('yes', 2, 'na', 'fail', ...)."""
        if item_id not in self.toggles:
            raise KeyError(f"{self.card.key} has no item {item_id!r}")
        self.toggles[item_id].value = normalise(self.card, {item_id: value})[item_id]

    def set_answers(self, answers: Mapping[str, Any]) -> None:
        for k, v in answers.items():
            self.set_answer(k, v)

    def missing(self) -> list[str]:
        """What still needs an answer, in the words the rater sees."""
        gaps = []
        if not self.learner_w.value.strip():
            gaps.append(_("the learner's name"))
        if not self.rater_w.value.strip():
            gaps.append(_("your name as rater"))
        return gaps + missing(self.card, self.answers())

    def _refresh(self) -> None:
        answers = self.answers()
        res = partial_score(self.card, answers)
        for sid, bar in self.section_bars.items():
            bar.value = _bar(res.sections.get(sid))
        n_items = len(self.toggles)
        done = len(answers)
        points = _("{earned} of {possible} points").format(earned=f"{res.earned:.1f}",
                                                            possible=f"{res.possible:g}")
        if res.critical_failed:
            names = ", ".join(res.failed_critical)
            head = _("{total} · the other items are optional now · {points} on the items scored").format(
                total="<span class='rp-msg-error'>" + _("Total: 0 / 100 · CRITICAL FAIL ({items})").format(
                    items=html.escape(names)) + "</span>", points=points)
        elif not missing(self.card, answers) and res.possible:
            rescaled = (" " + _("({points}; N/A items left out, the rest scaled to 100)").format(points=points)
                        if res.possible < 100 else "")
            verdict = _("pass") if res.passed else _("below the pass mark")
            head = "<b>" + _("Total: {total} / 100").format(total=f"{res.total:.1f}") + f"</b>{rescaled} · {verdict}"
        else:
            head = _("{points_so_far} on the items answered").format(
                points_so_far="<b>" + _("Points so far: {points} possible").format(points=points) + "</b>")
        self.total_w.value = head + " · " + _("{done} of {n} answered · pass mark {pass_mark}").format(
            done=done, n=n_items, pass_mark=f"{self.card.pass_mark:g}")

    def _say(self, text: str, ok: bool) -> None:
        self.message = text
        cls = "rp-msg-ok" if ok else "rp-msg-error"
        self.message_w.value = f"<div class='{cls}'>{html.escape(text).replace(chr(10), '<br>')}</div>"

    def clear(self) -> None:
        """Blank every answer and note (learner, rater and scenario stay)."""
        for t in self.toggles.values():
            t.value = None
        for n in self.notes.values():
            n.value = ""
        self.call_w.value = ""
        self._refresh()

    def show_recent(self, n: int = 10) -> None:
        """Refresh the table of the latest saved scores (newest first)."""
        try:
            df = self.store.results()
        except StoreError as e:
            self.recent_w.value = f"<i>{html.escape(str(e))}</i>"
            return
        if df.empty:
            self.recent_w.value = "<i>" + _("Nothing saved yet in {path}.").format(
                path=html.escape(str(self.store.path))) + "</i>"
            return
        df = df.tail(n).iloc[::-1]
        critical, passed = "⚠ " + _("critical"), _("pass")
        rows = "".join(
            f"<tr><td>{r.saved_at:%Y-%m-%d %H:%M}</td><td>{html.escape(r.learner)}</td>"
            f"<td>{html.escape(r.rater)}</td><td>{html.escape(r.scenario_id)}</td>"
            f"<td>{html.escape(r.call_id)}</td><td>{r.total:.1f}</td>"
            f"<td>{critical if r.critical_failed else (passed if r.passed else '')}</td>"
            f"<td>{r.version}</td></tr>" for r in df.itertuples())
        head = "".join(f"<th>{h}</th>" for h in (
            _("saved (UTC)"), _("learner"), _("rater"), _("scenario"), _("call"), _("total"), _("result"),
            _("version")))
        self.recent_w.value = (
            f"<small>{html.escape(str(self.store.path))}</small><table><tr>{head}</tr>{rows}</table>")

    # ------------------------------------------------------------------ saving
    def save(self) -> SavedScore | None:
        """Save the card; returns the saved score, or None with ``message`` saying why not."""
        gaps = self.missing()
        if gaps:
            self._say(_("Not saved: {n} thing(s) still missing:").format(n=len(gaps)) + "\n" +
                      "\n".join(f"• {g}" for g in gaps), ok=False)
            return None
        notes = {k: t.value for k, t in self.notes.items() if t.value.strip()}
        learner, rater = self.learner_w.value.strip(), self.rater_w.value.strip()
        call_id = self.call_w.value.strip()
        try:   # the store makes a re-save of the same call by the same rater the next version
            saved = self.store.save(self.card, self.answers(), learner=learner, rater=rater,
                                    scenario_id=self.scenario.id, call_id=call_id or None,
                                    notes=notes)
        except (IncompleteCard, StoreError) as e:
            self._say(str(e), ok=False)
            return None
        self.last_saved = saved
        verdict = (_("CRITICAL FAIL") if saved.critical_failed
                   else _("pass") if saved.passed else _("below the pass mark"))
        again = (" " + _("(version {version} of your score of this call; earlier versions are kept)").format(
            version=saved.version) if saved.version > 1 else "")
        unscored = len(self.toggles) - len(self.answers())
        if saved.critical_failed and unscored:
            verdict = _("{verdict}, {n} item(s) left unscored").format(verdict=verdict, n=unscored)
        self._say(_("Saved: {learner} on '{scenario}', scored by {rater}: {total} / 100, {verdict}{again}. "
                    "Score id {id}.").format(learner=learner, scenario=self.scenario.title, rater=rater,
                                             total=f"{saved.total:.1f}", verdict=verdict, again=again,
                                             id=saved.score_id), ok=True)
        self.clear()
        self.show_recent()
        return saved
