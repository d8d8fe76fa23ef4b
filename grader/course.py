"""The course as nbgrader sees it: configuration, assignments, building releases.

Everything goes through nbgrader's own API (:class:`nbgrader.apps.NbGraderAPI`) with the
repository's ``nbgrader_config.py``, so ``academy build`` and ``nbgrader generate_assignment``
produce the same release. A course *workspace* (a folder with nbgrader's ``submitted/``,
``autograded/`` … and its SQLite gradebook) can be anywhere: the demo and tests use
throw-away ones, a trainer's cohort has its own.
"""
from __future__ import annotations

import contextlib
import filecmp
import hashlib
import logging
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Iterator

from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from . import paths
from .i18n import _


def _ensure_tools_on_path() -> None:
    """nbgrader runs ``alembic`` as a program: make the environment's bin folder findable."""
    bindir = str(Path(sys.executable).parent)
    if bindir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")


def load_config(**overrides: object) -> Config:
    """The repository's nbgrader configuration, with ``CourseDirectory`` overrides applied."""
    loader = PyFileConfigLoader(paths.NBGRADER_CONFIG.name, path=str(paths.NBGRADER_CONFIG.parent))
    config = loader.load_config()
    config.CourseDirectory.root = str(paths.ROOT)
    for key, value in overrides.items():
        setattr(config.CourseDirectory, key, value)
    return config


def make_api(config: Config):
    """An :class:`NbGraderAPI` for a configuration, quiet unless something goes wrong."""
    _ensure_tools_on_path()
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    config.NbGraderAPI.log_level = logging.WARNING
    coursedir = CourseDirectory(config=config)
    return NbGraderAPI(coursedir=coursedir, config=config)


def assignments(source: Path | None = None) -> list[str]:
    """Assignment ids: folders of ``solutions/`` holding at least one notebook, in order."""
    source = source or paths.SOLUTIONS
    return sorted(p.name for p in source.iterdir()
                  if p.is_dir() and not p.name.startswith(".") and any(p.glob("*.ipynb")))


def notebooks(assignment: str, folder: Path | None = None) -> list[Path]:
    return sorted((folder or paths.SOLUTIONS).joinpath(assignment).glob("*.ipynb"))


TEXT_STUB = {"zh-CN": "在这里写下你的答案。"}  # nbgrader_config.py has the English one


def edition_language(source: Path, assignment_ids: list[str]) -> str:
    """The language of these assignments' notebooks (a translated edition records it in the
    notebook's metadata; see grader.notebook_translations), 'en' for the English source."""
    import json

    langs = set()
    for aid in assignment_ids:
        for nb in sorted((source / aid).glob("*.ipynb")):
            try:
                meta = json.loads(nb.read_text(encoding="utf-8")).get("metadata", {})
            except (OSError, ValueError):
                continue
            langs.add((meta.get("academy") or {}).get("lang", "en"))
    if len(langs) > 1:
        raise BuildError(_("These assignments mix languages ({languages}); generate each edition from its "
                           "own source folder.").format(languages=", ".join(sorted(langs))))
    return langs.pop() if langs else "en"


class BuildError(RuntimeError):
    """nbgrader could not generate an assignment; the message says which and why."""


def generate(assignment_ids: list[str], *, release_dir: Path, workspace: Path,
             source_dir: Path | None = None, db_url: str | None = None) -> None:
    """Run nbgrader's generate_assignment for each assignment into ``release_dir``.

    ``workspace`` holds nbgrader's gradebook for this run (the assignments and their cells are
    recorded there, which autograding needs); ``db_url`` puts that gradebook elsewhere (PostgreSQL).
    """
    workspace.mkdir(parents=True, exist_ok=True)
    source = (source_dir or paths.SOLUTIONS).resolve()
    config = load_config(
        root=str(workspace),
        source_directory=str(source),
        release_directory=str(release_dir.resolve()),
        db_url=db_url or f"sqlite:///{(workspace / 'gradebook.db').resolve()}",
    )
    lang = edition_language(source, assignment_ids)
    if lang in TEXT_STUB:  # a translated edition: its written-answer cells say so in its language
        config.ClearSolutions.text_stub = TEXT_STUB[lang]
    api = make_api(config)
    for aid in assignment_ids:
        result = api.generate_assignment(aid, force=True, create=True)
        if not result.get("success"):
            detail = (result.get("error") or "") + (result.get("log") or "")
            raise BuildError(_("Could not build {assignment}:").format(assignment=aid) + "\n"
                             + detail.strip()[-3000:])


