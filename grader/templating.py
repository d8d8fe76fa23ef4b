"""HTML pages from Jinja2 templates (``grader/templates/``), with autoescaping always on.

Everything a learner, rater or trainer typed (names, answers, role-play notes, scenario and call
ids) reaches a page only as a template variable, so Jinja2 escapes it; the templates mark nothing
safe. Charts are passed as ``data:image/png;base64,…`` URIs, which contain no character that
escaping changes.

Every sentence in a template goes through the course's gettext catalog (Jinja2's ``i18n``
extension, new-style): ``{{ _("Items") }}``, ``{{ _("%(n)s of %(total)s", n=…, total=…) }}`` and
``{{ ngettext("%(num)d call", "%(num)d calls", n) }}``, translated into the language current when
the page is rendered (:mod:`grader.i18n`). Placeholders are filled with escaped values; only the
catalog's own text may carry markup (``<b>``). Babel extracts these messages too (``babel.cfg``).
``html_lang()`` is the page's ``<html lang>``, ``joined(items)`` a list in the language's way.
"""
from __future__ import annotations

import functools
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent / "templates"


@functools.cache
def environment():
    """The shared Jinja2 environment: templates from grader/templates, every value escaped."""
    import jinja2

    from . import i18n

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES),
                             autoescape=True, undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                             extensions=["jinja2.ext.i18n"])
    # looked up at each call, so a page is in the language current when it is rendered
    env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)
    env.globals["html_lang"] = i18n.current_language
    env.filters["joined"] = lambda items, how="list": i18n.join(items, how)
    return env


def render(template: str, **context) -> str:
    """Render ``grader/templates/<template>`` with ``context`` (all values escaped)."""
    return environment().get_template(template).render(**context)


def chart_label(text) -> str:
    """A name typed by a learner or rater, safe as matplotlib text: shown as typed, never as TeX.

    matplotlib reads text between two ``$`` as math, so a rater called ``$\\frac{$`` would stop the
    whole report with a parse error; escaped dollars are drawn as plain dollar signs.
    """
    return str(text).replace("$", r"\$")
