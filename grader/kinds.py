"""The kinds of exercise question, one class each: everything a kind means lives in its class.

Each kind says how its answer key is sealed into a released check cell (:meth:`Kind.seal`), what
form an answer must have and what a learner is told about it (:meth:`Kind.evaluate`, with the hint
written for that wrong choice; :meth:`Kind.form_only` for the author's unsealed view), how many
points an answer earns (:meth:`Kind.score`, the rule behind the hidden tests), which Python types
count as the right form for the trainer's notes (``forms``, ``words``), and what a plausible wrong
answer looks like for synthetic cohorts (:meth:`Kind.wrong`).

The answer-level helpers both sides share (normalising, the salted digest, :class:`Feedback`) live
here too; :mod:`grader.check` is the learner's and the hidden tests' entry point on top of this.

The self-check and the grade use the same rule: an order question's check reports the steps in
the right relative order (the longest common subsequence that :meth:`Order.score` counts), not
only the positions that match.
"""
from __future__ import annotations

import hashlib
import html
import json
import math
import numbers
import random
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from .i18n import N_, _, join, ngettext


# --------------------------------------------------------------------------- normalising
def _norm_item(x: Any) -> Any:
    """Compare letters and labels case-blind and trimmed; whole floats as ints."""
    if isinstance(x, str):
        return x.strip().upper()
    if isinstance(x, bool):
        return x
    if isinstance(x, numbers.Integral):
        return int(x)
    if isinstance(x, numbers.Real) and float(x).is_integer():
        return int(x)
    return x


def digest(name: str, value: Any) -> str:
    """A salted digest of a normalised value: the sealed form of an answer."""
    payload = json.dumps([name, value], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:20]


# --------------------------------------------------------------------------- feedback
@dataclass
class Feedback:
    """What a learner sees after running a check cell."""

    question: str
    status: str  # "correct", "incorrect", "partial", "form", "unanswered", "unsealed"
    message: str
    details: tuple[str, ...] = ()

    ICONS = {"correct": "✅", "partial": "🟡", "incorrect": "❌", "form": "✋",
             "unanswered": "✏️", "unsealed": "🛈"}
    COLOURS = {"correct": "#e6f4ea", "partial": "#fff8e1", "incorrect": "#fdecea",
               "form": "#fff3e0", "unanswered": "#eef2f7", "unsealed": "#eef2f7"}

    @property
    def text(self) -> str:
        lines = [f"{self.ICONS.get(self.status, '')} "
                 + _("{question}: {message}").format(question=self.question, message=self.message)]
        lines += [f"   • {d}" for d in self.details]
        return "\n".join(lines)

    def __repr__(self) -> str:  # plain-text front ends and logs
        return self.text

    def _repr_html_(self) -> str:
        items = "".join(f"<li>{html.escape(d)}</li>" for d in self.details)
        return (f'<div style="background:{self.COLOURS.get(self.status, "#eee")};padding:8px 12px;'
                f'border-radius:6px;font-family:sans-serif">'
                + _("{question}: {message}").format(
                    question=f"<b>{self.ICONS.get(self.status, '')} {html.escape(self.question)}</b>",
                    message=html.escape(self.message))
                + f"{'<ul>' + items + '</ul>' if items else ''}</div>")


def _type_name(value: Any) -> str:
    if isinstance(value, str):
        return _("a piece of text")
    if isinstance(value, bool):
        return _("True/False")
    if isinstance(value, numbers.Number):
        return _("a number")
    if isinstance(value, (list, tuple)):
        return _("a list")
    if isinstance(value, (set, frozenset)):
        return _("a set")
    if isinstance(value, Mapping):
        return _("a dictionary")
    if value is None:
        return _("None (nothing)")
    return _("a {type}").format(type=type(value).__name__)


def _label(name: str) -> str:
    """'q1_3' -> 'Question 1.3' (第 1.3 题)."""
    if name.startswith("q") and "_" in name:
        return _("Question {number}").format(number=name[1:].replace("_", "."))
    return name


