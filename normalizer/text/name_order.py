"""Which word of a person's name is the family name: the last ("Adaeze Okafor"), or the first for
Chinese and Korean names, which English news writes family name first ("Wang Yi", "Lee Jae-myung")
and shortens to the family name ("Wang said", "Lee said").

A name is read as family name first when its first word is one of the ``family_first_surnames``
and the rest is a given name of those romanizations: one hyphenated word of two syllables
("Jae-myung", "Wei-ting"), or one or two words of one or two syllables each ("Jinping", "Yi", "Suk
Yeol"). Names of those family names with a Western given name ("Lee Anderson", "Kim Carter") stay
family name last.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from .keys import fold
from .words import words

# A syllable of Chinese or Korean romanization, loosely (pinyin, Wade-Giles, Korean spellings): one
# consonant, one of their consonant pairs or a consonant and y, one to three vowels (y only before them),
# maybe an h, then at most a nasal, a stop or a w ("jin", "ping", "qiang", "hsien", "kwon", "myung",
# "yeol", "soo", "ahn", "yew"). No final r, s or y and no other pairs: "Carter", "Davis", "Haley",
# "Harvey" and "Brennan" are no such given names.
_SYLLABLE = (r"(?:zh|ch|sh|ts|hs|kk|tt|pp|ss|jj|hw|kw|gw|[bcdghjklmnpst]y|[bcdfghjklmnpqrstvwxyz])?"
             r"[aeiou]{1,3}h?(?:ng|ck|[nmlkptw])?")
_GIVEN_WORD = re.compile(f"(?:{_SYLLABLE}){{1,2}}")  # "jinping", "yi", "suk" (folded: lower case)
_HYPHENATED_GIVEN = re.compile(f"{_SYLLABLE}-{_SYLLABLE}")  # "jae-myung", "wei-ting", "duck-soo"
MAX_GIVEN_WORDS = 2


def family_first(words_of_name: Sequence[str]) -> bool:
    """Is this person's name (its words, initials split off) written family name first?"""
    if not 2 <= len(words_of_name) <= MAX_GIVEN_WORDS + 1:
        return False
    if fold(words_of_name[0]) not in words("family_first_surnames"):
        return False
    written = words_of_name[1:]
    if not all(w.isascii() and w[:1].isupper() and not w.isupper() for w in written):
        return False
    given = [w.lower() for w in written]
    if len(given) == 1 and "-" in given[0]:
        return _HYPHENATED_GIVEN.fullmatch(given[0]) is not None
    return all(_GIVEN_WORD.fullmatch(w) for w in given)


def family_name(words_of_name: Sequence[str]) -> str:
    """The family name of a person's name (its words): its first word or its last."""
    return words_of_name[0] if family_first(words_of_name) else words_of_name[-1]


def given_names(words_of_name: Sequence[str]) -> list[str]:
    """The words of a person's name other than its family name, in order."""
    return list(words_of_name[1:] if family_first(words_of_name) else words_of_name[:-1])
