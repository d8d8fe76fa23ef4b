"""Tracks: which requirements of the agent and leadership tracks a learner has met.

The track manifest (``datasets/tracks.yaml``) says which assignments belong to each track with
their pass marks, which role-plays must be passed (scorecard, minimum total, no failed critical
item) and which requirements form the capstone. This module reads the manifest, checks it, and
evaluates it for a learner from the two records the course keeps: nbgrader's gradebook (scores
per assignment, manual grades included; a submission still awaiting manual grading is reported
as *pending*, not failed) and the role-play studio's database. Completing every requirement of
the leadership track makes a learner a promotion candidate (:func:`candidates`).
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

from . import paths

from .gradebook import COURSE_ID  # noqa: F401 - re-exported; the gradebook is only read here
MANIFEST = paths.DATASETS / "tracks.yaml"


class TrackError(ValueError):
    """A problem a trainer can fix: a bad manifest, a missing gradebook, an unknown learner."""


# --------------------------------------------------------------------------- the manifest
@dataclass(frozen=True)
class AssignmentRequirement:
    id: str
    pass_mark: float  # percent of the assignment's total points
    title: str = ""  # what learners read ("Module 2 · Emotion management (agent)"); the id if empty

    @property
    def label(self) -> str:
        return self.title or self.id


@dataclass(frozen=True)
class RoleplayRequirement:
    id: str
    title: str
    scorecard: str
    min_total: float  # 0-100, as the role-play studio scores
    no_critical_fail: bool = True


@dataclass(frozen=True)
class Track:
    id: str
    title: str
    summary: str
    modules: tuple[int, ...]
    assignments: tuple[AssignmentRequirement, ...]
    roleplays: tuple[RoleplayRequirement, ...]
    capstone: tuple[str, ...]

    @property
    def requirement_ids(self) -> list[str]:
        return [a.id for a in self.assignments] + [r.id for r in self.roleplays]


def _need(d: Mapping, key: str, where: str, kind: type | tuple[type, ...]) -> Any:
    if key not in d:
        raise TrackError(f"{where}: '{key}' is missing")
    value = d[key]
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        raise TrackError(f"{where}: '{key}' should be {getattr(kind, '__name__', kind)}, got {value!r}")
    return value


def parse_manifest(data: Any, source: str = "tracks.yaml") -> list[Track]:
    """Check a manifest's content and turn it into :class:`Track` objects."""
    if not isinstance(data, Mapping) or not isinstance(data.get("tracks"), list) or not data["tracks"]:
        raise TrackError(f"{source}: expected a mapping with a non-empty 'tracks:' list")
    tracks, seen_tracks = [], set()
    for i, raw in enumerate(data["tracks"], 1):
        where = f"{source}, track {i}"
        if not isinstance(raw, Mapping):
            raise TrackError(f"{where}: each track should be a mapping with id, title, assignments …")
        unknown = set(raw) - {"id", "title", "summary", "modules", "assignments", "roleplays", "capstone"}
        if unknown:
            raise TrackError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
        tid = _need(raw, "id", where, str)
        where = f"{source}, track '{tid}'"
        if tid in seen_tracks:
            raise TrackError(f"{where}: the id is used twice")
        seen_tracks.add(tid)
        assignments, ids = [], set()
        for a in raw.get("assignments") or []:
            if not isinstance(a, Mapping):
                raise TrackError(f"{where}: each assignment should look like {{id: 04-…, pass_mark: 70}}")
            aid = _need(a, "id", where, str)
            mark = _need(a, "pass_mark", f"{where}, assignment '{aid}'", (int, float))
            if not 0 < mark <= 100:
                raise TrackError(f"{where}, assignment '{aid}': pass_mark is a percentage "
                                 f"(0 < pass_mark <= 100), got {mark}")
            if aid in ids:
                raise TrackError(f"{where}: assignment '{aid}' is listed twice")
            ids.add(aid)
            assignments.append(AssignmentRequirement(aid, float(mark), str(a.get("title") or "")))
        roleplays = []
        for r in raw.get("roleplays") or []:
            if not isinstance(r, Mapping):
                raise TrackError(f"{where}: each role-play should be a mapping (id, scorecard, min_total)")
            rid = _need(r, "id", where, str)
            rw = f"{where}, role-play '{rid}'"
            total = _need(r, "min_total", rw, (int, float))
            if not 0 < total <= 100:
                raise TrackError(f"{rw}: min_total is a score out of 100, got {total}")
            if rid in ids:
                raise TrackError(f"{where}: requirement id '{rid}' is used twice")
            ids.add(rid)
            roleplays.append(RoleplayRequirement(
                rid, str(r.get("title", rid)), _need(r, "scorecard", rw, str), float(total),
                bool(r.get("no_critical_fail", True))))
        if not ids:
            raise TrackError(f"{where}: a track needs at least one assignment or role-play")
        capstone = tuple(raw.get("capstone") or [])
        missing = [c for c in capstone if c not in ids]
        if missing:
            raise TrackError(f"{where}: capstone names {', '.join(missing)}, which "
                             f"{'is' if len(missing) == 1 else 'are'} not among the track's "
                             f"assignments or role-plays")
        modules = raw.get("modules") or []
        if not all(isinstance(m, int) and not isinstance(m, bool) for m in modules):
            raise TrackError(f"{where}: modules should be a list of module numbers, e.g. [1, 2, 3]")
        tracks.append(Track(tid, str(raw.get("title", tid)), " ".join(str(raw.get("summary", "")).split()),
                            tuple(modules), tuple(assignments), tuple(roleplays), capstone))
    return tracks


