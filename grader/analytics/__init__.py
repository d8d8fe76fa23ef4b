"""Cohort analytics for trainers: item statistics, option choices, learners at risk, the report.

Everything works on plain tables (pandas DataFrames shaped like nbgrader's gradebook: one row per
learner × assignment × question), so the same code serves a real gradebook and the synthetic
10,000-learner benchmark.
"""
