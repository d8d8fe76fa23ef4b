"""Tests of the call log generator (grader/datasets/calls.py) and the committed call_log.csv."""
from __future__ import annotations

import csv
import re
import statistics
from collections import Counter
from pathlib import Path

import pytest

from grader.datasets import calls

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "datasets" / "call_log.csv"
SEEDS = (2026, 1, 7, 99)

# When a README "empty" cell names a condition, the cell must be blank exactly when it holds.
EMPTY_WHEN = {
    "when abandoned": lambda r: r["abandoned"] == "True",
    "when outbound": lambda r: r["direction"] == "outbound",
    "when no hold": lambda r: r["hold_count"] == "0",
}


def rows_of(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames), list(reader)


@pytest.fixture(scope="module")
def by_seed(tmp_path_factory) -> dict[int, list[dict[str, str]]]:
    out = {}
    for seed in SEEDS:
        folder = tmp_path_factory.mktemp(f"calls{seed}")
        calls.generate(folder, seed)
        out[seed] = rows_of(folder / "call_log.csv")[1]
    return out


def _int(r, col):
    return int(r[col]) if r[col] != "" else None


def test_same_seed_same_bytes(tmp_path):
    """Do two runs with the same seed write byte-identical files, and does another seed differ?"""
    a, b, c = (tmp_path / "a"), (tmp_path / "b"), (tmp_path / "c")
    calls.generate(a, 2026)
    calls.generate(b, 2026)
    calls.generate(c, 2027)
    assert (a / "call_log.csv").read_bytes() == (b / "call_log.csv").read_bytes()
    assert (a / "call_log.csv").read_bytes() != (c / "call_log.csv").read_bytes()


def test_committed_file_is_seed_2026(tmp_path):
    """Is the committed datasets/call_log.csv exactly what seed 2026 makes (nobody edited it)?"""
    calls.generate(tmp_path, 2026)
    assert COMMITTED.read_bytes() == (tmp_path / "call_log.csv").read_bytes(), \
        "datasets/call_log.csv is stale: run 'python datasets/generate.py' and commit it"


def test_columns_match_readme(readme):
    """Are the file's columns exactly those the README table documents, in the same order?"""
    header, _ = rows_of(COMMITTED)
    documented = [row["column"] for row in readme.table("call_log.csv")]
    assert header == documented
    assert header == calls.COLUMNS


@pytest.mark.parametrize("seed", SEEDS)
def test_values_match_readme(readme, by_seed, seed):
    """Does every cell have the type, range, labels and blanks that the README table promises?"""
    rows = by_seed[seed]
    for spec in readme.table("call_log.csv"):
        col, kind = spec["column"], spec["type"]
        how, allowed = readme.values(spec["values"])
        empty = spec["empty"]
        for r in rows:
            v = r[col]
            if empty in EMPTY_WHEN:
                blank_expected = EMPTY_WHEN[empty](r)
                assert (v == "") == blank_expected, f"{col} of {r['call_id']}: {v!r} ({empty})"
            elif empty == "no":
                assert v != "", f"{col} of {r['call_id']} is blank"
            if v == "":
                continue
            if kind == "integer":
                assert re.fullmatch(r"-?\d+", v), f"{col} of {r['call_id']}: {v!r} is not an integer"
            elif kind == "boolean":
                assert v in ("True", "False"), f"{col} of {r['call_id']}: {v!r}"
            if how == "range":
                lo, hi = allowed
                x = float(v) if isinstance(lo, float) else v
                assert lo <= x <= hi, f"{col} of {r['call_id']}: {v} outside {lo}–{hi}"
            elif how == "set":
                assert v in allowed, f"{col} of {r['call_id']}: {v!r} not in {sorted(allowed)}"
            elif how == "pattern":
                assert re.fullmatch(allowed, v), f"{col} of {r['call_id']}: {v!r} vs {spec['values']}"


