"""Matching keys: pure functions used the same way on gazetteer names and on text.

Two levels, each documented by its test table in ``tests/text/test_keys.py``:

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

Both are cached; :func:`fold_uncached` and :func:`skeleton` (``translit_key(t) == skeleton(fold(t))``)
are the same keys without the caches, for the world build, which meets most of its million strings
once. The code takes shortcuts that change no key (an ASCII text skips the Unicode normalizations,
one ``str.translate`` does the character replacements); ``tests/text/test_keys.py`` checks them
against the straightforward implementation.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from operator import itemgetter

from anyascii import anyascii

from .prepare import without_format_characters

MIN_TRANSLIT_LENGTH = 4

_APOSTROPHES = "'’‘ʼʹ`´ʻ′"
_PUNCTUATION = "-‐‑‒–—―_/\\|,;:!?()[]{}\"“”«»„·•…+*=<>"  # each one is a space
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_NOT_IN_SKELETON = re.compile(r"[^A-Za-z0-9 ]")  # what ``c.isascii() and (c.isalnum() or c == " ")`` drops
# One pass for what fold replaces character by character: "&" is " and ", punctuation and periods are
# spaces, apostrophes go (the possessive is taken off before).
_FOLD_TABLE = {ord("&"): " and ", ord("."): " ", **dict.fromkeys(map(ord, _PUNCTUATION), " "),
               **dict.fromkeys(map(ord, _APOSTROPHES), None)}

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
_FIRST_GROUP = itemgetter(1)  # a doubled letter's replacement: the letter (faster than the template r"\1")
_NOT_A_LETTER = re.compile(r"[^A-Za-z]")
_ONE_CHARACTER_WORD = re.compile(r"(?:\A| )[^ ](?= |\Z)")  # a piece of ``text.split(" ")`` of length 1


class _WithoutCombiningMarks(dict):
    """A ``str.translate`` table that drops combining marks, filled as characters are met."""

    def __missing__(self, code: int) -> int | None:
        kept = None if unicodedata.combining(chr(code)) else code
        self[code] = kept
        return kept


class _Romanized(dict):
    """A ``str.translate`` table of ``anyascii`` (which romanizes each character on its own), filled as
    characters are met: one C pass over a name instead of anyascii's Python loop."""

    def __missing__(self, code: int) -> str:
        roman = self[code] = anyascii(chr(code))
        return roman


_COMBINING_MARKS = _WithoutCombiningMarks()
_ROMANIZED = _Romanized()


@lru_cache(maxsize=200_000)
def fold(text: str) -> str:
    """Return the case-, accent- and punctuation-insensitive key of a name."""
    return fold_uncached(text)


def fold_uncached(text: str) -> str:
    """:func:`fold` without its cache (for a build that meets each string about once)."""
    if text.isascii():  # no format characters, NFKC/NFKD change nothing, casefold is lower
        text = _without_possessive(text.strip()).translate(_FOLD_TABLE)
        text = " ".join(text.split()).lower()
    else:
        text = unicodedata.normalize("NFKC", without_format_characters(text)).strip()
        text = _without_possessive(text).translate(_FOLD_TABLE)
        text = " ".join(text.split()).casefold()
        text = " ".join(unicodedata.normalize("NFKD", text).translate(_COMBINING_MARKS).split())
    text = _abbreviation_join(text)
    if text.startswith("the "):
        text = text[4:]
    return text


def _without_possessive(text: str) -> str:
    """``text`` without a final 's or ’s (any of the apostrophes)."""
    if len(text) >= 2 and text[-1] in "sS" and text[-2] in _APOSTROPHES:
        return text[:-2]
    return text


def _abbreviation_join(text: str) -> str:
    """Join runs of single letters left by removing periods: "u s a" -> "usa"."""
    if not _ONE_CHARACTER_WORD.search(text):
        return text
    words = text.split(" ")
    if len(words) < 2:
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
    return skeleton(fold(text))


def skeleton(key: str) -> str:
    """The :func:`translit_key` of a name whose :func:`fold` key is ``key``."""
    if not key.isascii() and _CYRILLIC.search(key):
        key = key.translate(_ROMANIZED).lower()  # == anyascii(key).lower()
    key = _NOT_IN_SKELETON.sub("", key)
    for old, new in _SKELETON_RULES:
        key = key.replace(old, new)
    key = _DOUBLED.sub(_FIRST_GROUP, key)
    key = " ".join(key.replace("ie", "e").split())
    letters = key.replace(" ", "")  # letters and digits
    if not letters.isalpha():
        letters = _NOT_A_LETTER.sub("", letters)
    return key if len(letters) >= MIN_TRANSLIT_LENGTH else ""


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
