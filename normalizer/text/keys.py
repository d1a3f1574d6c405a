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
    A name the skeleton shows to be Slavic (a word ending as ``slavic_endings`` lists: -enko,
    -chuk, -ov, -sky, -sk, -horod ...; or a given name of ``slavic_given_names``: Heorhiy,
    Galina ...) also forgets Г as h or g, ё as yo/io/jo or e, x or ks, Polish sz/szcz and
    French tch/chtch/ou: Herashchenko = Gerashchenko, Gorbachyov = Gorbachev, Myrhorod = Mirgorod,
    Kravtchouk = Kravchuk; other names keep them apart (Haines/Gaines, Hertz/Gertz, Lyons/Lens). The test
    reads the skeleton only, so names that shared a key before it still do.
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
from functools import cache, lru_cache
from operator import itemgetter

from anyascii import anyascii

from ..text.words import words
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
# Only in the skeleton of a Slavic name (``_is_slavic``): merges that would join unrelated Latin names.
_SLAVIC_RULES: tuple[tuple[str, str], ...] = (
    ("ctc", "s"),  # French chtch for Щ: Khrouchtchev
    ("tc", "c"),  # French tch for Ч: Kravtchouk, Gorbatchev
    ("szc", "s"),  # Polish szcz for Щ: Juszczenko
    ("sz", "s"),  # Polish sz for Ш: Tymoszenko
    ("x", "ks"),  # Alexei/Aleksei
    ("g", "h"),  # Г as Ukrainian h or Russian g: Heorhiy/Georgiy, Myrhorod/Mirgorod
)
_YO = re.compile(r"(?<=[bcdfghklmnpqrstvxz])io")  # ё after a consonant, as yo, io, jo or e: Gorbachyov/Gorbachev
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


KEYS_REMEMBERED = 200_000  # names whose keys are kept (names repeat across documents)


@lru_cache(maxsize=KEYS_REMEMBERED)
def fold(text: str) -> str:
    """Return the case-, accent- and punctuation-insensitive key of a name."""
    return fold_uncached(text)


def fold_uncached(text: str) -> str:
    """:func:`fold` without its cache (for a build that meets each string about once)."""
    if text.isascii():  # no format characters, NFKC/NFKD change nothing, casefold is lower
        if text.isalpha():  # one plain word ("Springfield"): no space, mark or letter run to fold, only its case
            return text.lower()
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


@lru_cache(maxsize=KEYS_REMEMBERED)
def translit_key(text: str) -> str:
    """Return the romanization-insensitive skeleton of a name ("" if too short to trust)."""
    return skeleton(fold(text))


def skeleton(key: str) -> str:
    """The :func:`translit_key` of a name whose :func:`fold` key is ``key``."""
    key = _latin_skeleton(key)
    if _is_slavic(key):
        key = slavic_skeleton(key)
    letters = key.replace(" ", "")  # letters and digits
    if not letters.isalpha():
        letters = _NOT_A_LETTER.sub("", letters)
    return key if len(letters) >= MIN_TRANSLIT_LENGTH else ""


def _latin_skeleton(key: str) -> str:
    """The merges safe for any name (the whole key before the Slavic step), of any length."""
    if not key.isascii() and _CYRILLIC.search(key):
        key = key.translate(_ROMANIZED).lower()  # == anyascii(key).lower()
    key = _NOT_IN_SKELETON.sub("", key)
    for old, new in _SKELETON_RULES:
        key = key.replace(old, new)
    key = _DOUBLED.sub(_FIRST_GROUP, key)
    return " ".join(key.replace("ie", "e").split())


def slavic_skeleton(key: str) -> str:
    """The merges of a skeleton with a Slavic word that would merge Latin names (see ``_SLAVIC_RULES``).

    Like the test whether to apply them (:func:`_is_slavic`), a function of the skeleton alone: two
    names that shared a skeleton still share one.
    """
    key = _YO.sub("e", key.replace("ou", "u"))  # French ou for У first: Iouri = Yuri, not Ieri
    for old, new in _SLAVIC_RULES:
        key = key.replace(old, new)
    return _DOUBLED.sub(_FIRST_GROUP, key)


@lru_cache(maxsize=KEYS_REMEMBERED)
def cyrillic_key(text: str) -> str:
    """The skeleton of a name known to be romanized from Cyrillic (a person's given name says so,
    where the family name alone does not): the Slavic merges applied whatever the name's ending
    ("Gordiienko" = "Hordiienko")."""
    return slavic_skeleton(_latin_skeleton(fold(text)))


def looks_slavic(text: str) -> bool:
    """Does the name look romanized from a Slavic language (a Slavic ending or given name)? For
    names no gazetteer entry vouches for, the sign that their spellings may vary by romanization."""
    return _is_slavic(_latin_skeleton(fold(text)))


def _is_slavic(key: str) -> bool:
    """Does a word of the skeleton end as a Slavic surname or place does, or is it a Slavic given name?"""
    endings, ending, given = _slavic_markers()
    if " " not in key:  # most names: one word, and most of them end otherwise
        return (key.endswith(endings) and ending.search(key) is not None) or key in given
    return ending.search(key) is not None or not given.isdisjoint(key.split(" "))


@cache
def _slavic_markers() -> tuple[tuple[str, ...], re.Pattern[str], frozenset[str]]:
    """The ``slavic_endings``; a word ending in one after two more characters; ``slavic_given_names`` as skeletons."""
    endings = tuple(sorted(words("slavic_endings"), key=len, reverse=True))
    pattern = re.compile(r"[^ ]{2}(?:" + "|".join(map(re.escape, endings)) + r")(?= |\Z)")
    return endings, pattern, frozenset(_latin_skeleton(name) for name in words("slavic_given_names"))


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
