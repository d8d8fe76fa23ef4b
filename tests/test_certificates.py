"""Certificates: written for completed tracks only, rendered as a real PDF, verified against the gradebook."""
from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from grader import certificates, tracks
from grader.cli import main
from grader.tracks import Records, parse_manifest

from test_tracks import (BOOK, MANIFEST, FakeRolePlayStore, _alembic_on_path,  # noqa: F401 - autouse fixture
                         add_learner, coaching, make_gradebook)

DAY = dt.date(2026, 12, 1)


@pytest.fixture()
def world(tmp_path):
    """Ana completes both tracks; Ben only the agent track (no coaching role-play passed); Cai none."""
    url = make_gradebook(tmp_path / "gradebook.db", BOOK)
    add_learner(url, "ana", {"01-a": {"q1": 6, "q2": 3}, "06-cap": {"auto": 2, "proposal": 6}}, "Ana", "García")
    add_learner(url, "ben", {"01-a": {"q1": 6, "q2": 4}}, "Ben", "Okafor")
    add_learner(url, "cai", {"01-a": {"q1": 3, "q2": 2}}, "Cai", "Wang")
    store = FakeRolePlayStore([coaching("ana", 81), coaching("ben", 60)])
    return url, store, parse_manifest(MANIFEST)


def _pdftotext(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout


def test_certificates_only_for_completed_tracks_and_render(world, tmp_path):
    """Are PDFs written for exactly the completed (learner, track) pairs, and does the rendered
    page show the name, track, each requirement with its score, the date and the code?"""
    url, store, ts = world
    with Records(url, store) as rec:
        certs = certificates.issue(rec, ts, tmp_path / "out", issued=DAY)
    got = {(c.progress.learner, c.progress.track.id) for c in certs}
    assert got == {("ana", "agent"), ("ana", "leadership"), ("ben", "agent")}
    lead = next(c for c in certs if c.progress.track.id == "leadership")
    assert lead.path.name == "ana-leadership.pdf" and lead.code.startswith("LDR-20261201-")
    text = _pdftotext(lead.path)
    for needed in ("Certificate of completion", "Ana García", "Leadership track", "01-a",
                   "9 of 10 points (90%)", "Coaching role-play", "81/100", "01 December 2026", lead.code):
        assert needed in text, needed

    if not shutil.which("pdftoppm"):
        pytest.fail("pdftoppm is missing: install poppler-utils (make installs it)")
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-singlefile", str(lead.path), str(tmp_path / "page")],
                   check=True)
    from PIL import Image

    img = Image.open(tmp_path / "page.png").convert("L")
    assert img.width > img.height, "a landscape certificate"
    dark = sum(1 for px in img.tobytes() if px < 128) / (img.width * img.height)
    assert 0.005 < dark < 0.2, f"the page should carry text and a border, not be blank or black ({dark:.3f})"
    border = [img.getpixel((x, int(img.height * 0.5))) for x in range(int(img.width * 0.06))]
    assert min(border) < 128, "the frame is drawn near the left edge"


def test_verify_accepts_issued_codes_and_refuses_changed_records(world, tmp_path):
    """Does a code verify against the gradebook, and stop verifying once the scores behind it
    change, or when it is mistyped?"""
    url, store, ts = world
    with Records(url, store) as rec:
        (cert,) = certificates.issue(rec, ts, tmp_path / "out", issued=DAY, track_ids=["leadership"])
        assert certificates.verify(cert.code, rec, ts).progress.learner == "ana"
        assert certificates.verify(cert.code.lower(), rec, ts) is not None
        wrong = cert.code[:-1] + ("A" if cert.code[-1] != "A" else "B")
        assert certificates.verify(wrong, rec, ts) is None
        other_day = cert.code.replace("20261201", "20261202")
        assert certificates.verify(other_day, rec, ts) is None
        with pytest.raises(tracks.TrackError, match="not a certificate code"):
            certificates.verify("hello", rec, ts)
    with Gradebook(url, course_id=tracks.COURSE_ID) as gb:  # a regrade after the certificate
        g = gb.find_grade("q2", "01-a", "01-a", "ana")
        g.auto_score = 4
        gb.db.commit()
    with Records(url, store) as rec:
        assert certificates.verify(cert.code, rec, ts) is None


def test_cli_certificates_and_verify(world, tmp_path, monkeypatch, capsys):
    """Do `academy certificates` and `academy verify` print what a trainer needs and exit 0/1/2?"""
    url, store, ts = world
    import yaml

    manifest = tmp_path / "tracks.yaml"
    manifest.write_text(yaml.safe_dump(MANIFEST))
    monkeypatch.setattr(tracks, "load_roleplay_results", lambda path: store.results())
    common = ["--gradebook", url, "--manifest", str(manifest), "--roleplay-db", str(tmp_path / "rp.db")]
    out_dir = tmp_path / "certs"
    assert main(["certificates", "--out", str(out_dir), "--date", "2026-12-01", *common]) == 0
    out = capsys.readouterr().out
    assert "3 certificate(s) written" in out and "ben-agent.pdf" in out
    code = next(line.split()[-2] for line in out.splitlines() if "ben-agent.pdf" in line)
    assert main(["verify", code, *common]) == 0
    assert "VALID: Ben Okafor (ben) completed the Agent track" in capsys.readouterr().out
    assert main(["verify", code[:-1] + ("Q" if code[-1] != "Q" else "R"), *common]) == 1
    assert "NOT VALID" in capsys.readouterr().out
    assert main(["verify", "nonsense", *common]) == 2
    assert main(["certificates", "--date", "1st Dec", *common]) == 1
    assert "--date should look like" in capsys.readouterr().err
