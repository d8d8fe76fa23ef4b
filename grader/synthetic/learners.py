"""Synthetic cohorts: learners with realistic answer patterns, written as nbgrader submissions.

Used by ``academy demo``, the tests and the benchmarks. Each learner has a profile (strong,
average, struggling, skipper) that sets how often they answer correctly and how often they leave
a question blank. Wrong answers are the plausible kind: another option, two steps swapped, an
item put in the neighbouring category, a number from a common mistake. Questions are read from
the solutions notebooks (the hidden ``grade(...)`` calls and ``check(...)`` calls), so new
exercises join the demo without code changes. Each learner is on a track (agent or leadership,
as in ``datasets/tracks.yaml``) and submits only the assignments their track lists: agents never
see a supervisor exercise. Same seed, same cohort.
"""
from __future__ import annotations

import copy
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat

from ..nbgrader_ext import question_specs

FIRST = ["Mei", "Jun", "Aisha", "Carlos", "Priya", "Tomás", "Lena", "Wei", "Fatima", "Oliver",
         "Hana", "Diego", "Sara", "Kwame", "Yuki", "Elena", "Ravi", "Amara", "Lukas", "Zainab",
         "Noah", "Ines", "Chen", "Maya", "Omar", "Julia", "Ken", "Leila", "Mateo", "Anya"]
LAST = ["Wang", "Okafor", "Silva", "Schmidt", "Nguyen", "Haddad", "Kowalski", "Tanaka", "Mensah",
        "García", "Li", "Ivanova", "Patel", "Dubois", "Zhang", "Rossi", "Kim", "Brown", "Ali", "Lund"]
# A Chinese cohort's names (the zh-CN demo): as many given and family names as above, so the same
# seed picks the same positions and every learner keeps their profile and track; 王梅 is 梅 王.
NAMES = {"zh-CN": (["梅", "磊", "涛", "明", "娜", "晗", "萍", "强", "凯", "芳", "静", "伟", "丽", "军", "敏",
                    "杰", "婷", "勇", "霞", "斌", "玲", "鹏", "燕", "浩然", "倩", "超", "颖", "俊", "琳", "思远"],
                   ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡",
                    "郭", "何", "林", "罗", "高"])}

PROFILES = {
    # name: (probability of a right answer, probability of leaving a question blank)
    "strong": (0.92, 0.0),
    "average": (0.72, 0.03),
    "struggling": (0.40, 0.08),
    "skipper": (0.70, 0.45),
}

MANUAL_ANSWERS = {
    "good": "I would say it another way, keeping the customer's goal in view: {model}",
    "weak": "I would be more polite.",
}


@dataclass
class Learner:
    id: str
    first_name: str
    last_name: str
    profile: str
    answers: dict[str, dict[str, Any]] = field(default_factory=dict)  # assignment -> q -> value
    track: str = "agent"  # "agent" or "leadership" (the track ids of datasets/tracks.yaml)


LEADERSHIP_SHARE = 1 / 3  # of a demo cohort, on the leadership track


