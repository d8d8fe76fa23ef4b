"""The SQLite store: what is saved, what is refused, corrections, concurrency and migrations."""
from __future__ import annotations

import multiprocessing as mp
import sqlite3

import pandas as pd
import pytest

from grader.roleplay.scorecard import IncompleteCard, load_scorecards
from grader.roleplay.store import (MIGRATIONS, SCHEMA_VERSION, ConflictError, RolePlayStore,
                                   StoreError, default_db_path)

CARDS = load_scorecards()
CARD = CARDS["customer-call"]
REQUIRED = ["score_id", "version", "learner", "rater", "scenario_id", "scorecard_id",
            "scorecard_version", "total", "critical_failed", "saved_at"]


def answers(**over) -> dict:
    """A complete customer-call card: top marks, holds and transfers N/A, no critical item."""
    a = {i.id: ("na" if i.section == "hold_transfer" else "3" if i.scale.name == "0-3" else "yes")
         for i in CARD.items}
    a.update({c.id: "pass" for c in CARD.critical})
    a.update(over)
    return a


def save(store, **kw):
    args = dict(learner="Amy Chen", rater="Bo Li", scenario_id="angry-complaint", call_id="rec-1")
    ans = kw.pop("answers", None) or answers()
    args.update(kw)
    return store.save(CARD, ans, **args)


def test_reading_a_missing_database_gives_an_empty_table_and_creates_nothing(tmp_path):
    """Does results() on a file that does not exist return the columns, empty, without creating it?"""
    store = RolePlayStore(tmp_path / "none.db")
    df = store.results()
    assert df.empty and set(REQUIRED) <= set(df.columns)
    assert store.item_scores().empty
    assert not store.path.exists()
    assert store.schema_version() == 0


def test_a_saved_score_comes_back_in_results(tmp_path):
    """Is a saved card one row of results() with the public columns, right types and values?"""
    store = RolePlayStore(tmp_path / "rp.db")
    saved = save(store)
    df = store.results()
    assert len(df) == 1
    row = df.iloc[0]
    assert set(REQUIRED) <= set(df.columns)
    assert (row.score_id, row.version, row.learner, row.rater, row.scenario_id) == (
        saved.score_id, 1, "Amy Chen", "Bo Li", "angry-complaint")
    assert (row.scorecard_id, row.scorecard_version) == ("customer-call", 1)
    assert row.total == 100.0 and row.critical_failed == False  # noqa: E712
    assert df["critical_failed"].dtype == bool
    assert str(df["saved_at"].dt.tz) == "UTC"


def test_na_and_critical_answers_are_stored_per_item(tmp_path):
    """Does item_scores() give one row per item, N/A without points, and a failed critical item?"""
    store = RolePlayStore(tmp_path / "rp.db")
    saved = save(store, answers=answers(mocks_customer="fail", full_greeting="1"))
    items = store.item_scores()
    assert len(items) == len(CARD.items) + len(CARD.critical)
    by_id = items.set_index("item_id")
    assert pd.isna(by_id.loc["hold_under_1_min", "points"])
    assert by_id.loc["full_greeting", "points"] == pytest.approx(1 / 3)
    assert by_id.loc["mocks_customer", "value"] == "fail" and by_id.loc["mocks_customer", "critical"]
    row = store.results().iloc[0]
    assert row.total == 0 and row.critical_failed and saved.raw_total < 100


def test_incomplete_card_is_refused_and_nothing_is_written(tmp_path):
    """Is a card with unanswered items refused, naming them, with no row written?"""
    store = RolePlayStore(tmp_path / "rp.db")
    partial = answers()
    del partial["full_greeting"], partial["mocks_customer"]
    with pytest.raises(IncompleteCard) as err:
        save(store, answers=partial)
    assert any("Full greeting" in m for m in err.value.missing)
    assert any(m.startswith("Critical: Joked about") for m in err.value.missing)
    assert store.results().empty


@pytest.mark.parametrize("field", ["learner", "rater"])
def test_a_score_without_learner_or_rater_is_refused(tmp_path, field):
    """Is a save without a learner's or rater's name refused with a message saying which?"""
    store = RolePlayStore(tmp_path / "rp.db")
    with pytest.raises(StoreError, match=f"the {field} is empty"):
        save(store, **{field: "   "})