def load_manifest(path: Path | str | None = None) -> list[Track]:
    """Read and check the track manifest (default ``datasets/tracks.yaml``)."""
    import yaml

    p = Path(path) if path else MANIFEST
    if not p.exists():
        raise TrackError(f"No track manifest at {p}. Pass --manifest PATH or restore datasets/tracks.yaml.")
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise TrackError(f"{p} is not valid YAML: {exc}") from None
    return parse_manifest(data, p.name)


def manifest_problems(tracks: Iterable[Track], solutions: Path | None = None,
                      scorecards: Path | None = None) -> list[str]:
    """References in the manifest that point at nothing: assignments without a folder in
    solutions/, role-plays whose scorecard file is missing."""
    solutions = solutions or paths.SOLUTIONS
    scorecards = scorecards or paths.DATASETS / "scorecards"
    out = []
    for t in tracks:
        for a in t.assignments:
            if not (solutions / a.id).is_dir():
                out.append(f"track '{t.id}': assignment '{a.id}' has no folder {solutions / a.id}")
        for r in t.roleplays:
            files = sorted(scorecards.glob(f"{r.scorecard}.v*.yaml"), key=_scorecard_version)
            if not files:
                out.append(f"track '{t.id}': role-play '{r.id}' uses scorecard '{r.scorecard}', "
                           f"but {scorecards} has no {r.scorecard}.v*.yaml")
                continue
            own = _scorecard_pass_mark(files[-1])
            if own is not None and r.min_total + 1e-9 < own:
                out.append(f"track '{t.id}': role-play '{r.id}' asks for {r.min_total:g}/100, below the "
                           f"'{r.scorecard}' scorecard's own pass mark ({own:g}); raise min_total to {own:g}")
    return out


def _scorecard_version(path: Path) -> int:
    digits = path.stem.rsplit(".v", 1)[-1]
    return int(digits) if digits.isdigit() else 0


def _scorecard_pass_mark(path: Path) -> float | None:
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return None
    mark = data.get("pass_mark") if isinstance(data, Mapping) else None
    return float(mark) if isinstance(mark, (int, float)) and not isinstance(mark, bool) else None


# --------------------------------------------------------------------------- the records
@dataclass(frozen=True)
class AssignmentScore:
    """One learner's result on one assignment, as the gradebook has it."""

    assignment: str
    status: str  # "graded", "needs_manual_grade", "not_submitted", "not_in_gradebook"
    score: float = 0.0
    max_score: float = 0.0

    @property
    def percent(self) -> float:
        return 100.0 * self.score / self.max_score if self.max_score else 0.0


def gradebook_url(value: str | Path | None) -> str:
    """A database URL from a URL or a path (default: gradebook.db in the repository root).
    Whether a gradebook is there is checked when it is opened (:class:`Records`)."""
    from .gradebook import database_url

    return database_url(paths.ROOT / "gradebook.db" if value is None else value)


