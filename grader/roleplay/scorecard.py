"""Role-play scorecards: load and validate them from YAML, and score a filled-in card.

A scorecard is data (``datasets/scorecards/<id>.v<version>.yaml``): sections of items whose
weights add up to 100, each item on a scale (``yes_no`` or ``0-3``) and, where the card allows
it, N/A. N/A items drop out and the remaining weights are scaled back up to 100, so an agent is
not punished for a hold they never needed. *Critical* items carry no weight: if one happened
(leaking customer information, arguing with or mocking a customer) the whole call fails and
scores 0, while the score it would otherwise have earned is kept as ``raw_total`` for coaching.
The file's format is :class:`ScorecardFile` (pydantic); loading reports every problem in a file
together, each with its location, so a trainer editing a card can fix it in one pass.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal, Mapping

import yaml
from pydantic import BeforeValidator, Field, model_validator

from .. import datafiles, i18n
from ..datafiles import (DataFileError, DataModel, Flag, Id, NonEmpty, Number, RequiredText,
                         Text, Whole, report)
from ..i18n import _
from ..paths import DATASETS

SCORECARD_DIR = DATASETS / "scorecards"
NA = "na"
PASS, FAIL = "pass", "fail"
FILE_RE = re.compile(r"^(?P<id>[a-z][a-z0-9_-]*)\.v(?P<version>\d+)\.ya?ml$")


class ScorecardError(DataFileError):
    """A scorecard file that cannot be used: one ``file: location: problem`` line per problem."""


class IncompleteCard(ValueError):
    """A filled-in card with items still unanswered (listed in ``missing``)."""

    def __init__(self, missing: list[str]):
        self.missing = missing
        super().__init__(_("Not saved: still to score: {items}").format(items="; ".join(missing)))


@dataclass(frozen=True)
class Scale:
    """The answers an item accepts, with the share of the item's weight each one earns."""

    name: str
    options: tuple[str, ...]          # in display order, N/A excluded
    points: Mapping[str, float]       # option -> share of the weight, 0..1
    labels: Mapping[str, str]         # option -> what it means (from the card)

    def steps(self, value: str) -> int:
        """Position of an option on the scale (0 = lowest), for 'how far apart' questions."""
        return sorted(self.options, key=lambda o: self.points[o]).index(value)


BUILTIN_SCALES: dict[str, tuple[tuple[str, ...], dict[str, float]]] = {
    "yes_no": (("yes", "no"), {"yes": 1.0, "no": 0.0}),
    "0-3": (("0", "1", "2", "3"), {"0": 0.0, "1": 1 / 3, "2": 2 / 3, "3": 1.0}),
}


@dataclass(frozen=True)
class Item:
    id: str
    text: str
    weight: float
    scale: Scale
    na: bool = False
    na_when: str = ""
    anchors: Mapping[str, str] = field(default_factory=dict)
    standards: tuple[str, ...] = ()
    section: str = ""

    def options(self) -> tuple[str, ...]:
        """Answers a rater may give, N/A last when the card allows it."""
        return self.scale.options + ((NA,) if self.na else ())


@dataclass(frozen=True)
class CriticalItem:
    """Something that must never happen on a call; answered ``pass`` (did not) or ``fail``."""

    id: str
    text: str
    standards: tuple[str, ...] = ()


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    items: tuple[Item, ...]

    @property
    def weight(self) -> float:
        return sum(i.weight for i in self.items)


