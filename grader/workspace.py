"""A trainer's cohort workspace: an ordinary nbgrader course folder and how to reach it.

A workspace is a folder with nbgrader's ``submitted/``, ``autograded/``, ``feedback/`` … whose
source is the repository's ``solutions/`` unless given, whose exchange (nbgrader's filesystem
exchange, where learners fetch and submit) is ``exchange/`` inside it unless given, and whose
gradebook is ``gradebook.db`` in it unless given (a path or a database URL, :mod:`grader.gradebook`).
The steps that work on a workspace are in :mod:`grader.workflow`; autograding in
:mod:`grader.autograding`.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from . import course, paths
from .paths import private_dir  # fix_ipc uses it; callers have always found it here


def fix_ipc(config) -> None:
    """Run kernels over local IPC sockets with an absolute, per-process socket path.

    Over TCP every kernel prints "Kernel is running over TCP without encryption" into the
    trainer's terminal. Plain IPC names its sockets ``kernel-ipc-N`` relative to the current
    folder, which breaks when a kernel starts in another folder. The sockets go in a private folder
    (:func:`private_dir`). (Autograding itself runs learner code in a sandbox, not a kernel.)
    """
    if "ip" in config.KernelManager or config.KernelManager.get("transport", "ipc") != "ipc":
        return
    config.KernelManager.transport = "ipc"
    config.KernelManager.ip = str(private_dir("academy-ipc") / f"k{os.getpid()}")


@dataclass
class Workspace:
    root: Path
    source: Path | None = None  # nbgrader source folder; default: the repository's solutions/
    exchange_dir: Path | None = None  # nbgrader exchange; default: <root>/exchange
    gradebook: str | None = None  # database URL or SQLite path (grader.gradebook); default <root>/gradebook.db

    @property
    def exchange(self) -> Path:
        return (self.exchange_dir or self.root / "exchange").resolve()

    @property
    def source_dir(self) -> Path:
        return (self.source or paths.SOLUTIONS).resolve()

    @property
    def db_url(self) -> str:
        from .gradebook import resolve

        return resolve(self.gradebook, self.root)

    @property
    def release(self) -> Path:
        return self.root / "release"

    @property
    def submitted(self) -> Path:
        return self.root / "submitted"

    def config(self, db_url: str | None = None):
        config = course.load_config(root=str(self.root.resolve()),
                                    source_directory=str(self.source_dir),
                                    release_directory=str(self.release.resolve()),
                                    db_url=db_url or self.db_url)
        config.Exchange.root = str(self.exchange)
        config.ExchangeCollect.check_owner = False  # one trainer account holds every file
        fix_ipc(config)
        return config

    def api(self):
        return course.make_api(self.config())
