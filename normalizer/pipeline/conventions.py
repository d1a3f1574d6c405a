"""Which annotation conventions a pipeline follows (the choice, without the opt-in code itself)."""
from __future__ import annotations

from ..errors import ConfigError

CONVENTIONS = ("normalizer", "geoparse")
SPAN_GROUP = "geoparse"  # doc.spans key of the geoparsing conventions' extra places


def check_conventions(value: str) -> str:
    """``value`` if it names a set of conventions, else a ConfigError that lists the choices."""
    if value not in CONVENTIONS:
        raise ConfigError(f"unknown conventions {value!r}: use one of {', '.join(map(repr, CONVENTIONS))}")
    return value
