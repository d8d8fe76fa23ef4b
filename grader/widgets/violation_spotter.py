"""Violation spotter: the learner ticks the lines of a call transcript that break a service standard.

Transcripts and standards come from ``datasets/transcripts.json`` and
``datasets/service_standards.yaml`` (made by :mod:`grader.datasets.transcripts`); each line lists
the standard ids it ``breaks`` and ``follows``. :func:`mark` compares the ticked line numbers with
the annotated breaches and returns, per line, whether it was found, missed or a false alarm and
the explanation (the broken standard, its description and the annotator's note). Customer lines
cannot break an agent's standard, so only agent lines and notes (rings, holds, hanging up) can be
ticked. A missed critical breach (leaking customer information) is called out first.
:class:`ViolationSpotter` is the thin ipywidgets front end.
"""
from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from .. import i18n
from ..i18n import N_, _, ngettext

TICKABLE = ("Agent", "Note")
SPEAKERS = {"Agent": N_("Agent"), "Customer": N_("Customer"), "Note": N_("Note")}  # what a learner reads


@dataclass(frozen=True)
class LineVerdict:
    n: int
    speaker: str
    text: str
    status: str  # "found", "missed", "false-alarm", "correct-pass"
    breaks: tuple[str, ...]
    explanation: str
    critical: bool = False


@dataclass(frozen=True)
class SpotResult:
    transcript_id: str
    found: tuple[int, ...]
    missed: tuple[int, ...]
    false_alarms: tuple[int, ...]
    verdicts: tuple[LineVerdict, ...]  # every tickable line, in transcript order
    missed_critical: tuple[int, ...]

    @property
    def total(self) -> int:
        return len(self.found) + len(self.missed)

    @property
    def perfect(self) -> bool:
        return not self.missed and not self.false_alarms

    @property
    def message(self) -> str:
        if self.total == 0:
            if not self.false_alarms:
                return "✅ " + _("Right: this is a model call, and no line breaks a standard.")
            return _("This is a model call: no line breaks a standard, but you ticked {n}. See why each "
                     "one is fine below.").format(n=len(self.false_alarms))
        if self.perfect:
            return "✅ " + _("All {n} lines with a slip found, and no false alarms.").format(n=self.total)
        found = _("You found {found} of the {total} lines with a slip").format(
            found=len(self.found), total=self.total)
        if self.false_alarms:
            n = len(self.false_alarms)
            text = ngettext("{found}; {n} ticked line did nothing wrong.",
                            "{found}; {n} ticked lines did nothing wrong.", n).format(found=found, n=n)
        else:
            text = _("{found}.").format(found=found)
        if self.missed_critical:
            text = "⛔ " + i18n.join([_("You missed a critical breach (an automatic fail on a scorecard)."),
                                     text], "sentence")
        return text


def _describe(ids: Iterable[str], standards: Mapping[str, Mapping[str, Any]]) -> str:
    parts = []
    english = i18n.current_language() == i18n.DEFAULT  # the Chinese name beside the English title
    for sid in ids:
        st = standards.get(sid)
        if st is None:
            parts.append(_("standard {id} (not in service_standards.yaml: tell your trainer)").format(id=repr(sid)))
            continue
        title = f"{st['title']} ({st.get('zh', '')})" if english else st["title"]
        text = _("{title}: {description}").format(title=title, description=st["description"])
        if st.get("critical"):
            text = i18n.join([text, _("Critical: {consequence}").format(
                consequence=str(st.get("consequence", "")).strip())], "sentence")
        parts.append(text)
    return i18n.join(parts, "sentence")


def tickable_lines(transcript: Mapping[str, Any]) -> list[int]:
    """Line numbers the learner may tick (agent lines and notes)."""
    return [ln["n"] for ln in transcript["lines"] if ln["speaker"] in TICKABLE]


def mark(transcript: Mapping[str, Any], ticked: Iterable[int],
         standards: Mapping[str, Mapping[str, Any]]) -> SpotResult:
    """Compare ticked line numbers with the transcript's annotated breaches, line by line."""
    ticked = list(ticked)
    allowed = tickable_lines(transcript)
    bad = [n for n in ticked if n not in allowed]
    if bad:
        raise ValueError(f"Lines {bad} cannot be ticked in {transcript['id']}: only agent lines and "
                         f"notes can break a standard (tickable: {allowed}).")
    chosen = set(ticked)
    verdicts = []
    for ln in transcript["lines"]:
        if ln["speaker"] not in TICKABLE:
            continue
        n, breaks = ln["n"], tuple(ln.get("breaks") or ())
        critical = any(standards.get(b, {}).get("critical") for b in breaks)
        note = ln.get("note") or ""
        if breaks:
            status = "found" if n in chosen else "missed"
            why = i18n.join([_("Breaks: {standards}").format(standards=_describe(breaks, standards)), note],
                            "sentence")
        else:
            status = "false-alarm" if n in chosen else "correct-pass"
            follows = tuple(ln.get("follows") or ())
            why = i18n.join([_("Nothing wrong here. It follows: {standards}").format(
                standards=_describe(follows, standards)) if follows
                else _("Nothing wrong here: this line keeps to the standards."), note], "sentence")
        verdicts.append(LineVerdict(n, ln["speaker"], ln["text"], status, breaks, why, critical))
    pick = lambda s: tuple(v.n for v in verdicts if v.status == s)  # noqa: E731
    missed_critical = tuple(v.n for v in verdicts if v.status == "missed" and v.critical)
    return SpotResult(transcript["id"], pick("found"), pick("missed"), pick("false-alarm"),
                      tuple(verdicts), missed_critical)


