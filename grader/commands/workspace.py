"""``academy workspace``: make or update a learner's own copy of the course (what ``make lab`` opens).

See :mod:`grader.learner_workspace`: the repository stays untouched (``git status`` clean), and an
update never overwrites a file the learner edited; it keeps their copy and says so.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def run(args: argparse.Namespace) -> int:
    from ..learner_workspace import DEFAULT_DIR, summary, sync

    dest = Path(args.dir or os.environ.get("ACADEMY_LEARNER_DIR") or DEFAULT_DIR)
    try:
        changes = sync(dest)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"Could not update the learner workspace {dest}: {exc}. Files already there are "
              "unchanged or complete; fix the problem and run the same command again.", file=sys.stderr)
        return 1
    print(summary(changes, dest.resolve()))
    kept = [c for c in changes if c.status == "kept"]
    if kept:
        print(f"{len(kept)} file(s) you edited were kept as they are; the course's newer version of "
              "each is saved next to it with '(course update)' in its name.")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("workspace", help="make or update a learner's own copy of course/ and exercises/")
    p.add_argument("--dir", help="the learner's folder (default $ACADEMY_LEARNER_DIR or build/learner)")
    p.set_defaults(func=run)
