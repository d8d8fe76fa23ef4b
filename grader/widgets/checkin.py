"""Morning mood/stress check-in (Module 2): anonymous answers in, a team summary out.

A supervisor runs it at the briefing: each agent taps a mood (1-5) and a stress level (1-5); no
name is stored. :func:`summarise` turns the answers into what the supervisor may see: counts per
level, averages and a suggested action, and refuses to show anything for fewer than
``MIN_GROUP`` answers so no one can be singled out. :class:`CheckIn` is the ipywidgets front end.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Iterable

from ..i18n import N_, _, ngettext

MIN_GROUP = 5
MOODS = {1: N_("very low"), 2: N_("low"), 3: N_("okay"), 4: N_("good"), 5: N_("very good")}
STRESS = {1: N_("calm"), 2: N_("steady"), 3: N_("busy but fine"), 4: N_("stretched"), 5: N_("overwhelmed")}


@dataclass(frozen=True)
class Summary:
    n: int
    mood_counts: dict[int, int]
    stress_counts: dict[int, int]
    mean_mood: float
    mean_stress: float
    high_stress_share: float
    advice: str


def summarise(answers: Iterable[tuple[int, int]], min_group: int = MIN_GROUP) -> Summary:
    """Summarise anonymous (mood, stress) answers; raises if too few to keep them anonymous."""
    rows = list(answers)
    for mood, stress in rows:
        if mood not in MOODS or stress not in STRESS:
            raise ValueError(f"mood and stress are whole numbers from 1 to 5, got ({mood}, {stress})")
    if len(rows) < min_group:
        raise ValueError(ngettext("only {n} answer: wait for at least {min} so that nobody's answer "
                                  "can be recognised",
                                  "only {n} answers: wait for at least {min} so that nobody's answer "
                                  "can be recognised", len(rows)).format(n=len(rows), min=min_group))
    moods = Counter(m for m, _ in rows)
    stress = Counter(s for _, s in rows)
    mean_mood = sum(m for m, _ in rows) / len(rows)
    mean_stress = sum(s for _, s in rows) / len(rows)
    high = sum(s >= 4 for _, s in rows) / len(rows)
    if mean_mood < 3 or high >= 0.4:
        advice = _("The team is under strain: lengthen the briefing, name today's known pressures, "
                   "and walk the floor in the first hour. Offer one-to-one time to anyone who wants it.")
    elif high >= 0.2:
        advice = _("Some are stretched: check the plan for the peak and praise good handling in public.")
    else:
        advice = _("The team is in good shape: keep encouraging and share today's good news.")
    return Summary(len(rows), {k: moods.get(k, 0) for k in MOODS}, {k: stress.get(k, 0) for k in STRESS},
                   round(mean_mood, 2), round(mean_stress, 2), round(high, 3), advice)


class CheckIn:
    """Two sliders and "Submit" for each agent, "Show team summary" for the supervisor."""

    def __init__(self, min_group: int = MIN_GROUP):
        import ipywidgets as w

        self.answers: list[tuple[int, int]] = []
        self.min_group = min_group
        self.mood = w.IntSlider(value=3, min=1, max=5, description=_("Mood"))
        self.stress = w.IntSlider(value=3, min=1, max=5, description=_("Stress"))
        self.submit = w.Button(description=_("Submit (anonymous)"), button_style="primary")
        self.show = w.Button(description=_("Show team summary"))
        self.out = w.HTML()
        self.submit.on_click(lambda _b: self.add(self.mood.value, self.stress.value))
        self.show.on_click(lambda _b: self.render())
        self.box = w.VBox([self.mood, self.stress, w.HBox([self.submit, self.show]), self.out])

    def add(self, mood: int, stress: int) -> None:
        self.answers.append((int(mood), int(stress)))
        self.mood.value = self.stress.value = 3  # the next person starts neutral
        self.out.value = _("Thank you. {n} answer(s) so far.").format(n=len(self.answers))

    def render(self) -> str:
        try:
            s = summarise(self.answers, self.min_group)
        except ValueError as exc:
            self.out.value = f"<i>{exc}</i>"
            return self.out.value
        bars = "".join(f"<tr><td>{_(MOODS[k])}</td><td>{'█' * v} {v}</td></tr>" for k, v in s.mood_counts.items())
        head = _("{answers} · mood {mood}/5 · stress {stress}/5 · {share} stretched or overwhelmed").format(
            answers="<b>" + ngettext("{n} answer", "{n} answers", s.n).format(n=s.n) + "</b>",
            mood=s.mean_mood, stress=s.mean_stress, share=f"{s.high_stress_share:.0%}")
        self.out.value = f"{head}<table>{bars}</table><p>{s.advice}</p>"
        return self.out.value

    def _ipython_display_(self):
        from IPython.display import display

        display(self.box)
