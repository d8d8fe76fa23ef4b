"""The course's languages: English (the source) and Simplified Chinese (zh-CN).

Python strings a learner or trainer reads are marked with :func:`_` (and :func:`ngettext` for
counts) and translated through gettext catalogs kept with Babel::

    grader/locale/academy.pot                       the template, extracted from the code
    grader/locale/zh_CN/LC_MESSAGES/academy.po      the Chinese catalog translators edit
    grader/locale/zh_CN/LC_MESSAGES/academy.mo      compiled from it (committed; a test keeps it in sync)

``make catalogs`` re-extracts the template, merges it into the catalog and compiles it; the test
suite fails on any message without a translation, a fuzzy one, or a stale ``.mo``.

Which language is used, first match wins:

1. :func:`use_language` (a zh-CN notebook's first code cell calls it; the CLI's ``--lang``);
2. the ``ACADEMY_LANG`` environment variable;
3. English.

Lesson and exercise notebooks are translated cell by cell instead (see
:mod:`grader.notebook_translations`).
"""
from __future__ import annotations

import gettext as _gettext
import os
from pathlib import Path

LANGUAGES = ("en", "zh-CN")
DEFAULT = "en"
DOMAIN = "academy"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
NAMES = {"en": "English", "zh-CN": "简体中文"}

_chosen: str | None = None
_catalogs: dict[str, _gettext.NullTranslations] = {}


class LanguageError(ValueError):
    """A language the course does not have."""


def normalize(lang: str | None) -> str | None:
    """'zh-CN', 'zh_CN', 'zh_CN.UTF-8', 'zh', 'ZH-cn' -> 'zh-CN'; 'en_GB.UTF-8', 'C' -> 'en'.

    None or '' stays None. Anything else raises LanguageError naming the languages there are."""
    if not lang:
        return None
    base = lang.split(".")[0].split("@")[0].replace("_", "-").lower()
    if base in ("zh", "zh-cn", "zh-hans", "zh-hans-cn", "zh-sg"):
        return "zh-CN"
    if base in ("en", "c", "posix") or base.startswith("en-"):
        return "en"
    raise LanguageError(f"No {lang!r} edition: the course is available in "
                        + " and ".join(f"{k} ({v})" for k, v in NAMES.items()) + ".")


def use_language(lang: str | None, *, charts: bool = True) -> str:
    """Use this language for every message from now on (None: back to the environment's).

    With ``charts`` (the default, as a notebook wants), matplotlib is told of a CJK font at once;
    the ``academy`` command passes ``charts=False`` so that commands drawing no chart never import
    matplotlib (the ones that draw call :func:`chart_fonts` themselves)."""
    global _chosen
    _chosen = normalize(lang)
    if charts and current_language() != DEFAULT and not os.environ.get("NBGRADER_EXECUTION"):
        chart_fonts()
    return current_language()


# Fonts with Chinese glyphs, as Debian names them (fonts-noto-cjk, fonts-wqy-microhei).
CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans CJK JP", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei",
             "Source Han Sans SC", "AR PL UMing CN")


CJK_FONT_FILES = ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
                  "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")


def chart_fonts() -> list[str]:
    """Let matplotlib draw Chinese: after its default font, fall back to an installed CJK font
    (matplotlib picks each glyph from the first font in the list that has it). Returns the list;
    without matplotlib or a CJK font it changes nothing."""
    try:
        import matplotlib
        from matplotlib import font_manager
    except ImportError:
        return []
    installed = {f.name for f in font_manager.fontManager.ttflist}
    if not installed.intersection(CJK_FONTS):  # a font cache made before the fonts were installed
        for path in CJK_FONT_FILES:
            if Path(path).exists():
                font_manager.fontManager.addfont(path)
        installed = {f.name for f in font_manager.fontManager.ttflist}
    cjk = [f for f in CJK_FONTS if f in installed]
    if not cjk:
        return []
    families = ["DejaVu Sans", *cjk]
    matplotlib.rcParams["font.family"] = families
    matplotlib.rcParams["axes.unicode_minus"] = False
    return families


def current_language() -> str:
    if _chosen:
        return _chosen
    try:
        return normalize(os.environ.get("ACADEMY_LANG")) or DEFAULT
    except LanguageError:
        return DEFAULT


def locale_name(lang: str) -> str:
    """gettext's and JupyterLab's spelling: 'zh-CN' -> 'zh_CN'."""
    return lang.replace("-", "_")


def catalog(lang: str | None = None) -> _gettext.NullTranslations:
    lang = normalize(lang) or current_language()
    if lang not in _catalogs:
        if lang == DEFAULT:
            _catalogs[lang] = _gettext.NullTranslations()
        else:
            _catalogs[lang] = _gettext.translation(DOMAIN, localedir=LOCALE_DIR,
                                                   languages=[locale_name(lang)], fallback=True)
    return _catalogs[lang]


def _(message: str) -> str:
    """The message in the current language (itself when there is no translation)."""
    return catalog().gettext(message)


gettext = _


