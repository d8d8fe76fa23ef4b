"""Commands that grade nothing start without the heavy libraries: a property, not a timing.

``academy progress``, ``candidates``, ``verify``, ``tracks``, every ``--help`` and every error path
must answer in under a second (``benchmarks/startup.py`` prints how far each is from that). What
makes them slow is what they import: nbgrader (its package loads its Jupyter server extensions,
nbconvert and the exchange), pandas and numpy, matplotlib, nbformat with jsonschema's IRI grammar.
Each case below runs one command in a fresh interpreter, as ``academy`` does, and lists what was
imported once it answered; a module that a command does not need must not be among them. No
clock is read, so a loaded machine cannot make these tests pass or fail.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from test_tracks import BOOK, _alembic_on_path, add_learner, make_gradebook  # noqa: F401 - autouse fixture
from academy_testing import save_coaching_score

ROOT = Path(__file__).resolve().parents[1]

# Runs the command as `academy` does (grader.cli.main), then records every module loaded
# (a None entry is a module made unimportable on purpose, not loaded).
PROBE = """
import json, os, sys
from grader.cli import main
try:
    code = main(sys.argv[1:])
except SystemExit as exc:  # --help and argparse errors
    code = exc.code
with open(os.environ["ACADEMY_PROBE_OUT"], "w") as out:
    json.dump({"code": code, "modules": sorted(k for k, v in sys.modules.items() if v is not None)}, out)
