"""Tracks: which requirements of the agent and leadership tracks a learner has met.

The track manifest (``datasets/tracks.yaml``) says which assignments belong to each track with
their pass marks, which role-plays must be passed (scorecard, minimum total, no failed critical
item) and which requirements form the capstone. This module reads the manifest (its format is
:class:`TrackManifest`), checks it, and evaluates it for a learner from the two records the
course keeps: nbgrader's gradebook (scores per assignment, manual grades included; a submission
still awaiting manual grading is reported as *pending*, not failed) and the role-play studio's
database. Completing every requirement of
the leadership track makes a learner a promotion candidate (:func:`candidates`).
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Iterable, Mapping

from pydantic import AfterValidator, Field, ValidationInfo, model_validator

from . import datafiles, i18n, paths
from .i18n import _, ngettext
from .datafiles import (DataFileError, DataModel, Flag, NonEmpty, Number, RequiredText, Text,
                        Whole, report)
from .gradebook import COURSE_ID  # noqa: F401 - re-exported; the gradebook is only read here

if TYPE_CHECKING:
    import pandas as pd

MANIFEST = paths.DATASETS / "tracks.yaml"


class TrackError(ValueError):
    """A problem a trainer can fix: a bad manifest, a missing gradebook, an unknown learner."""


# --------------------------------------------------------------------------- the manifest
def _title_or_id(title: str, info: ValidationInfo) -> str:
    return title or str(info.data.get("id", ""))


def _percent(value: float) -> float:
    if not 0 < value <= 100:
        raise ValueError(_("is a percentage: more than 0 and at most 100, got {value}").format(value=f"{value:g}"))
    return value


Percent = Annotated[Number, AfterValidator(_percent)]
TitleOrId = Annotated[Text, Field(validate_default=True), AfterValidator(_title_or_id)]


class ManifestError(DataFileError, TrackError):
    """A track manifest that cannot be used: one ``file: location: problem`` line per problem."""


class AssignmentRequirement(DataModel):
    id: RequiredText  # an nbgrader assignment id (a folder in solutions/)
    pass_mark: Percent  # percent of the assignment's total points
    title: Text = ""  # what learners read ("Module 2 · Emotion management (agent)"); the id if empty

    @property
    def label(self) -> str:
        return self.title or self.id


class RoleplayRequirement(DataModel):
    id: RequiredText
    title: TitleOrId = ""
    scorecard: RequiredText
    min_total: Percent  # 0-100, as the role-play studio scores
    no_critical_fail: Flag = True


class Track(DataModel):
    unique_ids = (("assignments[].id", "roleplays[].id"),)

    id: RequiredText
    title: TitleOrId = ""
    summary: Text = ""
    modules: tuple[Whole, ...] = ()
    assignments: tuple[AssignmentRequirement, ...] = ()
    roleplays: tuple[RoleplayRequirement, ...] = ()
    capstone: tuple[RequiredText, ...] = ()  # requirement ids

    @property
    def requirement_ids(self) -> list[str]:
        return [a.id for a in self.assignments] + [r.id for r in self.roleplays]

    @model_validator(mode="after")
    def _has_requirements_and_capstone_names_them(self) -> "Track":
        ids = self.requirement_ids
        if not ids:
            report([((), _("a track needs at least one assignment or role-play"))])
        report(((("capstone", n), _("{id!r} is not among the track's assignments or role-plays ({ids})")
                 .format(id=c, ids=i18n.join(ids)))
                for n, c in enumerate(self.capstone) if c not in ids))
        return self


class TrackManifest(DataModel):
    """The track manifest: ``datasets/tracks.yaml``."""

    unique_ids = (("tracks[].id",),)

    version: Whole = 1
    tracks: Annotated[tuple[Track, ...], NonEmpty]


def parse_manifest(data: Any, source: str = "tracks.yaml") -> list[Track]:
    """Check a manifest's content and turn it into :class:`Track` objects (every problem at once,
    as a :class:`ManifestError`, which is a :class:`TrackError`). Titles and summaries are in the
    current language (``x`` or its Chinese ``x_zh``, see :func:`grader.i18n.localize`)."""
    return list(datafiles.validate(TrackManifest, i18n.localize(data), source, ManifestError).tracks)


def load_manifest(path: Path | str | None = None) -> list[Track]:
    """Read and check the track manifest (default ``datasets/tracks.yaml``)."""
    p = Path(path) if path else MANIFEST
    if not p.exists():
        raise TrackError(_("No track manifest at {path}. Pass --manifest PATH or restore "
                           "datasets/tracks.yaml.").format(path=p))
    return parse_manifest(datafiles.read(p, ManifestError), p.name)


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
                out.append(_("track '{track}': assignment '{id}' has no folder {folder}").format(
                    track=t.id, id=a.id, folder=solutions / a.id))
        for r in t.roleplays:
            files = sorted(scorecards.glob(f"{r.scorecard}.v*.yaml"), key=_scorecard_version)
            if not files:
                out.append(_("track '{track}': role-play '{id}' uses scorecard '{scorecard}', but "
                             "{folder} has no {scorecard}.v*.yaml").format(
                    track=t.id, id=r.id, scorecard=r.scorecard, folder=scorecards))
                continue
            own = _scorecard_pass_mark(files[-1])
            if own is not None and r.min_total + 1e-9 < own:
                out.append(_("track '{track}': role-play '{id}' asks for {min}/100, below the "
                             "'{scorecard}' scorecard's own pass mark ({own}); raise min_total to {own}")
                           .format(track=t.id, id=r.id, min=f"{r.min_total:g}", scorecard=r.scorecard,
                                   own=f"{own:g}"))
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
            if close:
                hint = _("Did you mean {names}?").format(names=i18n.join(close))
            elif known:
                hint = _("The gradebook has {n} learner(s).").format(n=len(known))
            else:
                hint = _("The gradebook has no learners yet.")
            raise TrackError(i18n.join([_("Learner '{learner}' is not in the gradebook.").format(
                learner=learner), hint], "sentence"))

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


class TableRecords:
    """The records interface of :class:`Records` answered from a grade table already in memory
    (the report's and the demo's; fast for big cohorts): the same rule, no second read of the
    gradebook."""

    def __init__(self, table: pd.DataFrame | None, roleplay: pd.DataFrame | None, *,
                 totals: pd.DataFrame | None = None):
        """From a grade table, or from its submission ``totals`` when already summed (indexed by
        learner and assignment; columns score, max, manual), which saves a pass over the table."""
        if totals is None:
            from .analytics.scores import submission_totals

            totals = (submission_totals(table).set_index(["learner", "assignment"])
                      .rename(columns={"max_score": "max", "needs_manual_grade": "manual"}))
        self._sub = totals[["score", "max", "manual"]].to_dict("index")
        self._assignments = set(totals.index.get_level_values("assignment"))
        self._rp: dict = {}
        if roleplay is not None and len(roleplay):
            ok = roleplay[roleplay.rater != roleplay.learner]
            self._rp = {k: v.to_dict("records") for k, v in ok.groupby(["learner", "scorecard_id"])}

    def assignment_score(self, assignment: str, learner: str):
        if assignment not in self._assignments:
            return AssignmentScore(assignment, "not_in_gradebook")
        s = self._sub.get((learner, assignment))
        if s is None:
            return AssignmentScore(assignment, "not_submitted")
        return AssignmentScore(assignment, "needs_manual_grade" if s["manual"] else "graded",
                               float(s["score"]), float(s["max"]))

    def roleplay_rows(self, learner: str, scorecard: str) -> list[dict]:
        return self._rp.get((learner, scorecard), [])


def load_roleplay_results(db_path: str | Path | None) -> list[dict] | None:
    """Role-play results (latest version of each score, as rows) from the studio's database, or
    None when there is no database yet."""
    p = Path(db_path) if db_path else default_roleplay_db()
    if not p.exists():
        return None
    try:
        from .roleplay.store import RolePlayStore
    except ImportError as exc:  # pragma: no cover - the studio ships with the package
        raise TrackError(_("The role-play studio (grader.roleplay) cannot be loaded: {error}").format(
            error=exc)) from None
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
    detail: str  # in the current language
    capstone: bool = False
    result: str = ""  # the score alone, as a certificate shows it: "18 of 21 points (86%)", "88/100 (role-play)"
    statement: str = ""  # the detail in English whatever the language: what a certificate's code protects

    @property
    def met(self) -> bool:
        return self.state == "met"

    def as_dict(self) -> dict:
        return {"id": self.id, "kind": self.kind, "title": self.title, "state": self.state,
                "detail": self.detail, "capstone": self.capstone, "met": self.met}


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
                "requirements": [r.as_dict() for r in self.requirements]}


def _in_both_languages(words, *args) -> tuple[str, str, str, str]:
    """(state, detail, result) from ``words(*args)`` in the current language, and the detail in
    English: a certificate's code is made from the English, so it verifies in either language."""
    state, detail, result = words(*args)
    if i18n.current_language() == i18n.DEFAULT:
        return state, detail, result, detail
    with i18n.language(i18n.DEFAULT):
        return state, detail, result, words(*args)[1]


