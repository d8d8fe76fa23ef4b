"""Collection without a hub: notebooks downloaded from an LMS (or gathered by email) into a cohort.

``academy collect ASSIGNMENT --zip DIR`` runs nbgrader's own ``ZipCollectApp`` (its extractor
unpacks every archive, nested ones too; its collector turns file names into learner and notebook
ids; its transfer writes ``submitted/<learner>/<assignment>/`` with ``timestamp.txt``) with one
addition: :class:`RosterCollector`, a ``FileNameCollectorPlugin`` that matches file names against
the cohort's *roster* instead of requiring the trainer to write a regular expression.

A file name belongs to a learner when it holds, as a separate word, the learner's id, the part of
their e-mail address before ``@``, or their full name ("Mei Wang", "Wang Mei", "wangmei", as
Moodle and Canvas name downloads). Exactly one learner must match, else the file is reported as
unmatched (or ambiguous). The notebook is the released notebook whose name appears in the file
name; when the assignment has a single notebook, any notebook file is taken as it (LMSs add
suffixes such as ``-1``). ``--pattern`` still accepts nbgrader's own ``named_regexp``.

Nothing is lost: the trainer's folder is only read; every file in it is copied to
``COURSE/downloaded/ASSIGNMENT/archive/`` (nbgrader's layout) and stays there; nbgrader extracts
into ``.../extracted/``; files go through a staging folder, and a learner's earlier submission is
replaced only by a different one, after being moved to ``.../replaced/<learner>-<time>/``.
Every file ends up in exactly one row of the report: collected, or not collected with the reason
(not a notebook, no learner matched, several matched, cannot be read, an older duplicate).
"""
from __future__ import annotations

import datetime as dt
import filecmp
import logging
import os
import re
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from nbgrader.plugins import FileNameCollectorPlugin
from traitlets import Dict, List, Unicode

from .i18n import _, join

STAGING = "collected"  # downloaded/<aid>/collected/<learner>/<aid>/... before moving to submitted/


NOT_A_NOTEBOOK = "not a notebook (.ipynb)"  # the collector's reason for such a file (the report says it)


def _norm(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.lower())


def _word(needle: str, hay: str) -> bool:
    return re.search(r"(?<![0-9A-Za-z])" + re.escape(needle) + r"(?![0-9A-Za-z])", hay, re.I) is not None


class RosterCollector(FileNameCollectorPlugin):
    """nbgrader collector plugin: file name -> roster learner id and released notebook name."""

    roster = List(help="learners: dicts with id, first_name, last_name, email").tag(config=True)
    notebooks = List(help="names of the assignment's released notebooks").tag(config=True)
    timestamps = Dict(help="path relative to the extracted folder -> ISO timestamp").tag(config=True)
    extracted_root = Unicode("").tag(config=True)

    def __init__(self, **kw):
        super().__init__(**kw)
        self.decisions: dict[str, tuple[str, str]] = {}  # file -> (learner or "", reason)
        self.accepted: list[tuple[str, str, str, str]] = []  # (file, learner, notebook, timestamp)

    def _learner(self, rel: str) -> tuple[str | None, str]:
        name = os.path.basename(rel)
        parts = [name] + rel.split(os.sep)[:-1]  # the file name first, then its folders
        for hay in parts:
            found: dict[str, str] = {}  # learner -> the text of the name that matched
            flat = _norm(hay)
            for l in self.roster:
                keys = [l["id"]]
                if l.get("email") and "@" in l["email"]:
                    keys.append(l["email"].split("@")[0])
                hit = next((k for k in keys if _word(k, hay)), None)
                if hit:
                    found[l["id"]] = _norm(hit)
                    continue
                first, last = l.get("first_name") or "", l.get("last_name") or ""
                hit = next((n for n in (_norm(first + last), _norm(last + first))
                            if first and last and len(n) >= 4 and n in flat), None)
                if hit:
                    found[l["id"]] = hit
            # "Li Wei" inside "Li Weiming", "li" inside "li-wei": the longer, more specific name wins
            found = {k: v for k, v in found.items()
                     if not any(v != w and v in w for o, w in found.items() if o != k)}
            if len(found) == 1:
                return next(iter(found)), ""
            if len(found) > 1:
                return None, _("the name fits several learners ({learners})").format(learners=join(sorted(found)))
        return None, _("no learner on the roster matches the file name")

    def _notebook(self, rel: str) -> str | None:
        base = os.path.basename(rel)
        hits = [nb for nb in self.notebooks if _word(os.path.splitext(nb)[0], base)]
        if hits:
            return max(hits, key=len)
        if len(self.notebooks) == 1:
            return self.notebooks[0]
        return None

    def collect(self, submitted_file: str):
        rel = os.path.relpath(submitted_file, self.extracted_root) if self.extracted_root else submitted_file
        if os.path.splitext(submitted_file)[1] not in self.valid_ext:
            self.decisions[submitted_file] = ("", NOT_A_NOTEBOOK)
            return None
        if self.named_regexp:  # the trainer's own expression, as in stock nbgrader
            info = super().collect(os.path.basename(submitted_file))
            if not info:
                self.decisions[submitted_file] = ("", _("the --pattern does not match the file name"))
                return None
            known = {l["id"] for l in self.roster}
            if info["student_id"] not in known:
                self.decisions[submitted_file] = ("", _("{id!r} is not on the roster").format(id=info["student_id"]))
                return None
            info["file_id"] = self._notebook(info["file_id"] + ".ipynb") or info["file_id"]
        else:
            lid, why = self._learner(rel)
            if lid is None:
                self.decisions[submitted_file] = ("", why)
                return None
            nb = self._notebook(rel)
            if nb is None:
                self.decisions[submitted_file] = (lid, _("cannot tell which notebook it is; expected a name "
                                                    "holding one of {notebooks}").format(
                    notebooks=join(self.notebooks)))
                return None
            info = {"student_id": lid, "file_id": nb}
        if not info.get("timestamp"):  # nbgrader needs one to choose between duplicates
            info["timestamp"] = self.timestamps.get(rel) or dt.datetime.fromtimestamp(
                os.path.getmtime(submitted_file), dt.timezone.utc).isoformat(" ")
        self.decisions[submitted_file] = (info["student_id"], "")
        self.accepted.append((submitted_file, info["student_id"], os.path.splitext(info["file_id"])[0],
                              info["timestamp"]))
        return info


