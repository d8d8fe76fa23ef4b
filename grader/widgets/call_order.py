"""Call-order puzzle: put the steps of a call in order with up/down buttons and get feedback.

A scenario (``call_steps.yaml``, format :class:`CallStepsFile`) lists the steps and the ordering
rules that matter, each with the reason behind it. :func:`check_order` accepts any order that keeps every rule, so steps real
centres do either way round are not marked wrong, and for each broken rule it returns that
reason, which teaches the principle without printing the whole sequence. :func:`move` and
:func:`scrambled` are the rest of the logic; :class:`CallOrder` is the thin ipywidgets front end
(no dragging, so it works with a keyboard and in Voilà).
"""
from __future__ import annotations

import html
import random
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Sequence

from pydantic import AfterValidator, model_validator

from .. import datafiles, i18n
from ..datafiles import DataFileError, DataModel, Id, NonEmpty, RequiredText, Text, Whole, report
from ..i18n import _, ngettext

STEPS_FILE = Path(__file__).with_name("call_steps.yaml")


class CallStepsError(DataFileError):
    """A call-steps file a trainer must fix: one ``file: location: problem`` line per problem."""


class OrderRule(DataModel):
    """``first`` must come before ``then``; ``why`` is the hint shown when it does not."""

    first: Id
    then: Id
    why: RequiredText


@dataclass(frozen=True)
class CallSteps:
    id: str
    title: str
    intro: str
    steps: tuple[tuple[str, str], ...]  # (id, text) in one good order
    rules: tuple[OrderRule, ...]

    @property
    def ids(self) -> list[str]:
        return [s for s, _ in self.steps]

    def text(self, step_id: str) -> str:
        return dict(self.steps)[step_id]


@dataclass(frozen=True)
class OrderResult:
    """Whether an order keeps every rule; the broken rules (with reasons) if not."""

    ok: bool
    broken: tuple[OrderRule, ...]
    misplaced: tuple[str, ...]  # step ids involved in a broken rule, in the learner's order
    message: str
    hints: tuple[str, ...]


# --------------------------------------------------------------------------- the file
def _two_or_more(steps: tuple) -> tuple:
    if len(steps) < 2:
        raise ValueError("a puzzle needs at least two steps")
    return steps


def _some_rule(rules: tuple) -> tuple:
    if not rules:
        raise ValueError("needs at least one ordering rule, or any order would pass")
    return rules


class Step(DataModel):
    id: Id
    text: RequiredText


class CallStepsEntry(DataModel):
    """One puzzle under ``scenarios:`` (its id is the key it is written under)."""

    unique_ids = (("steps[].id",),)

    title: Text = ""
    intro: Text = ""
    steps: Annotated[tuple[Step, ...], AfterValidator(_two_or_more)]
    rules: Annotated[tuple[OrderRule, ...], AfterValidator(_some_rule)]

    @model_validator(mode="after")
    def _rules_name_steps_in_the_listed_order(self) -> "CallStepsEntry":
        ids = [s.id for s in self.steps]
        found = [(("rules", n, key), f"{getattr(r, key)!r} is not a step id (steps: {', '.join(ids)})")
                 for n, r in enumerate(self.rules) for key in ("first", "then") if getattr(r, key) not in ids]
        found += [(("rules", n), f"{r.first} before {r.then} contradicts the order the steps are listed in")
                  for n, r in enumerate(self.rules)
                  if r.first in ids and r.then in ids and ids.index(r.first) > ids.index(r.then)]
        report(found)
        return self

    def puzzle(self, sid: str) -> CallSteps:
        return CallSteps(sid, self.title or sid, self.intro, tuple((s.id, s.text) for s in self.steps),
                         self.rules)


class CallStepsFile(DataModel):
    """A call-steps file: ``call_steps.yaml``."""

    version: Whole = 1
    scenarios: Annotated[dict[Id, CallStepsEntry], NonEmpty]


def load_scenarios(path: str | Path | None = None, lang: str | None = None) -> dict[str, CallSteps]:
    """Read and check a call-steps file (default: the course's ``call_steps.yaml``), its texts in
    ``lang`` (default: the current language; see :func:`grader.i18n.localize`); raises
    :class:`CallStepsError` listing every problem."""
    p = Path(path) if path else STEPS_FILE
    data = i18n.localize(datafiles.read(p, CallStepsError), lang)
    steps = datafiles.validate(CallStepsFile, data, p.name, CallStepsError)
    return {sid: entry.puzzle(sid) for sid, entry in steps.scenarios.items()}


@lru_cache(maxsize=None)
def _default(lang: str) -> dict[str, CallSteps]:
    return load_scenarios(lang=lang)


def scenario(name: str) -> CallSteps:
    """A scenario of the course's file by name (``inbound``, ``transfer``, ``closing``)."""
    sc = _default(i18n.current_language())
    if name not in sc:
        raise KeyError(f"No call-order scenario {name!r}; choose one of {', '.join(sc)}")
    return sc[name]


