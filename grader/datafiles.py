"""Data files that trainers edit: read them, check them with pydantic, report every problem at once.

Each file's format is a set of pydantic models next to the code that uses the file:

=====================================  ==================================  ====================
file                                   models in                           top-level model
=====================================  ==================================  ====================
datasets/scorecards/<id>.v<n>.yaml     grader/roleplay/scorecard.py        ``ScorecardFile``
datasets/roleplay/scenarios.yaml       grader/roleplay/scenarios.py        ``ScenarioLibrary``
datasets/tracks.yaml                   grader/tracks.py                    ``TrackManifest``
grader/widgets/phrase_rules.yaml       grader/widgets/phrase_checker.py    ``RulesFile``
grader/widgets/call_steps.yaml         grader/widgets/call_order.py        ``CallStepsFile``
grader/widgets/coaching_drills.yaml    grader/widgets/coaching_drills.py   ``CoachingDrills``
datasets/service_standards.yaml        grader/datasets/transcripts.py      ``StandardsFile``
datasets/transcripts.json              grader/datasets/transcripts.py      ``TranscriptsFile``
=====================================  ==================================  ====================

Every model derives from :class:`DataModel`: unknown keys are refused (a misspelt key is an
error, not silently ignored), numbers and yes/no values must be real ones (``weight: yes`` is
refused). Rules that compare fields (ids unique, references between items, totals) are pydantic
validators on the model that holds the fields; :func:`report` lets one validator name several
problems, each at its own location. Such a validator runs once the fields it compares are valid
(a total is meaningless while a weight reads "ten"); ids listed in a model's ``unique_ids`` are
checked on the raw data instead, so a repeated id is reported with every other problem.

:func:`load` reads a file and raises the caller's error class (a :class:`DataFileError`) with
one line per problem, ``file: location: what is wrong``, where the location is the path inside
the file (``rules[3].patterns[0]``), followed by the id of the entry it is in when it has one.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Annotated, Any, ClassVar, Iterable, Sequence, TypeVar

from pydantic import (AfterValidator, BaseModel, ConfigDict, Strict, ValidationError,
                      model_validator)
from pydantic_core import InitErrorDetails, PydanticCustomError

Loc = tuple[str | int, ...]
_ID = re.compile(r"[a-z][a-z0-9_-]*")
M = TypeVar("M", bound=BaseModel)


class DataFileError(ValueError):
    """A data file that cannot be used; ``problems`` are ``location: what is wrong`` lines.

    ``DataFileError("one message")`` (no problems list) is a plain message, as the error classes
    that derive from this one (``RulesError``, ``CallStepsError`` ...) once were.
    """

    def __init__(self, source: str, problems: Sequence[str] | None = None):
        if problems is None:
            self.source, self.problems = "", [str(source)]
            super().__init__(str(source))
            return
        self.source = str(source)
        self.problems = list(problems)
        super().__init__("\n".join(f"{self.source}: {p}" for p in self.problems))


# --------------------------------------------------------------------------- field types
def _collapse(text: str) -> str:
    return " ".join(text.split())


def _lower_id(value: str) -> str:
    if not _ID.fullmatch(value):
        raise ValueError(f"{value!r} is not a valid id: use lower-case letters, digits, '-' or '_', "
                         f"starting with a letter (e.g. full_greeting)")
    return value


def _not_blank(text: str) -> str:
    if not text:
        raise ValueError("must not be empty")
    return text


def _some(entries: Any) -> Any:
    if not entries:
        raise ValueError("needs at least one entry")
    return entries


Text = Annotated[str, AfterValidator(_collapse)]  # runs of spaces and new lines become one space
RequiredText = Annotated[Text, AfterValidator(_not_blank)]  # as Text, and not empty
Id = Annotated[str, AfterValidator(_lower_id)]  # full_greeting, angry-complaint
Number = Annotated[float, Strict()]  # 5 or 2.5, not "5" and not yes/no
Whole = Annotated[int, Strict()]  # 3, not 3.0 and not yes/no
Flag = Annotated[bool, Strict()]  # true or false, not 1 or "yes"
NonEmpty = AfterValidator(_some)  # for lists: Annotated[tuple[Item, ...], NonEmpty]


class DataModel(BaseModel):
    """Base of the data-file models: strict about keys, frozen once loaded."""

    model_config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True,
                              defer_build=True)

    #: Groups of paths, e.g. ``("sections[].items[].id", "critical[].id")``: within a group no
    #: value may appear twice. ``[]`` stands for every entry of a list, ``*`` for every value of
    #: a mapping.
    unique_ids: ClassVar[tuple[tuple[str, ...], ...]] = ()

    @model_validator(mode="wrap")
    @classmethod
    def _unique_ids_with_every_other_problem(cls, data: Any, handler):
        repeated = [p for group in cls.unique_ids for p in _repeats(data, group)]
        try:
            model = handler(data)
        except ValidationError as exc:
            if not repeated:
                raise
            raise _errors([_again(e) for e in exc.errors()] + repeated) from None
        if repeated:
            raise _errors(repeated)
        return model


def report(problems: Iterable[tuple[Loc, str]]) -> None:
    """Raise every ``(location, message)`` as its own validation error (nothing when empty).

    For validators that find several problems: the locations are relative to the model the
    validator belongs to, e.g. ``(("rules", 2, "first"), "'c' is not a step id")``.
    """
    found = [_problem(loc, msg) for loc, msg in problems]
    if found:
        raise _errors(found)


def _problem(loc: Loc, message: str) -> InitErrorDetails:
    return InitErrorDetails(type=PydanticCustomError("data_problem", "{message}", {"message": message}),
                            loc=tuple(loc), input=None)


def _again(error: dict) -> InitErrorDetails:
    """An error from ``ValidationError.errors()`` in a form that can be raised again."""
    ctx = {**(error.get("ctx") or {}), "message": error["msg"]}
    return InitErrorDetails(type=PydanticCustomError(error["type"], "{message}", ctx),
                            loc=tuple(error["loc"]), input=error.get("input"))


def _errors(details: list[InitErrorDetails]) -> ValidationError:
    return ValidationError.from_exception_data("data file", details)


def _walk(data: Any, steps: list[str], loc: Loc = ()) -> Iterable[tuple[Loc, Any]]:
    """(location, value) for every value a path such as ``sections[].items[].id`` reaches."""
    if not steps:
        yield loc, data
        return
    if isinstance(data, BaseModel):  # entries given as objects rather than parsed YAML
        data = dict(data)
    if not isinstance(data, dict):
        return
    name, many = (steps[0][:-2], True) if steps[0].endswith("[]") else (steps[0], False)
    values = data.items() if name == "*" else [(name, data[name])] if name in data else []
    for key, value in values:
        if not many:
            yield from _walk(value, steps[1:], loc + (key,))
        elif isinstance(value, (list, tuple)):
            for i, item in enumerate(value):
                yield from _walk(item, steps[1:], loc + (key, i))


def _repeats(data: Any, paths: Sequence[str]) -> list[InitErrorDetails]:
    """An error for each value met before on ``paths``; the formatter names the first place
    (``first`` is relative to the model that checks, which does not know where it sits)."""
    first: dict[Any, Loc] = {}
    out = []
    for path in paths:
        for loc, value in _walk(data, path.split(".")):
            if not isinstance(value, (str, int)) or isinstance(value, bool):
                continue  # not an id: the field's own check reports it
            if value in first:
                out.append(InitErrorDetails(
                    type=PydanticCustomError("repeated_id", "{value} is used twice", {
                        "value": value, "first": first[value], "depth": len(loc)}),
                    loc=loc, input=value))
            else:
                first[value] = loc
    return out


# --------------------------------------------------------------------------- reading and messages
def read(path: str | Path, error: type[DataFileError]) -> Any:
    """A YAML (or ``.json``) file's content; a missing or unparsable file raises ``error``."""
    import yaml

    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error(str(p), ["file not found"]) from None
    try:
        if p.suffix == ".json":
            return json.loads(text)
        # libyaml's parser when PyYAML has it (about ten times faster), the same safe loading
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (yaml.YAMLError, ValueError) as exc:
        why = " ".join(str(exc).replace('in "<unicode string>", ', "at ").split())
        raise error(p.name, [f"is not valid {'JSON' if p.suffix == '.json' else 'YAML'}: {why}"]) from None


