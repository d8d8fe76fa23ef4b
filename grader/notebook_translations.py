"""Translated editions of the course's notebooks, made from the English source cell by cell.

English stays the source. Next to every English notebook that has a Chinese edition lies its
translation, keyed by the English cells' ids::

    course/01-service-standards/01.1-voice-and-first-impressions.ipynb          English (source)
    course/01-service-standards/01.1-voice-and-first-impressions.zh-CN.yaml     the translation
    course/01-service-standards/01.1-voice-and-first-impressions.zh-CN.ipynb    made by `academy build`

    solutions/01-service-standards/01-service-standards.ipynb                   English (source)
    solutions/01-service-standards/01-service-standards.zh-CN.yaml              the translation
    exercises/zh-CN/01-service-standards/01-service-standards.ipynb             made by `academy build`

A translation file looks like this::

    source: 01.1-voice-and-first-impressions.ipynb
    cells:
      m1-cell-00:              # the English cell's id
        en: 3f2a9c0d1b2e       # fingerprint of the English cell when it was translated
        zh: |
          # 模块 1 · ……

``en`` is the first 12 hex digits of the SHA-256 of the English cell's source. When someone edits
the English cell, its fingerprint changes and the translation is *out of date*: `academy build`
and the test suite name the file and the cell until a translator updates it (and its ``en``).
``python -m grader.notebook_translations todo FILE.ipynb`` lists what needs doing, with the
fingerprints to write.

What must be translated, and what a translation may change:

* every Markdown cell;
* every code cell with English text in a comment or a string (two or more words), e.g. a
  self-check's hints; a code cell whose English text must stay (a dataset's column name) says so
  with ``keep: true`` and its fingerprint instead of ``zh``;
* in a code cell only comments and such English strings may change: the code, every other
  string (answers, options, question ids) and nbgrader's markers must stay exactly as they are,
  and a hidden-test region stays byte for byte the English one. Cell metadata (nbgrader's ids,
  points, locks) always comes from the English notebook, so both editions grade the same.

The Chinese edition's first code cell that uses the course's tools starts with a line choosing
Chinese for every message the tools print (see :mod:`grader.i18n`).
"""
from __future__ import annotations

import ast
import copy
import hashlib
import io
import re
import sys
import tokenize
from dataclasses import dataclass
from pathlib import Path

import nbformat
import yaml

from . import paths

TRANSLATED = ("zh-CN",)
KEY = {"zh-CN": "zh"}
LANGUAGE_LINE = 'from grader.i18n import use_language; use_language("{lang}")  # {comment}'
LANGUAGE_COMMENT = {"zh-CN": "本笔记本的提示和反馈都用中文"}
MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION", "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")
_ENGLISH = re.compile(r"[A-Za-z]{2,}[’',.:;!?)]*\s+[(\"'‘“]?[A-Za-z]{2,}")


class TranslationError(ValueError):
    """A translation file that cannot be read or does not fit its English notebook."""

    def __init__(self, message: str, problems: list["Problem"] | None = None):
        super().__init__(message)
        self.problems = problems or []


@dataclass(frozen=True)
class Problem:
    file: Path
    cell: str
    kind: str  # missing | out of date | unknown cell | not allowed | unreadable
    detail: str = ""

    def __str__(self) -> str:
        where = _rel(self.file) + (f": cell {self.cell}" if self.cell else "")
        return f"{where}: {self.kind}" + (f": {self.detail}" if self.detail else "")


def _rel(p: Path) -> str:
    try:
        return str(Path(p).resolve().relative_to(paths.ROOT))
    except ValueError:
        return str(p)


def fingerprint(source: str) -> str:
    return hashlib.sha256(source.encode("utf-8")).hexdigest()[:12]


def translation_file(notebook: Path, lang: str = "zh-CN") -> Path:
    notebook = Path(notebook)
    return notebook.with_name(f"{notebook.stem}.{lang}.yaml")


def is_edition(notebook: Path) -> bool:
    """Is this a generated translated edition (X.zh-CN.ipynb), not an English source?"""
    return any(Path(notebook).name.endswith(f".{lang}.ipynb") for lang in TRANSLATED)


