"""Start-up of the `academy` commands that grade nothing, against the target of 1 s each.

Builds a small real cohort (or uses ``--course DIR``): an nbgrader gradebook with the track
manifest's assignments, bulk-written into nbgrader's own schema (:func:`grader.synthetic.grades.
write_gradebook`), its roster as CSV, a role-play studio database with one saved score, and a
second, roster-only course to release into. Then runs each command several times, each time in
a fresh process exactly as a trainer would (``python -m grader.cli ...``), and prints per command
the median wall time and its ratio to the 1 s target, then the import time of the heaviest
modules (``python -X importtime``, also in fresh processes, median), which is what start-up is
made of. It prints figures and ratios only; whether a command loads what it does not need is
checked by tests/test_cli_speed.py, without a clock.

``--code DIR`` times another checkout's ``grader`` on the same cohort (e.g. ``--code /work/main``
before a change); the cohort is always built with this checkout's code.

    .venv/bin/python benchmarks/startup.py [--runs 5] [--learners 24] [--course DIR] [--code DIR] [--keep DIR]
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.modules.setdefault("rfc3987_syntax", None)  # as `academy` does (see grader.cli)

TARGET_S = 1.0
RELEASED = "01-service-standards"
# (module, how it is imported): what a command may load, heaviest first once measured
MODULES = [("nbgrader.apps", ""), ("nbgrader.api", ""), ("nbgrader", ""), ("pandas", ""),
           ("matplotlib.pyplot", ""), ("nbformat", ""), ("nbformat", "with jsonschema's IRI plugin"),
           ("sqlalchemy.orm", ""), ("sqlalchemy", ""), ("numpy", ""), ("reportlab.pdfgen.canvas", ""),
           ("yaml", ""), ("grader.cli", ""), ("grader.gradebook", ""), ("grader.tracks", "")]


def build(base: Path, learners: int, given: Path | None = None) -> dict:
    """The cohort folders; returns what the commands are run with. With ``given``, a copy of that
    cohort folder is used (so nothing a command writes lands in it)."""
    import csv

    from grader.gradebook import Gradebook
    from grader.roleplay.scorecard import load_scorecard
    from grader.roleplay.store import RolePlayStore
    from grader.synthetic.grades import synthetic_grades, write_gradebook
    from grader.tracks import load_manifest

    course = base / "cohort"
    if given:
        shutil.copytree(given, course, ignore=shutil.ignore_patterns("export", "report.html"))
    else:
        names: list[str] = []
        for t in load_manifest():
            names += [a.id for a in t.assignments if a.id not in names]
        course.mkdir(parents=True)
        table, people = synthetic_grades(learners, 10 * len(names), per_assignment=10, assignments=sorted(names))
        write_gradebook(f"sqlite:///{course / 'gradebook.db'}", table, people)
    with Gradebook(course / "gradebook.db") as gb:
        people = gb.learner_rows()

    def roster(name: str, rows) -> None:
        with open(base / name, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["id", "first_name", "last_name", "email"])
            w.writerows([p.learner, p.first_name or "", p.last_name or "", p.email or ""] for p in rows)

    roster("roster.csv", people)  # the gradebook's own roster: importing it changes nothing
    for name, first in (("roster-a.csv", "Renamed"), ("roster-b.csv", "Changed")):  # alternated: an update
        roster(name, [people[0]._replace(first_name=first)])
    card = load_scorecard(ROOT / "datasets" / "scorecards" / "coaching-conversation.v1.yaml")
    answers = {i.id: ("yes" if i.scale.name == "yes_no" else 3) for i in card.items}
    answers.update({c.id: "pass" for c in card.critical})
    RolePlayStore(base / "roleplay.db").save(card, answers, learner=people[0].learner, rater="trainer.kim",
                                             scenario_id="new-hire-no-direction")
    release_to = base / "release-course"
    subprocess.run([sys.executable, "-m", "grader.cli", "roster", str(base / "roster.csv"), "--course",
                    str(release_to), "--quiet"], cwd=ROOT, check=True, capture_output=True)
    return {"course": course, "learner": people[len(people) // 2].learner, "base": base, "n": len(people)}


def commands(c: dict) -> list[tuple[str, list[str], set[int]]]:
    """(label, arguments, exit codes that mean it worked as meant)."""
    course, base = str(c["course"]), c["base"]
    rp = ["--roleplay-db", str(base / "roleplay.db")]
    missing = str(base / "no-such-course")
    return [
        ("--help", ["--help"], {0}),
        ("report --help", ["report", "--help"], {0}),
        ("certificates --help", ["certificates", "--help"], {0}),
        ("build --help", ["build", "--help"], {0}),
        ("hub --help", ["hub", "--help"], {0}),
        ("roleplay --help", ["roleplay", "--help"], {0}),
        ("tracks", ["tracks"], {0}),
        ("progress LEARNER", ["progress", c["learner"], "--course", course, *rp], {0}),
        ("candidates", ["candidates", "--course", course, *rp], {0}),
        ("verify CODE", ["verify", "AGT-20261201-AAAA-BBBB-CCCC", "--gradebook",
                         str(c["course"] / "gradebook.db"), *rp], {1}),  # well formed, not valid
        ("workspace", ["workspace", "--dir", str(base / "learner")], {0}),
        ("roster (unchanged)", ["roster", str(base / "roster.csv"), "--course", course, "--quiet"], {0}),
        ("roster (a name changed)", ["roster", "@alternate", "--course", course, "--quiet"], {0}),
        ("collect (nothing new)", ["collect", RELEASED, "--course", course, "--quiet"], {0}),
        ("release", ["release", RELEASED, "--course", str(base / "release-course"), "--quiet"], {0}),
        ("export", ["export", "--course", course, "--out", str(base / "export"), "--quiet"], {0}),
        ("error: progress, unknown learner", ["progress", "nobody", "--course", course, *rp], {1}),
        ("error: collect, no course", ["collect", RELEASED, "--course", missing], {1}),
        ("error: report, no course", ["report", "--course", missing], {1}),
        ("error: unknown command", ["no-such-command"], {2}),
    ]


def run_once(code: Path, args: list[str], cwd: Path) -> tuple[float, int, str]:
    env = {**os.environ, "PYTHONPATH": str(code), "ACADEMY_NO_PROGRESS": "1",
           "ACADEMY_ROLEPLAY_DB": str(cwd / "roleplay.db")}
    env.pop("ACADEMY_GRADEBOOK", None)
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "grader.cli", *args], cwd=cwd, env=env,
                          capture_output=True, text=True)
    return time.perf_counter() - t, proc.returncode, (proc.stderr or proc.stdout)[-600:]


def time_commands(code: Path, c: dict, runs: int) -> list[tuple[str, float, int, bool, str]]:
    out = []
    for label, args, ok_codes in commands(c):
        times, codes, text = [], [], ""
        for i in range(runs):
            a = [str(c["base"] / ("roster-a.csv" if i % 2 else "roster-b.csv")) if x == "@alternate" else x
                 for x in args]
            wall, rc, text = run_once(code, a, c["base"])
            times.append(wall)
            codes.append(rc)
        med = statistics.median(times)
        worked = all(rc in ok_codes for rc in codes)
        out.append((label, med, codes[-1], worked, "" if worked else text))
        flag = "" if worked else f"   exit {codes[-1]}, unexpected: {text.strip().splitlines()[-1][:100] if text.strip() else ''}"
        print(f"  {label:<34} {med:6.2f} s   ratio {med / TARGET_S:5.2f} of the target{flag}", flush=True)
    return out


def import_seconds(code: Path, module: str, plugin: bool, runs: int) -> float:
    """Median cumulative import time of a module in a fresh interpreter (as academy starts,
    without jsonschema's IRI plugin unless ``plugin``)."""
    pre = "" if plugin else "import sys; sys.modules.setdefault('rfc3987_syntax', None); "
    found = []
    for _ in range(runs):
        proc = subprocess.run([sys.executable, "-X", "importtime", "-c", f"{pre}import {module}"],
                              cwd=tempfile.gettempdir(), env={**os.environ, "PYTHONPATH": str(code)},
                              capture_output=True, text=True)
        us = [int(line.split("|")[1]) for line in proc.stderr.splitlines()
              if line.startswith("import time:") and line.split("|")[2].strip() == module
              and line.split("|")[1].strip().isdigit()]
        if proc.returncode != 0 or not us:
            return float("nan")
        found.append(us[-1] / 1e6)
    return statistics.median(found)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5, help="runs of each command (default 5; the median is shown)")
    ap.add_argument("--learners", type=int, default=24, help="learners in the cohort built (default 24)")
    ap.add_argument("--course", help="time against a copy of this cohort folder (with gradebook.db) "
                                     "instead of building one")
    ap.add_argument("--learner", help="the learner for `progress` (default: one in the middle of the roster)")
    ap.add_argument("--code", default=str(ROOT), help="checkout whose grader is timed (default: this one)")
    ap.add_argument("--keep", help="build the cohort here and keep it (default: a temporary folder)")
    args = ap.parse_args()
    code = Path(args.code).resolve()
    base = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="startup-"))
    try:
        t = time.perf_counter()
        c = build(base, args.learners, Path(args.course).resolve() if args.course else None)
        if args.learner:
            c["learner"] = args.learner
        print(f"cohort: {c['n']} learners{' from ' + args.course if args.course else ''} "
              f"(ready in {time.perf_counter() - t:.0f} s, in {base})")
        load = os.getloadavg()[0]
        print(f"\nacademy commands that grade nothing, {code}: median of {args.runs} fresh processes, "
              f"target {TARGET_S:.0f} s   [{os.cpu_count()} cores, load average {load:.1f}]")
        rows = time_commands(code, c, args.runs)
        under = sum(1 for _, med, _, worked, _ in rows if med <= TARGET_S)
        print(f"  {under} of {len(rows)} commands answered within the target; slowest "
              f"{max(r[1] for r in rows):.2f} s ({max(rows, key=lambda r: r[1])[0]}); "
              f"median of all {statistics.median(r[1] for r in rows):.2f} s")
        print(f"\nimport time in a fresh interpreter (median of 3), share of the {TARGET_S:.0f} s target:")
        measured = [(m, note, import_seconds(code, m, bool(note), 3)) for m, note in MODULES]
        for m, note, s in sorted(measured, key=lambda x: -(x[2] if x[2] == x[2] else 0)):
            label = f"{m} ({note})" if note else m
            print(f"  {label:<50} {s:6.2f} s   ratio {s / TARGET_S:5.2f}")
        python = statistics.median(_bare(3))
        print(f"  {'(python itself, no imports)':<50} {python:6.2f} s")
        failed = [r for r in rows if not r[3]]
        if failed:
            print(f"\n{len(failed)} command(s) did not exit as expected (their time means little):")
            for label, *_, text in failed:
                print(f"  {label}: {text.strip()[-300:]}")
        return 1 if failed else 0
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)


def _bare(runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        out.append(time.perf_counter() - t)
    return out


if __name__ == "__main__":
    sys.exit(main())