@dataclass(frozen=True)
class Scorecard:
    id: str
    version: int
    title: str
    track: str
    description: str
    pass_mark: float
    sections: tuple[Section, ...]
    critical: tuple[CriticalItem, ...]
    source: str = ""

    @property
    def items(self) -> tuple[Item, ...]:
        return tuple(i for s in self.sections for i in s.items)

    def item(self, item_id: str) -> Item:
        for i in self.items:
            if i.id == item_id:
                return i
        raise KeyError(f"{self.id} v{self.version} has no item {item_id!r}")

    @property
    def all_ids(self) -> list[str]:
        return [i.id for i in self.items] + [c.id for c in self.critical]

    @property
    def key(self) -> str:
        return f"{self.id}.v{self.version}"

    def to_frame(self):
        """The card as a table (section, item, points, scale, N/A allowed), critical items last."""
        import pandas as pd

        def pts(w: float) -> int | float:  # 5, not 5.0
            return int(w) if float(w).is_integer() else w

        rows = [{"section": s.title, "item": i.text, "points": pts(i.weight),
                 "scale": _("yes / no") if i.scale.name == "yes_no" else "0 1 2 3",
                 "N/A allowed when": i.na_when if i.na else ""}
                for s in self.sections for i in s.items]
        rows += [{"section": _("CRITICAL (fails the call)"), "item": c.text, "points": 0,
                  "scale": _("happened / not"), "N/A allowed when": ""} for c in self.critical]
        return pd.DataFrame(rows)

    def show(self):
        """The card for a lesson page: every item's full text (no '…' cut), points as whole numbers."""
        columns = {"section": _("section"), "item": _("item"), "points": _("points"), "scale": _("scale"),
                   "N/A allowed when": _("N/A allowed when")}
        return (self.to_frame().rename(columns=columns).style.hide(axis="index")
                .set_properties(subset=[columns["item"], columns["N/A allowed when"]],
                                **{"white-space": "normal", "text-align": "left"})
                .set_table_styles([{"selector": "th", "props": [("text-align", "left")]}]))


@dataclass(frozen=True)
class Result:
    """The score of one filled-in card."""

    total: float                 # 0..100; 0 when a critical item failed
    raw_total: float             # 0..100 before the critical rule
    critical_failed: bool
    failed_critical: tuple[str, ...]
    sections: Mapping[str, float | None]   # section id -> 0..100, None when all N/A
    passed: bool
    earned: float = 0.0          # card points earned on the items scored (weights add to 100)
    possible: float = 0.0        # card points those items were worth (N/A and unanswered left out)