def lesson_edition(notebook: Path, lang: str = "zh-CN") -> Path:
    notebook = Path(notebook)
    return notebook.with_name(f"{notebook.stem}.{lang}.ipynb")


def english_lessons() -> list[Path]:
    return sorted(p for p in paths.COURSE.rglob("*.ipynb")
                  if not is_edition(p) and ".ipynb_checkpoints" not in p.parts)


def english_exercises() -> list[Path]:
    return sorted(p for p in paths.SOLUTIONS.glob("*/*.ipynb") if not is_edition(p))


# ---------------------------------------------------------------- what a code cell says in English

def _comments_and_strings(source: str) -> tuple[list[str], list[str]]:
    comments, strings = [], []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type == tokenize.COMMENT:
                comments.append(tok.string)
            elif tok.type == tokenize.STRING:
                strings.append(tok.string)
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass
    return comments, strings


def is_text(value: str) -> bool:
    """Does this string or comment carry English words a reader sees (two words or more)?"""
    return bool(_ENGLISH.search(value))


def needs_translation(cell) -> bool:
    if cell.cell_type == "markdown":
        return bool(cell.source.strip())
    if cell.cell_type != "code":
        return False
    comments, strings = _comments_and_strings(cell.source)
    comments = [c for c in comments if c.strip() not in MARKERS]
    return any(is_text(c) for c in comments) or any(is_text(s) for s in strings)


# ---------------------------------------------------------------- reading translation files

