"""Where the course's folders are: the repository this package was installed from."""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(os.environ.get("ACADEMY_ROOT", Path(__file__).resolve().parents[1]))
COURSE = ROOT / "course"
SOLUTIONS = ROOT / "solutions"
EXERCISES = ROOT / "exercises"
DATASETS = Path(os.environ.get("ACADEMY_DATASETS", ROOT / "datasets"))
NBGRADER_CONFIG = ROOT / "nbgrader_config.py"
