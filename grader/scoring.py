"""Scoring outside the sandbox: answer values in as data, hidden tests run where learners can't reach.

The sandbox (:mod:`grader.sandbox`) sends back each answer as JSON data. :func:`decode` turns it
into plain Python values (str, int, float, bool, None, list, tuple, set, dict, and pandas/numpy
objects rebuilt from lists), strictly and within size limits: nothing a learner sends can run code
here. :func:`run_hidden_test` then runs a hidden-test cell's code (the trainer's, restored by
nbgrader from its gradebook) in a fresh namespace that holds only those values, and returns the
outputs a Jupyter kernel would have shown, so nbgrader's own ``SaveAutoGrades`` scores them exactly
as it scores stock autograding.

:func:`tamper_findings` reads a cell's source for attempts on what decides a grade: the check and
grade functions, modules, builtins, frames and interpreter internals. Course answers are literals
or light pandas, which never need any of these.
"""
from __future__ import annotations

import ast
import builtins
import contextlib
import io
from typing import Any

MAX_ITEMS = 100_000
MAX_DEPTH = 40


class Opaque:
    """A value the sandbox could not send as data (a function, an object, something too big)."""

    __slots__ = ("what",)

    def __init__(self, what: str) -> None:
        self.what = str(what)[:80]

    def __repr__(self) -> str:
        return f"<{self.what}>"


class DecodeError(ValueError):
    pass


def decode(data: Any, _depth: int = 0, _budget: list | None = None) -> Any:
    """Plain Python values from the sandbox's JSON description; DecodeError on anything else."""
    budget = _budget if _budget is not None else [MAX_ITEMS]
    budget[0] -= 1
    if budget[0] < 0 or _depth > MAX_DEPTH:
        raise DecodeError("value too large")
    t = type(data)
    if data is None or t in (bool, str):
        return data
    if t is int:
        return data
    if t is float:
        return data
    if t is list:
        return [decode(v, _depth + 1, budget) for v in data]
    if t is not dict or len(data) != 1:
        raise DecodeError("unexpected value form")
    (tag, body), = data.items()
    if tag == "$ellipsis":
        return Ellipsis
    if tag == "$float" and body in ("nan", "inf", "-inf"):
        return float(body)
    if tag == "$opaque":
        return Opaque(body if isinstance(body, str) else "object")
    if tag in ("$tuple", "$set") and type(body) is list:
        items = [decode(v, _depth + 1, budget) for v in body]
        if tag == "$tuple":
            return tuple(items)
        try:
            return set(items)
        except TypeError:
            return Opaque("set")
    if tag == "$dict" and type(body) is list:
        out = {}
        for pair in body:
            if type(pair) is not list or len(pair) != 2:
                raise DecodeError("bad dict")
            k = decode(pair[0], _depth + 1, budget)
            try:
                out[k] = decode(pair[1], _depth + 1, budget)
            except TypeError:
                return Opaque("dict")
        return out
    if tag == "$array" and type(body) is list:
        import numpy as np

        try:
            return np.array(decode(body, _depth + 1, budget))
        except Exception:  # noqa: BLE001
            return Opaque("ndarray")
    if tag == "$series" and type(body) is dict:
        import pandas as pd

        try:
            return pd.Series(decode(body["values"], _depth + 1, budget),
                             index=decode(body["index"], _depth + 1, budget),
                             name=decode(body.get("name"), _depth + 1, budget))
        except (KeyError, TypeError, ValueError):
            return Opaque("Series")
    if tag == "$frame" and type(body) is dict:
        import pandas as pd

        try:
            return pd.DataFrame(decode(body["data"], _depth + 1, budget),
                                columns=decode(body["columns"], _depth + 1, budget),
                                index=decode(body["index"], _depth + 1, budget))
        except (KeyError, TypeError, ValueError):
            return Opaque("DataFrame")
    raise DecodeError(f"unknown value form {tag!r}")


