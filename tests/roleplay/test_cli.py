"""``academy roleplay``: serving the app, export and validation, as a trainer types them."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import urllib.request
from contextlib import closing
from pathlib import Path

import pandas as pd

from grader.cli import main
from grader.paths import DATASETS
from grader.roleplay.scorecard import load_scorecards
from grader.roleplay.store import RolePlayStore

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from academy_testing import free_port, wait_answering  # noqa: E402

ACADEMY = Path(sys.executable).parent / "academy"


def test_academy_roleplay_serves_the_scorer_on_localhost(tmp_path):
    """Does 'academy roleplay --no-browser' serve the scorer app on 127.0.0.1 and say where scores go?"""
    port = free_port()
    db = tmp_path / "scores.db"
    proc = subprocess.Popen([str(ACADEMY), "roleplay", "--db", str(db), "--port", str(port),
                             "--no-browser"], cwd=tmp_path, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, env={**os.environ})
    try:
        wait_answering(port, proc)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=60) as r:
            page = r.read().decode()
        assert r.status == 200 and "Role-play scorer" in page
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=30)
    assert f"http://127.0.0.1:{port}/" in out and f"Scores are saved in {db}" in out


def test_a_busy_port_gets_a_friendly_message(capsys):
    """If the port is taken, does the command say so and suggest another, instead of a traceback?"""
    with closing(socket.socket()) as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        assert main(["roleplay", "--port", str(port), "--no-browser"]) == 1
    assert f"Port {port} is busy" in capsys.readouterr().err


def test_export_writes_results_csv(tmp_path, capsys):
    """Does 'academy roleplay export' write the latest scores to CSV?"""
    card = load_scorecards()["coaching-conversation"]
    ans = {i.id: ("3" if i.scale.name == "0-3" else "yes") for i in card.items}
    ans.update({c.id: "pass" for c in card.critical})
    RolePlayStore(tmp_path / "rp.db").save(card, ans, learner="Li Na", rater="Guo Ming",
                                           scenario_id="praise-worthy-call")
    out = tmp_path / "results.csv"
    assert main(["roleplay", "export", "--db", str(tmp_path / "rp.db"), "--out", str(out)]) == 0
    df = pd.read_csv(out)
    assert df[["learner", "scorecard_id", "total"]].values.tolist() == [
        ["Li Na", "coaching-conversation", 100.0]]
    assert main(["roleplay", "export", "--db", str(tmp_path / "none.db")]) == 1
    assert "does not exist" in capsys.readouterr().err


def test_validate_passes_the_shipped_data_and_lists_problems_in_an_edited_card(tmp_path, capsys):
    """Does 'academy roleplay validate' pass the shipped cards and name what is wrong in a broken copy?"""
    assert main(["roleplay", "validate"]) == 0
    assert "OK: 2 scorecard(s)" in capsys.readouterr().out
    folder = tmp_path / "cards"
    shutil.copytree(DATASETS / "scorecards", folder)
    path = folder / "customer-call.v1.yaml"
    path.write_text(path.read_text().replace("weight: 10\n        scale: \"0-3\"\n        anchors:\n"
                                             "          0: No greeting",
                                             "weight: 12\n        scale: \"0-3\"\n        anchors:\n"
                                             "          0: No greeting"))
    assert main(["roleplay", "validate", "--scorecards", str(folder)]) == 1
    assert "item weights add up to 102, not 100 (opening 17" in capsys.readouterr().err
