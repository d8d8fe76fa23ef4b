"""Synthetic data for demos, tests and benchmarks, in one place.

* :mod:`.learners`: synthetic learners (strong, average, struggling, skippers) and the answers they
  give to the course's real exercises (``academy demo``);
* :mod:`.sample_course`: a small self-contained nbgrader assignment covering every question kind,
  for workflow tests and the autograde benchmark;
* :mod:`.grades`: grade tables at any scale, and a real nbgrader gradebook bulk-built from them,
  for the report's tests and benchmark.

The real cohort a trainer runs is :mod:`grader.workflow` (``academy roster``, ``release`` …).
"""
