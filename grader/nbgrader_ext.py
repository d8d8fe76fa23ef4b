"""Reading check/grade calls from exercise cells and sealing the answer key into check cells.

:class:`grader.preprocessors.SealChecks` runs this inside nbgrader's own ``generate_assignment``
pipeline (``nbgrader_config.py`` puts it right after ``ClearSolutions``), so ``nbgrader
generate_assignment`` and ``academy build`` give the same release. For each check cell ``check("q1_2", q1_2, kind=..., hints=...)`` it finds the hidden grade
cell ``grade("q1_2", q1_2, answer=..., ...)``, builds the sealed spec (see :mod:`grader.check`) and
rewrites the check cell to ``check("q1_2", q1_2, sealed="...")``. The rewritten source is what
nbgrader saves in its gradebook, so autograding restores exactly the released cell.
"""
from __future__ import annotations

import ast
import re
from typing import Any

from nbformat import NotebookNode

from .check import make_sealed_spec, seal

_CALL = re.compile(r"^(?P<indent>\s*)(?P<call>(check|grade)\s*\(.*)$", re.S)


def _calls(source: str, func: str) -> list[tuple[ast.Call, str]]:
    """Top-level calls ``func(...)`` in a cell, with the source text of each statement."""
    src = "\n".join(l for l in source.splitlines() if not l.strip().startswith("###"))
    try:
        tree = ast.parse(src)
    except SyntaxError:
        return []
    out = []
    for node in tree.body:
        call = node.value if isinstance(node, ast.Expr) else None
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == func:
            out.append((call, ast.get_source_segment(src, node)))
    return out


def _literal_kwargs(call: ast.Call, where: str) -> dict[str, Any]:
    kw = {}
    for k in call.keywords:
        if k.arg is None:
            raise ValueError(f"{where}: **kwargs are not allowed in check/grade calls")
        try:
            kw[k.arg] = ast.literal_eval(k.value)
        except ValueError as exc:
            raise ValueError(f"{where}: {k.arg}= must be a plain value (text, number, list, "
                             f"dict)") from exc
    return kw


def question_specs(nb: NotebookNode) -> dict[str, dict[str, dict]]:
    """{name: {"check": kwargs, "grade": kwargs}} for every question in a source notebook."""
    specs: dict[str, dict[str, dict]] = {}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for func in ("check", "grade"):
            for call, _ in _calls(cell.source, func):
                if not call.args or not isinstance(call.args[0], ast.Constant):
                    continue
                name = call.args[0].value
                specs.setdefault(name, {})[func] = _literal_kwargs(call, f"{func}({name!r})")
    return specs


def seal_source(source: str, specs: dict[str, dict[str, dict]]) -> str:
    """Rewrite each check call in a cell to its sealed form; other lines stay as they are."""
    calls = _calls(source, "check")
    for call, text in calls:
        name = call.args[0].value
        parts = specs.get(name, {})
        if "grade" not in parts:
            raise ValueError(f"check({name!r}) has no hidden grade({name!r}, ...) cell with the answer")
        sealed = seal(make_sealed_spec(name, parts["check"], parts["grade"]))
        value = ast.unparse(call.args[1]) if len(call.args) > 1 else name
        source = source.replace(text, f'check("{name}", {value}, sealed="{sealed}")', 1)
    return source
