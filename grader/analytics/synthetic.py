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
