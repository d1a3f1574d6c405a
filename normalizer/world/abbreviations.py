"""Press abbreviations of US states (AP style) and Canadian provinces (Canadian Press style).

Local news writes them after a city ("Millbrook, Ala.", "Ashby, Alta."), in datelines and
after a legislator's party ("D-Ore."). Keys are folded (``normalizer.text.keys.fold``: "W.Va." ->
"w va" -> without spaces "wva"). The lists are data (``normalizer/data/words/``:
``us_state_abbreviations``, ``canadian_abbreviations``, ``canadian_provinces``), read on first use.
"""
from __future__ import annotations

from collections.abc import Mapping

from ..text.words import table
from .index import GeoNamesIndex, Place


def state_abbreviations() -> Mapping[str, str]:
    """Folded US state abbreviation ("calif", "wva") -> USPS code (data: ``us_state_abbreviations``)."""
    return table("us_state_abbreviations")


def province_abbreviations() -> Mapping[str, str]:
    """Folded Canadian province or territory abbreviation ("alta", "bc") -> ISO 3166-2:CA code."""
    return table("canadian_abbreviations")


def is_region_abbreviation(key: str) -> bool:
    """A US state's or a Canadian province's press abbreviation, folded without spaces ("wva", "sask")."""
    return key in state_abbreviations() or key in province_abbreviations()


def abbreviated_region(index: GeoNamesIndex, key: str) -> list[Place]:
    """The US state or Canadian province a press abbreviation names ("ky", "bc"), if any."""
    key = key.replace(" ", "")
    states, provinces = state_abbreviations(), province_abbreviations()
    if key in states:
        region = index.region("US", states[key])
    elif key in provinces:
        code = provinces[key]
        region = index.get(f"iso3166-2:CA-{code}") or next(  # a dump-built index has GeoNames' own
            (p for p, _ in index.candidates(table("canadian_provinces")[code], limit=5)
             if p.country == "CA" and p.feature == "admin1"), None)
    else:
        return []
    return [region] if region else []