def decode_values(values: Any) -> dict[str, Any]:
    """{name: value} for the names a snapshot sent; a name whose value is unreadable is Opaque."""
    out: dict[str, Any] = {}
    if not isinstance(values, dict):
        return out
    for name, data in list(values.items())[:200]:
        if not isinstance(name, str) or not name.isidentifier():
            continue
        try:
            out[name] = decode(data)
        except (DecodeError, RecursionError, ValueError, TypeError):
            out[name] = Opaque("unreadable value")
    return out


# --------------------------------------------------------------------------- hidden tests
def free_names(source: str) -> list[str]:
    """Names a hidden-test cell reads that it does not define itself (what to ask the sandbox for)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    bound, used = set(), []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for a in node.names:
                bound.add((a.asname or a.name).split(".")[0])
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, ast.Name):
            if isinstance(node.ctx, ast.Store):
                bound.add(node.id)
            elif node.id not in used:
                used.append(node.id)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
    return [n for n in used if n not in bound and not hasattr(builtins, n)]


def _error(exc: BaseException) -> dict:
    return {"output_type": "error", "ename": type(exc).__name__, "evalue": str(exc)[:2000],
            "traceback": [f"{type(exc).__name__}: {str(exc)[:2000]}"]}


def run_hidden_test(source: str, values: dict[str, Any], count: int | None = None) -> list[dict]:
    """The outputs a kernel would show for a hidden-test cell run with these values.

    As in IPython: statements run in order, the value of a final expression (if not None) is the
    cell's result, printed text becomes stream outputs, an exception becomes an error output.
    """
    outputs: list[dict] = []
    out, err = io.StringIO(), io.StringIO()
    ns: dict[str, Any] = {"__name__": "__main__", "__builtins__": builtins}
    ns.update(values)
    result = None
    try:
        tree = ast.parse(source)
        last = tree.body[-1] if tree.body and isinstance(tree.body[-1], ast.Expr) else None
        body = ast.Module(body=tree.body[:-1] if last else tree.body, type_ignores=[])
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            exec(compile(body, "<hidden test>", "exec"), ns)  # noqa: S102 - the trainer's test code
            if last is not None:
                result = eval(compile(ast.Expression(last.value), "<hidden test>", "eval"), ns)  # noqa: S307
    except Exception as exc:  # noqa: BLE001 - a failing test is a zero, as in a kernel
        error = _error(exc)
    else:
        error = None
    if out.getvalue():
        outputs.append({"output_type": "stream", "name": "stdout", "text": out.getvalue()})
    if err.getvalue():
        outputs.append({"output_type": "stream", "name": "stderr", "text": err.getvalue()})
    if error:
        outputs.append(error)
    elif result is not None:
        outputs.append({"output_type": "execute_result", "execution_count": count,
                        "data": {"text/plain": _plain(result)}, "metadata": {}})
    return outputs


def _plain(value: Any) -> str:
    """IPython's text/plain form of a result (pretty-printed repr)."""
    try:
        from IPython.lib.pretty import pretty

        return pretty(value)
    except Exception:  # noqa: BLE001
        return repr(value)


# --------------------------------------------------------------------------- tampering
PROTECTED_NAMES = {"check", "grade", "score", "feedback", "get_ipython", "__builtins__",
                   "__import__"}
FORBIDDEN_MODULES = {"builtins", "importlib", "ctypes", "gc", "inspect", "sys", "nbgrader",
                     "IPython", "ipykernel", "traceback", "types", "marshal", "pickle", "dill",
                     "cloudpickle", "code", "codeop", "runpy", "pdb", "bdb", "trace", "signal",
                     "_thread", "threading", "multiprocessing", "resource", "cffi"}
FORBIDDEN_CALLS = {"exec", "eval", "compile", "globals", "vars", "locals", "setattr", "delattr",
                   "__import__", "breakpoint", "get_ipython"}
