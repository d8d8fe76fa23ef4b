"""Call Center Academy: self-checks, widgets, role-play scoring and the trainer's nbgrader tools."""
__version__ = "0.1.0"