def _assignment_words(req: AssignmentRequirement, s: AssignmentScore) -> tuple[str, str, str]:
    mark = _("pass mark {mark}%").format(mark=f"{req.pass_mark:g}")
    if s.status == "not_in_gradebook":
        return "remaining", _("not graded for anyone yet (the assignment is not in the gradebook; "
                              "{pass_mark})").format(pass_mark=mark), ""
    if s.status == "not_submitted":
        return "remaining", _("no graded submission yet ({pass_mark})").format(pass_mark=mark), ""
    got = _("{score} of {max} points ({percent}%)").format(score=f"{s.score:g}", max=f"{s.max_score:g}",
                                                          percent=f"{s.percent:.0f}")
    if s.percent + 1e-9 >= req.pass_mark:
        detail = (_("{score}; {pass_mark}; some answers still await manual grading")
                  if s.status == "needs_manual_grade" else _("{score}; {pass_mark}"))
        return "met", detail.format(score=got, pass_mark=mark), got
    if s.status == "needs_manual_grade":
        return "pending", _("{score} so far; waiting for the trainer's manual grading ({pass_mark})").format(
            score=got, pass_mark=mark), got
    return "remaining", _("{score}, below the {pass_mark}: revise and resubmit").format(
        score=got, pass_mark=mark), got


