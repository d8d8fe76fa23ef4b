"""The program that runs a learner's notebook cells *inside* the grading sandbox.

Everything here runs next to untrusted learner code, so nothing it reports is trusted: the
trainer's side (:mod:`grader.sandbox`, :mod:`grader.scoring`) treats every message as data from
the learner, decodes it strictly and scores it in a process learner code never ran in.

Life of a runner (one per submission, never reused):

1. Started by :class:`grader.sandbox.Sandbox` ahead of time; imports the course's modules (pandas,
   ``grader.check``, ``grader.datasets``) and IPython, then says ``ready`` and waits.
2. Reads one job from standard input: the notebook's code cells in order. Hidden-test cells are
   never sent; in their place comes a *snapshot* request naming the variables the test reads.
3. Copies the submission's files from the read-only inbox into its private working folder, lowers
   its resource limits (memory, processes, file size), and runs each cell in an IPython shell,
   the way a Jupyter kernel would (magics, the last expression displayed, tracebacks), capturing
   its outputs with a size cap and stopping it at the per-cell time limit.
4. For a snapshot, encodes the named values as JSON data (:func:`encode`), never pickle.
5. Writes one JSON line per cell to file descriptor 3; the trainer's side reads them.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import sys
import time

OUT_FD = 3
MAX_STREAM = 64_000          # characters of stdout/stderr kept per cell
MAX_DATA = 256_000           # characters of one rich output kept
MAX_VALUE_ITEMS = 100_000    # items in one encoded answer
MAX_DEPTH = 32
PRELOAD = ("pandas", "grader.check", "grader.datasets")  # unless the command line names others


class CellTimeoutError(KeyboardInterrupt):
    """Raised in a cell that runs past its time limit (like Jupyter's interrupt)."""


# --------------------------------------------------------------------------- value encoding
class _TooBig(Exception):
    pass


def encode(value, _depth: int = 0, _budget: list | None = None):
    """A JSON-able description of a value: plain data only, tagged where JSON has no form.

    Lists are JSON arrays; every other container is an object with one ``$tag`` key, so a
    learner's dict can never pass for a tag. Unknown objects become ``{"$opaque": type}``.
    """
    budget = _budget if _budget is not None else [MAX_VALUE_ITEMS]
    budget[0] -= 1
    if budget[0] < 0 or _depth > MAX_DEPTH:
        raise _TooBig
    t = type(value)
    if value is None or t is bool:
        return value
    if t is int:
        if abs(value) > 10 ** 300:
            return {"$opaque": "int (too large)"}
        return value
    if t is float:
        if value != value or value in (float("inf"), float("-inf")):
            return {"$float": repr(value)}
        return value
    if t is str:
        if len(value) > 100_000:
            return {"$opaque": "str (too long)"}
        return value
    if value is Ellipsis:
        return {"$ellipsis": 1}
    mod = getattr(t, "__module__", "") or ""
    if mod == "numpy" and hasattr(value, "item") and getattr(value, "ndim", 1) == 0:
        try:
            return encode(value.item(), _depth, budget)
        except Exception:  # noqa: BLE001
            return {"$opaque": t.__name__}
    if mod.startswith("pandas") and t.__name__ == "Series":
        return {"$series": {"index": [encode(v, _depth + 1, budget) for v in value.index.tolist()],
                            "values": [encode(v, _depth + 1, budget) for v in value.tolist()],
                            "name": encode(value.name, _depth + 1, budget)}}
    if mod.startswith("pandas") and t.__name__ == "DataFrame":
        return {"$frame": {"columns": [encode(v, _depth + 1, budget) for v in value.columns.tolist()],
                           "index": [encode(v, _depth + 1, budget) for v in value.index.tolist()],
                           "data": [[encode(v, _depth + 2, budget) for v in row]
                                    for row in value.values.tolist()]}}
    if mod == "numpy" and t.__name__ == "ndarray":
        return {"$array": encode(value.tolist(), _depth + 1, budget)}
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):
        return encode(int(value), _depth, budget)
    if isinstance(value, float):
        return encode(float(value), _depth, budget)
    if isinstance(value, str):
        return encode(str.__str__(value), _depth, budget)
    if isinstance(value, (list, tuple, set, frozenset, dict)):
        if isinstance(value, dict):
            return {"$dict": [[encode(k, _depth + 1, budget), encode(v, _depth + 1, budget)]
                              for k, v in dict.items(value)]}
        items = [encode(v, _depth + 1, budget) for v in (list.__iter__(value) if isinstance(value, list)
                                                         else iter(value))]
        if isinstance(value, list):
            return items
        return {"$tuple" if isinstance(value, tuple) else "$set": items}
    return {"$opaque": getattr(t, "__name__", "object")}