# ------------------------------------------------------------ generated once per version (grader.generated)
GENERATED_VERSION = b"academy-generated 1"


def cache_dir() -> Path:
    """Where generated assignments are kept: ``$ACADEMY_GENERATED``; else the repository's
    ``build/generated/`` when this account owns it (or may make it); else this account's own
    cache (``$XDG_CACHE_HOME`` or ``~/.cache``, ``call-center-academy/generated``); else a
    folder of its own in the temp folder. A trainer on a shared machine (a hub's trainer
    account) thus never reads or writes another account's copies, which hold hidden tests."""
    if os.environ.get("ACADEMY_GENERATED"):
        return Path(os.environ["ACADEMY_GENERATED"])
    uid = os.getuid()
    here = paths.ROOT / "build" / "generated"
    for folder in (here, here.parent):
        try:
            if folder.stat().st_uid == uid:
                return here
            break  # someone else's
        except FileNotFoundError:
            continue
        except OSError:
            break
    else:
        if os.access(paths.ROOT, os.W_OK):
            return here
    home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "call-center-academy" / "generated"
    try:
        home.mkdir(parents=True, exist_ok=True)
        if home.stat().st_uid == uid and os.access(home, os.W_OK):
            return home
    except (OSError, RuntimeError):  # no home folder
        pass
    return paths.private_dir("academy-generated")


def digest(assignment: str, source_dir: Path) -> str:
    """SHA-256 over what nbgrader's generate_assignment makes of this assignment depends on."""
    h = hashlib.sha256(GENERATED_VERSION + b"\0" + assignment.encode() + b"\0")
    folder = source_dir / assignment
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            h.update(str(p.relative_to(folder)).encode() + b"\0" + p.read_bytes() + b"\0")
    package = Path(__file__).resolve().parent
    for label, p in [("nbgrader_config.py", paths.NBGRADER_CONFIG), ("requirements.lock", paths.ROOT / "requirements.lock"),
                     *((f"grader/{p.relative_to(package)}", p) for p in sorted(package.rglob("*.py")))]:
        h.update(label.encode() + b"\0" + (p.read_bytes() if p.is_file() else b"-") + b"\0")
    return h.hexdigest()


def generated(assignment: str, source_dir: Path) -> Path:
    """The folder holding nbgrader's generate_assignment output for this assignment's current
    inputs (``release/<assignment>/`` and ``gradebook.db``), made now if there is none."""
    source_dir = Path(source_dir).resolve()
    root = cache_dir()
    target = root / f"{assignment}-{digest(assignment, source_dir)[:24]}"
    if (target / "gradebook.db").is_file():
        with contextlib.suppress(OSError):  # a cache this account may read but not change
            os.utime(target)  # in use: not pruned (see _prune)
        return target
    root.mkdir(parents=True, exist_ok=True)
    _prune(root, assignment)
    scratch = Path(tempfile.mkdtemp(prefix=f".{assignment}-", dir=root))
    try:
        shutil.copyfile(_empty_gradebook(root), scratch / "gradebook.db")
        generate([assignment], release_dir=scratch / "release", workspace=scratch, source_dir=source_dir)
        try:
            os.rename(scratch, target)  # atomic; fails if another run made it first
        except OSError:
            if not (target / "gradebook.db").is_file():
                raise
    finally:
        if scratch.exists():
            shutil.rmtree(scratch, ignore_errors=True)
    return target


def _empty_gradebook(root: Path) -> Path:
    """An empty gradebook as nbgrader makes it (its tables, its schema revision, the course),
    made once per pinned environment and copied for each generate. nbgrader stamps a new
    gradebook's schema revision by running its ``alembic`` program, which takes 1-3 s."""
    lock = paths.ROOT / "requirements.lock"
    key = hashlib.sha256(lock.read_bytes() if lock.is_file() else b"").hexdigest()[:16]
    template = root / f"empty-gradebook-{key}.db"
    if not template.is_file():
        _ensure_tools_on_path()
        from nbgrader.api import Gradebook

        tmp = root / f".empty-{os.getpid()}-{os.urandom(4).hex()}.db"
        with Gradebook(f"sqlite:///{tmp}", course_id=load_config().CourseDirectory.course_id):
            pass
        os.replace(tmp, template)
    return template


KEEP_UNUSED_S = 7 * 24 * 3600  # older versions of an assignment are removed after a week unused