def test_a_correction_is_a_new_version_and_the_original_is_kept(tmp_path):
    """Does a correction add version 2 linked to version 1, keep v1 in history, and show v2 in results?"""
    store = RolePlayStore(tmp_path / "rp.db")
    first = save(store, notes={"opening": "Greeting complete at 0:03."})
    fixed = store.correct(first.score_id, 1, CARD, answers(argues_with_customer="fail"),
                          reason="missed the argument at 2:40", saved_by="QA lead Wu")
    assert (fixed.score_id, fixed.version) == (first.score_id, 2)
    hist = store.history(first.score_id)
    assert hist["version"].tolist() == [1, 2]
    assert hist["total"].tolist() == [100.0, 0.0]
    assert hist.iloc[1]["supersedes"] == hist.iloc[0]["row_id"]
    assert hist.iloc[1]["saved_by"] == "QA lead Wu" and hist.iloc[1]["rater"] == "Bo Li"
    res = store.results()
    assert len(res) == 1 and res.iloc[0]["version"] == 2 and res.iloc[0]["critical_failed"]
    # notes carried over to the correction; v1's answers still readable
    assert store.answers(first.score_id)[1] == {"opening": "Greeting complete at 0:03."}
    assert store.answers(first.score_id, 1)[0]["argues_with_customer"] == "pass"


def test_saving_the_same_learner_scenario_and_day_again_is_version_2(tmp_path, monkeypatch):
    """Does a re-save of the same learner, scenario and day (no call id typed) by the same rater
    become version 2 of the same score, with version 1 kept in history; while another rater, or
    the next day, starts a score of its own?"""
    import grader.roleplay.store as store_module

    store = RolePlayStore(tmp_path / "rp.db")
    first = save(store, call_id=None, notes={"opening": "Greeting at 0:03."})
    again = save(store, call_id=None, answers=answers(full_greeting="1"))
    assert (again.score_id, again.version) == (first.score_id, 2)
    hist = store.history(first.score_id)
    assert hist["version"].tolist() == [1, 2]
    assert hist.iloc[1]["supersedes"] == hist.iloc[0]["row_id"]
    assert hist["call_id"].nunique() == 1 and hist.iloc[0]["call_id"].startswith(
        "Amy Chen/angry-complaint/")
    assert "saved again" in hist.iloc[1]["reason"]
    res = store.results()
    assert len(res) == 1 and res.iloc[0]["version"] == 2 and res.iloc[0]["total"] == again.total
    assert store.answers(first.score_id, 1) == (answers(), {"opening": "Greeting at 0:03."})
    assert store.answers(first.score_id)[0]["full_greeting"] == "1"

    other = save(store, call_id=None, rater="Cai Wen")          # a second rater: own score
    assert other.version == 1 and other.score_id != first.score_id
    real_now = store_module._now
    monkeypatch.setattr(store_module, "_now", lambda: "2099-01-02" + real_now()[10:])
    tomorrow = save(store, call_id=None)                         # another day: another call
    assert tomorrow.version == 1 and tomorrow.score_id != first.score_id
    assert sorted(store.results()["version"]) == [1, 1, 2]


def test_a_call_id_reused_for_another_learner_or_scenario_is_refused(tmp_path):
    """If a rater types a call id they already used for a different learner or scenario, is the
    save refused with a message naming both, and nothing written?"""
    store = RolePlayStore(tmp_path / "rp.db")
    save(store)
    for over in ({"learner": "Dan Wu"}, {"scenario_id": "long-hold"}):
        with pytest.raises(StoreError, match=r"Bo Li already scored call 'rec-1' for Amy Chen"):
            save(store, **over)
    assert len(store.history()) == 1
    assert save(store, learner="Dan Wu", rater="Cai Wen").version == 1   # other rater: fine