SAFE_DUNDERS = {"__name__", "__doc__", "__init__", "__len__", "__class__.__name__"}
# The course's learner-facing tools a notebook may import; everything else in grader (the check
# and grade functions, scoring, the sandbox, the trainer's workflow) is off limits.
ALLOWED_GRADER = ("grader.datasets", "grader.widgets", "grader.staffing", "grader.i18n", "grader.roleplay.scorecard",
                  "grader.roleplay.scenarios")


def _module_allowed(name: str) -> bool:
    top = name.split(".")[0]
    if top == "grader":
        return any(name == a or name.startswith(a + ".") for a in ALLOWED_GRADER)
    return top not in FORBIDDEN_MODULES


def _parse(source: str) -> ast.AST | None:
    try:
        from IPython.core.inputtransformer2 import TransformerManager

        source = TransformerManager().transform_cell(source)
    except Exception:  # noqa: BLE001
        pass
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return None


def tamper_findings(source: str) -> list[str]:
    """What in a learner-written cell reaches for the grading machinery (empty if nothing)."""
    tree = _parse(source)
    if tree is None:
        return []
    found: list[str] = []

    def add(what: str) -> None:
        if what not in found:
            found.append(what)

    module_names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if not _module_allowed(a.name):
                    add(f"imports {a.name}")
                module_names.add((a.asname or a.name).split(".")[0])
                if (a.asname or a.name) in PROTECTED_NAMES:
                    add(f"rebinds {a.asname or a.name}")
        elif isinstance(node, ast.ImportFrom):
            mod = node.module or ""
            if mod == "grader.check" and not node.level and all(
                    a.name == "check" and a.asname in (None, "check") for a in node.names):
                continue  # the setup cell's own line, copied by a learner: the public self-check
            if node.level or not _module_allowed(mod if mod != "grader" else "grader.datasets"):
                add(f"imports from {mod or '.'}")
            for a in node.names:
                bound = a.asname or a.name
                if bound in PROTECTED_NAMES or a.name == "*":
                    add(f"rebinds {bound}")
                if mod == "grader" and not _module_allowed(f"{mod}.{a.name}"):
                    add(f"imports {mod}.{a.name}")
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            if node.id in ("__builtins__", "__import__", "__loader__", "__spec__"):
                add(f"uses {node.id}")
            if isinstance(node.ctx, (ast.Store, ast.Del)) and node.id in PROTECTED_NAMES:
                add(f"rebinds {node.id}")
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if node.name in PROTECTED_NAMES:
                add(f"rebinds {node.name}")
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            for n in node.names:
                if n in PROTECTED_NAMES:
                    add(f"rebinds {n}")
        elif isinstance(node, ast.Attribute):
            if node.attr.startswith("__") and node.attr.endswith("__") and node.attr not in SAFE_DUNDERS:
                add(f"uses the internal attribute {node.attr}")
            if node.attr.startswith("_") and isinstance(node.value, ast.Name) and node.value.id in module_names:
                add(f"uses the private attribute {node.value.id}.{node.attr}")
            if isinstance(node.ctx, (ast.Store, ast.Del)) and isinstance(node.value, ast.Name) \
                    and node.value.id in module_names:
                add(f"changes the module attribute {node.value.id}.{node.attr}")
            if node.attr in ("f_globals", "f_locals", "f_back", "gi_frame", "tb_frame", "cr_frame",
                             "user_ns", "user_global_ns", "run_cell", "ex", "push"):
                add(f"uses {node.attr}")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id in FORBIDDEN_CALLS:
                add(f"calls {node.func.id}()")
            if node.func.id == "getattr" and len(node.args) > 1:
                attr = node.args[1]
                if not (isinstance(attr, ast.Constant) and isinstance(attr.value, str)
                        and not attr.value.startswith("_")):
                    add("calls getattr() with a computed or private name")
            if node.func.id == "open" and node.args and isinstance(node.args[0], ast.Constant) \
                    and "nbgrader" in str(node.args[0].value):
                add("opens nbgrader's files")
    return found
