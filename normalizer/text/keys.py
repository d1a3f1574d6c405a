"""Matching keys: pure functions used the same way on gazetteer names and on text.

Two levels, each documented by its test table in ``tests/test_keys.py``:

``fold``
    Invisible format characters (zero-width space and joiners, soft hyphen, bidi controls), case,
    diacritics, straight/curly apostrophes, a trailing possessive 's/’s, hyphens and
    dashes vs spaces vs line breaks, periods in abbreviations (U.S. = US), ``&`` = ``and``,
    and a leading "the" do not matter. Cyrillic stays Cyrillic (lower-cased).

``translit_key``
    A skeleton that also forgets how a Cyrillic name was romanized: Cyrillic is romanized
    first, then kh/h, zh/z, ts/c, shch/sch/sh/s, y/j/i, ie/ye/e and doubled letters are
    merged. Izyum, Izjum and Izium share a key; Kupyansk, Kupjansk and Kupiansk share one;
    Donetsk and Donets do not, nor do Kyiv and Kyivstar, nor Russia and Russia-24 (digits stay).
    Only used for names of at least ``MIN_TRANSLIT_LENGTH`` letters.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from anyascii import anyascii

from .prepare import without_format_characters

MIN_TRANSLIT_LENGTH = 4

_APOSTROPHES = "'’‘ʼʹ`´ʻ′"
_POSSESSIVE = re.compile(r"[" + _APOSTROPHES + r"][sS]$")
_PUNCT_TO_SPACE = re.compile(r"[\-‐‑‒–—―_/\\|,;:!?()\[\]{}\"“”«»„·•…+*=<>]+")
_SPACES = re.compile(r"\s+")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")

# Order matters: longer clusters first.
_SKELETON_RULES: tuple[tuple[str, str], ...] = (
    ("shch", "s"),
    ("sch", "s"),
    ("sh", "s"),
    ("zh", "z"),
    ("kh", "h"),
    ("ch", "c"),
    ("ts", "c"),
    ("tz", "c"),
    ("cz", "c"),
    ("w", "v"),
    ("j", "i"),
    ("y", "i"),
)
_DOUBLED = re.compile(r"([a-z])\1+")


@lru_cache(maxsize=200_000)
def fold(text: str) -> str:
    """Return the case-, accent- and punctuation-insensitive key of a name."""
    text = unicodedata.normalize("NFKC", without_format_characters(text)).strip()
    text = _POSSESSIVE.sub("", text)
    text = text.replace("&", " and ")
    text = _PUNCT_TO_SPACE.sub(" ", text)
    for mark in _APOSTROPHES:
        text = text.replace(mark, "")
    text = text.replace(".", " ")
    text = _SPACES.sub(" ", text).strip().casefold()
    decomposed = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in decomposed if not unicodedata.combining(c))
    text = _abbreviation_join(_SPACES.sub(" ", text).strip())
    if text.startswith("the "):
        text = text[4:]
    return text


def _abbreviation_join(text: str) -> str:
    """Join runs of single letters left by removing periods: "u s a" -> "usa"."""
    words = text.split(" ")
    if len(words) < 2 or not any(len(w) == 1 for w in words):
        return text
    out: list[str] = []
    run = ""
    for word in words:
        if len(word) == 1 and word.isalpha():
            run += word
            continue
        if run:
            out.append(run)
            run = ""
        out.append(word)
    if run:
        out.append(run)
    return " ".join(out)


@lru_cache(maxsize=200_000)
def translit_key(text: str) -> str:
    """Return the romanization-insensitive skeleton of a name ("" if too short to trust)."""
    key = fold(text)
    if _CYRILLIC.search(key):
        key = anyascii(key).lower()
    key = "".join(c for c in key if c.isascii() and (c.isalnum() or c == " "))
    for old, new in _SKELETON_RULES:
        key = key.replace(old, new)
    key = _DOUBLED.sub(r"\1", key)
    key = key.replace("ie", "e")
    key = _SPACES.sub(" ", key).strip()
    if sum(c.isalpha() for c in key) < MIN_TRANSLIT_LENGTH:
        return ""
    return key


def is_cyrillic(text: str) -> bool:
    """True when the text contains Cyrillic letters."""
    return bool(_CYRILLIC.search(text))


def looks_like_acronym(name: str) -> bool:
    """Short names with two or more capitals (US, DPR, MoD, U.S.) match only in capitals."""
    letters = [c for c in name if c.isalpha()]
    return 2 <= len(letters) <= 6 and sum(c.isupper() for c in letters) >= 2


def case_compatible(variant: str, written: str) -> bool:
    """Can ``written`` in running text be an occurrence of gazetteer name ``variant``?

    A proper name starts with a capital (or digit); an acronym-like variant must be written
    in capitals. Lower-case text never matches a capitalized variant.
    """
    first = next((c for c in written if c.isalnum()), "")
    if not first or not (first.isupper() or first.isdigit()):
        return False
    if looks_like_acronym(variant):
        letters = [c for c in written if c.isalpha()]
        return all(c.isupper() for c in letters) or written.replace(".", "") == variant.replace(".", "")
    return True


def slug(name: str) -> str:
    """Lower-case ASCII letters, digits and hyphens from a name: "Kup'yans'k-Vuzlovyi" -> "kupyansk-vuzlovyi".

    The id-making key: ``suggest`` makes new entries' ids with it, ``nil_ids`` provisional ids.
    """
    text = anyascii(name).lower().replace("'", "").replace("`", "").replace("’", "")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")
