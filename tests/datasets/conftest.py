"""Helpers for the dataset tests: read the column tables of datasets/README.md."""
from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "datasets" / "README.md"


def readme_table(filename: str) -> list[dict[str, str]]:
    """The first table under the README heading that names ``filename``, as a list of rows.

    Cells are stripped and lose their surrounding backticks; the header row gives the keys.
    """
    lines = README.read_text(encoding="utf-8").splitlines()
    start = next((i for i, l in enumerate(lines) if l.startswith("## ") and f"`{filename}`" in l),
                 None)
    if start is None:
        raise AssertionError(f"datasets/README.md has no '## `{filename}`' section")
    table: list[list[str]] = []
    for line in lines[start + 1:]:
        if line.startswith("## "):
            break
        if line.startswith("|"):
            table.append([c.strip() for c in line.strip().strip("|").split("|")])
        elif table:
            break
    if len(table) < 3:
        raise AssertionError(f"no table under the {filename} heading of datasets/README.md")
    header = table[0]
    rows = []
    for cells in table[2:]:
        assert len(cells) == len(header), f"README row has {len(cells)} cells: {cells}"
        rows.append({h: re.sub(r"^`(.*)`$", r"\1", c) for h, c in zip(header, cells)})
    return rows


def parse_values(spec: str) -> tuple[str, object]:
    """Turn a README 'values' cell into ("range", (lo, hi)), ("set", {...}), ("pattern", regex)
    or ("any", None)."""
    spec = spec.strip()
    if not spec or spec == "standard ids":
        return "any", None
    if "#" in spec and " " not in spec:
        return "pattern", "^" + re.escape(spec).replace("\\#", "#").replace("#", r"\d") + "$"
    m = re.fullmatch(r"`?([^`]+?)`?\s*–\s*`?([^`]+?)`?", spec)
    if m and "," not in spec:
        lo, hi = m.groups()
        try:
            return "range", (float(lo), float(hi))
        except ValueError:
            return "range", (lo, hi)  # ISO timestamps compare as text
    if "," in spec:
        return "set", {s.strip() for s in spec.split(",")}
    if spec.startswith("[") or spec.startswith("`["):
        return "regex", spec.strip("`")
    return "set", {spec}


@pytest.fixture()
def readme():
    """``readme.table(filename)`` and ``readme.values(cell)`` (see the functions above)."""
    return SimpleNamespace(table=readme_table, values=parse_values)
