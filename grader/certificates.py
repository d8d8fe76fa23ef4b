"""Certificates of completion: a PDF per learner and track, with a code anyone can verify.

A learner who has met every requirement of a track (:mod:`grader.tracks`, read from nbgrader's
gradebook and the role-play studio) gets a one-page PDF drawn with reportlab: name, track, date,
each requirement with its score, and a *verification code*. The code is not a secret token: it is
a digest of what the certificate states (learner, track, date, scores), so ``academy verify CODE``
re-evaluates the track for every learner in the gradebook and accepts the code only when one of
them has completed the track *and* the scores still match. A certificate whose scores were edited,
or one issued for someone who never completed the track, does not verify.

Code format: ``AGT-20261201-7KQ2-M9XD-C4RT`` (track prefix, issue date, 12 characters of digest).

The PDF is written in the current language (``academy --lang zh-CN certificates``: title 结业证书,
every line in Chinese, drawn with an embedded CJK font). The code does not depend on the language:
it is made from the requirements' English statement, so a certificate issued in Chinese verifies
in English and the other way round.
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from . import i18n
from .i18n import _
from .tracks import COURSE_ID, Records, Track, TrackError, TrackProgress, evaluate

PREFIX = {"agent": "AGT", "leadership": "LDR"}
CODE_RE = re.compile(r"^([A-Z]{3})-(\d{8})-([A-Z2-7]{4})-([A-Z2-7]{4})-([A-Z2-7]{4})$")
FONT = "Helvetica"
FONT_BOLD = "Helvetica-Bold"


def _prefix(track_id: str) -> str:
    return PREFIX.get(track_id, re.sub(r"[^A-Z]", "", track_id.upper())[:3].ljust(3, "X"))


def _statement(progress: TrackProgress) -> list[str]:
    """What the certificate states about each requirement (the part the code protects), in English
    whatever the language the certificate is printed in."""
    return [f"{r.id}: {r.statement or r.detail}" for r in progress.requirements]


def verification_code(progress: TrackProgress, issued: dt.date) -> str:
    """The code printed on a certificate for this learner, track, date and these scores."""
    payload = "\n".join([COURSE_ID, progress.learner, progress.track.id, issued.isoformat(),
                         *_statement(progress)])
    digest = base64.b32encode(hashlib.sha256(payload.encode("utf-8")).digest()).decode("ascii")[:12]
    return f"{_prefix(progress.track.id)}-{issued:%Y%m%d}-{digest[:4]}-{digest[4:8]}-{digest[8:12]}"


@dataclass
class Certificate:
    progress: TrackProgress
    name: str
    issued: dt.date
    code: str
    path: Path | None = None


def completed(records: Records, tracks: list[Track], track_ids: list[str] | None = None) -> list[TrackProgress]:
    """Every (learner, track) pair with all of the track's requirements met."""
    chosen = [t for t in tracks if not track_ids or t.id in track_ids]
    if track_ids and len(chosen) != len(set(track_ids)):
        raise TrackError(_("Unknown track in {given}; the manifest has: {known}").format(
            given=i18n.join(track_ids), known=i18n.join(t.id for t in tracks)))
    done = []
    for learner in records.learners():
        for t in chosen:
            p = evaluate(t, learner, records)
            if p.complete:
                done.append(p)
    return done


def issue(records: Records, tracks: list[Track], out_dir: Path, *, issued: dt.date | None = None,
          track_ids: list[str] | None = None) -> list[Certificate]:
    """Write ``<learner>-<track>.pdf`` into ``out_dir`` for every completed track."""
    issued = issued or dt.datetime.now(dt.timezone.utc).date()
    out_dir.mkdir(parents=True, exist_ok=True)
    certs = []
    for p in completed(records, tracks, track_ids):
        name = records.learner_name(p.learner) or p.learner
        cert = Certificate(p, name, issued, verification_code(p, issued))
        cert.path = out_dir / f"{_safe(p.learner)}-{p.track.id}.pdf"
        render_pdf(cert, cert.path)
        certs.append(cert)
    return certs