# What an answer is a list of, as check cells say it (``what=``) and the defaults below; units of
# number questions (``unit=``). Single words stay English in a translated notebook's code, so the
# learner's language comes from here; text that is not listed is shown as written.
WORDS = (N_("letters"), N_("items"), N_("step letters"), N_("ids"), N_("call ids"),
         N_("line numbers"), N_("rings"), N_("seconds"), N_("years"), N_("h"), N_("s"))


def _words(text: str) -> str:
    return _(text) if text else text


class _Form(Exception):
    """The answer's form is wrong: raised with a learner-facing message."""


def _as_list(value: Any, what: str) -> list:
    if isinstance(value, str):
        raise _Form(_("Your answer should be a list of {what} in square brackets, e.g. ['A', 'C'], "
                      "not a single piece of text.").format(what=_words(what)))
    if isinstance(value, Mapping) or not isinstance(value, (list, tuple, set, frozenset)):
        raise _Form(_("Your answer should be a list of {what} in square brackets, e.g. ['A', 'C']; "
                      "you gave {given}.").format(what=_words(what), given=_type_name(value)))
    return [_norm_item(v) for v in value]


def _check_options(items: Sequence, options: Sequence | None) -> None:
    if options is None:
        return
    allowed = [_norm_item(o) for o in options]
    bad = [i for i in items if i not in allowed]
    if bad:
        shown = join(repr(b) for b in bad[:3])
        raise _Form(ngettext("{shown} is not among the choices ({options}). Check the spelling.",
                             "{shown} are not among the choices ({options}). Check the spelling.",
                             len(bad)).format(shown=shown, options=join(str(o) for o in options)))


def _lcs(a: Sequence, b: Sequence) -> int:
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0]
        for j, y in enumerate(b):
            cur.append(prev[j] + 1 if x == y else max(prev[j + 1], cur[j]))
        prev = cur
    return prev[-1]




class Kind:
    name = ""
    forms: tuple[type, ...] = ()
    words = ""

    def seal(self, name: str, answer: Any, hints: dict, check_kw: Mapping, grade_kw: Mapping) -> dict:
        raise NotImplementedError

    def evaluate(self, name: str, value: Any, spec: Mapping[str, Any]) -> Feedback:
        raise NotImplementedError

    def form_only(self, value: Any, spec: Mapping[str, Any]) -> None:
        raise NotImplementedError

    def score(self, value: Any, answer: Any, points: float, tolerance: float) -> float:
        raise NotImplementedError

    def wrong(self, answer: Any, check_kw: Mapping, grade_kw: Mapping, rng: random.Random) -> Any:
        raise NotImplementedError

    def right_form(self, value: Any) -> bool:
        """Is this value of the kind's form (for the trainer's notes)?"""
        return isinstance(value, self.forms) and not isinstance(value, bool)


class Choice(Kind):
    name, forms, words = "choice", (str,), N_("one letter in quotes")

    def seal(self, name, answer, hints, check_kw, grade_kw):
        return {"key": digest(name, _norm_item(answer)),
                "hints": {digest(name, _norm_item(k)): v for k, v in hints.items()}}

    def _form(self, value, spec):
        if not isinstance(value, str):
            raise _Form(_("Your answer should be one letter in quotes, like 'B'; you gave "
                          "{given}.").format(given=_type_name(value)))
        v = _norm_item(value)
        options = spec.get("options")
        if len(v) != 1 and options and v not in [_norm_item(o) for o in options]:
            raise _Form(_("Your answer should be just one letter, like 'B'."))
        _check_options([v], options)
        return v

    def evaluate(self, name, value, spec):
        v = self._form(value, spec)
        q = _label(name)
        if digest(name, v) == spec["key"]:
            return Feedback(q, "correct", _("Correct. Well done!"))
        hint = spec.get("hints", {}).get(digest(name, v), _(
            "That is not the best choice. Read the question again and compare the options once more."))
        return Feedback(q, "incorrect", _("Not quite. {hint}").format(hint=hint))

    def form_only(self, value, spec):
        if not isinstance(value, str):
            raise _Form(_("Your answer should be one letter in quotes, like 'B'; you gave "
                          "{given}.").format(given=_type_name(value)))
        _check_options([_norm_item(value)], spec.get("options"))

    def score(self, value, answer, points, tolerance):
        return points if isinstance(value, str) and _norm_item(value) == _norm_item(answer) else 0.0

    def wrong(self, answer, check_kw, grade_kw, rng):
        options = check_kw.get("options")
        opts = list(options) if options else list("ABCD")
        others = [o for o in opts if str(o).upper() != str(answer).upper()]
        return rng.choice(others) if others else answer


