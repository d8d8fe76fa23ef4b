"""Start each notebook's kernel ahead of time, so grading never waits for a kernel to boot.

Starting a Python kernel is the largest single cost of autograding a short notebook (about a
second of wall time, mostly spent waiting). :class:`PrestartedExecute` is nbgrader's own
``Execute`` preprocessor with one change: the kernel it runs a notebook in was started while the
previous notebook was being graded. Every notebook still gets a fresh kernel of its own (never
reused, shut down afterwards), started with the same kernel spec, arguments and environment
(``NBGRADER_EXECUTION=autograde``) as nbgrader would use; the only difference is that the kernel
starts in a scratch folder and moves to the submission's folder before the first cell runs (a
silent ``os.chdir`` that leaves no history and no execution count). The comparison test with
stock ``nbgrader autograde`` checks that scores are identical.
"""
from __future__ import annotations

import json
import os
import tempfile

from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync
from nbgrader.preprocessors import Execute
from traitlets import List, Unicode

_NEXT: dict[str, AsyncKernelManager] = {}  # kernel name -> kernel started for the next notebook
_COUNT = 0


class PrestartedExecute(Execute):
    """nbgrader's Execute, running each notebook in a fresh kernel started ahead of time."""

    preload = List(Unicode(), ["pandas", "grader.check", "grader.datasets"], help=(
        "Modules the waiting kernel imports before its notebook arrives (into sys.modules only, "
        "never into the notebook's namespace; no history, no execution count). The course's "
        "setup cells import these, so the notebook's own import is then instant.")).tag(config=True)

    def _start(self, kernel_name: str) -> AsyncKernelManager:
        km = AsyncKernelManager(kernel_name=kernel_name, parent=self)
        if km.transport == "ipc":  # two kernels alive at once need distinct socket names
            global _COUNT
            _COUNT += 1
            km.ip = f"{km.ip}-{_COUNT}"
        env = dict(os.environ, NBGRADER_EXECUTION="autograde")
        args = list(self.extra_arguments) or ["--HistoryManager.hist_file=:memory:"]
        if self.preload:
            code = ("import importlib as _il\nfor _m in %r:\n    try:\n        _il.import_module(_m)\n"
                    "    except Exception:\n        pass\ndel _il, _m" % (list(self.preload),))
            args += [f"--IPKernelApp.exec_lines={json.dumps([code])}"]
        run_sync(km.start_kernel)(extra_arguments=args, cwd=tempfile.gettempdir(), env=env)
        return km

    def preprocess(self, nb, resources=None, km=None):
        if km is not None:  # somebody brought their own kernel: plain nbgrader behaviour
            return super().preprocess(nb, resources, km=km)
        name = self.kernel_name or nb.metadata.get("kernelspec", {}).get("name", "python3")
        km = _NEXT.pop(name, None) or self._start(name)
        try:
            _NEXT[name] = self._start(name)  # boots while this notebook runs
        except Exception:  # noqa: BLE001 - prestarting is an optimisation only
            pass
        path = (resources or {}).get("metadata", {}).get("path") or os.getcwd()
        self._chdir_pending = os.path.abspath(path)
        try:
            return super().preprocess(nb, resources, km=km)
        finally:
            # The notebook has run: stop the kernel at once rather than nbclient's graceful
            # shutdown, which waits for the kernel to exit (nothing it does can change outputs now).
            try:
                if self.kc is not None:
                    self.kc.stop_channels()
                    self.kc = None
            except Exception:  # noqa: BLE001
                pass
            try:
                run_sync(km.shutdown_kernel)(now=True)
            except Exception:  # noqa: BLE001
                pass

    async def async_start_new_kernel_client(self):
        kc = await super().async_start_new_kernel_client()
        path = getattr(self, "_chdir_pending", None)
        if path:
            self._chdir_pending = None
            msg_id = kc.execute(f"import os as _os; _os.chdir({json.dumps(path)}); del _os",
                                silent=True, store_history=False)
            await self.async_wait_for_reply(msg_id)
        return kc

    start_new_kernel_client = run_sync(async_start_new_kernel_client)


def shutdown_spare() -> None:
    """Stop the kernel started for a next notebook that will not come (end of a worker)."""
    while _NEXT:
        _, km = _NEXT.popitem()
        try:
            run_sync(km.shutdown_kernel)(now=True)
        except Exception:  # noqa: BLE001
            pass
