"""Start-up of the `academy` commands that grade nothing, against the target of 1 s each.

Builds a small real cohort (or uses ``--course DIR``): an nbgrader gradebook with the track
manifest's assignments, bulk-written into nbgrader's own schema (:func:`grader.synthetic.grades.
write_gradebook`), its roster as CSV, a role-play studio database with one saved score, and a
second, roster-only course to release into. Then runs each command several times, each time in
a fresh process exactly as a trainer would (``python -m grader.cli ...``), and prints per command
the median wall time and its ratio to the 1 s target, then the import time of the heaviest
modules (``python -X importtime``, also in fresh processes, median), which is what start-up is
made of. ``release`` is timed as every release but the very first of an assignment's version is:
copying what nbgrader's generate_assignment made (grader.generated); that first one, which runs
nbgrader, is timed on its own and printed apart. It prints figures and ratios only; whether a command loads what it does not need is
checked by tests/test_cli_speed.py, without a clock.

``--before DIR`` also times another checkout's ``grader`` (e.g. ``git worktree add /tmp/before
main``) on the same cohort, the two taking turns run by run, and prints how many times faster this
one is. The cohort is always built with this checkout's code.

    .venv/bin/python benchmarks/startup.py [--runs 5] [--learners 24] [--course DIR] [--before DIR] [--keep DIR]
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

    from grader.generated import generated

    generated(RELEASED, ROOT / "solutions")  # what `academy build` or a first release leaves (see first_release)
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


def run_once(code: Path, args: list[str], cwd: Path, extra: dict | None = None) -> tuple[float, int, str]:
    env = {**os.environ, "PYTHONPATH": str(code), "ACADEMY_NO_PROGRESS": "1",
           "ACADEMY_ROLEPLAY_DB": str(cwd / "roleplay.db"), **(extra or {})}
    env.pop("ACADEMY_GRADEBOOK", None)
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "grader.cli", *args], cwd=cwd, env=env,
                          capture_output=True, text=True)
    return time.perf_counter() - t, proc.returncode, (proc.stderr or proc.stdout)[-600:]


def time_commands(codes: list[Path], c: dict, runs: int) -> list[dict]:
    """Each command ``runs`` times per checkout, the checkouts taking turns run by run (so a
    change in the machine's load falls on both alike)."""
    out, turn = [], 0
    for label, args, ok_codes in commands(c):
        times: dict[Path, list[float]] = {code: [] for code in codes}
        bad: dict[Path, str] = {}
        for _ in range(runs):
            for code in codes:
                turn += 1  # the changed roster alternates between two names: each run is an update
                a = [str(c["base"] / ("roster-a.csv" if turn % 2 else "roster-b.csv")) if x == "@alternate"
                     else x for x in args]
                wall, rc, text = run_once(code, a, c["base"])
                times[code].append(wall)
                if rc not in ok_codes:
                    lines = text.strip().splitlines()
                    bad[code] = f"exit {rc}: {lines[-1][:120] if lines else ''}"
        med = {code: statistics.median(v) for code, v in times.items()}
        out.append({"label": label, "median": med, "bad": bad})
        cells = "".join(f"{med[code]:7.2f} s  ratio {med[code] / TARGET_S:5.2f}" + ("   " if len(codes) > 1 else "")
                        for code in codes)
        if len(codes) > 1:
            cells += f"  {med[codes[0]] / med[codes[-1]]:5.1f}x faster"
        flags = "".join(f"   [{'now' if code == ROOT else 'before'}: {why}]"
                        for code, why in bad.items())
        print(f"  {label:<34}{cells}{flags}", flush=True)
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
    ap.add_argument("--before", help="another checkout (e.g. before a change) to time alongside this one, "
                                     "run by run in turn")
    ap.add_argument("--keep", help="build the cohort here and keep it (default: a temporary folder)")
    args = ap.parse_args()
    codes = ([Path(args.before).resolve()] if args.before else []) + [ROOT]
    base = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="startup-"))
    try:
        t = time.perf_counter()
        c = build(base, args.learners, Path(args.course).resolve() if args.course else None)
        if args.learner:
            c["learner"] = args.learner
        print(f"cohort: {c['n']} learners{' from ' + args.course if args.course else ''} "
              f"(ready in {time.perf_counter() - t:.0f} s, in {base})")
        load = os.getloadavg()[0]
        print(f"\nacademy commands that grade nothing: median of {args.runs} fresh processes each, "
              f"target {TARGET_S:.0f} s   [{os.cpu_count()} cores, load average {load:.1f}]")
        if args.before:
            print(f"  {'':<34}{'before (' + str(codes[0]) + ')':<31}{'now (' + str(ROOT) + ')'}")
        rows = time_commands(codes, c, args.runs)
        for code in codes:
            meds = [r["median"][code] for r in rows]
            slowest = max(rows, key=lambda r: r["median"][code])
            print(f"  {'before' if code != ROOT else 'now'}: {sum(m <= TARGET_S for m in meds)} of {len(rows)} "
                  f"commands within the target; slowest {max(meds):.2f} s ({slowest['label']}); "
                  f"median of all {statistics.median(meds):.2f} s")
        first_release(c, args.runs)
        print(f"\nimport time in a fresh interpreter (median of 3; as academy starts unless said), "
              f"ratio to the {TARGET_S:.0f} s target:")
        measured = [(m, note, import_seconds(ROOT, m, bool(note), 3)) for m, note in MODULES]
        for m, note, sec in sorted(measured, key=lambda x: -(x[2] if x[2] == x[2] else 0)):
            label = f"{m} ({note})" if note else m
            print(f"  {label:<50} {sec:6.2f} s   ratio {sec / TARGET_S:5.2f}")
        print(f"  {'(python itself, no imports)':<50} {statistics.median(_bare(3)):6.2f} s")
        failed = [(r["label"], code, why) for r in rows for code, why in r["bad"].items()]
        if failed:
            print(f"\n{len(failed)} command(s) did not exit as expected (their time means little):")
            for label, code, why in failed:
                print(f"  {label} ({code}): {why}")
        return 1 if any(code == ROOT for _, code, _ in failed) else 0
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)


