"""Quadrant sorter (Module 3): sort a supervisor's day into the four quadrants, with feedback.

Each task carries the quadrant it belongs to (I urgent+important, II important, III urgent,
IV neither) and why. :func:`mark` compares a learner's sort with the key and returns per-task
feedback plus the advice for each quadrant; :class:`QuadrantSorter` shows one dropdown per task.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from ..i18n import N_, _, localized

QUADRANTS = {
    "I": N_("Urgent and important: do it now. (Are there really so many?)"),
    "II": N_("Important, not urgent: schedule it and protect the time, so fewer things turn urgent."),
    "III": N_("Urgent, not important: keep it short, batch it or hand it on; reduce it."),
    "IV": N_("Neither: question why it exists at all."),
}


@dataclass(frozen=True)
class Task:
    text: str
    quadrant: str
    why: str
    text_zh: str = ""  # the Chinese (zh-CN) of text and why
    why_zh: str = ""


DAY: tuple[Task, ...] = (
    Task("08:50 A VIP customer's complaint escalated overnight; reply promised by 10:00", "I",
         "A deadline this morning and a customer relationship at stake.",
         "08:50 一位 VIP 客户的投诉昨晚已升级，答应 10:00 前回复", "上午就到期限，而且关系到一位客户的信任。"),
    Task("The queue shows 30 callers waiting and two agents are off sick", "I",
         "Service is failing right now; rebalance breaks or call in help.",
         "队列里有 30 位客户在等待，还有两名坐席请了病假", "服务水平正在失守：马上调整休息安排，或者请人支援。"),
    Task("Prepare the coaching plan for two new agents", "II", "No deadline today, but it prevents future complaints.",
         "为两名新坐席准备辅导计划", "今天没有期限，但它能减少以后的投诉。"),
    Task("Review last month's forecast against what really happened", "II",
         "Better forecasts mean fewer emergencies at the next peak.",
         "对照实际情况，复盘上个月的话务预测", "预测越准，下一个高峰期的紧急情况就越少。"),
    Task("Reply to a routine request to confirm the canteen order", "III", "Someone wants it soon, but it moves no goal.",
         "回复一条例行请求，确认食堂订餐", "有人催着要，但它对任何目标都没有推进。"),
    Task("A weekly meeting you attend only to listen, with nothing on your agenda", "III",
         "It claims the time slot; ask for the minutes instead.",
         "每周一次的例会，你只是去旁听，没有自己的议题", "它占着时间段；不如请人会后把纪要发给你。"),
    Task("Browse news sites between tasks", "IV", "Neither needed nor useful: ask whether it needs doing at all.",
         "在两项工作之间浏览新闻网站", "既不必要也没有用处：想想到底有没有必要做。"),
    Task("A long chat about weekend plans at the coffee machine", "IV", "Pleasant, but it serves no goal.",
         "在咖啡机旁聊了很久周末的安排", "聊得开心，但对任何目标都没有帮助。"),
)


def mark(answer: Mapping[int, str], tasks: tuple[Task, ...] = DAY) -> tuple[int, list[str]]:
    """(number right, one feedback line per task) for {task index: quadrant}."""
    lines, right = [], 0
    for i, t in enumerate(tasks):
        got = answer.get(i)
        text = localized(t, "text")
        if got not in QUADRANTS:
            lines.append(_("{task}: not sorted yet.").format(task=text))
        elif got == t.quadrant:
            right += 1
            lines.append("✅ " + _("{question}: {why}").format(question=text, why=localized(t, "why")))
        else:
            lines.append("❌ " + _("{task}: ask whether it must happen now, and whether it moves a goal.").format(
                task=text))
    return right, lines


class QuadrantSorter:
    """One dropdown per task and a "Check" button."""

    def __init__(self, tasks: tuple[Task, ...] = DAY):
        import ipywidgets as w

        self.tasks = tasks
        self.dropdowns = [w.Dropdown(options=[(_("choose…"), None)] + [(q, q) for q in QUADRANTS],
                                     description="", layout=w.Layout(width="110px")) for _t in tasks]
        rows = [w.HBox([d, w.HTML(localized(t, "text"))]) for d, t in zip(self.dropdowns, tasks)]
        self.button = w.Button(description=_("Check"), button_style="primary")
        self.out = w.HTML()
        self.button.on_click(lambda _b: self.check())
        legend = w.HTML("<br>".join(f"<b>{k}</b> {_(v)}" for k, v in QUADRANTS.items()))
        self.box = w.VBox([legend, *rows, self.button, self.out])

    def check(self) -> int:
        right, lines = mark({i: d.value for i, d in enumerate(self.dropdowns)}, self.tasks)
        self.out.value = ("<b>" + _("{right} of {total} right.").format(right=right, total=len(self.tasks))
                          + "</b><br>" + "<br>".join(lines))
        return right

    def _ipython_display_(self):
        from IPython.display import display

        display(self.box)
