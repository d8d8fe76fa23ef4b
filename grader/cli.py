"""The ``academy`` command: one entry point for learners' and trainers' jobs.

Each subcommand lives in its own module under :mod:`grader.commands` and exposes
``register(subparsers)``, which adds its parser and sets ``func`` (called with the parsed
arguments; its return value is the exit code). New commands need no change here.

Every message is in the language of ``--lang`` (else ``$ACADEMY_LANG``, else English), the help
included: the language is read from the command line before the parser is built, since the help
texts are translated as the commands register them. argparse's own words ("usage:", "options",
"the following arguments are required") come from its module-level gettext functions; while
:func:`main` runs they are pointed at the course's catalog (:func:`argparse_words`), whose
messages for them are listed in :data:`ARGPARSE_MESSAGES`.
"""
from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import pkgutil
import sys

from . import commands
from .i18n import N_, _, ngettext

# argparse's own messages a trainer can meet (Python 3.11's argparse passes each through its
# module-level ``_``); tests/test_cli_i18n.py checks this list against argparse's source, so a
# Python whose argparse words them differently fails there, by name, instead of falling back
# to English unnoticed.
ARGPARSE_MESSAGES = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("%(prog)s: error: %(message)s\n"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("the following arguments are required: %s"),
    N_("one of the arguments %s is required"),
    N_("unrecognized arguments: %s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("invalid %(type)s value: %(value)r"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("not allowed with argument %s"),
    N_("ignored explicit argument %r"),
    N_("unexpected option string: %s"),
    N_("unknown parser %(parser_name)r (choices: %(choices)s)"),
    N_("can't open '%(filename)s': %(error)s"),
)
# ... and the ones only a programming mistake in a parser shows (left in English).
ARGPARSE_DEVELOPER_MESSAGES = (
    "%r is not callable", "'required' is an invalid argument for positionals", ".__call__() not defined",
    'argument "-" with mode %r', "cannot merge actions - two groups are named %r",
    "conflicting subparser: %s", "conflicting subparser alias: %s", "dest= is required for options like %r",
    "invalid conflict_resolution value: %r", "invalid option string %(option)r: must start with a "
    "character %(prefix_chars)r", "mutually exclusive arguments must be optional",
    "cannot have multiple subparser arguments", "subcommands",
    ("conflicting option string: %s", "conflicting option strings: %s"),
)


def argparse_counted(n: int) -> dict[tuple[str, str], str]:
    """argparse's counted messages (its ``ngettext``) and their text for ``n``."""
    return {("expected %s argument", "expected %s arguments"):
            ngettext("expected %s argument", "expected %s arguments", n)}


@contextlib.contextmanager
def argparse_words():
    """argparse's own words in the current language while the block runs.

    argparse looks them up through its module globals ``_`` and ``ngettext`` (gettext's, with
    the ``argparse`` domain, which has no Chinese); they are pointed at the course's catalog and
    put back afterwards. An argparse without those globals is left alone (its words stay English;
    the test named above says so)."""
    from . import i18n

    if not (callable(getattr(argparse, "_", None)) and callable(getattr(argparse, "ngettext", None))):
        yield False
        return
    saved = argparse._, argparse.ngettext
    argparse._, argparse.ngettext = i18n.gettext, i18n.ngettext
    try:
        yield True
    finally:
        argparse._, argparse.ngettext = saved


def language_in(argv: list[str]) -> str | None:
    """The language asked for on the command line (``--lang X`` or ``--lang=X``, the last one
    wins, as argparse does), else $ACADEMY_LANG; None if neither."""
    found = None
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(argv):
            found = argv[i + 1]
        elif arg.startswith("--lang="):
            found = arg.split("=", 1)[1]
    return found or os.environ.get("ACADEMY_LANG") or None


class HelpFormatter(argparse.HelpFormatter):
    """argparse's help with its section titles followed by the language's colon (选项：), and the
    usage's continuation lines under its first argument when "usage:" is in wide characters."""

    def _format_usage(self, usage, actions, groups, prefix) -> str:
        from . import i18n

        text = super()._format_usage(usage, actions, groups, prefix)
        word = _("usage: ") if prefix is None else prefix
        extra = i18n.width(word) - len(word)  # argparse indents by characters, a terminal by columns
        if extra > 0 and text.startswith(word):
            first, *rest = text.split("\n")
            text = "\n".join([first] + [" " * extra + line if line.strip() else line for line in rest])
        return text

    def format_help(self) -> str:
        from . import i18n

        text = super().format_help()
        colon = i18n.pick({"en": ":", "zh-CN": "："})
        if colon != ":":
            for title in (_("positional arguments"), _("options")):
                text = text.replace(f"\n{title}:\n", f"\n{title}{colon}\n")
        return text


class Parser(argparse.ArgumentParser):
    """An ArgumentParser with :class:`HelpFormatter`; the commands' parsers are made with it too
    (``add_subparsers`` makes its parsers of its parser's class)."""

    def __init__(self, *args, formatter_class=HelpFormatter, **kwargs):
        super().__init__(*args, formatter_class=formatter_class, **kwargs)


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="academy", description=_("Call Center Academy: build, grade and report on the course."))
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        if hasattr(module, "register"):
            module.register(sub)
    lang_help = _("language of messages and reports: en or zh-CN (default $ACADEMY_LANG, else en)")
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
    from .i18n import LanguageError, use_language

    argv = sys.argv[1:] if argv is None else list(argv)
    try:  # before the parser is built: its help texts are translated as it is built
        use_language(language_in(argv), charts=False)
    except LanguageError:
        use_language(None, charts=False)  # refused below, by argparse, with the reason
    with argparse_words():
        return _run(argv)


def _run(argv: list[str]) -> int:
    from .i18n import LanguageError, use_language

    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        use_language(args.lang, charts=False)
    except LanguageError:
        from .i18n import NAMES, pick

        editions = pick({"en": " and ".join(f"{k} ({v})" for k, v in NAMES.items()),
                         "zh-CN": "、".join(f"{k}（{v}）" for k, v in NAMES.items())})
        parser.error(_("No {lang!r} edition: the course is available in {editions}.").format(
            lang=args.lang, editions=editions))
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
        print("\n" + _("Interrupted. Work finished so far is kept; run the same command again to resume."),
              file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
