"""Technique matcher (Module 2): pick the self-regulation technique for a situation, with the why.

Six techniques from the module's source (anger control, joy, helping others, venting, diversion,
relaxation) and a bank of on-the-phone situations, each with the technique that fits best and the
reason. :func:`judge` decides and explains a pick; :class:`TechniqueMatcher` is the thin
ipywidgets front end (a situation, six buttons, feedback, "next").
"""
from __future__ import annotations

import html
from dataclasses import dataclass

TECHNIQUES: dict[str, str] = {
    "anger": "Anger control: ask whether the anger is justified, what it would lead to, and what else you could do.",
    "joy": "Joy: build positive feelings: friends, small goals you can reach, seeing both sides of a setback.",
    "helping": "Helping others: doing something good for someone lifts your own mood and steadiness.",
    "venting": "Venting: let it out safely after work: sport, reading, music, a film, talking, even crying.",
    "diversion": "Diversion: meet another need, shift your attention, or change your surroundings.",
    "relaxation": "Relaxation: relax from head to toe, self-massage, smile, recall a happy moment.",
}


@dataclass(frozen=True)
class Situation:
    text: str
    best: str
    why: str


SITUATIONS: tuple[Situation, ...] = (
    Situation("A caller called you useless. Your next call is ringing and you feel your voice tighten.",
              "anger", "The feeling is about to hit the next caller. Three quick questions (justified? "
              "consequences? alternatives?) cool it before you pick up."),
    Situation("Your shoulders ache and your breathing is fast after a long complaint; you have two minutes.",
              "relaxation", "The stress is in your body and time is short: a head-to-toe release and a "
              "smile work in a minute."),
    Situation("You get home still angry about a customer who would not listen.",
              "venting", "The shift is over; the feeling needs a healthy outlet such as a run, music or a talk."),
    Situation("Your monthly sales target feels out of reach and you have felt flat all week.",
              "joy", "Set small goals you can reach today; each one brings back a sense of progress."),
    Situation("During your break you keep replaying a bad call at your desk.",
              "diversion", "Same place, same thoughts: a walk or a change of scene moves your attention."),
    Situation("You feel useless after a hard day; a new colleague is stuck on a screen you know well.",
              "helping", "Helping her gives you a lift and reminds you what you are good at."),
    Situation("You missed a promotion you wanted. There is a course you have been meaning to take.",
              "diversion", "When one need is blocked, meeting another (learning a new skill) compensates."),
    Situation("A colleague took credit for your idea and you want to confront him in front of everyone.",
              "anger", "Before acting, ask: is it justified, what follows, what else could I do (a private word)?"),
)


def judge(situation: Situation, pick: str) -> tuple[bool, str]:
    """(right?, feedback) for one pick; the feedback explains the fit or what to look at."""
    if pick not in TECHNIQUES:
        raise ValueError(f"unknown technique {pick!r}; choose one of {', '.join(TECHNIQUES)}")
    if pick == situation.best:
        return True, f"Good fit. {situation.why}"
    return False, (f"{TECHNIQUES[pick].split(':')[0]} can help in general, but look again at this "
                   f"situation: where is the feeling (body, thoughts, action), and how much time is there?")


class TechniqueMatcher:
    """A situation, six technique buttons and feedback; :meth:`pick` does what a button does."""

    def __init__(self, situations: tuple[Situation, ...] = SITUATIONS):
        import ipywidgets as w

        self.situations, self.index, self.score = situations, 0, 0
        self.prompt = w.HTML()
        self.buttons = [w.Button(description=k.capitalize(), tooltip=v) for k, v in TECHNIQUES.items()]
        for key, b in zip(TECHNIQUES, self.buttons):
            b.on_click(lambda _b, key=key: self.pick(key))
        self.result = w.HTML()
        self.next = w.Button(description="Next situation", icon="arrow-right")
        self.next.on_click(lambda _b: self.advance())
        self.box = w.VBox([self.prompt, w.HBox(self.buttons), self.result, self.next])
        self.box.add_class("academy-technique-matcher")
        self._show()

    def _show(self) -> None:
        s = self.situations[self.index]
        self.prompt.value = (f"<b>Situation {self.index + 1} of {len(self.situations)}</b><br>"
                             f"{html.escape(s.text)}")
        self.result.value = ""

    def pick(self, key: str) -> bool:
        ok, msg = judge(self.situations[self.index], key)
        self.score += ok
        colour = "#e6f4ea" if ok else "#fdecea"
        self.result.value = (f'<div style="background:{colour};padding:6px">{"✅" if ok else "❌"} '
                             f"{html.escape(msg)}</div>")
        return ok

    def advance(self) -> None:
        self.index = (self.index + 1) % len(self.situations)
        self._show()

    def _ipython_display_(self):
        from IPython.display import display

        display(self.box)