def ngettext(singular: str, plural: str, n: int) -> str:
    return catalog().ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark a message for extraction without translating it yet (module-level tables)."""
    return message


def pick(texts: dict[str, str], lang: str | None = None) -> str:
    """The text for the current language from {'en': ..., 'zh-CN': ...} (English if missing)."""
    lang = normalize(lang) or current_language()
    return texts.get(lang) or texts[DEFAULT]


# How the pieces of a message are put together: English puts a space between sentences and ", "
# between list items; Chinese runs sentences on and uses 、 and ；.
SUFFIX = {"zh-CN": "_zh"}  # the Chinese of field x is x_zh (see localize)
_JOINERS = {"en": {"sentence": " ", "list": ", ", "clause": "; "},
            "zh-CN": {"sentence": "", "list": "、", "clause": "；"}}


def join(parts, how: str = "list", lang: str | None = None) -> str:
    """Sentences (``how="sentence"``), list items (``"list"``) or clauses (``"clause"``) as one text."""
    lang = normalize(lang) or current_language()
    return _JOINERS.get(lang, _JOINERS[DEFAULT])[how].join(str(p) for p in parts if p is not None and p != "")


def width(text: str) -> int:
    """How many columns ``text`` takes in a terminal: Chinese characters take two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in str(text))


def pad(text, columns: int) -> str:
    """``text`` padded with spaces to ``columns`` terminal columns (``f"{text:<columns}"`` counts
    a Chinese character as one column, which misaligns a table)."""
    text = str(text)
    return text + " " * max(0, columns - width(text))


def localized(obj, name: str, lang: str | None = None) -> str:
    """The field ``name`` of an item kept in code (a dataclass with ``name`` and ``name_zh``)."""
    return pick({"en": getattr(obj, name), "zh-CN": getattr(obj, name + SUFFIX["zh-CN"], "")}, lang)


# --------------------------------------------------------------------------- data files
# Course content kept in data files (YAML, JSON, item tables in Python) carries its Chinese next to
# the English, in a field named after the English one: ``title`` and ``title_zh``, ``text`` and
# ``text_zh``. Loaders call :func:`localize` on what they read, before checking it: the rest of
# the code only ever sees ``title``, in the current language.
def localize(data, lang: str | None = None):
    """``data`` (parsed YAML/JSON: dicts, lists, scalars) in one language.

    In every mapping holding ``x`` and ``x_zh``, ``x`` takes the value of ``x_zh`` when the
    language is zh-CN (and stays English otherwise, or when ``x_zh`` is empty); the ``x_zh`` keys
    are dropped either way, so the loaders' models only ever see the English field names (a
    misspelt ``x_zh`` leaves ``x`` without its Chinese, which tests/test_i18n_data.py names).
    Returns new containers; ``data`` is not changed.
    """
    lang = normalize(lang) or current_language()
    if isinstance(data, list):
        return [localize(v, lang) for v in data]
    if not isinstance(data, dict):
        return data
    suffixes = tuple(SUFFIX.values())
    out = {}
    for key, value in data.items():
        if isinstance(key, str) and key.endswith(suffixes):
            continue
        out[key] = localize(value, lang)
    suffix = SUFFIX.get(lang)
    if suffix:
        for key in list(out):
            translated = data.get(f"{key}{suffix}") if isinstance(key, str) else None
            if translated not in (None, "", [], {}):
                out[key] = localize(translated, lang)
    return out


def untranslated(data, fields, lang: str = "zh-CN", where: str = "") -> list[str]:
    """Where ``data`` has one of ``fields`` without its translation: ``['scenarios.inbound.title', …]``.

    A field counts as translated when ``x_zh`` is there, not empty, and (for text) has Chinese in
    it; a mapping or list translation must have the same keys or length as the English."""
    suffix = SUFFIX[normalize(lang)]
    fields = set(fields)
    found: list[str] = []
    if isinstance(data, list):
        for i, v in enumerate(data):
            found += untranslated(v, fields, lang, f"{where}[{i}]")
        return found
    if not isinstance(data, dict):
        return found
    for key, value in data.items():
        here = f"{where}.{key}" if where else str(key)
        if key in fields and value not in (None, "", [], {}):
            tr = data.get(f"{key}{suffix}")
            if not _translates(value, tr):
                found.append(here)
        if not (isinstance(key, str) and key.endswith(suffix)):
            found += untranslated(value, fields, lang, here)
    return found


def _translates(english, translated) -> bool:
    if isinstance(english, dict):
        return isinstance(translated, dict) and set(map(str, translated)) == set(map(str, english)) \
            and all(_translates(v, translated.get(k, translated.get(str(k)))) for k, v in english.items())
    if isinstance(english, list):
        return isinstance(translated, list) and len(translated) == len(english) \
            and all(_translates(e, t) for e, t in zip(english, translated))
    if isinstance(english, str):
        return isinstance(translated, str) and any("\u4e00" <= c <= "\u9fff" for c in translated)
    return translated is not None


class language:
    """``with language("zh-CN"): ...``: another language for a while, then the one before."""

    def __init__(self, lang: str | None):
        self.lang = normalize(lang)

    def __enter__(self) -> str:
        global _chosen
        self._before = _chosen
        _chosen = self.lang or _chosen
        return current_language()

    def __exit__(self, *exc) -> None:
        global _chosen
        _chosen = self._before

