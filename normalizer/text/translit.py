"""Romanized variants generated from Cyrillic names, routed by the letters they contain.

і ї є ґ occur only in Ukrainian: such names get the Ukrainian national 2010 scheme (translitua,
the one behind Kharkiv, Kyiv, Izium, Kupiansk). ы э ё ъ occur only in Russian: such names get
the Russian schemes English news uses (iuliia: Wikipedia, Moscow Metro, ICAO). Names with neither
(Лиман, Бахмут) could be either language and get both. anyascii is the fallback for other
Cyrillic alphabets. Each variant records its scheme as its kind, e.g. ``translit:uk-national``.
"""
from __future__ import annotations

import re
from functools import lru_cache

import iuliia
from anyascii import anyascii
from translitua import translit

UKRAINIAN_ONLY = frozenset("іїєґІЇЄҐ")
RUSSIAN_ONLY = frozenset("ыэёъЫЭЁЪ")
_RUSSIAN_SCHEMES = (("wikipedia", iuliia.WIKIPEDIA), ("mosmetro", iuliia.MOSMETRO), ("icao", iuliia.ICAO_DOC_9303))
# Countries whose names are romanized from Cyrillic: where spellings vary by transliteration scheme.
CYRILLIC_COUNTRIES = frozenset({"UA", "RU", "BY", "BG", "RS", "MK", "ME", "BA", "KZ", "KG", "TJ", "MN"})
_UKRAINIAN_APOSTROPHE = re.compile(r"[\u0400-\u04ff]['’ʼ][\u0400-\u04ff]")


def language_of(name: str) -> str:
    """'uk', 'ru' or 'either' by the letters the Cyrillic name contains.

    An apostrophe between Cyrillic letters (Куп'янськ) is Ukrainian: Russian writes ъ there.
    """
    letters = set(name)
    if letters & UKRAINIAN_ONLY or _UKRAINIAN_APOSTROPHE.search(name):
        return "uk"
    if letters & RUSSIAN_ONLY:
        return "ru"
    return "either"


@lru_cache(maxsize=20_000)
def romanizations(name: str, *, language: str | None = None) -> tuple[tuple[str, str], ...]:
    """(romanized name, kind) pairs for one Cyrillic name, without duplicates, in scheme order.

    ``language`` ('uk', 'ru', 'either') overrides the routing by letters, e.g. when an entry's
    other native name already is the Ukrainian spelling, so this one must be the Russian.
    """
    language = language or language_of(name)
    found: dict[str, str] = {}
    if language in ("uk", "either"):
        found.setdefault(_tidy(translit(name)), "translit:uk-national")
    if language in ("ru", "either"):
        for scheme_name, scheme in _RUSSIAN_SCHEMES:
            found.setdefault(_tidy(scheme.translate(name)), f"translit:ru-{scheme_name}")
    found.setdefault(_tidy(anyascii(name)), "translit:anyascii")
    return tuple((text, kind) for text, kind in found.items() if text and text != name)


def _tidy(text: str) -> str:
    return " ".join(text.replace("ʹ", "").replace("’", "'").split())