class Multi(Kind):
    name, forms, words = "multi", (list, tuple, set), N_("a list")

    def seal(self, name, answer, hints, check_kw, grade_kw):
        return {"key": sorted(digest(name, _norm_item(a)) for a in answer),
                "hints": {digest(name, _norm_item(k)): v for k, v in hints.items()}}

    def evaluate(self, name, value, spec):
        hints = spec.get("hints", {})
        items = _as_list(value, spec.get("what", "letters"))
        if len(set(map(str, items))) != len(items):
            raise _Form(_("You listed the same choice more than once; list each one only once."))
        _check_options(items, spec.get("options"))
        key = set(spec["key"])
        picked = {digest(name, i): i for i in items}
        wrong = [i for d, i in picked.items() if d not in key]
        found = len([d for d in picked if d in key])
        q = _label(name)
        if not wrong and found == len(key):
            return Feedback(q, "correct", _("Correct: you found all {n}. Well done!").format(n=len(key)))
        details = [_("{item}: {hint}").format(
            item=repr(w), hint=hints.get(digest(name, w), _("look at this one again: it does not belong.")))
            for w in wrong]
        missing = len(key) - found
        msg = [_("You have {right} of {total} right.").format(right=found, total=len(key))]
        if missing:
            msg.append(_("{n} more to find.").format(n=missing))
        if wrong:
            msg.append(ngettext("{n} of your picks does not belong.", "{n} of your picks do not belong.",
                                len(wrong)).format(n=len(wrong)))
        return Feedback(q, "partial" if found else "incorrect", join(msg, "sentence"), tuple(details))

    def form_only(self, value, spec):
        _check_options(_as_list(value, "items"), spec.get("options"))

    def score(self, value, answer, points, tolerance):
        if isinstance(value, (str, Mapping)) or not isinstance(value, (list, tuple, set, frozenset)):
            return 0.0
        got = {_norm_item(v) for v in value}
        key = {_norm_item(a) for a in answer}
        frac = (len(got & key) - len(got - key)) / len(key)
        return round(points * max(0.0, frac), 4)

    def wrong(self, answer, check_kw, grade_kw, rng):
        options = check_kw.get("options")
        got = list(answer)
        if len(got) > 1:
            got.remove(rng.choice(got))
        extra = [o for o in (options or check_kw.get("hints", {}).keys()) if o not in answer]
        if extra and rng.random() < 0.6:
            got.append(rng.choice(list(extra)))
        return got


