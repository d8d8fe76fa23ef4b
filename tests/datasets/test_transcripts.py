"""Tests of the service standards and annotated transcripts (grader/datasets/transcripts.py)."""
from __future__ import annotations

import copy
import csv
import json
import re
from pathlib import Path

import pytest
import yaml

from grader.datasets import transcripts as tr

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "datasets"
FILES = ("service_standards.yaml", "transcripts.json")

# The ids other parts of the course (lessons, exercises, scorecards) rely on.
REQUIRED_IDS = {"greeting_complete", "answer_within_3_rings", "hold_permission", "hold_over_1_min",
                "read_back_details", "pretend_to_know", "argue_with_customer",
                "closing_anything_else", "customer_hangs_up_first", "leak_customer_info",
                "thank_for_waiting", "transfer_name", "closing_agent_id", "closing_thanks",
                "closing_invite_again"}


@pytest.fixture(scope="module")
def standards() -> list[dict]:
    return yaml.safe_load((DATA / "service_standards.yaml").read_text(encoding="utf-8"))["standards"]


@pytest.fixture(scope="module")
def transcripts() -> list[dict]:
    return json.loads((DATA / "transcripts.json").read_text(encoding="utf-8"))["transcripts"]


def test_same_bytes_every_run_and_committed(tmp_path):
    """Do two runs write identical files, identical to the committed ones (whatever the seed)?"""
    tr.generate(tmp_path / "a", 2026)
    tr.generate(tmp_path / "b", 5)
    for name in FILES:
        made = (tmp_path / "a" / name).read_bytes()
        assert made == (tmp_path / "b" / name).read_bytes()
        assert made == (DATA / name).read_bytes(), \
            f"datasets/{name} is stale: run 'python datasets/generate.py' and commit it"


def test_standard_fields_match_readme(readme, standards):
    """Does every standard have exactly the fields the README documents, with allowed values?"""
    spec = {row["field"]: row for row in readme.table("service_standards.yaml")}
    optional = {f for f, row in spec.items() if row["empty"] != "no"}
    for s in standards:
        assert set(spec) - optional <= set(s) <= set(spec), f"{s['id']}: fields {sorted(s)}"
        for field, value in s.items():
            how, allowed = readme.values(spec[field]["values"])
            if how == "set":
                assert str(value) in allowed, f"{s['id']}.{field} = {value!r}"
            elif how == "regex":
                assert re.fullmatch(allowed, value), f"{s['id']}.{field} = {value!r}"
            if spec[field]["type"] == "text":
                assert isinstance(value, str) and value.strip()


def test_standards_content(standards):
    """Are the ids unique and the ones the course relies on present, each with an English
    description and a Chinese name, and is only leaking customer information critical?"""
    ids = [s["id"] for s in standards]
    assert len(ids) == len(set(ids))
    assert REQUIRED_IDS <= set(ids)
    for s in standards:
        assert re.search(r"[\u4e00-\u9fff]", s["zh"]), f"{s['id']}: zh has no Chinese characters"
        assert s["description"].endswith(".") and len(s["description"]) < 160
        assert s["source"].startswith("002")
    critical = [s for s in standards if s["critical"]]
    assert [s["id"] for s in critical] == ["leak_customer_info"]
    assert "dismissal" in critical[0]["consequence"]
    assert all("consequence" not in s for s in standards if not s["critical"])


def test_numbers_from_the_source(standards):
    """Do the measurable standards carry the source's numbers (3 rings, 60 seconds) and point at
    real call_log.csv columns?"""
    by_id = {s["id"]: s for s in standards}
    assert by_id["answer_within_3_rings"]["measure"]["limit"] == 3
    assert by_id["hold_over_1_min"]["measure"]["limit"] == 60
    assert by_id["hold_over_1_min"]["measure"]["unit"] == "seconds"
    with (DATA / "call_log.csv").open(newline="", encoding="utf-8") as fh:
        columns = next(csv.reader(fh))
    for s in standards:
        if "measure" in s:
            assert s["measure"]["column"] in columns, s["id"]


def test_line_fields_match_readme(readme, transcripts):
    """Does every transcript line have exactly the documented fields and allowed values?"""
    spec = {row["field"]: row for row in readme.table("transcripts.json")}
    how, speakers = readme.values(spec["speaker"]["values"])
    assert how == "set"
    for t in transcripts:
        for line in t["lines"]:
            assert set(line) == set(spec), f"{t['id']} line {line.get('n')}: {sorted(line)}"
            assert line["speaker"] in speakers
            assert isinstance(line["follows"], list) and isinstance(line["breaks"], list)


def test_transcripts_are_well_formed(transcripts, standards):
    """Are there 4-6 transcripts, numbered 1, 2, 3 ..., citing only known standards, with model
    calls free of breaches and 'spot the slips' calls containing some?"""
    ids = {s["id"] for s in standards}
    assert 4 <= len(transcripts) <= 6
    for t in transcripts:
        assert [line["n"] for line in t["lines"]] == list(range(1, len(t["lines"]) + 1))
        assert 6 <= len(t["lines"]) <= 40
        cited = [sid for line in t["lines"] for sid in line["follows"] + line["breaks"]]
        assert cited and set(cited) <= ids
        broken = tr.breaches(t)
        if t["purpose"] == "model":
            assert not broken, f"{t['id']} is a model call but breaks {broken}"
        else:
            assert broken
        for line in t["lines"]:
            if line["speaker"] == "Customer":
                assert not line["follows"] and not line["breaks"]
    assert any(sid == "leak_customer_info" for t in transcripts
               for line in t["lines"] for sid in line["breaks"])


def test_validate_names_the_bad_line():
    """Is a transcript citing an unknown standard, or numbered wrongly, refused with a message
    naming the transcript and line?"""
    bad = copy.deepcopy(tr.TRANSCRIPTS)
    bad[1]["lines"][2]["breaks"] = ["answer_in_3_rings"]
    bad[1]["lines"][2]["speaker"] = "Agent"
    with pytest.raises(ValueError, match=r"T2 line 3: unknown standard id 'answer_in_3_rings'"):
        tr.validate(tr.STANDARDS, bad)
    bad = copy.deepcopy(tr.TRANSCRIPTS)
    bad[0]["lines"][4]["n"] = 9
    with pytest.raises(ValueError, match=r"T1 line 5: numbered 9"):
        tr.validate(tr.STANDARDS, bad)
    bad = copy.deepcopy(tr.TRANSCRIPTS)
    bad[0]["lines"][2]["follows"] = ["greeting_complete"]
    with pytest.raises(ValueError, match=r"only agent lines"):
        tr.validate(tr.STANDARDS, bad)


def test_markdown_shows_no_annotations(transcripts, standards):
    """Does the learner-facing Markdown of a transcript show the numbered lines but none of the
    annotations (which would give the answers away)?"""
    ids = {s["id"] for s in standards}
    for t in transcripts:
        md = tr.to_markdown(t)
        assert md.splitlines()[0].startswith("1. ")
        assert len(md.splitlines()) == len(t["lines"])
        assert not any(sid in md for sid in ids)
        assert all(line["note"] not in md for line in t["lines"] if line["note"])


def test_loaders_read_the_committed_files():
    """Do load_standards() and load_transcripts() give dicts keyed by id?"""
    assert tr.load_standards()["hold_over_1_min"]["zh"] == "等待不超过1分钟"
    assert tr.load_transcripts()["T2"]["lines"][0]["n"] == 1
