"""Subcommands of ``academy``: one module each, with ``register(subparsers)``."""