def _assignment_status(req: AssignmentRequirement, s: AssignmentScore, capstone: bool) -> RequirementStatus:
    state, detail, result, english = _in_both_languages(_assignment_words, req, s)
    return RequirementStatus(req.id, "assignment", req.label, state, detail, capstone, result, english)


def _roleplay_words(req: RoleplayRequirement, rows: list[dict]) -> tuple[str, str, str]:
    need = (_("needs {min}/100 on the '{scorecard}' scorecard with no critical item failed")
            if req.no_critical_fail else _("needs {min}/100 on the '{scorecard}' scorecard")).format(
        min=f"{req.min_total:g}", scorecard=req.scorecard)
    if not rows:
        return "remaining", _("not scored yet ({need})").format(need=need), ""

    def ok(r: dict) -> bool:
        return float(r["total"]) + 1e-9 >= req.min_total and not (
            req.no_critical_fail and bool(r.get("critical_failed")))

    passing = [r for r in rows if ok(r)]
    n = ngettext("{n} attempt", "{n} attempts", len(rows)).format(n=len(rows))
    if passing:
        best = max(passing, key=lambda r: float(r["total"]))
        when = str(best.get("saved_at", ""))[:10]
        total = f"{float(best['total']):g}"
        detail = (_("{total}/100, rated by {rater} on {date} ({attempts})") if when else
                  _("{total}/100, rated by {rater} ({attempts})")).format(
            total=total, rater=best["rater"], date=when, attempts=n)
        return "met", detail, _("{total}/100 (role-play)").format(total=total)
    best = max(rows, key=lambda r: float(r["total"]))
    total = f"{float(best['total']):g}"
    if float(best["total"]) + 1e-9 >= req.min_total:
        why = _("best {total}/100, but a critical item failed").format(total=total)
    else:
        why = _("best {total}/100, below {min}").format(total=total, min=f"{req.min_total:g}")
    return "remaining", _("{why} ({attempts}); {need}").format(why=why, attempts=n, need=need), \
        _("{total}/100 (role-play)").format(total=total)


def _roleplay_status(req: RoleplayRequirement, rows: list[dict], capstone: bool) -> RequirementStatus:
    state, detail, result, english = _in_both_languages(_roleplay_words, req, rows)
    return RequirementStatus(req.id, "roleplay", req.title, state, detail, capstone, result, english)


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
        raise TrackError(_("No track '{track}' in the manifest; tracks: {tracks}").format(
            track=track_id, tracks=i18n.join(by_id)))
    done = []
    for learner in records.learners():
        p = evaluate(by_id[track_id], learner, records)
        if p.complete:
            done.append(p)
    return done