def check_order(sc: CallSteps, order: Sequence[str]) -> OrderResult:
    """Check a learner's order (a list of step ids). Any order that keeps every rule passes."""
    order = list(order)
    unknown = [s for s in order if s not in sc.ids]
    missing = [s for s in sc.ids if s not in order]
    dupes = sorted({s for s in order if order.count(s) > 1})
    if unknown or missing or dupes:
        bits = ([f"unknown steps {unknown}"] if unknown else []) + \
               ([f"missing steps {missing}"] if missing else []) + ([f"repeated steps {dupes}"] if dupes else [])
        raise ValueError(f"The order must use each of the {len(sc.ids)} steps once: " + "; ".join(bits))
    pos = {s: i for i, s in enumerate(order)}
    broken = tuple(r for r in sc.rules if pos[r.first] > pos[r.then])
    if not broken:
        return OrderResult(True, (), (), "✅ " + _("A good order: every step comes where it should."), ())
    involved = {s for r in broken for s in (r.first, r.then)}
    misplaced = tuple(s for s in order if s in involved)
    hints = []
    for r in broken:  # one hint per reason, in the order the rules are written
        if r.why not in hints:
            hints.append(r.why)
    n = len(broken)
    msg = ngettext("Not yet: {n} thing happens too early. Read the hints, move the steps and check again.",
                   "Not yet: {n} things happen too early. Read the hints, move the steps and check again.",
                   n).format(n=n)
    return OrderResult(False, broken, misplaced, msg, tuple(hints))


def move(order: Sequence[str], index: int, delta: int) -> list[str]:
    """The order with the step at ``index`` moved ``delta`` places (clamped at the ends)."""
    out = list(order)
    if not 0 <= index < len(out):
        raise IndexError(f"step position {index} is outside 0..{len(out) - 1}")
    j = max(0, min(len(out) - 1, index + delta))
    out.insert(j, out.pop(index))
    return out


def scrambled(sc: CallSteps, seed: int = 0, min_broken: int = 2) -> list[str]:
    """A shuffled starting order that breaks at least ``min_broken`` rules (same seed, same order)."""
    rng = random.Random(f"{sc.id}:{seed}")
    target = min(min_broken, len(sc.rules))
    for _attempt in range(500):
        order = sc.ids[:]
        rng.shuffle(order)
        if len(check_order(sc, order).broken) >= target:
            return order
    return list(reversed(sc.ids))


def render_html(sc: CallSteps, result: OrderResult, max_hints: int = 3) -> str:
    """The feedback panel for one check: at most ``max_hints`` reasons, so it stays readable."""
    colour = "#e6f4ea" if result.ok else "#fdecea"
    shown = result.hints[:max_hints]
    items = "".join(f'<li class="academy-order-hint">{html.escape(h)}</li>' for h in shown)
    if len(result.hints) > len(shown):
        items += ("<li><i>" + _("…fix these first; {n} more hint(s) after that.").format(
            n=len(result.hints) - len(shown)) + "</i></li>")
    flagged = ""
    if result.misplaced:  # only the steps behind the hints shown now, so the list stays short
        now = {x for r in result.broken if r.why in shown for x in (r.first, r.then)}
        names = i18n.join((html.escape(sc.text(s).strip('"“”')) for s in result.misplaced if s in now),
                          "clause")
        flagged = "<div><i>" + _("Look again at:") + f"</i> {names}</div>"
    return (f'<div class="academy-order-feedback" data-ok="{str(result.ok).lower()}" '
            f'style="background:{colour};padding:8px 12px;border-radius:6px;font-family:sans-serif">'
            f"<b>{html.escape(result.message)}</b>{flagged}{'<ul>' + items + '</ul>' if items else ''}</div>")


class CallOrder:
    """Up/down buttons per step, a check button and a feedback panel. ``CallOrder("inbound")``."""

    def __init__(self, name: str = "inbound", *, seed: int = 0, scenario_obj: CallSteps | None = None):
        import ipywidgets as w

        self.w = w
        self.sc = scenario_obj or scenario(name)
        self.seed = seed
        self.order = scrambled(self.sc, seed)
        self.rows = w.VBox()
        self.result = w.HTML("")
        self.result.add_class("academy-order-result")
        self.check_button = w.Button(description=_("Check my order"), button_style="primary", icon="check")
        self.check_button.add_class("academy-order-check")
        self.check_button.on_click(lambda _b: self.check())
        self.reset_button = w.Button(description=_("Shuffle again"), icon="random")
        self.reset_button.on_click(lambda _b: self.reset())
        head = w.HTML(f"<b>{html.escape(self.sc.title)}</b><br>{html.escape(self.sc.intro)}")
        self.box = w.VBox([head, self.rows, w.HBox([self.check_button, self.reset_button]), self.result])
        self.box.add_class("academy-call-order")
        self._draw()

    def _draw(self) -> None:
        w = self.w
        rows = []
        for i, sid in enumerate(self.order):
            up = w.Button(icon="arrow-up", tooltip=_("Move up"), layout=w.Layout(width="36px"), disabled=i == 0)
            down = w.Button(icon="arrow-down", tooltip=_("Move down"), layout=w.Layout(width="36px"),
                            disabled=i == len(self.order) - 1)
            up.on_click(lambda _b, i=i: self.move(i, -1))
            down.on_click(lambda _b, i=i: self.move(i, +1))
            label = w.HTML(f"<b>{i + 1}.</b> {html.escape(self.sc.text(sid))}", layout=w.Layout(width="auto"))
            rows.append(w.HBox([up, down, label]))
        self.rows.children = rows

    def move(self, index: int, delta: int) -> None:
        """Move a step and redraw; clears old feedback so it never describes a stale order."""
        self.order = move(self.order, index, delta)
        self.result.value = ""
        self._draw()

    def reset(self) -> None:
        self.seed += 1
        self.order = scrambled(self.sc, self.seed)
        self.result.value = ""
        self._draw()

    def check(self) -> OrderResult:
        res = check_order(self.sc, self.order)
        self.result.value = render_html(self.sc, res)
        return res

    def _ipython_display_(self):
        from IPython.display import display

        display(self.box)