"""

NBGRADER = ("nbgrader",)  # any part of it: its package __init__ loads the server extensions
TABLES = ("pandas", "numpy", "matplotlib")
NOTEBOOKS = ("nbformat", "nbconvert", "jsonschema", "jupyter_server", "tornado")
HEAVY = NBGRADER + TABLES + NOTEBOOKS + ("sqlalchemy.orm", "reportlab", "plotly", "ipywidgets")


@pytest.fixture(scope="module")
def cohort(tmp_path_factory):
    """A course folder as `academy roster` leaves it after grading: an nbgrader gradebook with two
    learners' graded submissions, the roster they came from, and a role-play studio database
    holding one saved score (so its rows are read too)."""
    base = tmp_path_factory.mktemp("startup")
    course = base / "cohort"
    course.mkdir()
    url = make_gradebook(course / "gradebook.db", BOOK)
    add_learner(url, "ana", {"01-a": {"q1": 6, "q2": 3}, "06-cap": {"auto": 2, "proposal": 6}}, "Ana", "Lima")
    add_learner(url, "ben", {"01-a": {"q1": 6, "q2": 4}}, "Ben", "Wu")
    (base / "roster.csv").write_text("id,first_name,last_name\nana,Ana,Lima\nben,Ben,Wu\n")
    save_coaching_score(base / "roleplay.db", "ana")
    return base


def loaded(args: list[str], cwd: Path) -> tuple[int, list[str]]:
    """(exit code, modules loaded) of `academy ARGS` run in a fresh interpreter in ``cwd``."""
    out = cwd / "probe.json"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ACADEMY_PROBE_OUT": str(out),
           "ACADEMY_ROLEPLAY_DB": str(cwd / "roleplay.db")}
    env.pop("ACADEMY_GRADEBOOK", None)
    proc = subprocess.run([sys.executable, "-c", PROBE, *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)
    assert out.exists(), f"academy {' '.join(args)} did not finish:\n{proc.stderr[-3000:]}"
    data = json.loads(out.read_text())
    out.unlink()
    return data["code"], data["modules"]


def unwanted(modules: list[str], heavy: tuple[str, ...]) -> list[str]:
    """The top modules among ``heavy`` that were imported (a package or any part of it)."""
    return sorted({h for h in heavy for m in modules if m == h or m.startswith(h + ".")})


def _commands() -> list[str]:
    """Every subcommand `academy` has (each module in grader.commands registers its own)."""
    import argparse

    from grader.cli import build_parser

    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return sorted(sub.choices)


HELP = [[], ["--help"]] + [[cmd, "--help"] for cmd in _commands()]


@pytest.mark.parametrize("args", HELP, ids=lambda a: " ".join(a) or "(no command)")
def test_help_loads_nothing_heavy(args, tmp_path):
    """Does `academy`, and `academy COMMAND --help` for every command, answer without nbgrader,
    pandas, notebooks or the database library?"""
    code, modules = loaded(args, tmp_path)
    assert code in (0, 2)
    assert unwanted(modules, HEAVY + ("sqlalchemy", "yaml")) == []


READS = [
    ["progress", "ana", "--course", "cohort"],
    ["progress", "ana", "--json", "--course", "cohort"],
    ["progress", "nobody", "--course", "cohort"],  # an unknown learner: the error path
    ["candidates", "--course", "cohort"],
    ["candidates", "--csv", "--track", "agent", "--course", "cohort"],
    ["verify", "AGT-20261201-AAAA-BBBB-CCCC", "--course", "cohort"],  # well formed, not valid
    ["verify", "nonsense", "--course", "cohort"],
    ["tracks"],
]


@pytest.mark.parametrize("args", READS, ids=" ".join)
def test_track_commands_read_rows_not_tables(args, cohort):
    """Do progress, candidates, verify and tracks read the gradebook and the role-play scores
    without nbgrader's package, pandas, notebooks or the ORM, on a real gradebook and studio
    database, whether they succeed or explain an error?"""
    code, modules = loaded(args, cohort)
    assert code in (0, 1, 2)
    assert unwanted(modules, HEAVY) == []
    if args[0] in ("progress", "candidates") and code == 0:
        assert "sqlalchemy" in modules and "grader.roleplay.store" in modules  # both were read


ERRORS = [
    ["collect", "01-service-standards", "--course", "missing"],
    ["collect", "no-such-assignment", "--course", "cohort"],
    ["release", "no-such-assignment", "--course", "cohort"],
    ["autograde", "01-service-standards", "--course", "missing"],
    ["feedback", "01-service-standards", "--course", "missing"],
    ["export", "--course", "missing"],
    ["report", "--course", "missing"],
    ["roster", "missing.csv", "--course", "cohort"],
    ["candidates", "--course", "missing"],
    ["certificates", "--course", "missing"],
    ["build", "no-such-assignment"],
    ["collect", "01-service-standards", "--course", "cohort", "--learner", "../x"],
]


@pytest.mark.parametrize("args", ERRORS, ids=" ".join)
def test_error_paths_load_nothing_heavy(args, cohort):
    """Does every refusal (no course, unknown assignment, missing file, bad learner id) come
    before nbgrader, pandas or notebooks are loaded?"""
    code, modules = loaded(args, cohort)
    assert code in (1, 2)
    assert unwanted(modules, HEAVY) == []


def test_unchanged_roster_and_empty_collect_leave_nbgrader_alone(cohort):
    """Repeating an unchanged roster, and collecting when nobody has submitted anything new,
    change nothing and so load neither nbgrader nor pandas; both still report every learner."""
    code, modules = loaded(["roster", "roster.csv", "--course", "cohort", "--quiet"], cohort)
    assert code == 0 and unwanted(modules, HEAVY) == []
    code, modules = loaded(["collect", "01-service-standards", "--course", "cohort", "--quiet"], cohort)
    assert code == 0 and unwanted(modules, HEAVY) == []


def test_changed_roster_writes_without_nbgrader(cohort):
    """A roster with a new learner and a changed name is written to the existing gradebook
    without loading nbgrader or pandas, and the gradebook then holds both changes."""
    import shutil
    import sqlite3

    work = cohort.parent / "changed-roster"
    shutil.copytree(cohort, work)
    (work / "roster2.csv").write_text("id,first_name,last_name\nana,Ana,Li\nben,Ben,Wu\ncai,Cai,Mo\n")
    code, modules = loaded(["roster", "roster2.csv", "--course", "cohort", "--quiet"], work)
    assert code == 0 and unwanted(modules, HEAVY) == []
    con = sqlite3.connect(work / "cohort" / "gradebook.db")
    rows = dict(con.execute("SELECT id, last_name FROM student").fetchall())
    con.close()
    assert rows == {"ana": "Li", "ben": "Wu", "cai": "Mo"}


def test_learner_workspace_loads_nothing_heavy(tmp_path):
    """Does `academy workspace` copy the course without loading nbgrader, pandas or notebooks?"""
    code, modules = loaded(["workspace", "--dir", str(tmp_path / "learner")], tmp_path)
    assert code == 0 and (tmp_path / "learner").is_dir()
    assert unwanted(modules, HEAVY) == []


def test_export_reads_the_gradebook_without_nbgrader(cohort):
    """Export writes nbgrader's CSV (tests/test_gradebook.py shows it is nbgrader's file), the
    per-question CSV and the workbook from the gradebook layer's bulk reads: it needs pandas for
    the tables but never nbgrader, notebooks or charts."""
    out = cohort / "export-probe"
    code, modules = loaded(["export", "--course", "cohort", "--out", str(out), "--quiet"], cohort)
    assert code == 0 and (out / "grades.csv").read_text().count("\n") == 1 + 2 * 2  # 2 assignments x 2
    assert "pandas" in modules and "xlsxwriter" in modules  # the real thing ran
    assert unwanted(modules, NBGRADER + NOTEBOOKS + ("matplotlib", "openpyxl", "sqlalchemy.orm")) == []


@pytest.mark.nbgrader
def test_release_runs_nbgrader_once_per_version_of_the_source(cohort, tmp_path, monkeypatch):
    """The first release of an assignment's current source runs nbgrader's generate_assignment
    (and never pandas or the IRI grammar jsonschema would compile for nbformat: rfc3987_syntax, on
    lark; see grader.cli). Any later release of the same source, to this cohort or another one,
    copies what it made (grader.generated) and loads no nbgrader at all."""
    import shutil

    monkeypatch.setenv("ACADEMY_GENERATED", str(tmp_path / "generated"))
    other = cohort.parent / "other-cohort"
    shutil.copytree(cohort / "cohort", other)
    args = ["release", "01-service-standards", "--quiet", "--course"]
    code, modules = loaded(args + ["cohort"], cohort)
    assert code == 0
    assert "nbgrader.converters" in modules and "nbformat" in modules  # the real thing ran
    assert unwanted(modules, TABLES + ("lark", "rfc3987_syntax")) == []
    for where in ("cohort", str(other)):
        code, modules = loaded(args + [where], cohort)
        assert code == 0 and unwanted(modules, HEAVY) == []
    assert (other / "exchange" / "call-center-academy" / "outbound" / "01-service-standards").is_dir()


def test_notebook_schemas_use_no_format_keyword():
    """grader.cli starts without jsonschema's IRI format plugin; that loses nothing only while
    nbformat's notebook schemas use no ``format`` keyword at all (formats are all it checks).
    Names of properties (a raw cell's metadata has one called "format") are not keywords."""
    import nbformat

    names = {"properties", "patternProperties", "definitions", "$defs"}  # their keys are names
    data = {"enum", "const", "default", "examples"}  # their values are data, not schemas

    def keywords(node):
        if isinstance(node, list):
            for v in node:
                yield from keywords(v)
        elif isinstance(node, dict):
            for k, v in node.items():
                yield k
                if k in names and isinstance(v, dict):
                    for sub in v.values():
                        yield from keywords(sub)
                elif k not in data:
                    yield from keywords(v)

    schemas = sorted(Path(nbformat.__file__).parent.glob("v*/nbformat.v*.schema.json"))
    assert len(schemas) >= 5, "nbformat's schemas moved: look where they are now"
    for schema in schemas:
        found = set(keywords(json.loads(schema.read_text())))
        assert "type" in found and "format" not in found, schema.name
