"""nbgrader configuration for Call Center Academy.

With this file, nbgrader's own commands and formgrader work on the repository as it is:
exercises are written (with solutions and hidden tests) in solutions/, released to exercises/.
`academy build` uses this same file, so both give the same release.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from grader.preprocessors import SealChecks  # noqa: E402
from nbgrader.converters import GenerateAssignment  # noqa: E402

c = get_config()  # noqa: F821 - provided by traitlets when nbgrader loads this file

c.CourseDirectory.course_id = "call-center-academy"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "exercises"
# Datasets are read from the repository's datasets/ folder; never copy them into releases.
# Translations (X.zh-CN.yaml, see grader/notebook_translations.py) are the zh-CN edition's source,
# not part of an English release.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", ".academy", "feedback",
                            "*.zh-CN.yaml"]

# Answer cells keep the learner's starting line ("q1_1 = ...") that precedes the solution region;
# the region itself is removed without a "raise NotImplementedError" that would alarm non-programmers.
c.ClearSolutions.code_stub = {"python": ""}
c.ClearSolutions.text_stub = "Write your answer here."

# Seal self-check answer keys right after solutions are cleared and before nbgrader saves cells.
_pre = list(GenerateAssignment.class_traits()["preprocessors"].default())
_pre.insert(_pre.index(next(p for p in _pre if p.__name__ == "ClearSolutions")) + 1, SealChecks)
c.GenerateAssignment.preprocessors = _pre

# Formgrader and feedback pages sanitize HTML in cell outputs (a learner's output must never run
# script in a trainer's browser); learners' Markdown is sanitized while autograding.
c.HTMLExporter.sanitize_html = True

# One learner's runaway cell must not hold up the cohort.
c.ExecutePreprocessor.timeout = 60
c.Execute.timeout = 60
c.LimitOutput.max_lines = 200
c.LimitOutput.max_traceback = 30