STATUS = {
    "found": ("✅", "#e6f4ea", N_("Found")),
    "missed": ("❌", "#fdecea", N_("Missed")),
    "false-alarm": ("🟡", "#fff8e1", N_("Not a slip")),
    "correct-pass": ("·", "#f6f6f6", N_("Fine")),
}


def render_html(result: SpotResult, show_fine: bool = False) -> str:
    """Feedback: the summary, then each found, missed and wrongly ticked line with its explanation."""
    rows = []
    order = sorted(result.verdicts, key=lambda v: (not (v.critical and v.status == "missed"), v.n))
    for v in order:
        if v.status == "correct-pass" and not show_fine:
            continue
        icon, colour, label = STATUS[v.status]
        head = _("Line {n} · {status}").format(n=v.n, status=_(label))
        rows.append(
            f'<li class="academy-spot-verdict" data-line="{v.n}" data-status="{v.status}" '
            f'style="background:{colour};padding:6px 10px;margin:4px 0;border-radius:6px;list-style:none">'
            f"{icon} <b>{head}</b> "
            f"<q>{html.escape(v.text)}</q><br>{html.escape(v.explanation)}</li>")
    return (f'<div class="academy-spot-feedback" data-perfect="{str(result.perfect).lower()}" '
            f'style="font-family:sans-serif"><b>{html.escape(result.message)}</b>'
            f'<ul style="padding-left:0">{"".join(rows)}</ul></div>')


def render_nothing_ticked() -> str:
    """What 'Check my ticks' says before anything is ticked (no line is revealed)."""
    return ('<div class="academy-spot-feedback" data-perfect="false" style="font-family:sans-serif;'
            'background:#fff3e0;padding:8px 12px;border-radius:6px">✋ <b>' + _("Nothing ticked yet.") + "</b> "
            + _("Read the call again and tick each agent line or note where you think a standard is "
                "broken, then press {button}. The explanations appear once you have tried.").format(
                    button="<i>" + _("Check my ticks") + "</i>") + "</div>")


class ViolationSpotter:
    """Tick-boxes beside a transcript, a check button and per-line explanations.

    ``ViolationSpotter("T2")`` shows one transcript; ``ViolationSpotter()`` adds a chooser.
    """

    def __init__(self, transcript_id: str | None = None, *, transcripts: Mapping[str, Any] | None = None,
                 standards: Mapping[str, Any] | None = None):
        import ipywidgets as w

        from grader.datasets.transcripts import load_standards, load_transcripts

        self.w = w
        self.transcripts = dict(transcripts or load_transcripts())
        self.standards = dict(standards or load_standards())
        if transcript_id is not None and transcript_id not in self.transcripts:
            raise KeyError(f"No transcript {transcript_id!r}; choose one of {', '.join(self.transcripts)}")
        self.current = transcript_id or next(iter(self.transcripts))
        self.boxes: dict[int, Any] = {}
        self.lines = w.VBox()
        self.result = w.HTML("")
        self.result.add_class("academy-spot-result")
        self.button = w.Button(description=_("Check my ticks"), button_style="primary", icon="check",
                               layout=w.Layout(width="auto", min_width="160px"))
        self.button.add_class("academy-spot-check")
        self.button.on_click(lambda _b: self.check())
        self.show_fine = w.Checkbox(value=False, description=_("also explain the lines I left alone"), indent=False)
        self.show_fine.observe(lambda _c: self.check() if self.result.value else None, names="value")
        top = []
        if transcript_id is None:
            self.chooser = w.Dropdown(options=[(f"{k} · {t['title']}", k) for k, t in self.transcripts.items()],
                                      value=self.current, description=_("Call:"))
            self.chooser.observe(lambda c: self.show(c["new"]), names="value")
            top.append(self.chooser)
        self.header = w.HTML("")
        self.box = w.VBox(top + [self.header, self.lines, w.HBox([self.button, self.show_fine]), self.result])
        self.box.add_class("academy-violation-spotter")
        self.show(self.current)

    def show(self, transcript_id: str) -> None:
        w = self.w
        self.current = transcript_id
        t = self.transcripts[transcript_id]
        self.header.value = (f"<b>{html.escape(t['id'])} · {html.escape(t['title'])}</b><br>"
                             + _("Tick every agent line or note where a service standard is broken."))
        self.boxes, rows = {}, []
        for ln in t["lines"]:
            speaker = html.escape(_(SPEAKERS.get(ln["speaker"], ln["speaker"])))
            text = html.escape(ln["text"])
            label = (f"<i>[{text}]</i>" if ln["speaker"] == "Note" else f"<b>{speaker}:</b> {text}")
            html_line = w.HTML(f"{ln['n']}. {label}", layout=w.Layout(width="auto"))
            if ln["speaker"] in TICKABLE:
                cb = w.Checkbox(value=False, indent=False, layout=w.Layout(width="28px"))
                cb.add_class("academy-spot-line")
                self.boxes[ln["n"]] = cb
                rows.append(w.HBox([cb, html_line]))
            else:
                rows.append(w.HBox([w.HTML("", layout=w.Layout(width="28px")), html_line]))
        self.lines.children = rows
        self.result.value = ""

    def ticked(self) -> list[int]:
        return [n for n, cb in self.boxes.items() if cb.value]

    def check(self) -> SpotResult:
        ticked = self.ticked()
        res = mark(self.transcripts[self.current], ticked, self.standards)
        if not ticked and res.total:
            # nothing ticked: explaining every missed line would simply hand out the answers
            self.result.value = render_nothing_ticked()
        else:
            self.result.value = render_html(res, show_fine=self.show_fine.value)
        return res

    def _ipython_display_(self):
        from IPython.display import display

        display(self.box)