def test_a_critical_fail_saves_with_items_left_unanswered(tmp_path):
    """Once a critical item happened, can the card be saved without the remaining items, scoring
    0, with rows only for what was answered?"""
    store = RolePlayStore(tmp_path / "rp.db")
    partial = {"answered_within_3_rings": "yes", "full_greeting": "2", "mocks_customer": "fail"}
    saved = save(store, answers=partial)
    assert saved.total == 0 and saved.critical_failed and not saved.passed
    assert saved.raw_total == pytest.approx(100 * (5 + 10 * 2 / 3) / 15, abs=0.01)
    items = store.item_scores()
    assert sorted(items["item_id"]) == sorted(partial)
    with pytest.raises(IncompleteCard, match="Lets the customer hang up first"):  # no fail: refused
        save(store, call_id="rec-2", answers={**partial, "mocks_customer": "pass"})


def test_a_stale_correction_is_refused(tmp_path):
    """If someone corrected a score meanwhile, is a correction based on the old version refused?"""
    store = RolePlayStore(tmp_path / "rp.db")
    first = save(store)
    store.correct(first.score_id, 1, CARD, answers(full_greeting="2"), reason="re-listened")
    with pytest.raises(ConflictError, match="now at version 2, not 1"):
        store.correct(first.score_id, 1, CARD, answers(full_greeting="1"), reason="me too")
    assert store.history(first.score_id)["version"].tolist() == [1, 2]


def test_a_correction_needs_a_reason(tmp_path):
    """Is a correction without a reason refused?"""
    store = RolePlayStore(tmp_path / "rp.db")
    first = save(store)
    with pytest.raises(StoreError, match="why the score is being corrected"):
        store.correct(first.score_id, 1, CARD, answers(), reason=" ")


def test_saved_rows_cannot_be_changed_or_deleted_even_with_sql(tmp_path):
    """Does the database itself refuse UPDATE and DELETE on saved scores?"""
    store = RolePlayStore(tmp_path / "rp.db")
    save(store)
    con = sqlite3.connect(store.path)
    for sql in ("UPDATE scores SET total = 50", "DELETE FROM scores",
                "UPDATE item_scores SET value = 'no'", "DELETE FROM item_scores"):
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            con.execute(sql)
    con.close()
    assert store.results().iloc[0]["total"] == 100


def _writer(path: str, who: int, n: int, barrier) -> None:
    store = RolePlayStore(path)
    barrier.wait()
    for k in range(n):
        save(store, learner=f"learner-{who}", rater=f"rater-{who}", call_id=f"call-{who}-{k}")


def _corrector(path: str, score_id: str, who: int, barrier, results) -> None:
    store = RolePlayStore(path)
    barrier.wait()
    try:
        store.correct(score_id, 1, CARD, answers(full_greeting=str(who % 4)), reason=f"rater {who}")
        results.put("ok")
    except ConflictError:
        results.put("conflict")


