"""``academy hub setup|adduser|deluser|start``: the course on a JupyterHub on this machine.

See :mod:`grader.hub`. All need root (they create Unix accounts and start servers as them).
"""
from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
from pathlib import Path

from ..i18n import N_, _, pad

# What the account statuses and roles are called on screen (the values stay: code compares them).
NAMES = {"created": N_("created"), "exists": N_("exists"), "refused": N_("refused"),
         "absent": N_("absent"), "removed": N_("removed"), "learner": N_("learner"), "trainer": N_("trainer")}


def _name(value: str) -> str:
    return _(NAMES[value]) if value in NAMES else value


def _layout(args):
    from ..hub import Layout

    return Layout(Path(args.dir).resolve())


def run_setup(args: argparse.Namespace) -> int:
    from ..gradebook import from_cli
    from ..hub import HubError, setup

    try:
        lay = setup(Path(args.dir), gradebook=from_cli(args.gradebook))
    except HubError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(_("Hub folder ready: {folder}").format(folder=lay.root))
    print(f"  exchange  {lay.exchange} " + _("(mode 1777, nbgrader's shared exchange)"))
    print(f"  course    {lay.course} " + _("(trainers' nbgrader course folder, group academy-trainers)"))
    return 0


def run_adduser(args: argparse.Namespace) -> int:
    from ..hub import HubError, add_from_roster, setup

    if not args.roster and not args.trainer:
        print(_("Give a roster (CSV with an id column) and/or --trainer NAME."), file=sys.stderr)
        return 2
    try:
        lay = setup(Path(args.dir))
        accounts = add_from_roster(lay, Path(args.roster) if args.roster else None, args.trainer or [])
    except HubError as exc:
        print(exc, file=sys.stderr)
        return 1
    width = max([len(a.name) for a in accounts] + [8])
    for a in accounts:
        mark = pad("!!" if a.status == "refused" else _("ok"), 2) + " "
        print(f"  {mark}{a.name:<{width}}  {pad(_name(a.role), 8)} {pad(_name(a.status), 8)} {a.message}".rstrip())
    created = [a for a in accounts if a.status == "created"]
    if created:
        print("\n" + _("{n} new account(s); their first passwords are in {file} (readable by root only). "
                       "Hand each one out privately; a user changes it with `passwd` in a JupyterLab "
                       "terminal.").format(n=len(created), file=lay.credentials))
    return 1 if any(a.status == "refused" for a in accounts) else 0


def run_deluser(args: argparse.Namespace) -> int:
    from ..hub import HubError, need_root, remove_user
    from ..workflow import read_roster

    try:
        need_root(_("Removing hub accounts"))
    except HubError as exc:
        print(exc, file=sys.stderr)
        return 1
    names = list(args.name or [])
    if args.roster:
        learners, problems = read_roster(Path(args.roster))
        if problems:
            print("\n".join(problems), file=sys.stderr)
            return 1
        names += [l["id"] for l in learners]
    code = 0
    for n in names:
        a = remove_user(n)
        print(f"  {n:<20} {_name(a.status)} {a.message}".rstrip())
        code |= a.status == "refused"
    return code


def run_start(args: argparse.Namespace) -> int:
    from ..hub import HubError, check_ready, hub_env, need_root, setup, start_command

    try:
        need_root(_("The hub"))
        lay = setup(Path(args.dir))
    except HubError as exc:
        print(exc, file=sys.stderr)
        return 1
    problems = check_ready(lay)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    url = f"http://{args.ip}:{args.port}/"
    print(_("""Call Center Academy hub: {url}
  First steps (as root, in another terminal):
    .venv/bin/academy hub adduser learners.csv --trainer YOUR_NAME --dir {root}
        one Unix account per learner (first passwords: {credentials})
    then sign in at {url} as the trainer; in a JupyterLab terminal:
    academy roster learners.csv --course {course} --exchange {exchange}
    academy release 01-service-standards --course {course} --exchange {exchange}
    learners sign in, open Nbgrader > Assignment List, Fetch, answer, Submit; then
    academy collect|autograde|feedback 01-service-standards --course {course} --exchange {exchange}
  Stop it with Ctrl-C; start it again with `make hub`: accounts and submissions are kept in {root}.
""").format(url=url, root=lay.root, credentials=lay.credentials, course=lay.course, exchange=lay.exchange),
          flush=True)
    env = hub_env(lay, args.ip, args.port)
    proc = subprocess.Popen(start_command(lay), cwd=lay.state, env=env)

    def stop(signum, frame):  # `kill` (SIGTERM) stops the hub as cleanly as Ctrl-C
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        return proc.wait()
    except KeyboardInterrupt:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
        print("\n" + _("The hub has stopped. Nothing was lost; `make hub` starts it again."))
        return 0


def register(sub: argparse._SubParsersAction) -> None:
    from ..hub import DEFAULT_DIR

    hub = sub.add_parser("hub", help=_("the course on a JupyterHub on this machine (needs root)"))
    hs = hub.add_subparsers(dest="hub_command", metavar="STEP")

    def common(p):
        p.add_argument("--dir", default=str(DEFAULT_DIR),
                       help=_("the hub's folder: state, exchange, course (default {folder})").format(
                           folder=DEFAULT_DIR))

    p = hs.add_parser("setup", help=_("create the hub's folders, groups and configuration"))
    common(p)
    p.add_argument("--gradebook", help=_("the trainers' gradebook URL (default COURSE/gradebook.db)"))
    p.set_defaults(func=run_setup)

    p = hs.add_parser("adduser", help=_("one local account per roster learner (and --trainer NAME)"))
    p.add_argument("roster", nargs="?", help=_("roster CSV with an id column (ids become user names)"))
    p.add_argument("--trainer", action="append", help=_("a trainer's user name (repeatable)"))
    common(p)
    p.set_defaults(func=run_adduser)

    p = hs.add_parser("deluser", help=_("remove course accounts and their homes"))
    p.add_argument("name", nargs="*")
    p.add_argument("--roster", help=_("remove every learner of this roster"))
    common(p)
    p.set_defaults(func=run_deluser)

    p = hs.add_parser("start", help=_("run the hub (what `make hub` does); Ctrl-C stops it"))
    common(p)
    p.add_argument("--ip", default=os.environ.get("ACADEMY_HUB_IP", "127.0.0.1"),
                   help=_("address to listen on (default 127.0.0.1; use 0.0.0.0 behind HTTPS only)"))
    p.add_argument("--port", type=int, default=int(os.environ.get("ACADEMY_HUB_PORT", "8000")))
    p.set_defaults(func=run_start)
    hub.set_defaults(func=lambda a: (hub.print_help(), 2)[1])