# --------------------------------------------------------------------------- the file
def _one_or_many(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


def _no_weight(value: Any) -> None:
    raise ValueError("critical items carry no weight: if one happens the whole call fails")


StandardIds = Annotated[tuple[RequiredText, ...], BeforeValidator(_one_or_many)]  # one id or a list
ScaleName = Literal["yes_no", "0-3"]


class ItemEntry(DataModel):
    """An item as written in the file (``scale`` by name, ``standard`` one id or a list)."""

    id: Id
    text: RequiredText
    weight: Annotated[Number, Field(gt=0)]
    scale: ScaleName
    na: Flag = False
    na_when: Text = ""
    anchors: dict[str, Text] = {}
    standard: StandardIds = ()

    @model_validator(mode="after")
    def _anchors_are_options_of_the_scale(self) -> "ItemEntry":
        options = BUILTIN_SCALES[self.scale][0]
        report((("anchors", k), f"{k!r} is not an option of scale {self.scale} ({', '.join(options)})")
               for k in self.anchors if k not in options)
        return self


class SectionEntry(DataModel):
    id: Id
    title: Text = ""
    items: Annotated[tuple[ItemEntry, ...], NonEmpty]


class CriticalEntry(DataModel):
    id: Id
    text: RequiredText
    standard: StandardIds = ()
    weight: Annotated[None, BeforeValidator(_no_weight)] = None  # refused with a reason


class ScorecardFile(DataModel):
    """A scorecard file: ``datasets/scorecards/<id>.v<version>.yaml``."""

    unique_ids = (("sections[].id",), ("sections[].items[].id", "critical[].id"))

    id: Id
    version: Annotated[Whole, Field(ge=1)]
    title: RequiredText
    track: Literal["agent", "leadership"] = "agent"
    description: Text = ""
    pass_mark: Annotated[Number, Field(ge=0, le=100)] = 80
    scales: dict[ScaleName, dict[str, Text]] = {}  # the card's wording for each option
    sections: Annotated[tuple[SectionEntry, ...], NonEmpty]
    critical: tuple[CriticalEntry, ...] = ()

    @model_validator(mode="after")
    def _labels_name_options_and_weights_add_up_to_100(self) -> "ScorecardFile":
        found = [(("scales", name, k), f"{k!r} is not an option of scale {name} "
                                       f"({', '.join(BUILTIN_SCALES[name][0])})")
                 for name, labels in self.scales.items() for k in labels
                 if k not in BUILTIN_SCALES[name][0]]
        weights = {s.id: sum(i.weight for i in s.items) for s in self.sections}
        total = sum(weights.values())
        if abs(total - 100) > 1e-6:
            parts = ", ".join(f"{sid} {w:g}" for sid, w in weights.items())
            found.append((("sections",), f"item weights add up to {total:g}, not 100 ({parts})"))
        report(found)
        return self

    def card(self, source: str = "") -> Scorecard:
        """The scorecard the course works with (scales resolved, each item knowing its section)."""
        scales = {name: Scale(name, options, points, dict(self.scales.get(name, {})))
                  for name, (options, points) in BUILTIN_SCALES.items()}
        sections = tuple(
            Section(s.id, s.title or s.id, tuple(
                Item(i.id, i.text, i.weight, scales[i.scale], i.na, i.na_when, dict(i.anchors),
                     i.standard, s.id) for i in s.items))
            for s in self.sections)
        critical = tuple(CriticalItem(c.id, c.text, c.standard) for c in self.critical)
        return Scorecard(self.id, self.version, self.title, self.track, self.description,
                         self.pass_mark, sections, critical, source)


# --------------------------------------------------------------------------- loading
def parse_scorecard(data: Any, source: str = "<scorecard>") -> Scorecard:
    """Check a scorecard given as parsed YAML; raises :class:`ScorecardError` listing problems.
    Its texts are in the current language (``x`` or its Chinese ``x_zh``, see
    :func:`grader.i18n.localize`)."""
    return datafiles.validate(ScorecardFile, i18n.localize(data), source, ScorecardError).card(source)


def load_scorecard(path: str | Path) -> Scorecard:
    """Load and check one scorecard file; its name must be ``<id>.v<version>.yaml``."""
    path = Path(path)
    card = parse_scorecard(datafiles.read(path, ScorecardError), path.name)
    m = FILE_RE.match(path.name)
    if not m or m["id"] != card.id or int(m["version"]) != card.version:
        raise ScorecardError(path.name, [
            f"file name must be '{card.id}.v{card.version}.yaml' to match its id and version"])
    return card


def load_scorecards(folder: str | Path | None = None) -> dict[str, Scorecard]:
    """Every scorecard in a folder, keyed ``"<id>.v<version>"`` (and the latest also by ``id``)."""
    folder = Path(folder) if folder else SCORECARD_DIR
    cards: dict[str, Scorecard] = {}
    for path in sorted(folder.glob("*.y*ml")):
        card = load_scorecard(path)
        cards[card.key] = card
    for card in sorted(cards.values(), key=lambda c: c.version):
        cards[card.id] = card
    if not cards:
        raise FileNotFoundError(f"No scorecards (*.yaml) in {folder}")
    return cards


def check_standards(card: Scorecard, standard_ids: set[str]) -> list[str]:
    """Items whose ``standard`` is not in the course's list of service standards."""
    refs = [(i.id, i.standards) for i in card.items] + [(c.id, c.standards) for c in card.critical]
    return [f"{card.key}: item '{iid}' refers to unknown standard '{std}'"
            for iid, stds in refs for std in stds if std not in standard_ids]


def service_standard_ids(path: str | Path | None = None) -> set[str]:
    """Ids in ``datasets/service_standards.yaml`` (empty when the file is absent)."""
    path = Path(path) if path else DATASETS / "service_standards.yaml"
    if not path.exists():
        return set()
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {str(s["id"]) for s in data.get("standards", []) if isinstance(s, dict) and "id" in s}


# --------------------------------------------------------------------------- scoring
def missing(card: Scorecard, answers: Mapping[str, str]) -> list[str]:
    """Human-readable names of everything still unanswered or answered with a wrong option.

    Once a critical item is marked as *happened*, the call fails whatever else is answered, so
    unanswered items are no longer required; an answer that is not one of the options still is.
    """
    failed = any(_norm(answers.get(c.id)) == FAIL for c in card.critical)
    out = []
    for s in card.sections:
        for i in s.items:
            v = _norm(answers.get(i.id))
            if v is None:
                if not failed:
                    out.append(_("{section}: {item}").format(section=s.title, item=i.text))
            elif v not in i.options():
                out.append(_("{section}: {item} (answer {answer} is not one of {options})").format(
                    section=s.title, item=i.text, answer=repr(v), options=", ".join(i.options())))
    for c in card.critical:
        v = _norm(answers.get(c.id))
        if v not in (PASS, FAIL) and not (failed and v is None):
            out.append(_("Critical: {item}").format(item=c.text))
    return out


def _norm(v: Any) -> str | None:
    if v is None or (isinstance(v, str) and not v.strip()):
        return None
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    s = str(v).strip().lower()
    return {"n/a": NA, "n.a.": NA}.get(s, s)


def normalise(card: Scorecard, answers: Mapping[str, Any]) -> dict[str, str]:
    """Answers as the canonical option strings ('yes', '2', 'na', 'pass', ...)."""
    unknown = sorted(set(answers) - set(card.all_ids))
    if unknown:
        raise KeyError(f"{card.key} has no item(s) {unknown}")
    return {k: v for k, v in ((k, _norm(v)) for k, v in answers.items()) if v is not None}


def item_points(item: Item, value: str) -> float | None:
    """Share of the item's weight earned (0..1); None for N/A."""
    return None if value == NA else item.scale.points[value]


def _tally(card: Scorecard, answers: Mapping[str, str]) -> tuple[float, float, dict]:
    """Card points earned and possible over the answered, applicable items, and each section's %."""
    earned = possible = 0.0
    sections: dict[str, float | None] = {}
    for s in card.sections:
        s_earned = s_possible = 0.0
        for i in s.items:
            v = answers.get(i.id)
            if v not in i.options() or v == NA:
                continue
            s_earned += i.scale.points[v] * i.weight
            s_possible += i.weight
        sections[s.id] = 100 * s_earned / s_possible if s_possible else None
        earned += s_earned
        possible += s_possible
    return earned, possible, sections


def _result(card: Scorecard, answers: Mapping[str, str]) -> Result:
    earned, possible, sections = _tally(card, answers)
    raw = round(100 * earned / possible, 2) if possible else 0.0
    failed = tuple(c.id for c in card.critical if answers.get(c.id) == FAIL)
    total = 0.0 if failed else raw
    return Result(total, raw, bool(failed), failed, sections,
                  passed=not failed and total >= card.pass_mark,
                  earned=round(earned, 2), possible=round(possible, 2))


def score(card: Scorecard, answers: Mapping[str, Any]) -> Result:
    """Score a complete card; raises :class:`IncompleteCard` naming what is missing.

    A card with a critical item marked *happened* is complete as it stands: the total is 0, and
    ``raw_total`` covers only the items that were scored.
    """
    answers = normalise(card, answers)
    gaps = missing(card, answers)
    if gaps:
        raise IncompleteCard(gaps)
    res = _result(card, answers)
    if res.possible == 0 and not res.critical_failed:
        raise IncompleteCard(["every scored item is N/A: score at least one item"])
    return res


def partial_score(card: Scorecard, answers: Mapping[str, Any]) -> Result:
    """The score so far, counting only answered items (for a live total while scoring).

    ``earned`` of ``possible`` card points is what the rater has seen so far; ``total`` rescales
    that to 100 and is an extrapolation until the card is complete.
    """
    return _result(card, normalise(card, answers))
