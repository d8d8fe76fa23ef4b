"""Regenerate every course dataset from its seeded generator.

Runs ``generate(out_dir, seed)`` of each module in ``grader/datasets/`` that has one, in name
order. The same seed always gives the same bytes, so the committed files can be checked by
re-running this script. Usage::

    python datasets/generate.py                # seed 2026, into datasets/
    python datasets/generate.py --seed 7 --out /tmp/data
"""
from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # run from a checkout without installing the package

DEFAULT_SEED = 2026


def generators() -> list[tuple[str, object]]:
    """(module name, generate function) for every generator module, in name order."""
    import grader.datasets as pkg

    found = []
    for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"grader.datasets.{info.name}")
        func = getattr(module, "generate", None)
        if callable(func):
            found.append((info.name, func))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Regenerate the course datasets.")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED,
                        help=f"random seed (default {DEFAULT_SEED}, the committed files)")
    parser.add_argument("--out", type=Path, default=HERE,
                        help="folder to write into (default: this datasets/ folder)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, func in generators():
        for written in func(args.out, args.seed):
            print(f"{name}: wrote {written}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
