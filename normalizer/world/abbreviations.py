"""Press abbreviations of US states (AP style) and Canadian provinces (Canadian Press style).

Local news writes them after a city ("Alexandria, La.", "Red Deer, Alta."), in datelines and
after a legislator's party ("D-Calif."). Keys are folded (``normalizer.text.keys.fold``: "W.Va." ->
"w va" -> without spaces "wva").
"""
from __future__ import annotations

from .index import GeoNamesIndex, Place

# AP-style US state abbreviations, as local news writes them after a city ("Alexandria, La.").
US_STATE_ABBREVIATIONS = {
    "ala": "AL", "ariz": "AZ", "ark": "AR", "calif": "CA", "cal": "CA", "colo": "CO", "conn": "CT",
    "del": "DE", "fla": "FL", "ga": "GA", "ill": "IL", "ind": "IN", "kan": "KS", "kans": "KS",
    "ky": "KY", "la": "LA", "md": "MD", "mass": "MA", "mich": "MI", "minn": "MN", "miss": "MS",
    "mo": "MO", "mont": "MT", "neb": "NE", "nebr": "NE", "nev": "NV", "nh": "NH", "nj": "NJ",
    "nm": "NM", "ny": "NY", "nc": "NC", "nd": "ND", "okla": "OK", "ore": "OR", "pa": "PA",
    "penn": "PA", "ri": "RI", "sc": "SC", "sd": "SD", "tenn": "TN", "tex": "TX", "vt": "VT",
    "va": "VA", "wash": "WA", "wva": "WV", "wis": "WI", "wyo": "WY", "dc": "DC",
}
# Canadian Press abbreviations of the provinces and territories ("Red Deer, Alta.", "B.C.").
CANADIAN_ABBREVIATIONS = {
    "alta": "AB", "bc": "BC", "man": "MB", "nb": "NB", "nl": "NL", "nfld": "NL", "ns": "NS", "ont": "ON",
    "pei": "PE", "que": "QC", "sask": "SK", "nwt": "NT", "yt": "YT", "nu": "NU",
}

CANADIAN_PROVINCES = {
    "AB": "Alberta", "BC": "British Columbia", "MB": "Manitoba", "NB": "New Brunswick",
    "NL": "Newfoundland and Labrador", "NS": "Nova Scotia", "ON": "Ontario", "PE": "Prince Edward Island",
    "QC": "Quebec", "SK": "Saskatchewan", "NT": "Northwest Territories", "YT": "Yukon", "NU": "Nunavut",
}


def abbreviated_region(index: GeoNamesIndex, key: str) -> list[Place]:
    """The US state or Canadian province a press abbreviation names ("ky", "bc"), if any."""
    key = key.replace(" ", "")
    if key in US_STATE_ABBREVIATIONS:
        region = index.region("US", US_STATE_ABBREVIATIONS[key])
    elif key in CANADIAN_ABBREVIATIONS:
        code = CANADIAN_ABBREVIATIONS[key]
        region = index.get(f"iso3166-2:CA-{code}") or next(  # a dump-built index has GeoNames' own
            (p for p, _ in index.candidates(CANADIAN_PROVINCES[code], limit=5)
             if p.country == "CA" and p.feature == "admin1"), None)
    else:
        return []
    return [region] if region else []
