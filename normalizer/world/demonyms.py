"""Nationality words and the countries they name: "Russian", "Russians", "Sri Lankan" -> a country.

The opt-in geoparsing conventions make them places (see :mod:`normalizer.pipeline.geoparse`); by the
project's own conventions a demonym is no entity: the rules drop a span NER gave one
(``rules.is_demonym``), and a document's nationality words are context for its places
(``DocumentFacts.nationalities``). The data is the ``demonym`` field of the installed ``countryinfo``
package (one file per country, some with two demonyms: "Antiguan,Barbudan"), read on first use, with
the project's own additions (``normalizer/data/words/extra_demonyms.txt``: "Briton", "Swede").
Plural forms come by rule: "-ese", "-ish", "-ch" and "-ss" words are their own plural ("the Chinese",
"the Irish", "the French", "the Swiss"); others take an "s" ("Americans", "Israelis", "Czechs"). A
demonym several countries share ("Chinese": China, Hong Kong, Macau; "Dominican") names the most
populous of them.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from ..text.keys import fold
from ..text.words import table as word_table

# Adjectives that are their own plural ("the Chinese", "the Irish", "the French", "the Swiss").
_OWN_PLURAL = re.compile(r"(?:ese|ish|ench|tch|ss)$")
_SPLIT = re.compile(r"\s*[,/]\s*")


@lru_cache(maxsize=1)
def demonym_table() -> dict[str, tuple[str, ...]]:
    """Folded demonym (singular and plural) -> ISO 3166-1 alpha-2 codes of the countries it may name."""
    import countryinfo

    table: dict[str, list[str]] = {}
    data = Path(countryinfo.__file__).parent / "data"
    for path in sorted(data.glob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        iso2 = (record.get("ISO") or {}).get("alpha2")
        for word in _SPLIT.split(record.get("demonym") or ""):
            if iso2 and word:
                _add(table, word, iso2)
    for word, iso2 in word_table("extra_demonyms").items():  # forms no rule derives, or the data spells otherwise
        _add(table, word, iso2)
    return {key: tuple(codes) for key, codes in table.items()}


def _add(table: dict[str, list[str]], word: str, iso2: str) -> None:
    for form in forms(word):
        codes = table.setdefault(fold(form), [])
        if iso2 not in codes:
            codes.append(iso2)


def forms(word: str) -> list[str]:
    """The singular and, by rule, the plural of a demonym: Russian -> Russian, Russians."""
    if _OWN_PLURAL.search(word):
        return [word]
    return [word, word + "s"]  # Czechs, Israelis, Thais


def countries_of(text: str) -> tuple[str, ...]:
    """The ISO codes a demonym as written may name ("Russians" -> ("RU",)); () if it is none.

    Only capitalized words count ("Russian", not "russian"; "the Chinese").
    """
    if not text[:1].isupper():
        return ()
    return demonym_table().get(fold(text), ())
