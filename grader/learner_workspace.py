"""A learner's own copy of the course, outside the repository (what ``make lab`` opens).

``make lab`` used to serve the repository itself, so a learner's saved answers changed tracked
files (``git status`` dirty, pulls conflicting, the exercises-drift test failing). Instead the
learner works in a copy of ``course/`` and ``exercises/`` (default ``build/learner/``), made and
updated by :func:`sync`.

Updating follows nbgitpuller's rule (the course's new version arrives, the learner's work is never
overwritten) without nbgitpuller itself: nbgitpuller makes the learner's folder a git clone of the
whole repository, which would hand learners ``solutions/`` and its hidden tests. Here a manifest,
``.academy/workspace.json`` in the workspace, records the digest of every file as it was last
placed there. On update, for each course file:

* missing in the workspace and never placed: copied (``added``); placed before but deleted by the
  learner: put back (``restored``, as nbgitpuller does);
* identical to the course's version: nothing to do (``unchanged``); edited by the learner while
  the course's version is the one placed: the learner's work, left alone (``yours``);
* untouched by the learner since it was placed, and changed in the course: replaced (``updated``);
* edited by the learner (its digest differs from the manifest's) while the course's version
  changed: the learner's file is **kept** (``kept``), and the course's new version is written next
  to it as ``NAME (course update).ipynb`` so nothing is lost either way.

Files the course removed are removed only if the learner never edited them. Every write goes
through a temporary file and ``os.replace``, so an interrupted update leaves whole files.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import paths
from .i18n import N_, _

MANIFEST = Path(".academy") / "workspace.json"
IGNORE = {".ipynb_checkpoints", "__pycache__", ".academy", ".pytest_cache"}
DEFAULT_DIR = paths.ROOT / "build" / "learner"


@dataclass
class Change:
    path: str  # relative to the workspace, with "/" separators
    status: str  # added | restored | updated | unchanged | yours | kept | removed | kept (removed upstream)
    note: str = ""


# What each status is called in the summary (the status itself stays as it is: code compares it).
STATUS_NAMES = {"added": N_("added"), "restored": N_("restored"), "updated": N_("updated"),
                "unchanged": N_("unchanged"), "yours": N_("yours"), "kept": N_("kept"),
                "removed": N_("removed"), "kept (removed upstream)": N_("kept (removed upstream)")}

EDITIONS = ("zh-CN",)


def _english(rel: Path) -> bool:
    """A file of the English edition: not a translation, a translated lesson or exercises/<lang>/."""
    return not any(rel.name.endswith((f".{lang}.ipynb", f".{lang}.yaml")) or rel.parts[0] == lang
                   for lang in EDITIONS)


def _lesson_edition(lang: str):
    def keep(rel: Path) -> bool:
        if rel.name.endswith(f".{lang}.ipynb"):
            return True
        return rel.suffix not in (".ipynb", ".yaml") and _english(rel)  # pictures, data files
    return keep


def default_sources(lang: str = "en") -> dict[str, tuple[Path, object]]:
    """The folders a learner gets, in one language: the lessons and the released exercises
    ({subfolder: (folder, which files)}). The zh-CN learner gets the Chinese lessons and
    exercises/zh-CN/ as their exercises/, and no English notebook."""
    if lang == "en":
        return {"course": (paths.COURSE, _english), "exercises": (paths.EXERCISES, _english)}
    return {"course": (paths.COURSE, _lesson_edition(lang)),
            "exercises": (paths.EXERCISES / lang, lambda rel: True)}


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 16), b""):
            h.update(block)
    return h.hexdigest()


def _files(folder: Path, keep=None) -> list[Path]:
    out = []
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder)
        if p.is_file() and not IGNORE.intersection(rel.parts) and (keep is None or keep(rel)):
            out.append(p)
    return out


def _copy(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=dst.parent, prefix=".academy-", suffix=".part")
    os.close(fd)
    try:
        shutil.copyfile(src, tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, dst)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def update_name(path: Path) -> Path:
    """Where the course's new version of a file the learner edited is put."""
    return path.with_name(f"{path.stem} (course update){path.suffix}")


