"""The course root is found from a non-editable install too."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

from grader import paths


def _root_seen(site, cwd, env=None) -> str:
    code = "import grader; from grader import paths; print(grader.__file__); print(paths.ROOT)"
    full = {k: v for k, v in os.environ.items() if k != "ACADEMY_ROOT"}
    full.update(env or {})
    out = subprocess.run([sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(site)!r}); {code}"],
                         cwd=cwd, env=full, capture_output=True, text=True, check=True)
    package, root = out.stdout.split()
    assert package.startswith(str(site)), "the copy, not the checkout, was imported"
    return root


def test_root_from_a_copy_of_the_package(tmp_path):
    """A package copied elsewhere (as pip installs it) still finds the course it is run from."""
    site = tmp_path / "site-packages"
    shutil.copytree(paths.ROOT / "grader", site / "grader",
                    ignore=shutil.ignore_patterns("__pycache__"))
    assert _root_seen(site, paths.ROOT / "course") == str(paths.ROOT)
    other = tmp_path / "elsewhere"
    other.mkdir()
    assert _root_seen(site, other, {"ACADEMY_ROOT": str(paths.ROOT)}) == str(paths.ROOT)
