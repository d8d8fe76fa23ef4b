"""The gettext catalogs and the language machinery (grader.i18n).

The messages are extracted from grader/ with Babel's own extractor (what ``make catalogs`` runs),
so a message added to the code without a Chinese translation fails here, as does a fuzzy or
empty one, a stale compiled ``.mo``, or a translation that drops or invents a placeholder.
"""
from __future__ import annotations

import gettext
import io
import re
import string
import tokenize
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from grader import i18n

ROOT = Path(__file__).resolve().parents[1]
GRADER = ROOT / "grader"
LOCALES = GRADER / "locale"
PO = LOCALES / "zh_CN" / "LC_MESSAGES" / "academy.po"
MO = PO.with_suffix(".mo")
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}  # as in the Makefile's `make catalogs`


@pytest.fixture(autouse=True)
def english_again():
    yield
    i18n.use_language(None)


def extracted() -> dict[str, tuple[str, ...]]:
    """{msgid: (msgid, msgid_plural) or (msgid,)} for every message marked in grader/."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as fh:  # the mapping `make catalogs` uses
        method_map, options_map = parse_mapping_cfg(fh)
    out = {}
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(GRADER), method_map=method_map, options_map=options_map, keywords=KEYWORDS):
        ids = message if isinstance(message, tuple) else (message,)
        out[ids[0]] = ids
    return out


def catalog():
    with PO.open("rb") as fh:
        return read_po(fh, locale="zh_CN")


def test_code_has_messages_to_translate():
    """Does the extraction see the messages at all (babel.cfg and keywords as make catalogs uses)?"""
    found = extracted()
    assert len(found) > 250, len(found)
    assert "Correct. Well done!" in found and "Question {number}" in found


def test_every_message_has_a_chinese_translation():
    """Is every message marked in grader/ in the zh_CN catalog, translated, not fuzzy?"""
    po = catalog()
    problems = []
    for msgid, ids in sorted(extracted().items()):
        m = po.get(ids if len(ids) > 1 else msgid)
        if m is None:
            problems.append(f"not in academy.po (run make catalogs): {msgid!r}")
            continue
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        if m.fuzzy:
            problems.append(f"fuzzy: {msgid!r}")
        if not all(s and s.strip() for s in strings):
            problems.append(f"not translated: {msgid!r}")
    assert not problems, "\n".join(problems)


def test_template_lists_the_messages_of_the_code():
    """Is academy.pot what the code marks now (no message missing, none left over)?"""
    with (LOCALES / "academy.pot").open("rb") as fh:
        pot = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fh) if m.id}
    code = set(extracted())
    assert code - pot == set(), "run `make catalogs`: academy.pot lacks these"
    assert pot - code == set(), "run `make catalogs`: academy.pot has messages the code no longer has"


def test_compiled_catalog_matches_the_po_file():
    """Is the committed academy.mo a fresh compile of academy.po (the same messages, the same text)?"""
    fresh = io.BytesIO()
    write_mo(fresh, catalog())
    fresh.seek(0)
    with MO.open("rb") as fh:
        committed = gettext.GNUTranslations(fh)
    expected = gettext.GNUTranslations(fresh)
    assert committed._catalog == expected._catalog  # noqa: SLF001 - the message dictionaries


def _placeholders(text: str) -> set[str]:
    """{name} fields (with their format spec) and %-style conversions in a message."""
    found = set()
    try:
        for _lit, field, spec, conv in string.Formatter().parse(text):
            if field is not None:
                found.add("{" + field + (f"!{conv}" if conv else "") + (f":{spec}" if spec else "") + "}")
    except ValueError as exc:
        found.add(f"unparseable: {exc}")
    found |= set(re.findall(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifr]", text.replace("%%", "")))
    return found


def test_translations_keep_the_placeholders():
    """Does each translation use exactly the placeholders of its English ({name}, %s), and can
    it be formatted like the English without an error?"""
    problems = []
    for m in catalog():
        if not m.id:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        want = set().union(*(_placeholders(i) for i in ids))
        for s in strings:
            if _placeholders(s) != want:
                problems.append(f"{ids[0]!r}: {sorted(_placeholders(s))} != {sorted(want)}")
    assert not problems, "\n".join(problems)


def test_no_message_is_marked_inside_an_f_string():
    """Babel cannot see _("...") inside an f-string, so such a message would never be translated."""
    bad = []
    for path in sorted(GRADER.rglob("*.py")):
        with path.open(encoding="utf-8") as fh:
            for tok in tokenize.generate_tokens(fh.readline):
                if tok.type == tokenize.STRING and re.match(r"(?i)r?f", tok.string) \
                        and re.search(r"""\b(_|N_|ngettext)\(\s*(f?['"])""", tok.string):
                    bad.append(f"{path.relative_to(ROOT)}:{tok.start[0]}")
    assert not bad, "move the message out of the f-string: " + ", ".join(bad)


def test_messages_follow_the_language():
    """Does _() answer in the chosen language, and go back to English with use_language(None)?"""
    i18n.use_language("zh-CN")
    assert i18n._("Correct. Well done!") == "正确，做得好！"
    assert i18n.ngettext("{n} answer", "{n} answers", 3).format(n=3) == "3 份回答"
    i18n.use_language(None)
    assert i18n._("Correct. Well done!") == "Correct. Well done!"
    assert i18n.ngettext("{n} answer", "{n} answers", 1) == "{n} answer"


def test_language_context_restores_the_previous_choice():
    """Does ``with language(...)`` switch for a while and then restore what was chosen before?"""
    i18n.use_language("zh-CN")
    with i18n.language("en"):
        assert i18n.current_language() == "en"
    assert i18n.current_language() == "zh-CN"
    with i18n.language(None):  # None: keep whatever is chosen
        assert i18n.current_language() == "zh-CN"


def test_localize_takes_the_chinese_field_and_drops_the_rest():
    """Does localize() put x_zh in x for zh-CN, keep English otherwise, and drop every *_zh key
    (the models behind the loaders know only the English field names)?"""
    data = {"title": "Hi", "title_zh": "你好", "items": [{"text": "A", "text_zh": "甲", "n": 1},
                                                      {"text": "B", "text_zh": ""}],
            "scales": {"0": "none"}, "scales_zh": {"0": "无"}, "typo_zh": "x"}
    assert i18n.localize(data, "en") == {"title": "Hi", "items": [{"text": "A", "n": 1}, {"text": "B"}],
                                         "scales": {"0": "none"}}
    assert i18n.localize(data, "zh-CN") == {"title": "你好", "items": [{"text": "甲", "n": 1}, {"text": "B"}],
                                            "scales": {"0": "无"}}
    assert data["title"] == "Hi"  # not changed in place


def test_untranslated_names_each_missing_field():
    """Does untranslated() name every field without Chinese (absent, empty, English, wrong shape)?"""
    data = {"title": "Hi", "title_zh": "你好",
            "items": [{"text": "A"}, {"text": "B", "text_zh": "still English"}, {"text": "", "text_zh": ""}],
            "anchors": {"0": "none", "1": "some"}, "anchors_zh": {"0": "无"}}
    assert i18n.untranslated(data, {"title", "text", "anchors"}) == [
        "items[0].text", "items[1].text", "anchors"]


def test_join_uses_the_languages_punctuation():
    """Are sentences and lists put together the English or the Chinese way?"""
    assert i18n.join(["a", "b"]) == "a, b" and i18n.join(["A.", "B."], "sentence") == "A. B."
    assert i18n.join(["甲", "乙"], lang="zh-CN") == "甲、乙"
    assert i18n.join(["甲。", "乙。"], "sentence", lang="zh-CN") == "甲。乙。"
    assert i18n.join([0, 1]) == "0, 1"  # a 0 is a part, not nothing