def encode_safely(value):
    try:
        return encode(value)
    except _TooBig:
        return {"$opaque": "too large"}
    except RecursionError:
        return {"$opaque": "too deep"}
    except Exception as exc:  # noqa: BLE001 - learner objects may raise anything
        return {"$opaque": f"unreadable ({type(exc).__name__})"}


# --------------------------------------------------------------------------- output capture
class _Sink:
    def __init__(self) -> None:
        self.outputs: list[dict] = []
        self.stream_chars = {"stdout": 0, "stderr": 0}

    def stream(self, name: str, text: str) -> None:
        used = self.stream_chars[name]
        if used >= MAX_STREAM:
            if used == MAX_STREAM:
                self._append_stream(name, "\n... output truncated (too long) ...\n")
                self.stream_chars[name] = MAX_STREAM + 1
            return
        keep = text[: MAX_STREAM - used]
        self.stream_chars[name] = used + len(keep)
        self._append_stream(name, keep)

    def _append_stream(self, name: str, text: str) -> None:
        last = self.outputs[-1] if self.outputs else None
        if last and last["output_type"] == "stream" and last["name"] == name:
            last["text"] += text
        else:
            self.outputs.append({"output_type": "stream", "name": name, "text": text})

    def rich(self, output: dict) -> None:
        data = {}
        for mime, value in (output.get("data") or {}).items():
            if isinstance(value, str) and len(value) > MAX_DATA:
                if mime == "text/plain":
                    data[mime] = value[:MAX_DATA] + "\n... output truncated ..."
                continue
            data[str(mime)] = value
        if "text/plain" not in data and not data:
            data["text/plain"] = "(output too large to keep)"
        output["data"] = data
        self.outputs.append(output)


SINK = _Sink()


class _Stream:
    encoding = "utf-8"
    errors = "replace"

    def __init__(self, name: str) -> None:
        self.name = name

    def write(self, text) -> int:
        if not isinstance(text, str):
            text = str(text)
        SINK.stream(self.name, text)
        return len(text)

    def writelines(self, lines) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        raise OSError("no file descriptor while grading")

    def readable(self) -> bool:
        return False

    def writable(self) -> bool:
        return True


class _NoInput:
    encoding = "utf-8"

    def readline(self, *a):
        raise EOFError("input() is not available while a notebook is graded")

    read = readline

    def isatty(self) -> bool:
        return False


def _make_shell():
    from IPython.core.displayhook import DisplayHook
    from IPython.core.displaypub import DisplayPublisher
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    class Hook(DisplayHook):
        def start_displayhook(self):
            pass

        def write_output_prompt(self):
            pass

        def write_format_data(self, format_dict, md_dict=None):
            SINK.rich({"output_type": "execute_result", "execution_count": self.prompt_count,
                       "data": dict(format_dict), "metadata": dict(md_dict or {})})

        def finish_displayhook(self):
            pass

    class Pub(DisplayPublisher):
        def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **kw):
            SINK.rich({"output_type": "display_data", "data": dict(data),
                       "metadata": dict(metadata or {})})

        def clear_output(self, wait=False):
            SINK.outputs.clear()

    class Shell(InteractiveShell):
        def _showtraceback(self, etype, evalue, stb):
            SINK.outputs.append({"output_type": "error",
                                 "ename": getattr(etype, "__name__", "Error"),
                                 "evalue": _safe_str(evalue)[:2000],
                                 "traceback": [str(s)[:4000] for s in stb[-40:]]})

    cfg = Config()
    cfg.HistoryManager.hist_file = ":memory:"
    cfg.InteractiveShell.colors = "Linux"
    cfg.InteractiveShell.xmode = "Context"
    return Shell.instance(config=cfg, displayhook_class=Hook, display_pub_class=Pub)


def _safe_str(obj) -> str:
    try:
        return str(obj)
    except Exception:  # noqa: BLE001
        return f"<{type(obj).__name__}>"


# --------------------------------------------------------------------------- tamper watch
class _Watch:
    """What a cell may not change: the course's check/grade functions, modules, builtins."""

    NAMES = ("check", "grade", "score", "feedback", "_evaluate", "unseal", "digest")

    def __init__(self) -> None:
        import builtins

        import grader.check as gc

        self.module = gc
        self.funcs = {n: getattr(gc, n, None) for n in self.NAMES}
        self.builtins = dict(vars(builtins))

    def findings(self) -> list[str]:
        import builtins

        found = []
        if sys.modules.get("grader.check") is not self.module:
            found.append("replaced the module grader.check")
        for name, fn in self.funcs.items():
            if getattr(self.module, name, None) is not fn:
                found.append(f"replaced grader.check.{name}")
        now = vars(builtins)
        changed = sorted(k for k in set(now) | set(self.builtins)
                         if now.get(k, None) is not self.builtins.get(k, None)
                         and k not in ("_", "__", "___", "_ih", "_oh", "_dh", "__IPYTHON__",
                                       "display", "get_ipython", "__spec__"))
        if changed:
            found.append("changed Python's builtins (" + ", ".join(changed[:5]) + ")")
        return found


