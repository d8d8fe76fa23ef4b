"""``academy progress``, ``academy candidates`` and ``academy tracks``: the two course tracks.

``progress LEARNER`` shows, for each track, which requirements the learner has met and which
remain (with the reason: score against the pass mark, awaiting manual grading, role-play below
the required score …). ``candidates`` lists the learners who have completed the leadership track,
the course's promotion candidates. ``tracks`` prints the manifest and any reference in it that
points at nothing. All read nbgrader's gradebook and the role-play studio's database; none writes.
"""
from __future__ import annotations

import argparse
import csv
import json
import sys

from ..i18n import _, join, pad

MARK = {"met": "[x]", "pending": "[~]", "remaining": "[ ]"}


def records(args: argparse.Namespace):
    """Records from --gradebook, or else the cohort workspace's gradebook (--course, as for the
    other cohort commands). Also used by ``academy certificates`` and ``verify``."""
    from pathlib import Path

    from ..gradebook import from_cli
    from ..tracks import Records, TrackError, load_roleplay_results

    gradebook = from_cli(args.gradebook)  # --gradebook, else $ACADEMY_GRADEBOOK, as elsewhere
    if gradebook is None:
        course = Path(args.course)
        gradebook = course / "gradebook.db"
        if not gradebook.exists():
            raise TrackError(_("There is no cohort in {folder}: it has no gradebook.db, which `academy "
                               "roster ROSTER.csv --course {course}` creates. Give the folder where the "
                               "roster was imported and the grading ran with --course DIR, or the "
                               "gradebook itself with --gradebook PATH_OR_URL.").format(
                folder=course.resolve(), course=course))
    return Records(gradebook, load_roleplay_results(args.roleplay_db))


def _print_progress(p) -> None:
    done = len(p.met)
    total = len(p.requirements)
    state = _("COMPLETE") if p.complete else _("{done} of {total} requirements met").format(
        done=done, total=total)
    print("\n" + _("{track} ({id}): {state}").format(track=p.track.title, id=p.track.id, state=state))
    for r in p.requirements:
        title = _("{title} (capstone)").format(title=r.title) if r.capstone else r.title
        print("  " + _("{mark} {title}: {detail}").format(mark=MARK[r.state], title=title, detail=r.detail))
    if not p.complete:
        waiting = [r for r in p.requirements if r.state == "pending"]
        if waiting:
            print("  " + _("{n} requirement(s) wait for manual grading in formgrader.").format(n=len(waiting)))


