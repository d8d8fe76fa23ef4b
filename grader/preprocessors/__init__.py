"""nbgrader preprocessors of Call Center Academy, one class per file.

Where each runs, in order (the rest are nbgrader's own, unchanged):

``nbgrader generate_assignment`` / ``academy build``
    nbgrader's pipeline, with :class:`SealChecks` right after ``ClearSolutions``
    (set in ``nbgrader_config.py``).

``academy autograde`` (:func:`autograde_pipeline` sets this up)
    sanitize: :class:`RepairStructure`, :class:`SanitizeLearnerHTML`, then nbgrader's ``ClearOutput``, ``DeduplicateIds``,
    ``OverwriteKernelspec``, ``OverwriteCells``, then :class:`FastCheckCellMetadata` (nbgrader's
    ``CheckCellMetadata`` with its schema compiled once);
    autograde: :class:`SandboxedExecute` (in place of nbgrader's ``Execute``), nbgrader's
    ``IgnorePattern``, ``ClearMetadataPreprocessor``, ``LimitOutput``, then
    :class:`LimitOutputSize`, then nbgrader's ``SaveAutoGrades``, ``AssignLatePenalties``, then
    :class:`FastCheckCellMetadata`.

``academy feedback``
    nbgrader's ``GetGrades``, then :class:`LearnerFeedback`, then ``CSSHTMLHeaderPreprocessor``.
"""
from __future__ import annotations

from .check_cell_metadata import FastCheckCellMetadata
from .learner_feedback import LearnerFeedback
from .limit_output_size import LimitOutputSize
from .repair_structure import RepairStructure
from .sanitize_learner_html import SanitizeLearnerHTML
from .sandboxed_execute import SandboxedExecute
from .seal_checks import SealChecks

__all__ = ["FastCheckCellMetadata", "LearnerFeedback", "LimitOutputSize", "RepairStructure", "SandboxedExecute", "SanitizeLearnerHTML",
           "SealChecks",
           "autograde_pipeline", "feedback_pipeline"]


def autograde_pipeline(config) -> None:
    """Put the course's preprocessors into nbgrader's Autograde pipeline, in the order above."""
    from nbgrader.converters import Autograde
    from nbgrader.preprocessors import Execute

    san = [p for p in Autograde.class_traits()["sanitize_preprocessors"].default()
           if p not in (RepairStructure, SanitizeLearnerHTML)]
    from nbgrader.preprocessors import CheckCellMetadata

    def fast(steps):
        return [FastCheckCellMetadata if p is CheckCellMetadata else p for p in steps]

    config.Autograde.sanitize_preprocessors = fast([RepairStructure, SanitizeLearnerHTML, *san])
    config.RepairStructure.release_dir = config.CourseDirectory.release_directory
    pre = list(Autograde.class_traits()["autograde_preprocessors"].default())
    if Execute not in pre:
        raise RuntimeError("this nbgrader version has no Execute step in its autograde pipeline; "
                           "academy's sandbox cannot replace it (nbgrader 0.9.x is supported)")
    pre = [SandboxedExecute if p is Execute else p for p in pre]
    limit = next(p for p in pre if p.__name__ == "LimitOutput")
    pre.insert(pre.index(limit) + 1, LimitOutputSize)
    config.Autograde.autograde_preprocessors = fast(pre)
    if "timeout" in config.Execute and "timeout" not in config.SandboxedExecute:
        config.SandboxedExecute.timeout = config.Execute.timeout


def feedback_pipeline(config) -> None:
    """Learners' feedback: points and self-check hints, never hidden tests or keys."""
    from nbgrader.converters import GenerateFeedback

    pre = [p for p in GenerateFeedback.class_traits()["preprocessors"].default() if p is not LearnerFeedback]
    get = next(i for i, p in enumerate(pre) if p.__name__ == "GetGrades")
    pre.insert(get + 1, LearnerFeedback)
    config.GenerateFeedback.preprocessors = pre