# --------------------------------------------------------------------------- main loop
def _send(fh, message: dict) -> None:
    fh.write(json.dumps(message, ensure_ascii=True, default=str) + "\n")
    fh.flush()


def _limits(job: dict) -> None:
    import resource

    def lower(what, value):
        if value is None:
            return
        soft, hard = resource.getrlimit(what)
        value = int(value)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        resource.setrlimit(what, (value, value))

    lim = job.get("limits", {})
    lower(resource.RLIMIT_AS, lim.get("memory_bytes"))
    lower(resource.RLIMIT_NPROC, lim.get("processes"))
    lower(resource.RLIMIT_FSIZE, lim.get("file_bytes"))
    lower(resource.RLIMIT_CORE, 0)


def _copy_inbox(src: str, dest: str) -> None:
    os.makedirs(dest, exist_ok=True)
    if not os.path.isdir(src):
        return
    for root, dirs, files in os.walk(src, followlinks=False):
        rel = os.path.relpath(root, src)
        target = os.path.join(dest, rel) if rel != "." else dest
        os.makedirs(target, exist_ok=True)
        for f in files:
            p = os.path.join(root, f)
            if os.path.isfile(p) and not os.path.islink(p):
                shutil.copyfile(p, os.path.join(target, f))


def main() -> int:
    fd = int(sys.argv[1]) if len(sys.argv) > 1 else OUT_FD
    out = os.fdopen(fd, "w", encoding="utf-8", closefd=True)
    os.environ["NBGRADER_EXECUTION"] = "autograde"
    import importlib

    preload = sys.argv[2].split(",") if len(sys.argv) > 2 else PRELOAD
    for name in filter(None, preload):
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - preloading only saves time
            pass
    shell = _make_shell()
    watch = _Watch()
    _send(out, {"ready": True})

    line = sys.stdin.buffer.readline()
    if not line:
        return 0
    job = json.loads(line)
    sys.stdin = _NoInput()
    _copy_inbox(job.get("inbox", ""), job.get("workdir", os.getcwd()))
    os.chdir(job.get("workdir", os.getcwd()))
    _limits(job)
    timeout = float(job.get("timeout") or 0)

    def on_alarm(signum, frame):
        raise CellTimeoutError(f"the cell ran longer than {timeout:g} s")

    real_stdout, real_stderr = sys.stdout, sys.stderr
    for cell in job["cells"]:
        SINK.outputs, SINK.stream_chars = [], {"stdout": 0, "stderr": 0}
        if "snapshot" in cell:
            ns = shell.user_ns
            values = {n: encode_safely(ns[n]) for n in cell["snapshot"] if n in ns}
            _send(out, {"i": cell["i"], "values": values})
            continue
        signal.signal(signal.SIGALRM, on_alarm)
        if timeout:
            signal.setitimer(signal.ITIMER_REAL, timeout)
        started = time.monotonic()
        sys.stdout, sys.stderr = _Stream("stdout"), _Stream("stderr")
        timed_out = False
        try:
            shell.run_cell(cell["source"], store_history=True)
        except CellTimeoutError:
            timed_out = True
        except BaseException as exc:  # noqa: BLE001 - SystemExit and the like end only this cell
            SINK.outputs.append({"output_type": "error", "ename": type(exc).__name__,
                                 "evalue": _safe_str(exc)[:2000], "traceback": []})
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            sys.stdout, sys.stderr = real_stdout, real_stderr
        if timeout and time.monotonic() - started >= timeout:
            timed_out = timed_out or any(o.get("ename") == "CellTimeoutError" for o in SINK.outputs)
        if timed_out:
            SINK.outputs = [o for o in SINK.outputs if o.get("output_type") != "error"]
            SINK.outputs.append({"output_type": "error", "ename": "CellTimeoutError", "evalue": "",
                                 "traceback": [f"CellTimeoutError: the cell was stopped after "
                                               f"{timeout:g} s"]})
        _send(out, {"i": cell["i"], "outputs": SINK.outputs,
                    "count": shell.execution_count - 1, "tamper": watch.findings()})
    _send(out, {"done": True})
    return 0


if __name__ == "__main__":
    sys.exit(main())
