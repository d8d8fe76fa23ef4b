"""``academy build``: regenerate exercises/ from solutions/ with nbgrader, and the translated
editions (zh-CN lessons next to the English ones, exercises/zh-CN/) from their translations."""
from __future__ import annotations

import argparse


def run(args: argparse.Namespace) -> int:
    from ..course import BuildError, assignments, build, build_editions

    unknown = [a for a in args.assignment if a not in assignments()]
    if unknown:  # said at once, before nbgrader starts
        print(f"Build failed. Unknown assignment(s): {', '.join(unknown)}. Available: "
              f"{', '.join(assignments()) or 'none'} (folders of solutions/).")
        return 1
    try:
        result = build(assignment_ids=args.assignment or None)
        editions = build_editions(assignment_ids=args.assignment or None)
    except BuildError as exc:
        print(f"Build failed. {exc}")
        return 1
    changed = [f"exercises/{c}" for c in result["changed"]] + editions["changed"]
    print(f"Built {len(result['assignments'])} assignment(s): {', '.join(result['assignments'])}")
    for lang, ids in editions["editions"].items():
        print(f"Built the {lang} edition of {len(ids)} assignment(s) and its translated lessons.")
    if changed:
        print(f"{len(changed)} file(s) changed:")
        for name in changed:
            print(f"  {name}")
    else:
        print("Everything was already up to date: nothing changed.")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("build", help="regenerate exercises/ from solutions/ (nbgrader generate_assignment) "
                                     "and the zh-CN edition from its translations")
    p.add_argument("assignment", nargs="*", help="assignment ids (default: all in solutions/)")
    p.set_defaults(func=run)
