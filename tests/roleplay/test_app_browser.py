"""Browser test: the code-free scorer app (Voilà) used the way a trainer uses it."""
from __future__ import annotations

import re
import sqlite3

import pytest

from grader.commands.roleplay import APP
from grader.roleplay.scorecard import load_scorecards, score

pytestmark = pytest.mark.browser
CARD = load_scorecards()["customer-call"]
LABELS = {"yes": "Yes", "no": "No", "na": "N/A", "pass": "Did not happen", "fail": "Happened"}


def planned_answers() -> dict[str, str]:
    """What the trainer clicks: a wrong-number call, so details and holds are N/A."""
    a = {}
    for i in CARD.items:
        if i.na and i.section in ("verification", "hold_transfer"):
            a[i.id] = "na"
        else:
            a[i.id] = "2" if i.id == "full_greeting" else "3" if i.scale.name == "0-3" else "yes"
    a["asks_anything_else"] = "no"
    a.update({c.id: "pass" for c in CARD.critical})
    return a


def click(page, item_id: str, value: str) -> None:
    label = LABELS.get(value, value)
    page.locator(f".rp-item-{item_id}").get_by_role("button", name=label, exact=True).click()


def test_trainer_scores_a_call_in_the_app_and_it_lands_in_the_database(voila, page, tmp_path):
    """Can a trainer fill in a card in the browser, be refused while it is incomplete, save it,
    and find the row in the SQLite file?"""
    db = tmp_path / "scores.db"
    answers = planned_answers()
    expected = score(CARD, answers)
    with voila(APP, env={"ACADEMY_ROLEPLAY_DB": str(db)}, cwd=tmp_path) as url:
        page.goto(url, timeout=120_000)
        page.locator(".rp-save").wait_for(timeout=120_000)
        page.locator(".rp-scenario select").select_option(label="The wrong number (easy)")
        page.locator(".rp-learner input").fill("Amy Chen")
        page.locator(".rp-rater input").fill("Trainer Wu")
        page.locator(".rp-call input").fill("rec-2024-05-03-07")

        # An incomplete card: everything but the closing question and one critical item.
        for item_id, value in answers.items():
            if item_id not in ("asks_anything_else", "mocks_customer"):
                click(page, item_id, value)
        total = page.locator(".rp-total").first
        total.filter(has_text="19 of 21 answered").wait_for(timeout=30_000)
        page.locator(".rp-save").click()
        message = page.locator(".rp-message")
        message.filter(has_text="Not saved").wait_for(timeout=30_000)
        text = message.inner_text()
        assert "2 thing(s) still missing" in text
        assert "Closing: Asks whether there is anything else" in text
        assert "Critical: Joked about or mocked the customer" in text
        assert not db.exists() or sqlite3.connect(db).execute(
            "SELECT COUNT(*) FROM scores").fetchone()[0] == 0

        # Complete it, add a note, and save.
        click(page, "asks_anything_else", "no")
        click(page, "mocks_customer", "pass")
        page.locator(".rp-notes-closing textarea").fill("Did not ask whether anything else was needed.")
        total.filter(has_text="21 of 21 answered").wait_for(timeout=30_000)
        assert f"{expected.total:.1f} / 100" in total.inner_text()
        page.locator(".rp-save").click()
        message.filter(has_text="Saved: Amy Chen").wait_for(timeout=30_000)
        assert re.search(rf"{expected.total:.1f} / 100", message.inner_text())

    con = sqlite3.connect(db)
    rows = con.execute("SELECT learner, rater, scenario_id, call_id, scorecard_id, total, "
                       "critical_failed, row_id FROM scores").fetchall()
    assert len(rows) == 1
    learner, rater, scenario, call, card, total_saved, critical, row_id = rows[0]
    assert (learner, rater, scenario, call, card) == ("Amy Chen", "Trainer Wu", "wrong-number",
                                                      "rec-2024-05-03-07", "customer-call")
    assert total_saved == pytest.approx(expected.total) and critical == 0
    stored = dict(con.execute("SELECT item_id, value FROM item_scores WHERE row_id = ?", (row_id,)))
    assert stored == answers
    assert con.execute("SELECT note FROM section_notes WHERE section_id = 'closing'").fetchone()[0] \
        == "Did not ask whether anything else was needed."
