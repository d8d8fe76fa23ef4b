"""The role-play scenario library: cards that tell two people what to play and what to score.

Each card (``datasets/roleplay/scenarios.yaml``) gives the caller's or team member's persona,
what they want, what they hide until asked well, what the agent or coach knows beforehand, a
difficulty, the scorecard that rates it and the scorecard items it exercises. Loading checks
every card against its scorecard, so a renamed item cannot leave a card pointing at nothing.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import yaml

from .. import i18n
from ..i18n import N_, _
from ..paths import DATASETS
from .scorecard import ID_RE, Scorecard, load_scorecards

SCENARIO_FILE = DATASETS / "roleplay" / "scenarios.yaml"
DIFFICULTIES = ("easy", "medium", "hard")
DIRECTIONS = ("inbound", "outbound", "coaching")
TRACKS = ("agent", "leadership")
REQUIRED = ("id", "title", "track", "scorecard", "direction", "difficulty", "persona", "wants",
            "hides", "agent_brief", "opening", "exercises")
OPTIONAL = ("caller_notes",)


class ScenarioError(ValueError):
    """A scenario file that cannot be used, with every problem listed."""

    def __init__(self, source: str, problems: list[str]):
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"Scenario file {source} has {len(problems)} problem(s):\n{lines}")


@dataclass(frozen=True)
class Scenario:
    id: str
    title: str
    track: str
    scorecard: str
    direction: str
    difficulty: str
    persona: str
    wants: str
    hides: str
    agent_brief: str
    opening: str
    exercises: tuple[str, ...]
    caller_notes: str = ""

    @property
    def label(self) -> str:
        return f"{self.title} ({self.difficulty})"


def _text(v: Any) -> str:
    return " ".join(str(v).split()) if v is not None else ""


def parse_scenarios(data: Any, cards: Mapping[str, Scorecard],
                    source: str = "<scenarios>") -> dict[str, Scenario]:
    """Validate parsed YAML against the scorecards; raises :class:`ScenarioError`."""
    problems: list[str] = []
    raw = data.get("scenarios") if isinstance(data, dict) else None
    if not isinstance(raw, list) or not raw:
        raise ScenarioError(source, ["the file needs a non-empty list under 'scenarios:'"])
    out: dict[str, Scenario] = {}
    for n, card in enumerate(raw, 1):
        where = f"scenario {n}"
        if not isinstance(card, dict):
            problems.append(f"{where}: must be a mapping")
            continue
        sid = str(card.get("id", ""))
        where = f"scenario '{sid}'" if sid else where
        before = len(problems)
        for key in REQUIRED:
            if key not in card or card[key] in (None, "", []):
                problems.append(f"{where}: missing '{key}'")
        unknown = sorted(set(card) - set(REQUIRED) - set(OPTIONAL))
        if unknown:
            problems.append(f"{where}: unknown field(s) {unknown} (check the spelling)")
        if sid and not ID_RE.match(sid):
            problems.append(f"{where}: id must be lower-case letters, digits, '-' or '_'")
        if sid in out:
            problems.append(f"{where}: id used twice")
        for key, allowed in (("difficulty", DIFFICULTIES), ("direction", DIRECTIONS),
                             ("track", TRACKS)):
            if key in card and card[key] not in allowed:
                problems.append(f"{where}: {key} must be one of {', '.join(allowed)}, "
                                f"got {card[key]!r}")
        sc = cards.get(str(card.get("scorecard", "")))
        if "scorecard" in card and sc is None:
            problems.append(f"{where}: no scorecard {card['scorecard']!r} "
                            f"(have {', '.join(sorted(k for k in cards if '.v' not in k))})")
        exercises = card.get("exercises") or []
        if not isinstance(exercises, list):
            problems.append(f"{where}: exercises must be a list of scorecard item ids")
            exercises = []
        if sc is not None:
            bad = [e for e in exercises if e not in sc.all_ids]
            if bad:
                problems.append(f"{where}: exercises {bad} are not items of scorecard {sc.key}")
        if len(problems) == before:
            out[sid] = Scenario(
                **{k: _text(card[k]) for k in REQUIRED if k != "exercises"},
                exercises=tuple(str(e) for e in exercises),
                caller_notes=_text(card.get("caller_notes")))
    if problems:
        raise ScenarioError(source, problems)
    return out


def load_scenarios(path: str | Path | None = None,
                   cards: Mapping[str, Scorecard] | None = None) -> dict[str, Scenario]:
    """Every scenario card by id, checked against the scorecards."""
    path = Path(path) if path else SCENARIO_FILE
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ScenarioError(str(path), ["file not found"]) from None
    except yaml.YAMLError as e:
        raise ScenarioError(path.name, [f"is not valid YAML: {e}"]) from None
    return parse_scenarios(i18n.localize(data),  # texts in the current language
                           cards if cards is not None else load_scorecards(), path.name)


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
