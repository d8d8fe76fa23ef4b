"""Staffing explorer (Module 3): sliders for calls, AHT and target; Erlang C results and a plot.

:func:`explore` computes, for one half-hour, the agents needed for the target and a table of
service level, ASA and occupancy for each number of agents around it (all from
:mod:`grader.staffing`). :class:`StaffingExplorer` wires sliders to it and plots service level
against agents, which shows why the last few agents added buy so much service.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..i18n import _
from ..staffing import Staffing, agents_needed, scheduled_staff, staffing_table, traffic_intensity


@dataclass(frozen=True)
class Exploration:
    traffic: float
    needed: int
    scheduled: int
    rows: list[Staffing]


def explore(calls: float, aht_s: float, target_sl: float = 0.8, target_s: float = 20,
            shrinkage: float = 0.3, extra: int = 8) -> Exploration:
    """Erlang C figures for one half-hour: needed agents, scheduled headcount, and a table."""
    needed = agents_needed(calls, aht_s, target_sl, target_s)
    return Exploration(traffic_intensity(calls, aht_s), needed, scheduled_staff(needed, shrinkage),
                       staffing_table(calls, aht_s, target_s, extra=max(extra, needed - int(traffic_intensity(calls, aht_s)) + 2)))


class StaffingExplorer:
    """Sliders (calls per half-hour, AHT, target, shrinkage) -> results text and a plot."""

    def __init__(self, calls: int = 100, aht_s: int = 180, target_pct: int = 80, target_s: int = 20,
                 shrinkage_pct: int = 30):
        import ipywidgets as w

        style = {"description_width": "170px"}
        lay = w.Layout(width="480px")
        self.calls = w.IntSlider(calls, 5, 400, description=_("Calls per half-hour"), style=style, layout=lay)
        self.aht = w.IntSlider(aht_s, 60, 900, step=10, description=_("AHT (seconds)"), style=style, layout=lay)
        self.target = w.IntSlider(target_pct, 50, 95, step=5, description=_("Target % answered"), style=style,
                                  layout=lay)
        self.within = w.IntSlider(target_s, 5, 60, step=5, description=_("… within (seconds)"), style=style,
                                  layout=lay)
        self.shrink = w.IntSlider(shrinkage_pct, 0, 50, step=5, description=_("Shrinkage %"), style=style,
                                  layout=lay)
        self.text = w.HTML()
        self.plot = w.Output()
        for s in (self.calls, self.aht, self.target, self.within, self.shrink):
            s.observe(lambda _c: self.update(), names="value")
        self.box = w.VBox([self.calls, self.aht, self.target, self.within, self.shrink, self.text, self.plot])
        self.update()

    def update(self) -> Exploration:
        e = explore(self.calls.value, self.aht.value, self.target.value / 100, self.within.value,
                    self.shrink.value / 100)
        bold = ' style="font-weight:bold"'
        rows = "".join(
            f"<tr{bold if r.agents == e.needed else ''}><td>{r.agents}</td>"
            f"<td>{r.service_level:.1%}</td><td>{r.asa_s:.1f} s</td><td>{r.occupancy:.0%}</td></tr>"
            for r in e.rows)
        head = _("Workload: {erlangs} · agents needed on the phones: {needed} · to schedule with "
                 "{shrinkage} shrinkage: {scheduled}").format(
            erlangs="<b>" + _("{traffic} Erlangs").format(traffic=f"{e.traffic:.1f}") + "</b>",
            needed=f"<b>{e.needed}</b>", shrinkage=f"{self.shrink.value}%", scheduled=f"<b>{e.scheduled}</b>")
        cols = "".join(f"<th>{c}</th>" for c in (_("agents"), _("service level"), _("ASA"), _("occupancy")))
        self.text.value = f"{head}<table><tr>{cols}</tr>{rows}</table>"
        self._draw(e)
        return e

    def _draw(self, e: Exploration) -> None:
        import matplotlib.pyplot as plt

        self.plot.clear_output(wait=True)
        with self.plot:
            fig, ax = plt.subplots(figsize=(6, 3))
            ax.plot([r.agents for r in e.rows], [100 * r.service_level for r in e.rows], marker="o")
            ax.axhline(self.target.value, color="grey", linestyle="--", label=_("target"))
            ax.axvline(e.needed, color="green", linestyle=":", label=_("needed"))
            ax.set_xlabel(_("agents on the phones"))
            ax.set_ylabel(_("% answered in {seconds} s").format(seconds=self.within.value))
            ax.set_ylim(0, 100)
            ax.legend(loc="lower right")
            plt.show()
            plt.close(fig)

    def _ipython_display_(self):
        from IPython.display import display

        display(self.box)