def _prune(root: Path, assignment: str) -> None:
    """Remove this assignment's folders for versions not used for a week (each use touches its
    folder; a version in use by another run at the same time is therefore never removed), and
    scratch folders of runs killed over a day ago."""
    import re
    import time

    mine = re.compile(re.escape(assignment) + r"-[0-9a-f]{24}")
    for old in root.iterdir():
        age = time.time() - old.stat().st_mtime
        if (mine.fullmatch(old.name) and age > KEEP_UNUSED_S) or (old.name.startswith(".") and age > 24 * 3600):
            if old.is_dir():  # (a scratch folder or file a killed run left a day ago)
                shutil.rmtree(old, ignore_errors=True)
            else:
                old.unlink(missing_ok=True)


EDITIONS = ("zh-CN",)  # exercises/<lang>/ holds a translated edition's release (see build_editions)


def build(release_dir: Path | None = None, assignment_ids: list[str] | None = None,
          source_dir: Path | None = None) -> dict:
    """Regenerate ``exercises/`` (or ``release_dir``) from ``solutions/``.

    Each assignment is what nbgrader's generate_assignment makes of it, made once per version of
    its source (:mod:`grader.generated`): a build after an edit regenerates only what changed.
    Builds into a scratch folder first and copies only files whose bytes changed, so a second
    run changes nothing and an interrupted run never leaves a half-written release. Releases of
    assignments that no longer exist in solutions/ are removed. Returns what changed.
    """
    release_dir = release_dir or paths.EXERCISES
    ids = assignment_ids or assignments(source_dir)
    source = (source_dir or paths.SOLUTIONS).resolve()
    changed: list[str] = []
    with tempfile.TemporaryDirectory(prefix="academy-build-") as tmp:
        tmp_path = Path(tmp)
        fresh = tmp_path / "release"
        edition_language(source, ids)  # refuses a folder that mixes editions
        for aid in ids:  # nbgrader's generate_assignment, once per version of the source (grader.generated)
            shutil.copytree(generated(aid, source) / "release" / aid, fresh / aid)
        release_dir.mkdir(parents=True, exist_ok=True)
        for src in sorted(fresh.rglob("*")):
            if src.is_dir():
                continue
            dst = release_dir / src.relative_to(fresh)
            if not dst.exists() or not filecmp.cmp(src, dst, shallow=False):
                dst.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(src, dst)
                changed.append(str(dst.relative_to(release_dir)))
        if assignment_ids is None:
            for old in sorted(release_dir.iterdir()):
                if old.is_dir() and old.name not in ids and old.name not in EDITIONS:
                    shutil.rmtree(old)
                    changed.append(f"{old.name}/ (removed)")
        for aid in ids:
            for dst in sorted((release_dir / aid).rglob("*")):
                if dst.is_file() and not (fresh / aid / dst.relative_to(release_dir / aid)).exists():
                    dst.unlink()
                    changed.append(f"{dst.relative_to(release_dir)} (removed)")
    return {"assignments": ids, "changed": changed}


def build_editions(assignment_ids: list[str] | None = None) -> dict:
    """Make every translated edition: lessons next to their English notebooks, and releases in
    exercises/<lang>/ generated by nbgrader from the translated solutions (same hidden tests and
    points). Raises BuildError listing every missing or out-of-date translation."""
    from . import notebook_translations as nt

    changed: list[str] = []
    problems: list = []
    built: dict[str, list[str]] = {}
    for lang in EDITIONS:
        lessons, found = nt.build_lessons(lang)
        changed += [str(p.relative_to(paths.ROOT)) for p in lessons]
        problems += found
        with tempfile.TemporaryDirectory(prefix=f"academy-{lang}-") as tmp:
            source = Path(tmp) / "solutions"
            ids, found = nt.build_exercise_sources(source, lang)
            problems += found
            if assignment_ids is not None:
                ids = [a for a in ids if a in assignment_ids]
            if ids:
                result = build(paths.EXERCISES / lang, ids if assignment_ids else None, source_dir=source)
                changed += [f"exercises/{lang}/{c}" for c in result["changed"]]
            built[lang] = ids
    if problems:
        raise BuildError(_("Translations missing or out of date (see docs/translating.md):") + "\n"
                         + "\n".join(f"  {p}" for p in problems))
    return {"editions": built, "changed": changed}


def iter_release_files(release_dir: Path) -> Iterator[Path]:
    """Files of a release; exercises/<lang>/ (a translated edition's own release) is not part of it."""
    skip = {release_dir / lang for lang in EDITIONS}
    yield from (p for p in sorted(release_dir.rglob("*"))
                if p.is_file() and not any(s in p.parents for s in skip))
