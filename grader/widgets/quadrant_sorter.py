"""Quadrant sorter (Module 3): sort a supervisor's day into the four quadrants, with feedback.

Each task carries the quadrant it belongs to (I urgent+important, II important, III urgent,
IV neither) and why. :func:`mark` compares a learner's sort with the key and returns per-task
feedback plus the advice for each quadrant; :class:`QuadrantSorter` shows one dropdown per task.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

QUADRANTS = {
    "I": "Urgent and important: do it now. (Are there really so many?)",
    "II": "Important, not urgent: schedule it and protect the time, so fewer things turn urgent.",
    "III": "Urgent, not important: keep it short, batch it or hand it on; reduce it.",
    "IV": "Neither: question why it exists at all.",
}


@dataclass(frozen=True)
class Task:
    text: str
    quadrant: str
    why: str


DAY: tuple[Task, ...] = (
    Task("08:50 A VIP customer's complaint escalated overnight; reply promised by 10:00", "I",
         "A deadline this morning and a customer relationship at stake."),
    Task("The queue shows 30 callers waiting and two agents are off sick", "I",
         "Service is failing right now; rebalance breaks or call in help."),
    Task("Prepare the coaching plan for two new agents", "II", "No deadline today, but it prevents future complaints."),
    Task("Review last month's forecast against what really happened", "II",
         "Better forecasts mean fewer emergencies at the next peak."),
    Task("Reply to a routine request to confirm the canteen order", "III", "Someone wants it soon, but it moves no goal."),
    Task("A weekly meeting you attend only to listen, with nothing on your agenda", "III",
         "It claims the time slot; ask for the minutes instead."),
    Task("Browse news sites between tasks", "IV", "Neither needed nor useful: ask whether it needs doing at all."),
    Task("A long chat about weekend plans at the coffee machine", "IV", "Pleasant, but it serves no goal."),
)


def mark(answer: Mapping[int, str], tasks: tuple[Task, ...] = DAY) -> tuple[int, list[str]]:
    """(number right, one feedback line per task) for {task index: quadrant}."""
    lines, right = [], 0
    for i, t in enumerate(tasks):
        got = answer.get(i)
        if got not in QUADRANTS:
            lines.append(f"{t.text}: not sorted yet.")
        elif got == t.quadrant:
            right += 1
            lines.append(f"✅ {t.text}: {t.why}")
        else:
            lines.append(f"❌ {t.text}: ask whether it must happen now, and whether it moves a goal.")
    return right, lines


class QuadrantSorter:
    """One dropdown per task and a "Check" button."""

    def __init__(self, tasks: tuple[Task, ...] = DAY):
        import ipywidgets as w

        self.tasks = tasks
        self.dropdowns = [w.Dropdown(options=[("choose…", None)] + [(q, q) for q in QUADRANTS],
                                     description="", layout=w.Layout(width="110px")) for _ in tasks]
        rows = [w.HBox([d, w.HTML(t.text)]) for d, t in zip(self.dropdowns, tasks)]
        self.button = w.Button(description="Check", button_style="primary")
        self.out = w.HTML()
        self.button.on_click(lambda _b: self.check())
        legend = w.HTML("<br>".join(f"<b>{k}</b> {v}" for k, v in QUADRANTS.items()))
        self.box = w.VBox([legend, *rows, self.button, self.out])

    def check(self) -> int:
        right, lines = mark({i: d.value for i, d in enumerate(self.dropdowns)}, self.tasks)
        self.out.value = f"<b>{right} of {len(self.tasks)} right.</b><br>" + "<br>".join(lines)
        return right

    def _ipython_display_(self):
        from IPython.display import display

        display(self.box)
