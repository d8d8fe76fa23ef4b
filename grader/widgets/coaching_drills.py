"""Coaching drills (Module 4): sort coaching questions by GROW stage and open/closed, and choose
a response in authority scenarios, with feedback after each try.

The question sets and scenarios live in ``coaching_drills.yaml`` next to this file (format:
:class:`CoachingDrills`), so trainers can add their own. :func:`mark_sort` and :func:`mark_scenario` hold all the judging and are what the
tests call; :class:`QuestionSorter` and :class:`ScenarioDrill` are thin ipywidgets views. The
lesson items differ from the graded exercise's, so practising here never gives those away.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal, Mapping

from pydantic import model_validator

from .. import datafiles, i18n
from ..datafiles import DataFileError, DataModel, Flag, Id, NonEmpty, RequiredText, report
from ..i18n import N_, _

DATA = Path(__file__).with_name("coaching_drills.yaml")
STAGES = {"G": N_("Goal"), "R": N_("Reality"), "O": N_("Options"), "W": N_("Will")}
KINDS = {"open": "open", "closed": "closed"}


class CoachingDrillsError(DataFileError):
    """A drills file a trainer must fix: one ``file: location: problem`` line per problem."""


class Question(DataModel):
    text: RequiredText
    stage: Literal["G", "R", "O", "W"]
    kind: Literal["open", "closed"]
    why: RequiredText


class Option(DataModel):
    text: RequiredText
    best: Flag = False
    feedback: RequiredText


class CoachingSituation(DataModel):
    id: Id
    situation: RequiredText
    options: Annotated[tuple[Option, ...], NonEmpty]

    @model_validator(mode="after")
    def _exactly_one_best(self) -> "CoachingSituation":
        best = [n for n, o in enumerate(self.options) if o.best]
        if len(best) != 1:
            report([(("options",), f"exactly one option must have 'best: true' "
                                   f"({'none has' if not best else f'{len(best)} have'})")])
        return self


class CoachingDrills(DataModel):
    """The drills file: ``coaching_drills.yaml``."""

    unique_ids = (("scenarios[].id",),)

    questions: tuple[Question, ...]
    scenarios: tuple[CoachingSituation, ...]


def load(path: Path = DATA, lang: str | None = None) -> tuple[tuple[Question, ...], tuple[CoachingSituation, ...]]:
    """Questions and scenarios from the YAML file, checked (:class:`CoachingDrillsError` lists
    every problem), their texts in ``lang`` (default: the current language; see
    :func:`grader.i18n.localize`)."""
    return _load(path, i18n.normalize(lang) or i18n.current_language())


@lru_cache(maxsize=None)
def _load(path: Path, lang: str) -> tuple[tuple[Question, ...], tuple[CoachingSituation, ...]]:
    data = i18n.localize(datafiles.read(path, CoachingDrillsError), lang)
    drills = datafiles.validate(CoachingDrills, data, path.name, CoachingDrillsError)
    return drills.questions, drills.scenarios


def mark_sort(answer: Mapping[int, tuple[str | None, str | None]],
              questions: tuple[Question, ...] | None = None) -> tuple[int, int, list[str]]:
    """Score {question index: (stage, kind)}: (stages right, kinds right, feedback per question).

    Feedback explains the right sort only once the learner's sort is right; a wrong sort gets a
    prompt to think again, naming which half (stage or open/closed) is off.
    """
    questions = questions or load()[0]
    stages = kinds = 0
    lines = []
    for i, q in enumerate(questions):
        stage, kind = answer.get(i, (None, None))
        if stage is None or kind is None:
            lines.append("… " + _("{question}: not sorted yet.").format(question=q.text))
            continue
        s_ok, k_ok = stage == q.stage, kind == q.kind
        stages += s_ok
        kinds += k_ok
        if s_ok and k_ok:
            lines.append("✅ " + _("{question}: {why}").format(question=q.text, why=q.why))
        else:
            lines.append("❌ " + (
                _("{question}: look again at the stage. Where in the conversation would you ask it, "
                  "and could it be answered in one word?") if k_ok else
                _("{question}: look again at open/closed. Where in the conversation would you ask "
                  "it, and could it be answered in one word?") if s_ok else
                _("{question}: look again at the stage and open/closed. Where in the conversation "
                  "would you ask it, and could it be answered in one word?")).format(question=q.text))
    return stages, kinds, lines


def mark_scenario(scenario: CoachingSituation, choice: int) -> tuple[bool, str]:
    """(is it the best response, feedback for that response)."""
    if not 0 <= choice < len(scenario.options):
        raise ValueError(f"choose an option between 1 and {len(scenario.options)}")
    o = scenario.options[choice]
    return o.best, o.feedback


class QuestionSorter:
    """A GROW-stage and an open/closed dropdown for each question, and a Check button."""

    def __init__(self):
        import ipywidgets as w

        self.questions = load()[0]
        self.rows = []
        boxes = []
        for q in self.questions:
            st = w.Dropdown(options=[(_("stage?"), None)] + [(f"{k} · {_(v)}", k) for k, v in STAGES.items()],
                            layout=w.Layout(width="140px"))
            kd = w.Dropdown(options=[(_("open/closed?"), None), (_("open"), "open"), (_("closed"), "closed")],
                            layout=w.Layout(width="130px"))
            st.add_class("academy-grow-stage")
            kd.add_class("academy-grow-kind")
            self.rows.append((st, kd))
            boxes.append(w.HBox([st, kd, w.HTML(f"<span style='padding-left:8px'>{q.text}</span>")]))
        self.button = w.Button(description=_("Check"), button_style="primary")
        self.button.add_class("academy-grow-check")
        self.out = w.Output()
        self.out.add_class("academy-grow-result")
        self.button.on_click(lambda _: self.show())
        self.box = w.VBox(boxes + [self.button, self.out])

    def answer(self) -> dict[int, tuple[str | None, str | None]]:
        return {i: (st.value, kd.value) for i, (st, kd) in enumerate(self.rows)}

    def show(self) -> None:
        from IPython.display import HTML, display

        stages, kinds, lines = mark_sort(self.answer(), self.questions)
        self.out.clear_output()
        with self.out:
            display(HTML(render_sort(stages, kinds, len(self.questions), lines)))

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.box)


_COLOURS = {"✅": "#e6f4ea", "❌": "#fdecea", "…": "#eef2f7"}


def render_sort(stages: int, kinds: int, n: int, lines: list[str]) -> str:
    """The GROW sorter's feedback as the other widgets show theirs: a summary, then one soft
    coloured card per question in the page's own font, wrapping at word boundaries."""
    import html

    items = "".join(
        f'<li style="list-style:none;background:{_COLOURS.get(line[:1], "#f6f6f6")};padding:6px 10px;'
        f'margin:4px 0;border-radius:6px;white-space:normal;overflow-wrap:normal;word-break:normal">'
        f"{html.escape(line)}</li>" for line in lines)
    head = _("Stages right: {stages} of {n}; open/closed right: {kinds} of {n}").format(
        stages=stages, kinds=kinds, n=n)
    return (f'<div style="font-family:sans-serif;line-height:1.4"><b>{head}</b>'
            f'<ul style="padding-left:0;margin:6px 0">{items}</ul></div>')


