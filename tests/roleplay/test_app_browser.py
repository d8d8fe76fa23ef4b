"""Browser test: the code-free scorer app (Voilà) used the way a trainer uses it."""
from __future__ import annotations

import re
import sqlite3

import pytest

from grader.commands.roleplay import APP
from grader.roleplay.scorecard import load_scorecards, partial_score, score
from academy_testing import open_voila

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


BUTTON_STYLES = """buttons => buttons.map(b => {
    const s = getComputedStyle(b), mark = getComputedStyle(b, '::before').content;
    return {label: b.textContent.trim(), selected: b.classList.contains('mod-active'),
            background: s.backgroundColor, color: s.color, weight: Number(s.fontWeight),
            mark: mark};
})"""


def _luminance(css: str) -> float:
    """WCAG 2 relative luminance of a computed 'rgb(r, g, b)' colour."""
    r, g, b = (int(v) / 255 for v in re.findall(r"\d+", css)[:3])
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two computed colours (1 to 21)."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def button_styles(page, item_id: str) -> list[dict]:
    return page.locator(f".rp-item-{item_id} .widget-toggle-button").evaluate_all(BUTTON_STYLES)


def screenshot_whole(page, selector: str, path) -> None:
    """A picture of a whole element: Voila scrolls inside its own panel, which paints only what
    is in view, so make the window tall enough first."""
    height = page.locator(selector).evaluate("e => e.scrollHeight")
    page.set_viewport_size({"width": 1280, "height": min(int(height) + 200, 6000)})
    page.locator(selector).screenshot(path=str(path))


def assert_selected_is_unmistakable(page, item_id: str, label: str) -> dict:
    """Exactly the chosen button is marked: a check mark, bold, a fill of its own, and text and
    fill with WCAG AA contrast (4.5:1 text, 3:1 between the selected and unselected fills)."""
    styles = button_styles(page, item_id)
    chosen = [b for b in styles if b["selected"]]
    others = [b for b in styles if not b["selected"]]
    assert [b["label"] for b in chosen] == [label], styles
    sel = chosen[0]
    assert "\u2713" in sel["mark"] and sel["weight"] >= 700, sel
    for b in others:
        assert "\u2713" not in b["mark"] and b["weight"] < 600, b
        assert contrast(b["color"], b["background"]) >= 4.5, b
        assert contrast(sel["background"], b["background"]) >= 3, (sel, b)
    assert contrast(sel["color"], sel["background"]) >= 4.5, sel
    return sel


def test_trainer_scores_a_call_in_the_app_and_it_lands_in_the_database(voila, page, tmp_path):
    """Can a trainer fill in a card in the browser, be refused while it is incomplete, save it,
    and find the row in the SQLite file?"""
    db = tmp_path / "scores.db"
    answers = planned_answers()
    expected = score(CARD, answers)
    with voila(APP, env={"ACADEMY_ROLEPLAY_DB": str(db)}, cwd=tmp_path) as url:
        open_voila(page, url)
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
        so_far = partial_score(CARD, {k: v for k, v in answers.items()
                                      if k not in ("asks_anything_else", "mocks_customer")})
        assert f"Points so far: {so_far.earned:.1f} of {so_far.possible:g} points possible" \
            in total.inner_text() and "/ 100" not in total.inner_text()
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
        assert f"Total: {expected.total:.1f} / 100" in total.inner_text()

        # The selected answers stand out: check the styles the browser computed, and keep a
        # picture of the scored card for a person to look at.
        sel = assert_selected_is_unmistakable(page, "full_greeting", "2")
        assert_selected_is_unmistakable(page, "asks_anything_else", "No")
        assert_selected_is_unmistakable(page, "hold_under_1_min", "N/A")
        crit = assert_selected_is_unmistakable(page, "mocks_customer", "Did not happen")
        assert crit["background"] == sel["background"]
        screenshot_whole(page, ".rp-scorer", tmp_path / "scored-card.png")
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


def test_a_critical_fail_saves_early_and_a_second_save_the_same_day_is_version_2(voila, page,
                                                                              tmp_path):
    """In the app, with no Call ID: does marking a critical item as happened let Save through with
    items left unscored, and does saving the same learner and scenario again the same day show
    and store version 2 of the same score?"""
    db = tmp_path / "scores.db"
    with voila(APP, env={"ACADEMY_ROLEPLAY_DB": str(db)}, cwd=tmp_path) as url:
        open_voila(page, url)
        page.locator(".rp-save").wait_for(timeout=120_000)
        page.locator(".rp-scenario select").select_option(label="The wrong number (easy)")
        page.locator(".rp-learner input").fill("Amy Chen")
        page.locator(".rp-rater input").fill("Trainer Wu")
        total = page.locator(".rp-total").first
        message = page.locator(".rp-message")

        click(page, "answered_within_3_rings", "yes")
        click(page, "full_greeting", "3")
        click(page, "mocks_customer", "fail")
        total.filter(has_text="CRITICAL FAIL").wait_for(timeout=30_000)
        assert "the other items are optional now" in total.inner_text()
        happened = assert_selected_is_unmistakable(page, "mocks_customer", "Happened")
        ok = assert_selected_is_unmistakable(page, "full_greeting", "3")
        assert happened["background"] != ok["background"]          # red, not the usual blue
        screenshot_whole(page, ".rp-critical", tmp_path / "critical-happened.png")
        page.locator(".rp-save").click()
        message.filter(has_text="Saved: Amy Chen").wait_for(timeout=30_000)
        assert "CRITICAL FAIL, 18 item(s) left unscored" in message.inner_text()
        assert "version" not in message.inner_text()

        # The same learner and scenario again, the same day: a new version, not another version 1.
        for item_id, value in planned_answers().items():
            click(page, item_id, value)
        total.filter(has_text="21 of 21 answered").wait_for(timeout=30_000)
        page.locator(".rp-save").click()
        message.filter(has_text="version 2 of your score").wait_for(timeout=30_000)

    con = sqlite3.connect(db)
    rows = con.execute("SELECT score_id, version, call_id, total, critical_failed, supersedes, "
                       "row_id FROM scores ORDER BY row_id").fetchall()
    assert [(v, crit) for _, v, _, _, crit, _, _ in rows] == [(1, 1), (2, 0)]
    assert rows[0][0] == rows[1][0] and rows[0][2] == rows[1][2]
    assert rows[0][2].startswith("Amy Chen/wrong-number/")
    assert rows[1][5] == rows[0][6] and rows[0][3] == 0
    assert rows[1][3] == pytest.approx(score(CARD, planned_answers()).total)
    first_items = [r[0] for r in con.execute("SELECT item_id FROM item_scores WHERE row_id = ?",
                                             (rows[0][6],))]
    assert sorted(first_items) == ["answered_within_3_rings", "full_greeting", "mocks_customer"]