def parse_code(code: str) -> tuple[str, dt.date]:
    """(track prefix, issue date) of a code that has the certificate code's form; TrackError if not."""
    m = CODE_RE.match(code.strip().upper())
    if not m:
        raise TrackError(_("'{code}' is not a certificate code: it looks like AGT-20261201-7KQ2-M9XD-C4RT.")
                         .format(code=code))
    prefix, day = m.group(1), m.group(2)
    try:
        return prefix, dt.datetime.strptime(day, "%Y%m%d").date()
    except ValueError:
        raise TrackError(_("'{code}' carries an impossible date ({day}).").format(code=code, day=day)) from None


def verify(code: str, records: Records, tracks: list[Track]) -> Certificate | None:
    """The certificate a code belongs to, if the gradebook still supports it; else None."""
    prefix, issued = parse_code(code)
    for t in [t for t in tracks if _prefix(t.id) == prefix]:
        for learner in records.learners():
            p = evaluate(t, learner, records)
            if p.complete and verification_code(p, issued) == code.strip().upper():
                return Certificate(p, records.learner_name(learner) or learner, issued, code.strip().upper())
    return None


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text) or "learner"


def _has_cjk(text: str) -> bool:
    """CJK characters and punctuation, full-width forms (，：（）) included: the Latin font lacks them."""
    return any("\u3000" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" or "\uff00" <= ch <= "\uffef"
               for ch in text)


def _fonts() -> tuple[str, str]:
    """DejaVu Sans (embedded, full Latin with accents) when the system has it, else Helvetica."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    regular = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    bold = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
    if regular.exists() and bold.exists():
        if "DejaVuSans" not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont("DejaVuSans", str(regular)))
            pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(bold)))
        return "DejaVuSans", "DejaVuSans-Bold"
    return FONT, FONT_BOLD


CJK_FONTS = [Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
             Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")]


def _cjk_font() -> str:
    """An embedded CJK font when the system has one (make installs WenQuanYi Micro Hei), else
    reportlab's built-in STSong-Light (not embedded: the reader's fonts draw it)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfbase.ttfonts import TTFont

    names = pdfmetrics.getRegisteredFontNames()
    if "CJK" in names:
        return "CJK"
    for f in CJK_FONTS:
        if f.exists():
            pdfmetrics.registerFont(TTFont("CJK", str(f), subfontIndex=0))
            return "CJK"
    if "STSong-Light" not in names:
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


def long_date(day: dt.date) -> str:
    """A date as a certificate prints it: '01 December 2026', or 2026 年 12 月 1 日."""
    return i18n.pick({"en": f"{day:%d %B %Y}", "zh-CN": f"{day.year} 年 {day.month} 月 {day.day} 日"})


def _runs(text: str, latin: str) -> list[tuple[str, str]]:
    """``text`` cut into (font, text) runs: CJK characters in the CJK font, the rest in ``latin``."""
    runs: list[tuple[str, str]] = []
    for ch in text:
        font = _cjk_font() if _has_cjk(ch) else latin
        if runs and runs[-1][0] == font:
            runs[-1] = (font, runs[-1][1] + ch)
        else:
            runs.append((font, ch))
    return runs


