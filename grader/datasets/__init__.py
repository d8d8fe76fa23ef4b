"""Seeded generators for the course's datasets, and loading them from notebooks.

Each generator module (``calls.py``, ...) has ``generate(out_dir: Path, seed: int) -> list[Path]``
writing its files; ``datasets/generate.py`` runs them all. Notebooks load data with
:func:`load`, which finds ``datasets/`` wherever the notebook runs (course/, exercises/, or a
trainer's nbgrader autograde folder).
"""
from __future__ import annotations

import csv
from pathlib import Path

from ..paths import DATASETS


def path(name: str) -> Path:
    """Path of a dataset file by name, e.g. ``path("call_log.csv")``."""
    p = DATASETS / name
    if not p.exists():
        raise FileNotFoundError(
            f"Dataset {name!r} is not in {DATASETS}. Run 'make data' (or "
            f"'python datasets/generate.py') from the course folder to create it.")
    return p


def load(name: str, **read_kw):
    """Load a CSV dataset as a pandas DataFrame (dates parsed where the README says so)."""
    import pandas as pd

    return pd.read_csv(path(name), **read_kw)


def write_csv(path: Path, header: list[str], rows: list[list]) -> Path:
    """Write rows as a CSV with ``\\n`` line ends (the same bytes on every platform)."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
    return path
