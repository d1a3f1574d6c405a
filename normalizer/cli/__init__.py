"""The ``entity-normalizer`` command (click): ``main`` and its subcommands."""
from .main import main

__all__ = ["main"]
