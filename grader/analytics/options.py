"""Which options learners chose on multiple-choice questions, read from their graded notebooks.

The gradebook keeps scores, not answers, so the answers are read from the autograded notebooks'
answer cells (``q1_2 = 'B'`` → ``'B'``, by :func:`grader.diagnose.answer_values`, never by
running code). Reading thousands of notebooks takes time, so each notebook's answers are cached
in ``.academy/answers-cache.json`` in the workspace, keyed by file size and modification time:
a second report reads only notebooks graded since. The tables are built with pandas group-bys
and stay fast at any cohort size.

What each option said is read from the assignment's source notebook (:func:`option_wording`): the
question's text lists its options as learners saw them (``- **A.** "Good morning, …"``), so the
report can show the wording next to the letter.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

CACHE = Path(".academy") / "answers-cache.json"


def read_answers(workspace: Path, assignments: list[str] | None = None) -> pd.DataFrame:
    """(learner, assignment, question, answer) for every literal answer in autograded notebooks."""
    import nbformat

    from ..diagnose import answer_values

    root = workspace / "autograded"
    cache_path = workspace / CACHE
    try:
        cache = json.loads(cache_path.read_text())
    except (OSError, ValueError):
        cache = {}
    rows: list[tuple[str, str, str, Any]] = []
    fresh = {}
    for path in sorted(root.glob("*/*/*.ipynb")):
        learner, assignment = path.parent.parent.name, path.parent.name
        if assignments and assignment not in assignments:
            continue
        key = str(path.relative_to(root))
        st = path.stat()
        stamp = [st.st_size, st.st_mtime_ns]
        hit = cache.get(key)
        if hit and hit[0] == stamp:
            answers = hit[1]
        else:
            try:
                answers = {q: _jsonable(v) for q, v in answer_values(nbformat.read(path, as_version=4)).items()}
            except Exception:  # noqa: BLE001 - an unreadable notebook has no answers to count
                answers = {}
        fresh[key] = [stamp, answers]
        rows += [(learner, assignment, q, v) for q, v in answers.items()]
    try:
        cache_path.parent.mkdir(parents=True, exist_ok=True)
        cache_path.write_text(json.dumps(fresh))
    except OSError:
        pass
    return pd.DataFrame(rows, columns=["learner", "assignment", "question", "answer"])


def _jsonable(v: Any) -> Any:
    if isinstance(v, (set, frozenset, tuple)):
        return sorted(v, key=str) if isinstance(v, (set, frozenset)) else list(v)
    return v


def option_table(answers: pd.DataFrame, kinds: dict[str, str], keys: dict[str, Any] | None = None,
                 n_learners: dict[str, int] | None = None) -> pd.DataFrame:
    """How often each option was chosen, per choice or pick-all question.

    Columns: question, kind, option, count, share (of learners who answered), correct (bool or
    None when the key is unknown). ``n_learners`` (per question) adds a "(blank)" row for
    learners who submitted but left the question unanswered.
    """
    keys = keys or {}
    kind = answers.question.map(kinds)
    a = answers[kind.isin(["choice", "multi"])]
    cols = ["question", "kind", "option", "count", "share", "correct"]
    if a.empty:
        return pd.DataFrame(columns=cols)
    kind = a.question.map(kinds).to_numpy()
    choice = kind == "choice"
    parts = []
    c = a[choice]
    try:  # normalise each distinct answer once, not every learner's copy of it
        codes, uniques = pd.factorize(c.answer.to_numpy(dtype=object))
        norm = np.array([_options(u, "choice")[0] for u in uniques] + ["(blank)"], dtype=object)
        parts.append(pd.DataFrame({"question": c.question.to_numpy(), "option": norm[codes]}))
    except TypeError:  # some answers are lists or dicts: the slow, general way
        parts.append(pd.DataFrame({"question": c.question.to_numpy(),
                                   "option": [_options(v, "choice")[0] for v in c.answer]}))
    m = a[~choice]
    if len(m):
        exploded = pd.DataFrame({"question": m.question.to_numpy(),
                                 "option": [_options(v, "multi") for v in m.answer]}).explode("option")
        parts.append(exploded)
    chosen = pd.concat(parts, ignore_index=True)
    counts = chosen.groupby(["question", "option"], sort=False).size().rename("count").reset_index()
    counts.insert(1, "kind", counts.question.map(kinds))
    answered = answers.groupby("question").learner.nunique()
    if n_learners:
        blank = [(q, kinds[q], "(blank)", n - answered.get(q, 0)) for q, n in n_learners.items()
                 if kinds.get(q) in ("choice", "multi") and n - answered.get(q, 0) > 0]
        counts = pd.concat([counts, pd.DataFrame(blank, columns=counts.columns)], ignore_index=True)
        base = pd.Series(n_learners)
    else:
        base = answered
    counts["share"] = counts["count"] / counts.question.map(base)
    counts["correct"] = [_is_key(o, keys.get(q)) for q, o in zip(counts.question, counts.option)]
    return counts.sort_values(["question", "count"], ascending=[True, False]).reset_index(drop=True)[cols]


def _options(value: Any, kind: str) -> list[str]:
    if kind == "choice":
        return [str(value).strip().upper() if isinstance(value, str) else "(not a letter)"]
    if isinstance(value, (list, tuple, set)):
        return sorted({str(v).strip().upper() for v in value}) or ["(empty list)"]
    return ["(not a list)"]


def _is_key(option: str, key: Any) -> bool | None:
    if key is None or option.startswith("("):
        return None
    if isinstance(key, (list, tuple, set)):
        return option in {str(k).strip().upper() for k in key}
    return option == str(key).strip().upper()


def answer_keys(source: Path) -> tuple[dict[str, str], dict[str, Any]]:
    """({question: kind}, {question: key}) from an assignment's source notebooks (trainer side)."""
    import nbformat

    from ..nbgrader_ext import question_specs

    kinds, keys = {}, {}
    for path in sorted(source.glob("*.ipynb")):
        for name, parts in question_specs(nbformat.read(path, as_version=4)).items():
            g, c = parts.get("grade", {}), parts.get("check", {})
            if g.get("kind") or c.get("kind"):
                kinds[name] = g.get("kind") or c.get("kind")
            if "answer" in g:
                keys[name] = g["answer"]
    return kinds, keys


