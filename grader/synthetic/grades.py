"""Synthetic gradebook-shaped data for the report's scale benchmark and tests.

Learners have an ability, questions a difficulty (a simple logistic model), so the item
statistics look like a real cohort's: most items discriminate, a few are too easy, one has a
miskeyed distractor. Same seed, same data.
"""
from __future__ import annotations

import numpy as np
import pandas as pd


def synthetic_cohort(n_learners: int, n_questions: int, seed: int = 1, per_assignment: int = 10):
    """(table, people, answers, kinds, keys) shaped like the report's inputs."""
    rng = np.random.default_rng(seed)
    ability = rng.normal(0, 1, n_learners)
    difficulty = rng.normal(0, 1, n_questions)
    difficulty[0] = -4  # everybody gets it
    learners = np.array([f"l{i:05d}" for i in range(n_learners)])
    questions = np.array([f"q{1 + i // per_assignment}_{1 + i % per_assignment}" for i in range(n_questions)])
    assignments = np.array([f"{1 + i // per_assignment:02d}-module" for i in range(n_questions)])
    p = 1 / (1 + np.exp(-(ability[:, None] - difficulty[None, :])))
    p[:, -1] = 1 - p[:, -1]  # a miskeyed item: weaker learners "do better"
    right = rng.random(p.shape) < p
    # a tenth of learners stop after a few modules
    n_mod = int(np.ceil(n_questions / per_assignment))
    stop = np.where(rng.random(n_learners) < 0.1, rng.integers(1, max(2, n_mod), n_learners), n_mod)
    module = np.arange(n_questions) // per_assignment
    took = module[None, :] < stop[:, None]
    li, qi = np.nonzero(took)
    table = pd.DataFrame({
        "learner": learners[li], "assignment": assignments[qi], "notebook": assignments[qi],
        "question": questions[qi], "score": right[li, qi].astype(float), "max_score": 1.0,
        "auto_score": right[li, qi].astype(float), "manual_score": np.nan,
        "needs_manual_grade": False})
    people = pd.DataFrame({"learner": learners, "first_name": "Learner", "last_name": learners})
    kinds = {q: "choice" for q in questions}
    keys = {q: "C" for q in questions}
    wrong = rng.choice(np.array(list("ABD")), size=len(li))
    answers = pd.DataFrame({"learner": learners[li], "assignment": assignments[qi],
                            "question": questions[qi],
                            "answer": np.where(right[li, qi], "C", wrong)})
    return table, people, answers, kinds, keys