def first_release(c: dict, runs: int) -> None:
    """`release` of a source nothing was generated from yet on this machine: nbgrader's
    generate_assignment builds the grading model (grader.generated), once per version of the
    assignment; every later release of it, to any cohort, is the `release` timed above. The very
    first on a machine also has nbgrader make the empty gradebook every generate starts from."""
    def once(cache: str) -> float:
        course = Path(cache) / "course"
        shutil.rmtree(course, ignore_errors=True)
        shutil.copytree(c["base"] / "release-course", course, ignore=shutil.ignore_patterns("exchange", "release"))
        for old in Path(cache).glob(f"{RELEASED}-*"):
            shutil.rmtree(old)
        wall, rc, _text = run_once(ROOT, ["release", RELEASED, "--course", str(course), "--quiet"], c["base"],
                                   {"ACADEMY_GENERATED": cache})
        return wall if rc == 0 else float("nan")

    with tempfile.TemporaryDirectory(prefix="startup-generated-") as cache:
        first = once(cache)
        again = statistics.median(once(cache) for _ in range(runs))
    print(f"\nonce per version of an assignment's source (nbgrader's generate_assignment builds the grading\n"
          f"model; `academy build`, the demo or the first release make it, every later release copies it):\n"
          f"  {'release of a new version':<34}{again:7.2f} s  (median of {runs})\n"
          f"  {'the same, first ever on a machine':<34}{first:7.2f} s  (nbgrader also makes its empty gradebook)")


def _bare(runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        out.append(time.perf_counter() - t)
    return out


if __name__ == "__main__":
    sys.exit(main())