@pytest.mark.parametrize("seed", SEEDS)
def test_internal_consistency(by_seed, seed):
    """Do the columns agree with each other (ids unique and in time order, weekday and hour from
    start_time, handle time covering talk and holds, abandoned calls empty)?"""
    rows = by_seed[seed]
    assert [r["call_id"] for r in rows] == [f"C-{1001 + i}" for i in range(len(rows))]
    assert [r["start_time"] for r in rows] == sorted(r["start_time"] for r in rows)
    names = {}
    from datetime import datetime
    for r in rows:
        t = datetime.fromisoformat(r["start_time"])
        assert r["weekday"] == t.strftime("%A") and int(r["hour"]) == t.hour
        assert t.weekday() != 6, "the centre is closed on Sundays"
        if r["abandoned"] == "True":
            assert r["direction"] == "inbound"
            assert int(r["talk_s"]) == int(r["handle_s"]) == int(r["hold_count"]) == 0
            continue
        names.setdefault(r["agent_id"], set()).add(r["agent_name"])
        hold_count, longest = int(r["hold_count"]), int(r["longest_hold_s"])
        assert (hold_count == 0) == (longest == 0)
        assert int(r["handle_s"]) >= int(r["talk_s"]) + longest
    assert len(names) == 12 and all(len(v) == 1 for v in names.values())


@pytest.mark.parametrize("seed", SEEDS)
def test_realistic_shape(by_seed, seed):
    """Does the log look like a real team's fortnight: Monday mornings busier than Wednesday
    afternoons, a long tail of handle times, a few abandoned calls, and rule breaches that are
    present but a minority (under 25%) and concentrated on some agents?"""
    rows = by_seed[seed]
    assert 450 <= len(rows) <= 800
    per_hour = Counter((r["weekday"], int(r["hour"])) for r in rows)
    monday_morning = sum(per_hour[("Monday", h)] for h in (9, 10, 11)) / 3
    wednesday_afternoon = sum(per_hour[("Wednesday", h)] for h in (14, 15, 16)) / 3
    assert monday_morning > 1.5 * wednesday_afternoon
    by_day = Counter(r["weekday"] for r in rows)
    assert by_day["Monday"] == max(by_day.values()) and by_day["Saturday"] == min(by_day.values())

    inbound = [r for r in rows if r["direction"] == "inbound"]
    assert 0.6 < len(inbound) / len(rows) < 0.95
    abandoned = [r for r in inbound if r["abandoned"] == "True"]
    assert 0.01 <= len(abandoned) / len(inbound) <= 0.10

    answered = [r for r in rows if r["abandoned"] == "False"]
    handle = [int(r["handle_s"]) for r in answered]
    median = statistics.median(handle)
    assert 150 <= median <= 420
    assert statistics.mean(handle) > median and max(handle) > 3 * median  # right-skewed

    def breach(r):
        late = r["direction"] == "inbound" and int(r["rings"]) > 3
        long_hold = int(r["longest_hold_s"]) > 60
        unasked = r["hold_count"] != "0" and r["hold_permission_asked"] == "False"
        return late or long_hold or unasked

    breaches = [r for r in answered if breach(r)]
    assert 0.03 < len(breaches) / len(answered) < 0.25
    for rule in (lambda r: r["direction"] == "inbound" and int(r["rings"]) > 3,
                 lambda r: int(r["longest_hold_s"]) > 60,
                 lambda r: r["hold_count"] != "0" and r["hold_permission_asked"] == "False"):
        assert 3 <= sum(map(rule, answered)) < 0.15 * len(answered)
    rate = {a: sum(map(breach, g)) / len(g) for a, g in _group(answered, "agent_id").items()}
    assert max(rate.values()) > 2 * statistics.median(rate.values())

    scores = [int(r["satisfaction"]) for r in rows if r["satisfaction"]]
    assert 0.3 < len(scores) / len(rows) < 0.7
    assert len(set(scores)) >= 3


def _group(rows, key):
    out: dict[str, list] = {}
    for r in rows:
        out.setdefault(r[key], []).append(r)
    return out


def test_pandas_reads_it_as_documented():
    """Does grader.datasets.load give learners numbers and booleans they can filter on?"""
    from grader.datasets import load

    df = load("call_log.csv")
    assert df["abandoned"].dtype == bool and df["transferred"].dtype == bool
    assert str(df["talk_s"].dtype).startswith("int") and str(df["hold_count"].dtype).startswith("int")
    held = df[df["hold_count"] > 0]
    assert set(held["hold_permission_asked"]) <= {True, False}
    late = df[(df["direction"] == "inbound") & ~df["abandoned"] & (df["rings"] > 3)]
    assert len(late) > 0