def synthetic_grades(n_learners: int, n_questions: int, seed: int = 1, per_assignment: int = 10,
                     assignments: list[str] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(grade table, people) shaped exactly like :func:`grader.gradebook.grade_table`'s output.

    :func:`synthetic_cohort`'s auto-graded answers, plus what a real gradebook also holds: the
    last question of every assignment is a written answer (2 points, ``written``) that a trainer
    marks. Most are marked (``manual_score``), about one in ten still waits (score 0,
    ``needs_manual_grade``), and a few carry extra credit, which nbgrader adds to the score.
    ``assignments`` renames the assignments in order (e.g. to the track manifest's ids).
    """
    table, people, *_ = synthetic_cohort(n_learners, n_questions, seed=seed, per_assignment=per_assignment)
    rng = np.random.default_rng(seed + 1)
    t = table.copy()
    if assignments:
        names = sorted(t.assignment.unique())
        if len(assignments) < len(names):
            raise ValueError(f"{len(names)} assignments need names, got {len(assignments)}")
        t["assignment"] = t.assignment.map(dict(zip(names, assignments)))
        t["notebook"] = t.assignment
    last = t.question.str.endswith(f"_{per_assignment}")
    n = int(last.sum())
    waiting = rng.random(n) < 0.1
    marks = np.where(t.score[last].to_numpy() > 0, 2.0, rng.choice([0.0, 1.0], n))
    extra = np.where(rng.random(n) < 0.02, 0.5, np.nan)
    t["written"] = last
    t["extra_credit"] = np.nan
    t.loc[last, "max_score"] = 2.0
    t.loc[last, "auto_score"] = np.nan
    t.loc[last, "manual_score"] = np.where(waiting, np.nan, marks)
    t.loc[last, "extra_credit"] = np.where(waiting, np.nan, extra)
    t.loc[last, "needs_manual_grade"] = waiting
    t["score"] = (t.manual_score.fillna(t.auto_score).fillna(0.0) + t.extra_credit.fillna(0.0))
    t["needs_manual_grade"] = t.needs_manual_grade.astype(bool)
    return t, people


def write_gradebook(url: str, table: pd.DataFrame, people: pd.DataFrame, *, chunk: int = 100_000) -> None:
    """Write a grade table (as :func:`synthetic_grades` makes) into a new nbgrader gradebook.

    nbgrader itself creates the schema and records the assignments, notebooks and cells
    (:class:`nbgrader.api.Gradebook`); learners, submissions and grades, the bulk of the data,
    are inserted into the same tables with SQLAlchemy Core ``executemany`` in chunks, as many
    rows per statement as the driver takes. Every written row is one nbgrader would write.
    """
    import uuid

    from nbgrader.api import Grade, Student, SubmittedAssignment, SubmittedNotebook
    from sqlalchemy import create_engine

    from ..gradebook import open_nbgrader

    t = table.reset_index(drop=True)
    cells = t.drop_duplicates(["assignment", "notebook", "question"])[
        ["assignment", "notebook", "question", "max_score", "written"]]
    cell_ids: dict[tuple[str, str, str], str] = {}
    nb_ids: dict[tuple[str, str], str] = {}
    assignment_ids: dict[str, str] = {}
    with open_nbgrader(url) as gb:
        for aid, g in cells.groupby("assignment", sort=True):
            assignment_ids[aid] = gb.add_assignment(aid).id
            for nb, h in g.groupby("notebook", sort=True):
                nb_ids[(aid, nb)] = gb.add_notebook(nb, aid).id
                for q, points, written in h[["question", "max_score", "written"]].itertuples(index=False):
                    if written:  # a written answer: a markdown solution cell that is also graded
                        gb.add_solution_cell(q, nb, aid)
                        cell = gb.add_grade_cell(q, nb, aid, max_score=float(points), cell_type="markdown")
                    else:  # the answer cell, and the hidden-test cell that grades it
                        gb.add_solution_cell(q, nb, aid)
                        cell = gb.add_grade_cell(f"{q}_test", nb, aid, max_score=float(points), cell_type="code")
                    cell_ids[(aid, nb, q)] = cell.id

    def uuids(k: int) -> list[str]:
        return [uuid.uuid4().hex for _ in range(k)]

    subs = t[["learner", "assignment"]].drop_duplicates(ignore_index=True)
    subs["id"] = uuids(len(subs))
    sub_nbs = t[["learner", "assignment", "notebook"]].drop_duplicates(ignore_index=True)
    sub_nbs = sub_nbs.merge(subs.rename(columns={"id": "sub_id"}), on=["learner", "assignment"])
    sub_nbs["id"] = uuids(len(sub_nbs))
    nb_key = pd.MultiIndex.from_frame(sub_nbs[["learner", "assignment", "notebook"]])
    row_nb = sub_nbs.id.to_numpy()[nb_key.get_indexer(pd.MultiIndex.from_frame(
        t[["learner", "assignment", "notebook"]]))]
    row_cell = [cell_ids[k] for k in zip(t.assignment.astype(str), t.notebook.astype(str), t.question.astype(str))]

    def nan_none(a) -> list:
        return [None if v != v else float(v) for v in a]

    extra = t.extra_credit if "extra_credit" in t else pd.Series(np.nan, index=t.index)
    engine = create_engine(url)
    try:
        with engine.begin() as con:
            con.execute(Student.__table__.insert(), [
                {"id": r.learner, "first_name": r.first_name, "last_name": r.last_name, "email": None,
                 "lms_user_id": None} for r in people.itertuples(index=False)])
            con.execute(SubmittedAssignment.__table__.insert(), [
                {"id": i, "assignment_id": assignment_ids[a], "student_id": l, "timestamp": None,
                 "extension": None} for i, l, a in zip(subs.id, subs.learner, subs.assignment)])
            con.execute(SubmittedNotebook.__table__.insert(), [
                {"id": i, "assignment_id": s, "notebook_id": nb_ids[(a, nb)], "flagged": False,
                 "late_submission_penalty": None}
                for i, s, a, nb in zip(sub_nbs.id, sub_nbs.sub_id, sub_nbs.assignment, sub_nbs.notebook)])
            auto, manual, ec = nan_none(t.auto_score), nan_none(t.manual_score), nan_none(extra)
            needs = t.needs_manual_grade.astype(bool).tolist()
            for start in range(0, len(t), chunk):
                stop = min(start + chunk, len(t))
                con.execute(Grade.__table__.insert(), [
                    {"id": uuid.uuid4().hex, "notebook_id": row_nb[i], "cell_id": row_cell[i],
                     "auto_score": auto[i], "manual_score": manual[i], "extra_credit": ec[i],
                     "needs_manual_grade": needs[i]} for i in range(start, stop)])
    finally:
        engine.dispose()
