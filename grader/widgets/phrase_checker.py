"""Phrase checker: flags wording a call-centre agent should avoid, and missing greeting/closing parts.

The learner types what they would say; :func:`analyse` returns a list of :class:`Finding`, each
saying which rule fired, how serious it is (``forbidden``, ``discouraged`` or ``missing-part``),
why it matters on a call and a better way to say it. The rules are data, one file per course
language (``phrase_rules.yaml`` for English, ``phrase_rules.zh-CN.yaml`` for Simplified Chinese,
or any file of the same format, :class:`RulesFile`, passed to :func:`load_rules`): regular expressions matched
case-insensitively, sentence by sentence, so the same engine serves Module 1 (greetings,
closings, hold and transfer) and later modules (e.g. rewriting negative sentences, with
``categories={"negative", ...}``). :class:`PhraseChecker` is the thin ipywidgets front end used
in the lessons; its labels follow the course language.

Chinese is written without spaces, so the Chinese rules use no ``\b`` (in Python every CJK
character is a word character, so ``\b`` never falls inside a Chinese phrase, and ``\bCRM\b``
misses "在CRM里"). They say what may stand before and after a phrase with lookarounds instead,
e.g. 不知道 not preceded by 您/你 (the caller's not knowing) and not followed by 您 (the polite
"不知道您现在方便吗"). Sentences end at 。！？；… as well as at . ! ? ; and new lines.
We looked at a segmenter (jieba 0.42.1) and left it out: the decisions that matter here are
about a phrase's neighbours, not about where words end (jieba cuts "这个我不知道" and
"您不知道也没关系" into the same 不/知道, and "这不归我管" into 这不归/我管, across the phrase
we look for), its last release is from 2020, it adds a 40 MB dictionary and a two-second first
load, and trainers can read and edit a regular expression but not a tokeniser's output.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Iterable, Literal, Sequence

from pydantic import AfterValidator, BeforeValidator, ValidationInfo, model_validator

from .. import datafiles
from ..datafiles import DataFileError, DataModel, Id, NonEmpty, RequiredText, Text, Whole, report

from ..i18n import N_, current_language

RULES_FILE = Path(__file__).with_name("phrase_rules.yaml")
RULES_FILES = {"en": RULES_FILE, "zh-CN": Path(__file__).with_name("phrase_rules.zh-CN.yaml")}
SEVERITIES = ("forbidden", "discouraged", "missing-part")
MODES = ("any", "greeting", "closing")
# A sentence ends at . ! ? ; (not a decimal point), at 。．！？；… ⋯ (with any closing quotes
# or brackets after them) or at a new line; the Chinese comma ，and the enumeration comma 、 do not.
_ENDS = ".!?;\u3002\uff0e\uff01\uff1f\uff1b\u2026\u22ef"
_SENTENCE = re.compile(rf"(?:[^{_ENDS}\n]|(?<=\d)\.(?=\d))+(?:[{_ENDS}]+[\u201d\u300d\u300f\uff09\u300b]*|\n|$)")
# What patterns see: straight apostrophes, ASCII letters and digits for their full-width forms
# (工号１０２４ is 工号1024) and a plain space for the ideographic one. One character for one, so
# a finding's start/end still point into the learner's own text.
_NORMALISE = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u3000": " ",
                            **{chr(c): chr(c - 0xFEE0) for c in (*range(0xFF10, 0xFF1A),
                                                                 *range(0xFF21, 0xFF3B),
                                                                 *range(0xFF41, 0xFF5B))}})


class RulesError(DataFileError):
    """A rules file a trainer must fix: one ``file: location: problem`` line per problem."""


def normalise_lang(lang: str | None) -> str:
    """``"en"`` or ``"zh-CN"`` for a language tag (``None``: the course's current language)."""
    tag = current_language() if lang is None else lang
    key = str(tag).strip().replace("_", "-").lower()
    if key == "en" or key.startswith("en-"):
        return "en"
    if key in ("zh", "zh-cn", "zh-hans", "zh-hans-cn", "zh-sg"):
        return "zh-CN"
    raise ValueError(f"no phrase rules for language {tag!r}; available: {', '.join(RULES_FILES)}")


# --------------------------------------------------------------------------- data
@dataclass(frozen=True)
class Rule:
    """One thing to flag: wording to avoid (``forbidden``/``discouraged``) or a required part."""

    id: str
    severity: str
    title: str
    why: str
    better: str
    patterns: tuple[re.Pattern, ...]
    category: str = ""
    unless: tuple[re.Pattern, ...] = ()
    unless_scope: str = "sentence"
    source: str = ""
    standard: str = ""  # id in datasets/service_standards.yaml
    examples: dict = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class RuleSet:
    """Rules to avoid plus the parts each kind of utterance must contain."""

    rules: tuple[Rule, ...]
    parts: dict  # mode -> tuple[Rule, ...]
    company: str
    path: Path | None = None
    lang: str = "en"  # the file's `language:`; picks the widget's labels

    def by_id(self, rule_id: str) -> Rule:
        for r in self.all_rules():
            if r.id == rule_id:
                return r
        raise KeyError(rule_id)

    def all_rules(self) -> list[Rule]:
        return list(self.rules) + [r for rs in self.parts.values() for r in rs]


@dataclass(frozen=True)
class Finding:
    """One flag for the learner: what, how serious, why, and a better form."""

    rule_id: str
    severity: str
    title: str
    why: str
    better: str
    category: str = ""
    quote: str | None = None  # the words that triggered it (None for a missing part)
    start: int | None = None
    end: int | None = None
    source: str = ""
    standard: str = ""

    @property
    def text(self) -> str:
        what = f'"{self.quote}": ' if self.quote else ""
        return f"[{self.severity}] {self.title}: {what}{self.why} Better: {self.better}"


# --------------------------------------------------------------------------- the rules file
def _compile(pattern: str, company: str) -> re.Pattern:
    """A pattern with ``{company}`` and ``{company_word}`` filled in, case-insensitive."""
    first_word = (company.split() or [company])[0]
    return re.compile(pattern.replace("{company}", re.escape(company.lower())).replace(
        "{company_word}", re.escape(first_word.lower())), re.IGNORECASE)


def _regex(pattern: str) -> str:
    if not pattern.strip():
        raise ValueError("a pattern must not be empty")
    try:
        _compile(pattern, "our company")
    except re.error as exc:
        raise ValueError(f"{pattern!r} is not a valid regular expression ({exc})") from None
    return pattern


def _shared_list(value: Any, info: ValidationInfo) -> Any:
    """``unless: permission`` stands for the list ``shared.permission`` of the same file."""
    if not isinstance(value, str):
        return value
    shared = (info.context or {}).get("shared") or {}
    if value not in shared:
        raise ValueError(f"names {value!r}, which is not under 'shared:' "
                         f"(known: {', '.join(sorted(shared)) or 'none'})")
    return shared[value]


Pattern = Annotated[str, AfterValidator(_regex)]  # a regular expression, checked when loaded
Patterns = Annotated[tuple[Pattern, ...], NonEmpty]


class RuleEntry(DataModel):
    """A wording rule as written under ``rules:``."""

    id: Id
    category: Text = ""
    severity: Literal["forbidden", "discouraged"]
    title: RequiredText
    patterns: Patterns
    unless: Annotated[tuple[Pattern, ...], BeforeValidator(_shared_list)] = ()
    unless_scope: Literal["sentence", "text"] = "sentence"
    why: RequiredText
    better: RequiredText
    source: Text = ""
    standard: Text = ""
    examples: dict[Literal["fires", "passes"], tuple[str, ...]] = {}

    def rule(self, company: str, severity: str | None = None) -> Rule:
        return Rule(id=self.id, severity=severity or self.severity, title=self.title, why=self.why,
                    better=self.better, category=self.category,
                    patterns=tuple(_compile(p, company) for p in self.patterns),
                    unless=tuple(_compile(p, company) for p in self.unless),
                    unless_scope=self.unless_scope, source=self.source, standard=self.standard,
                    examples={k: list(v) for k, v in self.examples.items()})


class PartEntry(RuleEntry):
    """A part a greeting or closing must contain, under ``parts.greeting`` / ``parts.closing``."""

    severity: Literal["missing-part"] = "missing-part"
    examples: dict[Literal["present", "absent"], tuple[str, ...]] = {}


class Defaults(DataModel):
    company: RequiredText = "our company"


class RulesFile(DataModel):
    """A phrase-rules file (``phrase_rules.yaml``, or another file of the same schema)."""

    unique_ids = (("rules[].id", "parts.*[].id"),)

    version: Whole = 1
    language: Literal["en", "zh-CN"] = "en"  # the wording's language; picks the widget's labels
    defaults: Defaults = Defaults()
    shared: dict[str, Patterns] = {}
    rules: tuple[RuleEntry, ...]
    parts: dict[Literal["greeting", "closing"], tuple[PartEntry, ...]] = {}

    def rule_set(self, company: str | None = None, path: Path | None = None) -> RuleSet:
        company = company or self.defaults.company
        return RuleSet(rules=tuple(r.rule(company) for r in self.rules),
                       parts={mode: tuple(p.rule(company) for p in ps) for mode, ps in self.parts.items()},
                       company=company, path=path, lang=self.language)

    @model_validator(mode="after")
    def _better_wording_passes_every_rule(self, info: ValidationInfo) -> "RulesFile":
        rs = self.rule_set((info.context or {}).get("company"))
        report(((("rules", n, "better"), "this better wording is itself flagged by "
                                         f"{', '.join(f.rule_id for f in found)}: rewrite it")
                for n, r in enumerate(self.rules) if (found := analyse(r.better, rules=rs))))
        return self


def load_rules(path: str | Path | None = None, company: str | None = None) -> RuleSet:
    """Read and check a rules file (default: the course's ``phrase_rules.yaml``).

    ``company`` replaces ``{company}`` in patterns (default: the file's ``defaults.company``).
    Raises :class:`RulesError` listing every problem, each with the rule and field.
    """
    p = Path(path) if path else RULES_FILE
    data = datafiles.read(p, RulesError)
    shared = data.get("shared") if isinstance(data, dict) else None
    context = {"company": company, "shared": shared if isinstance(shared, dict) else {}}
    return datafiles.validate(RulesFile, data, p.name, RulesError, context).rule_set(company, p)


def default_rules(company: str | None = None, lang: str = "en") -> RuleSet:
    """The course's rules for ``lang`` (``"en"`` or ``"zh-CN"``), loaded once per company name."""
    return _default_rules(company, normalise_lang(lang))


@lru_cache(maxsize=16)
def _default_rules(company: str | None, lang: str) -> RuleSet:
    return load_rules(RULES_FILES[lang], company)


# --------------------------------------------------------------------------- analysis
def sentences(text: str) -> list[tuple[int, int]]:
    """Spans (start, end) of the sentences in ``text`` (split on . ! ? ; 。！？；… and new lines)."""
    return [(m.start(), m.end()) for m in _SENTENCE.finditer(text) if m.group().strip()]


def _unless_hit(rule: Rule, sentence: str, text: str) -> bool:
    scope = text if rule.unless_scope == "text" else sentence
    return any(p.search(scope) for p in rule.unless)


def analyse(text: str, mode: str = "any", *, rules: RuleSet | None = None,
            categories: Iterable[str] | None = None, company: str | None = None,
            lang: str | None = None) -> list[Finding]:
    """Flag wording to avoid in ``text``, and (for ``greeting``/``closing``) the parts it lacks.

    Findings come forbidden first, then discouraged (in text order), then missing parts.
    ``categories`` limits the wording rules to those tags (missing parts are still checked).
    Without ``rules``, the course's rules for ``lang`` are used (default: the course language).
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
    if not isinstance(text, str):
        raise TypeError(f"text must be a string, got {type(text).__name__}")
    rs = rules or default_rules(company, normalise_lang(lang))
    cats = set(categories) if categories is not None else None
    norm = text.translate(_NORMALISE)
    found: list[Finding] = []
    for rule in rs.rules:
        if cats is not None and rule.category not in cats:
            continue
        for s0, s1 in sentences(norm):
            sent = norm[s0:s1]
            hit = None
            for pat in rule.patterns:
                m = pat.search(sent)
                if m and (hit is None or m.start() < hit.start()):
                    hit = m
            if hit is None or _unless_hit(rule, sent, norm):
                continue
            a, b = s0 + hit.start(), s0 + hit.end()
            found.append(Finding(rule.id, rule.severity, rule.title, rule.why, rule.better,
                                 rule.category, text[a:b], a, b, rule.source, rule.standard))
    found.sort(key=lambda f: (SEVERITIES.index(f.severity), f.start))
    for part in rs.parts.get(mode, ()):
        if not any(p.search(norm) for p in part.patterns):
            found.append(Finding(part.id, "missing-part", part.title, part.why, part.better,
                                 "missing-part", None, None, None, part.source, part.standard))
    return found


def required_parts(mode: str, rules: RuleSet | None = None, lang: str | None = None) -> list[str]:
    """Titles of the parts a ``greeting`` or ``closing`` must contain (empty for ``any``)."""
    rs = rules or default_rules(lang=normalise_lang(lang))
    return [p.title for p in rs.parts.get(mode, ())]


# --------------------------------------------------------------------------- presentation
ICONS = {"forbidden": "⛔", "discouraged": "⚠️", "missing-part": "➕"}
COLOURS = {"forbidden": "#fdecea", "discouraged": "#fff8e1", "missing-part": "#eef2f7"}
# What the widget itself says, marked for the gettext catalogs (grader/locale) like every other
# message of the course. "Why: " and "Better: " carry their separator (": ", "：" in Chinese).
TEXTS_EN = {
    "severity": {
        "forbidden": N_("Never say"),
        "discouraged": N_("Better avoided"),
        "missing-part": N_("Missing"),
    },
    "noun": {
        "greeting": N_("greeting"),
        "closing": N_("closing"),
        "any": N_("wording"),
    },
    "clean_any": N_("✅ Nothing to flag: no wording from the avoid-list."),
    "clean_mode": N_("✅ A complete {noun}: every required part is there and nothing needs rewording."),
    "count": N_("{n} to work on: {bits}."),
    "bit": N_("{n} {label}"),
    "empty": N_("✏️ Type what you would say to the caller, then press <b>Check my wording</b>."),
    "why": N_("Why: "),
    "better": N_("Better: "),
    "note": N_("The checker reads words only: tone, pace and warmth are for your trainer and your own ear."),
    "button": N_("Check my wording"),
    "placeholder": {
        "greeting": N_("Type the first words you would say when you pick up a call…"),
        "closing": N_("Type how you would end a call…"),
        "any": N_("Type a sentence you would say to a caller…"),
    },
    "intro_parts": N_("<b>Required parts of a {noun}:</b> {parts}"),
    "intro_any": N_("<b>Check your wording</b> against the avoid-list."),
}
LABELS = TEXTS_EN["severity"]  # English labels, as before


def _translated(d: dict, gettext) -> dict:
    return {k: _translated(v, gettext) if isinstance(v, dict) else gettext(v) for k, v in d.items()}


# Punctuation between the parts of a line is typography, not a message: per language.
PUNCTUATION = {"en": {"bit_sep": ", ", "sep": ": ", "parts_sep": ", "},
               "zh-CN": {"bit_sep": "，", "sep": "：", "parts_sep": "、"}}


def _texts(lang: str | None) -> dict:
    """The widget's strings in ``lang`` (its catalog; English where there is none)."""
    from ..i18n import catalog

    return {**_translated(TEXTS_EN, catalog(lang or "en").gettext),
            **PUNCTUATION.get(lang or "en", PUNCTUATION["en"])}


def summary(findings: Sequence[Finding], mode: str = "any", lang: str = "en") -> str:
    """One line for the learner: clean, or how many flags of each kind."""
    t = _texts(lang)
    if not findings:
        return t["clean_any"] if mode == "any" else t["clean_mode"].format(noun=t["noun"][mode])
    counts = {s: sum(f.severity == s for f in findings) for s in SEVERITIES}
    bits = [t["bit"].format(n=n, label=t["severity"][s].lower()) for s, n in counts.items() if n]
    return t["count"].format(n=len(findings), bits=t["bit_sep"].join(bits))


def highlight(text: str, findings: Sequence[Finding]) -> str:
    """The learner's text as HTML with each flagged phrase marked (overlaps merged)."""
    spans = sorted((f.start, f.end, f.severity) for f in findings if f.start is not None)
    out, pos = [], 0
    for a, b, sev in spans:
        if a < pos:
            continue
        out.append(html.escape(text[pos:a]))
        colour = "#f5b7b1" if sev == "forbidden" else "#ffe08a"
        out.append(f'<mark style="background:{colour}" title="{html.escape(sev)}">{html.escape(text[a:b])}</mark>')
        pos = b
    out.append(html.escape(text[pos:]))
    return "".join(out)


def render_html(text: str, findings: Sequence[Finding], mode: str = "any", lang: str = "en") -> str:
    """The result panel: summary, the text with flags marked, then one card per finding.

    The panel carries ``lang``, so the browser picks the right glyphs (Simplified, not Japanese,
    forms of shared characters) and quote marks.
    """
    t = _texts(lang)
    tag = html.escape(lang or "en")
    if not text.strip():
        return (f'<div class="academy-phrase-empty" lang="{tag}" style="font-family:sans-serif">'
                f'{t["empty"]}</div>')
    ok = not findings
    head = (f'<div class="academy-phrase-summary" data-clean="{str(ok).lower()}" '
            f'style="font-weight:bold;margin-bottom:6px">{html.escape(summary(findings, mode, lang))}</div>')
    quoted = (f'<div class="academy-phrase-quoted" style="border-left:3px solid #bbb;padding:4px 8px;'
              f'margin:6px 0;white-space:pre-wrap">{highlight(text, findings)}</div>')
    cards = []
    for f in findings:
        said = f' <q>{html.escape(f.quote)}</q>' if f.quote else ""
        label = t["severity"][f.severity] + t["sep"]
        cards.append(
            f'<li class="academy-finding" data-rule="{html.escape(f.rule_id)}" data-severity="{f.severity}" '
            f'style="background:{COLOURS[f.severity]};padding:6px 10px;margin:4px 0;border-radius:6px;list-style:none">'
            f"{ICONS[f.severity]} <b>{html.escape(label + f.title)}</b>{said}<br>"
            f"<i>{html.escape(t['why'])}</i>{html.escape(f.why)}<br>"
            f"<i>{html.escape(t['better'])}</i>{html.escape(f.better)}</li>")
    note = f'<div style="color:#666;font-size:90%;margin-top:6px">{html.escape(t["note"])}</div>'
    body = f'<ul style="padding-left:0;margin:0">{"".join(cards)}</ul>' if cards else ""
    return f'<div lang="{tag}" style="font-family:sans-serif">{head}{quoted}{body}{note}</div>'


# --------------------------------------------------------------------------- widget
def _widgets():
    import ipywidgets as widgets

    return widgets


class PhraseChecker:
    """Text box + button + result panel. ``PhraseChecker(mode="greeting")`` as a cell's last line.

    ``lang`` (``"en"`` or ``"zh-CN"``) picks the rules and the labels; by default the course's
    current language, or the language of ``rules`` when those are given.
    The parts live in :attr:`box` (displayed), :attr:`text`, :attr:`button` and :attr:`result`;
    :meth:`check` does what the button does, so notebooks and tests can drive it directly.
    """

    PLACEHOLDERS = TEXTS_EN["placeholder"]

    def __init__(self, mode: str = "any", *, company: str | None = None, value: str = "",
                 rules: RuleSet | None = None, categories: Iterable[str] | None = None,
                 description: str | None = None, lang: str | None = None):
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
        w = _widgets()
        self.mode, self.company = mode, company
        self.lang = normalise_lang(lang) if lang is not None or rules is None else rules.lang
        self.rules = rules or default_rules(company, self.lang)
        self.categories = set(categories) if categories is not None else None
        self.findings: list[Finding] = []
        t = _texts(self.lang)
        self.text = w.Textarea(value=value, placeholder=t["placeholder"][mode],
                               layout=w.Layout(width="100%", height="80px"))
        self.text.add_class("academy-phrase-input")
        self.button = w.Button(description=t["button"], button_style="primary", icon="check",
                               layout=w.Layout(width="auto", min_width="180px"))  # the whole label shows
        self.button.add_class("academy-phrase-check")
        self.result = w.HTML(value="")
        self.result.add_class("academy-phrase-result")
        self.button.on_click(lambda _b: self.check())
        parts = required_parts(mode, self.rules)
        intro = description or (t["intro_parts"].format(noun=t["noun"][mode], parts=html.escape(
            t["parts_sep"].join(parts))) if parts else t["intro_any"])
        self.box = w.VBox([w.HTML(f'<div lang="{html.escape(self.lang)}">{intro}</div>'),
                           self.text, self.button, self.result])
        self.box.add_class("academy-phrase-checker")

    def check(self) -> list[Finding]:
        """Analyse the current text and show the result; returns the findings."""
        text = self.text.value or ""
        self.findings = analyse(text, self.mode, rules=self.rules, categories=self.categories) if text.strip() else []
        self.result.value = render_html(text, self.findings, self.mode, self.lang)
        return self.findings

    def _ipython_display_(self):
        from IPython.display import display

        display(self.box)