def _draw_mixed(c, x: float, y: float, text: str, latin: str, size: float, align: str = "left") -> None:
    """Draw text left-aligned at x (or centred on it, or ending at it: ``align``), Latin runs in
    ``latin`` and CJK runs in the CJK font."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    runs = _runs(text, latin)
    total = sum(stringWidth(t, f, size) for f, t in runs)
    pos = {"left": x, "centre": x - total / 2, "right": x - total}[align]
    for font, t in runs:
        c.setFont(font, size)
        c.drawString(pos, y, t)
        pos += stringWidth(t, font, size)


def _draw_centred_mixed(c, x: float, y: float, text: str, latin: str, size: float) -> None:
    """Draw text centred at x, Latin runs in ``latin`` and CJK runs in the CJK font."""
    _draw_mixed(c, x, y, text, latin, size, "centre")


def render_pdf(cert: Certificate, path: Path) -> None:
    """One landscape A4 page: title, name, track, the requirements with scores, date and code,
    in the current language."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas

    regular, bold = _fonts()
    chinese = i18n.current_language() == "zh-CN"
    width, height = landscape(A4)
    c = canvas.Canvas(str(path), pagesize=(width, height))
    c.setTitle(_("Certificate: {track}, {name}").format(track=cert.progress.track.title, name=cert.name))
    c.setAuthor(_("Call Center Academy"))
    c.setSubject(cert.code)
    navy = colors.HexColor("#1f3a5f")
    c.setStrokeColor(navy)
    c.setLineWidth(3)
    c.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
    c.setLineWidth(0.8)
    c.rect(15 * mm, 15 * mm, width - 30 * mm, height - 30 * mm)

    c.setFillColor(navy)
    if chinese:  # the Chinese title, with the English one small beneath it
        _draw_mixed(c, width / 2, height - 45 * mm, _("Certificate of completion"), bold, 30, "centre")
        c.setFont(regular, 11)
        c.drawCentredString(width / 2, height - 52 * mm, "Certificate of completion")
    else:
        c.setFont(bold, 30)
        c.drawCentredString(width / 2, height - 45 * mm, "Certificate of completion")
        _draw_centred_mixed(c, width / 2, height - 52 * mm, "结业证书", regular, 11)
    c.setFillColor(colors.black)
    _draw_mixed(c, width / 2, height - 60 * mm, _("Call Center Academy certifies that"), regular, 13, "centre")
    _draw_mixed(c, width / 2, height - 72 * mm, cert.name, bold, 26, "centre")
    _draw_mixed(c, width / 2, height - 83 * mm,
                _("has completed the {track}").format(track=cert.progress.track.title), regular, 13, "centre")

    rows = cert.progress.requirements
    top = height - 98 * mm
    step = min(7.5 * mm, (top - 45 * mm) / max(len(rows), 1))
    left, right = 40 * mm, width - 40 * mm
    _draw_mixed(c, left, top, _("Requirement"), bold, 10.5)
    _draw_mixed(c, right, top, _("Result"), bold, 10.5, "right")
    c.setLineWidth(0.5)
    c.line(left, top - 2 * mm, right, top - 2 * mm)
    for i, r in enumerate(rows):
        y = top - (i + 1) * step - 1 * mm
        _draw_mixed(c, left, y, r.title, regular, 10.5)
        _draw_mixed(c, right, y, r.result or _result(r.detail), regular, 10.5, "right")

    _draw_mixed(c, left, 30 * mm, _("Issued {date}").format(date=long_date(cert.issued)), regular, 11)
    _draw_mixed(c, right, 30 * mm, _("Verification code: {code}").format(code=cert.code), bold, 11, "right")
    c.setFillColor(colors.HexColor("#555555"))
    _draw_mixed(c, right, 24.5 * mm, _("Check it against the course gradebook: academy verify {code}").format(
        code=cert.code), regular, 8.5, "right")
    c.showPage()
    c.save()


def _result(detail: str) -> str:
    """The score part of an English requirement detail: '18 of 21 points (86%)' or '88/100, rated by …'
    (a :class:`RequirementStatus` made by :mod:`grader.tracks` carries it as ``result``)."""
    m = re.match(r"(\S+ of \S+ points \(\d+%\))", detail)
    if m:
        return m.group(1)
    m = re.match(r"([\d.]+/100)", detail)
    return f"{m.group(1)} (role-play)" if m else detail[:40]