def make_learners(n: int = 24, seed: int = 2026, lang: str | None = None) -> list[Learner]:
    """``n`` learners: a quarter strong, a quarter struggling, two skippers, the rest average;
    a third of them (at least one) on the leadership track, the rest on the agent track.
    ``lang="zh-CN"``: Chinese names, everything else the same."""
    rng = random.Random(seed)
    first, last = NAMES.get(lang or "", (FIRST, LAST))
    names = rng.sample([(f, l) for f in first for l in last], n)
    profiles = (["strong"] * max(1, n // 4) + ["struggling"] * max(1, n // 4)
                + ["skipper"] * (2 if n >= 8 else 1))
    profiles += ["average"] * (n - len(profiles))
    rng.shuffle(profiles)
    learners = []
    for i, ((first, last), prof) in enumerate(zip(names, profiles[:n]), start=1):
        learners.append(Learner(f"learner{i:03d}", first, last, prof))
    track_rng = random.Random(f"{seed}:tracks")  # its own stream: names and profiles stay as they were
    for learner in track_rng.sample(learners, k=max(1, round(n * LEADERSHIP_SHARE))):
        learner.track = "leadership"
    return learners


def takes(learner: Learner, assignment: str, tracks: list | None) -> bool:
    """Does the learner's track list this assignment? Assignments in no track (and every
    assignment when there is no manifest) are taken by everyone."""
    if not tracks:
        return True
    listed = {t.id: {a.id for a in t.assignments} for t in tracks}
    if not any(assignment in ids for ids in listed.values()):
        return True
    return assignment in listed.get(learner.track, set())


def _wrong(kind: str, answer: Any, check_kw: dict, grade_kw: dict, rng: random.Random) -> Any:
    """A plausible wrong answer of the right form (each kind's rule: :mod:`grader.kinds`)."""
    from ..kinds import KINDS

    return KINDS[kind].wrong(answer, check_kw, grade_kw, rng) if kind in KINDS else answer


def choose_answers(learner: Learner, assignment: str, solution_nb: nbformat.NotebookNode,
                   rng: random.Random) -> dict[str, Any]:
    """The learner's value for each auto-graded question (``...`` where they skipped it)."""
    right, blank = PROFILES[learner.profile]
    out: dict[str, Any] = {}
    for name, parts in question_specs(solution_nb).items():
        grade_kw = parts.get("grade")
        if not grade_kw or "answer" not in grade_kw:
            continue
        kind = grade_kw.get("kind") or parts.get("check", {}).get("kind")
        roll = rng.random()
        if roll < blank:
            out[name] = Ellipsis
        elif rng.random() < right:
            out[name] = copy.deepcopy(grade_kw["answer"])
        else:
            out[name] = _wrong(kind, grade_kw["answer"], parts.get("check", {}), grade_kw, rng)
    learner.answers[assignment] = out
    return out


def _solution_text(cell_source: str) -> str:
    lines, inside = [], False
    for line in cell_source.splitlines():
        if "BEGIN SOLUTION" in line:
            inside = True
        elif "END SOLUTION" in line:
            inside = False
        elif inside:
            lines.append(line)
    return " ".join(lines).strip()


def fill_notebook(release_nb: nbformat.NotebookNode, solution_nb: nbformat.NotebookNode,
                  answers: dict[str, Any], learner: Learner, rng: random.Random) -> nbformat.NotebookNode:
    """A copy of the released notebook with the learner's answers typed into the answer cells."""
    nb = copy.deepcopy(release_nb)
    solutions = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in solution_nb.cells}
    right, blank = PROFILES[learner.profile]
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if not meta.get("solution"):
            continue
        gid = meta.get("grade_id")
        if cell.cell_type == "code" and gid in answers:
            value = answers[gid]
            if value is Ellipsis:
                continue  # left as released: "qN_k = ..."
            cell.source = f"{gid} = {value!r}\n"
        elif cell.cell_type == "markdown" and meta.get("grade"):
            roll = rng.random()
            if roll < blank:
                continue
            model = _solution_text(solutions.get(gid, cell).source)
            kind = "good" if rng.random() < right else "weak"
            cell.source = MANUAL_ANSWERS[kind].format(model=model)
    return nb


def write_submissions(learners: list[Learner], assignment: str, release_dir: Path,
                      solutions_dir: Path, submitted_dir: Path, seed: int = 2026,
                      timestamp: str = "2026-11-20 17:00:00.000000 UTC",
                      tracks: list | None = None) -> list[Path]:
    """Write ``submitted/<learner>/<assignment>/*.ipynb`` as nbgrader's collect would; with
    ``tracks`` (the manifest), only for learners whose track lists the assignment."""
    written = []
    learners = [l for l in learners if takes(l, assignment, tracks)]
    for nb_path in sorted((release_dir / assignment).glob("*.ipynb")):
        release_nb = nbformat.read(nb_path, as_version=4)
        solution_nb = nbformat.read(solutions_dir / assignment / nb_path.name, as_version=4)
        for learner in learners:
            rng = random.Random(f"{seed}:{learner.id}:{assignment}:{nb_path.name}")
            answers = choose_answers(learner, assignment, solution_nb, rng)
            nb = fill_notebook(release_nb, solution_nb, answers, learner, rng)
            out = submitted_dir / learner.id / assignment / nb_path.name
            out.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, out)
            (out.parent / "timestamp.txt").write_text(timestamp)
            written.append(out)
    return written
