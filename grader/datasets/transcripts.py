"""The Module 1 service standards and annotated example call transcripts.

The standards (``datasets/service_standards.yaml``) are the telephone-etiquette rules of the
course's source on agent management (source 002: the service-etiquette regulation, the two
"service standards" documents and the seat regulation), each with a stable id, a one-line English
description, its Chinese name and where it comes from. The transcripts (``datasets/transcripts.json``)
are short invented calls, one line per turn, each line annotated with the standards it follows
or breaks, so that lessons, exercises and role-play scorecards all speak the same ids.

Both files are course content that trainers edit directly; nothing regenerates them. This module
reads them, and :func:`validate` (run by :func:`check_files`, by the loaders and by the tests)
refuses a transcript that cites an unknown standard, has gaps in its numbering, or a standard in
an unknown group, naming the transcript and line.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from .. import i18n

SOURCE_002 = "seeds/002 (agent management compilation)"

COMPANY = "Bluewater Broadband"
A, C, N = "Agent", "Customer", "Note"


def validate(standards: list[dict[str, Any]], transcripts: list[dict[str, Any]],
             groups: list[dict[str, Any]]) -> None:
    """Raise ValueError naming the transcript line that cites an unknown standard, and similar."""
    ids = [s["id"] for s in standards]
    if len(ids) != len(set(ids)):
        raise ValueError(f"duplicate standard ids: {sorted({i for i in ids if ids.count(i) > 1})}")
    groups = {g["id"] for g in groups}
    for s in standards:
        if s["group"] not in groups:
            raise ValueError(f"standard {s['id']}: unknown group {s['group']!r}")
        if s["type"] not in ("do", "dont"):
            raise ValueError(f"standard {s['id']}: type must be 'do' or 'dont'")
    known = set(ids)
    seen = set()
    for t in transcripts:
        if t["id"] in seen:
            raise ValueError(f"duplicate transcript id {t['id']}")
        seen.add(t["id"])
        for i, line in enumerate(t["lines"], start=1):
            where = f"transcript {t['id']} line {i}"
            if line.get("n", i) != i:
                raise ValueError(f"{where}: numbered {line['n']}, expected {i}")
            if line["speaker"] not in (A, C, N):
                raise ValueError(f"{where}: speaker must be Agent, Customer or Note")
            for sid in line["follows"] + line["breaks"]:
                if sid not in known:
                    raise ValueError(f"{where}: unknown standard id {sid!r}; add it to "
                                     f"service_standards.yaml (grader/datasets/transcripts.py) first")
            both = set(line["follows"]) & set(line["breaks"])
            if both:
                raise ValueError(f"{where}: both follows and breaks {sorted(both)}")
            if line["speaker"] == C and (line["follows"] or line["breaks"]):
                raise ValueError(f"{where}: only agent lines and notes carry annotations")


# --------------------------------------------------------------------------- reading
def read_files(folder: Path | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """The standards document and the transcripts document, as written in the data folder."""
    from . import path

    def where(name: str) -> Path:
        return Path(folder) / name if folder else path(name)

    doc = yaml.safe_load(where("service_standards.yaml").read_text(encoding="utf-8"))
    payload = json.loads(where("transcripts.json").read_text(encoding="utf-8"))
    return doc, payload


def check_files(folder: Path | None = None) -> None:
    """Validate the two files together; ValueError naming what to fix in which file."""
    doc, payload = read_files(folder)
    try:
        validate(doc["standards"], payload["transcripts"], doc["groups"])
    except (KeyError, TypeError) as exc:
        raise ValueError(f"service_standards.yaml or transcripts.json is missing a field: {exc}") from None


def load_standards(lang: str | None = None) -> dict[str, dict[str, Any]]:
    """The service standards by id, read from ``datasets/service_standards.yaml``, their texts in
    ``lang`` (default: the current language; ``zh`` stays the Chinese name either way)."""
    doc, _ = read_files()
    return {s["id"]: s for s in i18n.localize(doc, lang)["standards"]}


def load_transcripts(lang: str | None = None) -> dict[str, dict[str, Any]]:
    """The annotated transcripts by id (``"T1"`` ...), read from ``datasets/transcripts.json``,
    their texts in ``lang`` (default: the current language)."""
    from . import path

    doc = json.loads(path("transcripts.json").read_text(encoding="utf-8"))
    return {t["id"]: t for t in i18n.localize(doc, lang)["transcripts"]}


def breaches(transcript: dict[str, Any]) -> dict[int, list[str]]:
    """{line number: [standard ids broken on that line]} for one transcript."""
    return {line["n"]: list(line["breaks"]) for line in transcript["lines"] if line["breaks"]}


def to_markdown(transcript: dict[str, Any]) -> str:
    """A transcript as numbered Markdown lines (notes in italics), without its annotations."""
    rows = []
    for line in transcript["lines"]:
        if line["speaker"] == N:
            rows.append(f"{line['n']}. *[{line['text']}]*")
        else:
            rows.append(f"{line['n']}. **{line['speaker']}:** {line['text']}")
    return "\n".join(rows)
