"""``academy roleplay``: the role-play scorer as a local web app, plus calibration and export.

``academy roleplay`` serves the scorer (a Voilà app, no code on screen) on 127.0.0.1 and opens
it in the browser; scores go to ``--db`` (default ``$ACADEMY_ROLEPLAY_DB`` or ``roleplay.db``
in the current folder). ``academy roleplay calibrate`` writes an HTML calibration report for
calls that several raters scored; ``export`` writes the scores to CSV; ``validate`` checks
edited scorecards and scenario cards and lists every problem.
"""
from __future__ import annotations

import argparse
import os
import socket
import sys
from contextlib import closing
from pathlib import Path

from ..i18n import _, join

APP = Path(__file__).resolve().parents[1] / "roleplay" / "app.ipynb"


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "roleplay", help=_("role-play scorer app, calibration reports and CSV export"),
        description=_("Serve the role-play scorer on this computer (no code on screen). "
                      "Actions: calibrate, export, validate."))
    p.add_argument("--db", help=_("SQLite file for the scores (default: $ACADEMY_ROLEPLAY_DB "
                                  "or roleplay.db in the current folder)"))
    p.add_argument("--port", type=int, default=8866, help=_("port on 127.0.0.1 (default 8866)"))
    p.add_argument("--no-browser", action="store_true", help=_("do not open a browser window"))
    p.set_defaults(func=serve)
    actions = p.add_subparsers(dest="roleplay_action", metavar="ACTION")

    c = actions.add_parser("calibrate", help=_("HTML report on how far raters agree"),
                           description=_("Write a calibration report for calls scored by two or "
                                         "more raters (all such calls unless --call is given)."))
    c.add_argument("--db", default=argparse.SUPPRESS, help=_("SQLite file with the scores"))
    c.add_argument("--call", action="append", metavar="ID",
                   help=_("a call (recording) id to include; repeat for several"))
    c.add_argument("--out", default="calibration-report.html", help=_("where to write the report"))
    c.set_defaults(func=calibrate)

    e = actions.add_parser("export", help=_("write saved scores to CSV"))
    e.add_argument("--db", default=argparse.SUPPRESS, help=_("SQLite file with the scores"))
    e.add_argument("--table", choices=["results", "items", "history", "notes"], default="results",
                   help=_("results: latest version of each score (default); items: every item "
                          "answer; history: every version ever saved; notes: section notes"))
    e.add_argument("--out", default="roleplay-results.csv", help=_("CSV file to write"))
    e.set_defaults(func=export)

    v = actions.add_parser("validate", help=_("check scorecards and scenario cards"))
    v.add_argument("--scorecards", help=_("folder of scorecards (default datasets/scorecards)"))
    v.add_argument("--scenarios", help=_("scenario file (default datasets/roleplay/scenarios.yaml)"))
    v.set_defaults(func=validate)


def _db(args) -> Path:
    from ..roleplay.store import default_db_path

    return Path(args.db).expanduser().resolve() if getattr(args, "db", None) else default_db_path()


def _port_free(port: int) -> bool:
    with closing(socket.socket()) as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def voila_command(port: int, open_browser: bool) -> list[str]:
    cmd = [str(Path(sys.executable).parent / "voila"), str(APP), f"--port={port}",
           "--Voila.ip=127.0.0.1", "--ServerApp.ip=127.0.0.1", "--show_tracebacks=True"]
    if not open_browser:
        cmd.append("--no-browser")
    return cmd


def serve(args) -> int:
    db = _db(args)
    if not APP.exists():
        print(_("The scorer app is missing ({app}); reinstall the course package.").format(app=APP),
              file=sys.stderr)
        return 1
    if not _port_free(args.port):
        print(_("Port {port} is busy (another scorer already running?). Open http://127.0.0.1:{port}/ "
                "or start with --port {next}.").format(port=args.port, next=args.port + 1), file=sys.stderr)
        return 1
    print(_("Role-play scorer: http://127.0.0.1:{port}/\nScores are saved in {db}\nPress Ctrl+C here "
            "to stop.").format(port=args.port, db=db), flush=True)
    env = {**os.environ, "ACADEMY_ROLEPLAY_DB": str(db)}
    cmd = voila_command(args.port, not args.no_browser)
    # Become the Voilà server rather than wrap it: Ctrl+C or a stop signal then reaches Voilà
    # itself, which shuts its kernels down; no server is left running behind us.
    os.execve(cmd[0], cmd, env)
    return 0  # not reached


def calibrate(args) -> int:
    from ..roleplay.calibration import calibrate_store
    from ..roleplay.report import render_html
    from ..roleplay.store import RolePlayStore

    db = _db(args)
    if not db.exists():
        print(_("No scores yet: {db} does not exist. Score some calls first ('academy roleplay'), "
                "or point --db at the raters' file.").format(db=db), file=sys.stderr)
        return 1
    try:
        cal = calibrate_store(RolePlayStore(db), calls=args.call)
    except ValueError as e:
        print(_("No report: {reason}").format(reason=e), file=sys.stderr)
        return 1
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_html(cal), encoding="utf-8")
    print(cal.summary())
    for note in cal.notes:
        print("  " + _("note: {note}").format(note=note))
    print(_("Report written to {path}").format(path=out.resolve()))
    return 0


def export(args) -> int:
    from ..roleplay.store import RolePlayStore

    db = _db(args)
    if not db.exists():
        print(_("No scores yet: {db} does not exist.").format(db=db), file=sys.stderr)
        return 1
    store = RolePlayStore(db)
    out = store.export_csv(args.out, table=args.table)
    print(_("Wrote {table} from {db} to {path}").format(table=args.table, db=db, path=out.resolve()))
    return 0


def validate(args) -> int:
    from ..roleplay.scenarios import ScenarioError, load_scenarios
    from ..roleplay.scorecard import ScorecardError, check_standards, load_scorecards, \
        service_standard_ids

    try:
        cards = load_scorecards(args.scorecards)
        scenarios = load_scenarios(args.scenarios, cards=cards)
    except (ScorecardError, ScenarioError, FileNotFoundError) as e:
        print(e, file=sys.stderr)
        return 1
    ids = service_standard_ids()
    problems = [p for c in {c.key: c for c in cards.values()}.values()
                for p in check_standards(c, ids)] if ids else []
    for p in problems:
        print(p, file=sys.stderr)
    if problems:
        return 1
    keys = sorted({c.key for c in cards.values()})
    print(_("OK: {n} scorecard(s) ({ids}) and {scenarios} scenario cards.").format(
        n=len(keys), ids=join(keys), scenarios=len(scenarios)))
    return 0
