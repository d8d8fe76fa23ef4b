"""Competency-gap analysis: an agent's ratings against what a role requires, as a table and a chart.

Module 5 compares one person's competency ratings (1-5, ``competency_ratings.csv``) with the
levels a target role asks for (``competency_requirements.csv``). :func:`gap_table` does the
arithmetic (a *gap* counts only where the rating falls short; a surplus elsewhere does not make
up for it), :func:`required_vs_current` draws the two profiles side by side without judging
them, and :class:`GapExplorer` lets a learner pick a person and a role in a lesson.
"""
from __future__ import annotations

from typing import Any

from ..i18n import N_, _, ngettext

# What a learner reads for the competency and role ids of the data (other ids: '_' -> ' ').
WORDS = {"qa_trainer": N_("QA / trainer"), "qa": N_("QA"), "kpi": N_("KPI"),
         "case_analysis": N_("case analysis"), "coaching": N_("coaching"),
         "communication": N_("communication"), "coordination": N_("coordination"),
         "customer_focus": N_("customer focus"), "data_analysis": N_("data analysis"),
         "planning": N_("planning"), "product_knowledge": N_("product knowledge"),
         "stress_tolerance": N_("stress tolerance"), "data_specialist": N_("data specialist"),
         "senior_agent": N_("senior agent"), "team_leader": N_("team leader")}


def words(identifier: str) -> str:
    """What a learner reads for a data id: 'case_analysis' -> 'case analysis', 'qa_trainer' -> 'QA / trainer'."""
    return _(WORDS[identifier]) if identifier in WORDS else str(identifier).replace("_", " ")


def compare(requirements, ratings, employee_id: str, role: str):
    """One row per competency: ``competency``, ``required`` and ``current`` levels."""
    req = requirements[requirements["role"] == role]
    if req.empty:
        roles = ", ".join(sorted(requirements["role"].unique()))
        raise ValueError(f"No requirements for role {role!r}; roles: {roles}")
    mine = ratings[ratings["employee_id"] == employee_id]
    if mine.empty:
        raise ValueError(f"No ratings for {employee_id!r}")
    out = req[["competency", "required_level"]].merge(
        mine[["competency", "rating"]], on="competency", how="left")
    missing = out[out["rating"].isna()]["competency"].tolist()
    if missing:
        raise ValueError(f"{employee_id} has no rating for: {', '.join(missing)}")
    out = out.rename(columns={"required_level": "required", "rating": "current"})
    out["current"] = out["current"].astype(int)
    return out.reset_index(drop=True)


def gap_table(requirements, ratings, employee_id: str, role: str):
    """:func:`compare` plus ``gap`` (shortfall, never negative) and ``surplus``, biggest gap first."""
    t = compare(requirements, ratings, employee_id, role)
    t["gap"] = (t["required"] - t["current"]).clip(lower=0)
    t["surplus"] = (t["current"] - t["required"]).clip(lower=0)
    return t.sort_values(["gap", "competency"], ascending=[False, True], kind="stable").reset_index(drop=True)


def required_vs_current(table, ax: Any = None, title: str = ""):
    """Horizontal bars of required and current level per competency (no verdict drawn)."""
    import matplotlib.pyplot as plt

    if ax is None:
        _fig, ax = plt.subplots(figsize=(7, 0.45 * len(table) + 1.2))
    y = range(len(table))
    ax.barh([i + 0.2 for i in y], table["required"], height=0.4, label=_("required"), color="#9aa5b1")
    ax.barh([i - 0.2 for i in y], table["current"], height=0.4, label=_("current"), color="#2f6db5")
    ax.set_yticks(list(y))
    ax.set_yticklabels([words(c) for c in table["competency"]])
    ax.invert_yaxis()
    ax.set_xlim(0, 5.5)
    ax.set_xlabel(_("level (1 = basic, 5 = expert)"))
    ax.legend(loc="lower right")
    if title:
        ax.set_title(title)
    return ax


class GapExplorer:
    """Pick a person and a role; see the gap table and the two profiles."""

    def __init__(self, requirements, ratings, roster=None, exclude: tuple[str, ...] = ()):
        """``exclude``: people left out of the list (e.g. the one a graded exercise is about)."""
        import ipywidgets as w

        self.requirements, self.ratings = requirements, ratings
        names = {}
        if roster is not None:
            names = dict(zip(roster["employee_id"], roster["name"]))
        people = sorted(p for p in ratings["employee_id"].unique() if p not in set(exclude))
        self.person = w.Dropdown(options=[(f"{p} {names.get(p, '')}".strip(), p) for p in people],
                                 description=_("Person"))
        self.role = w.Dropdown(options=[(words(r), r) for r in sorted(requirements["role"].unique())],
                               description=_("Role"))
        self.out = w.Output()
        for d in (self.person, self.role):
            d.observe(lambda _: self.refresh(), names="value")
        self.box = w.VBox([w.HBox([self.person, self.role]), self.out])
        self.refresh()

    def refresh(self) -> None:
        import matplotlib.pyplot as plt
        from IPython.display import display

        t = gap_table(self.requirements, self.ratings, self.person.value, self.role.value)
        self.out.clear_output(wait=True)
        with self.out:
            columns = {"competency": _("competency"), "required": _("required"), "current": _("current"),
                       "gap": _("gap"), "surplus": _("surplus")}
            display(t.assign(competency=t["competency"].map(words)).rename(columns=columns)
                    .style.hide(axis="index"))
            short = int((t['gap'] > 0).sum())
            print(ngettext("Total shortfall: {levels} level(s) in {n} competency",
                           "Total shortfall: {levels} level(s) in {n} competencies", short).format(
                               levels=int(t['gap'].sum()), n=short))
            required_vs_current(t, title=_("{person} vs {role}").format(person=self.person.value,
                                                                        role=words(self.role.value)))
            plt.show()

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.box)
