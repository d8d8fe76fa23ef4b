"""Take the active content out of what learners wrote, before a trainer's browser shows it.

Formgrader and the feedback pages render learners' Markdown (written answers, added notes) as
HTML, and nbgrader's formgrade template does so without sanitizing. A ``<script>`` or an
``onerror=`` in a written answer would then run in the trainer's browser, where it could change
grades through formgrader's own API. This step escapes every tag and attribute outside a small
allow-list in learner-written Markdown cells, with bleach (the library nbconvert itself uses to
sanitize HTML): text and ordinary formatting stay, scripts, frames, forms, styles, event
handlers and ``javascript:`` links become harmless text. Cell outputs are sanitized when rendered
(``HTMLExporter.sanitize_html`` in ``nbgrader_config.py``); the sandbox sends no JavaScript outputs.
"""
from __future__ import annotations

from nbgrader.preprocessors import NbGraderPreprocessor

TAGS = {"a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5", "h6",
        "hr", "i", "img", "kbd", "li", "ol", "p", "pre", "s", "strong", "sub", "sup", "table", "tbody",
        "td", "th", "thead", "tr", "u", "ul"}
ATTRIBUTES = {"a": ["href", "title"], "img": ["src", "alt", "title"], "td": ["align"], "th": ["align"]}
PROTOCOLS = {"http", "https", "mailto", "data"}


def sanitize(text: str) -> str:
    """The text with any HTML outside the allow-list escaped (unchanged if it has no tags)."""
    if "<" not in text:
        return text
    import bleach

    cleaned = bleach.clean(text, tags=TAGS, attributes=ATTRIBUTES, protocols=PROTOCOLS, strip=False,
                           strip_comments=True)
    # bleach escapes '>' everywhere; give Markdown its block quotes back
    return "\n".join(line.replace("&gt;", ">", 1) if line.lstrip().startswith("&gt;") else line
                     for line in cleaned.split("\n"))


class SanitizeLearnerHTML(NbGraderPreprocessor):
    """Escape active HTML in Markdown and raw cells the learner wrote (unlocked or added cells),
    and drop saved widget state, which HTML exports embed and script (no grading needs it)."""

    def preprocess(self, nb, resources):
        nb.metadata.pop("widgets", None)
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, index):
        meta = cell.get("metadata", {}).get("nbgrader") or {}
        if cell.cell_type in ("markdown", "raw") and not meta.get("locked"):
            cell.source = sanitize(cell.source)
        cell.get("metadata", {}).pop("widgets", None)
        return cell, resources