# An option in a question's text: a list item "- **A.** wording", "- **A** wording", "- A. wording"
# (its wording may go on over indented lines), or a table row "| **A** | wording |".
_OPTION_LINE = re.compile(r"^[ \t]*[-*][ \t]+(?:\*\*([A-Z])[.)]?\*\*|([A-Z])[.)])[ \t]+"
                          r"(.+(?:\n[ \t]+\S.*)*)", re.M)
_OPTION_ROW = re.compile(r"^\|\s*(?:\*\*)?([A-Z])(?:\*\*)?\s*\|\s*(.+?)\s*\|", re.M)
WORDING_CHARS = 140  # longer wording is shortened with "…" in the report


def option_wording(source: Path, lang: str | None = None) -> dict[str, dict[str, tuple[str, str]]]:
    """{question: {OPTION: (label, wording)}} for the choice and pick-all questions of an
    assignment's source notebooks: the option as the learner writes it (``label``: the letter, or a
    listed option's own spelling such as ``'communication'``) and the text the question shows for
    it (``wording``; empty when the question lists none, e.g. options that are line numbers).
    Keys are normalised as :func:`option_table` normalises answers (trimmed, upper case).

    ``lang`` (e.g. ``"zh-CN"``, the report's language): the wording of that edition of the
    notebook where it has an up-to-date translation (:mod:`grader.notebook_translations`; options
    keep their letters and order in every edition), else the source's own."""
    import nbformat

    from ..nbgrader_ext import question_specs

    out: dict[str, dict[str, tuple[str, str]]] = {}
    for path in sorted(source.glob("*.ipynb")):
        nb = _edition(path, lang) or nbformat.read(path, as_version=4)
        specs = question_specs(nb)
        text: list[str] = []  # the markdown since the previous question's answer cell
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                text.append(cell.source)
                continue
            name = (cell.metadata.get("nbgrader") or {}).get("grade_id")
            if name not in specs:
                continue
            parts = specs[name]
            check, grade = parts.get("check", {}), parts.get("grade", {})
            if (grade.get("kind") or check.get("kind")) in ("choice", "multi"):
                out[name] = _wording(check.get("options"), "\n\n".join(text))
            text = []
    return out


def _edition(path: Path, lang: str | None):
    """The ``lang`` edition of an English source notebook, or None (English, no translation file,
    an edition already, or a translation that is out of date)."""
    from .. import i18n, notebook_translations as nt

    lang = i18n.normalize(lang)
    if not lang or lang not in nt.TRANSLATED or nt.is_edition(path) \
            or not nt.translation_file(path, lang).exists():
        return None
    try:
        return nt.translate(path, lang)
    except (nt.TranslationError, OSError, ValueError):
        return None


def _wording(options: Any, text: str) -> dict[str, tuple[str, str]]:
    found = {m.group(1) or m.group(2): _plain(m.group(3)) for m in _OPTION_LINE.finditer(text)}
    if not found:
        found = {m.group(1): _plain(m.group(2)) for m in _OPTION_ROW.finditer(text)}
    if isinstance(options, str):  # letters, e.g. "ABCD"
        declared = list(options)
    elif isinstance(options, (list, tuple)):
        declared = [str(o) for o in options]
    else:
        declared = sorted(found)
    return {str(o).strip().upper(): (str(o), found.get(str(o), "")) for o in declared}


def _plain(markdown: str) -> str:
    """One option's wording as plain text: no emphasis or code marks, shortened when long."""
    text = re.sub(r"(\*\*|__|`)", "", markdown)
    text = re.sub(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])", r"\1", text)
    text = " ".join(text.split())
    return text if len(text) <= WORDING_CHARS else text[:WORDING_CHARS - 1].rstrip() + "…"
