"""The shape of an unknown entity's name, for the corpus's provisional ids (:mod:`normalizer.corpus.identities`):
the kinds, the :class:`Name` and :class:`Identity` values, and what a person's name is made of
(its words, initials, surname and given-name keys, and whether a short form fits a full name)."""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..gazetteer.schema import PLACE_LABELS
from ..pipeline.resolve import alike_spellings
from ..text.keys import fold, looks_slavic, translit_key
from ..text.name_order import family_name, given_names
from ..text.words import words as word_list

NEW_PREFIX = "new"
NEW_MATCH = "new"
SHORT_FORM_MATCH = "short-form"  # a surname or initials, linked to the one curated person of the corpus they fit
KIND_OF_LABEL = {"PERSON": "person", "ORG": "org", **{label: "place" for label in sorted(PLACE_LABELS)}}
LABEL_OF_KIND = {"person": "PERSON", "org": "ORG", "place": "GPE"}  # a span whose cluster is of another kind
KIND_ORDER = ("person", "org", "place")  # a tie between kinds goes to the first
POSSESSIVE = re.compile(r"['’]s?$")


@dataclass(frozen=True, order=True)
class Name:
    """A name of an unknown entity as the corpus writes it: ``kind`` (person, org, place) and form.

    A curated person the corpus names in full is a name too, with its ``id`` and canonical name as
    ``form``: a surname elsewhere may be a short form of it."""

    kind: str
    form: str
    id: str = ""


@dataclass(frozen=True)
class Identity:
    """The provisional id of one cluster, the name it is shown by, and its kind (person, org, place)."""

    id: str
    name: str
    kind: str = ""
    match: str = NEW_MATCH


def tidy(text: str) -> str:
    return POSSESSIVE.sub("", " ".join(text.split())).strip()


def is_initial(word: str) -> bool:
    return len(word.rstrip(".")) == 1 and word[:1].isalpha()


def name_words(form: str) -> list[str]:
    """The name's words, initials split ("A.N." -> "A.", "N."), a generational suffix left out."""
    found = form.replace(".", ". ").split()
    while len(found) > 1 and found[-1].rstrip(".,").lower() in word_list("name_suffixes"):
        found.pop()
    return found


def is_full_person(form: str) -> bool:
    """Two words or more, the first not an initial: "Adaeze Okafor", "Adaeze N. Okafor"."""
    words = name_words(form)
    return len(words) >= 2 and not is_initial(words[0])


def surname_key(form: str) -> str:
    """The key of the family name (the last word, or the first of "Wang Yi": ``text.name_order``)."""
    surname = family_name(name_words(form))
    return translit_key(surname) or fold(surname)


def given_key(form: str) -> str:
    """The key of the first given name ("Adaeze" of "Adaeze N. Okafor", "Yi" of "Wang Yi")."""
    given = (given_names(name_words(form)) or name_words(form))[0]
    return translit_key(given) or fold(given)


def generation(form: str) -> str:
    """The generational suffix of a name ("jr" of "Tomas Okonkwo Jr."), or ""."""
    found = form.replace(".", ". ").split()
    last = found[-1].rstrip(".,").lower() if len(found) > 1 else ""
    return last if last in word_list("name_suffixes") else ""


def same_generation(a: str, b: str) -> bool:
    """"Okonkwo Jr." and "Okonkwo Sr." are two people; "Okonkwo" may be either."""
    first, second = generation(a), generation(b)
    return not first or not second or first == second


def same_name(a: str, b: str, *, slavic: bool | None = None) -> bool:
    """Two spellings of one unknown name: the same up to case and accents, or, for names that look
    romanized from a Slavic language, the same transliteration key and alike (Verkhovskyi and
    Verkhovsky; not Grier and Greer, nor Woltz and Volts: no entry vouches for these names, so the
    key's Latin merges are not trusted without a Slavic sign). ``slavic``: the sign, when the
    caller read it off more than these words (the whole name of which they are the surname)."""
    if fold(a) == fold(b):
        return True
    if slavic is None:
        slavic = looks_slavic(a) and looks_slavic(b)
    return slavic and translit_key(a) == translit_key(b) != "" and alike_spellings(fold(a), fold(b))


def fits(short: str, full: str) -> bool:
    """Does the short form ("Okafor", "A. Okafor", "A.N. Okafor") fit the full name?"""
    words, full_words = name_words(short), name_words(full)
    if surname_key(short) != surname_key(full) or not same_name(words[-1], family_name(full_words)) \
            or not same_generation(short, full):
        return False
    initials = [w.rstrip(".")[0].lower() for w in words[:-1]]
    given = [w[0].lower() for w in given_names(full_words)]
    return all(i in given for i in initials) and (not initials or initials[0] == given[0])


def fitting(short: str, fulls: Iterable[Name]) -> list[Name]:
    """The full names the short form fits; with a generational suffix, those with the same one
    when there are any ("Okonkwo Jr." is "Tomas Okonkwo Jr.", not "Tomas Okonkwo")."""
    found = sorted({full for full in fulls if fits(short, full.form)})
    suffix = generation(short)
    return [f for f in found if generation(f.form) == suffix] or found if suffix else found


def initials(form: str) -> tuple[str, ...]:
    """The first letters of the given names ("Adaeze N. Okafor" -> a, n; "Kim Jong Un" -> j, u)."""
    return tuple(w[0].lower() for w in given_names(name_words(form)))
