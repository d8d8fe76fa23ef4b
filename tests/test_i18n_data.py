"""Course content a learner reads keeps its Chinese next to the English, in every data file.

The convention (grader.i18n.localize): the Chinese of field ``x`` is ``x_zh`` beside it, in the
same file; loaders read the file in the current language. These tests name every item whose
Chinese is missing, empty or not Chinese, and check that each loader gives Chinese for zh-CN and
exactly the English for en.
"""
from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest
import yaml

from grader import i18n, paths

WIDGETS = Path(i18n.__file__).parent / "widgets"
CJK = re.compile(r"[\u4e00-\u9fff]")

# file -> the fields learners read (each needs its x_zh)
FILES = {
    WIDGETS / "call_steps.yaml": {"title", "intro", "text", "why"},
    WIDGETS / "coaching_drills.yaml": {"text", "why", "situation", "feedback"},
    paths.DATASETS / "roleplay" / "scenarios.yaml": {"title", "persona", "wants", "hides", "agent_brief",
                                                     "opening", "caller_notes"},
    paths.DATASETS / "scorecards" / "customer-call.v1.yaml": {"title", "description", "text", "na_when",
                                                              "anchors", "scales"},
    paths.DATASETS / "scorecards" / "coaching-conversation.v1.yaml": {"title", "description", "text",
                                                                      "na_when", "anchors", "scales"},
    paths.DATASETS / "service_standards.yaml": {"title", "description", "consequence"},
    paths.DATASETS / "transcripts.json": {"title", "summary", "company", "agent_name", "text", "note"},
    paths.DATASETS / "tracks.yaml": {"title", "summary"},
}


def read(path: Path):
    text = path.read_text(encoding="utf-8")
    return json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)


@pytest.fixture(autouse=True)
def english_again():
    yield
    i18n.use_language(None)


@pytest.mark.parametrize("path", sorted(FILES), ids=lambda p: p.name)
def test_every_item_has_its_chinese(path):
    """Does every learner-visible text in this file have a Chinese translation next to it?"""
    missing = i18n.untranslated(read(path), FILES[path])
    assert not missing, f"{path.name}: no Chinese (x_zh) for " + ", ".join(missing)


def test_every_scorecard_file_is_listed():
    """Is each scorecard in datasets/scorecards/ checked above (a new version needs its Chinese too)?"""
    cards = set((paths.DATASETS / "scorecards").glob("*.y*ml"))
    assert cards <= set(FILES)


def test_items_kept_in_code_have_their_chinese():
    """Do the quadrant sorter's tasks and the technique matcher's situations and techniques have Chinese?"""
    from grader.widgets import quadrant_sorter, technique_matcher

    for items, fields in ((quadrant_sorter.DAY, {"text", "why"}), (technique_matcher.SITUATIONS, {"text", "why"})):
        rows = [dataclasses.asdict(i) for i in items]
        assert not i18n.untranslated(rows, fields)
    assert set(technique_matcher.TECHNIQUES_ZH) == set(technique_matcher.TECHNIQUES)
    assert all(CJK.search(v) for v in technique_matcher.TECHNIQUES_ZH.values())


def test_a_missing_translation_is_named(tmp_path):
    """Would a scenario card added without its Chinese be caught (the check can fail)?"""
    data = read(paths.DATASETS / "roleplay" / "scenarios.yaml")
    data["scenarios"][0].pop("wants_zh")
    data["scenarios"][1]["opening_zh"] = "Hello?"
    assert i18n.untranslated(data, FILES[paths.DATASETS / "roleplay" / "scenarios.yaml"]) == [
        "scenarios[0].wants", "scenarios[1].opening"]


def _strip_zh(data):
    if isinstance(data, dict):
        return {k: _strip_zh(v) for k, v in data.items() if not (k.endswith("_zh") and k[:-3] in data)}
    if isinstance(data, list):
        return [_strip_zh(v) for v in data]
    return data


def test_loaders_read_the_current_language():
    """Do the loaders give the Chinese texts for zh-CN and exactly the English ones for en?"""
    from grader.datasets.transcripts import load_standards, load_transcripts
    from grader.roleplay.scenarios import load_scenarios
    from grader.roleplay.scorecard import load_scorecards
    from grader.tracks import load_manifest
    from grader.widgets import call_order, coaching_drills

    raw_steps = read(WIDGETS / "call_steps.yaml")["scenarios"]
    raw_drills = read(WIDGETS / "coaching_drills.yaml")
    raw_cards = read(paths.DATASETS / "roleplay" / "scenarios.yaml")["scenarios"]
    raw_tracks = read(paths.DATASETS / "tracks.yaml")["tracks"]

    en_steps = call_order.load_scenarios(lang="en")
    assert [s.title for s in en_steps.values()] == [s["title"] for s in raw_steps.values()]
    assert [q.text for q in coaching_drills.load(lang="en")[0]] == [q["text"] for q in raw_drills["questions"]]
    assert load_transcripts("en") == {t["id"]: t for t in _strip_zh(read(paths.DATASETS / "transcripts.json"))["transcripts"]}
    assert load_standards("en") == {s["id"]: s for s in _strip_zh(read(paths.DATASETS / "service_standards.yaml"))["standards"]}
    assert [s.title for s in load_scenarios().values()] == [c["title"] for c in raw_cards]
    assert [t.summary for t in load_manifest()] == [" ".join(t["summary"].split()) for t in raw_tracks]

    i18n.use_language("zh-CN")
    zh_steps = call_order.load_scenarios()
    assert all(CJK.search(s.title) and CJK.search(s.intro) for s in zh_steps.values())
    assert all(CJK.search(r.why) for s in zh_steps.values() for r in s.rules)
    assert [s.ids for s in zh_steps.values()] == [s.ids for s in en_steps.values()]  # ids never change
    assert call_order.scenario("inbound").title == zh_steps["inbound"].title  # the cache follows the language
    qs, situations = coaching_drills.load()
    assert all(CJK.search(q.text) and CJK.search(q.why) for q in qs)
    assert all(CJK.search(o.text) and CJK.search(o.feedback) for s in situations for o in s.options)
    assert all(CJK.search(line["text"]) for t in load_transcripts().values() for line in t["lines"])
    assert all(CJK.search(s["description"]) for s in load_standards().values())
    cards = load_scorecards()
    assert all(CJK.search(i.text) for c in cards.values() for i in c.items)
    assert all(CJK.search(label) for c in cards.values() for i in c.items for label in i.scale.labels.values())
    assert all(CJK.search(getattr(s, f)) for s in load_scenarios(cards=cards).values()
               for f in ("title", "persona", "wants", "hides", "agent_brief", "opening", "caller_notes"))
    assert all(CJK.search(t.title) and CJK.search(t.summary) for t in load_manifest())
    assert all(CJK.search(a.title) for t in load_manifest() for a in t.assignments)