def load(file: Path) -> dict:
    """The translation file as {'source': ..., 'cells': {id: {...}}}; TranslationError if unreadable."""
    try:
        # BaseLoader reads every scalar as text, so a cell id such as 01234567 or 1e5 stays itself
        data = yaml.load(Path(file).read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    except yaml.YAMLError as exc:
        raise TranslationError(f"{_rel(file)}: not valid YAML: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("cells"), dict):
        raise TranslationError(f"{_rel(file)}: expected a mapping with 'source' and 'cells'")
    return data


def _entry_problems(file: Path, cid: str, entry, cell, lang: str, protected: set[str]) -> list[Problem]:
    key = KEY[lang]
    if not isinstance(entry, dict):
        return [Problem(file, cid, "unreadable", f"expected 'en' and '{key}' (or 'keep: true')")]
    unknown = set(entry) - {"en", key, "keep"}
    if unknown:
        return [Problem(file, cid, "unreadable", f"unknown field(s) {sorted(unknown)}")]
    if entry.get("keep") in ("true", "yes", True):
        if key in entry:
            return [Problem(file, cid, "unreadable", f"both 'keep: true' and '{key}'")]
        if cell.cell_type == "markdown":
            return [Problem(file, cid, "not allowed", "a Markdown cell cannot be kept in English")]
    elif not isinstance(entry.get(key), str) or not entry[key].strip():
        return [Problem(file, cid, "missing", f"no '{key}' text")]
    if entry.get("en") != fingerprint(cell.source):
        return [Problem(file, cid, "out of date",
                        f"the English cell changed since it was translated (en: {entry.get('en')!r}, "
                        f"now {fingerprint(cell.source)}); update the translation and its 'en'")]
    if cell.cell_type == "code" and key in entry:
        why = code_difference(cell.source, entry[key], protected)
        if why:
            return [Problem(file, cid, "not allowed", why)]
    return []


def problems(notebook: Path, lang: str = "zh-CN") -> list[Problem]:
    """Everything wrong with this notebook's translation (empty: the edition can be built)."""
    notebook = Path(notebook)
    file = translation_file(notebook, lang)
    found: list[Problem] = []
    if not file.exists():
        found.append(Problem(file, "", "missing", f"no translation of {_rel(notebook)}"))
        data = {"source": notebook.name, "cells": {}}
    else:
        try:
            data = load(file)
        except TranslationError as exc:
            return [Problem(file, "", "unreadable", str(exc).split(": ", 1)[-1])]
    nb = nbformat.read(notebook, as_version=4)
    cells = {c.get("id"): c for c in nb.cells}
    protected = hidden_strings(nb)
    if data.get("source") != notebook.name:
        found.append(Problem(file, "", "unreadable", f"'source' should be {notebook.name!r}"))
    entries = data["cells"]
    for cid in entries:
        if cid not in cells:
            found.append(Problem(file, str(cid), "unknown cell",
                                 f"{_rel(notebook)} has no cell with this id (removed or renamed?)"))
    for cell in nb.cells:
        cid = cell.get("id")
        if cid in entries:
            found += _entry_problems(file, cid, entries[cid], cell, lang, protected)
        elif needs_translation(cell):
            found.append(Problem(file, cid, "missing",
                                 f"the {cell.cell_type} cell has English text; add it with "
                                 f"en: {fingerprint(cell.source)}"))
    return found


# ---------------------------------------------------------------- what a code translation may change

def _parse(source: str):
    from IPython.core.inputtransformer2 import TransformerManager

    try:
        return ast.parse(TransformerManager().transform_cell(source))
    except SyntaxError:
        return None


# In a call to check() or grade(), which keyword arguments are only shown to the learner (and may
# be translated); every other argument (the question id, kind, options, categories, answers) is
# compared by code and must stay exactly as in English. Of hints={...}, only the values may change.
SHOWN_KEYWORDS = {"hints", "unit", "what"}
CHECK_CALLS = {"check", "grade"}


class _Strings(ast.NodeTransformer):
    """Replace every string constant with a placeholder, recording (value, policy): 'text' (may
    change if it is English text), 'shown' (may change: shown to the learner only) or 'locked'."""

    def __init__(self):
        self.values: list[tuple[str, str]] = []
        self._policy = ["text"]

    def _visit_under(self, node, policy):
        self._policy.append(policy)
        try:
            return self.visit(node)
        finally:
            self._policy.pop()

    def visit_Call(self, node):
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
        if name == "print":  # printed for the reader: even a single word may be translated
            node.args = [self._visit_under(a, "shown") for a in node.args]
            node.keywords = [self.visit(k) for k in node.keywords]
            return node
        if name not in CHECK_CALLS:
            return self.generic_visit(node)
        node.func = self.visit(node.func)
        node.args = [self._visit_under(a, "locked") for a in node.args]
        for kw in node.keywords:
            if kw.arg == "hints" and isinstance(kw.value, ast.Dict):
                kw.value.keys = [self._visit_under(k, "locked") if k is not None else None
                                 for k in kw.value.keys]
                kw.value.values = [self._visit_under(v, "shown") for v in kw.value.values]
            else:
                kw.value = self._visit_under(kw.value, "shown" if kw.arg in SHOWN_KEYWORDS else "locked")
        return node

    def visit_JoinedStr(self, node):
        text = "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
        self.values.append((text, self._policy[-1]))
        kept = [self.visit(v) for v in node.values if not isinstance(v, ast.Constant)]
        return ast.copy_location(ast.JoinedStr(values=kept), node)

    def visit_Constant(self, node):
        if isinstance(node.value, str):
            self.values.append((node.value, self._policy[-1]))
            return ast.copy_location(ast.Constant("<str>"), node)
        return node


def _shape(tree) -> tuple[str, list[tuple[str, str]]]:
    s = _Strings()
    tree = s.visit(copy.deepcopy(tree))
    return ast.dump(tree), s.values


def _markers(source: str) -> list[str]:
    return [line.strip() for line in source.splitlines() if line.strip() in MARKERS]


def _hidden(source: str) -> str | None:
    m = re.search(r"### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS", source, re.S)
    return m.group(0) if m else None


def hidden_strings(notebook) -> set[str]:
    """Every string in the notebook's hidden tests: answers, which no translation may change."""
    found: set[str] = set()
    for cell in notebook.cells:
        region = _hidden(cell.source) if cell.cell_type == "code" else None
        tree = _parse(region) if region else None
        if tree is not None:
            found |= {v for v, _ in _shape(tree)[1]}
    return found


def code_difference(english: str, translated: str, protected: set[str] = frozenset()) -> str:
    """Why this translation of a code cell changes more than comments and the text a learner reads
    ('' if it does not). ``protected``: strings that must stay wherever they appear (answers)."""
    if _markers(english) != _markers(translated):
        return "nbgrader's ### BEGIN/END markers must stay exactly as in English"
    if _hidden(english) != _hidden(translated):
        return "the hidden tests must stay byte for byte as in English"
    en_tree, zh_tree = _parse(english), _parse(translated)
    if en_tree is None:
        return "" if english.strip() == translated.strip() else "the English cell is not Python; keep it as is"
    if zh_tree is None:
        return "the translation is not valid Python"
    en_shape, en_strings = _shape(en_tree)
    zh_shape, zh_strings = _shape(zh_tree)
    if en_shape != zh_shape or len(en_strings) != len(zh_strings):
        return "only comments and English text in strings may change, not the code"
    for (en, policy), (zh, _) in zip(en_strings, zh_strings):
        if en == zh:
            continue
        if policy == "locked" or en in protected:
            return f"the string {en!r} is compared by the grader (an id, option, category or answer): keep it as is"
        if policy == "text" and not is_text(en):
            return f"the string {en!r} is not English text (a name, code or value): keep it as is"
    return ""


# ---------------------------------------------------------------- making an edition

def _language_line(lang: str) -> str:
    return LANGUAGE_LINE.format(lang=lang, comment=LANGUAGE_COMMENT[lang])


def _uses_course_tools(source: str) -> bool:
    return bool(re.search(r"^\s*(from|import)\s+grader\b", source, re.M))


def translate(notebook: Path, lang: str = "zh-CN") -> nbformat.NotebookNode:
    """The translated edition of this English notebook (TranslationError listing every problem)."""
    notebook = Path(notebook)
    found = problems(notebook, lang)
    if found:
        raise TranslationError("\n".join(map(str, found)), found)
    entries = load(translation_file(notebook, lang))["cells"]
    key = KEY[lang]
    nb = nbformat.read(notebook, as_version=4)
    out = copy.deepcopy(nb)
    out.metadata["academy"] = {**out.metadata.get("academy", {}), "lang": lang, "source": notebook.name}
    out.metadata.setdefault("language_info", {})
    first_tool_cell = True
    for cell in out.cells:
        entry = entries.get(cell.get("id")) or {}
        if key in entry:
            cell.source = entry[key].rstrip("\n")
        if cell.cell_type == "markdown":
            cell.source = _link_editions(cell.source, notebook.parent, lang)
        if cell.cell_type == "code" and first_tool_cell and _uses_course_tools(cell.source):
            lines = cell.source.split("\n")
            at = next((i for i, line in enumerate(lines) if not line.startswith("#")), len(lines))
            cell.source = "\n".join(lines[:at] + [_language_line(lang)] + lines[at:])
            first_tool_cell = False
    return out


_LINK = re.compile(r"(\]\()([^)\s#]+?\.ipynb)([#)])")


def _link_editions(markdown: str, folder: Path, lang: str) -> str:
    """Links to another English lesson point to its edition in the same language, if it has one."""
    def swap(m: re.Match) -> str:
        target = (folder / m.group(2))
        if not is_edition(target) and target.exists() and translation_file(target, lang).exists():
            return m.group(1) + m.group(2)[: -len(".ipynb")] + f".{lang}.ipynb" + m.group(3)
        return m.group(0)
    return _LINK.sub(swap, markdown)


def _write(nb, path: Path) -> bool:
    text = nbformat.writes(nb) + "\n"
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return True


def _editions(notebooks: list[Path], lang: str, found: list[Problem]):
    """(English notebook, its edition) for each notebook with a translation file; the problems of
    translations that cannot be built yet go to ``found``."""
    for nb in notebooks:
        if not translation_file(nb, lang).exists():
            continue
        try:
            yield nb, translate(nb, lang)
        except TranslationError as exc:
            found.extend(exc.problems)


def build_lessons(lang: str = "zh-CN") -> tuple[list[Path], list[Problem]]:
    """Write every lesson's edition that has a translation file; return (changed, problems)."""
    changed, found = [], []
    for nb, edition in _editions(english_lessons(), lang, found):
        if _write(edition, lesson_edition(nb, lang)):
            changed.append(lesson_edition(nb, lang))
    known = {lesson_edition(nb, lang) for nb in english_lessons() if translation_file(nb, lang).exists()}
    for stray in paths.COURSE.rglob(f"*.{lang}.ipynb"):
        if stray not in known:
            stray.unlink()
            changed.append(stray)
    return changed, found


def build_exercise_sources(target: Path, lang: str = "zh-CN") -> tuple[list[str], list[Problem]]:
    """Write the translated nbgrader source of every assignment with a complete translation into
    target/<assignment>/ (with the assignment's other files); return (assignment ids, problems)."""
    import shutil

    built, found = [], []
    for nb, edition in _editions(english_exercises(), lang, found):
        aid = nb.parent.name
        dest = target / aid
        if dest.exists():
            shutil.rmtree(dest)
        dest.mkdir(parents=True)
        for f in nb.parent.iterdir():
            if f.suffix == ".ipynb" or f.name.endswith(".yaml") and f".{lang}." in f.name \
                    or f.name in (".ipynb_checkpoints", "__pycache__"):
                continue
            (shutil.copytree if f.is_dir() else shutil.copy2)(f, dest / f.name)
        _write(edition, dest / nb.name)
        built.append(aid)
    return built, found


def edition_source(lang: str = "zh-CN") -> Path:
    """nbgrader's source folder for a translated edition (``build/<lang>/solutions``), made from
    ``solutions/`` and the translations; remade whenever either is newer. A cohort taught in
    that language is released and graded from here (``academy --lang zh-CN release …``)."""
    target = paths.ROOT / "build" / lang / "solutions"
    inputs = [p for nb in english_exercises() for p in nb.parent.iterdir() if p.is_file()]
    stamp = target / ".made"
    newest = max((p.stat().st_mtime for p in inputs), default=0)
    if not stamp.exists() or stamp.stat().st_mtime < newest:
        target.mkdir(parents=True, exist_ok=True)
        ids, found = build_exercise_sources(target, lang)
        if found:
            raise TranslationError("\n".join(map(str, found)), found)
        for old in target.iterdir():
            if old.is_dir() and old.name not in ids:
                import shutil

                shutil.rmtree(old)
        stamp.touch()
        import os
        import time

        t = max(time.time(), newest)  # never older than what it was made from
        os.utime(stamp, (t, t))
    return target


def all_problems(lang: str = "zh-CN") -> list[Problem]:
    """Problems in every translation there is, plus every English notebook without one."""
    found = []
    for nb in english_lessons() + english_exercises():
        found += problems(nb, lang)
    return found


# ---------------------------------------------------------------- for translators

def todo(notebook: Path, lang: str = "zh-CN") -> str:
    """What a translator has to do in this notebook's translation, with the English to translate."""
    notebook = Path(notebook)
    nb = nbformat.read(notebook, as_version=4)
    cells = {c.get("id"): c for c in nb.cells}
    out = []
    for p in problems(notebook, lang):
        out.append(f"## {p}")
        if p.cell in cells:
            c = cells[p.cell]
            out.append(f"{p.cell}:\n  en: {fingerprint(c.source)}\n  # {c.cell_type}:\n"
                       + "\n".join("  | " + line for line in c.source.splitlines()))
    return "\n".join(out) or "Nothing to do: the translation is complete and up to date."


def main(argv: list[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(prog="python -m grader.notebook_translations",
                                 description="Check notebook translations or list what needs doing.")
    ap.add_argument("command", choices=["todo", "check"])
    ap.add_argument("notebooks", nargs="*", type=Path)
    ap.add_argument("--lang", default="zh-CN", choices=TRANSLATED)
    a = ap.parse_args(argv)
    if a.command == "todo":
        for nb in a.notebooks:
            print(todo(nb, a.lang))
        return 0
    found = [p for nb in a.notebooks for p in problems(nb, a.lang)] if a.notebooks else all_problems(a.lang)
    for p in found:
        print(p)
    print(f"{len(found)} problem(s)." if found else "All translations complete and up to date.")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