def run_progress(args: argparse.Namespace) -> int:
    from ..tracks import TrackError, load_manifest, progress

    try:
        tracks = load_manifest(args.manifest)
        if args.track:
            tracks = [t for t in tracks if t.id == args.track]
            if not tracks:
                raise TrackError(_("No track '{track}' in the manifest.").format(track=args.track))
        with records(args) as rec:
            result = progress(args.learner, rec, tracks)
            name = rec.learner_name(args.learner)
    except TrackError as exc:
        print(f"academy progress: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps([p.as_dict() for p in result], indent=2))
        return 0
    print(_("Progress of {learner} ({name})").format(learner=args.learner, name=name) if name else
          _("Progress of {learner}").format(learner=args.learner))
    print(_("Legend: [x] met   [~] waiting for manual grading   [ ] remaining"))
    for p in result:
        _print_progress(p)
    return 0


def run_candidates(args: argparse.Namespace) -> int:
    from ..tracks import TrackError, candidates, load_manifest

    try:
        tracks = load_manifest(args.manifest)
        with records(args) as rec:
            done = candidates(rec, tracks, args.track)
            names = {p.learner: rec.learner_name(p.learner) for p in done}
            cohort = len(rec.learners())
    except TrackError as exc:
        print(f"academy candidates: {exc}", file=sys.stderr)
        return 1
    if args.csv:
        w = csv.writer(sys.stdout, lineterminator="\n")
        w.writerow(["learner", "name", "track"] + [r.id for r in (done[0].requirements if done else [])])
        for p in done:
            w.writerow([p.learner, names[p.learner], p.track.id] + [r.detail for r in p.requirements])
        return 0
    title = next(t.title for t in tracks if t.id == args.track)
    print(_("{n} of {cohort} learner(s) have completed the {track}.").format(n=len(done), cohort=cohort,
                                                                            track=title))
    if args.track == "leadership" and done:
        print(_("They are candidates for the next promotion round:"))
    for p in done:
        cap = join((_("{title}: {detail}").format(title=r.title, detail=r.detail)
                    for r in p.requirements if r.capstone), "clause")
        print(f"  {pad(p.learner, 16)} {pad(names[p.learner], 24)} {cap}")
    return 0


def run_tracks(args: argparse.Namespace) -> int:
    from ..tracks import TrackError, load_manifest, manifest_problems

    try:
        tracks = load_manifest(args.manifest)
    except TrackError as exc:
        print(f"academy tracks: {exc}", file=sys.stderr)
        return 1
    for t in tracks:
        print(_("{track} ({id}): modules {modules}").format(track=t.title, id=t.id,
                                                            modules=join(map(str, t.modules))))
        for a in t.assignments:
            line = (_("assignment {id} ({title}): pass mark {mark}%") if a.title else
                    _("assignment {id}: pass mark {mark}%")).format(id=a.id, title=a.title,
                                                                    mark=f"{a.pass_mark:g}")
            print("  " + (_("{requirement} (capstone)").format(requirement=line) if a.id in t.capstone
                          else line))
        for r in t.roleplays:
            line = (_("role-play {id}: '{scorecard}' scorecard, at least {min}/100, no failed critical item")
                    if r.no_critical_fail else _("role-play {id}: '{scorecard}' scorecard, at least {min}/100")
                    ).format(id=r.id, scorecard=r.scorecard, min=f"{r.min_total:g}")
            print("  " + (_("{requirement} (capstone)").format(requirement=line) if r.id in t.capstone
                          else line))
    problems = manifest_problems(tracks)
    for p in problems:
        print(_("warning: {problem}").format(problem=p), file=sys.stderr)
    return 1 if problems and args.strict else 0


def common_options(p: argparse.ArgumentParser, records: bool = True) -> None:
    """--manifest and, with ``records``, where the gradebook and role-play scores are."""
    p.add_argument("--manifest", help=_("track manifest (default: datasets/tracks.yaml)"))
    if records:
        p.add_argument("--course", default="cohort",
                       help=_("cohort workspace folder (default ./cohort), as for the other cohort commands"))
        p.add_argument("--gradebook", help=_("nbgrader gradebook: a path or database URL "
                                             "(default $ACADEMY_GRADEBOOK, else COURSE/gradebook.db)"))
        p.add_argument("--roleplay-db", dest="roleplay_db",
                       help=_("role-play studio database (default: the studio's own)"))


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("progress", help=_("which track requirements a learner has met and which remain"))
    p.add_argument("learner", help=_("the learner's nbgrader student id"))
    p.add_argument("--track", help=_("only this track (agent or leadership)"))
    p.add_argument("--json", action="store_true", help=_("machine-readable output"))
    common_options(p)
    p.set_defaults(func=run_progress)

    p = sub.add_parser("candidates", help=_("learners who completed the leadership track (promotion candidates)"))
    p.add_argument("--track", default="leadership", help=_("track to list completions for (default: leadership)"))
    p.add_argument("--csv", action="store_true", help=_("CSV output for a spreadsheet"))
    common_options(p)
    p.set_defaults(func=run_candidates)

    p = sub.add_parser("tracks", help=_("show the track manifest and check what it refers to"))
    p.add_argument("--strict", action="store_true", help=_("exit 1 when a reference points at nothing"))
    common_options(p, records=False)
    p.set_defaults(func=run_tracks)