def validate(model: type[M], data: Any, source: str, error: type[DataFileError],
             context: dict | None = None) -> M:
    """``model`` checked from parsed data; every problem raised at once as ``error``."""
    try:
        return model.model_validate(data, context=context)
    except ValidationError as exc:
        raise error(source, problems(exc, data)) from None


def load(model: type[M], path: str | Path, error: type[DataFileError],
         context: dict | None = None) -> M:
    """Read and check one file (see :func:`read` and :func:`validate`)."""
    return validate(model, read(path, error), Path(path).name, error, context)


def location(loc: Loc) -> str:
    """``("rules", 3, "patterns", 0)`` as ``rules[3].patterns[0]``."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


_PREFIXES = ("Value error, ", "Assertion failed, ")
_PLAIN = {"missing": "required, but missing",
          "extra_forbidden": "unknown field (check the spelling)"}


def problems(exc: ValidationError, data: Any = None) -> list[str]:
    """``location: what is wrong`` for each error, without repeats."""
    out: list[str] = []
    for e in exc.errors(include_url=False):
        loc = tuple(p for p in e["loc"] if p != "[key]")
        msg = _PLAIN.get(e["type"]) or e["msg"]
        if e["type"] == "repeated_id":
            ctx = e["ctx"]
            first = loc[:len(loc) - ctx["depth"]] + tuple(ctx["first"])
            msg = f"{ctx['value']!r} is used twice (first at {location(first)}); ids must be unique"
        for prefix in _PREFIXES:
            msg = msg.removeprefix(prefix)
        msg = re.sub(r"^Input should", "should", msg)  # "weight: should be a valid number"
        if not loc and e["type"] in ("model_type", "dict_type", "model_attributes_type"):
            msg = ("the file is empty" if data is None else
                   f"the file must be a mapping of fields ('key: value' lines), not a {type(data).__name__}")
        elif e["type"] not in _PLAIN and e["type"] not in ("value_error", "data_problem", "repeated_id") \
                and isinstance(e.get("input"), (str, int, float, bool)) and len(repr(e["input"])) < 60:
            msg += f", got {e['input']!r}"
        where = location(loc)
        owner = _owner(data, loc)
        if owner:
            where += f" ({owner})"
        line = f"{where}: {msg}" if where else msg
        if line not in out:
            out.append(line)
    return out


def _owner(data: Any, loc: Loc) -> str:
    """``id 'greet'``: the id of the innermost list entry on the path, when it has one (and
    the problem is not with that id itself)."""
    if loc and loc[-1] == "id":
        return ""
    found, node = "", data
    for part in loc:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(part, int) and isinstance(node, dict) and isinstance(node.get("id"), str):
            found = f"id {node['id']!r}"
    return found