def load_manifest(dest: Path) -> dict[str, str]:
    try:
        data = json.loads((dest / MANIFEST).read_text(encoding="utf-8"))
        return {str(k): str(v) for k, v in data.get("files", {}).items()}
    except (OSError, ValueError, AttributeError):
        return {}


def _save_manifest(dest: Path, files: dict[str, str]) -> None:
    target = dest / MANIFEST
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".part")
    tmp.write_text(json.dumps({"version": 1, "files": dict(sorted(files.items()))}, indent=1),
                   encoding="utf-8")
    os.replace(tmp, target)


def sync(dest: Path, sources: dict[str, Path] | None = None, lang: str = "en") -> list[Change]:
    """Create or update the learner workspace ``dest`` from ``sources`` ({subfolder: folder, or
    (folder, which files)}; default: the course in ``lang``)."""
    sources = {name: (v if isinstance(v, tuple) else (v, None))
               for name, v in (sources or default_sources(lang)).items()}
    dest = Path(dest)
    root = paths.ROOT.resolve()
    if dest.resolve() == root or any(dest.resolve() == s.resolve() for s, _ in sources.values()):
        raise ValueError(_("{dest} is the repository or one of its course folders; choose a separate "
                           "folder for the learner workspace (default build/learner).").format(dest=dest))
    dest.mkdir(parents=True, exist_ok=True)
    placed = load_manifest(dest)
    upstream: dict[str, Path] = {}
    for name, (folder, keep) in sources.items():
        for f in _files(Path(folder), keep):
            upstream[f"{name}/{f.relative_to(folder).as_posix()}"] = f
    changes: list[Change] = []
    manifest: dict[str, str] = {}
    for rel, src in upstream.items():
        target = dest / rel
        new = _digest(src)
        if not target.exists():
            _copy(src, target)
            manifest[rel] = new
            changes.append(Change(rel, "restored" if rel in placed else "added"))
            continue
        have = _digest(target)
        if have == new:
            manifest[rel] = new
            changes.append(Change(rel, "unchanged"))
        elif placed.get(rel) == new:
            manifest[rel] = new  # the learner's work; the course has nothing newer
            changes.append(Change(rel, "yours"))
        elif placed.get(rel) == have:
            _copy(src, target)
            manifest[rel] = new
            changes.append(Change(rel, "updated"))
        else:
            copy_to = update_name(target)
            _copy(src, copy_to)
            # keep the old record: the file still counts as edited by the learner next time
            if rel in placed:
                manifest[rel] = placed[rel]
            changes.append(Change(rel, "kept", _("you edited it; the course's new version is in {path}")
                                  .format(path=copy_to.relative_to(dest).as_posix())))
    for rel, digest in placed.items():
        if rel in upstream:
            continue
        target = dest / rel
        if not target.exists():
            continue
        if _digest(target) == digest:
            target.unlink()
            changes.append(Change(rel, "removed", _("no longer part of the course")))
        else:
            changes.append(Change(rel, "kept (removed upstream)",
                                  _("no longer part of the course; kept because you edited it")))
    _save_manifest(dest, manifest)
    return changes


def summary(changes: list[Change], dest: Path) -> str:
    """What a learner (or trainer) needs to read after an update."""
    from collections import Counter

    from .i18n import join, pad

    counts = Counter(c.status for c in changes)
    lines = [_("Learner workspace {dest}: {counts}").format(dest=dest, counts=join(
        _("{n} {status}").format(n=n, status=status_name(s)) for s, n in sorted(counts.items())))]
    for c in changes:
        if c.status not in ("unchanged", "added", "yours"):
            note = _("({note})").format(note=c.note) if c.note else ""
            lines.append(f"  {pad(status_name(c.status), 9)} {c.path}" + (f"  {note}" if note else ""))
    return "\n".join(lines)


def status_name(status: str) -> str:
    """A change's status as the summary names it, in the current language."""
    return _(STATUS_NAMES[status]) if status in STATUS_NAMES else status
