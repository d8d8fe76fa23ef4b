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

from .. import datafiles
from ..datafiles import DataFileError, DataModel, Id, NonEmpty, RequiredText, Text, report
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
    """Check parsed YAML against the scorecards; raises :class:`ScenarioError`."""
    lib = datafiles.validate(ScenarioLibrary, data, source, ScenarioError, {"cards": cards})
    return {s.id: s for s in lib.scenarios}


def load_scenarios(path: str | Path | None = None,
                   cards: Mapping[str, Scorecard] | None = None) -> dict[str, Scenario]:
    """Every scenario card by id, checked against the scorecards."""
    path = Path(path) if path else SCENARIO_FILE
    data = datafiles.read(path, ScenarioError)
    return parse_scenarios(data, cards if cards is not None else load_scorecards(), path.name)


def brief_html(s: Scenario, role: str = "all") -> str:
    """The card as HTML: ``role='agent'`` hides what the caller hides; ``'all'`` shows everything."""
    from html import escape as e

    rows = [("Who", s.persona), ("Wants", s.wants)]
    if role != "agent":
        rows.append(("Hides until asked well", s.hides))
    rows += [("What you know (agent/coach)", s.agent_brief), ("Opening line", f"“{s.opening}”")]
    if role != "agent" and s.caller_notes:
        rows.append(("How to play the caller", s.caller_notes))
    body = "".join(f"<tr><th style='text-align:left;vertical-align:top;padding-right:1em'>"
                   f"{e(k)}</th><td style='text-align:left'>{e(v)}</td></tr>" for k, v in rows)
    return (f"<div class='rp-scenario-card'><b>{e(s.title)}</b> · {e(s.direction)} · "
            f"difficulty: {e(s.difficulty)} · scored on <code>{e(s.scorecard)}</code>"
            f"<table>{body}</table></div>")
