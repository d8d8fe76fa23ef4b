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

APP = Path(__file__).resolve().parents[1] / "roleplay" / "app.ipynb"


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "roleplay", help="role-play scorer app, calibration reports and CSV export",
        description="Serve the role-play scorer on this computer (no code on screen). "
                    "Actions: calibrate, export, validate.")
    p.add_argument("--db", help="SQLite file for the scores (default: $ACADEMY_ROLEPLAY_DB "
                                "or roleplay.db in the current folder)")
    p.add_argument("--port", type=int, default=8866, help="port on 127.0.0.1 (default 8866)")
    p.add_argument("--no-browser", action="store_true", help="do not open a browser window")
    p.set_defaults(func=serve)
    actions = p.add_subparsers(dest="roleplay_action", metavar="ACTION")

    c = actions.add_parser("calibrate", help="HTML report on how far raters agree",
                           description="Write a calibration report for calls scored by two or "
                                       "more raters (all such calls unless --call is given).")
    c.add_argument("--db", default=argparse.SUPPRESS, help="SQLite file with the scores")
    c.add_argument("--call", action="append", metavar="ID",
                   help="a call (recording) id to include; repeat for several")
    c.add_argument("--out", default="calibration-report.html", help="where to write the report")
    c.set_defaults(func=calibrate)

    e = actions.add_parser("export", help="write saved scores to CSV")
    e.add_argument("--db", default=argparse.SUPPRESS, help="SQLite file with the scores")
    e.add_argument("--table", choices=["results", "items", "history", "notes"], default="results",
                   help="results: latest version of each score (default); items: every item "
                        "answer; history: every version ever saved; notes: section notes")
    e.add_argument("--out", default="roleplay-results.csv", help="CSV file to write")
    e.set_defaults(func=export)

    v = actions.add_parser("validate", help="check scorecards and scenario cards")
    v.add_argument("--scorecards", help="folder of scorecards (default datasets/scorecards)")
    v.add_argument("--scenarios", help="scenario file (default datasets/roleplay/scenarios.yaml)")
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
        print(f"The scorer app is missing ({APP}); reinstall the course package.", file=sys.stderr)
        return 1
    if not _port_free(args.port):
        print(f"Port {args.port} is busy (another scorer already running?). Open "
              f"http://127.0.0.1:{args.port}/ or start with --port {args.port + 1}.", file=sys.stderr)
        return 1
    print(f"Role-play scorer: http://127.0.0.1:{args.port}/\nScores are saved in {db}\n"
          f"Press Ctrl+C here to stop.", flush=True)
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
        print(f"No scores yet: {db} does not exist. Score some calls first "
              f"('academy roleplay'), or point --db at the raters' file.", file=sys.stderr)
        return 1
    try:
        cal = calibrate_store(RolePlayStore(db), calls=args.call)
    except ValueError as e:
        print(f"No report: {e}", file=sys.stderr)
        return 1
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_html(cal), encoding="utf-8")
    print(cal.summary())
    for note in cal.notes:
        print(f"  note: {note}")
    print(f"Report written to {out.resolve()}")
    return 0


def export(args) -> int:
    from ..roleplay.store import RolePlayStore

    db = _db(args)
    if not db.exists():
        print(f"No scores yet: {db} does not exist.", file=sys.stderr)
        return 1
    store = RolePlayStore(db)
    out = store.export_csv(args.out, table=args.table)
    print(f"Wrote {args.table} from {db} to {out.resolve()}")
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
    print(f"OK: {len(keys)} scorecard(s) ({', '.join(keys)}) and {len(scenarios)} scenario cards.")
    return 0
