"""The role-play scenario library: cards that tell two people what to play and what to score.

Each card (``datasets/roleplay/scenarios.yaml``) gives the caller's or team member's persona,
what they want, what they hide until asked well, what the agent or coach knows beforehand, a
difficulty, the scorecard that rates it and the scorecard items it exercises. The file's format
is :class:`ScenarioLibrary` (pydantic); loading checks every card against its scorecard, so a
renamed item cannot leave a card pointing at nothing, and lists every problem at once.
"""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal, Mapping

from pydantic import ValidationInfo, model_validator

from .. import datafiles, i18n
from ..datafiles import DataFileError, DataModel, Id, NonEmpty, RequiredText, Text, report
from ..i18n import N_, _
from ..paths import DATASETS
from .scorecard import Scorecard, load_scorecards

SCENARIO_FILE = DATASETS / "roleplay" / "scenarios.yaml"


class ScenarioError(DataFileError):
    """A scenario file that cannot be used: one ``file: location: problem`` line per problem."""


class Scenario(DataModel):
    """One scenario card, as written in the file."""

    id: Id
    title: RequiredText
    track: Literal["agent", "leadership"]
    scorecard: RequiredText  # a scorecard id (the latest version is used)
    direction: Literal["inbound", "outbound", "coaching"]
    difficulty: Literal["easy", "medium", "hard"]
    persona: RequiredText
    wants: RequiredText
    hides: RequiredText
    agent_brief: RequiredText
    opening: RequiredText
    exercises: Annotated[tuple[RequiredText, ...], NonEmpty]  # scorecard item ids
    caller_notes: Text = ""

    @property
    def label(self) -> str:
        return f"{self.title} ({self.difficulty})"

    @model_validator(mode="after")
    def _scorecard_and_items_exist(self, info: ValidationInfo) -> "Scenario":
        cards: Mapping[str, Scorecard] | None = (info.context or {}).get("cards")
        if cards is None:  # built in code, not read from the file: nothing to check against
            return self
        card = cards.get(self.scorecard)
        if card is None:
            have = ", ".join(sorted(k for k in cards if ".v" not in k))
            report([(("scorecard",), f"no scorecard {self.scorecard!r} (have {have})")])
        report(((("exercises", n), f"{e!r} is not an item of scorecard {card.key}")
                for n, e in enumerate(self.exercises) if e not in card.all_ids))
        return self


class ScenarioLibrary(DataModel):
    """The scenario file: ``datasets/roleplay/scenarios.yaml``."""

    unique_ids = (("scenarios[].id",),)

    scenarios: Annotated[tuple[Scenario, ...], NonEmpty]


def parse_scenarios(data: Any, cards: Mapping[str, Scorecard],
                    source: str = "<scenarios>") -> dict[str, Scenario]:
    """Check parsed YAML against the scorecards; raises :class:`ScenarioError`. The cards' texts
    are in the current language (``x`` or its Chinese ``x_zh``, see :func:`grader.i18n.localize`)."""
    lib = datafiles.validate(ScenarioLibrary, i18n.localize(data), source, ScenarioError, {"cards": cards})
    return {s.id: s for s in lib.scenarios}


def load_scenarios(path: str | Path | None = None,
                   cards: Mapping[str, Scorecard] | None = None) -> dict[str, Scenario]:
    """Every scenario card by id, checked against the scorecards."""
    path = Path(path) if path else SCENARIO_FILE
    data = datafiles.read(path, ScenarioError)
    return parse_scenarios(data, cards if cards is not None else load_scorecards(), path.name)


# What a learner reads for a card's direction and difficulty
WORDS = {"inbound": N_("inbound"), "outbound": N_("outbound"), "coaching": N_("coaching"),
         "easy": N_("easy"), "medium": N_("medium"), "hard": N_("hard")}


def word(value: str) -> str:
    return _(WORDS[value]) if value in WORDS else value


def brief_html(s: Scenario, role: str = "all") -> str:
    """The card as HTML: ``role='agent'`` hides what the caller hides; ``'all'`` shows everything."""
    from html import escape as e

    rows = [(_("Who"), s.persona), (_("Wants"), s.wants)]
    if role != "agent":
        rows.append((_("Hides until asked well"), s.hides))
    rows += [(_("What you know (agent/coach)"), s.agent_brief), (_("Opening line"), f"“{s.opening}”")]
    if role != "agent" and s.caller_notes:
        rows.append((_("How to play the caller"), s.caller_notes))
    body = "".join(f"<tr><th style='text-align:left;vertical-align:top;padding-right:1em'>"
                   f"{e(k)}</th><td style='text-align:left'>{e(v)}</td></tr>" for k, v in rows)
    about = _("{direction} · difficulty: {difficulty} · scored on {scorecard}").format(
        direction=e(word(s.direction)), difficulty=e(word(s.difficulty)),
        scorecard=f"<code>{e(s.scorecard)}</code>")
    return f"<div class='rp-scenario-card'><b>{e(s.title)}</b> · {about}<table>{body}</table></div>"
