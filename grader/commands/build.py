"""``academy build``: regenerate exercises/ from solutions/ with nbgrader."""
from __future__ import annotations

import argparse


def run(args: argparse.Namespace) -> int:
    from ..course import BuildError, build

    try:
        result = build(assignment_ids=args.assignment or None)
    except BuildError as exc:
        print(f"Build failed. {exc}")
        return 1
    changed = result["changed"]
    print(f"Built {len(result['assignments'])} assignment(s): {', '.join(result['assignments'])}")
    if changed:
        print(f"{len(changed)} file(s) changed in exercises/:")
        for name in changed:
            print(f"  {name}")
    else:
        print("exercises/ was already up to date: nothing changed.")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("build", help="regenerate exercises/ from solutions/ (nbgrader generate_assignment)")
    p.add_argument("assignment", nargs="*", help="assignment ids (default: all in solutions/)")
    p.set_defaults(func=run)
