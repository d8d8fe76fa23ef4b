"""Technique matcher (Module 2): pick the self-regulation technique for a situation, with the why.

Six techniques from the module's source (anger control, joy, helping others, venting, diversion,
relaxation) and a bank of on-the-phone situations, each with the technique that fits best and the
reason. :func:`judge` decides and explains a pick; :class:`TechniqueMatcher` is the thin
ipywidgets front end (a situation, six buttons, feedback, "next").
"""
from __future__ import annotations

import html
from dataclasses import dataclass

from .. import i18n
from ..i18n import N_, _, localized

TECHNIQUES: dict[str, str] = {
    "anger": "Anger control: ask whether the anger is justified, what it would lead to, and what else you could do.",
    "joy": "Joy: build positive feelings: friends, small goals you can reach, seeing both sides of a setback.",
    "helping": "Helping others: doing something good for someone lifts your own mood and steadiness.",
    "venting": "Venting: let it out safely after work: sport, reading, music, a film, talking, even crying.",
    "diversion": "Diversion: meet another need, shift your attention, or change your surroundings.",
    "relaxation": "Relaxation: relax from head to toe, self-massage, smile, recall a happy moment.",
}
BUTTONS = {"anger": N_("Anger"), "joy": N_("Joy"), "helping": N_("Helping"), "venting": N_("Venting"),
           "diversion": N_("Diversion"), "relaxation": N_("Relaxation")}  # the technique buttons
# The same in Chinese (zh-CN), with the source's names for the six techniques.
TECHNIQUES_ZH: dict[str, str] = {
    "anger": "制怒术：先问问自己，发火有没有道理？发火会带来什么后果？有没有别的办法可以代替发火？",
    "joy": "愉悦术：多积累积极情绪：多交朋友，多定一些够得着的小目标，学会辩证地看待挫折。",
    "helping": "助人术：为别人做点好事，自己的心情也会变好，心里也更踏实。",
    "venting": "宣泄术：下班后找个安全的出口释放情绪：运动、看书、听音乐、看电影、找人倾诉，哭一场也可以。",
    "diversion": "转移术：满足另一种需求，转移注意力，或者换个环境。",
    "relaxation": "放松术：从头到脚放松全身，自我按摩，微笑，回想一段愉快的经历。",
}


@dataclass(frozen=True)
class Situation:
    text: str
    best: str
    why: str
    text_zh: str = ""  # the Chinese (zh-CN) of text and why
    why_zh: str = ""


SITUATIONS: tuple[Situation, ...] = (
    Situation("A caller called you useless. Your next call is ringing and you feel your voice tighten.",
              "anger", "The feeling is about to hit the next caller. Three quick questions (justified? "
              "consequences? alternatives?) cool it before you pick up.",
              "一位客户骂你没用。下一通电话已经响了，你感觉自己的声音发紧。",
              "这股情绪马上就要撞到下一位客户身上。接起电话前快速问自己三个问题（有道理吗？后果是什么？"
              "有别的办法吗？），让自己冷静下来。"),
    Situation("Your shoulders ache and your breathing is fast after a long complaint; you have two minutes.",
              "relaxation", "The stress is in your body and time is short: a head-to-toe release and a "
              "smile work in a minute.",
              "处理完一个很长的投诉，你肩膀酸痛，呼吸急促；你只有两分钟。",
              "压力在身体上，时间又紧：从头到脚放松一遍，再笑一笑，一分钟就见效。"),
    Situation("You get home still angry about a customer who would not listen.",
              "venting", "The shift is over; the feeling needs a healthy outlet such as a run, music or a talk.",
              "回到家，你还在为一位怎么也听不进解释的客户生气。",
              "班已经下了；这股情绪需要一个健康的出口，比如跑跑步、听听音乐或者找人聊聊。"),
    Situation("Your monthly sales target feels out of reach and you have felt flat all week.",
              "joy", "Set small goals you can reach today; each one brings back a sense of progress.",
              "这个月的销售指标看起来遥不可及，你一整周都提不起劲。",
              "给今天定几个够得着的小目标；每完成一个，都能找回一点前进的感觉。"),
    Situation("During your break you keep replaying a bad call at your desk.",
              "diversion", "Same place, same thoughts: a walk or a change of scene moves your attention.",
              "休息时间里，你坐在工位上，脑子里一遍遍回放刚才那通糟糕的电话。",
              "同一个地方，同样的念头：出去走走、换个环境，注意力就转开了。"),
    Situation("You feel useless after a hard day; a new colleague is stuck on a screen you know well.",
              "helping", "Helping her gives you a lift and reminds you what you are good at.",
              "辛苦了一天，你觉得自己很没用；一位新同事卡在了一个你很熟悉的系统界面上。",
              "帮她一把，你的心情会好起来，也会想起自己擅长什么。"),
    Situation("You missed a promotion you wanted. There is a course you have been meaning to take.",
              "diversion", "When one need is blocked, meeting another (learning a new skill) compensates.",
              "你没能得到一次很想要的晋升。有一门课你一直想去上。",
              "一种需求受阻时，满足另一种需求（学一项新技能）可以起到补偿作用。"),
    Situation("A colleague took credit for your idea and you want to confront him in front of everyone.",
              "anger", "Before acting, ask: is it justified, what follows, what else could I do (a private word)?",
              "一位同事把你的点子说成是他的，你想当着所有人的面跟他对质。",
              "行动之前先问问自己：有道理吗？接下来会怎样？还能怎么做（比如私下谈一谈）？"),
)


def judge(situation: Situation, pick: str) -> tuple[bool, str]:
    """(right?, feedback) for one pick; the feedback explains the fit or what to look at."""
    if pick not in TECHNIQUES:
        raise ValueError(f"unknown technique {pick!r}; choose one of {', '.join(TECHNIQUES)}")
    if pick == situation.best:
        return True, _("Good fit. {why}").format(why=localized(situation, "why"))
    return False, _("{technique} can help in general, but look again at this situation: where is the "
                    "feeling (body, thoughts, action), and how much time is there?").format(
                        technique=technique_name(pick))


def technique(key: str) -> str:
    """A technique's name and what it means, in the current language."""
    return i18n.pick({"en": TECHNIQUES[key], "zh-CN": TECHNIQUES_ZH.get(key, "")})


def technique_name(key: str) -> str:
    """'anger' -> 'Anger control' (制怒术)."""
    return technique(key).replace("：", ":").split(":")[0]


class TechniqueMatcher:
    """A situation, six technique buttons and feedback; :meth:`pick` does what a button does."""

    def __init__(self, situations: tuple[Situation, ...] = SITUATIONS):
        import ipywidgets as w

        self.situations, self.index, self.score = situations, 0, 0
        self.prompt = w.HTML()
        self.buttons = [w.Button(description=_(BUTTONS[k]), tooltip=technique(k)) for k in TECHNIQUES]
        for key, b in zip(TECHNIQUES, self.buttons):
            b.on_click(lambda _b, key=key: self.pick(key))
        self.result = w.HTML()
        self.next = w.Button(description=_("Next situation"), icon="arrow-right")
        self.next.on_click(lambda _b: self.advance())
        self.box = w.VBox([self.prompt, w.HBox(self.buttons), self.result, self.next])
        self.box.add_class("academy-technique-matcher")
        self._show()

    def _show(self) -> None:
        s = self.situations[self.index]
        self.prompt.value = ("<b>" + _("Situation {i} of {n}").format(i=self.index + 1, n=len(self.situations))
                             + f"</b><br>{html.escape(localized(s, 'text'))}")
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
