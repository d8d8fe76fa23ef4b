"""``academy build``: regenerate exercises/ from solutions/ with nbgrader, and the translated
editions (zh-CN lessons next to the English ones, exercises/zh-CN/) from their translations."""
from __future__ import annotations

import argparse


def run(args: argparse.Namespace) -> int:
    from ..course import BuildError, assignments, build, build_editions
    from ..i18n import _, join

    unknown = [a for a in args.assignment if a not in assignments()]
    if unknown:  # said at once, before nbgrader starts
        print(_("Build failed. Unknown assignment(s): {unknown}. Available: {available} (folders of "
                "solutions/).").format(unknown=join(unknown), available=join(assignments()) or _("none")))
        return 1
    try:
        result = build(assignment_ids=args.assignment or None)
        editions = build_editions(assignment_ids=args.assignment or None)
    except BuildError as exc:
        print(_("Build failed. {reason}").format(reason=exc))
        return 1
    changed = [f"exercises/{c}" for c in result["changed"]] + editions["changed"]
    print(_("Built {n} assignment(s): {ids}").format(n=len(result["assignments"]),
                                                      ids=join(result["assignments"])))
    for lang, ids in editions["editions"].items():
        print(_("Built the {lang} edition of {n} assignment(s) and its translated lessons.").format(
            lang=lang, n=len(ids)))
    if changed:
        print(_("{n} file(s) changed:").format(n=len(changed)))
        for name in changed:
            print(f"  {name}")
    else:
        print(_("Everything was already up to date: nothing changed."))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    from ..i18n import _

    p = sub.add_parser("build", help=_("regenerate exercises/ from solutions/ (nbgrader generate_assignment) "
                                       "and the zh-CN edition from its translations"))
    p.add_argument("assignment", nargs="*", help=_("assignment ids (default: all in solutions/)"))
    p.set_defaults(func=run)