class Records:
    """Read access to the gradebook and the role-play results for track evaluation.

    Scores come from :mod:`grader.gradebook`'s row reads in bulk (no pandas, no nbgrader ORM: a
    command that asks about one learner starts quickly): a learner's submissions in one query the
    first time they are asked about, everyone's in one query once :meth:`learners` is called
    (the callers that list learners go on to evaluate each of them).
    """

    def __init__(self, gradebook: str | Path | None, roleplays: Any = None):
        """``roleplays``: role-play results shaped like ``RolePlayStore.results()`` (a DataFrame,
        or its rows as dicts, as :func:`load_roleplay_results` gives), an object with a
        ``results()`` method, or None (no role-play scored anywhere yet)."""
        from .gradebook import Gradebook, GradebookError

        try:
            self._gb = Gradebook(gradebook_url(gradebook))
            people = self._gb.learner_rows()
            self._assignments = {a.assignment for a in self._gb.assignment_rows()}
        except GradebookError as exc:
            raise TrackError(str(exc)) from None
        self._names = {r.learner: " ".join(str(x) for x in (r.first_name, r.last_name) if isinstance(x, str) and x)
                       for r in people}
        self._scores: dict[tuple[str, str], Any] = {}
        self._loaded: set[str] = set()
        self._all_loaded = False
        if roleplays is not None and hasattr(roleplays, "results"):
            roleplays = roleplays.results()
        if roleplays is not None and hasattr(roleplays, "to_dict"):  # a DataFrame
            roleplays = roleplays.to_dict("records")
        self._roleplays: dict[tuple[str, str], list[dict]] = {}
        for r in roleplays or []:
            if r["rater"] != r["learner"]:  # a learner's own scoring of themselves does not count
                self._roleplays.setdefault((r["learner"], r["scorecard_id"]), []).append(r)

    def close(self) -> None:
        self._gb.close()

    def __enter__(self) -> "Records":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _load(self, learners: list[str] | None) -> None:
        subs = self._gb.submission_rows(learners=learners)
        self._scores.update({(r.learner, r.assignment): r for r in subs})
        if learners is None:
            self._all_loaded = True
        else:
            self._loaded.update(learners)

    def learners(self) -> list[str]:
        if not self._all_loaded:
            self._load(None)
        return sorted(self._names)

    def learner_name(self, learner: str) -> str:
        return self._names.get(learner, "")

    def require_learner(self, learner: str) -> None:
        if learner not in self._names:
            known = sorted(self._names)
            close = difflib.get_close_matches(learner, known, n=3)
            hint = f" Did you mean {', '.join(close)}?" if close else (
                f" The gradebook has {len(known)} learner(s)." if known else " The gradebook has no learners yet.")
            raise TrackError(f"Learner '{learner}' is not in the gradebook.{hint}")

    def assignment_score(self, assignment: str, learner: str) -> AssignmentScore:
        if assignment not in self._assignments:
            return AssignmentScore(assignment, "not_in_gradebook")
        if not self._all_loaded and learner not in self._loaded and learner in self._names:
            self._load([learner])
        sub = self._scores.get((learner, assignment))
        if sub is None:
            return AssignmentScore(assignment, "not_submitted")
        status = "needs_manual_grade" if sub.needs_manual_grade else "graded"
        return AssignmentScore(assignment, status, float(sub.score or 0), float(sub.max_score or 0))

    def roleplay_rows(self, learner: str, scorecard: str) -> list[dict]:
        """The learner's scores on a scorecard, given by someone other than the learner."""
        return list(self._roleplays.get((learner, scorecard), []))


def load_roleplay_results(db_path: str | Path | None) -> list[dict] | None:
    """Role-play results (latest version of each score, as rows) from the studio's database, or
    None when there is no database yet."""
    p = Path(db_path) if db_path else default_roleplay_db()
    if not p.exists():
        return None
    try:
        from .roleplay.store import RolePlayStore
    except ImportError as exc:  # pragma: no cover - the studio ships with the package
        raise TrackError(f"The role-play studio (grader.roleplay) cannot be loaded: {exc}") from None
    return RolePlayStore(p).result_rows()


def default_roleplay_db() -> Path:
    """Where the role-play studio keeps its database unless told otherwise."""
    from .roleplay.store import default_db_path

    return default_db_path()


# --------------------------------------------------------------------------- evaluation
@dataclass(frozen=True)
class RequirementStatus:
    id: str
    kind: str  # "assignment" or "roleplay"
    title: str
    state: str  # "met", "pending" (awaiting a manual grade), "remaining"
    detail: str
    capstone: bool = False

    @property
    def met(self) -> bool:
        return self.state == "met"