@dataclass
class FileRow:
    """One input file and what happened to it."""

    file: str  # relative to the extracted folder
    learner: str
    status: str  # collected | not a notebook | unmatched | unreadable | older duplicate
    message: str = ""


@dataclass
class ZipCollectResult:
    files: list[FileRow] = field(default_factory=list)
    learners: list = field(default_factory=list)  # workflow.StepResult per learner collected
    kept_in: Path | None = None
    error: str = ""


def _timestamps(src: Path) -> dict[str, str]:
    """Submission times: a zip entry's own time, else the downloaded file's modification time."""
    out: dict[str, str] = {}
    for p in sorted(src.rglob("*")):
        if not p.is_file():
            continue
        rel = p.relative_to(src)
        mtime = dt.datetime.fromtimestamp(p.stat().st_mtime, dt.timezone.utc)
        out[str(rel)] = mtime.isoformat(" ")
        if p.suffix == ".zip":
            try:
                with zipfile.ZipFile(p) as z:
                    for info in z.infolist():
                        stamp = dt.datetime(*info.date_time).replace(tzinfo=dt.timezone.utc)
                        out[str(rel.parent / p.stem / info.filename)] = stamp.isoformat(" ")
            except (zipfile.BadZipFile, OSError, ValueError):
                pass
    return {os.path.normpath(k): v for k, v in out.items()}


def _copy_in(src: Path, archive: Path) -> list[str]:
    """Copy the trainer's folder into nbgrader's archive folder; problems are returned."""
    problems = []
    archive.mkdir(parents=True, exist_ok=True)
    for p in sorted(src.rglob("*")):
        if p.is_file():
            dst = archive / p.relative_to(src)
            dst.parent.mkdir(parents=True, exist_ok=True)
            try:
                shutil.copy2(p, dst)
            except OSError as exc:
                problems.append(f"{p}: {exc}")
    return problems


def _same_folder(a: Path, b: Path) -> bool:
    fa = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file() and p.name != "timestamp.txt")
    fb = sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file() and p.name != "timestamp.txt")
    return fa == fb and all(filecmp.cmp(a / r, b / r, shallow=False) for r in fa)


def _notebook_of(app, path: Path) -> str:
    for f, _, nb, _ in app.collector_plugin_inst.accepted:
        if f == str(path):
            return nb
    return ""