class Order(Kind):
    name, forms, words = "order", (list, tuple), N_("a list")

    def seal(self, name, answer, hints, check_kw, grade_kw):
        return {"key": [digest(name, [i, _norm_item(a)]) for i, a in enumerate(answer)],
                "n": len(answer), "hints": {str(_norm_item(k)): v for k, v in hints.items()}}

    def evaluate(self, name, value, spec):
        hints = spec.get("hints", {})
        items = _as_list(value, spec.get("what", "step letters"))
        n = spec["n"]
        if len(items) != n:
            raise _Form(ngettext("Your list has {n} item; it should have all {total}, each once.",
                                 "Your list has {n} items; it should have all {total}, each once.",
                                 len(items)).format(n=len(items), total=n))
        if len(set(map(str, items))) != n:
            raise _Form(_("Some step appears twice: use each step exactly once."))
        _check_options(items, spec.get("options"))
        q = _label(name)
        right = [digest(name, [i, it]) == k for i, (it, k) in enumerate(zip(items, spec["key"]))]
        if all(right):
            return Feedback(q, "correct", _("Correct: that is the right order. Well done!"))
        # where each step belongs (the seal says, one position at a time); the steps already in the
        # right order relative to each other are what the grade counts (Order.score)
        where = [next((p for p in range(n) if digest(name, [p, it]) == spec["key"][p]), None)
                 for it in items]
        kept = _lcs([w for w in where if w is not None], list(range(n))) if None not in where else 0
        first = right.index(False)
        item = items[first]
        hint = hints.get(str(item), _("think about what the caller needs at that moment."))
        head = (ngettext("The first {n} step is in the right place.",
                         "The first {n} steps are in the right place.", first).format(n=first)
                if first else _("The first step is not the right one yet."))
        look = _("Look again at position {position} ({item}): {hint}").format(
            position=first + 1, item=repr(item), hint=hint)
        return Feedback(q, "partial" if kept else "incorrect", join([head, look], "sentence"),
                        (_("{kept} of {n} steps are already in the right order relative to each other; "
                           "the grade counts those.").format(kept=kept, n=n),))

    def form_only(self, value, spec):
        _check_options(_as_list(value, "items"), spec.get("options"))

    def score(self, value, answer, points, tolerance):
        if isinstance(value, (str, Mapping)) or not isinstance(value, (list, tuple)):
            return 0.0
        got = [_norm_item(v) for v in value]
        key = [_norm_item(a) for a in answer]
        if sorted(map(str, got)) != sorted(map(str, key)):
            return 0.0
        return round(points * _lcs(got, key) / len(key), 4) if got != key else points

    def wrong(self, answer, check_kw, grade_kw, rng):
        got = list(answer)
        if len(got) > 1:
            i = rng.randrange(len(got) - 1)
            got[i], got[i + 1] = got[i + 1], got[i]
        return got


class Classify(Kind):
    name, forms, words = "classify", (dict,), N_("a dictionary")

    def seal(self, name, answer, hints, check_kw, grade_kw):
        return {"key": {str(k): digest(name, [_norm_item(k), _norm_item(v)]) for k, v in answer.items()},
                "hints": {str(k): v for k, v in hints.items()}}

    def evaluate(self, name, value, spec):
        hints = spec.get("hints", {})
        if not isinstance(value, Mapping):
            raise _Form(_("Your answer should be a dictionary like {{'A': 'label', 'B': 'label'}}; "
                          "you gave {given}.").format(given=_type_name(value)))
        got = {_norm_item(k): _norm_item(v) for k, v in value.items()}
        expected = list(spec["key"])
        norm_expected = {_norm_item(k) for k in expected}
        missing = [k for k in expected if _norm_item(k) not in got]
        extra = [str(k) for k in value if _norm_item(k) not in norm_expected]
        if missing or extra:
            parts = []
            if missing:
                parts.append(_("missing: {items}").format(items=join(missing)))
            if extra:
                parts.append(_("not in the question: {items}").format(items=join(extra)))
            raise _Form(_("Give one label for every item, and only those ({problems}).").format(
                problems=join(parts, "clause")))
        cats = spec.get("categories")
        if cats is not None:
            allowed = [_norm_item(c) for c in cats]
            bad = sorted({str(v) for v in got.values() if v not in allowed})
            if bad:
                raise _Form(_("{labels}: use only these labels: {allowed}.").format(
                    labels=join(repr(b) for b in bad), allowed=join(repr(c) for c in cats)))
        q = _label(name)
        wrong = [k for k in expected if digest(name, [_norm_item(k), got[_norm_item(k)]]) != spec["key"][k]]
        if not wrong:
            return Feedback(q, "correct", _("Correct: all {n} are right. Well done!").format(n=len(expected)))
        details = [_("{item}: {hint}").format(item=k, hint=hints.get(k, _("think again about this one.")))
                   for k in wrong[:3]]
        if len(wrong) > 3:
            details.append(_("… and {n} more to look at again.").format(n=len(wrong) - 3))
        ok = len(expected) - len(wrong)
        return Feedback(q, "partial" if ok else "incorrect",
                        _("{right} of {total} are right.").format(right=ok, total=len(expected)),
                        tuple(details))

    def form_only(self, value, spec):
        if not isinstance(value, Mapping):
            raise _Form(_("Your answer should be a dictionary."))

    def score(self, value, answer, points, tolerance):
        if not isinstance(value, Mapping):
            return 0.0
        got = {str(_norm_item(k)): _norm_item(v) for k, v in value.items()}
        right = sum(got.get(str(_norm_item(k))) == _norm_item(v) for k, v in answer.items())
        return round(points * right / len(answer), 4)

    def wrong(self, answer, check_kw, grade_kw, rng):
        cats = check_kw.get("categories") or sorted({str(v) for v in answer.values()})
        got = dict(answer)
        for key in rng.sample(list(got), k=min(len(got), rng.choice([1, 2]))):
            others = [c for c in cats if c != got[key]]
            if others:
                got[key] = rng.choice(others)
        return got


