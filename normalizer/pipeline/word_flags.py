"""What each word of a document is to the stages' rules, as bits: read once per document.

Several stages first ask of every token whether it could matter to them (a capitalized name word,
an all-caps dateline word, a hyphenated compound, a word glued to a slash, a word that can give a
place cue or a region reading) and then look only there. The bits below name those word tests; ``flags``
computes all of them for one word (a spaCy ``Lexeme``), and ``word_codes`` gives a test's value for
every token of a document, remembered per word of the vocabulary, so that a document costs one array
of word ids and one look-up per token; ``word_entries`` gives each token's text and flags in that one
look-up. :class:`normalizer.pipeline.facts.DocumentFacts` keeps the document's flags (``facts.flags``,
and ``facts.flagged``: the bits some token has); a stage reads its bits from there.
"""
from __future__ import annotations

import weakref
from collections.abc import Callable
from functools import cache
from typing import Any

from spacy.attrs import ORTH
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.tokens import Doc
from spacy.vocab import Vocab

from ..text.words import table, words

HYPHEN = "-"
COORDINATORS = frozenset({",", "and", "or", "&"})  # words that join the names of a list
CUE_PREPOSITIONS = ("of", "from", "to")  # before a name: the residence, townof, to and from cues
WORDS_REMEMBERED = 200_000  # words whose value of a word test is remembered (``remembered``), then afresh


# One bit per word test (plain ints: a stage masks them once per token). The first three are
# ``toponyms.capitalized_runs``' and ``toponyms.may_have_cue``'s.
NAME = 1  # a capitalized alphabetic word that is no stop word: it may be part of a name
CUE_BEFORE = 2  # before a name, it may give a place cue ("in", "near", "of", "to")
CUE_AFTER = 4  # after a name, it may give one (a place noun, a coordinator, a comma, a capital, a space)
CAPS = 8  # all capitals, maybe with periods or apostrophes ("U.S.", "O'HARE"): a dateline's word
HYPHENATED = 16  # a hyphen inside, a capital somewhere and no slash ("U.S.-led"): a compound's token
SLASHED = 32  # a slash and a letter ("/Acme/."): a wire agency's token
REGION_CUE = 64  # the last word of a region designator, or a region's head ("oblasts", "regions")
NAME_START = 128  # a capitalized alphabetic word or a number: a free name may start there (``NameIndex.can_start``)
LOWER = 256  # written in lower case (``Lexeme.is_lower``): ``DocumentFacts.lowered``
ALPHA = 512  # letters only (``Lexeme.is_alpha``): the words of a person's name (``DocumentFacts.person_parts``)


@cache
def _cue_words() -> tuple[frozenset[str], frozenset[str]]:
    """Words before a name that may give a cue (prep, residence, townof, to, from, visit), and after one
    (noun, plural; a coordinator or a comma: list, comma)."""
    before = words("locative_prepositions") | set(CUE_PREPOSITIONS) | words("visit_verbs")
    return before, words("local_nouns") | words("plural_place_nouns") | COORDINATORS


@cache
def region_cue_words() -> frozenset[str]:
    """The words ``REGION_CUE`` marks."""
    return frozenset(key.split()[-1] for key in table("region_designators")) | words("region_heads")


def is_caps(text: str) -> bool:
    """An all-caps word, maybe with periods after it or apostrophes in it ("U.S.", "O'HARE")."""
    text = text.rstrip(".")
    return bool(text) and text.replace("'", "").replace("’", "").isalpha() and text.isupper()


def run_word(lexeme) -> int:
    """The NAME, CUE_BEFORE and CUE_AFTER bits of a word (a Lexeme)."""
    text, lower = lexeme.orth_, lexeme.lower_
    cue_before, cue_after = _cue_words()
    bits = NAME if lexeme.is_alpha and text[:1].isupper() and lower not in STOP_WORDS else 0
    bits |= CUE_BEFORE if lower in cue_before else 0
    after = lower in cue_after or text[:1].isupper() or text[:1] == "," or lexeme.is_space
    return bits | CUE_AFTER if after else bits


def flags(lexeme) -> int:
    """Every bit of a word (a Lexeme)."""
    text = lexeme.orth_
    bits = run_word(lexeme)
    if is_caps(text):
        bits |= CAPS
    if len(text) > 3 and HYPHEN in text[1:-1] and any(c.isupper() for c in text) and "/" not in text:
        bits |= HYPHENATED
    if "/" in text and any(c.isalpha() for c in text):
        bits |= SLASHED
    if lexeme.lower_ in region_cue_words():
        bits |= REGION_CUE
    if lexeme.like_num or (lexeme.is_alpha and text[:1].isupper()):
        bits |= NAME_START
    if lexeme.is_alpha:
        bits |= ALPHA
    return bits | LOWER if lexeme.is_lower else bits


_REMEMBERED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # per word function: (vocabulary, values)


def remembered(vocab: Vocab, of_word: Callable) -> dict[int, Any]:
    """The values of ``of_word`` (a function of a word: its Lexeme, or its id) found so far for words of
    ``vocab``, by word id, for the caller to read and fill: for one vocabulary at a time (its words'
    values are its own), up to ``WORDS_REMEMBERED`` words, then afresh. The one memo per word of the
    stages' word tests."""
    known_vocab, known = _REMEMBERED.get(of_word, (None, None))
    if known_vocab is not vocab or len(known) > WORDS_REMEMBERED:
        known = {}
        _REMEMBERED[of_word] = (vocab, known)
    return known


def value_of_word(vocab: Vocab, of_word: Callable, orth: int) -> Any:
    """``of_word(vocab[orth])``, remembered (``remembered``)."""
    known = remembered(vocab, of_word)
    value = known.get(orth)
    if value is None:
        value = known[orth] = of_word(vocab[orth])
    return value


def _per_word(doc: Doc, of_word: Callable, orths: list[int]) -> list:
    """``of_word(lexeme)`` for each token of the document (its word ids: ``orths``), remembered
    (``remembered``): a document costs a look-up per token."""
    known = remembered(doc.vocab, of_word)
    try:
        return list(map(known.__getitem__, orths))
    except KeyError:  # words not met before (no scan for them when there are none)
        pass
    values = list(map(known.get, orths))
    for i, value in enumerate(values):
        if value is None:
            orth = orths[i]
            if orth not in known:
                known[orth] = of_word(doc.vocab[orth])
            values[i] = known[orth]
    return values


def word_codes(doc: Doc, test: Callable, *, orths: list[int] | None = None) -> list[int]:
    """``test(lexeme)`` (an int) for each token of the document (its word ids: ``orths``, if at hand),
    remembered per word of the vocabulary (``_per_word``)."""
    orths = doc.to_array(ORTH).tolist() if orths is None else orths
    return [int(code) for code in _per_word(doc, test, orths)]


def _entry(lexeme) -> tuple[str, str, int]:
    text = lexeme.orth_
    return text, text + " ", flags(lexeme)


def word_entries(doc: Doc, orths: list[int]) -> list[tuple[str, str, int]]:
    """Each token's text, its text and a space, and its ``flags`` (its word ids: ``orths``), remembered per
    word of the vocabulary (``_per_word``), in one entry: a document costs one look-up per token, no
    ``Token`` made."""
    return _per_word(doc, _entry, orths)