def zip_collect(ws, assignment: str, src: Path, pattern: str | None = None) -> ZipCollectResult:
    """Collect the notebooks in ``src`` (files and archives) into the workspace's ``submitted/``."""
    import nbformat
    from nbgrader.apps.zipcollectapp import ZipCollectApp
    from nbgrader.utils import capture_log, temp_attrs

    from . import course
    from .workflow import StepResult, _explain, prepare

    result = ZipCollectResult()
    src = Path(src)
    if not src.is_dir():
        result.error = _("{folder} is not a folder. Put the files downloaded from the LMS (zip files or "
                         "notebooks) in a folder and give that.").format(folder=src)
        return result
    if not (ws.release / assignment).is_dir():
        prepare(ws, [assignment])  # the release tells nbgrader which notebook names are valid
    notebooks = sorted(p.name for p in (ws.release / assignment).glob("*.ipynb"))
    from .gradebook import Gradebook

    with Gradebook(ws.db_url) as gb:
        roster = [{"id": p.learner, "first_name": p.first_name, "last_name": p.last_name, "email": p.email}
                  for p in gb.learner_rows()]
    if not roster:
        result.error = _("The cohort has no roster yet, so no file can be matched to a learner: import one "
                         "with `academy roster FILE --course {folder}` first. Nothing was collected.").format(
            folder=ws.root)
        return result

    down = ws.root / "downloaded" / assignment
    archive, extracted, staging = down / "archive", down / "extracted", down / STAGING
    problems = _copy_in(src, archive)
    result.kept_in = archive
    for d in (extracted, staging):
        if d.exists():
            shutil.rmtree(d)

    config = ws.config()
    config.ZipCollectApp.collector_plugin = RosterCollector
    config.ZipCollectApp.force = True
    config.ExtractorPlugin.force = True
    config.ExtractorPlugin.zip_ext = [".zip", ".gz"]
    config.RosterCollector.roster = roster
    config.RosterCollector.notebooks = notebooks
    config.RosterCollector.timestamps = _timestamps(archive)
    config.RosterCollector.extracted_root = str(extracted.resolve())
    if pattern:
        config.RosterCollector.named_regexp = pattern
    api = course.make_api(config)
    staging_rel = os.path.relpath(staging, ws.root)
    with temp_attrs(api.coursedir, assignment_id=assignment, submitted_directory=staging_rel):
        app = ZipCollectApp(coursedir=api.coursedir, parent=api)
        app.log_level = logging.ERROR  # the report below says what happened to every file
        r = capture_log(app)
    if not r.get("success"):
        result.error = _("nbgrader's zip collect stopped: {reason}. The files are kept in {folder}; nothing "
                         "in submitted/ was changed.").format(reason=_explain(r), folder=archive)
        return result
    decisions = app.collector_plugin_inst.decisions

    # which accepted file nbgrader kept for each notebook: its own rule (same order, newer or
    # equal timestamp of the learner replaces), so duplicates can be named in the report
    from nbgrader.utils import parse_utc

    latest: dict[str, object] = {}
    chosen: dict[tuple[str, str], str] = {}
    for f, lid, nb, stamp in app.collector_plugin_inst.accepted:
        when = parse_utc(stamp)
        if (lid, nb) not in chosen:
            chosen[(lid, nb)] = f
            latest[lid] = when if lid not in latest else max(latest[lid], when)
        elif when >= latest[lid]:
            chosen[(lid, nb)] = f
            latest[lid] = when
    kept_files = set(chosen.values())

    # every extracted file gets a row
    placed: set[str] = set()
    for f in sorted(p for p in extracted.rglob("*") if p.is_file()):
        rel = str(f.relative_to(extracted))
        lid, why = decisions.get(str(f), ("", _("not looked at by the collector")))
        if why == NOT_A_NOTEBOOK:
            result.files.append(FileRow(rel, "", "not a notebook", _("ignored; kept in {folder}").format(
                folder=archive)))
        elif why:
            result.files.append(FileRow(rel, lid, "unmatched", why))
        elif str(f) not in kept_files:
            result.files.append(FileRow(rel, lid, "older duplicate",
                                        _("a newer file for the same notebook was collected instead")))
        else:
            result.files.append(FileRow(rel, lid, "collected"))
            placed.add(lid)
    for p in problems:
        result.files.append(FileRow(p, "", "unreadable", _("could not be copied from the folder")))

    # staging -> submitted/, checking every notebook reads as a notebook
    for lid in sorted(placed):
        got = staging / lid / assignment
        bad = []
        for nb_file in sorted(got.glob("*.ipynb")):
            try:
                nbformat.read(nb_file, as_version=4)
            except Exception as exc:  # noqa: BLE001 - reported for this file only
                bad.append((nb_file.name, f"{type(exc).__name__}: {str(exc)[:120]}"))
        if bad:
            keep = down / "unreadable" / lid  # kept out of submitted/, for the trainer to look at
            keep.mkdir(parents=True, exist_ok=True)
            for name, why in bad:
                shutil.move(str(got / name), keep / name)
                for row in result.files:
                    if row.learner == lid and row.status == "collected" and str(extracted / row.file) in kept_files \
                            and _notebook_of(app, extracted / row.file) == Path(name).stem:
                        row.status, row.message = "unreadable", _("not a readable notebook ({why}); kept in "
                                                                  "{path}").format(why=why, path=keep / name)
            if not any(got.glob("*.ipynb")):
                result.learners.append(StepResult(lid, False, "unreadable", _("nothing readable; see {folder}")
                                                  .format(folder=down / "unreadable" / lid)))
                continue
        dest = ws.submitted / lid / assignment
        if dest.exists():
            if _same_folder(got, dest):
                result.learners.append(StepResult(lid, True, "unchanged", _("same notebooks as collected before")))
                continue
            old = down / "replaced" / f"{lid}-{dt.datetime.now():%Y%m%d-%H%M%S}"
            old.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(dest), old)
            status, msg = "updated", _("the earlier submission is kept in {folder}").format(folder=old)
        else:
            status, msg = "collected", ""
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(got, dest)
        result.learners.append(StepResult(lid, True, status, msg))
    return result
