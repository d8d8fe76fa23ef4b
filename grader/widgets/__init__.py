"""Interactive widgets for the lessons (ipywidgets), each with its logic in plain functions.

Every widget module keeps what it decides (which wording is flagged, whether steps are in order,
which transcript lines break a standard) in functions and dataclasses that tests call without a
browser, and a thin ipywidgets class on top that only collects input and shows the result.
Rules and exercise content live in data files next to the code (``phrase_rules.yaml`` and
``phrase_rules.zh-CN.yaml``, ``call_steps.yaml``, ``coaching_drills.yaml``) or in ``datasets/``,
so trainers can change them without touching Python; each file's format is a pydantic model in
the module that reads it (see :mod:`grader.datafiles`), and loading lists every problem at once.
"""