def render_sort_line(line: str) -> str:
    import html

    return (f'<div style="font-family:sans-serif;background:{_COLOURS.get(line[:1], "#f6f6f6")};'
            f'padding:6px 10px;border-radius:6px;white-space:normal">{html.escape(line)}</div>')


class ScenarioDrill:
    """One authority scenario at a time: pick a response, read the feedback, try another."""

    def __init__(self, scenario_id: str | None = None):
        import ipywidgets as w

        scenarios = load()[1]
        self.scenarios = [s for s in scenarios if scenario_id in (None, s.id)]
        if not self.scenarios:
            raise ValueError(f"no scenario {scenario_id!r}; ids: {', '.join(s.id for s in scenarios)}")
        self.boxes = []
        for s in self.scenarios:
            radio = w.RadioButtons(options=[(o.text, i) for i, o in enumerate(s.options)], value=None,
                                   layout=w.Layout(width="auto"))
            radio.add_class("academy-scenario")
            out = w.Output()
            out.add_class("academy-scenario-result")

            def react(change, s=s, out=out):
                if change["new"] is None:
                    return
                best, text = mark_scenario(s, change["new"])
                out.clear_output()
                with out:
                    from IPython.display import HTML, display

                    display(HTML(render_sort_line(("✅ " if best else "❌ ") + text)))

            radio.observe(react, names="value")
            self.boxes.append(w.VBox([w.HTML(f"<b>{s.situation}</b>"), radio, out]))
        self.box = w.VBox(self.boxes)

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.box)
