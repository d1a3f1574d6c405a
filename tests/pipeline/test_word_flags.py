"""The word tests behind ``facts.flags``, one table row per word (a blank English vocabulary)."""
from __future__ import annotations

import pytest
import spacy

from normalizer.pipeline.facts import DocumentFacts
from normalizer.pipeline.word_flags import (
    ALPHA,
    CAPS,
    CUE_AFTER,
    CUE_BEFORE,
    HYPHENATED,
    LOWER,
    NAME,
    NAME_START,
    REGION_CUE,
    SLASHED,
    flags,
    word_codes,
)

NLP = spacy.blank("en")


@pytest.mark.parametrize("word, expected", [
    ("Ashby", NAME | CUE_AFTER | NAME_START | ALPHA),  # a capitalized word: a name's word; after a name maybe another's
    ("The", CUE_AFTER | NAME_START | ALPHA),  # a stop word is no name word, but a free name may start with it
    ("near", CUE_BEFORE | LOWER | ALPHA),
    ("of", CUE_BEFORE | LOWER | ALPHA),
    ("council", CUE_AFTER | LOWER | ALPHA),  # a local noun: "the Ashby council"
    ("counties", CUE_AFTER | LOWER | ALPHA),  # a plural place noun: "Ashby and Fenwick counties"
    ("county", LOWER | ALPHA),
    ("and", CUE_AFTER | LOWER | ALPHA),
    (",", CUE_AFTER),
    ("DUNMORE", NAME | CUE_AFTER | CAPS | NAME_START | ALPHA),
    ("2024", NAME_START),  # a number may start a name too
    ("U.S.", CUE_AFTER),  # periods inside: neither a name word nor a dateline's
    ("O'HARE", CUE_AFTER | CAPS),
    ("U.S.-led", CUE_AFTER | HYPHENATED),
    ("pro-Lisbon", HYPHENATED),
    ("well-known", LOWER),  # no capital
    ("A-B", CUE_AFTER),  # too short to be a compound's token
    ("/Acme/.", SLASHED),
    ("and/or", SLASHED | LOWER),
    ("oblasts", REGION_CUE | LOWER | ALPHA),
    ("walked", LOWER | ALPHA),
])
def test_flags_of_a_word(word: str, expected: int) -> None:
    assert flags(NLP.vocab[word]) == expected


def test_the_document_flags_are_the_words_flags_in_token_order() -> None:
    doc = NLP("Troops left DUNMORE near Ashby oblasts.")
    facts = DocumentFacts(doc)
    assert facts.flags == [flags(token.lex) for token in doc]
    assert facts.flags == word_codes(doc, flags)
