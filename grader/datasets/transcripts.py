"""The Module 1 service standards and annotated example call transcripts.

The standards (``datasets/service_standards.yaml``) are the telephone-etiquette rules of the
course's source on agent management (source 002: the service-etiquette regulation, the two
"service standards" documents and the seat regulation), each with a stable id, a one-line English
description, its Chinese name and where it comes from. The transcripts (``datasets/transcripts.json``)
are short invented calls, one line per turn, each line annotated with the standards it follows
or breaks, so that lessons, exercises and role-play scorecards all speak the same ids.

Both files are course content that trainers edit directly; nothing regenerates them. This module
reads them and checks them with pydantic models (:class:`StandardsFile`, :class:`TranscriptsFile`;
run by :func:`check_files`, by the loaders and by the tests): a transcript that cites an unknown
standard or has gaps in its numbering, or a standard in an unknown group, is refused, every
problem listed with its file and place.
"""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import ValidationInfo, model_validator

from .. import datafiles, i18n
from ..datafiles import (DataFileError, DataModel, Flag, Id, NonEmpty, Number, RequiredText,
                         Text, Whole, report)

SOURCE_002 = "seeds/002 (agent management compilation)"

COMPANY = "Bluewater Broadband"
A, C, N = "Agent", "Customer", "Note"


# --------------------------------------------------------------------------- the two files
class StandardsError(DataFileError):
    """service_standards.yaml or transcripts.json cannot be used: one line per problem."""


class Group(DataModel):
    id: Id
    title: RequiredText
    zh: RequiredText


class Measure(DataModel):
    """How to check a standard in ``call_log.csv``."""

    column: RequiredText
    rule: RequiredText
    limit: Number | None = None
    unit: Text = ""


class Standard(DataModel):
    id: Id
    group: Id
    type: Literal["do", "dont"]
    title: RequiredText
    zh: RequiredText
    description: RequiredText
    source: RequiredText
    critical: Flag
    consequence: Text = ""
    measure: Measure | None = None

    @model_validator(mode="after")
    def _critical_ones_say_what_follows(self) -> "Standard":
        if self.critical and not self.consequence:
            report([(("consequence",), "a critical standard says what breaking it means")])
        if self.consequence and not self.critical:
            report([(("consequence",), "only critical standards have a consequence")])
        return self


class StandardsFile(DataModel):
    """``datasets/service_standards.yaml``."""

    unique_ids = (("groups[].id",), ("standards[].id",))

    title: Text = ""
    source: Text = ""
    note: Text = ""
    groups: Annotated[tuple[Group, ...], NonEmpty]
    standards: Annotated[tuple[Standard, ...], NonEmpty]

    @model_validator(mode="after")
    def _groups_exist(self) -> "StandardsFile":
        groups = [g.id for g in self.groups]
        report(((("standards", n, "group"), f"unknown group {s.group!r} (groups: {', '.join(groups)})")
                for n, s in enumerate(self.standards) if s.group not in groups))
        return self


class Line(DataModel):
    n: Whole
    speaker: Literal["Agent", "Customer", "Note"]
    text: RequiredText
    follows: tuple[RequiredText, ...]  # standard ids
    breaks: tuple[RequiredText, ...]
    note: Text  # why, for trainers ("" when there is nothing to add)

    @model_validator(mode="after")
    def _annotations_cite_known_standards(self, info: ValidationInfo) -> "Line":
        known = (info.context or {}).get("standards")
        found = [((key, k), f"unknown standard id {sid!r}; add it to service_standards.yaml first")
                 for key in ("follows", "breaks") for k, sid in enumerate(getattr(self, key))
                 if known is not None and sid not in known]
        found += [(("breaks", k), f"{sid!r} is both followed and broken on this line")
                  for k, sid in enumerate(self.breaks) if sid in self.follows]
        if self.speaker == C and (self.follows or self.breaks):
            found.append(((), "only agent lines and notes carry annotations (follows, breaks)"))
        report(found)
        return self


class Transcript(DataModel):
    id: RequiredText
    title: RequiredText
    purpose: Literal["model", "mixed", "spot the slips"]
    direction: Literal["inbound", "outbound"]
    agent_id: RequiredText
    agent_name: RequiredText
    time_of_day: Literal["morning", "afternoon", "evening"]
    summary: RequiredText
    company: RequiredText
    lines: Annotated[tuple[Line, ...], NonEmpty]

    @model_validator(mode="after")
    def _lines_numbered_from_1(self) -> "Transcript":
        report(((("lines", i, "n"), f"numbered {line.n}, expected {i + 1}")
                for i, line in enumerate(self.lines) if line.n != i + 1))
        return self


class TranscriptsFile(DataModel):
    """``datasets/transcripts.json``."""

    unique_ids = (("transcripts[].id",),)

    company: RequiredText
    speakers: tuple[Literal["Agent", "Customer", "Note"], ...]
    transcripts: Annotated[tuple[Transcript, ...], NonEmpty]


def validate(standards: list[dict[str, Any]], transcripts: list[dict[str, Any]],
             groups: list[dict[str, Any]]) -> None:
    """Check standards, groups and transcripts (as parsed from the two files) against each other;
    :class:`StandardsError` (a ValueError) lists every problem in the first file that has any."""
    std = datafiles.validate(StandardsFile, i18n.localize({"groups": groups, "standards": standards}, "en"),
                             "service_standards.yaml", StandardsError)
    payload = {"company": COMPANY, "speakers": [A, C, N], "transcripts": transcripts}
    datafiles.validate(TranscriptsFile, i18n.localize(payload, "en"), "transcripts.json", StandardsError,
                       {"standards": {s.id for s in std.standards}})


# --------------------------------------------------------------------------- reading
def read_files(folder: Path | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """The standards document and the transcripts document, as written in the data folder."""
    from . import path

    def where(name: str) -> Path:
        return Path(folder) / name if folder else path(name)

    return (datafiles.read(where("service_standards.yaml"), StandardsError),
            datafiles.read(where("transcripts.json"), StandardsError))


def check_files(folder: Path | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """Check the two files, each whole and against each other (:class:`StandardsError` names
    the file and the place in it), in each language's reading (``x`` or its Chinese ``x_zh``,
    see :func:`grader.i18n.localize`); returns them as read."""
    doc, payload = read_files(folder)
    for lang in i18n.LANGUAGES:
        std = datafiles.validate(StandardsFile, i18n.localize(doc, lang), "service_standards.yaml",
                                 StandardsError)
        datafiles.validate(TranscriptsFile, i18n.localize(payload, lang), "transcripts.json",
                           StandardsError, {"standards": {s.id for s in std.standards}})
    return doc, payload


def load_standards(lang: str | None = None) -> dict[str, dict[str, Any]]:
    """The service standards by id, read from ``datasets/service_standards.yaml`` and checked,
    their texts in ``lang`` (default: the current language; ``zh`` stays the Chinese name)."""
    doc, _ = check_files()
    return {s["id"]: s for s in i18n.localize(doc, lang)["standards"]}


def load_transcripts(lang: str | None = None) -> dict[str, dict[str, Any]]:
    """The annotated transcripts by id (``"T1"`` ...), read from ``datasets/transcripts.json``
    and checked, their texts in ``lang`` (default: the current language)."""
    _, doc = check_files()
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
