"""The ``academy`` command: one entry point for learners' and trainers' jobs.

Each subcommand lives in its own module under :mod:`grader.commands` and exposes
``register(subparsers)``, which adds its parser and sets ``func`` (called with the parsed
arguments; its return value is the exit code). New commands need no change here.
"""
from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

from . import commands


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="academy", description="Call Center Academy: build, grade and report on the course.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        if hasattr(module, "register"):
            module.register(sub)
    lang_help = "language of messages and reports: en or zh-CN (default $ACADEMY_LANG, else en)"
    parser.add_argument("--lang", help=lang_help)
    for command in sub.choices.values():  # `academy --lang zh-CN report` and `academy report --lang zh-CN`
        if not any("--lang" in a.option_strings for a in command._actions):
            command.add_argument("--lang", help=lang_help, default=argparse.SUPPRESS)
    return parser


def _skip_slow_format_plugin() -> None:
    """Start without jsonschema's optional IRI format checker (``rfc3987_syntax``).

    jsonschema imports that optional plugin, which compiles a Lark grammar at import: 2-5 s on every
    command that touches nbformat (python-jsonschema/jsonschema#1392). Notebook schemas use no
    ``format`` keyword at all (``tests/test_cli_speed.py`` checks), so nothing is lost: jsonschema
    skips IRI checks exactly as it does where the plugin is not installed. Only this command's own
    process (and its grading workers) is affected, not Jupyter or the learners' kernels.
    """
    sys.modules.setdefault("rfc3987_syntax", None)  # an import of it now raises ImportError


def main(argv: list[str] | None = None) -> int:
    _skip_slow_format_plugin()
    parser = build_parser()
    args = parser.parse_args(argv)
    from .i18n import LanguageError, use_language

    try:
        use_language(args.lang)
    except LanguageError as exc:
        parser.error(str(exc))
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    from .commands.cohort import BadLearner
    from .gradebook import GradebookError

    try:
        return int(args.func(args) or 0)
    except BadLearner as exc:
        print(f"academy {args.command}: {exc}", file=sys.stderr)
        return 2
    except GradebookError as exc:  # a gradebook that is missing, not one, or lacks what was asked
        print(f"academy {args.command}: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nInterrupted. Work finished so far is kept; run the same command again to resume.",
              file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
