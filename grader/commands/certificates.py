"""``academy certificates`` and ``academy verify CODE``: certificates of completion.

``certificates`` writes a one-page PDF for each learner who has completed a track (every
requirement met in nbgrader's gradebook and the role-play studio), with the scores and a
verification code. ``verify`` checks a code against the same records: it is valid only while a
learner in the gradebook has completed that track with exactly the scores the certificate shows.
Neither command writes to the gradebook.
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from ..i18n import _, pad
from .tracks import common_options, records


def run_certificates(args: argparse.Namespace) -> int:
    from ..certificates import issue
    from ..tracks import TrackError, load_manifest

    try:
        issued = dt.date.fromisoformat(args.date) if args.date else None
    except ValueError:
        print("academy certificates: " + _("--date should look like 2026-12-01, not {date!r}").format(
            date=args.date), file=sys.stderr)
        return 1
    try:
        tracks = load_manifest(args.manifest)
        with records(args) as rec:
            certs = issue(rec, tracks, Path(args.out), issued=issued, track_ids=args.track or None)
            cohort = len(rec.learners())
    except TrackError as exc:
        print(f"academy certificates: {exc}", file=sys.stderr)
        return 1
    if not certs:
        print(_("No learner among {cohort} has completed a track yet: no certificate written. "
                "`academy progress LEARNER` shows what each still needs.").format(cohort=cohort))
        return 0
    print(_("{n} certificate(s) written to {folder}:").format(n=len(certs), folder=Path(args.out).resolve()))
    for c in certs:
        print(f"  {pad(c.progress.learner, 16)} {pad(c.name, 24)} {pad(c.progress.track.title, 18)} "
              f"{c.code}  {c.path.name}")
    return 0


def run_verify(args: argparse.Namespace) -> int:
    from ..certificates import parse_code, verify
    from ..tracks import TrackError, load_manifest

    try:
        parse_code(args.code)  # a mistyped code is told at once, before the records are read
        tracks = load_manifest(args.manifest)
        with records(args) as rec:
            cert = verify(args.code, rec, tracks)
    except TrackError as exc:
        print(f"academy verify: {exc}", file=sys.stderr)
        return 2
    if cert is None:
        print(_("NOT VALID: no learner in this gradebook completed a track with the scores behind {code}. "
                "The code may be mistyped, the certificate altered, or grades changed since it was "
                "issued.").format(code=args.code.strip().upper()))
        return 1
    from ..certificates import long_date

    p = cert.progress
    print(_("VALID: {name} ({learner}) completed the {track}; issued {date}.").format(
        name=cert.name, learner=p.learner, track=p.track.title, date=long_date(cert.issued)))
    for r in p.requirements:
        print("  " + _("{title}: {detail}").format(title=r.title, detail=r.detail))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("certificates", help=_("write a PDF certificate for every learner who completed a track"))
    p.add_argument("--out", default="certificates", help=_("folder for the PDFs (default: ./certificates)"))
    p.add_argument("--track", action="append", help=_("only this track (repeatable; default: all)"))
    p.add_argument("--date", help=_("issue date, YYYY-MM-DD (default: today, UTC)"))
    common_options(p)
    p.set_defaults(func=run_certificates)

    p = sub.add_parser("verify", help=_("check a certificate's verification code against the gradebook"))
    p.add_argument("code", help=_("the code printed on the certificate, e.g. AGT-20261201-7KQ2-M9XD-C4RT"))
    common_options(p)
    p.set_defaults(func=run_verify)
