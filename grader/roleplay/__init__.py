"""The role-play scoring studio: scorecards and scenarios as data, the scorer widget, an
append-only SQLite store, rater calibration, and a code-free Voilà app (``academy roleplay``).

Modules: :mod:`.scorecard` (load, validate, score), :mod:`.scenarios` (the card library),
:mod:`.store` (``RolePlayStore``), :mod:`.scorer` (``RolePlayScorer``), :mod:`.calibration`.
"""