@dataclass
class TrackProgress:
    track: Track
    learner: str
    requirements: list[RequirementStatus] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return all(r.met for r in self.requirements)

    @property
    def met(self) -> list[RequirementStatus]:
        return [r for r in self.requirements if r.met]

    @property
    def remaining(self) -> list[RequirementStatus]:
        return [r for r in self.requirements if not r.met]

    def as_dict(self) -> dict:
        return {"track": self.track.id, "title": self.track.title, "learner": self.learner,
                "complete": self.complete,
                "requirements": [dict(r.__dict__, met=r.met) for r in self.requirements]}


def _assignment_status(req: AssignmentRequirement, s: AssignmentScore, capstone: bool) -> RequirementStatus:
    mark = f"pass mark {req.pass_mark:g}%"
    title = req.label
    if s.status == "not_in_gradebook":
        return RequirementStatus(req.id, "assignment", title, "remaining",
                                 f"not graded for anyone yet (the assignment is not in the gradebook; {mark})",
                                 capstone)
    if s.status == "not_submitted":
        return RequirementStatus(req.id, "assignment", title, "remaining",
                                 f"no graded submission yet ({mark})", capstone)
    got = f"{s.score:g} of {s.max_score:g} points ({s.percent:.0f}%)"
    if s.percent + 1e-9 >= req.pass_mark:
        still = "; some answers still await manual grading" if s.status == "needs_manual_grade" else ""
        return RequirementStatus(req.id, "assignment", title, "met", f"{got}; {mark}{still}", capstone)
    if s.status == "needs_manual_grade":
        return RequirementStatus(req.id, "assignment", title, "pending",
                                 f"{got} so far; waiting for the trainer's manual grading ({mark})",
                                 capstone)
    return RequirementStatus(req.id, "assignment", title, "remaining",
                             f"{got}, below the {mark}: revise and resubmit", capstone)


def _roleplay_status(req: RoleplayRequirement, rows: list[dict], capstone: bool) -> RequirementStatus:
    need = f"needs {req.min_total:g}/100 on the '{req.scorecard}' scorecard"
    if req.no_critical_fail:
        need += " with no critical item failed"
    if not rows:
        return RequirementStatus(req.id, "roleplay", req.title, "remaining",
                                 f"not scored yet ({need})", capstone)

    def ok(r: dict) -> bool:
        return float(r["total"]) + 1e-9 >= req.min_total and not (
            req.no_critical_fail and bool(r.get("critical_failed")))

    passing = [r for r in rows if ok(r)]
    n = f"{len(rows)} attempt{'s' if len(rows) != 1 else ''}"
    if passing:
        best = max(passing, key=lambda r: float(r["total"]))
        when = str(best.get("saved_at", ""))[:10]
        return RequirementStatus(req.id, "roleplay", req.title, "met",
                                 f"{float(best['total']):g}/100, rated by {best['rater']}"
                                 f"{' on ' + when if when else ''} ({n})", capstone)
    best = max(rows, key=lambda r: float(r["total"]))
    if float(best["total"]) + 1e-9 >= req.min_total:
        why = f"best {float(best['total']):g}/100, but a critical item failed"
    else:
        why = f"best {float(best['total']):g}/100, below {req.min_total:g}"
    return RequirementStatus(req.id, "roleplay", req.title, "remaining", f"{why} ({n}); {need}", capstone)


def evaluate(track: Track, learner: str, records: Records) -> TrackProgress:
    """Every requirement of one track for one learner, met or not, with the reason."""
    prog = TrackProgress(track, learner)
    for a in track.assignments:
        prog.requirements.append(
            _assignment_status(a, records.assignment_score(a.id, learner), a.id in track.capstone))
    for r in track.roleplays:
        prog.requirements.append(
            _roleplay_status(r, records.roleplay_rows(learner, r.scorecard), r.id in track.capstone))
    return prog


def progress(learner: str, records: Records, tracks: list[Track]) -> list[TrackProgress]:
    """A learner's progress on every track (refuses a learner the gradebook does not know)."""
    records.require_learner(learner)
    return [evaluate(t, learner, records) for t in tracks]


def candidates(records: Records, tracks: list[Track], track_id: str = "leadership") -> list[TrackProgress]:
    """Learners who have completed a track (for the leadership track: promotion candidates)."""
    by_id = {t.id: t for t in tracks}
    if track_id not in by_id:
        raise TrackError(f"No track '{track_id}' in the manifest; tracks: {', '.join(by_id)}")
    done = []
    for learner in records.learners():
        p = evaluate(by_id[track_id], learner, records)
        if p.complete:
            done.append(p)
    return done
