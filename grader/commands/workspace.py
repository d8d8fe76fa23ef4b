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
    from ..i18n import _, current_language
    from ..learner_workspace import summary, sync

    lang = current_language()  # academy --lang, else $ACADEMY_LANG, else English
    dest = Path(args.dir or os.environ.get("ACADEMY_LEARNER_DIR") or default_dir(lang))
    try:
        changes = sync(dest, lang=lang)
        _lab_language(dest, lang)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 1
    except OSError as exc:
        print(_("Could not update the learner workspace {dest}: {error}. Files already there are "
                "unchanged or complete; fix the problem and run the same command again.").format(
            dest=dest, error=exc), file=sys.stderr)
        return 1
    print(summary(changes, dest.resolve()))
    kept = [c for c in changes if c.status == "kept"]
    if kept:
        print(_("{n} file(s) you edited were kept as they are; the course's newer version of each is "
                "saved next to it with '(course update)' in its name.").format(n=len(kept)))
    return 0


def default_dir(lang: str) -> Path:
    """build/learner for English, build/learner-zh-CN for the Chinese edition."""
    from ..learner_workspace import DEFAULT_DIR

    return DEFAULT_DIR if lang == "en" else DEFAULT_DIR.with_name(f"{DEFAULT_DIR.name}-{lang}")


def lab_settings_dir(dest: Path) -> Path:
    return dest / ".academy" / "lab-settings"


def _lab_language(dest: Path, lang: str) -> None:
    """JupyterLab's own menus in the workspace's language: its user settings live in the
    workspace (``make lab`` points JUPYTERLAB_SETTINGS_DIR there), with the language pack's locale."""
    import json

    from ..i18n import locale_name

    settings = lab_settings_dir(dest) / "@jupyterlab" / "translation-extension"
    settings.mkdir(parents=True, exist_ok=True)
    locale = "en" if lang == "en" else locale_name(lang)
    (settings / "plugin.jupyterlab-settings").write_text(json.dumps({"locale": locale}, indent=2) + "\n")


def register(sub: argparse._SubParsersAction) -> None:
    from ..i18n import _

    p = sub.add_parser("workspace", help=_("make or update a learner's own copy of course/ and exercises/"))
    p.add_argument("--dir", help=_("the learner's folder (default $ACADEMY_LEARNER_DIR, or build/learner; "
                                   "build/learner-zh-CN for the Chinese edition)"))
    p.set_defaults(func=run)