def test_raters_saving_at_the_same_moment_lose_nothing(tmp_path):
    """With 4 processes saving 15 scores each at once on a new file, are all 60 scores there, whole?"""
    path = str(tmp_path / "busy.db")
    ctx = mp.get_context("fork")
    barrier = ctx.Barrier(4)
    procs = [ctx.Process(target=_writer, args=(path, w, 15, barrier)) for w in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    store = RolePlayStore(path)
    res = store.results()
    assert len(res) == 60 and res["score_id"].is_unique
    assert res.groupby("rater").size().tolist() == [15] * 4
    assert len(store.item_scores()) == 60 * (len(CARD.items) + len(CARD.critical))
    assert store.schema_version() == SCHEMA_VERSION
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_simultaneous_corrections_of_one_score_let_exactly_one_through(tmp_path):
    """When 4 raters correct the same version at once, does one win and the rest get a conflict?"""
    store = RolePlayStore(tmp_path / "race.db")
    first = save(store)
    ctx = mp.get_context("fork")
    barrier, results = ctx.Barrier(4), ctx.Queue()
    procs = [ctx.Process(target=_corrector, args=(str(store.path), first.score_id, w, barrier, results))
             for w in range(4)]
    for p in procs:
        p.start()
    outcomes = sorted(results.get(timeout=120) for _ in procs)
    for p in procs:
        p.join(60)
    assert outcomes == ["conflict"] * 3 + ["ok"]
    assert store.history(first.score_id)["version"].tolist() == [1, 2]


def _resaver(path: str, who: int, barrier) -> None:
    store = RolePlayStore(path)
    barrier.wait()
    save(store, call_id=None, answers=answers(full_greeting=str(who % 4)))


def test_the_same_call_saved_at_the_same_moment_gets_one_version_each(tmp_path):
    """When 4 processes save the same learner, scenario and day for one rater at once, is it one
    score with versions 1 to 4, not several version 1s?"""
    path = str(tmp_path / "same.db")
    ctx = mp.get_context("fork")
    barrier = ctx.Barrier(4)
    procs = [ctx.Process(target=_resaver, args=(path, w, barrier)) for w in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    hist = RolePlayStore(path).history()
    assert hist["score_id"].nunique() == 1 and hist["version"].tolist() == [1, 2, 3, 4]
    assert hist["supersedes"].tolist()[1:] == hist["row_id"].tolist()[:-1]


def test_an_old_database_is_migrated_and_keeps_its_scores(tmp_path):
    """Is a file at schema 1 upgraded to the current schema on open, with its scores intact?"""
    path = tmp_path / "old.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL, "
                "what TEXT)")
    for sql in MIGRATIONS[0][1]:
        con.execute(sql)
    con.execute("INSERT INTO schema_version VALUES (1, '2024-01-01T00:00:00+00:00', 'v1')")
    con.execute("INSERT INTO scores (score_id, version, call_id, learner, rater, saved_by, "
                "scenario_id, scorecard_id, scorecard_version, total, raw_total, critical_failed, "
                "passed, saved_at) VALUES ('old1', 1, 'c', 'Amy', 'Bo', 'Bo', 'wrong-number', "
                "'customer-call', 1, 88.5, 88.5, 0, 1, '2024-01-02T09:00:00+00:00')")
    con.commit()
    con.close()
    store = RolePlayStore(path)
    assert store.results()["total"].tolist() == [88.5]
    assert store.schema_version() == SCHEMA_VERSION == 2
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        sqlite3.connect(path).execute("DELETE FROM scores")


def test_a_database_from_a_newer_release_is_refused(tmp_path):
    """Is a file whose schema is newer than this code refused with advice, not misread?"""
    store = RolePlayStore(tmp_path / "rp.db")
    save(store)
    con = sqlite3.connect(store.path)
    con.execute("INSERT INTO schema_version VALUES (99, 'later', 'future')")
    con.commit()
    con.close()
    with pytest.raises(StoreError, match="newer release.*schema 99"):
        store.results()


def test_export_csv_round_trips(tmp_path):
    """Does export_csv write the results (and the items) so pandas reads back the same rows?"""
    store = RolePlayStore(tmp_path / "rp.db")
    save(store)
    save(store, learner="Dan Wu", call_id="rec-2", answers=answers(full_greeting="0"))
    out = store.export_csv(tmp_path / "out" / "results.csv")
    back = pd.read_csv(out)
    assert back["learner"].tolist() == ["Amy Chen", "Dan Wu"]
    assert back["total"].round(2).tolist() == store.results()["total"].round(2).tolist()
    items = pd.read_csv(store.export_csv(tmp_path / "items.csv", table="items"))
    assert len(items) == 2 * (len(CARD.items) + len(CARD.critical))
    with pytest.raises(ValueError, match="table must be one of"):
        store.export_csv(tmp_path / "x.csv", table="everything")


def test_default_path_comes_from_the_environment(tmp_path, monkeypatch):
    """Is the default file $ACADEMY_ROLEPLAY_DB, or roleplay.db in the current folder?"""
    monkeypatch.setenv("ACADEMY_ROLEPLAY_DB", str(tmp_path / "env.db"))
    assert RolePlayStore().path == tmp_path / "env.db"
    monkeypatch.delenv("ACADEMY_ROLEPLAY_DB")
    monkeypatch.chdir(tmp_path)
    assert default_db_path() == tmp_path / "roleplay.db"