class Number(Kind):
    name, forms, words = "number", (int, float), N_("a number")

    def seal(self, name, answer, hints, check_kw, grade_kw):
        # "low", "high" and optional "mistakes": [[value, hint], ...]
        return {"key": float(answer),
                "tolerance": float(grade_kw.get("tolerance", check_kw.get("tolerance", 0.0))),
                "hints": hints}

    def right_form(self, value):
        return isinstance(value, numbers.Real) and not isinstance(value, bool)

    def evaluate(self, name, value, spec):
        hints = spec.get("hints", {})
        if isinstance(value, str):
            try:
                float(value.strip().rstrip("%"))
            except ValueError:
                raise _Form(_("Your answer should be a number, like 42 or 0.85; you gave a piece "
                              "of text.")) from None
            raise _Form(_("Your answer should be a number without quotes: write 42, not '42'."))
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise _Form(_("Your answer should be a single number; you gave {given}.").format(
                given=_type_name(value)))
        x = float(value)
        if math.isnan(x):
            raise _Form(_("Your answer is NaN (not a number): check your calculation."))
        q = _label(name)
        key, tol = spec["key"], spec.get("tolerance", 0.0)
        unit = f" {_words(spec['unit'])}" if spec.get("unit") else ""
        if abs(x - key) <= tol + 1e-9:
            return Feedback(q, "correct", _("Correct. Well done!"))
        for mistake, hint in hints.get("mistakes", []):
            if abs(x - float(mistake)) <= tol + 1e-9:
                return Feedback(q, "incorrect", _("Not quite. {hint}").format(hint=hint))
        side = "low" if x < key else "high"
        default = {"low": _("Your number is too low."), "high": _("Your number is too high.")}[side]
        return Feedback(q, "incorrect", _("Not quite ({answer}). {hint}").format(
            answer=f"{value}{unit}", hint=hints.get(side, default)))

    def form_only(self, value, spec):
        if isinstance(value, (str, bool)) or not isinstance(value, numbers.Real):
            raise _Form(_("Your answer should be a single number."))

    def score(self, value, answer, points, tolerance):
        if isinstance(value, (str, bool)) or not isinstance(value, numbers.Real):
            return 0.0
        return points if abs(float(value) - float(answer)) <= tolerance + 1e-9 else 0.0

    def wrong(self, answer, check_kw, grade_kw, rng):
        mistakes = check_kw.get("hints", {}).get("mistakes") or []
        if mistakes and rng.random() < 0.6:
            return rng.choice(mistakes)[0]
        x = float(answer)
        tol = float(grade_kw.get("tolerance", 0))
        wrong = x * rng.choice([0.5, 0.8, 1.25, 2]) if x else 1.0
        if abs(wrong - x) <= tol:
            wrong = x + 10 * (tol or 1)
        return round(wrong, 2) if not float(x).is_integer() else int(round(wrong))


KINDS: dict[str, Kind] = {k.name: k for k in (Choice(), Multi(), Order(), Classify(), Number())}


def kind_of(name: str | None, question: str = "") -> Kind:
    """The kind called ``name``; ValueError naming the known kinds otherwise."""
    try:
        return KINDS[name]
    except KeyError:
        where = f"{question}: " if question else ""
        raise ValueError(f"{where}unknown kind {name!r}; use one of {', '.join(KINDS)}") from None
